"""The Compare page's charts: icon arrays and the onset-durability timeline.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .base import COLOURS, HOVER_COLUMNS, HOVER_TEMPLATE, _style, _wrapped, hover_frame


def icon_array(percent: float, filled_label: str, other_label: str, colour: str) -> go.Figure:
    """Return a 10x10 grid of people: round(percent) filled (shape and colour), the rest open.

    'Out of 100 people like those in the study': the percentage is rounded to whole people, openly.
    """
    k = int(round(percent))
    xs = [i % 10 for i in range(100)]
    ys = [9 - i // 10 for i in range(100)]
    fig = go.Figure([
        go.Scatter(x=xs[:k], y=ys[:k], mode="markers", name=f"{k} {filled_label}",
                   marker={"symbol": "circle", "size": 22, "color": colour, "line": {"width": 1, "color": "#FFFFFF"}},
                   hoverinfo="skip"),
        go.Scatter(x=xs[k:], y=ys[k:], mode="markers", name=f"{100 - k} {other_label}",
                   marker={"symbol": "circle-open", "size": 20, "color": "#6E6E6E", "line": {"width": 2}},
                   hoverinfo="skip"),
    ])
    fig.update_xaxes(visible=False, range=[-0.7, 9.7])
    fig.update_yaxes(visible=False, range=[-0.7, 9.7], scaleanchor="x")
    fig = _style(fig, f"Out of 100 people like those in the study, about {k} {filled_label}", height=430)
    fig.update_layout(legend_title_text="")
    return fig


TIMELINE_SYMBOLS = ("circle-open", "diamond-open", "square")  # onset (two kinds) open, durability filled
# Few ticks, never rotated: on a 390 px phone the data gets about 130 px, and ten rotated ticks piled up there.
DAY_TICKS = [0.25, 1, 7, 30.4, 91, 182, 365, 730]
DAY_TICK_TEXT = ["6 h", "1 d", "1 wk", "1 mo", "3 mo", "6 mo", "1 yr", "2 yr"]


def timeline_chart(rows: pd.DataFrame, kinds: tuple[str, ...]) -> go.Figure:
    """Return one row per treatment group on a log time axis (days): onset figures open, durability figures filled.

    Symbol (and fill) tells the kind of figure; colour and the row label tell the group.
    """
    d = hover_frame(rows)
    # Group names wrapped on the row labels, so a phone gives the data the width; the hover keeps the full name.
    d["row"] = d["treatment_group"].map(lambda g: _wrapped(g, 14))
    groups = list(dict.fromkeys(d["row"]))
    fig = go.Figure()
    for kind, symbol in zip(kinds, TIMELINE_SYMBOLS):
        sub = d[d["kind"] == kind]
        if sub.empty:
            continue
        colours = [COLOURS.get(g, "#444444") for g in sub["treatment_group"]]
        fig.add_trace(go.Scatter(
            x=sub["days"], y=sub["row"], mode="markers", name=kind, legendgroup=kind, showlegend=False,
            marker={"symbol": symbol, "size": 15, "color": colours, "line": {"width": 2.5, "color": colours}},
            customdata=sub[HOVER_COLUMNS].to_numpy(), hovertemplate=HOVER_TEMPLATE,
        ))
        # The legend explains the symbol only, in a neutral grey, since colour here follows the group on each row.
        # Kind names are long: wrapped, so a phone's legend shows them whole rather than cut at the right edge.
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=_wrapped(kind, 34),
                                 legendgroup=kind, hoverinfo="skip",
                                 marker={"symbol": symbol, "size": 13, "color": "#333333",
                                         "line": {"width": 2.5, "color": "#333333"}}))
    lo, hi = (d["days"].min(), d["days"].max()) if len(d) else (1, 365)
    ticks = [(v, t) for v, t in zip(DAY_TICKS, DAY_TICK_TEXT) if lo / 3 <= v <= hi * 3] or list(zip(DAY_TICKS, DAY_TICK_TEXT))
    fig.update_xaxes(type="log", title_text="Days (log scale)", tickangle=0,
                     tickvals=[v for v, _ in ticks], ticktext=[t for _, t in ticks])
    fig.update_yaxes(categoryorder="array", categoryarray=groups[::-1], title_text=None)
    fig = _style(fig, "Reported times to response, and how long benefit lasted", height=max(320, 170 + 48 * len(groups)))
    fig.update_layout(legend_title_text="Kind of figure")
    return fig
