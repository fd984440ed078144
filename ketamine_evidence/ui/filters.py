"""The sidebar's filter widgets and the state behind them: choices kept across pages, the plain-language switch,
which data is shown (curated or an upload), and the page address that carries the filters (share link).
"""

from __future__ import annotations

import functools
import os
import re
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from .. import evidence as ev
from ..glossary import define
from .cache import upload_slot

FILTER_WIDGETS = (
    # (Filters attribute, label, glossary term for the help text)
    ("populations", "Population", "Treatment-resistant depression"),
    ("groups", "Treatment groups", "Esketamine"),
    ("drugs", "Named treatments", None),
    ("designs", "Study design", "RCT"),
    ("certainty", "Certainty", "Certainty"),
    ("routes", "Route", None),
    ("regimens", "Monotherapy or add-on", "Add-on"),
    ("read_in", "Where the figure was read", "Where the figure was read"),
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
    """Return this page's address carrying the given query parameters, at the public address when one is configured
    (KETAMINE_PUBLIC_URL: the app behind a proxy), so a shared or cited link opens for others."""
    base = (st.context.url or "").split("?", 1)[0]
    public = os.environ.get("KETAMINE_PUBLIC_URL", "").strip().rstrip("/")
    if public:
        base = public + urlsplit(base).path
    return base + ("?" + urlencode(params, doseq=True) if params else "")


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
