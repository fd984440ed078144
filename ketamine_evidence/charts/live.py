"""The live class's chart: the class's answers beside the published figures.

A number question draws the class's histogram above one labelled dot per revealed figure, on the answer's scale. A
choice question draws one bar per choice; once revealed, the option the evidence supports is marked in words (its
label says so) and by a hatched, outlined bar (not by colour alone), and the figures revealed are drawn under the
bars on their own scale, so the class's answers and the evidence share one slide.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from .base import (COLOURS, HOVER_COLUMNS, LOG_TICKS, ROW_PX, SYMBOLS, _error_arrays, _escape, _style, _wrapped,
                   hover_frame)

CLASS_COLOUR = "#332288"  # Tol's indigo: no treatment group uses it, so the class never reads as a drug
SUPPORTED_WORDS = "✓ the evidence supports this"


def _nice_bin(span: float, increment: float) -> float:
    for size in (1, 2, 5, 10, 15, 20, 25, 30, 50, 100, 200, 500):
        if size >= span / 20 and size >= increment:
            return size
    return span / 20


def _tallest_bin(answers: list, lo: float, size: float) -> int:
    bins = [int((a - lo) // size) for a in answers]
    return max((bins.count(b) for b in set(bins)), default=1)


def _label(r) -> str:
    # The value first, so a long label is never cut there; the arm as the source names it is in the hover and table.
    return f"{r.value_ci} · {r.study} · {r.treatment_group} · {r.outcome_label}"


def _dots(fig: go.Figure, d: pd.DataFrame, x_left: float, xaxis: str = "x", yaxis: str = "y") -> None:
    """Add one marker per figure (row i at y = k-1-i) with its interval, and its label above it from `x_left`."""
    k = len(d)
    seen: set[str] = set()
    for i, r in enumerate(d.itertuples()):
        plus, minus = _error_arrays(d.iloc[[i]])
        fig.add_trace(go.Scatter(
            x=[r.value], y=[k - 1 - i], mode="markers", name=r.treatment_group, legendgroup=r.treatment_group,
            showlegend=r.treatment_group not in seen, xaxis=xaxis, yaxis=yaxis,
            marker={"symbol": SYMBOLS[r.treatment_group], "size": 14, "color": COLOURS[r.treatment_group],
                    "line": {"width": 1, "color": "#FFFFFF"}},
            error_x={"type": "data", "array": plus, "arrayminus": minus, "visible": bool(plus.notna().any()),
                     "thickness": 1.5, "color": COLOURS[r.treatment_group]},
            customdata=d.iloc[[i]][HOVER_COLUMNS].to_numpy()))
        seen.add(r.treatment_group)
    fig.add_trace(go.Scatter(
        x=[x_left] * k, y=[k - 1 - i + 0.5 for i in range(k)], mode="text", name="labels", showlegend=False,
        text=[_wrapped(_escape(_label(r)), max_lines=2) for r in d.itertuples()], textposition="middle right",
        hoverinfo="skip", textfont={"size": 12, "color": "#333333"}, cliponaxis=False, xaxis=xaxis, yaxis=yaxis))


def _unit_axis(d: pd.DataFrame) -> tuple[dict, float, float | None]:
    """Return the x axis for figures in one unit (a log axis with written-out ticks for ratios), where labels start,
    and where the line of no difference is (None without one)."""
    unit = d["unit"].iloc[0]
    vals = pd.concat([d["value"], d["ci_low"], d["ci_high"]]).dropna()
    if unit in vocab.RATIO_UNITS:
        low, high = min(vals.min(), 1) / 1.6, max(vals.max(), 1) * 1.6
        ticks = [t for t in LOG_TICKS if low <= t <= high] or [1]
        axis = {"type": "log", "range": [math.log10(low), math.log10(high)], "tickvals": ticks,
                "ticktext": [f"{t:g}" for t in ticks],
                "title": {"text": f"{unit.capitalize()} (log scale; 1 = no difference)"}}
        return axis, low, 1.0
    if unit == "%":
        return {"range": [-2, 102], "ticksuffix": "%", "title": {"text": "Patients (%)"}}, 0.0, None
    low, high = min(vals.min(), 0), max(vals.max(), 0)
    pad = (high - low) * 0.08 or 1
    line = 0.0 if low < 0 < high else None
    return {"range": [low - pad, high + pad], "title": {"text": unit.capitalize()}}, low - pad, line


def _choice_chart(question, answers: list, evidence: pd.DataFrame | None, compact: bool) -> go.Figure:
    choices = list(question.choices)
    counts = [sum(1 for a in answers if a == c) for c in choices]
    total = sum(counts)
    revealed = evidence is not None
    supported = question.answer if revealed and question.answer in choices else None
    # A figure in another unit than the first cannot share its axis; the loader refuses such steps.
    d = hover_frame(evidence) if revealed and len(evidence) else None
    if d is not None:
        d = d[d["unit"] == d["unit"].iloc[0]]
    k = 0 if d is None else len(d)
    # On a phone or a page each choice's words sit above its bar, across the chart's whole width (as tick labels
    # beside the bars they took half of a phone's width from the figures under them). On a projector slide (`compact`)
    # they sit beside the bars, where the wide slide has room, so the figures under them stay above the fold. The
    # evidence's option says so on a line of its own either way.
    labels = [_wrapped(_escape(c), 24 if compact else 40) + (f"<br><b>{SUPPORTED_WORDS}</b>" if c == supported else "")
              for c in choices]
    line_px, bar_px, pad = (19, 26, 12) if compact else (19, 28, 14)
    row_px = [max(46, line_px * (lab.count("<br>") + 1) + 8) if compact else line_px * (lab.count("<br>") + 1) + bar_px
              + pad for lab in labels]
    bars_px = sum(row_px)
    bottoms = [sum(row_px[i + 1:]) for i in range(len(choices))]  # first choice on top; y counts pixels upward
    ys = [b + row_px[i] / 2 if compact else b + pad / 2 + bar_px / 2 for i, b in enumerate(bottoms)]
    fig = go.Figure(go.Bar(
        y=ys, x=counts, orientation="h", name="Your class", width=[p * 0.7 for p in row_px] if compact else bar_px,
        marker={"color": CLASS_COLOUR,
                "pattern": {"shape": ["/" if c == supported else "" for c in choices], "fgcolor": "#FFFFFF",
                            "size": 10, "solidity": 0.3},
                "line": {"width": [4 if c == supported else 0 for c in choices], "color": "#1A1A1A"}},
        text=[f"{n} ({n / total:.0%})" if total else "0" for n in counts], textposition="outside",
        cliponaxis=False, hovertemplate="%{x} answers<extra></extra>"))
    for i, (y, label) in enumerate(zip(ys, labels)):
        if not compact:
            fig.add_annotation(name=f"choice {i + 1}", x=0, xref="x domain", y=y + bar_px / 2 + 2, yref="y",
                               xanchor="left", yanchor="bottom", align="left", showarrow=False, text=label,
                               font={"size": 14, "color": "#1A1A1A"})
    top, bottom = 60, ((90 if compact else 110) if k else 50)
    gap = (76 if compact else 100) if k else 0  # the bars' axis and its title, then the evidence panel's heading
    ev_px = ROW_PX * k + (10 if k else 0)
    plot_px = bars_px + gap + ev_px
    beside = {"tickvals": ys, "ticktext": labels, "showticklabels": True} if compact else {"showticklabels": False}
    fig.update_layout(yaxis={"range": [0, bars_px], "domain": [(ev_px + gap) / plot_px, 1], "showgrid": False,
                             "zeroline": False, "title": {"text": None}, **beside})
    fig.update_layout(xaxis={"title": {"text": "Students"}, "rangemode": "tozero",
                             "range": [0, max(counts + [1]) * 1.35],
                             "dtick": max(1, math.ceil(max(counts + [1]) / 6))})
    if k:
        axis, x_left, no_difference = _unit_axis(d)
        axis["title"]["text"] = _wrapped(axis["title"]["text"], 34)
        fig.update_layout(
            xaxis2={**axis, "anchor": "y2", "showgrid": True},
            yaxis2={"domain": [0, ev_px / plot_px], "range": [-0.6, k + 0.1], "anchor": "x2", "visible": False})
        _dots(fig, d, x_left, "x2", "y2")
        if no_difference is not None:
            fig.add_shape(type="line", x0=no_difference, x1=no_difference, y0=0, y1=1, xref="x2", yref="y2 domain",
                          line={"color": "#444444", "dash": "dot", "width": 1.5})
        fig.add_annotation(x=0, xref="paper", y=1, yref="y2 domain", yanchor="bottom", xanchor="left", showarrow=False,
                           text="<b>The evidence</b>", font={"size": 14, "color": "#1A1A1A"})
    title = "Your class's answers and the evidence" if k else f"Your class's answers ({total})"
    fig = _style(fig, title, height=top + plot_px + bottom)
    fig.update_layout(showlegend=False, margin={"t": top, "b": bottom})
    return fig


def class_answers_chart(question, answers: list | None, evidence: pd.DataFrame | None = None,
                        median: float | None = None, compact: bool = False) -> go.Figure:
    """Return the class's answers beside the evidence: a histogram of the class's guesses above one labelled dot
    per revealed figure, on the answer's scale; for a choice question, one bar per choice (and, once revealed, the
    evidence's option marked in words and the figures on their own scale under the bars).

    `evidence` is the revealed rows joined to their sources (a `study` column), or None before the reveal; each
    figure's value is also drawn as a dotted line through the class's histogram, in its group's colour, so the eye can
    compare the two. `answers` None draws the evidence alone (a presenter without a live class).
    """
    if question.kind == "choice":
        return _choice_chart(question, answers or [], evidence, compact)

    lo, hi, unit = question.lo, question.hi, question.unit
    suffix = "%" if unit == "%" else f" {unit}"
    d = hover_frame(evidence) if evidence is not None and len(evidence) else None
    if d is None:  # before the reveal: the class's answers alone
        d = pd.DataFrame(columns=["study", "treatment_group", "outcome_label", "value", "unit", "ci_low", "ci_high",
                                  "value_ci", *HOVER_COLUMNS])
    k = len(d)
    alone = answers is None
    answers = answers or []
    # `compact` is for a projector slide, where the whole reveal must fit 768 px: a shorter histogram, and no legend
    # (each evidence row's label names its group) below it.
    top_px, row_px = (0 if alone else 100 if compact else 150), ROW_PX
    fig = go.Figure()
    size = _nice_bin(hi - lo, question.increment)
    if not alone:
        fig.add_trace(go.Histogram(
            x=answers, xbins={"start": lo - size / 2 if size == 1 else lo, "end": hi + size, "size": size},
            name="Your class", marker={"color": CLASS_COLOUR, "line": {"width": 1, "color": "#FFFFFF"}},
            yaxis="y2", hovertemplate="%{y} students answered %{x}<extra></extra>"))
    _dots(fig, d, lo)
    if not alone:
        for r in d.itertuples():
            fig.add_shape(type="line", x0=r.value, x1=r.value, y0=0, y1=1, xref="x", yref="y2 domain",
                          line={"color": COLOURS[r.treatment_group], "dash": "dot", "width": 2})
    if median is not None and not alone:
        fig.add_shape(type="line", x0=median, x1=median, y0=0, y1=1, xref="x", yref="y2 domain",
                      line={"color": "#1A1A1A", "width": 3})
        fig.add_annotation(x=median, y=1, xref="x", yref="y2 domain", yanchor="bottom", showarrow=False,
                           text=f"class median {median:g}{suffix}", font={"size": 13, "color": "#1A1A1A"})
    if not answers and not alone:
        fig.add_annotation(x=0.5, y=0.5, xref="paper", yref="y2 domain", showarrow=False, text="No answers yet",
                           font={"size": 14, "color": "#555555"})
    # Pixels outside the two panels: the title above, and below them the ticks, a two-line axis title and the legend.
    # Sized so the evidence panel really gets row_px per row (when it got less, labels ran into the next row's dot).
    outside, gap = (170 if compact else 230), (0 if alone else 24 if compact else 40)
    height = outside + top_px + gap + row_px * k
    evidence_share = (row_px * k) / (height - outside) if k else 0
    pad = (hi - lo) * 0.02
    layout = {"yaxis": {"domain": [0, evidence_share], "range": [-0.6, k + 0.1], "showticklabels": False,
                        "showgrid": False, "zeroline": False, "visible": k > 0}, "barmode": "overlay"}
    if not alone:
        layout["yaxis2"] = {"domain": [evidence_share + gap / (height - outside) if k else 0, 1],
                            "title": {"text": "Students"}, "rangemode": "tozero", "anchor": "x",
                            "dtick": max(1, math.ceil(_tallest_bin(answers, lo, size) / 4))}
    fig.update_layout(**layout)
    fig.update_xaxes(range=[lo - pad, hi + pad], title_text=_wrapped(_escape(question.label), 44 if compact else 40),
                     ticksuffix=suffix,
                     showgrid=True)
    title = ("The evidence" if alone else
             "Your class's guesses and the evidence" if k else f"Your class's answers ({len(answers)})")
    fig = _style(fig, title, height=height)
    fig.update_layout(legend_title_text="", showlegend=k > 0 and not compact)
    return fig


def evidence_chart(question, evidence: pd.DataFrame, compact: bool = False) -> go.Figure:
    """Return a step's revealed figures alone, labelled, for a presenter without a live class: on the answer's scale
    for a number question, on the figures' own scale for a choice question."""
    if question.kind != "choice":
        return class_answers_chart(question, None, evidence, compact=compact)
    d = hover_frame(evidence)
    d = d[d["unit"] == d["unit"].iloc[0]]
    k = len(d)
    axis, x_left, no_difference = _unit_axis(d)
    fig = go.Figure()
    _dots(fig, d, x_left)
    if no_difference is not None:
        fig.add_shape(type="line", x0=no_difference, x1=no_difference, y0=0, y1=1, xref="x", yref="y domain",
                      line={"color": "#444444", "dash": "dot", "width": 1.5})
    fig.update_layout(xaxis={**axis, "showgrid": True},
                      yaxis={"range": [-0.6, k + 0.1], "visible": False})
    fig = _style(fig, "The evidence", height=170 + ROW_PX * k)
    fig.update_layout(showlegend=False, margin={"t": 60, "b": 100})
    return fig
