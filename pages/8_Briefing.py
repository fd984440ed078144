"""One-click briefing: the current view as a self-contained HTML file (works offline) and as a spreadsheet-safe CSV."""

import streamlit as st

from ketamine_evidence import briefing, findings, ui
from ketamine_evidence.vocab import DIMENSION_LABELS, counted


@st.cache_data(max_entries=4, show_spinner=False)
def _png_zip(_rows, rows_key: tuple, version: str, link: str) -> bytes:
    return briefing.png_zip(_rows, version, link)


def body(ctx: ui.Context) -> None:
    filters_text = briefing.describe_filters(ctx.filters)
    link = ui.share_link(ui.filters_to_params(ctx.filters))
    st.header("Briefing for the current view")
    st.text(f"View: {filters_text}")
    st.text(f"{counted(len(ctx.rows), 'figure')} from {counted(ctx.rows['source_id'].nunique(), 'source')}, "
            f"data version {ctx.meta.get('version')}.")
    ui.what_changed(key="briefing_changes")
    if ctx.rows.empty:
        ui.empty("figures", ctx)
        return
    st.header("Key points")
    st.caption("The summary of findings: randomised head-to-head trials first, each answer in people per 100 and in "
               "plain words, GRADE's sentence and what it rests on below it.")
    if ctx.source_key and ctx.source_key[0] == "upload":
        st.caption("Comparison sets are curated for the published dataset, so uploads have no key points.")
    else:
        points = ui.view(briefing.key_points, ctx, wait="Comparing like with like…")
        for p in points:
            with st.container(border=True):
                st.markdown(f"**{ui.md_escape(p['title'])}** · {ui.md_escape(p['dimension'])}")
                (st.text if p["comparable"] else st.warning)(p["sentence"])
                st.caption(ui.md_escape(f"{p['technical']} Rests on: {p['sources']}. Read in: {p['read_in'] or 'none'}."))
        st.caption(ui.md_escape(findings.CERTAINTY_KEY))
        sof = ui.view(findings.summary_of_findings, ctx)
        ui.download_csv(sof.drop(columns=["missing"]), "Download the summary of findings (CSV, spreadsheet-safe)",
                        "summary_of_findings.csv", key="briefing_sof_csv")
    st.header("How sure we can be, question by question")
    for dim, sentence in ui.view(briefing.certainty_lines, ctx):
        st.text(f"{DIMENSION_LABELS[dim]}: {sentence}")
    st.header("Download")
    # Written when the button is clicked (a few MB, with its own chart library), not on every run of the page.
    rows, sources, meta = ctx.rows, ctx.sources, ctx.meta
    st.download_button("Download briefing (HTML, works offline, interactive charts)",
                       data=lambda: briefing.build_html(rows, sources, meta, filters_text, link).encode("utf-8"),
                       file_name=f"ketamine_briefing_data_{ctx.meta.get('version', '')}.html", mime="text/html",
                       key="briefing_html", type="primary", icon=":material/download:", on_click="ignore")
    ui.download_csv(ctx.rows, "Download the figures (CSV, spreadsheet-safe)",
                    "ketamine_briefing_figures.csv", key="briefing_csv", leave_out=("citation",))
    st.caption("The HTML file holds its own chart library, so it opens without an internet connection; each chart in "
               "it also has a camera button that saves it as a PNG.")
    png_charts(ctx, link)


def _want_png(rows_key: tuple) -> None:
    st.session_state["briefing_png_for"] = rows_key  # drawn for this view only; other filters ask again


def png_charts(ctx: ui.Context, link: str) -> None:
    """Offer the briefing's charts as PNG images in one zip, drawn on request (it takes several seconds)."""
    st.header("Charts as images")
    st.caption("For slides and documents: every chart of the briefing as a PNG, with a text file giving each chart's "
               "description and sources.")
    rows_key = tuple(ctx.rows["row_id"])
    if st.session_state.get("briefing_png_for") != rows_key:
        st.button("Prepare the charts as PNG images", key="briefing_png_prepare", on_click=_want_png, args=(rows_key,),
                  icon=":material/image:")
        return
    with st.spinner("Drawing the charts as images (this takes a few seconds)…"), ui.slow_work():
        try:
            data = _png_zip(ctx.rows, rows_key, ctx.meta.get("version", ""), link)
        except RuntimeError as err:
            st.warning(str(err), icon=":material/image_not_supported:")
            return
    st.download_button("Download the charts (PNG images in a zip)", data=data,
                       file_name=f"ketamine_briefing_charts_data_{ctx.meta.get('version', '')}.zip",
                       mime="application/zip", key="briefing_png", icon=":material/download:")


ui.run_page("Briefing", "A quick, cited summary of the current view to download.", body)
