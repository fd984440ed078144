"""The live class's chart: the class's answers beside the published figures.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .base import COLOURS, HOVER_COLUMNS, ROW_PX, SYMBOLS, _error_arrays, _escape, _style, _wrapped, hover_frame

CLASS_COLOUR = "#332288"  # Tol's indigo: no treatment group uses it, so the class never reads as a drug


def _nice_bin(span: float, increment: float) -> float:
    for size in (1, 2, 5, 10, 15, 20, 25, 30, 50, 100, 200, 500):
        if size >= span / 20 and size >= increment:
            return size
    return span / 20


def _tallest_bin(answers: list, lo: float, size: float) -> int:
    bins = [int((a - lo) // size) for a in answers]
    return max((bins.count(b) for b in set(bins)), default=1)


def class_answers_chart(question, answers: list, evidence: pd.DataFrame | None = None,
                        median: float | None = None, compact: bool = False) -> go.Figure:
    """Return the class's answers beside the evidence: a histogram of the class's guesses above one labelled dot
    per revealed figure, on the answer's scale; for a choice question, one bar per choice.

    `evidence` is the revealed rows joined to their sources (a `study` column); each figure's value is also drawn
    as a dotted line through the class's histogram, in its group's colour, so the eye can compare the two.
    """
    if question.kind == "choice":
        counts = [sum(1 for a in answers if a == c) for c in question.choices]
        total = sum(counts)
        fig = go.Figure(go.Bar(
            y=list(range(len(question.choices)))[::-1], x=counts, orientation="h", name="Your class",
            marker={"color": CLASS_COLOUR}, text=[f"{c} ({c / total:.0%})" if total else "0" for c in counts],
            textposition="outside", cliponaxis=False, hovertemplate="%{x} answers<extra></extra>"))
        fig.update_yaxes(tickvals=list(range(len(question.choices)))[::-1],
                         ticktext=[_wrapped(_escape(c), 24) for c in question.choices], title_text=None)
        fig.update_xaxes(title_text="Students", rangemode="tozero", range=[0, max(counts + [1]) * 1.3], dtick=max(
            1, math.ceil(max(counts + [1]) / 6)))
        fig = _style(fig, f"Your class's answers ({total})", height=140 + 60 * len(question.choices))
        fig.update_layout(showlegend=False)
        return fig

    lo, hi, unit = question.lo, question.hi, question.unit
    suffix = "%" if unit == "%" else f" {unit}"
    d = hover_frame(evidence) if evidence is not None and len(evidence) else None
    if d is None:  # before the reveal: the class's answers alone
        d = pd.DataFrame(columns=["study", "treatment_group", "outcome_label", "value", "unit", "ci_low", "ci_high",
                                  *HOVER_COLUMNS])
    # The value first, so a long label is never cut there; the arm as the source names it is in the hover and table.
    labels = [f"{r.value:g}{'%' if r.unit == '%' else ' ' + r.unit} · {r.study} · {r.treatment_group} · "
              f"{r.outcome_label}" for r in d.itertuples()]
    k = len(d)
    # `compact` is for a projector slide, where the whole reveal must fit 768 px: a shorter histogram, and no legend
    # (each evidence row's label names its group) below it.
    top_px, row_px = (100 if compact else 150), ROW_PX
    fig = go.Figure()
    size = _nice_bin(hi - lo, question.increment)
    fig.add_trace(go.Histogram(
        x=answers, xbins={"start": lo - size / 2 if size == 1 else lo, "end": hi + size, "size": size},
        name="Your class", marker={"color": CLASS_COLOUR, "line": {"width": 1, "color": "#FFFFFF"}},
        yaxis="y2", hovertemplate="%{y} students answered %{x}<extra></extra>"))
    for i, r in enumerate(d.itertuples()):
        y = k - 1 - i
        plus, minus = _error_arrays(d.iloc[[i]])
        fig.add_trace(go.Scatter(
            x=[r.value], y=[y], mode="markers", name=r.treatment_group, legendgroup=r.treatment_group,
            showlegend=r.treatment_group not in [t.name for t in fig.data[1:]],
            marker={"symbol": SYMBOLS[r.treatment_group], "size": 14, "color": COLOURS[r.treatment_group],
                    "line": {"width": 1, "color": "#FFFFFF"}},
            error_x={"type": "data", "array": plus, "arrayminus": minus, "visible": bool(plus.notna().any()),
                     "thickness": 1.5, "color": COLOURS[r.treatment_group]},
            customdata=d.iloc[[i]][HOVER_COLUMNS].to_numpy()))
        fig.add_shape(type="line", x0=r.value, x1=r.value, y0=0, y1=1, xref="x", yref="y2 domain",
                      line={"color": COLOURS[r.treatment_group], "dash": "dot", "width": 2})
    fig.add_trace(go.Scatter(
        x=[lo] * k, y=[k - 1 - i + 0.5 for i in range(k)], mode="text", name="labels", showlegend=False,
        text=[_wrapped(_escape(t), max_lines=2) for t in labels], textposition="middle right", hoverinfo="skip",
        textfont={"size": 12, "color": "#333333"}, cliponaxis=False))
    if median is not None:
        fig.add_shape(type="line", x0=median, x1=median, y0=0, y1=1, xref="x", yref="y2 domain",
                      line={"color": "#1A1A1A", "width": 3})
        fig.add_annotation(x=median, y=1, xref="x", yref="y2 domain", yanchor="bottom", showarrow=False,
                           text=f"class median {median:g}{suffix}", font={"size": 13, "color": "#1A1A1A"})
    if not answers:
        fig.add_annotation(x=0.5, y=0.5, xref="paper", yref="y2 domain", showarrow=False, text="No answers yet",
                           font={"size": 14, "color": "#555555"})
    # Pixels outside the two panels: the title above, and below them the ticks, a two-line axis title and the legend.
    # Sized so the evidence panel really gets row_px per row (when it got less, labels ran into the next row's dot).
    outside, gap = (170 if compact else 230), (24 if compact else 40)
    height = outside + top_px + gap + row_px * k
    evidence_share = (row_px * k) / (height - outside) if k else 0
    pad = (hi - lo) * 0.02
    fig.update_layout(
        yaxis={"domain": [0, evidence_share], "range": [-0.6, k + 0.1], "showticklabels": False,
               "showgrid": False, "zeroline": False, "visible": k > 0},
        yaxis2={"domain": [evidence_share + gap / (height - outside) if k else 0, 1], "title": {"text": "Students"},
                "rangemode": "tozero", "anchor": "x", "dtick": max(1, math.ceil(_tallest_bin(answers, lo, size) / 4))},
        barmode="overlay")
    fig.update_xaxes(range=[lo - pad, hi + pad], title_text=_wrapped(_escape(question.label), 44 if compact else 40),
                     ticksuffix=suffix,
                     showgrid=True)
    fig = _style(fig, "Your class's guesses and the evidence" if k else f"Your class's answers ({len(answers)})",
                 height=height)
    fig.update_layout(legend_title_text="", showlegend=k > 0 and not compact)
    return fig
