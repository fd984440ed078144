"""What a live class answered, summarised and set beside the evidence it was asked to predict. No Streamlit."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pandas as pd

from .teaching import Question


@dataclass(frozen=True)
class ClassSummary:
    """How many answered, and either the spread of numbers (median, quartiles) or the count for each choice."""

    n: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    counts: tuple[tuple[str, int], ...] = ()


def summarise(question: Question, answers: list) -> ClassSummary:
    """Return the class's answers to `question` in summary (answers that no longer fit the question are ignored)."""
    if question.kind == "choice":
        kept = [a for a in answers if a in question.choices]
        return ClassSummary(n=len(kept), counts=tuple((c, kept.count(c)) for c in question.choices))
    kept = sorted(float(a) for a in answers if isinstance(a, (int, float)) and question.lo <= a <= question.hi)
    if not kept:
        return ClassSummary(n=0)
    if len(kept) == 1:
        return ClassSummary(n=1, median=kept[0], q1=kept[0], q3=kept[0])
    q1, _, q3 = statistics.quantiles(kept, n=4, method="inclusive")
    return ClassSummary(n=len(kept), median=statistics.median(kept), q1=q1, q3=q3)


def fmt(value: float, unit: str) -> str:
    """Return a number with its unit as a reader says it: '52.2%', '70 days'."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def answered(n: int) -> str:
    """Return '1 answer' or 'N answers'."""
    return f"{n} answer" if n == 1 else f"{n} answers"


def reveal_sentence(question: Question, summary: ClassSummary, evidence: pd.DataFrame) -> str:
    """Return one plain sentence: what the class guessed, then what each revealed figure says, with its study."""
    if summary.n == 0:
        guess = "Nobody in the class answered."
    elif question.kind == "choice":
        top = max(summary.counts, key=lambda c: c[1])
        guess = f"Most common answer: {top[0]} ({top[1]} of {answered(summary.n)})."
    else:
        spread = "" if summary.n < 4 else f", middle half {fmt(summary.q1, question.unit)} to {fmt(summary.q3, question.unit)}"
        guess = f"The class guessed a median of {fmt(summary.median, question.unit)} ({answered(summary.n)}{spread})."
    if evidence.empty:
        return guess
    said = "; ".join(f"{r.study}, {r.treatment_group}, {r.outcome_label}: {fmt(r.value, r.unit)}"
                     for r in evidence.itertuples())
    return f"{guess} The evidence: {said}."


def reveal_rows(question: Question, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the evidence rows a step reveals, in the order the teaching sequence lists them."""
    keep = rows[rows["row_id"].isin(question.reveal_rows)]
    order = {rid: i for i, rid in enumerate(question.reveal_rows)}
    return keep.assign(_order=keep["row_id"].map(order)).sort_values("_order").drop(columns="_order")


RESULT_COLUMNS = ("step", "question", "answer", "answers", "median", "middle_half", "choices", "values", "evidence")


def results_table(questions: dict[int, Question], answers: dict[int, list], rows: pd.DataFrame) -> pd.DataFrame:
    """Return a class's results, one row per step with a question: the question, how many answered, the median and
    middle half (numbers) or the count for each choice, every answer (values only: anonymous), and the evidence the
    step reveals with its study, for the lecturer to keep."""
    out = []
    for step, q in sorted(questions.items()):
        given = answers.get(step, [])
        sm = summarise(q, given)
        numbers = q.kind != "choice"
        out.append({
            "step": step, "question": q.text, "answer": q.label, "answers": sm.n,
            "median": fmt(sm.median, q.unit) if numbers and sm.median is not None else "",
            "middle_half": (f"{fmt(sm.q1, q.unit)} to {fmt(sm.q3, q.unit)}" if numbers and sm.n >= 4 else ""),
            "choices": "; ".join(f"{c}: {k}" for c, k in sm.counts),
            "values": "; ".join(str(v) for v in sorted(given, key=str)),
            "evidence": reveal_sentence(q, ClassSummary(n=0), reveal_rows(q, rows)).removeprefix(
                "Nobody in the class answered. ").removeprefix("The evidence: "),
        })
    return pd.DataFrame(out, columns=list(RESULT_COLUMNS))
