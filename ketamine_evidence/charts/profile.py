"""Side-effect charts: the harm profile of the comparison sets.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from .base import COLOURS, ROW_LABELLED, SYMBOLS, _escape, _favours_words, _style, _wrapped


def harm_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Return the harm profile's rows top to bottom: a bold header per harm, then one labelled line per figure (or
    per side with no figure), each with its y position."""
    out, y = [], 0.0
    for harm in dict.fromkeys(table["harm"]):
        out.append({"kind": "header", "label": f"<b>{_escape(harm[0].upper() + harm[1:])}</b>", "y": y})
        y -= 0.8
        for r in table[table["harm"] == harm].to_dict("records"):
            if pd.isna(r["value"]):
                label = f"{r['side']}: {r['note']}"
                out.append({**r, "kind": "missing", "label": _wrapped(_escape(label), 30), "y": y})
            else:
                out.append({**r, "kind": "figure", "y": y,
                            "label": _wrapped(_escape(f"{r['group']} · {r['figure']}"), 30)})
            y -= 0.55 + 0.3 * out[-1]["label"].count("<br>")
        y -= 0.15
    return pd.DataFrame(out)


def harm_profile_chart(table: pd.DataFrame) -> go.Figure:
    """Return the harm profile: a header per harm (the first at the top), under it one labelled line per figure,
    ketamine first, each marker the extra patients per 100 against the control arm of the same trials with its 95% CI;
    a side with no figure is a line that says so."""
    rows = harm_rows(table)
    fig = go.Figure()
    drawn = rows[rows["kind"] == "figure"]
    for group in [g for g in vocab.TREATMENT_GROUPS if g in set(drawn["group"])]:
        g = drawn[drawn["group"] == group]
        hover = [f"<b>{_escape(r.harm)}</b> · {_escape(r.side)}<br>{_escape(r.figure)} · n = "
                 f"{_escape(r.n.removeprefix('n ') or 'not reported')}<br>{r.value:+.1f} per 100 "
                 f"(95% CI {r.ci_low:+.1f} to {r.ci_high:+.1f})" + (f"<br>{_escape(r.arms)}" if r.arms else "")
                 + f"<br>Certainty: {_escape(r.certainty)}"
                 + (f"<br>Read in: {_escape(r.read_in)}" if isinstance(getattr(r, "read_in", None), str) and r.read_in
                    else "") for r in g.itertuples()]
        fig.add_trace(go.Scatter(
            x=g["value"], y=g["y"], mode="markers", name=_wrapped(group, 18), legendgroup=group,
            marker={"symbol": SYMBOLS[group], "size": 12, "color": COLOURS[group], "line": {"width": 1, "color": "#FFFFFF"}},
            error_x={"type": "data", "array": (g["ci_high"] - g["value"]).tolist(),
                     "arrayminus": (g["value"] - g["ci_low"]).tolist(), "thickness": 1.6, "width": 4,
                     "color": COLOURS[group]},
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        ))
    values = pd.concat([drawn["ci_low"], drawn["ci_high"]]).dropna()
    reach = max(10.0, float(values.abs().max()) * 1.1) if len(values) else 10.0
    y_end = float(rows["y"].min()) - 0.3
    room = _favours_words(fig, "fewer on the treatment", "more on the treatment", y=y_end - 0.1, width=22, line=0.35)
    fig.add_trace(go.Scatter(x=[0, 0], y=[0.3, y_end], mode="lines", hoverinfo="skip", showlegend=False,
                             line={"color": "#444444", "width": 1.2}, name="No difference"))
    fig.update_yaxes(tickvals=rows["y"].tolist(), ticktext=rows["label"].tolist(), range=[y_end - room - 0.15, 0.35],
                     showgrid=False, zeroline=False, automargin=True, tickfont={"size": 12})
    # The line of no difference in the middle, so "fewer" and "more" read the same way as on every forest plot.
    fig.update_xaxes(title_text="Extra per 100", range=[-reach, reach], zeroline=False)
    span = 0.35 - (y_end - room - 0.15)
    fig = _style(fig, "The harms that define each treatment (extra per 100 against control)",
                 height=int(190 + 62 * span))
    fig.update_layout(legend_title_text="Treatment group", meta=ROW_LABELLED)
    return fig
