"""Charts that count figures: the evidence map, the certainty mix and evidence over time.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from .. import vocab
from .base import _escape, _style

FAMILY_COLOURS = {"Ketamine": "#D55E00", "Traditional antidepressants": "#0072B2", "Placebo and comparators": "#6E6E6E"}
FAMILY_PATTERNS = {"Ketamine": "", "Traditional antidepressants": "/", "Placebo and comparators": "."}


def evidence_map_chart(counts: pd.DataFrame) -> go.Figure:
    """Return grouped bars: figures per question (y) and family (colour plus pattern)."""
    fig = px.bar(
        counts, x="figures", y="dimension_label", color="family", pattern_shape="family", barmode="group",
        orientation="h", color_discrete_map=FAMILY_COLOURS, pattern_shape_map=FAMILY_PATTERNS,
        category_orders={"family": list(vocab.FAMILIES),
                         "dimension_label": [vocab.DIMENSION_LABELS[d] for d in vocab.DIMENSIONS]},
        labels={"figures": "Published figures", "dimension_label": "", "family": "Family"},
        text="figures",
    )
    fig.update_traces(hovertemplate="%{y}<br>%{fullData.name}: %{x} figures<extra></extra>", textposition="outside")
    # Room past the longest bar for its count, which would otherwise be cut at the plot's edge on a phone.
    fig.update_xaxes(range=[0, max(1, counts["figures"].max()) * 1.25])
    fig = _style(fig, "Figures in the dataset, by question and family", height=380)
    fig.update_layout(legend_title_text="Family")
    return fig


CERTAINTY_COLOURS = {"high": "#004D40", "moderate": "#00796B", "low": "#B8651B", "very low": "#8B1A1A"}
CERTAINTY_PATTERNS = {"high": "", "moderate": "/", "low": ".", "very low": "x"}


def certainty_chart(counts: pd.DataFrame) -> go.Figure:
    """Return stacked bars: figures per family, split by certainty (colour plus pattern)."""
    fig = px.bar(
        counts, x="figures", y="family", color="certainty", pattern_shape="certainty", orientation="h",
        color_discrete_map=CERTAINTY_COLOURS, pattern_shape_map=CERTAINTY_PATTERNS,
        category_orders={"certainty": list(vocab.CERTAINTY), "family": list(vocab.FAMILIES)},
        labels={"figures": "Published figures", "family": "", "certainty": "Certainty"},
    )
    fig.update_traces(hovertemplate="%{y}<br>%{fullData.name} certainty: %{x} figures<extra></extra>")
    fig = _style(fig, "How certain is each family's evidence?", height=360)
    fig.update_layout(legend_title_text="Certainty")
    return fig



def over_time_chart(by_year: pd.DataFrame) -> go.Figure:
    """Return figures per publication year, one bar colour and pattern per family, stacked."""
    fig = go.Figure()
    for fam in vocab.FAMILIES:
        sub = by_year[by_year["family"] == fam]
        if sub.empty:
            continue
        fig.add_trace(go.Bar(
            x=sub["year"], y=sub["figures"], name=fam,
            marker={"color": FAMILY_COLOURS[fam], "pattern": {"shape": FAMILY_PATTERNS[fam]}},
            hovertext=[f"{y}: {_escape(fam)}, {vocab.counted(int(n), 'figure')}<br>{_escape(src)}"
                       for y, n, src in zip(sub["year"], sub["figures"], sub["sources"])],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Year the source was published", dtick=5, tickformat="d")
    fig.update_yaxes(title_text="Figures")
    fig = _style(fig, "Figures in the dataset by year of publication", height=380)
    fig.update_layout(legend_title_text="Family")
    return fig
