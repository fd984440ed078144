"""Chart builders: tidy DataFrame in, Plotly figure out. No Streamlit.

One colour, symbol and dash per treatment group, used on every page, from the
Okabe-Ito colour-blind-safe palette (plus dark greys), so ketamine looks the
same everywhere and no group is told apart by colour alone.
"""

from __future__ import annotations

import json
import math
import textwrap

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio

from . import vocab

# Okabe & Ito (2008) colours, darkened where needed so each mark keeps >= 3:1 contrast on white.
COLOURS = {
    "IV ketamine": "#D55E00",          # vermillion
    "Esketamine": "#B8651B",           # dark orange
    "Other ketamine": "#CC79A7",       # reddish purple
    "SSRI": "#0072B2",                 # blue
    "SNRI": "#3A8FC4",                 # sky blue, darkened
    "TCA": "#009E73",                  # bluish green
    "Other antidepressant": "#6A3D9A", # purple
    "Antidepressants (pooled)": "#004D80",
    "Antidepressant + placebo spray": "#4B6B8A",  # slate blue: an antidepressant arm, told apart by its open symbol
    "Placebo": "#6E6E6E",
    "Active placebo": "#3D3D3D",
    "ECT": "#8C6D00",                  # dark yellow
    "Other comparator": "#555599",
}
SYMBOLS = {
    "IV ketamine": "circle",
    "Esketamine": "diamond",
    "Other ketamine": "star",
    "SSRI": "square",
    "SNRI": "triangle-up",
    "TCA": "triangle-down",
    "Other antidepressant": "pentagon",
    "Antidepressants (pooled)": "hexagon",
    "Antidepressant + placebo spray": "hexagon-open",
    "Placebo": "circle-open",
    "Active placebo": "square-open",
    "ECT": "cross",
    "Other comparator": "x",
}
FAMILY_DASH = {"Ketamine": "solid", "Traditional antidepressants": "dash", "Placebo and comparators": "dot"}

FONT = "Source Sans Pro, Arial, sans-serif"
# Seven ticks, level: ten rotated ones ran into each other on a 390 px phone ("8 wk" into "12 wk").
HOURS_TICKS = [1, 4, 24, 168, 672, 2016, 4032]
HOURS_TICK_TEXT = ["1 h", "4 h", "1 d", "1 wk", "4 wk", "12 wk", "24 wk"]

ROW_PX = 54  # one row of a dot chart: a two-line label above a dot, clear of the row above
TOP_AXIS_ROWS = 12  # past this many rows a dot chart shows its scale at the top too

# Log-axis ticks, written out: Plotly's default minor ticks print 0.3 as a bare "3".
LOG_TICKS = [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]

HOVER_COLUMNS = ["study", "treatment", "n", "time_reported", "outcome_definition", "value_ci", "certainty", "population"]


def value_ci_text(df: pd.DataFrame) -> pd.Series:
    """Return 'value unit (95% CI low–high)' for every row, without looping in Python over the rows."""
    value = df["value"].map("{:g}".format)
    unit = df["unit"].where(df["unit"] == "%", " " + df["unit"])
    text = value + unit
    has_ci = df["ci_low"].notna() & df["ci_high"].notna()
    level = df["ci_level"].map(lambda v: f"{v:g}% CI " if pd.notna(v) else "CI ")
    ci = " (" + level + df["ci_low"].map(lambda v: f"{v:g}" if pd.notna(v) else "") + "–" + \
        df["ci_high"].map(lambda v: f"{v:g}" if pd.notna(v) else "") + ")"
    return text + ci.where(has_ci, "")


def hover_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return df with plain-text hover columns filled (value with CI, n and time as words)."""
    out = df.copy()
    out["value_ci"] = value_ci_text(out) if len(out) else pd.Series(dtype=object)
    pooled = out["design"].isin(["meta-analysis", "network meta-analysis"]) if "design" in out else False
    n_text = out["n"].astype("object").map(lambda v: "not reported" if pd.isna(v) else f"{int(v):,}")
    # A meta-analysis's n is everyone in the pooled studies, not the size of one arm: say so.
    out["n"] = n_text.where(~(pooled & out["n"].notna()), n_text + " (all pooled participants)")
    out["time_reported"] = out["time_reported"].fillna("not time-specific")
    return out


HOVER_TEMPLATE = (
    "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
    "n = %{customdata[2]} · %{customdata[3]}<br>"
    "%{customdata[4]}<br>"
    "<b>%{customdata[5]}</b><br>"
    "Certainty: %{customdata[6]} · %{customdata[7]}<extra></extra>"
)


# The parts of Plotly's "plotly_white" template that our charts use: 2-D axes, scatter, bar and histogram traces.
# A figure carries its whole template to the browser, and the full one (7 KB, with defaults for maps, 3-D scenes,
# polar and ternary plots and twenty other trace kinds) was three quarters of a typical chart's bytes. Every kept
# value is the full template's own, so a chart looks exactly the same (tests/unit/test_charts.py holds us to both).
TEMPLATE_LAYOUT = ("annotationdefaults", "autotypenumbers", "colorway", "font", "hoverlabel", "hovermode",
                   "paper_bgcolor", "plot_bgcolor", "shapedefaults", "title", "xaxis", "yaxis")
TEMPLATE_TRACES = ("bar", "histogram", "scatter")


def _compact_template() -> go.layout.Template:
    full = pio.templates["plotly_white"]
    return go.layout.Template(layout={k: full.layout[k] for k in TEMPLATE_LAYOUT},
                              data={t: full.data[t] for t in TEMPLATE_TRACES})


TEMPLATE = _compact_template()


def _style(fig: go.Figure, title: str, height: int = 460) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 18}},
        template=TEMPLATE,
        font={"family": FONT, "size": 14, "color": "#1A1A1A"},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        # Keep the legend about 75 px under the plot whatever the figure height, clear of the x-axis title.
        legend={"title": {"text": "Treatment group"}, "orientation": "h", "yanchor": "top",
                "y": -max(0.12, 75 / max(height - 120, 100)), "x": 0},
        hoverlabel={"font": {"size": 13}},
    )
    # Hover text is built from data; Plotly renders hover as a small HTML subset, so escape it.
    for trace in fig.data:
        if trace.customdata is not None:
            trace.customdata = [[_escape(v) for v in row] for row in trace.customdata]
        trace.hovertemplate = HOVER_TEMPLATE if trace.customdata is not None else trace.hovertemplate
    return fig


def _escape(v) -> str:
    return str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _groups_in(df: pd.DataFrame) -> list[str]:
    present = set(df["treatment_group"])
    return [g for g in vocab.TREATMENT_GROUPS if g in present]


def _error_arrays(df: pd.DataFrame, value: str = "value", lo: str = "ci_low", hi: str = "ci_high"):
    plus = (df[hi] - df[value]).where(df[hi].notna())
    minus = (df[value] - df[lo]).where(df[lo].notna())
    return plus, minus


# On the onset chart the marker's fill tells the outcome: filled for response, open with a dot for remission, a
# dot on the filled mark for improvement; the group keeps its shape and colour. The key is the view's note, not
# more legend entries (on a phone the legend above the plot grew over it).
OUTCOME_KEY = "Marks: filled = response; open with a dot = remission; a white dot on the mark = improvement."
OUTCOME_MARKS = {"response": "", "remission": "-open-dot", "symptom_change": "-dot"}
OUTCOME_NAMES = {"response": "Response", "remission": "Remission", "symptom_change": "Improvement"}


def _outcome_symbol(symbol: str, outcome) -> str:
    if not isinstance(outcome, str) or outcome not in OUTCOME_MARKS or not OUTCOME_MARKS[outcome]:
        return symbol
    return symbol.replace("-open", "") + OUTCOME_MARKS[outcome]


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


def _favours_words(fig: go.Figure, low: str, high: str, y: float, width: int, line: float) -> float:
    """Say under the rows what each side of the line of no difference means ("← low", "high →"), and return the
    y units the words take.

    One text from the left edge and one from the right, stacked from `y` down, so each may use the plot's whole
    width on a phone (side by side, each had half of it and the right one was cut). `line` is one text line in y
    units.
    """
    used = 0.0
    for x, anchor, text in ((0, "left", "← " + low), (1, "right", high + " →")):
        text = _wrapped(_escape(text), width)
        fig.add_annotation(x=x, xref="paper", y=y - used, yref="y", xanchor=anchor, yanchor="top", text=text,
                           showarrow=False, align=anchor, font={"size": 12, "color": "#333333"})
        used += line * (text.count("<br>") + 1) + 0.1
    return used


def _wrapped(text: str, width: int = 48, max_lines: int | None = None) -> str:
    """Break a chart label into lines of at most `width` characters (at spaces), so it fits a 390 px phone; past
    `max_lines`, the last line kept ends at a word with "…" (the full wording is in the hover and the table)."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1] if len(lines[-1]) < width else lines[-1].rsplit(" ", 1)[0]
        lines[-1] = last.rstrip(" ·,(") + "…"
    return "<br>".join(lines)


def days_chart(df: pd.DataFrame, title: str, label_col: str = "label") -> go.Figure:
    """Return a dot chart of durations converted to days (time to response, time to relapse)."""
    d = df.assign(value=df["value_days"], ci_low=df["ci_low_days"], ci_high=df["ci_high_days"])
    return dot_ci_chart(d, title, "Days (converted from source units)", label_col=label_col)


# Two wrapped lines of 48 characters: a label is cut (with "…") only past that, never mid-word.
LABEL_MAX = 96


def _shorten(text: str, limit: int = LABEL_MAX) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ·,") + "…"


def label_rows(df: pd.DataFrame, parts: tuple[str, ...] = ("study", "treatment_group", "outcome_label"),
               with_time: bool = True) -> pd.Series:
    """Return a short, unique row label for a chart's y axis: study · group · outcome (time), cut at a word past 96.

    The full wording is in the hover and the table under the chart.
    """
    base = df[list(parts)].astype(str).agg(" · ".join, axis=1)
    if with_time and "time_reported" in df.columns:
        t = df["time_reported"].fillna("")
        base = base + t.map(lambda s: f" ({s})" if s else "")
    base = base.map(_shorten)
    # Two figures of one study and group must not collapse onto one row: tell them apart in words (the outcome, then
    # the treatment as the source names it), and only then by number, never by a raw row id.
    for extra in ("outcome_label", "treatment"):
        dup = base.duplicated(keep=False)
        if not dup.any() or extra in parts or extra not in df.columns:
            continue
        base = base.where(~dup, (base + " · " + df[extra].astype(str)).map(_shorten))
    dup = base.duplicated(keep=False)
    if dup.any():
        nth = base.groupby(base).cumcount() + 1
        base = base.where(~dup, base + " (figure " + nth.astype(str) + ")")
    return base


def alt_text(kind: str, df: pd.DataFrame, extra: str = "") -> str:
    """Return a sentence describing a chart: what it plots, how many figures, from how many sources, which groups."""
    groups = ", ".join(_groups_in(df)) or "no treatment group"
    return (f"{kind}: {vocab.counted(len(df), 'published figure')} from "
            f"{vocab.counted(df['source_id'].nunique(), 'source')}, "
            f"for {groups}. {extra}".strip())


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


class _Serialised(go.Figure):
    """A stand-in for a figure whose plain form (`to_dict`) was made once; see `serialised`."""

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def serialised(fig: go.Figure) -> go.Figure:
    """Return a figure that gives `fig`'s plain form without building it again, for drawing a shared figure.

    Turning a figure into the plain dict a page sends (validated copies, NumPy arrays as base64) cost more than any
    other step of a new session: every session re-did it for figures cached once for all of them. The dict is made
    on the first call and kept on the figure, so the figure must not be changed after it is first drawn (cached
    views are read-only; `untitled` and `for_projector` return copies). What is sent is the same JSON as from `fig`.
    """
    done = getattr(fig, "_serialised", None)
    if done is None:
        # Through JSON and back: plain lists, numbers and strings only, which the JSON writer then takes as they are
        # (NumPy object arrays of labels made it fall back to a slow cleaning pass on every send).
        done = _Serialised(json.loads(pio.to_json(fig, validate=False)))
        fig._serialised = done
    return done


def untitled(fig: go.Figure) -> go.Figure:
    """Return a copy of the figure without its title, for a page that sets the title above it as text.

    Plotly does not wrap a title, so a long one is cut off on a phone; page text wraps. Exports (briefing, PNG,
    presenter) keep the title and the legend under the plot, where a wide screen has room for both.
    """
    fig = go.Figure(fig)
    # With the title gone, the legend goes above the plot, its own title on a line of its own. On a 390 px phone
    # it wraps onto more rows and the top margin grows to hold them; under the plot it ran over the x-axis title.
    fig.update_layout(title_text="", margin_t=30,
                      legend={"y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left", "title_side": "top"})
    return fig


def for_projector(fig: go.Figure, height: int = 540) -> go.Figure:
    """Return a copy of the figure with type large enough to read from the back of a room (1366x768 projector).

    A copy, because views are cached and shared between sessions.
    """
    fig = go.Figure(fig)
    # A Plotly title never wraps: in projector type it is broken into lines here, with room above the plot for them.
    title = _wrapped(fig.layout.title.text or "", 46)
    fig.update_layout(font={"size": 19}, title={"font": {"size": 22}, "text": title}, height=height,
                      hoverlabel={"font": {"size": 18}}, legend={"font": {"size": 16}, "title_side": "top"},
                      margin_t=40 + 30 * (title.count("<br>") + 1))
    fig.update_annotations(font={"size": 17})
    rows_labelled = bool(fig.layout.yaxis.ticktext) or any(t.name == "labels" for t in fig.data)
    if rows_labelled:
        # Rows were spaced for 12 px labels: in projector type they need the height the figure asked for, scaled up.
        fig.update_layout(height=max(height, int((fig.layout.height or height) * 1.2)))
    if fig.layout.yaxis.ticktext:
        # A forest plot also gives up its legend: each row's label already names its group.
        fig.update_layout(showlegend=False)
        fig.update_yaxes(tickfont={"size": 15})
    fig.update_traces(textfont={"size": 15}, selector={"name": "labels"})
    return fig


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


def benefit_burden_chart(bb: pd.DataFrame) -> go.Figure:
    """Return one point per treatment group: median response (x) against median side-effect incidence (y), range bars."""
    fig = go.Figure()
    for r in bb.itertuples():
        fig.add_trace(go.Scatter(
            # Named by the legend (colour and shape), not by a label at the point: labels ran into each other.
            x=[r.response_median], y=[r.burden_median], mode="markers", name=r.treatment_group,
            marker={"symbol": SYMBOLS[r.treatment_group], "size": 16, "color": COLOURS[r.treatment_group]},
            error_x={"type": "data", "symmetric": False, "array": [r.response_max - r.response_median],
                     "arrayminus": [r.response_median - r.response_min], "color": COLOURS[r.treatment_group]},
            error_y={"type": "data", "symmetric": False, "array": [r.burden_max - r.burden_median],
                     "arrayminus": [r.burden_median - r.burden_min], "color": COLOURS[r.treatment_group]},
            hovertemplate=(f"<b>{_escape(r.treatment_group)}</b><br>Response: median %{{x:g}}% "
                           f"(range {r.response_min:g}–{r.response_max:g}, {r.response_figures} figures)<br>"
                           f"Side-effect incidence: median %{{y:g}}% (range {r.burden_min:g}–{r.burden_max:g}, "
                           f"{r.burden_figures} figures)<extra></extra>"),
        ))
    fig.update_xaxes(title_text="Response rate, median (%)", rangemode="tozero")
    fig.update_yaxes(title_text="Side-effect incidence, median (%)", rangemode="tozero")
    return _style(fig, "Benefit against burden (medians of study figures; bars show the range)", height=520)


def weighted_burden_chart(wb: pd.DataFrame) -> go.Figure:
    """Return horizontal bars of weighted side-effect burden per group, lowest first, colour plus pattern by family."""
    # Group names wrapped, so the longest ("Antidepressant + placebo spray") leaves the bars room on a phone.
    names = [_wrapped(g, 16) for g in wb["treatment_group"]]
    fig = go.Figure(go.Bar(
        x=wb["weighted_burden"], y=names, orientation="h",
        marker={"color": [COLOURS[g] for g in wb["treatment_group"]],
                "pattern": {"shape": [FAMILY_PATTERNS[f] for f in wb["family"]]}},
        # The score alone on the bar (a longer label ran off a phone); how many kinds it rests on is in the hover.
        text=[f"{v:.1f}" for v in wb["weighted_burden"]], textposition="outside", cliponaxis=False,
        # Hover as plain text, not customdata: _style gives every trace with customdata the figure-row template.
        hovertext=[f"{_escape(g)}: weighted burden {v:.1f}, from {k} of the {n} kinds weighted" for g, v, k, n in
                   zip(wb["treatment_group"], wb["weighted_burden"], wb["categories_with_data"],
                       wb["categories_weighted"])],
        hovertemplate="%{hovertext}<extra></extra>",
    ))
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], title_text=None)
    # Room past the longest bar for its score, which would otherwise run off a phone's screen.
    fig.update_xaxes(title_text="Weighted incidence (%)", range=[0, max(1.0, wb["weighted_burden"].max()) * 1.25])
    return _style(fig, "Side-effect burden weighted by what matters to you (lower is lighter)",
                  height=max(300, 120 + 45 * len(wb)))


TIMELINE_SYMBOLS = ("circle-open", "diamond-open", "square")  # onset (two kinds) open, durability filled
DAY_TICKS = [0.25, 1, 3, 7, 14, 28, 56, 112, 224, 365]
DAY_TICK_TEXT = ["6 h", "1 d", "3 d", "1 wk", "2 wk", "4 wk", "8 wk", "16 wk", "32 wk", "1 yr"]


def timeline_chart(rows: pd.DataFrame, kinds: tuple[str, ...]) -> go.Figure:
    """Return one row per treatment group on a log time axis (days): onset figures open, durability figures filled.

    Symbol (and fill) tells the kind of figure; colour and the row label tell the group.
    """
    d = hover_frame(rows)
    groups = list(dict.fromkeys(d["treatment_group"]))
    fig = go.Figure()
    for kind, symbol in zip(kinds, TIMELINE_SYMBOLS):
        sub = d[d["kind"] == kind]
        if sub.empty:
            continue
        colours = [COLOURS.get(g, "#444444") for g in sub["treatment_group"]]
        fig.add_trace(go.Scatter(
            x=sub["days"], y=sub["treatment_group"], mode="markers", name=kind, legendgroup=kind, showlegend=False,
            marker={"symbol": symbol, "size": 15, "color": colours, "line": {"width": 2.5, "color": colours}},
            customdata=sub[HOVER_COLUMNS].to_numpy(), hovertemplate=HOVER_TEMPLATE,
        ))
        # The legend explains the symbol only, in a neutral grey, since colour here follows the group on each row.
        # Kind names are long: wrapped, so a phone's legend shows them whole rather than cut at the right edge.
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=_wrapped(kind, 34),
                                 legendgroup=kind, hoverinfo="skip",
                                 marker={"symbol": symbol, "size": 13, "color": "#333333",
                                         "line": {"width": 2.5, "color": "#333333"}}))
    fig.update_xaxes(type="log", title_text="Days (log scale)",
                     tickvals=DAY_TICKS, ticktext=DAY_TICK_TEXT)
    fig.update_yaxes(categoryorder="array", categoryarray=groups[::-1], title_text=None)
    fig = _style(fig, "When benefit is first reported, and how long it lasts", height=max(320, 170 + 48 * len(groups)))
    fig.update_layout(legend_title_text="Kind of figure")
    return fig


# ---------------------------------------------------------------- forest plots (comparison sets)

SIDE_HEADERS = {"ketamine": "Ketamine", "traditional": "Traditional antidepressants"}
POOL_COLOUR = "#1A1A1A"
FAVOURS_LINE = 0.6  # y units one line of the "favours" words takes (a unit is about 30 px high)


def _fmt_value(measure: str, v) -> str:
    if v is None or pd.isna(v):
        return "–"
    return f"{v:.2f}" if measure in ("risk ratio", "odds ratio", "hazard ratio") else f"{v:.1f}"


def _interval(measure: str, lo, hi) -> str:
    if lo is None or pd.isna(lo):
        return "no CI given"
    return f"{_fmt_value(measure, lo)} to {_fmt_value(measure, hi)}"


def forest_rows(result, compact: bool = False) -> pd.DataFrame:
    """Return the rows a forest plot draws, top to bottom: a header per side, its studies, its pooled result.

    `compact` keeps what a headline needs: per side, the pooled result, or its study or published figures.
    """
    from .synthesis import SIDES, summary

    measure = result.spec["measure"]
    out = []
    for side in SIDES:
        s = result.sides[side]
        out.append({"kind": "header", "label": f"<b>{SIDE_HEADERS[side]}</b>", "side": side})
        if s.kind == "none":
            out.append({"kind": "missing", "label": "no figure in this selection", "side": side})
            continue
        if not (compact and s.kind == "pooled"):
            for r in s.effects.to_dict("records"):
                # "Xu 2016 meta-analysis" says it all; "Daly 2019 · SUSTAIN-1 stable remitters" needs both.
                name = (r["sample"] if r["sample"].split()[0] == r["study"].split()[0]
                        else f"{r['study']} · {r['sample']}")
                detail = " · ".join(p for p in (r["group"], r["n_text"]) if p)
                out.append({"kind": "published" if r["published_pool"] else "study", "side": side,
                            "name": name, "n_text": r["n_text"], "time": r["time_reported"],
                            "label": f"{name}<br>{detail}", "group": r["group"], "value": r["value"],
                            "ci_low": r["ci_low"], "ci_high": r["ci_high"], "weight": r.get("weight"),
                            "text": f"{_fmt_value(measure, r['value'])} ({_interval(measure, r['ci_low'], r['ci_high'])})",
                            "how": r["how"], "certainty": r["certainty"]})
        if s.kind == "pooled":
            sm = summary(s, measure)
            groups = ", ".join(s.groups)
            out.append({"kind": "pooled", "side": side, "label": f"Pooled, {s.pooled.k} studies<br>{groups}",
                        "group": s.groups[0], "value": sm["value"], "ci_low": sm["ci_low"], "ci_high": sm["ci_high"],
                        "pi_low": sm["pi_low"], "pi_high": sm["pi_high"],
                        "text": f"{_fmt_value(measure, sm['value'])} ({_interval(measure, sm['ci_low'], sm['ci_high'])})",
                        "how": sm["basis"], "certainty": s.certainty})
    df = pd.DataFrame(out)
    # Each row gets vertical room for its label's lines, so wrapped labels never run into the next row.
    df["tick"] = [_wrapped_lines(t, 30) for t in df["label"]]
    lines = df["tick"].str.count("<br>") + 1
    step = lines.where(df["kind"] != "header", 1).astype(float) * 0.5 + 0.5
    df["y"] = -(step.cumsum() - step / 2).to_numpy(dtype=float)
    df["step"] = step
    for col in ("value", "ci_low", "ci_high", "pi_low", "pi_high", "weight"):
        if col not in df.columns:
            df[col] = float("nan")
    return df


def _hover(rows: pd.DataFrame) -> list[str]:
    """Hover text for forest rows: study and sample, group, n, time point, value with CI, how it was got, certainty."""
    return [f"<b>{_escape(r.name)}</b><br>{_escape(r.group)} · n = {_escape(r.n_text.removeprefix('n ') or 'not reported')}"
            f"{' · ' + _escape(r.time) if r.time else ''}<br><b>{_escape(r.text)}</b><br>{_escape(r.how)}<br>"
            f"Certainty: {_escape(r.certainty)}" for r in rows.itertuples()]


def _wrapped_lines(text: str, width: int) -> str:
    """Wrap each <br>-separated part of a label at `width` characters."""
    return "<br>".join(_wrapped(p, width) for p in text.split("<br>"))


def forest_chart(result, compact: bool = False, title: str | None = None) -> go.Figure:
    """Return a forest plot of a comparison set: one labelled row per study (square sized by weight), a diamond for
    each pooled result with its prediction interval, the line of no effect, and what each side of it favours."""
    spec = result.spec
    measure = spec["measure"]
    rows = forest_rows(result, compact)
    log_x = measure in ("risk ratio", "odds ratio", "hazard ratio")
    null = {"risk difference": 0.0}.get(measure, 1.0 if log_x else None)
    fig = go.Figure()
    drawn = rows[rows["kind"].isin(["study", "published", "pooled"])]
    # Studies: squares sized by their weight in the pool (a fixed size where nothing is pooled).
    studies = rows[rows["kind"] == "study"]
    for group in [g for g in vocab.TREATMENT_GROUPS if g in set(studies.get("group", []))]:
        g = studies[studies["group"] == group]
        sizes = [9 + 18 * (w ** 0.5) if pd.notna(w) else 12 for w in g["weight"]]
        fig.add_trace(go.Scatter(
            x=g["value"], y=g["y"], mode="markers", name=group, legendgroup=group,
            marker={"symbol": "square", "size": sizes, "color": COLOURS.get(group, "#444444"),
                    "line": {"width": 1, "color": "#FFFFFF"}},
            error_x={"type": "data", "array": (g["ci_high"] - g["value"]).tolist(),
                     "arrayminus": (g["value"] - g["ci_low"]).tolist(), "thickness": 1.6, "width": 4,
                     "color": COLOURS.get(group, "#444444")},
            hovertext=_hover(g), hovertemplate="%{hovertext}<extra></extra>",
        ))
    # Published pooled estimates (pooled by their authors): an open diamond with its interval.
    pub = rows[rows["kind"] == "published"]
    if not pub.empty:
        fig.add_trace(go.Scatter(
            x=pub["value"], y=pub["y"], mode="markers", name="Pooled by its review",
            marker={"symbol": "diamond-wide-open", "size": 16, "color": POOL_COLOUR, "line": {"width": 2.5}},
            error_x={"type": "data", "array": (pub["ci_high"] - pub["value"]).tolist(),
                     "arrayminus": (pub["value"] - pub["ci_low"]).tolist(), "thickness": 1.6, "width": 4,
                     "color": POOL_COLOUR},
            hovertext=_hover(pub), hovertemplate="%{hovertext}<extra></extra>",
        ))
    # Pooled here: a filled diamond spanning the 95% CI, and the prediction interval as a dashed line through it.
    pooled = rows[rows["kind"] == "pooled"]
    pi_shown = False
    for i, r in enumerate(pooled.itertuples()):
        fig.add_trace(go.Scatter(
            x=[r.ci_low, r.value, r.ci_high, r.value, r.ci_low], y=[r.y, r.y + 0.28, r.y, r.y - 0.28, r.y],
            mode="lines", fill="toself", fillcolor=POOL_COLOUR, line={"color": POOL_COLOUR, "width": 1},
            name="Pooled here (95% CI)", legendgroup="pooled", showlegend=i == 0,
            hovertext=_escape(f"{r.text} — {r.how}; {r.certainty} certainty"), hoverinfo="text", hoveron="fills+points",
        ))
        if pd.notna(r.pi_low):
            fig.add_trace(go.Scatter(
                x=[r.pi_low, r.pi_high], y=[r.y, r.y], mode="lines+markers",
                line={"color": POOL_COLOUR, "width": 1.5, "dash": "dash"},
                marker={"symbol": "line-ns-open", "size": 12, "color": POOL_COLOUR},
                name="Prediction interval", legendgroup="pi", showlegend=not pi_shown,
                hovertext=_escape(f"Prediction interval {_interval(measure, r.pi_low, r.pi_high)}: where a new "
                                  "study's true effect would probably lie"), hoverinfo="text",
            ))
            pi_shown = True
    favours = null is not None and bool(spec.get("low_label")) and bool(spec.get("high_label"))
    y_top = 0.3
    y_rows_end = float((rows["y"] - rows["step"] / 2).min())
    favours_room = 0.0
    if favours:
        # Paper x for the words (the line is at the middle), so they stay right on log axes too.
        favours_room = 0.15 + _favours_words(fig, spec["low_label"], spec["high_label"], y=y_rows_end - 0.15,
                                             width=22, line=FAVOURS_LINE)
    y_bottom = y_rows_end - (favours_room or 0.2)
    values = pd.concat([drawn["value"], drawn["ci_low"], drawn["ci_high"], drawn["pi_low"], drawn["pi_high"]]).dropna()
    if null is not None:
        fig.add_trace(go.Scatter(x=[null, null], y=[y_top, y_rows_end], mode="lines", hoverinfo="skip",
                                 line={"color": "#444444", "width": 1.2}, name="No difference", showlegend=False))
    # The line of no difference sits in the middle, so "favours" reads the same way on every chart.
    if log_x:
        reach = max(abs(math.log10(max(v, 1e-3))) for v in values) if len(values) else 1
        reach = max(reach * 1.12, math.log10(2))
        lo, hi = 10 ** -reach, 10 ** reach
        ticks = [t for t in LOG_TICKS if lo <= t <= hi]
        fig.update_xaxes(type="log", range=[-reach, reach], tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    elif null is not None:
        reach = max(abs(values).max() * 1.12, 5) if len(values) else 5
        fig.update_xaxes(range=[-reach, reach], zeroline=False)
    else:
        span = values.max() - values.min() if len(values) else 1
        fig.update_xaxes(range=[max(0, values.min() - 0.1 * span - 2), min(100, values.max() + 0.1 * span + 2)],
                         zeroline=False)
    fig.update_yaxes(tickvals=rows["y"].tolist(), ticktext=rows["tick"].tolist(), range=[y_bottom, y_top],
                     showgrid=False, zeroline=False, automargin=True, tickfont={"size": 12})
    n_rows = float(rows["step"].sum()) + favours_room
    x_title = {"risk ratio": "Risk ratio (log scale)", "odds ratio": "Odds ratio (log scale)",
               "hazard ratio": "Hazard ratio (log scale)", "risk difference": "Difference per 100",
               "proportion": "Patients (%)"}[measure]
    fig.update_xaxes(title_text=x_title, showgrid=True)
    fig = _style(fig, title if title is not None else spec["title"], height=int(170 + 30 * n_rows))
    # Room on the right for the arrow that ends the right-hand words.
    fig.update_layout(legend_title_text="", margin_r=24)
    return fig


def profile_chart(prof: pd.DataFrame) -> go.Figure:
    """Return the side-effect profile: one row per effect, one marker per treatment group (median incidence, bars
    from the lowest to the highest figure), so ketamine, esketamine, SSRIs, SNRIs and controls read across a row."""
    effects = list(dict.fromkeys(prof["effect"]))
    row_of = {e: len(effects) - 1 - i for i, e in enumerate(effects)}  # first effect at the top
    groups = [g for g in vocab.TREATMENT_GROUPS if g in set(prof["treatment_group"])]
    fig = go.Figure()
    for k, group in enumerate(groups):
        g = prof[prof["treatment_group"] == group]
        # Each group a little above or below the effect's line, so ranges on one row do not lie on each other.
        offset = (k - (len(groups) - 1) / 2) * min(0.09, 0.8 / max(len(groups), 1))
        hover = [f"<b>{_escape(r.effect)} · {_escape(group)}</b><br>median {r.median:g}% of "
                 f"{vocab.counted(int(r.figures), 'figure')} (range {r.lowest:g}–{r.highest:g}%)"
                 + (f"<br>{r.difference_vs_control:+g} points against the control arm of the same source"
                    if pd.notna(r.difference_vs_control) else "") + f"<br>{_escape(r.sources)}"
                 for r in g.itertuples()]
        fig.add_trace(go.Scatter(
            x=g["median"], y=[row_of[e] + offset for e in g["effect"]], mode="markers", name=_wrapped(group, 18),
            legendgroup=group,
            marker={"symbol": SYMBOLS[group], "size": 12, "color": COLOURS[group], "line": {"width": 1, "color": "#FFFFFF"}},
            error_x={"type": "data", "array": (g["highest"] - g["median"]).tolist(),
                     "arrayminus": (g["median"] - g["lowest"]).tolist(), "thickness": 1.2, "width": 3,
                     "color": COLOURS[group], "visible": bool((g["highest"] > g["lowest"]).any())},
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        ))
    fig.update_yaxes(tickvals=[row_of[e] for e in effects], ticktext=effects, title_text=None, automargin=True,
                     tickfont={"size": 13}, range=[-0.6, len(effects) - 0.4], zeroline=False)
    top = max(10, prof["highest"].max() * 1.08)
    # A little room left of 0, so a mark at 0% stays inside the plot instead of sitting on its row's name.
    fig.update_xaxes(title_text="Patients reporting it (%)", range=[-0.03 * top, top])
    return _style(fig, "Side-effect profile: median reported incidence by effect and group", height=190 + 40 * len(effects))


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
