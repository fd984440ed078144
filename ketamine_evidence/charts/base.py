"""Shared pieces of every chart: the treatment colours and symbols, the compact template and style, hover and
alt text, row labels, and the figure wrappers the pages send (serialised, untitled, for a projector).
"""

from __future__ import annotations

import json
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from .. import vocab
from ..evidence import read_in

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

HOVER_COLUMNS = [
    "study", "treatment", "n", "time_reported", "outcome_definition", "value_ci", "certainty", "population", "read_in",
]


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
    pooled = out["design"].isin(vocab.REVIEW_DESIGNS) if "design" in out else False
    n_text = out["n"].astype("object").map(lambda v: "not reported" if pd.isna(v) else f"{int(v):,}")
    # A meta-analysis's n is everyone in the pooled studies, not the size of one arm: say so.
    out["n"] = n_text.where(~(pooled & out["n"].notna()), n_text + " (all pooled participants)")
    out["time_reported"] = out["time_reported"].fillna("not time-specific")
    if "read_in" not in out:
        out["read_in"] = read_in(out)
    return out


HOVER_TEMPLATE = (
    "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
    "n = %{customdata[2]} · %{customdata[3]}<br>"
    "%{customdata[4]}<br>"
    "<b>%{customdata[5]}</b><br>"
    "Certainty: %{customdata[6]} · %{customdata[7]}<br>"
    "Read in: %{customdata[8]}<extra></extra>"
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


# Marks a chart whose rows are labelled on the y axis (forest plots, the harm profile), so the browser tests can find
# every such answer chart and check each label is drawn whole.
ROW_LABELLED = {"rows": "labelled"}


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
