"""The page frame every page calls: page config, sidebar (links, filters, share link, data version), the one
'informs, does not advise' notice, and the error boundary around a page's body.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from pathlib import Path

import pandas as pd
import streamlit as st

from .. import evidence as ev
from .. import turns, vocab
from ..data import DATA_DIR, DataValidationError, files_stamp
from .cache import Context, _all_rows, _filtered, _options, load
from .filters import (DATA_CHOICES, FILTER_WIDGETS, MAIN_FILTERS, _copy_state, _kept_choice, _kept_years,
                      _load_url_once, _persisted_multiselect, _reset_filters, _restore, _year_slider, current_upload,
                      filters_to_params, plain_mode, share_link, term_help)
from .widgets import lazy_expander, md_escape

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"

PAGES = (
    ("app.py", "Overview", ":material/dashboard:"),
    ("pages/1_Onset.py", "Onset speed", ":material/speed:"),
    ("pages/2_Durability.py", "Durability", ":material/hourglass_bottom:"),
    ("pages/3_Non_response.py", "Response and non-response", ":material/target:"),
    ("pages/4_Side_effects.py", "Side effects", ":material/warning:"),
    ("pages/5_Evidence_explorer.py", "Evidence explorer and sources", ":material/table_view:"),
    ("pages/6_Claim_checker.py", "Claim checker", ":material/fact_check:"),
    ("pages/7_Presenter.py", "Presenter mode", ":material/co_present:"),
    ("pages/12_Join_class.py", "Join a class", ":material/how_to_reg:"),
    ("pages/8_Briefing.py", "Briefing", ":material/summarize:"),
    ("pages/10_Compare.py", "Compare", ":material/balance:"),
    ("pages/9_Glossary.py", "Glossary", ":material/menu_book:"),
    ("pages/11_Your_data.py", "Use your own data", ":material/upload_file:"),
)


PAGE_PARAMS = ("step", "room", "me", "class", "key")

DISCLAIMER = (
    "This dashboard summarises published research to inform. It does not give medical advice: "
    "decisions about treatment belong with a clinician who knows the patient."
)


def sidebar(all_rows: pd.DataFrame, meta: dict, source_key: tuple) -> ev.Filters:
    """Draw the page links and shared filters; return the filters chosen."""
    opts = _options(source_key)
    _load_url_once(opts, all_rows["year"])
    with st.sidebar:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        st.divider()
        if st.session_state.get("upload_digest"):
            _restore("filters_data", "sidebar_data", DATA_CHOICES[0], lambda v: v if v in DATA_CHOICES else DATA_CHOICES[0])
            st.radio("Data shown", DATA_CHOICES, key="sidebar_data", on_change=_copy_state,
                     args=("sidebar_data", "filters_data"),
                     help="Your upload is never mixed with the curated data: every page shows one or the other.")
        st.subheader("Filters")
        st.caption("Kept as you move between pages. Empty means all.")
        _restore("filters_plain", "sidebar_plain", False, bool)
        st.toggle("Plain language", key="sidebar_plain", on_change=_copy_state, args=("sidebar_plain", "filters_plain"),
                  help="Everyday words and 'out of 100 people' pictures instead of ratios and scales.")
        main, more = FILTER_WIDGETS[:MAIN_FILTERS], FILTER_WIDGETS[MAIN_FILTERS:]
        chosen = {attr: _persisted_multiselect(attr, label, opts[attr], term_help(term)) for attr, label, term in main}
        # The rest fold away, so the sidebar fits a 768 px projector and a page draws sooner; open when any is set.
        active = [label for attr, label, _ in more if _kept_choice(attr, opts[attr])]
        if _kept_years(all_rows["year"]) is not None:
            active.append("Publication year")
        box = st.expander(f"More filters ({len(active)} set)" if active else "More filters", expanded=bool(active),
                          key="more_filters_open", on_change="rerun")
        if box.open:
            with box:
                chosen.update({attr: _persisted_multiselect(attr, label, opts[attr], term_help(term))
                               for attr, label, term in more})
                years = _year_slider(all_rows["year"])
        else:  # folded: its widgets are not drawn, and the kept choices still apply
            chosen.update({attr: tuple(_kept_choice(attr, opts[attr])) for attr, _, _ in more})
            years = _kept_years(all_rows["year"])
        st.button("Clear all filters", on_click=_reset_filters, key="sidebar_reset")
        filters = ev.Filters(years=years, **chosen)
        params = filters_to_params(filters, {"plain": "1"} if plain_mode() else None)
        # The page's own parameters (presenter step, live-class room, token and control key) stay in its link;
        # the share link below carries the filters only, never a class's control key.
        own = {k: st.query_params.get(k) for k in PAGE_PARAMS if k in st.query_params}
        st.query_params.from_dict({**params, **own})
        share = lazy_expander("Share or cite this view", key="share_open")
        if share.open:
            with share:
                link = share_link(params)
                st.caption("Link that reopens this page with these filters:")
                st.code(link, language=None, wrap_lines=True)
                st.caption("Suggested citation:")
                st.code(f"Ketamine vs traditional antidepressants evidence dashboard, data version {meta.get('version', '?')}. "
                        f"View: {link}. Accessed {dt.date.today().isoformat()}.", language=None, wrap_lines=True)
        st.divider()
        st.caption(md_escape(f"Data version {meta.get('version', '?')} · {meta.get('created', '')[:10]} · "
                             f"{vocab.counted(len(all_rows), 'figure')} from "
                             f"{vocab.counted(all_rows['source_id'].nunique(), 'source')}"))
    return filters


# Static style, no data in it: a keyboard user sees where the focus is, distinct from the current page's highlight.
FOCUS_CSS = """<style>
a:focus-visible, button:focus-visible, [role="option"]:focus-visible {
  outline: 3px solid #005A9C !important; outline-offset: 2px; }
@media (max-width: 480px) {
  /* On a phone the page title took a third of the first screen; the answer comes first. */
  h1 { font-size: 1.9rem !important; padding-top: 0 !important; }
  h2 { font-size: 1.45rem !important; }
}
</style>"""

# Static script, no data in it. Streamlit's grid (st.dataframe) moves its cell cursor on Tab, so passing a table took
# its toolbar, the grid, then one Tab per column (26 presses on the explorer). As WAI-ARIA's grid pattern has it, the
# grid is now one Tab stop: arrow keys move between cells (which a screen reader reads as before), Tab goes on to what
# follows the table, Shift+Tab back through its toolbar. A static st.table was no better: each scrolling cell and each
# source link is a Tab stop (51 for 44 rows). Guarded, so the listener is added once however many pages are opened.
GRID_TAB_JS = """<script>
(() => {
  if (window.gridTabStop) return;
  window.gridTabStop = true;
  const TABBABLE = "a[href], button, input, select, textarea, summary, iframe, [tabindex]";
  document.addEventListener("keydown", (event) => {
    const from = event.target instanceof Element ? event.target : null;
    const grid = from && from.closest('[data-testid="stDataFrame"]');
    if (event.key !== "Tab" || event.altKey || event.ctrlKey || event.metaKey || !grid
        || from.matches("a, button, input, select, textarea")) return;
    event.stopImmediatePropagation();
    if (event.shiftKey) return;
    const next = [...document.querySelectorAll(TABBABLE)].find((el) => el.tabIndex >= 0 && !el.disabled
      && !grid.contains(el) && (grid.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
      && el.checkVisibility());
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }, true);
})();
</script>"""


def page_frame(title: str, question: str, compact: bool = False) -> Context | None:
    """Set up a page (config, sidebar, notice) and return its Context, or None after telling the user why.

    `compact` (presenter mode) keeps the title and notice to one line each so a chart fits a 768 px screen.
    """
    st.set_page_config(page_title=f"{title} · Ketamine vs antidepressants", page_icon=str(ASSETS / "icon.png"),
                       layout="wide", initial_sidebar_state="auto")
    try:
        dataset, meta = load()
    except DataValidationError as err:
        st.title(title)
        st.error("The evidence data did not pass its checks, so nothing is drawn. "
                 f"{len(err.problems)} problem(s) were found; each is listed below.")
        st.dataframe(err.as_frame(), hide_index=True)
        return None
    uploaded = current_upload()
    source_key = ("curated", str(DATA_DIR), files_stamp(DATA_DIR))
    if uploaded is not None:
        dataset = uploaded.dataset
        meta = {"version": f"your upload ({st.session_state.get('upload_name', 'file')})", "created": ""}
        source_key = ("upload", uploaded.digest)
    all_rows = _all_rows(source_key)
    filters = sidebar(all_rows, meta, source_key)
    if uploaded is not None:
        st.warning(f"You are looking at YOUR UPLOADED DATA ({len(dataset.evidence)} rows), not the curated dataset. "
                   "Switch back under 'Data shown' in the sidebar.", icon=":material/upload_file:")
    # Both static, in one element at the sidebar's foot, where it takes no room (the style applies to the whole page).
    st.sidebar.html(FOCUS_CSS + GRID_TAB_JS, unsafe_allow_javascript=True)
    if compact:
        st.caption(f"{title} · {DISCLAIMER}")
    else:
        st.title(title)
        st.caption(question)
        st.info(DISCLAIMER, icon=":material/info:")
    rows = _filtered(source_key, filters)
    return Context(rows=rows, all_rows=all_rows, sources=dataset.sources, meta=meta, filters=filters,
                   source_key=source_key)


def report_failure(what: str, sentence: str) -> None:
    """Log the exception being handled with a short reference and show the user `sentence` and that reference."""
    ref = uuid.uuid4().hex[:8]
    log.exception("%s failed (reference %s)", what, ref)
    st.error(f"{sentence} The error has been logged with reference {ref}.")


# One per server process: how many page runs proceed at once (KETAMINE_PAGE_RUNS), first-arrived session first.
TURNS = turns.Turns(turns.slots_from_env())


def slow_work():
    """Wrap work known to take seconds (an upload's checks, PNG export): other sessions' pages run meanwhile."""
    return TURNS.aside()


def run_page(title: str, question: str, body, compact: bool = False) -> None:
    """Run a page body inside the frame; an unexpected error becomes a short sentence with a reference.

    The run waits for a turn (ketamine_evidence/turns.py): when many sessions open at once, the one that arrived
    first is drawn first instead of every page finishing together at the end."""
    arrived = st.session_state.setdefault("arrived_at", time.monotonic())
    with TURNS.turn(arrived):
        ctx = page_frame(title, question, compact)
        if ctx is None:
            return
        try:
            body(ctx)
        except Exception:  # noqa: BLE001 - the user sees a sentence, the log keeps the traceback
            report_failure(f"Page {title}", "Something went wrong while drawing this page.")
