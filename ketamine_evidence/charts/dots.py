"""Dot-and-interval charts and time courses: one labelled row or point per published figure.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from .base import (COLOURS, FAMILY_DASH, HOURS_TICKS, HOURS_TICK_TEXT, HOVER_COLUMNS, LOG_TICKS, ROW_PX, SYMBOLS, TOP_AXIS_ROWS,
                   _error_arrays, _escape, _favours_words, _groups_in, _outcome_symbol, _style, _wrapped, hover_frame)

def time_course_chart(df: pd.DataFrame, title: str, y_title: str) -> go.Figure:
    """Return a log-time scatter of values against hours since first dose, one trace per treatment group.

    Points from the same source and arm are joined by a line (dash shows the family) so a curve reads as one study;
    arms are separated by a gap (a None point) inside the group's single trace, which keeps the figure small.
    """
    d = hover_frame(df)
    fig = go.Figure()
    for group in _groups_in(d):
        g = d[d["treatment_group"] == group].sort_values(["source_id", "treatment", "outcome_label", "time_hours"])
        arm = g.groupby(["source_id", "treatment", "outcome_label"], sort=False).ngroup()
        # Insert one empty point before each new arm so the line does not run from one study into the next.
        blank = {c: None for c in g.columns}
        pieces = []
        for _, chunk in g.groupby(arm.values, sort=False):
            if pieces:
                pieces.append(pd.DataFrame([blank]))
            pieces.append(chunk)
        g = pd.concat(pieces, ignore_index=True)
        plus, minus = _error_arrays(g)
        symbols = [_outcome_symbol(SYMBOLS[group], o) for o in g["outcome"]] if "outcome" in g else SYMBOLS[group]
        fig.add_trace(go.Scatter(
            x=g["time_hours"], y=g["value"], mode="lines+markers", name=group, legendgroup=group, showlegend=True,
            connectgaps=False,
            line={"color": COLOURS[group], "dash": FAMILY_DASH[vocab.family_of(group)], "width": 2},
            # A white outline shows the dot of an "improvement" mark on a filled marker; open marks keep their colour.
            marker={"symbol": symbols, "size": 11, "color": COLOURS[group],
                    "line": {"width": 1.5, "color": [COLOURS[group] if "open" in str(sym) else "#FFFFFF"
                                                     for sym in (symbols if isinstance(symbols, list) else [symbols])]}},
            error_y={"type": "data", "array": plus, "arrayminus": minus, "visible": bool(plus.notna().any()),
                     "thickness": 1.2},
            customdata=g[HOVER_COLUMNS].fillna("").to_numpy(),
        ))
    fig.update_xaxes(type="log", title_text="Time since first dose (log scale)", tickvals=HOURS_TICKS,
                     ticktext=HOURS_TICK_TEXT, showgrid=True, tickangle=0)
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return _style(fig, title)


def dot_ci_chart(df: pd.DataFrame, title: str, x_title: str, label_col: str = "label",
                 log_x: bool = False, reference: float | None = None, height: int | None = None,
                 favours: tuple[str, str] | None = None) -> go.Figure:
    """Return a horizontal dot-and-whisker chart: one row per figure, coloured and shaped by treatment group.

    `favours` gives the words for each side of the reference line ("← lower ...", "higher ... →").
    """
    d = hover_frame(df)
    rows = list(dict.fromkeys(d[label_col]))
    # Rows are numbered from the bottom; each label sits half a row above its dot, so even a two-line label stays
    # clear of its own dot and of the row above (one row is ROW_PX high).
    pos = {label: len(rows) - 1 - i for i, label in enumerate(rows)}
    fig = go.Figure()
    for group in _groups_in(d):
        g = d[d["treatment_group"] == group]
        plus, minus = _error_arrays(g)
        fig.add_trace(go.Scatter(
            x=g["value"], y=g[label_col].map(pos), mode="markers", name=group, legendgroup=group,
            marker={"symbol": SYMBOLS[group], "size": 12, "color": COLOURS[group],
                    "line": {"width": 1, "color": "#FFFFFF"}},
            error_x={"type": "data", "array": plus, "arrayminus": minus, "visible": bool(plus.notna().any()),
                     "thickness": 1.5, "color": COLOURS[group]},
            customdata=g[HOVER_COLUMNS].to_numpy(),
        ))
    if reference is not None:
        fig.add_vline(x=reference, line={"color": "#444444", "dash": "dot", "width": 1})
    # Row labels sit above their dots, left-aligned across the full width, instead of as tick labels:
    # long labels then never squeeze the plot, on a 390 px phone or on a projector. They are one text trace on a
    # hidden 0-1 axis rather than one annotation each: a browser draws 40 annotations several times slower.
    # On a log axis an overlaying linear axis is not drawn (the first release lost every label there), so the labels
    # sit on the main axis at its left edge, in data units, with the range set explicitly around the line at 1.
    if log_x:
        values = pd.concat([d["value"], d["ci_low"], d["ci_high"]]).dropna()
        values = values[values > 0]
        reach = max(max(abs(math.log10(v)) for v in values) * 1.15, math.log10(3)) if len(values) else 1
        ticks = [t for t in LOG_TICKS if 10 ** -reach <= t <= 10 ** reach]
        fig.update_xaxes(type="log", range=[-reach, reach], tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
        label_x, label_axis = [10 ** -reach] * len(rows), "x"
    else:
        fig.update_layout(xaxis2={"overlaying": "x", "range": [0, 1], "visible": False, "fixedrange": True})
        label_x, label_axis = [0] * len(rows), "x2"
    fig.add_trace(go.Scatter(
        x=label_x, y=[pos[r] + 0.5 for r in rows], xaxis=label_axis, mode="text",
        text=[_wrapped(_escape(r), max_lines=2) for r in rows], textposition="middle right",
        textfont={"size": 12, "color": "#333333"}, hoverinfo="skip", showlegend=False, name="labels", cliponaxis=False,
    ))
    extra = 0
    if favours and reference is not None:
        extra = _favours_words(fig, favours[0], favours[1], y=-0.45, width=30, line=0.3)
    fig.update_yaxes(title_text=None, showticklabels=False, showgrid=False, zeroline=False,
                     range=[-0.6 - extra, len(rows) + 0.1])
    fig.update_xaxes(title_text=x_title, showgrid=True)
    if not log_x:
        fig.update_xaxes(type="linear", rangemode="tozero")
    if len(rows) > TOP_AXIS_ROWS:
        # A tall chart repeats its scale along the top, so the first rows can be read without scrolling to the foot.
        main = fig.layout.xaxis
        fig.add_trace(go.Scatter(x=[None], y=[None], xaxis="x3", showlegend=False, hoverinfo="skip", name="top axis"))
        fig.update_layout(xaxis3={"overlaying": "x", "matches": "x", "side": "top", "showgrid": False,
                                  "type": main.type or "linear", "tickvals": main.tickvals, "ticktext": main.ticktext,
                                  "tickfont": {"size": 12, "color": "#444444"}})
    return _style(fig, title, height or max(320, 150 + ROW_PX * len(rows) + int(ROW_PX * extra)))



def days_chart(df: pd.DataFrame, title: str, label_col: str = "label") -> go.Figure:
    """Return a dot chart of durations converted to days (time to response, time to relapse)."""
    d = df.assign(value=df["value_days"], ci_low=df["ci_low_days"], ci_high=df["ci_high_days"])
    return dot_ci_chart(d, title, "Days (converted from source units)", label_col=label_col)


# Two wrapped lines of 48 characters: a label is cut (with "…") only past that, never mid-word.
