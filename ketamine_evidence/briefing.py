"""One-click briefing: a self-contained HTML file (interactive charts, works offline) built from the current view.

No Streamlit. Every number in it comes from the rows passed in; every data string is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import tempfile
import zipfile

import pandas as pd
import plotly.io as pio

from . import evidence as ev, findings, views
from .vocab import DIMENSION_LABELS

# Each section opens with its side-by-side answer (a comparison set), then the figures behind the wider picture.
SECTIONS = (
    ("onset", ("answer_onset", "onset_course", "onset_ttr")),
    ("durability", ("answer_durability", "durability_relapse", "durability_days")),
    ("non_response", ("answer_non_response", "response_rates", "treatment_steps")),
    ("side_effects", ("answer_side_effects", "side_incidence", "side_stop")),
)


def key_points(rows: pd.DataFrame) -> list[dict]:
    """Return the briefing's key points: each row of the summary of findings, its plain answer, GRADE's sentence, its
    certainty and what it rests on (a pool computed here is said to be pooled here, with its trials)."""
    table = findings.summary_of_findings(rows)
    return [{"dimension": DIMENSION_LABELS[r["dimension"]], "title": r["outcome"], "sentence": r["plain"],
             "technical": r["technical"], "certainty": r["certainty"], "why": r["why"], "sources": r["sources"] or "none",
             "read_in": r["read_in"], "comparable": not r["missing"]} for r in table.to_dict("records")]


def certainty_lines(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Return (question, certainty of each of its outcomes with GRADE's reasons), in the briefing's order: judged for
    each body of evidence, never a median of the rows' ratings."""
    table = findings.summary_of_findings(rows)
    lines = []
    for dim, _ in SECTIONS:
        sub = table[table["dimension"] == dim]
        if not sub.empty:
            lines.append((dim, " ".join(f"{r['outcome']}: {r['certainty']}." for r in sub.to_dict("records"))))
    return lines


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def build_html(rows: pd.DataFrame, sources: pd.DataFrame, meta: dict, filters_text: str, link: str,
               created: dt.date | None = None) -> str:
    """Return the briefing as one self-contained HTML document (plotly.js inlined once, no external requests)."""
    created = created or dt.date.today()
    parts: list[str] = []
    first_chart = True
    certainty = dict(certainty_lines(rows))
    for dim, names in SECTIONS:
        parts.append(f"<section><h2>{_e(DIMENSION_LABELS[dim])}</h2>")
        parts.append(f"<p class='certainty'>How sure (GRADE): {_e(certainty[dim])}</p>" if dim in certainty
                     else "<p>No outcome of the summary of findings for this question matches the current view.</p>")
        for name in names:
            v = views.REGISTRY[name](rows)
            if v.empty:
                if name.startswith("answer_"):  # no like-for-like comparison: say why, draw nothing
                    parts.append(f"<h3>{_e(v.heading)}</h3><p class='warning'>{_e(v.message)}</p>")
                continue
            parts.append(f"<h3>{_e(v.heading)}</h3><p class='message'>{_e(v.message)}</p>")
            if v.warnings:
                parts.append(f"<p class='warning'>Not like-for-like: {_e('; '.join(v.warnings))}.</p>")
            # As on the pages: the title is text that wraps on a phone, and the legend sits above the plot.
            parts.append(f"<p class='chart-title'>{_e(v.title)}</p>")
            div = pio.to_html(v.screen_fig, full_html=False, include_plotlyjs=first_chart,
                              config={"displaylogo": False, "responsive": True})
            first_chart = False
            parts.append(f"<figure role='img' aria-label='{_e(v.alt)}'>{div}<figcaption>{_e(v.alt)}</figcaption></figure>")
        parts.append("</section>")

    points = "".join(f"<li><b>{_e(p['title'])}</b> ({_e(p['dimension'])}): {_e(p['sentence'])}<br>"
                     f"<small>{_e(p['technical'])} <i>Rests on: {_e(p['sources'])}.</i> "
                     f"<i>Read in: {_e(p['read_in'] or 'none')}.</i> {_e(p['why'])}</small></li>"
                     for p in key_points(rows))
    from .changes import latest_changes

    changes = latest_changes()
    changed = ""
    if changes is not None:
        changed = (f"<p><b>What changed in data version {_e(changes.version)}"
                   f"{' (since ' + _e(changes.previous) + ')' if changes.previous else ''}:</b> "
                   f"{_e('; '.join(changes.topics))}. The data changelog says more.</p>")
    used = sources[sources["source_id"].isin(set(rows["source_id"]))].sort_values("short_citation")
    refs = []
    for s in used.itertuples():
        ident = f"doi:{s.doi}" if isinstance(s.doi, str) else (f"PMID {s.pmid}" if isinstance(s.pmid, str) else s.other_id)
        link_to = ev.source_link(s.doi, s.pmid, s.url)
        refs.append(f"<li id='src-{_e(s.source_id)}'><b>{_e(s.short_citation)}</b>. {_e(s.citation)} "
                    f"<a href='{_e(link_to)}'>{_e(ident)}</a></li>")
    version = meta.get("version", "?")
    local = _local(link)
    where = (" (an address on the computer that made this file: it opens only where the dashboard is served)"
             if local else "")
    cite = (f"Ketamine vs traditional antidepressants evidence dashboard, data version {version}. "
            + (f"View: {link}. " if not local else "") + f"Accessed {created.isoformat()}.")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Briefing: ketamine vs traditional antidepressants (data {_e(version)})</title>
<style>
body {{ font-family: system-ui, Arial, sans-serif; color: #1a1a1a; max-width: 1000px; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
h1 {{ font-size: 1.8rem; }} h2 {{ border-bottom: 2px solid #005A9C; padding-bottom: .2rem; margin-top: 2.5rem; }}
.notice {{ background: #eef4fb; border-left: 4px solid #005A9C; padding: .6rem 1rem; }}
.warning {{ background: #fff6e0; border-left: 4px solid #8C6D00; padding: .4rem .8rem; }}
.certainty {{ font-style: italic; }} figure {{ margin: 1rem 0; }} figcaption {{ font-size: .85rem; color: #555; }}
code {{ background: #f2f4f7; padding: .1rem .3rem; }} .chart-title {{ font-weight: 600; margin: 1rem 0 0; }}
</style></head><body>
<h1>Briefing: ketamine vs traditional antidepressants</h1>
<p class="notice">This briefing summarises published research to inform. It does not give medical advice.</p>
<p><b>Data version:</b> {_e(version)} · <b>Generated:</b> {_e(created.isoformat())} · <b>Figures:</b> {len(rows)} from {rows['source_id'].nunique()} sources</p>
{changed}
<p><b>View:</b> {_e(filters_text)}<br><b>Link to this view:</b> <code>{_e(link)}</code>{_e(where)}</p>
<p><b>How to read it:</b> the key points are the summary of findings: randomised head-to-head trials first, then each side against its own control, an indirect comparison only where the control is common (labelled "not randomised"). Each gives people per 100 where the trials' arms allow, then GRADE's sentence with the figures. A pool computed here says "pooled here from" its trials. {_e(findings.CERTAINTY_KEY)}</p>
<section><h2>Key points: summary of findings</h2><ul class="points">{points}</ul></section>
{''.join(parts)}
<section><h2>Sources</h2><ol>{''.join(refs)}</ol></section>
<section><h2>Suggested citation</h2><p>{_e(cite)}</p></section>
</body></html>"""


def _local(link: str) -> bool:
    """Whether a link points at this computer (a local run), so a reader elsewhere could not open it."""
    from urllib.parse import urlsplit

    return (urlsplit(link).hostname or "") in ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def describe_filters(f: ev.Filters) -> str:
    """Return the active filters in words ('All figures' when none)."""
    labels = {"populations": "population", "groups": "treatment groups", "drugs": "named treatments",
              "designs": "designs", "certainty": "certainty", "routes": "routes", "regimens": "regimens"}
    parts = [f"{labels[k]}: {', '.join(getattr(f, k))}" for k in labels if getattr(f, k)]
    if f.years:
        parts.append(f"published {f.years[0]}–{f.years[1]}")
    return "; ".join(parts) if parts else "All figures (no filters)"


def briefing_views(rows: pd.DataFrame) -> list[views.View]:
    """Return the briefing's charts for these rows, in section order, leaving out the empty ones."""
    out = []
    for _, names in SECTIONS:
        for name in names:
            v = views.REGISTRY[name](rows)
            if not v.empty:
                out.append(v)
    return out


PNG_WIDTH = 1200


def png_zip(rows: pd.DataFrame, version: str, link: str) -> bytes:
    """Return a zip of the briefing's charts as PNG files, with a text file giving each chart's alt text and sources.

    Drawn by Kaleido in a headless Chromium (the system's own). Raises RuntimeError with a plain sentence when no
    browser is available to draw them.
    """
    charts = briefing_views(rows)
    if not charts:
        raise RuntimeError("No chart of the briefing has figures in the current view, so there are no images to make.")
    with tempfile.TemporaryDirectory(prefix="briefing_png_") as tmp:
        paths = [os.path.join(tmp, f"{i + 1:02d}_{v.name}.png") for i, v in enumerate(charts)]
        try:
            pio.write_images([v.fig for v in charts], paths, format="png", width=PNG_WIDTH,
                             height=[int(v.fig.layout.height or 500) for v in charts], scale=1.5)
        except Exception as err:  # noqa: BLE001 - Kaleido raises several kinds when Chromium is missing or fails
            raise RuntimeError("The charts could not be drawn as images on this server: it needs a headless Chromium, "
                               "which did not start. Each chart's camera button saves it as a PNG instead.") from err
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            notes = [f"Charts from the ketamine vs traditional antidepressants evidence dashboard, data version "
                     f"{version}.", f"View: {link}", ""]
            for path, v in zip(paths, charts):
                zf.write(path, os.path.basename(path))
                notes += [os.path.basename(path), f"  {v.heading}", f"  Description: {v.alt}", "  Sources:"]
                notes += [f"    {c}" for c in sorted(set(v.rows["citation"].dropna()))] + [""]
            zf.writestr("README.txt", "\n".join(notes))
    return buf.getvalue()
