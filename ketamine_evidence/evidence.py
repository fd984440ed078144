"""Evidence logic: pure pandas, no Streamlit.

Each page asks one question; the functions here return the tidy rows that
answer it, the sentences that summarise them (computed, never typed), and the
warnings a reader needs when rows are not like-for-like.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from . import vocab


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects. Empty tuples mean 'everything'."""

    populations: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    designs: tuple[str, ...] = ()
    certainty: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    regimens: tuple[str, ...] = ()
    read_in: tuple[str, ...] = ()
    years: tuple[int, int] | None = None

    def is_default(self) -> bool:
        """Return True when nothing is filtered."""
        return all(getattr(self, f.name) in ((), None) for f in fields(self))


FILTER_COLUMNS = {
    "populations": "population",
    "groups": "treatment_group",
    "drugs": "treatment",
    "designs": "design",
    "certainty": "certainty",
    "routes": "route",
    "regimens": "regimen",
    "read_in": "read_in",
}


def filters_removing(rows: pd.DataFrame, f: Filters) -> list[str]:
    """Return the active filters (attribute names, years as 'years') that, each on its own, remove any of `rows`."""
    out = []
    for attr, col in FILTER_COLUMNS.items():
        chosen = getattr(f, attr)
        if chosen and not rows[col].isin(chosen).all():
            out.append(attr)
    if f.years is not None and not rows["year"].between(*f.years).all():
        out.append("years")
    return out


def with_sources(evidence: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Return evidence rows with their source's short citation, year, DOI, PMID and a link."""
    cols = ["source_id", "short_citation", "citation", "year", "doi", "pmid", "url"]
    out = evidence.merge(sources[cols], on="source_id", how="left", validate="many_to_one")
    out = out.rename(columns={"short_citation": "study", "url": "source_url"})
    out["link"] = [source_link(d, p, u) for d, p, u in zip(out["doi"], out["pmid"], out["source_url"])]
    out["read_in"] = read_in(out)
    return out


def read_in(rows: pd.DataFrame) -> pd.Series:
    """Return, for each row, where its figure was read (its provenance level) in words."""
    if "provenance" not in rows:
        return pd.Series("not stated", index=rows.index, dtype=object)
    return rows["provenance"].map(vocab.PROVENANCE_LABELS).fillna("not stated")


def source_link(doi, pmid, url) -> str:
    """Return the best stable link for a source: DOI, then PubMed, then the page where it was read."""
    if isinstance(doi, str) and doi:
        return f"https://doi.org/{doi}"
    if isinstance(pmid, str) and pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return url if isinstance(url, str) else ""


def apply_filters(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Return the rows that pass every active filter (needs the `year` column from with_sources)."""
    mask = pd.Series(True, index=df.index)
    for attr, col in FILTER_COLUMNS.items():
        chosen = getattr(f, attr)
        if chosen:
            mask &= df[col].isin(chosen)
    if f.years is not None:
        lo, hi = f.years
        mask &= df["year"].between(lo, hi)
    return df[mask]


def filter_options(df: pd.DataFrame) -> dict[str, list]:
    """Return the values each filter can take, in a stable, meaningful order."""
    order = {
        "populations": vocab.POPULATIONS, "groups": vocab.TREATMENT_GROUPS, "designs": vocab.DESIGNS,
        "certainty": vocab.CERTAINTY, "routes": vocab.ROUTES, "regimens": vocab.REGIMENS,
        "read_in": tuple(vocab.PROVENANCE_LABELS.values()),
    }
    opts: dict[str, list] = {}
    for attr, col in FILTER_COLUMNS.items():
        present = set(df[col].dropna())
        opts[attr] = [v for v in order[attr] if v in present] if attr in order else sorted(present, key=str.lower)
    return opts


# ---------------------------------------------------------------- like-for-like

LIKE_FOR_LIKE_ASPECTS = (
    ("population", "populations"),
    ("regimen", "regimens (add-on vs monotherapy)"),
    ("control_type", "kinds of control (e.g. saline vs active placebo)"),
    ("outcome_definition", "outcome definitions"),
    ("design", "study designs"),
)


def like_for_like_warnings(rows: pd.DataFrame) -> list[str]:
    """Return one short phrase for each way the compared rows differ (empty when they match)."""
    warnings = []
    if rows.empty:
        return warnings
    for col, words in LIKE_FOR_LIKE_ASPECTS:
        values = sorted(set(rows[col].dropna()))
        if len(values) > 1:
            if col == "outcome_definition":
                warnings.append(f"{len(values)} different {words}")
            else:
                shown = ", ".join(values[:3]) + (", …" if len(values) > 3 else "")
                warnings.append(f"{len(values)} {words}: {shown}")
    return warnings


# ---------------------------------------------------------------- per-page selections

PERCENT = "%"


def onset_time_course(df: pd.DataFrame) -> pd.DataFrame:
    """Return the share of patients improving, responding or remitting at a time since first dose (onset chart)."""
    sel = df[
        (df["outcome"].isin(["response", "remission"]) | ((df["outcome"] == "symptom_change") & (df["dimension"] == "onset")))
        & (df["unit"] == PERCENT)
        & df["time_hours"].notna()
        & (df["time_anchor"] == "first dose")
        & df["dimension"].isin(["onset", "non_response"])
    ]
    return sel.sort_values(["treatment_group", "time_hours"])


def onset_effect_units(df: pd.DataFrame) -> list[str]:
    """Return the effect measures present among onset effect sizes, in the order they first appear."""
    return list(dict.fromkeys(onset_effect_sizes(df)["unit"]))


def response_time_shares(df: pd.DataFrame) -> pd.DataFrame:
    """Return shares of patients by how long they took to respond (time-to-response rows in %)."""
    return df[(df["outcome"] == "time_to_response") & (df["unit"] == PERCENT)]


def onset_effect_sizes(df: pd.DataFrame) -> pd.DataFrame:
    """Return effect sizes and symptom changes against a comparator over time since first dose.

    Prognostic figures (early improvers against early non-improvers) compare patients, not a treatment with a
    control, so they never enter this treatment-effect view.
    """
    sel = df[
        (df["dimension"] == "onset")
        & (df["outcome"].isin(["effect_size", "symptom_change"]) | df["unit"].isin(vocab.RELATIVE_UNITS))
        & (df["outcome"] != "prognostic")
        & (df["unit"] != PERCENT)
        & df["time_hours"].notna()
    ]
    return sel.sort_values(["treatment_group", "time_hours"])


def time_to_event(df: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Return rows whose value is itself a time (e.g. time to response), converted to days for one axis.

    The conversion (hours / 24, weeks x 7) is made here, openly, and the chart says 'days'.
    """
    sel = df[(df["outcome"] == outcome) & df["unit"].isin(["hours", "days", "weeks"])].copy()
    factor = sel["unit"].map({"hours": 1 / 24, "days": 1.0, "weeks": 7.0}).astype("float64")
    for col in ("value", "ci_low", "ci_high"):
        sel[f"{col}_days"] = pd.to_numeric(sel[col], errors="coerce").astype("float64") * factor
    return sel.sort_values(["treatment_group", "value_days"])


def rates(df: pd.DataFrame, dimension: str, outcomes: tuple[str, ...]) -> pd.DataFrame:
    """Return percentage rows of a dimension for the given outcomes (response, remission, relapse, ...)."""
    sel = df[(df["dimension"] == dimension) & df["outcome"].isin(outcomes) & (df["unit"] == PERCENT)]
    return sel.sort_values(["outcome", "treatment_group", "value"])


def relative_effects(df: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Return ratio-type effects (odds, risk, hazard and rate ratios) of a dimension, each as treatment against
    control (see `oriented`)."""
    sel = df[(df["dimension"] == dimension) & df["unit"].isin(vocab.RATIO_UNITS)
             & (df["outcome"] != "prognostic")]
    return oriented(sel, df).sort_values(["unit", "treatment_group", "value"])


def oriented(sel: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    """Return ratio rows all read as treatment against control. A row printed the other way round (placebo, or
    stopping, against the drug: "hazard of recurrence, placebo vs sertraline") is inverted as the comparison sets do
    (1/ratio, limits swapped), its group taken from the same source's drug arm, and its definition says how it was
    printed. A row whose drug group cannot be told from its source is left as printed."""
    flip = (sel["treatment_group"] == "Placebo") & sel["unit"].isin(vocab.RATIO_UNITS)
    if not flip.any():
        return sel
    out = sel.copy()
    for idx in out.index[flip]:
        r = out.loc[idx]
        groups = df.loc[(df["source_id"] == r["source_id"]) & ~df["treatment_group"].isin(["Placebo"]),
                        "treatment_group"].unique()
        if len(groups) != 1:
            continue
        lo, hi = r["ci_low"], r["ci_high"]
        printed = f"{r['value']:g}" + (f" (95% CI {lo:g} to {hi:g})" if pd.notna(lo) else "")
        out.loc[idx, "value"] = 1 / r["value"]
        out.loc[idx, "ci_low"] = 1 / hi if pd.notna(hi) else hi
        out.loc[idx, "ci_high"] = 1 / lo if pd.notna(lo) else lo
        out.loc[idx, "treatment_group"] = groups[0]
        if "family" in out:
            out.loc[idx, "family"] = vocab.family_of(groups[0])
        out.loc[idx, "outcome_label"] = f"{r['outcome_label']} (turned round)"
        out.loc[idx, "compared_with"] = "stopping it (placebo)"
        out.loc[idx, "outcome_definition"] = (f"Shown inverted (1/ratio) so it reads treatment against stopping; "
                                              f"printed as {printed}, {r['treatment']} against "
                                              f"{r['compared_with']}. {r['outcome_definition']}")
    return out


def side_effect_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return adverse-event incidence percentages, one row per effect, treatment and source."""
    sel = df[(df["dimension"] == "side_effects") & (df["outcome"] == "adverse_event") & (df["unit"] == PERCENT)]
    return sel.sort_values(["outcome_label", "treatment_group"])


def discontinuation_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return the share of patients who stopped because of adverse events (or for any reason)."""
    sel = df[df["outcome"].isin(["discontinuation_adverse_events", "discontinuation_any"]) & (df["unit"] == PERCENT)]
    return sel.sort_values(["outcome", "treatment_group"])


# ---------------------------------------------------------------- summaries in words

def fmt_hours(h: float) -> str:
    """Return a time in hours as the unit a reader would use (hours, days or weeks)."""
    if h < 48:
        return f"{h:g} hours" if h != 1 else "1 hour"
    days = h / 24
    if days < 21:
        return f"{days:g} days"
    return f"{days / 7:g} weeks"


# ---------------------------------------------------------------- overview

def evidence_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Return the number of figures per dimension and family (for the evidence map)."""
    out = df.groupby(["dimension", "family"], observed=True).size().rename("figures").reset_index()
    out["dimension_label"] = out["dimension"].map(vocab.DIMENSION_LABELS)
    return out


def evidence_by_year(df: pd.DataFrame) -> pd.DataFrame:
    """Return figures per publication year and family, with the sources behind them (for 'evidence over time')."""
    out = (df.groupby(["year", "family"], observed=True)
             .agg(figures=("row_id", "size"), sources=("study", lambda s: ", ".join(sorted(set(s)))))
             .reset_index())
    return out.astype({"year": int})


def over_time_message(by_year: pd.DataFrame) -> str:
    """Return, per family, the span of publication years and the year with the most figures."""
    parts = []
    for fam in vocab.FAMILIES[:2]:
        sub = by_year[by_year["family"] == fam]
        if sub.empty:
            continue
        peak = sub.loc[sub["figures"].idxmax()]
        parts.append(f"{fam}: figures published {sub['year'].min()}–{sub['year'].max()}, most in {peak['year']} "
                     f"({vocab.counted(int(peak['figures']), 'figure')})")
    return "; ".join(parts) + "." if parts else "No figures with a publication year in the current selection."


def describe(rows: pd.DataFrame, what: str) -> str:
    """Return what a chart of every figure holds, family by family, and why it gives no answer: its figures come from
    different studies, people, definitions and time points, so none is averaged, spanned or ranked against another
    (the like-for-like answer is the comparison set at the top of each page)."""
    if rows.empty:
        return f"No {what} in the current selection."
    fams = [f"{vocab.counted(int((rows['family'] == fam).sum()), 'figure')} for {fam.lower()}"
            for fam in vocab.FAMILIES if (rows["family"] == fam).any()] if "family" in rows else []
    return (f"{vocab.counted(len(rows), 'figure')} on {what} from "
            f"{vocab.counted(rows['source_id'].nunique(), 'source')}" + (f" ({', '.join(fams)})" if fams else "")
            + ". They come from different studies, people, definitions and time points, so each is drawn on its "
            "own and none is combined with or set against another. The like-for-like answer is at the top of the "
            "page.")


# ---------------------------------------------------------------- page helpers

def concat_rows(*frames: pd.DataFrame) -> pd.DataFrame:
    """Return the frames stacked (skipping empty ones), keeping row order."""
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def durations(df: pd.DataFrame) -> pd.DataFrame:
    """Return durations of benefit and times to relapse, converted to days (openly: hours/24, weeks x7)."""
    return concat_rows(time_to_event(df, "duration_of_benefit"), time_to_event(df, "time_to_relapse"))


def maintenance_regimens(df: pd.DataFrame) -> pd.DataFrame:
    """Return one row per distinct treatment behind the durability figures, ketamine first."""
    d = df[df["dimension"] == "durability"]
    d = d[d["family"] != vocab.FAMILIES[2]]
    cols = ["family", "treatment_group", "treatment", "route", "regimen", "study", "link"]
    out = d[cols].drop_duplicates(subset=["treatment", "study"])
    order = {f: i for i, f in enumerate(vocab.FAMILIES)}
    return out.sort_values(["family", "treatment_group"], key=lambda s: s.map(order) if s.name == "family" else s)


STEP_PATTERN = r"\bsteps?\b|switch"


def sequential_steps(df: pd.DataFrame) -> pd.DataFrame:
    """Return remission rates from sequential-treatment studies (labels that name a step or a switch, e.g. STAR*D)."""
    sel = df[
        (df["dimension"] == "non_response")
        & (df["outcome"] == "remission")
        & (df["unit"] == PERCENT)
        & (df["family"] == vocab.FAMILIES[1])
        & df["outcome_label"].str.contains(STEP_PATTERN, case=False, regex=True)
    ]
    return sel


def ketamine_trd_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return ketamine response and remission percentages in treatment-resistant depression."""
    return df[
        (df["dimension"] == "non_response")
        & df["outcome"].isin(["response", "remission"])
        & (df["unit"] == PERCENT)
        & (df["family"] == vocab.FAMILIES[0])
        & (df["population"] == "treatment-resistant depression")
    ]


def other_side_effect_figures(df: pd.DataFrame) -> pd.DataFrame:
    """Return side-effect rows that are not incidence or discontinuation percentages (ratios, NNH, counts, mmHg, scores)."""
    se = df[df["dimension"] == "side_effects"]
    shown = se["outcome"].isin(["adverse_event", "discontinuation_adverse_events", "discontinuation_any"]) & (se["unit"] == PERCENT)
    return se[~shown]


SEARCH_COLUMNS = ("study", "treatment", "treatment_group", "outcome_label", "outcome_definition", "caveats",
                  "population", "design", "row_id", "citation")


def search_rows(df: pd.DataFrame, query: str) -> pd.DataFrame:
    """Return rows containing every word of query (case-insensitive, literal text, not a pattern)."""
    words = [w for w in (query or "").lower().split() if w]
    if not words:
        return df
    hay = df[list(SEARCH_COLUMNS)].fillna("").astype(str).agg(" ".join, axis=1).str.lower()
    mask = pd.Series(True, index=df.index)
    for w in words:
        mask &= hay.str.contains(w, regex=False)
    return df[mask]


def source_table(sources: pd.DataFrame, all_rows: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """Return every source with its identifier, link, and how many of its figures the current view shows."""
    out = sources.copy()
    counts = shown["source_id"].value_counts()
    out["figures_shown"] = out["source_id"].map(counts).fillna(0).astype(int)
    out["figures_total"] = out["source_id"].map(all_rows["source_id"].value_counts()).fillna(0).astype(int)
    out["identifier"] = [
        f"DOI {d}" if isinstance(d, str) and d else f"PMID {p}" if isinstance(p, str) and p else str(o)
        for d, p, o in zip(out["doi"], out["pmid"], out["other_id"])
    ]
    out["link"] = [source_link(d, p, u) for d, p, u in zip(out["doi"], out["pmid"], out["url"])]
    out["read_at"] = out["url"]
    return out.sort_values(["figures_shown", "short_citation"], ascending=[False, True])


def ratio_message(rows: pd.DataFrame) -> str:
    """Return how many ratios have an interval excluding 1 (no difference), how many include it, and how many give none."""
    ci = rows["ci_low"].notna() & rows["ci_high"].notna()
    excludes = ci & ((rows["ci_low"] > 1) | (rows["ci_high"] < 1))
    parts = [f"{int(excludes.sum())} of {len(rows)} ratios have a confidence interval that excludes 1 (no difference)"]
    if (ci & ~excludes).any():
        parts.append(f"{int((ci & ~excludes).sum())} include 1")
    if (~ci).any():
        parts.append(f"{int((~ci).sum())} are reported without an interval")
    return "; ".join(parts) + ". Whether below or above 1 favours the treatment depends on the outcome: see each row."


def first_step_non_response(df: pd.DataFrame) -> pd.DataFrame:
    """Return first-step response rates of traditional treatment with the share not responding, computed openly as 100 - response."""
    sel = df[
        (df["dimension"] == "non_response") & (df["outcome"] == "response") & (df["unit"] == PERCENT)
        & (df["family"] == vocab.FAMILIES[1])
        & df["outcome_label"].str.contains(r"level 1|step 1", case=False, regex=True)
    ].copy()
    sel["not_responding"] = 100 - sel["value"]
    return sel


def certainty_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Return the number of figures per family and certainty level (for the caveats chart)."""
    out = df.groupby(["family", "certainty"], observed=True).size().rename("figures").reset_index()
    return out


# ---------------------------------------------------------------- onset and durability on one time axis

TIMELINE_KINDS = (
    "Onset: reported time to response or to a drug-placebo difference",
    "Durability: duration of benefit or time to relapse",
)


def timeline_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Return the figures that are times, placing a treatment group on a time axis in days, with a `kind` and `days`
    column.

    Two kinds, never mixed into one number: reported times to response, and reported durations of benefit or times
    to relapse. A time point at which a study measured a response rate is not a time to response (it is when it was
    measured, not when response began), so it is not placed here. Hours and weeks are converted to days openly
    (hours / 24, weeks x 7).
    """
    ttr = time_to_event(df, "time_to_response")
    dur = durations(df)
    parts = [
        ttr.assign(kind=TIMELINE_KINDS[0], days=ttr["value_days"]) if not ttr.empty else ttr,
        dur.assign(kind=TIMELINE_KINDS[1], days=dur["value_days"]) if not dur.empty else dur,
    ]
    out = concat_rows(*parts)
    if out.empty:
        return out
    order = {g: i for i, g in enumerate(vocab.TREATMENT_GROUPS)}
    return out.sort_values(["treatment_group", "days"], key=lambda c: c.map(order) if c.name == "treatment_group"
                           else c).reset_index(drop=True)



