"""The summary of findings: one row per outcome, as a GRADE summary-of-findings table lays it out, with a plain
answer a newspaper could print (people per 100, the time point, who, and how sure) and the technical detail beside it.

Every row is a comparison set with a `sof_order` (`data/comparison_sets.csv`): its studies, each side against its
own control (relative, and per 100 where the arms give a control rate), the direct head-to-head contrast, the
indirect comparison where the set makes one, the GRADE certainty of each body with its reasons, and one plain
sentence. A pool computed here is said to be "pooled here from" its trials, never credited to a source. No Streamlit.
"""

from __future__ import annotations

import math

import pandas as pd

from . import synthesis as sy, vocab
from .comparison_sets import DIRECT, RATIO_MEASURES, ComparisonSets, comparator_name, curated

# The certainty in everyday words, short enough to follow a clause.
PLAIN_SHORT = {"high": "we are confident", "moderate": "we are fairly confident",
               "low": "the evidence is limited", "very low": "the evidence is very uncertain"}
CONTROL_NOUNS = {"Placebo": "placebo", "Active placebo": "an active placebo", "ECT": "ECT",
                 "Antidepressant + placebo spray": "an antidepressant with a placebo spray"}
SOF_COLUMNS = ("set_id", "dimension", "outcome", "studies", "ketamine", "traditional", "direct", "indirect",
               "certainty", "why", "plain", "technical", "sources", "read_in", "missing")


def _control_noun(spec: dict, row: dict) -> str:
    """Return what a member was compared with, in plain words."""
    if spec["kind"] == "head_to_head":
        return comparator_name(spec)
    against = row.get("against") or ""
    return CONTROL_NOUNS.get(against, "its control" if not against else against.lower())


def _per100(arms) -> tuple[float, float] | None:
    if arms is None or (isinstance(arms, float) and math.isnan(arms)):
        return None
    e1, n1, e2, n2 = arms
    return 100 * e1 / n1, 100 * e2 / n2


def absolute(side: sy.SideResult, measure: str) -> dict | None:
    """Return the side's effect per 100 people: its control rate, the treatment rate it implies and that rate's 95%
    interval. The control rate is the pooled control arms' (events over people); None without arms."""
    rows = side.effects.to_dict("records")
    if side.kind not in ("single", "pooled") or not rows or any(_per100(r.get("arms")) is None for r in rows):
        return None
    e2 = sum(r["arms"][2] for r in rows)
    n2 = sum(r["arms"][3] for r in rows)
    cr = e2 / n2
    sm = sy.summary(side, measure)

    def treated(x):
        if x is None:
            return None
        if measure == "risk ratio":
            return 100 * cr * x
        if measure == "odds ratio":
            return 100 * cr * x / (1 - cr + cr * x)
        if measure == "risk difference":
            return 100 * cr + x
        return None  # a hazard ratio has no rate at one time point

    t = treated(sm["value"])
    if t is None:
        return None
    return {"control": 100 * cr, "treated": t, "low": treated(sm["ci_low"]), "high": treated(sm["ci_high"])}


def _side_clause(result: sy.SetResult, side: str) -> str:
    """One side in plain words: people per 100 where the arms allow, else the published figure named as such."""
    spec, s = result.spec, result.sides[side]
    measure = spec["measure"]
    if s.kind == "none":
        return "no figure is in the data" if not s.curated else "filtered out"
    group = sy._group_noun(s)
    rows = s.effects.to_dict("records")
    if s.kind == "several":
        parts = []
        for r in rows:
            arms = _per100(r.get("arms"))
            if arms:
                parts.append(f"{r['sample']}: {arms[0]:.0f} in 100 against {arms[1]:.0f} on {_control_noun(spec, r)}")
            elif measure == "risk difference":
                parts.append(f"{r['sample']}: {abs(r['value']):.0f} {'more' if r['value'] >= 0 else 'fewer'} in every "
                             f"100 {spec['plain_outcome']} on {group} than on {_control_noun(spec, r)}")
            else:
                parts.append(f"{r['sample']}: {measure} {sy.fmt(measure, r['value'])}")
        return f"figures shown one by one, not combined ({'; '.join(parts)})"
    ab = absolute(s, measure)
    control = _control_noun(spec, rows[0])
    pooled = f", pooled here from {s.pooled.k} trials" if s.kind == "pooled" else ""
    if ab is not None:
        return (f"{ab['treated']:.0f} in 100 {spec['plain_outcome']} on {group} against {ab['control']:.0f} in 100 "
                f"on {control}{pooled}")
    sm = sy.summary(s, measure)
    if measure == "risk difference":
        more = "more" if sm["value"] >= 0 else "fewer"
        return f"{abs(sm['value']):.0f} {more} in every 100 {spec['plain_outcome']} on {group} than on {control}"
    if measure == "risk ratio":
        said = f"{sm['value']:.1f} times as many {spec['plain_outcome']} on {group} as on {control}"
    else:
        said = (f"the {'odds' if measure == 'odds ratio' else 'rate'} that someone {spec['plain_outcome']} on {group} "
                f"{'were' if measure == 'odds ratio' else 'was'} {sm['value']:.2f} times that on {control}")
    return said + " (no per-100 figure in the source)"


def plain_answer(result: sy.SetResult) -> str:
    """Return the set's answer in plain words: who, people per 100 on each side, and how sure, in one or two
    sentences; a set of different experiments says so first; an indirect comparison says it is not randomised."""
    spec = result.spec
    if result.missing:
        return sy.headline(result)
    clauses = []
    for side, s in result.sides.items():
        clause = _side_clause(result, side)
        if s.kind != "none":
            clause += f" ({PLAIN_SHORT[s.certainty]})"
        label = "" if side == DIRECT else f"{sy.SIDE_LABELS[side]}: "
        clauses.append(label + clause)
    text = f"In {spec['people']}: " + "; ".join(clauses) + "."
    if spec.get("construct_note"):
        text = "Two different experiments, not comparable with each other. " + text
    if result.indirect is not None:
        text += (" No trial compared them directly; compared indirectly (not randomised), "
                 f"{PLAIN_SHORT[result.indirect.certainty]}.")
    if result.secondary:
        text += (" Part of this was read only in a news or summary report, not in the study itself."
                 if len(result.effects) > 1 else " This was read only in a news or summary report, not in the study "
                 "itself.")
    return text[0].upper() + text[1:]


def _relative(side: sy.SideResult, measure: str) -> str:
    """A side's relative effect and, where the arms allow, its effect per 100, as a table cell."""
    if side.kind == "none":
        return "no figure in the data" if not side.curated else "filtered out"
    if side.kind == "several":
        return sy.summary(side, measure)["basis"]
    sm = sy.summary(side, measure, headline=True)
    ci = (f" ({sy.fmt(measure, sm['ci_low'])} to {sy.fmt(measure, sm['ci_high'])})" if sm["ci_low"] is not None
          else " (no CI given)")
    cell = f"{measure} {sy.fmt(measure, sm['value'])}{sy._unit_text(measure)}{ci}"
    ab = absolute(side, measure)
    if ab is not None:
        rng = (f", {ab['low']:.0f} to {ab['high']:.0f}" if ab["low"] is not None else "")
        cell += f"; per 100: {ab['treated']:.0f} against {ab['control']:.0f}{rng}"
    return f"{cell}; {sm['basis']}"


def _evidence(result: sy.SetResult) -> str:
    """Return what the row rests on, figure by figure: its trial or review, and its people or studies where given."""
    parts = []
    for r in result.effects.to_dict("records"):
        arms = r.get("arms")
        detail = []
        if r.get("published_pool") and pd.notna(r.get("n_studies")):
            detail.append(f"{int(r['n_studies'])} studies")
        if isinstance(arms, tuple):
            detail.append(f"{int(arms[1] + arms[3]):,} people")
        elif r.get("n_text"):
            detail.append(f"{r['n_text'].removeprefix('n ')} people")
        parts.append(r["sample"] + (f" ({', '.join(detail)})" if detail else ""))
    return "; ".join(parts)


def sof_row(result: sy.SetResult) -> dict:
    """Return one summary-of-findings row for a computed set."""
    spec, measure = result.spec, result.spec["measure"]
    cells = {side: _relative(result.sides[side], measure) if side in result.sides else ""
             for side in ("ketamine", "traditional", DIRECT)}
    ind = result.indirect
    certainty = "; ".join(f"{sy.SIDE_LABELS[side]}: {s.certainty}" for side, s in result.sides.items()
                          if s.kind != "none")
    if ind is not None:
        certainty += f"; indirect: {ind.certainty}"
    return {
        "set_id": spec["set_id"], "dimension": spec["dimension"], "outcome": spec["sof_outcome"] or spec["title"],
        "studies": _evidence(result), "ketamine": cells["ketamine"], "traditional": cells["traditional"],
        "direct": cells[DIRECT],
        "indirect": (f"{'ratio' if measure in RATIO_MEASURES else 'difference'} {sy.fmt(measure, ind.value)} "
                     f"({sy.fmt(measure, ind.ci_low)} to {sy.fmt(measure, ind.ci_high)}), not randomised"
                     if ind is not None else ""),
        "certainty": certainty, "why": " ".join(sy.certainty_reasons(result)), "plain": plain_answer(result),
        "technical": sy.headline(result), "sources": sources(result), "read_in": read_in(result),
        "missing": bool(result.missing),
    }


def read_in(result: sy.SetResult) -> str:
    """Return where the row's figures were read, grouped by provenance level, most direct first: the footnote a
    fact-checker needs ('The paper's abstract: ESCAPE-TRD week 8; Secondary report: ESCAPE-TRD week 32')."""
    if result.effects.empty:
        return ""
    parts = []
    for level in vocab.PROVENANCE:
        sub = result.effects[result.effects["provenance"] == level]
        if len(sub):
            names = ", ".join(dict.fromkeys(sub["sample"]))
            parts.append(f"{vocab.PROVENANCE_LABELS[level]}: {names}")
    return "; ".join(parts)


def sources(result: sy.SetResult) -> str:
    """Return what each side rests on, in words: a review's pool credited to the review, a pool computed here said to
    be 'pooled here from' its trials (with where their figures were read), never credited to a source."""
    parts = []
    for s in result.sides.values():
        if s.kind == "none":
            continue
        named = [r["sample"] if r["sample"].split()[0] == r["study"].split()[0] else f"{r['sample']} ({r['study']})"
                 for r in s.effects.to_dict("records")]
        parts.append(f"pooled here from {', '.join(named)}" if s.kind == "pooled" else "; ".join(named))
    return "; ".join(parts)


def compute(spec: dict, sets: ComparisonSets, rows: pd.DataFrame) -> sy.SetResult:
    """Return a curated set computed over the reader's rows, with its GRADE judgements."""
    return sy.synthesise(spec, sets.members, rows, sets.grade(spec["set_id"]))


def summary_of_findings(rows: pd.DataFrame, sets: ComparisonSets | None = None) -> pd.DataFrame:
    """Return the summary-of-findings table over the reader's rows: one row per set with a `sof_order`, in order."""
    sets = sets or curated()
    chosen = sets.sets[sets.sets["sof_order"].notna()].sort_values("sof_order")
    out = [sof_row(compute(sets.spec(sid), sets, rows)) for sid in chosen["set_id"]]
    return pd.DataFrame(out, columns=list(SOF_COLUMNS))


CERTAINTY_KEY = ("How sure: 'we are confident' means high certainty (GRADE); 'fairly confident', moderate: the true "
                 "effect is probably close; 'the evidence is limited', low: it may be quite different; 'the evidence "
                 "is very uncertain', very low.")
