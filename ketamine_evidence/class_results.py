"""What a live class answered, summarised and set beside the evidence it was asked to predict. No Streamlit.

The results leave the app two ways, both built here: a spreadsheet-safe CSV table (`results_table`) and one
self-contained HTML page (`results_html`: charts drawn offline with plotly.js inlined once, like the briefing).
Both hold only what the class gave (values and counts, never a token or a name); the median and spread are of the
class's own answers, never of evidence rows. Every text in the page is HTML-escaped: questions and choices may be a
lecturer's own, and are treated as untrusted.
"""

from __future__ import annotations

import datetime as dt
import html
import statistics
from dataclasses import dataclass

import pandas as pd
import plotly.io as pio

from .teaching import Question


@dataclass(frozen=True)
class ClassSummary:
    """How many answered, and either the spread of numbers (median, quartiles) or the count for each choice."""

    n: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    counts: tuple[tuple[str, int], ...] = ()


def kept(question: Question, answers: list) -> list:
    """Return the answers that fit the question (one of its choices, or a number in its range), in their order."""
    if question.kind == "choice":
        return [a for a in answers if isinstance(a, str) and a in question.choices]
    return [float(a) for a in answers
            if isinstance(a, (int, float)) and not isinstance(a, bool) and question.lo <= a <= question.hi]


def summarise(question: Question, answers: list) -> ClassSummary:
    """Return the class's answers to `question` in summary (answers that no longer fit the question are ignored)."""
    if question.kind == "choice":
        fit = kept(question, answers)
        return ClassSummary(n=len(fit), counts=tuple((c, fit.count(c)) for c in question.choices))
    values = sorted(kept(question, answers))
    if not values:
        return ClassSummary(n=0)
    if len(values) == 1:
        return ClassSummary(n=1, median=values[0], q1=values[0], q3=values[0])
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return ClassSummary(n=len(values), median=statistics.median(values), q1=q1, q3=q3)


def fmt(value: float, unit: str) -> str:
    """Return a number with its unit as a reader says it: '52.2%', '70 days'."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def answered(n: int) -> str:
    """Return '1 answer' or 'N answers'."""
    return f"{n} answer" if n == 1 else f"{n} answers"


def supported(question: Question) -> str:
    """Return 'The evidence supports: <option>.' for a choice question with a curated option, else ''."""
    return f"The evidence supports: {question.answer}." if question.kind == "choice" and question.answer else ""


def reveal_sentence(question: Question, summary: ClassSummary, evidence: pd.DataFrame) -> str:
    """Return one plain sentence: what the class guessed, the option the evidence supports (a choice question), then
    what each revealed figure says, with its study."""
    if summary.n == 0:
        guess = "Nobody in the class answered."
    elif question.kind == "choice":
        most = max(k for _, k in summary.counts)
        tops = [c for c, k in summary.counts if k == most]
        guess = (f"Most common answer: {tops[0]} ({most} of {answered(summary.n)})." if len(tops) == 1 else
                 f"Most common answers, tied: {', '.join(tops[:-1])} and {tops[-1]} ({most} each of "
                 f"{answered(summary.n)}).")
    else:
        spread = "" if summary.n < 4 else f", middle half {fmt(summary.q1, question.unit)} to {fmt(summary.q3, question.unit)}"
        guess = f"The class guessed a median of {fmt(summary.median, question.unit)} ({answered(summary.n)}{spread})."
    guess = f"{guess} {supported(question)}".strip()
    if evidence.empty:
        return guess
    return f"{guess} The evidence: {figures_said(evidence)}."


def figure_text(value: float, unit: str) -> str:
    """Return a published figure as printed: '52.2%', '1.64 risk ratio', '70 days' (never rounded further)."""
    return f"{value:g}%" if unit == "%" else f"{value:g} {unit}"


def figures_said(evidence: pd.DataFrame) -> str:
    """Return the revealed figures in words: 'study, group, outcome: value' for each, separated by ';'."""
    return "; ".join(f"{r.study}, {r.treatment_group}, {r.outcome_label}: {figure_text(r.value, r.unit)}"
                     for r in evidence.itertuples())


def reveal_rows(question: Question, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the evidence rows a step reveals, in the order the teaching sequence lists them."""
    keep = rows[rows["row_id"].isin(question.reveal_rows)]
    order = {rid: i for i, rid in enumerate(question.reveal_rows)}
    return keep.assign(_order=keep["row_id"].map(order)).sort_values("_order").drop(columns="_order")


RESULT_COLUMNS = ("step", "question", "answer", "answers", "median", "middle_half", "choices", "evidence_supports",
                  "values", "evidence")


def results_table(questions: dict[int, Question], answers: dict[int, list], rows: pd.DataFrame) -> pd.DataFrame:
    """Return a class's results, one row per step with a question: the question, how many answered, the median and
    middle half (numbers) or the count for each choice and the option the evidence supports, every answer (values
    only: anonymous), and the evidence the step reveals with its study, for the lecturer to keep."""
    out = []
    for step, q in sorted(questions.items()):
        given = answers.get(step, [])
        sm = summarise(q, given)
        numbers = q.kind != "choice"
        shown = reveal_rows(q, rows)
        out.append({
            "step": step, "question": q.text, "answer": q.label, "answers": sm.n,
            "median": fmt(sm.median, q.unit) if numbers and sm.median is not None else "",
            "middle_half": (f"{fmt(sm.q1, q.unit)} to {fmt(sm.q3, q.unit)}" if numbers and sm.n >= 4 else ""),
            "choices": "; ".join(f"{c}: {k}" for c, k in sm.counts),
            "evidence_supports": (f"{q.answer} ({q.reason})" if q.reason else q.answer) if not numbers else "",
            "values": "; ".join(str(v) for v in sorted(given, key=str)),
            "evidence": figures_said(shown) if len(shown) else "",
        })
    return pd.DataFrame(out, columns=list(RESULT_COLUMNS))


# --- the results as one page ------------------------------------------------------------------------------

def _e(text) -> str:
    return html.escape(str(text), quote=True)


EVIDENCE_COLUMNS = (("study", "Study"), ("treatment_group", "Group"), ("outcome_label", "Outcome"),
                    ("time_reported", "Time point"), ("figure", "Figure"), ("n", "n"), ("population", "Population"))


def _evidence_table(shown: pd.DataFrame) -> str:
    from .charts import value_ci_text

    if shown.empty:
        return ""
    d = shown.assign(figure=value_ci_text(shown))
    head = "".join(f"<th scope='col'>{_e(label)}</th>" for _, label in EVIDENCE_COLUMNS) + "<th scope='col'>Source</th>"
    body = []
    for r in d.to_dict("records"):
        cells = []
        for col, _ in EVIDENCE_COLUMNS:
            v = r.get(col)
            cells.append("" if v is None or (isinstance(v, float) and pd.isna(v)) else
                         f"{int(v):,}" if col == "n" else str(v))
        link = r.get("link")
        # Only a web address becomes a link; anything else is shown as text.
        source = (f"<a href='{_e(link)}'>{_e(link)}</a>" if isinstance(link, str) and link.startswith("https://")
                  else _e(r.get("source_id", "")))
        body.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + f"<td>{source}</td></tr>")
    return f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def _class_part(q: Question, given: list, sm: ClassSummary) -> str:
    if q.kind == "choice":
        rows = []
        for choice, k in sm.counts:
            share = f"{k / sm.n:.0%}" if sm.n else ""
            mark = "✓ the evidence supports this" if choice == q.answer else ""
            rows.append(f"<tr{' class=supported' if mark else ''}><td>{_e(choice)}</td><td>{k}</td><td>{share}</td>"
                        f"<td>{_e(mark)}</td></tr>")
        table = ("<table><thead><tr><th scope='col'>Choice</th><th scope='col'>Answers</th><th scope='col'>Share</th>"
                 f"<th scope='col'>Evidence</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
        said = (f"<p class='supported'><b>The evidence supports:</b> {_e(q.answer)}. {_e(q.reason)}</p>"
                if q.answer else "")
        return table + said
    if not sm.n:
        return "<p>Nobody in the class answered.</p>"
    spread = (f"; middle half {_e(fmt(sm.q1, q.unit))} to {_e(fmt(sm.q3, q.unit))}" if sm.n >= 4
              else " (a middle half is given from 4 answers)")
    values = ", ".join(_e(fmt(v, q.unit)) for v in sorted(kept(q, given)))
    return (f"<p><b>The class's median:</b> {_e(fmt(sm.median, q.unit))}{spread}.</p>"
            f"<p class='values'><b>Every answer</b> (values only, lowest first): {values}</p>")


def results_html(questions: dict[int, Question], answers: dict[int, list], rows: pd.DataFrame,
                 created: dt.datetime | None = None, data_version: str = "", step_views: dict | None = None) -> str:
    """Return a class's results as one self-contained HTML page: every step's question, the class's answers (values
    and counts only) with their median and spread, the option the evidence supports for a choice, and the evidence
    revealed beside them as a table and a chart (plotly.js inlined once; the page makes no request when opened).

    `step_views` maps a step whose evidence is a whole view (no single figures, e.g. how much evidence there is) to
    that view (`views.View`), drawn with its message in place of the figures."""
    from .charts import class_answers_chart

    created = created or dt.datetime.now()
    parts: list[str] = []
    first_chart = True
    total = 0
    for step, q in sorted(questions.items()):
        given = kept(q, answers.get(step, []))
        sm = summarise(q, given)
        total += sm.n
        shown = reveal_rows(q, rows)
        fig = class_answers_chart(q, given, shown, sm.median)
        alt = (f"The class's {answered(sm.n)} to step {step}"
               + (f" beside {len(shown)} published figures." if len(shown) else "."))
        div = pio.to_html(fig, full_html=False, include_plotlyjs=first_chart,
                          config={"displaylogo": False, "responsive": True, "displayModeBar": False})
        first_chart = False
        v = (step_views or {}).get(step)
        if len(shown):
            evidence = f"<h3>The evidence revealed</h3>{_evidence_table(shown)}"
        elif v is not None and v.fig is not None:
            whole = pio.to_html(v.screen_fig, full_html=False, include_plotlyjs=False,
                                config={"displaylogo": False, "responsive": True, "displayModeBar": False})
            evidence = (f"<h3>The evidence revealed: {_e(v.heading)}</h3><p>{_e(v.message)}</p>"
                        f"<p class='chart-title'>{_e(v.title)}</p>"
                        f"<figure role='img' aria-label='{_e(v.alt)}'>{whole}<figcaption>{_e(v.alt)}</figcaption>"
                        "</figure>")
        else:
            evidence = ("<h3>The evidence revealed</h3><p>This step reveals a view of the whole data in the app, "
                        "not single figures.</p>")
        parts.append(
            f"<section><h2>Step {step}: {_e(q.title)}</h2>"
            f"<p class='question'><b>Question:</b> {_e(q.text)}</p>"
            f"<p><b>The class answered:</b> {_e(q.label)} · {_e(answered(sm.n))}</p>"
            f"{_class_part(q, given, sm)}"
            # The class's chart first: the page's first one carries plotly.js, which every later chart needs.
            f"<figure role='img' aria-label='{_e(alt)}'>{div}<figcaption>{_e(alt)}</figcaption></figure>"
            f"{evidence}</section>")
    version = f" · <b>Data version:</b> {_e(data_version)}" if data_version else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Live class results: ketamine vs traditional antidepressants</title>
<style>
body {{ font-family: system-ui, Arial, sans-serif; color: #1a1a1a; max-width: 1000px; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
h1 {{ font-size: 1.8rem; }} h2 {{ border-bottom: 2px solid #005A9C; padding-bottom: .2rem; margin-top: 2.5rem; }}
.notice {{ background: #eef4fb; border-left: 4px solid #005A9C; padding: .6rem 1rem; }}
table {{ border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }}
th, td {{ border: 1px solid #c8ced6; padding: .3rem .6rem; text-align: left; vertical-align: top; }}
tr.supported td {{ font-weight: 700; background: #eef7ee; }} p.supported {{ border-left: 4px solid #1A1A1A; padding-left: .6rem; }}
.wide {{ overflow-x: auto; }} figure {{ margin: 1rem 0; }} .chart-title {{ font-weight: 600; margin: 1rem 0 0; }} figcaption {{ font-size: .85rem; color: #555; }} .values {{ overflow-wrap: anywhere; }}
</style></head><body>
<h1>Live class results</h1>
<p class="notice">The class's answers are anonymous: only the values and counts given, no names and no device tokens. The median and spread are of the class's own answers, never of the published figures. The evidence summarises published research to inform; it does not give medical advice.</p>
<p><b>Generated:</b> {_e(created.strftime('%Y-%m-%d %H:%M'))} · <b>Steps:</b> {len(questions)} · <b>Answers:</b> {total}{version}</p>
{''.join(parts)}
</body></html>"""
