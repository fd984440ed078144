"""Forest plots of the comparison sets: one labelled row per study, diamonds for pools, the line of no effect and
what each side of it favours.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from .base import COLOURS, LOG_TICKS, ROW_LABELLED, _escape, _favours_words, _style, _wrapped

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
    from ..comparison_sets import comparator_name
    from ..synthesis import summary

    measure = result.spec["measure"]
    out = []
    for side, s in result.sides.items():
        # A head-to-head set has one section, named by its comparator ("Ketamine against electroconvulsive therapy").
        header = SIDE_HEADERS.get(side) or f"Ketamine against {comparator_name(result.spec)}"
        out.append({"kind": "header", "label": f"<b>{_escape(header)}</b>", "side": side})
        if s.kind == "none":
            out.append({"kind": "missing", "side": side, "label": "no figure in the data" if not s.curated
                        else "no figure in this selection"})
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
                            "how": r["how"], "certainty": r["certainty"], "read_in": r.get("read_in", "")})
        if s.kind == "pooled":
            sm = summary(s, measure)
            groups = ", ".join(s.groups)
            out.append({"kind": "pooled", "side": side, "label": f"Pooled, {s.pooled.k} studies<br>{groups}",
                        "group": s.groups[0], "value": sm["value"], "ci_low": sm["ci_low"], "ci_high": sm["ci_high"],
                        "pi_low": sm["pi_low"], "pi_high": sm["pi_high"],
                        "text": f"{_fmt_value(measure, sm['value'])} ({_interval(measure, sm['ci_low'], sm['ci_high'])})",
                        "how": sm["basis"], "certainty": s.certainty})
    ind = result.indirect
    if ind is not None and not compact:
        out.append({"kind": "header", "label": "<b>Indirect, not randomised</b>", "side": "indirect"})
        out.append({"kind": "indirect", "side": "indirect", "name": "Ketamine against traditional",
                    "label": "Ketamine against traditional<br>through the common comparator", "group": "",
                    "n_text": "", "time": "", "value": ind.value, "ci_low": ind.ci_low, "ci_high": ind.ci_high,
                    "text": f"{_fmt_value(measure, ind.value)} ({_interval(measure, ind.ci_low, ind.ci_high)})",
                    "how": "indirect comparison (Bucher), not randomised", "certainty": ind.certainty})
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
            f"Certainty: {_escape(r.certainty)}"
            + (f"<br>Read in: {_escape(r.read_in)}" if isinstance(getattr(r, "read_in", ""), str) and r.read_in else "")
            for r in rows.itertuples()]


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
    drawn = rows[rows["kind"].isin(["study", "published", "pooled", "indirect"])]
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
    # The indirect comparison: a grey open circle with a dashed interval, apart from every randomised row.
    ind = rows[rows["kind"] == "indirect"]
    if not ind.empty:
        fig.add_trace(go.Scatter(
            x=ind["value"], y=ind["y"], mode="markers", name="Indirect (not randomised)",
            marker={"symbol": "circle-open", "size": 13, "color": "#666666", "line": {"width": 2.5}},
            error_x={"type": "data", "array": (ind["ci_high"] - ind["value"]).tolist(),
                     "arrayminus": (ind["value"] - ind["ci_low"]).tolist(), "thickness": 1.6, "width": 4,
                     "color": "#666666"},
            hovertext=_hover(ind), hovertemplate="%{hovertext}<extra></extra>",
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
    fig.update_layout(legend_title_text="", margin_r=24, meta=ROW_LABELLED)
    return fig
