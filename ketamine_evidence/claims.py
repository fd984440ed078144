"""Claims set against the evidence: the curated claims file, and a matcher for claims a user types.

No Streamlit. The claims file holds verdicts and explanations in words; every number a user sees next to a
claim comes from the evidence rows it cites.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .vocab import CERTAINTY
from .data import DATA_DIR, DataValidationError, Problem, parse_table, validate_model

VERDICTS = ("supported", "partly", "not supported", "mis-stated", "no evidence in the data")
CLAIM_COLUMNS = ("claim_id", "claim", "from", "dimension", "verdict", "explanation", "row_ids")


class ClaimModel(pa.DataFrameModel):
    claim_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9-]+$")
    claim: Series[str] = pa.Field(str_length={"min_value": 10})
    from_: Series[str] = pa.Field(alias="from")
    dimension: Series[str] = pa.Field()
    verdict: Series[str] = pa.Field(isin=VERDICTS)
    explanation: Series[str] = pa.Field(str_length={"min_value": 40})
    row_ids: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True


def read_claims(evidence: pd.DataFrame, path: Path = DATA_DIR / "claims.csv") -> pd.DataFrame:
    """Return the claims table, checked: allowed verdicts, and every cited row id present in the evidence."""
    claims, problems = parse_table(path.read_bytes(), path.name, CLAIM_COLUMNS)
    if not problems:
        problems += validate_model(claims, ClaimModel, path.name)
    known = set(evidence["row_id"])
    for i, r in claims.iterrows():
        for rid in cited_ids(r.get("row_ids")):
            if rid not in known:
                problems.append(Problem(path.name, int(i) + 2, r["claim_id"], "row_ids", rid,
                                        "this row id is not in evidence.csv"))
    if problems:
        raise DataValidationError(problems)
    return claims


def cited_ids(cell) -> list[str]:
    """Return the row ids a claim cites (semicolon-separated cell; empty when none)."""
    if not isinstance(cell, str):
        return []
    return [x.strip() for x in cell.split(";") if x.strip()]


def claim_rows(claim: pd.Series, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the evidence rows a claim cites, in the order it cites them."""
    ids = cited_ids(claim["row_ids"])
    out = rows[rows["row_id"].isin(ids)]
    return out.set_index("row_id").loc[[i for i in ids if i in set(out["row_id"])]].reset_index()


def figure_line(r) -> str:
    """Return one evidence row (a namedtuple from itertuples) as a short line: study, group, outcome, value, time."""
    unit = "%" if r.unit == "%" else f" {r.unit}"
    when = f", {r.time_reported}" if isinstance(r.time_reported, str) else ""
    return f"{r.study} · {r.treatment_group} · {r.outcome_label}: {r.value:g}{unit}{when} ({r.certainty} certainty)"


def claim_figures(claims: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Return, for every claim, the rows it cites (in citation order) with `claim_id` and a `line` to show."""
    parts = []
    for _, c in claims.iterrows():
        cited = claim_rows(c, rows)
        if not cited.empty:
            parts.append(cited.assign(claim_id=c["claim_id"], line=[figure_line(r) for r in cited.itertuples()]))
    if not parts:
        return rows.iloc[0:0].assign(claim_id=pd.Series(dtype=str), line=pd.Series(dtype=str))
    return pd.concat(parts, ignore_index=True)


def claim_cards(claims: pd.DataFrame, figures: pd.DataFrame) -> list[dict]:
    """Return each curated claim as the page draws it: its fields and the lines of the figures it cites, in order."""
    lines = figures.groupby("claim_id", sort=False)["line"].agg(list).to_dict()
    return [{**c, "cited": lines.get(c["claim_id"], [])} for c in claims.to_dict("records")]


def verdict_counts(claims: pd.DataFrame) -> str:
    """Return how many claims have each verdict, in the verdicts' order, as one line."""
    counts = claims["verdict"].value_counts()
    return " · ".join(f"{v}: {counts.get(v, 0)}" for v in VERDICTS)


# ---------------------------------------------------------------- matching a typed claim

GROUP_WORDS = {
    "IV ketamine": ("ketamine", "infusion", "intravenous", "iv"),
    "Esketamine": ("esketamine", "spravato", "nasal", "spray", "intranasal"),
    "SSRI": ("ssri", "ssris", "prozac", "fluoxetine", "paxil", "paroxetine", "sertraline", "zoloft", "citalopram",
             "escitalopram", "lexapro", "celexa", "serotonin"),
    "SNRI": ("snri", "snris", "venlafaxine", "effexor", "duloxetine", "cymbalta"),
    "TCA": ("tca", "tcas", "tricyclic", "tricyclics", "amitriptyline", "nortriptyline", "clomipramine"),
    "Other antidepressant": ("bupropion", "wellbutrin", "mirtazapine", "remeron", "agomelatine"),
    "Antidepressants (pooled)": ("antidepressant", "antidepressants", "traditional", "standard", "conventional"),
    "Antidepressant + placebo spray": ("placebo",),
    "Placebo": ("placebo",),
    "ECT": ("ect", "electroconvulsive"),
}
DIMENSION_WORDS = {
    "onset": ("fast", "quick", "quickly", "rapid", "rapidly", "hours", "hour", "days", "day", "onset", "slow",
              "slowly", "soon", "within", "weeks", "week", "early"),
    "durability": ("last", "lasts", "lasting", "relapse", "relapses", "brief", "durable", "maintain", "months",
                   "month", "long", "return", "returns", "stop", "stopping"),
    "non_response": ("work", "works", "respond", "response", "responded", "remission", "remit", "improved",
                     "improve", "helps", "effective", "success", "third", "half", "fail", "failed"),
    "side_effects": ("side", "effects", "effect", "safe", "safety", "nausea", "dissociation", "vomiting", "memory",
                     "sexual", "weight", "insomnia", "blood", "pressure", "anxiety", "dizziness", "harm"),
}
STOPWORDS = {"about", "after", "among", "their", "there", "these", "those", "which", "while", "people", "patients",
             "works", "within", "doesn", "cause", "causes", "treatment", "treatments", "depression", "drugs"}
NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(%|percent|per cent)?")
WORD_FRACTIONS = {"half": 50.0, "third": 33.3, "quarter": 25.0, "two thirds": 66.7, "two-thirds": 66.7}


# Time words in a claim, and the window of hours since the first dose (or of duration) each one speaks of.
TIME_WINDOWS = {"minutes": (0, 2), "hours": (0, 48), "hour": (0, 48), "day": (12, 24 * 14), "days": (12, 24 * 14),
                "week": (24 * 5, 24 * 7 * 12), "weeks": (24 * 5, 24 * 7 * 12),
                "month": (24 * 28, 24 * 730), "months": (24 * 28, 24 * 730), "year": (24 * 300, 24 * 1100),
                "years": (24 * 300, 24 * 1100)}


def parse_claim(text: str) -> dict:
    """Return what a typed claim mentions: treatment groups, dimensions and numbers (percentages first)."""
    t = (text or "").lower()
    words = set(re.findall(r"[a-z][a-z\-]*", t))
    groups = [g for g, ws in GROUP_WORDS.items() if words & set(ws)]
    if "Esketamine" in groups and not (words - {"esketamine"}) & {"ketamine", "infusion", "intravenous", "iv"}:
        groups = [g for g in groups if g != "IV ketamine"] if "ketamine" not in words else groups
    dims = [d for d, ws in DIMENSION_WORDS.items() if words & set(ws)]
    numbers = [float(m.group(1)) for m in NUMBER.finditer(t)]
    numbers += [v for w, v in WORD_FRACTIONS.items() if w in t]
    times = [w for w in TIME_WINDOWS if w in words]
    return {"groups": groups, "dimensions": dims, "numbers": numbers, "words": sorted(words), "times": times}


def match_claim(text: str, rows: pd.DataFrame, limit: int = 15) -> pd.DataFrame:
    """Return the evidence rows that bear on a typed claim, best first, with a `match_score` and `match_reason`.

    Scoring is plain and stated on the page: a named treatment group counts 3, a matching question 2, and a
    figure within 5 points (or 10%) of a number in the claim 2. Rows that match no treatment and no question
    are never returned, so an unrelated sentence gets no rows.
    """
    parsed = parse_claim(text)
    if not parsed["groups"] and not parsed["dimensions"]:
        return rows.iloc[0:0].assign(match_score=pd.Series(dtype=float), match_reason=pd.Series(dtype=str))
    score = pd.Series(0.0, index=rows.index)
    reasons = [[] for _ in range(len(rows))]
    pos = {idx: i for i, idx in enumerate(rows.index)}
    if parsed["groups"]:
        hit = rows["treatment_group"].isin(parsed["groups"])
        score += 3 * hit
        for idx in rows.index[hit]:
            reasons[pos[idx]].append("treatment")
    if parsed["dimensions"]:
        hit = rows["dimension"].isin(parsed["dimensions"])
        score += 2 * hit
        for idx in rows.index[hit]:
            reasons[pos[idx]].append("question")
    group_words = {w for ws in GROUP_WORDS.values() for w in ws}
    topic = [w for w in parsed["words"] if len(w) >= 5 and w not in STOPWORDS and w not in group_words]
    if topic:
        label = rows["outcome_label"].str.lower()
        hit = label.apply(lambda lab: any(w in lab for w in topic)) & (score > 0)
        score += 2 * hit
        for idx in rows.index[hit]:
            reasons[pos[idx]].append("outcome")
    if parsed["times"] and "time_hours" in rows.columns:
        # A claim about hours or weeks is matched by figures measured then (or durations that long), not by any row.
        hours = rows["time_hours"].where(rows["time_hours"].notna(), rows["value"].where(rows["unit"] == "days") * 24)
        within = pd.Series(False, index=rows.index)
        for w in parsed["times"]:
            lo, hi = TIME_WINDOWS[w]
            within |= hours.between(lo, hi)
        hit = within & (score > 0)
        score += 2 * hit
        for idx in rows.index[hit]:
            reasons[pos[idx]].append("time")
    for n in parsed["numbers"]:
        close = (rows["value"] - n).abs() <= rows["value"].abs().mul(0.1).clip(lower=5)
        hit = close & (score > 0)
        score += 2 * hit
        for idx in rows.index[hit]:
            reasons[pos[idx]].append(f"figure near {n:g}")
    out = rows.assign(match_score=score, match_reason=["; ".join(r) for r in reasons])
    needs = 3 if parsed["groups"] else 2
    out = out[out["match_score"] >= needs]
    rank = out["certainty"].map({c: i for i, c in enumerate(CERTAINTY)})
    return out.assign(_rank=rank).sort_values(["match_score", "_rank"], ascending=[False, True]).drop(columns="_rank").head(limit)


def resembling(text: str, claims: pd.DataFrame, limit: int = 3) -> pd.DataFrame:
    """Return the curated claims a typed claim resembles most (same question, treatments, content words), best first.

    A curated claim needs to share its question, or a treatment and a content word, to be listed at all.
    """
    parsed = parse_claim(text)
    mine = {w for w in parsed["words"] if len(w) >= 5 and w not in STOPWORDS}
    out = []
    for _, c in claims.iterrows():
        theirs = parse_claim(c["claim"])
        same_q = c["dimension"] in parsed["dimensions"]
        shared_groups = set(parsed["groups"]) & set(theirs["groups"])
        shared_words = mine & {w for w in theirs["words"] if len(w) >= 5}
        score = 3 * same_q + 2 * bool(shared_groups) + len(shared_words) + 2 * bool(set(parsed["times"]) & set(theirs["times"]))
        if same_q or (shared_groups and shared_words):
            out.append({"claim_id": c["claim_id"], "claim": c["claim"], "verdict": c["verdict"], "score": score})
    frame = pd.DataFrame(out, columns=["claim_id", "claim", "verdict", "score"])
    return frame.sort_values("score", ascending=False, kind="stable").head(limit).reset_index(drop=True)


def answer_rows_first(found: pd.DataFrame, row_ids) -> pd.DataFrame:
    """Return matched figures with those of the answer a verdict rests on first, each group in its match order."""
    ids = set(row_ids or ())
    first = found["row_id"].isin(ids)
    return pd.concat([found[first], found[~first]])


def seed_source_note(sources: pd.DataFrame) -> dict | None:
    """Return where the 2014 story's own study (the Oxford series) was read, as a sentence and its address, from its
    row in sources.csv (None if the source is not in the data)."""
    row = sources[sources["source_id"] == "diamond2014"]
    if row.empty:
        return None
    r = row.iloc[0]
    gap = r.get("identifier_gap")
    missing = (" We could not read its DOI or PMID, or find another copy of its abstract, in any source we could "
               "search." if isinstance(gap, str) and gap else "")
    return {"text": ("Where the Oxford series' own figures were read: its abstract on the University of Oxford "
                     f"Department of Psychiatry's publication record (read on {r['date_read']}).{missing}"),
            "url": r["url"]}
