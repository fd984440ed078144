"""One-click briefing: the current view as a self-contained HTML file (works offline) and as a spreadsheet-safe CSV."""

import streamlit as st

from ketamine_evidence import briefing, ui
from ketamine_evidence.vocab import DIMENSION_LABELS


@st.cache_data(max_entries=8, show_spinner=False)
def _briefing_html(_rows, rows_key: tuple, _sources, meta_version: str, filters_text: str, link: str, meta: dict) -> str:
    return briefing.build_html(_rows, _sources, meta, filters_text, link)


def body(ctx: ui.Context) -> None:
    filters_text = briefing.describe_filters(ctx.filters)
    link = ui.share_link(ui.filters_to_params(ctx.filters))
    st.subheader("Briefing for the current view")
    st.text(f"View: {filters_text}")
    st.text(f"{len(ctx.rows)} figures from {ctx.rows['source_id'].nunique()} sources, data version {ctx.meta.get('version')}.")
    if ctx.rows.empty:
        ui.empty("figures", ctx)
        return
    for dim, _ in briefing.SECTIONS:
        rows = ctx.rows[ctx.rows["dimension"] == dim]
        if not rows.empty:
            st.text(f"{DIMENSION_LABELS[dim]}: {briefing.certainty_sentence(rows)}")
    with st.spinner("Building the briefing…"):
        html_doc = _briefing_html(ctx.rows, tuple(ctx.rows["row_id"]), ctx.sources, ctx.meta.get("version", ""),
                                  filters_text, link, ctx.meta)
    st.download_button("Download briefing (HTML, works offline, interactive charts)", data=html_doc.encode("utf-8"),
                       file_name=f"ketamine_briefing_data_{ctx.meta.get('version', '')}.html", mime="text/html",
                       key="briefing_html", type="primary", icon=":material/download:")
    ui.download_csv(ctx.rows.drop(columns=["citation"], errors="ignore"), "Download the figures (CSV, spreadsheet-safe)",
                    "ketamine_briefing_figures.csv", key="briefing_csv")
    st.caption("Each chart in the briefing has a camera button that saves it as a PNG. The HTML file holds its own "
               "chart library, so it opens without an internet connection.")


ui.run_page("Briefing", "A quick, cited summary of the current view to download.", body)
