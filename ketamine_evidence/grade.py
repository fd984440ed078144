"""GRADE: certainty of a body of evidence, judged on five domains, and the statements that carry it in words.

`data/grade.csv` holds one row per comparison set and target (a side, the direct contrast, or the indirect
comparison): where the evidence starts (high for randomised trials, low for observational studies) and, for each of
GRADE's five domains (risk of bias, inconsistency, indirectness, imprecision, publication bias), a rating of "not
serious", "serious" (down one level) or "very serious" (down two) with a one-line reason. The certainty is computed
from those ratings, never from the weakest row of the body.

Statements follow GRADE guidance 26 (Santesso et al., J Clin Epidemiol 2020): the verb carries the certainty
("results in", "probably results in", "may result in"); at very low certainty only "the evidence is very uncertain
about the effect of …" is said; "little or no difference" only when the whole confidence interval lies inside the
set's minimal important difference; "slightly" when the estimate lies inside it but its interval does not. No
Streamlit here.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from . import vocab
from .data import ID_PATTERN

DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
DOMAIN_WORDS = {"risk_of_bias": "risk of bias", "inconsistency": "inconsistency", "indirectness": "indirectness",
                "imprecision": "imprecision", "publication_bias": "publication bias"}
RATINGS = {"not serious": 0, "serious": 1, "very serious": 2}
STARTS = {"high": 0, "low": 2}  # randomised trials start high; observational studies start low
TARGETS = ("ketamine", "traditional", "direct", "indirect")
GRADE_COLUMNS = ("set_id", "target", "start", *[c for d in DOMAINS for c in (d, f"{d}_reason")])

# GRADE's verbs for an effect, by certainty (Santesso 2020); very low certainty has a sentence of its own.
VERBS = {"high": "results in", "moderate": "probably results in", "low": "may result in"}
PLURAL = {"results in": "result in", "probably results in": "probably result in", "may result in": "may result in"}
# The same certainty in words a reader without training understands (the technical word goes in brackets).
PLAIN = {
    "high": "We are confident in this finding (high certainty).",
    "moderate": "We are fairly confident: the true effect is probably close to this (moderate certainty).",
    "low": "The evidence is limited: the true effect may be quite different (low certainty).",
    "very low": "The evidence is very uncertain: the true effect may be very different (very low certainty).",
}


class GradeModel(pa.DataFrameModel):
    """One row per set and target: the five GRADE domains, each with its rating and reason."""

    set_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    target: Series[str] = pa.Field(isin=TARGETS)
    start: Series[str] = pa.Field(isin=tuple(STARTS))
    risk_of_bias: Series[str] = pa.Field(isin=tuple(RATINGS))
    risk_of_bias_reason: Series[str] = pa.Field(str_length={"min_value": 10})
    inconsistency: Series[str] = pa.Field(isin=tuple(RATINGS))
    inconsistency_reason: Series[str] = pa.Field(str_length={"min_value": 10})
    indirectness: Series[str] = pa.Field(isin=tuple(RATINGS))
    indirectness_reason: Series[str] = pa.Field(str_length={"min_value": 10})
    imprecision: Series[str] = pa.Field(isin=tuple(RATINGS))
    imprecision_reason: Series[str] = pa.Field(str_length={"min_value": 10})
    publication_bias: Series[str] = pa.Field(isin=tuple(RATINGS))
    publication_bias_reason: Series[str] = pa.Field(str_length={"min_value": 10})

    class Config:
        strict = True
        coerce = False


def certainty(judgement: dict) -> str:
    """Return the certainty a row of grade.csv comes to: its start, down one level per serious domain."""
    steps = STARTS[judgement["start"]] + sum(RATINGS[judgement[d]] for d in DOMAINS)
    return vocab.CERTAINTY[min(steps, len(vocab.CERTAINTY) - 1)]


def downgrades(judgement: dict) -> list[str]:
    """Return one line per domain that lowered the certainty: 'imprecision (serious): <reason>'."""
    return [f"{DOMAIN_WORDS[d]} ({judgement[d]}): {judgement[f'{d}_reason']}" for d in DOMAINS
            if judgement[d] != "not serious"]


def reasons(judgement: dict) -> str:
    """Return the certainty with its reasons in one line, as a summary-of-findings footnote."""
    c = certainty(judgement)
    down = downgrades(judgement)
    start = "randomised trials" if judgement["start"] == "high" else "observational studies"
    if not down:
        return f"{c.capitalize()}: {start}, not downgraded."
    return f"{c.capitalize()}: {start}, downgraded for " + "; ".join(down) + "."


# ---------------------------------------------------------------- size of an effect against the MID

RATIOS = ("risk ratio", "odds ratio", "hazard ratio")


def _inside(measure: str, x: float, mid: float) -> bool:
    """Whether x lies inside the band of unimportant effects: a relative change under `mid` for a ratio (0.25 means
    0.75 to 1.25, GRADE's rough guide), or under `mid` points for a risk difference."""
    return (1 - mid < x < 1 + mid) if measure in RATIOS else (-mid < x < mid)


def size(measure: str, value: float, lo: float | None, hi: float | None, mid: float) -> str:
    """Return 'none' when the whole interval lies inside the minimal important difference, 'slight' when only the
    estimate does, 'important' otherwise."""
    if lo is not None and hi is not None and _inside(measure, lo, mid) and _inside(measure, hi, mid):
        return "none"
    return "slight" if _inside(measure, value, mid) else "important"


def statement(certainty_word: str, subject: str, outcome_words: str, words: dict, measure: str, value: float,
              lo: float | None, hi: float | None, mid: float, null: float, plural: bool = False,
              them: bool = False) -> str:
    """Return GRADE's sentence for an effect: the verb carries the certainty, the size is judged against the MID.

    `words` holds the set's 'more', 'fewer' and 'none' phrases; `subject` is what the effect is of (capitalised);
    `plural` makes the verb agree ("SSRIs result in"), `them` the pronoun ("continuing SSRIs ... stopping them").
    """
    if certainty_word == "very low":
        return f"The evidence is very uncertain about the effect of {_lower_first(subject)} on {outcome_words}."
    verb = VERBS[certainty_word]
    if plural:
        verb = PLURAL[verb]
    kind = size(measure, value, lo, hi, mid)
    if them:
        words = {k: v.replace("stopping it", "stopping them") for k, v in words.items()}
    if kind == "none":
        return f"{subject} {verb} {words['none']}."
    phrase = words["more"] if value > null else words["fewer"]
    return f"{subject} {verb} {'slightly ' if kind == 'slight' else ''}{phrase}."


def _lower_first(text: str) -> str:
    """'Continuing esketamine' -> 'continuing esketamine', but 'IV ketamine' (an initialism) stays as it is."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text
