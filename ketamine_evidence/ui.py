"""The page frame every page calls: page config, sidebar (links, filters, data version), the one
'informs, does not advise' notice, the cached loader, and the chart-with-table widget.

This is the only module that imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import logging
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import evidence as ev
from . import views, vocab
from .data import DATA_DIR, Dataset, DataValidationError, load_dataset
from .glossary import define
from .safe import spreadsheet_safe

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parent.parent / "assets"

PAGES = (
    ("app.py", "Overview", ":material/dashboard:"),
    ("pages/1_Onset.py", "Onset speed", ":material/speed:"),
    ("pages/2_Durability.py", "Durability", ":material/hourglass_bottom:"),
    ("pages/3_Non_response.py", "Response and non-response", ":material/target:"),
    ("pages/4_Side_effects.py", "Side effects", ":material/warning:"),
    ("pages/5_Evidence_explorer.py", "Evidence explorer and sources", ":material/table_view:"),
    ("pages/6_Claim_checker.py", "Claim checker", ":material/fact_check:"),
    ("pages/7_Presenter.py", "Presenter mode", ":material/co_present:"),
    ("pages/8_Briefing.py", "Briefing", ":material/summarize:"),
    ("pages/10_Compare.py", "Compare", ":material/balance:"),
    ("pages/9_Glossary.py", "Glossary", ":material/menu_book:"),
    ("pages/11_Your_data.py", "Use your own data", ":material/upload_file:"),
)

DISCLAIMER = (
    "This dashboard summarises published research to inform. It does not give medical advice: "
    "decisions about treatment belong with a clinician who knows the patient."
)

FILTER_WIDGETS = (
    # (Filters attribute, label, glossary term for the help text)
    ("populations", "Population", "Treatment-resistant depression"),
    ("groups", "Treatment groups", "Esketamine"),
    ("drugs", "Named treatments", None),
    ("designs", "Study design", "RCT"),
    ("certainty", "Certainty", "Certainty"),
    ("routes", "Route", None),
    ("regimens", "Monotherapy or add-on", "Add-on"),
)


def plain_mode() -> bool:
    """Return True when the reader chose plain language (everyday words, natural frequencies)."""
    return bool(st.session_state.get("filters_plain", False))


def term_help(term: str | None) -> str | None:
    """Return the glossary definition of a term, in the reader's chosen register, for a widget's help."""
    return _definition(term, plain_mode()) or None if term else None


@functools.lru_cache(maxsize=128)
def _definition(term: str, plain: bool) -> str:
    return define(term, plain)


@dataclass(frozen=True)
class Context:
    """What a page gets from the frame: the filtered rows (joined to sources) and the whole dataset."""

    rows: pd.DataFrame
    all_rows: pd.DataFrame
    sources: pd.DataFrame
    meta: dict
    filters: ev.Filters
    source_key: tuple = ()


# cache_resource, not cache_data: the dataset is only read, so every session shares one copy instead of
# unpickling its own on each rerun (which dominated reruns on large data).
@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_dataset(folder: str, stamp: tuple) -> tuple[Dataset, dict]:
    dataset = load_dataset(folder)
    meta = json.loads((Path(folder) / "datapackage.json").read_text(encoding="utf-8"))
    return dataset, meta


@st.cache_data(max_entries=4, show_spinner=False)
def _cached_claims(folder: str, stamp: tuple) -> pd.DataFrame:
    from .claims import read_claims

    dataset, _ = _cached_dataset(folder, stamp)
    return read_claims(dataset.evidence, Path(folder) / "claims.csv")


def load_claims(folder: Path = DATA_DIR) -> pd.DataFrame:
    """Return the checked claims table (raises DataValidationError naming the bad cell)."""
    return _cached_claims(str(folder), _stamp(folder))


@st.cache_resource(max_entries=8, show_spinner=False)
def _claim_figures(source_key: tuple, claims_stamp: tuple) -> pd.DataFrame:
    from .claims import claim_figures

    return claim_figures(load_claims(), _all_rows(source_key))


def claim_figures(ctx: "Context") -> pd.DataFrame:
    """Return the rows every curated claim cites, with `claim_id` and a display `line` (shared, read-only)."""
    return _claim_figures(ctx.source_key, _stamp(DATA_DIR))


@st.cache_resource(max_entries=8, show_spinner=False)
def _all_rows(source_key: tuple) -> pd.DataFrame:
    """Evidence joined to its sources, once per dataset (curated stamp or upload digest)."""
    if source_key[0] == "upload":
        dataset = upload_slot(source_key[1])["result"].dataset
    else:
        dataset, _ = _cached_dataset(source_key[1], source_key[2])
    return ev.with_sources(dataset.evidence, dataset.sources)


@st.cache_resource(max_entries=8, show_spinner=False)
def _options(source_key: tuple) -> dict[str, list]:
    """The values each filter can take, once per dataset."""
    return ev.filter_options(_all_rows(source_key))


@st.cache_resource(max_entries=64, show_spinner=False)
def _filtered(source_key: tuple, filters: ev.Filters) -> pd.DataFrame:
    """The rows passing the filters, once per dataset and filter choice (shared, read-only)."""
    return ev.apply_filters(_all_rows(source_key), filters)


# cache_resource again: a view (figure, rows, message) is built once and shared read-only by every session, so a
# rerun neither rebuilds nor unpickles it. Callers never mutate what they get (charts.for_projector copies).
@st.cache_resource(max_entries=256, show_spinner=False)
def _cached_call(module: str, fn_name: str, args: tuple, filters: ev.Filters, source_key: tuple):
    fn = getattr(importlib.import_module(module), fn_name)
    return fn(_filtered(source_key, filters), *args)


def view(fn, ctx: "Context", *args):
    """Return fn(filtered rows, *args), cached by function, arguments, filters and dataset (never by DataFrame).

    For the package's pure functions of the filtered rows: views, summaries, comparisons. The result is shared
    between sessions: treat it as read-only.
    """
    return _cached_call(fn.__module__, fn.__name__, tuple(args), ctx.filters, ctx.source_key)


def _stamp(folder: Path) -> tuple:
    """File sizes and modification times: a cheap key so an edited CSV is re-read."""
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.csv")))


def load(folder: Path = DATA_DIR) -> tuple[Dataset, dict]:
    """Return the validated dataset and its datapackage metadata, cached across reruns and sessions."""
    with st.spinner("Loading and checking the evidence…"):
        return _cached_dataset(str(folder), _stamp(folder))


def md_escape(text: str) -> str:
    """Return text with Markdown (and LaTeX dollar) syntax escaped, so data shows as plain text."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))


def _copy_state(src: str, dst: str) -> None:
    st.session_state[dst] = st.session_state[src]


def _restore(keep: str, widget: str, default, valid) -> None:
    """Put the kept choice back into the widget before it is drawn.

    Streamlit forgets a widget's state when a page that does not draw it runs, and the same key on another
    page is a new widget; the choice therefore lives in a plain key (`keep`) that no widget owns.
    """
    st.session_state[widget] = valid(st.session_state.get(keep, default))


def _kept_choice(attr: str, options: list) -> list:
    """The values kept for a filter from earlier choices, dropping any the options no longer hold."""
    return [v for v in st.session_state.get(f"filters_{attr}", []) if v in options]


def _persisted_multiselect(attr: str, label: str, options: list, help_text: str | None) -> tuple:
    """A multiselect whose choice survives page changes; returns the chosen values."""
    keep, widget = f"filters_{attr}", f"sidebar_{attr}"
    st.session_state[widget] = _kept_choice(attr, options)  # what _restore does, with the same check as a folded box
    chosen = st.multiselect(label, options, key=widget, help=help_text, placeholder="All",
                            on_change=_copy_state, args=(widget, keep))
    return tuple(chosen)


def _clamp_years(span, lo: int, hi: int) -> tuple[int, int]:
    return max(lo, min(span[0], hi)), min(hi, max(span[1], lo))


def _kept_years(years: pd.Series) -> tuple[int, int] | None:
    """The publication-year span kept from an earlier choice (None for all years), without drawing the slider."""
    lo, hi = int(years.min()), int(years.max())
    span = st.session_state.get("filters_years")
    if not span or lo == hi:
        return None
    chosen = _clamp_years(span, lo, hi)
    return None if chosen == (lo, hi) else chosen


def _year_slider(years: pd.Series) -> tuple[int, int] | None:
    lo, hi = int(years.min()), int(years.max())
    if lo == hi:
        return None
    keep, widget = "filters_years", "sidebar_years"
    _restore(keep, widget, (lo, hi), lambda v: _clamp_years(v, lo, hi))
    chosen = st.slider("Publication year", lo, hi, key=widget, on_change=_copy_state, args=(widget, keep))
    return None if tuple(chosen) == (lo, hi) else tuple(chosen)


def _reset_filters() -> None:
    for key in list(st.session_state.keys()):
        if key.startswith(("filters_", "sidebar_")) and not key.endswith(("_plain", "_data")):
            del st.session_state[key]
    st.query_params.clear()


MAIN_FILTERS = 2  # population and treatment groups stay in view; the others sit under 'More filters'
URL_KEYS = tuple(attr for attr, _, _ in FILTER_WIDGETS)


def _load_url_once(opts: dict[str, list], years: pd.Series) -> None:
    """On a session's first run, take the filters from the link it was opened with (unknown values are dropped)."""
    if st.session_state.get("url_loaded"):
        return
    st.session_state["url_loaded"] = True
    for attr in URL_KEYS:
        wanted = [v for v in st.query_params.get_all(attr) if v in opts[attr]]
        if wanted:
            st.session_state[f"filters_{attr}"] = wanted
    if st.query_params.get("plain") == "1":
        st.session_state["filters_plain"] = True
    step = st.query_params.get("step", "")
    if step.isdigit():
        st.session_state["presenter_step"] = int(step) - 1  # clamped to the sequence by the presenter page
    span = re.fullmatch(r"(\d{4})-(\d{4})", st.query_params.get("years", ""))
    if span:
        lo, hi = sorted(int(x) for x in span.groups())
        st.session_state["filters_years"] = (max(lo, int(years.min())), min(hi, int(years.max())))


def filters_to_params(f: ev.Filters, extra: dict | None = None) -> dict:
    """Return the query parameters that reproduce the filters (and any page extras such as a presenter step)."""
    params = {attr: list(getattr(f, attr)) for attr in URL_KEYS if getattr(f, attr)}
    if f.years:
        params["years"] = f"{f.years[0]}-{f.years[1]}"
    params.update(extra or {})
    return params


def share_link(params: dict) -> str:
    """Return this page's address carrying the given query parameters."""
    base = (st.context.url or "").split("?", 1)[0]
    return base + ("?" + urlencode(params, doseq=True) if params else "")


@st.cache_resource(max_entries=16)
def upload_slot(digest: str) -> dict:
    """Return the shared holder for one upload, keyed by its bytes' hash (at most 16 kept, oldest dropped)."""
    return {}


def current_upload():
    """Return the upload the reader chose to view (an UploadResult with data), or None for the curated data."""
    digest = st.session_state.get("upload_digest")
    if not digest or st.session_state.get("filters_data") != DATA_CHOICES[1]:
        return None
    result = upload_slot(digest).get("result")
    if result is None or result.dataset is None:
        st.session_state["filters_data"] = DATA_CHOICES[0]
        st.warning("Your upload is no longer held by the server; showing the curated data. Upload it again to "
                   "view it.", icon=":material/history:")
        return None
    return result


DATA_CHOICES = ("Curated dataset", "Your upload")


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
        st.query_params.from_dict(params)
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
</style>"""


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
    source_key = ("curated", str(DATA_DIR), _stamp(DATA_DIR))
    if uploaded is not None:
        dataset = uploaded.dataset
        meta = {"version": f"your upload ({st.session_state.get('upload_name', 'file')})", "created": ""}
        source_key = ("upload", uploaded.digest)
    all_rows = _all_rows(source_key)
    filters = sidebar(all_rows, meta, source_key)
    if uploaded is not None:
        st.warning(f"You are looking at YOUR UPLOADED DATA ({len(dataset.evidence)} rows), not the curated dataset. "
                   "Switch back under 'Data shown' in the sidebar.", icon=":material/upload_file:")
    st.html(FOCUS_CSS)
    if compact:
        st.caption(f"{title} · {DISCLAIMER}")
    else:
        st.title(title)
        st.caption(question)
        st.info(DISCLAIMER, icon=":material/info:")
    rows = _filtered(source_key, filters)
    return Context(rows=rows, all_rows=all_rows, sources=dataset.sources, meta=meta, filters=filters,
                   source_key=source_key)


def run_page(title: str, question: str, body, compact: bool = False) -> None:
    """Run a page body inside the frame; an unexpected error becomes a short sentence with a reference."""
    ctx = page_frame(title, question, compact)
    if ctx is None:
        return
    try:
        body(ctx)
    except Exception:  # noqa: BLE001 - the user sees a sentence, the log keeps the traceback
        ref = uuid.uuid4().hex[:8]
        log.exception("Page %s failed (reference %s)", title, ref)
        st.error(f"Something went wrong while drawing this page. The error has been logged with reference {ref}.")


# The figure itself comes straight after what it is, so a 1366 px screen shows it without sideways scrolling.
TABLE_COLUMNS = [
    "study", "treatment_group", "outcome_label", "value", "unit", "ci_low", "ci_high", "n", "time_reported",
    "population", "treatment", "outcome_definition", "design", "regimen", "control_type",
    "certainty", "certainty_reason", "caveats", "location", "link", "row_id",
]


PLAIN_COLUMNS = ["study", "treatment_group", "population", "outcome_label", "time_reported", "value", "unit", "n",
                 "certainty", "caveats", "link"]


# A table under a chart or on a topic page lists up to this many figures; the explorer lists them all.
TABLE_LIMIT = 400


def table(rows: pd.DataFrame, key: str, columns: list[str] | None = None, limit: int | None = TABLE_LIMIT) -> None:
    """Show rows as a read-only table with sources linked (text is never rendered as HTML).

    Beyond `limit` rows the first ones are shown and a caption says how many more the explorer lists.
    """
    cols = [c for c in (columns or (PLAIN_COLUMNS if plain_mode() else TABLE_COLUMNS)) if c in rows.columns]
    if limit and len(rows) > limit:
        st.caption(f"The first {limit} of {len(rows):,} figures; the evidence explorer lists and downloads them all.")
        rows = rows.head(limit)
    st.dataframe(
        rows[cols], hide_index=True, key=key,
        column_config={
            "link": st.column_config.LinkColumn("Source link", display_text=r"https://(?:doi\.org|pubmed\.ncbi\.nlm\.nih\.gov)/(.*)"),
            "value": st.column_config.NumberColumn("Value", format="%g"),
            "study": "Study", "treatment": "Treatment", "treatment_group": "Group", "population": "Population",
            "outcome_label": "Outcome", "outcome_definition": "Definition", "time_reported": "Time point",
            "unit": "Unit", "ci_low": "CI low", "ci_high": "CI high", "n": "n", "design": "Design",
            "regimen": "Regimen", "control_type": "Control", "certainty": "Certainty",
            "certainty_reason": "Why this certainty", "caveats": "Caveats", "location": "Where in source",
            "row_id": "Row id", "short_citation": "Source", "citation": "Citation", "year": "Year",
            "figures_shown": st.column_config.NumberColumn("Figures shown"), "identifier": "Identifier",
            "read_at": st.column_config.LinkColumn("Where it was read"),
            "match_score": st.column_config.NumberColumn("Match score"), "match_reason": "Matched on",
            "claim_id": "Claim",
        },
    )


def lazy_expander(label: str, key: str):
    """Return an expander whose content a page builds only while it is open (check `.open`).

    Closed, it sends and draws nothing but its label, so a page with many tables loads sooner; opening it reruns
    the page, which is quick because every view is cached.
    """
    return st.expander(label, key=key, on_change="rerun")


def lazy_table(label: str, open_key: str, rows: pd.DataFrame, key: str, columns: list[str] | None = None,
               caption: str | None = None) -> None:
    """A lazy expander holding a table of rows (with an optional caption), built only while it is open."""
    box = lazy_expander(label, key=open_key)
    if box.open:
        with box:
            if caption:
                st.caption(caption)
            table(rows, key=key, columns=columns)


def chart(fig: go.Figure, alt: str, rows: pd.DataFrame, key: str, warnings: list[str] | None = None,
          counts: pd.DataFrame | None = None, list_rows: bool = True, title: str = "") -> None:
    """Show a chart with its alt text, any like-for-like warnings, and expandable tables of what it draws.

    `counts` holds the numbers drawn when they are summaries (counts, medians, scores). A chart of counts passes
    `list_rows=False`: it points to the explorer for the figures counted instead of listing them all.
    """
    if warnings:
        st.warning(md_escape("Not like-for-like: these figures mix " + "; ".join(warnings)
                             + ". Compare within a study, and check each row in the table."), icon=":material/compare_arrows:")
    chart_title(title)
    plotly(fig, alt, key=f"{key}_chart")
    if counts is not None:
        numbers = lazy_expander("Table of the numbers drawn in this chart", key=f"{key}_numbers_open")
        if numbers.open:
            with numbers:
                st.dataframe(counts, hide_index=True, key=f"{key}_numbers", column_config=SUMMARY_COLUMNS)
                if not list_rows:
                    st.caption(f"These count {len(rows)} figures; each one, with its source, is listed in the "
                               "evidence explorer.")
                    st.page_link("pages/5_Evidence_explorer.py", label="Open the evidence explorer",
                                 icon=":material/table_view:")
    if list_rows:
        lazy_table(f"Table of the {len(rows)} figures in this chart", f"{key}_table_open", rows, key=f"{key}_table")


SUMMARY_COLUMNS = {
    "dimension_label": "Question", "family": "Family", "certainty": "Certainty", "treatment_group": "Group",
    "figures": st.column_config.NumberColumn("Figures"), "year": st.column_config.NumberColumn("Year", format="%d"),
    "response_median": st.column_config.NumberColumn("Response, median (%)", format="%g"),
    "response_min": st.column_config.NumberColumn("Response, lowest (%)", format="%g"),
    "response_max": st.column_config.NumberColumn("Response, highest (%)", format="%g"),
    "response_figures": st.column_config.NumberColumn("Response figures"),
    "burden_median": st.column_config.NumberColumn("Side effects, median (%)", format="%g"),
    "burden_min": st.column_config.NumberColumn("Side effects, lowest (%)", format="%g"),
    "burden_max": st.column_config.NumberColumn("Side effects, highest (%)", format="%g"),
    "burden_figures": st.column_config.NumberColumn("Side-effect figures"),
    "weighted_burden": st.column_config.NumberColumn("Weighted burden", format="%.1f"),
    "categories_with_data": st.column_config.NumberColumn("Kinds with data"),
    "categories_weighted": st.column_config.NumberColumn("Kinds weighted"), "missing": "Kinds missing",
    # A comparison set's table: one row per study effect and per pooled side, as the forest plot draws them.
    "side": "Side", "study": "Study", "sample": "Sample (trial or pool)", "group": "Group", "n": "n",
    "value": st.column_config.NumberColumn("Value", format="%.2f"),
    "ci_low": st.column_config.NumberColumn("95% CI low", format="%.2f"),
    "ci_high": st.column_config.NumberColumn("95% CI high", format="%.2f"),
    "weight_pct": st.column_config.NumberColumn("Weight in pool (%)", format="%.1f"), "how": "How it was obtained",
    # The side-effect profile's table.
    "effect": "Side effect", "median": st.column_config.NumberColumn("Median (%)", format="%g"),
    "lowest": st.column_config.NumberColumn("Lowest (%)", format="%g"),
    "highest": st.column_config.NumberColumn("Highest (%)", format="%g"), "sources": "Sources",
    "difference_vs_control": st.column_config.NumberColumn("Difference from the control arm, same source (points)",
                                                           format="%+g"),
    "pairs": st.column_config.NumberColumn("Sources with a control arm"),
    "reason": "Why it is in this set",
    "link": st.column_config.LinkColumn("Source link", display_text=r"https://(?:doi\.org|pubmed\.ncbi\.nlm\.nih\.gov)/(.*)"),
}


def show_view(view, ctx: Context, key: str | None = None, heading: bool = True, expert: bool = False) -> None:
    """Draw a View: its heading, then its key message, warnings, chart and table, or a sentence if it is empty.

    An `expert` view (ratios, effect sizes) is replaced in plain-language mode by a line saying where to find it.
    """
    if heading:
        st.subheader(view.heading)
    if expert and plain_mode():
        st.caption("Ratios and effect sizes are shown when 'Plain language' is switched off in the sidebar.")
        return
    if view.empty:
        empty(view.empty_what, ctx)
        return
    key_message(view.message)
    if view.note:
        st.caption(view.note)
    chart(view.screen_fig, view.alt, view.rows, key=key or view.name, warnings=view.warnings, counts=view.counts,
          list_rows=view.list_rows, title=view.title)


def show_comparison(v, key: str, heading: bool = True) -> None:
    """Draw a comparison-set view: its sentence, what is not like-for-like, the forest plot, its tables and how
    much the pooled studies disagree; or, when a side has no figure, only the sentence saying which."""
    if heading:
        st.subheader(v.heading)
    if v.empty:
        st.warning(md_escape(v.message), icon=":material/compare_arrows:")
        return
    key_message(v.message)
    if v.warnings:
        st.warning(md_escape("Not like-for-like: " + " ".join(v.warnings)), icon=":material/compare_arrows:")
    chart(v.screen_fig, v.alt, v.rows, key=key, counts=v.counts, title=v.title)
    if v.note:
        st.caption(md_escape(v.note))


def answer(ctx: Context, dimension: str) -> None:
    """Open a question page with its side-by-side answer: the headline set, then any other set the reader picks."""
    st.header("The answer, side by side")
    if ctx.source_key and ctx.source_key[0] == "upload":
        st.info("Comparison sets are curated for the published dataset, so they are not drawn for uploaded data. "
                "Every uploaded figure is shown below.", icon=":material/upload_file:")
        return
    try:
        choices = dict(views.set_choices(dimension))
    except DataValidationError as err:
        st.error("The comparison sets did not pass their checks, so no side-by-side answer is drawn. "
                 f"{len(err.problems)} problem(s) were found; each is listed below.")
        st.dataframe(err.as_frame(), hide_index=True)
        return
    with st.spinner("Comparing like with like…"):
        head = view(views.headline, ctx, dimension)
    show_comparison(head, key=f"{dimension}_headline", heading=False)
    st.subheader("Each comparison in detail")
    st.caption("Each set holds only figures that measure the same thing: the same outcome, population class, time "
               "window, kind of comparator and effect measure.")
    pick = st.selectbox("Comparison", list(choices), format_func=choices.get, key=f"{dimension}_set")
    show_comparison(view(views.comparison, ctx, pick), key=f"{dimension}_set_detail", heading=False)


def what_changed(key: str) -> None:
    """A folded panel listing what the current data version changed since the one before, in plain text."""
    from .changes import latest_changes

    changes = latest_changes()
    if changes is None:
        return
    since = f" (since {changes.previous})" if changes.previous else ""
    with st.expander(f"What changed in data version {changes.version}{since}", key=key):
        if changes.summary:
            st.text(changes.summary)
        for point in changes.points:
            st.text("• " + point)
        st.caption("From data/CHANGELOG.md, which also gives each file's checksum.")


def chart_title(title: str) -> None:
    """Set a chart's title above it as page text, which wraps on a narrow screen (a Plotly title does not)."""
    if title:
        st.markdown(f"**{md_escape(title)}**")


def plotly(fig: go.Figure, alt: str, key: str) -> None:
    """Draw a Plotly figure with its alt text, keeping our own colour-blind-safe styling (no Streamlit theme)."""
    # No toolbar: on touch screens it sat over legend titles, and its eight small buttons each took a Tab stop.
    # Charts download as PNG images from the Briefing page instead.
    st.plotly_chart(fig, alt=alt, key=key, theme=None,
                    config={"displaylogo": False, "responsive": True, "displayModeBar": False})


def natural_frequency(rows: pd.DataFrame, key: str, filled: str, other: str) -> None:
    """In plain-language mode, let the reader pick one percentage and see it as 'out of 100 people'."""
    if not plain_mode() or rows.empty:
        return
    with st.container(border=True):
        st.markdown("**Out of 100 people**")
        labels = (rows["study"] + " · " + rows["treatment_group"] + " · " + rows["outcome_label"]).tolist()
        pick = st.selectbox("Figure to picture", range(len(rows)), format_func=lambda i: labels[i], key=key)
        r = rows.iloc[pick]
        from .charts import COLOURS, icon_array, untitled

        fig = icon_array(float(r["value"]), filled, other, COLOURS[r["treatment_group"]])
        chart_title(fig.layout.title.text)
        plotly(untitled(fig), f"Picture of 100 people: {round(float(r['value']))} {filled}, from {r['study']} "
                    f"({r['treatment_group']}, {r['population']}).", key=f"{key}_chart")
        st.caption(md_escape(f"{r['value']:g}% rounded to whole people. {r['population'].capitalize()}; "
                             f"{r['certainty']} certainty. Source: {r['study']}."))


def within(text: str, limit: int) -> str:
    """Return the first `limit` characters of a typed text, saying so when more was typed or pasted.

    Used instead of a box's own character limit, which empties the box when a longer text is pasted into it."""
    text = text or ""
    if len(text) > limit:
        st.caption(f"Only the first {limit} characters are used.")
        return text[:limit]
    return text


def key_message(text: str) -> None:
    """Show a computed one-line message for a chart (data text escaped)."""
    st.success(md_escape(text), icon=":material/lightbulb:")


def empty(what: str, ctx: Context) -> None:
    """Say that the filters leave nothing to show, and what to widen."""
    active = [label.lower() for attr, label, _ in FILTER_WIDGETS if getattr(ctx.filters, attr)]
    if ctx.filters.years is not None:
        active.append("publication year")
    hint = ("Widen or clear these filters: " + ", ".join(active) + ".") if active else "No figures of this kind are in the dataset yet."
    st.warning(f"No {what} match the current filters. {hint}", icon=":material/filter_alt_off:")


def download_csv(rows: pd.DataFrame, label: str, filename: str, key: str) -> None:
    """Offer rows as a CSV that is safe to open in a spreadsheet (formula cells neutralised)."""
    data = spreadsheet_safe(rows).to_csv(index=False).encode("utf-8-sig")
    st.download_button(label, data=data, file_name=filename, mime="text/csv", key=key)
