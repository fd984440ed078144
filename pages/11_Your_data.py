"""Use your own data: upload an extract in the dataset's schema, see every problem at once, and view it on every page."""

import time

import streamlit as st

from ketamine_evidence import ui, upload
from ketamine_evidence.safe import spreadsheet_safe
from ketamine_evidence.vocab import counted


def _check(evidence_raw: bytes, sources_raw: bytes | None) -> upload.UploadResult:
    """Return the check of these files, run once per files' bytes whoever uploads them (the upload slot keeps it)."""
    slot = ui.upload_slot(upload.digest_of(evidence_raw, sources_raw))
    if "result" in slot:
        return slot["result"]
    curated, _ = ui.load()
    # Not st.cache_data: a cached function replays the elements it drew, and this one draws live progress.
    # 20,000 rows take about a second to check: show each stage on a bar.
    with st.status("Checking your file…", expanded=True) as status, ui.slow_work():
        bar = st.progress(0.0, text="Reading the file")
        start = time.perf_counter()
        result = upload.check_upload(evidence_raw, sources_raw, curated.sources,
                                     progress=lambda fraction, stage: bar.progress(fraction, text=stage))
        took = f"in {time.perf_counter() - start:.1f} s"
        if result.file_rejected:
            status.update(label=f"Checked {took}: the file was not accepted", state="error", expanded=False)
        else:
            status.update(label=f"Checked {counted(result.uploaded, 'row')} {took}", state="complete", expanded=False)
    slot["result"] = result
    return result


@st.cache_data(max_entries=2, show_spinner=False)
def _template(stamp: str) -> bytes:
    curated, _ = ui.load()
    return upload.template_csv(curated.evidence).encode("utf-8-sig")


def body(ctx: ui.Context) -> None:
    st.header("1. Start from the template")
    st.caption("The template has every column of the curated dataset and two real, cited rows as examples. "
               f"Limits: {upload.MAX_BYTES // (1024 * 1024)} MB and {upload.MAX_ROWS:,} rows per file; UTF-8 "
               "(with or without BOM), commas or semicolons.")
    st.download_button("Download the template (CSV)", _template(ctx.meta.get("version", "")),
                       "evidence_template.csv", "text/csv", key="upload_template")

    st.header("2. Upload your extract")
    ev_file = st.file_uploader("Evidence CSV", type=["csv", "txt"], key="upload_evidence")
    st.caption(f"A file over {upload.MAX_BYTES // (1024 * 1024)} MB is refused by the box above, which marks it in "
               "red and keeps nothing: split it into smaller files, or leave out rows you do not need.")
    src_file = st.file_uploader("Sources CSV (optional: otherwise every source_id must be a curated source)",
                                type=["csv", "txt"], key="upload_sources")
    if ev_file is None:
        st.info("Nothing uploaded yet. The dashboard keeps showing the curated data.", icon=":material/info:")
        return
    result = _check(ev_file.getvalue(), src_file.getvalue() if src_file else None)

    st.header("3. Result")
    if result.file_rejected:
        st.error(f"The file was not accepted: {counted(result.uploaded, 'row')} read, none kept. The problems are listed "
                 "below. The dashboard keeps showing the data it had.")
    else:
        st.text(f"{counted(result.uploaded, 'row')} uploaded: {result.kept:,} kept and shown, {result.rejected:,} rejected.")
        if result.rejected:
            st.warning(f"{result.rejected} of {counted(result.uploaded, 'row')} "
                       f"{'was' if result.rejected == 1 else 'were'} rejected: see the report below.",
                       icon=":material/rule:")
    if not result.report.empty:
        st.dataframe(result.report, hide_index=True, key="upload_report")
        st.download_button("Download this report (CSV)", spreadsheet_safe(result.report).to_csv(index=False).encode("utf-8-sig"),
                           "upload_report.csv", "text/csv", key="upload_report_download")
    if result.dataset is not None:
        if st.session_state.get("upload_digest") != result.digest:
            st.session_state["upload_digest"] = result.digest
            st.session_state["upload_name"] = ev_file.name
            st.rerun()  # so the sidebar offers the new data at once
        ready = ("Choose 'Your upload' under 'Data shown' in the sidebar to view them on every page; they are never "
                 "mixed with the curated data.")
        if result.rejected:  # the green tick is for clean files only
            st.info(f"The {counted(result.kept, 'kept row')} can be viewed. {ready}", icon=":material/info:")
        else:
            st.success(f"Your rows are ready. {ready}", icon=":material/check_circle:")


ui.run_page("Use your own data", "Upload an extract of studies for a class exercise.", body)
