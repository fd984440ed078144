"""A live class's results as the lecturer keeps them: the CSV table and the one-page HTML export (class_results.py)."""

import html
import re

import pytest

from ketamine_evidence import class_results as results
from ketamine_evidence import evidence as ev
from ketamine_evidence.data import load_dataset
from ketamine_evidence.teaching import Question, questions, read_sequence

HOSTILE = "<script>alert('x')</script>"
HOSTILE_CHOICE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def rows():
    ds = load_dataset()
    return ev.with_sources(ds.evidence, ds.sources)


@pytest.fixture(scope="module")
def curated(rows):
    return questions(read_sequence(evidence=rows))


def _answers(qs: dict) -> dict:
    """Some answers to every step: numbers across the range, and each choice at least once."""
    out = {}
    for step, q in qs.items():
        out[step] = list(q.choices) + [q.choices[0]] if q.kind == "choice" else [q.lo, q.hi, (q.lo + q.hi) / 2, q.lo]
    return out


def test_the_page_holds_every_steps_question_answers_and_the_evidence_beside_them(curated, rows):
    page = results.results_html(curated, _answers(curated), rows)
    for q in curated.values():
        assert html.escape(q.text, quote=True) in page, q.step
        assert f"Step {q.step}: {html.escape(q.title, quote=True)}" in page
        for rid in q.reveal_rows:  # each revealed figure's study is in the table beside the class's answers
            study = rows.set_index("row_id").at[rid, "study"]
            assert html.escape(study, quote=True) in page
    # One chart per step (the class's answers beside the evidence), each drawn by the one inlined plotly.js.
    assert page.count("Plotly.newPlot") == len(curated)
    # A choice step marks the option its evidence supports, in words, in its own row of the counts.
    for q in curated.values():
        if q.kind == "choice":
            row = re.search(rf"<tr class=supported><td>{re.escape(html.escape(q.answer, quote=True))}</td>", page)
            assert row, q.step
    assert page.count("<td>✓ the evidence supports this</td>") == sum(q.kind == "choice" for q in curated.values())


def test_the_page_opens_offline_with_no_external_script(curated, rows):
    page = results.results_html(curated, _answers(curated), rows)
    assert not re.search(r"<script[^>]*\bsrc=", page)  # plotly.js is inlined, not fetched
    # Nothing else is fetched either: no stylesheet, image or frame from elsewhere (source links are only links).
    assert not re.search(r"""<(?:link|img|iframe|object|embed)[^>]+(?:src|href)=["']?https?://""", page)
    assert page.count("window.PlotlyConfig") == 1 and page.count("* plotly.js v") == 1  # the library once


def test_the_median_and_spread_are_the_classs_own_and_answers_are_values_only(rows):
    q = Question(step=2, title="t", text="How many?", label="Responders per 100", kind="number", lo=0, hi=100,
                 increment=1, unit="%", reveal_rows=("han2016-1",))
    page = results.results_html({2: q}, {2: [10, 20, 30, 40]}, rows)
    assert "<b>The class's median:</b> 25%; middle half 17.5% to 32.5%" in page
    assert "10%, 20%, 30%, 40%" in page
    # The published figure is beside it, never folded into the class's summary.
    assert "52.2%" in page and "median:</b> 52" not in page


def test_a_hostile_question_choice_or_answer_is_shown_as_text(rows):
    choice = Question(step=1, title=HOSTILE, text=f"Which? {HOSTILE}", label=HOSTILE, kind="choice",
                      choices=(HOSTILE_CHOICE, "Other"), answer=HOSTILE_CHOICE, reason=HOSTILE)
    number = Question(step=2, title="n", text="How many?", label=HOSTILE, kind="number", lo=0, hi=100, increment=1,
                      unit="%", reveal_rows=("han2016-1",))
    page = results.results_html({1: choice, 2: number}, {1: [HOSTILE_CHOICE, "Other", HOSTILE], 2: [5, HOSTILE]}, rows)
    assert HOSTILE not in page and HOSTILE_CHOICE not in page
    assert html.escape(HOSTILE, quote=True) in page and html.escape(HOSTILE_CHOICE, quote=True) in page
    # An answer that is not one of the choices, or not a number, is not counted and not shown.
    assert "<td>Other</td><td>1</td>" in page and page.count("alert(&#x27;x&#x27;)") == page.count(
        html.escape(HOSTILE, quote=True))


def test_the_csv_table_names_the_evidences_option_and_the_figures_as_printed(curated, rows):
    table = results.results_table(curated, _answers(curated), rows)
    assert list(table["step"]) == sorted(curated)
    for q in curated.values():
        cell = table.loc[table["step"] == q.step, "evidence_supports"].item()
        assert cell.startswith(q.answer) if q.kind == "choice" else cell == ""
    three = next(q for q in curated.values() if q.kind == "choice" and q.reveal_rows)
    evidence = table.loc[table["step"] == three.step, "evidence"].item()
    for rid in three.reveal_rows:  # a ratio keeps its printed decimals (1.64, not 1.6)
        value = rows.set_index("row_id").at[rid, "value"]
        assert f"{value:g}" in evidence


def test_the_reveal_sentence_says_a_tie_and_the_evidences_option():
    q = Question(step=1, title="t", text="q", label="l", kind="choice", choices=("A", "B", "C"), answer="C",
                 reason="because")
    import pandas as pd

    tied = results.reveal_sentence(q, results.summarise(q, ["A", "B"]), pd.DataFrame())
    assert tied == "Most common answers, tied: A and B (1 each of 2 answers). The evidence supports: C."
    one = results.reveal_sentence(q, results.summarise(q, ["A", "A", "B"]), pd.DataFrame())
    assert one.startswith("Most common answer: A (2 of 3 answers).")
