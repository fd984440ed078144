"""Cached access to the evidence: the validated dataset, the rows a page sees (its Context), each filter's
options, the filtered rows, shared views of them, the checked claims, and the slots that hold uploads.

Caches are keyed by the dataset (a curated stamp or an upload's digest) and the filters, never by a DataFrame. The
keys are cheap to hash: Streamlit hashes a cached function's arguments on every call, and hashing the filters (a
dataclass of tuples) and nested stamps took about a third of a page run's script time.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from .. import evidence as ev
from ..data import DATA_DIR, Dataset, default_cache_dir, files_stamp, load_dataset


# Here rather than in frame.py: its filters and source key are what every cached view is keyed by, and both the
# frame and the widgets take it.
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
# unpickling its own on each rerun (which dominated reruns on large data). Across processes (a restart, another
# replica) the validated Parquet copy in the cache folder spares validating the same bytes again.
@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_dataset(folder: str, stamp: str) -> tuple[Dataset, dict]:
    dataset = load_dataset(folder, cache_dir=default_cache_dir())
    meta = json.loads((Path(folder) / "datapackage.json").read_text(encoding="utf-8"))
    return dataset, meta


@st.cache_data(max_entries=4, show_spinner=False)
def _cached_claims(folder: str, stamp: str) -> pd.DataFrame:
    from ..claims import read_claims

    dataset, _ = _cached_dataset(folder, stamp)
    return read_claims(dataset.evidence, Path(folder) / "claims.csv")


def load_claims(folder: Path = DATA_DIR) -> pd.DataFrame:
    """Return the checked claims table (raises DataValidationError naming the bad cell)."""
    return _cached_claims(str(folder), files_stamp(folder))


@st.cache_resource(max_entries=8, show_spinner=False)
def _claim_figures(source_key: tuple, claims_stamp: str) -> pd.DataFrame:
    from ..claims import claim_figures

    return claim_figures(load_claims(), _all_rows(source_key))


def claim_figures(ctx: "Context") -> pd.DataFrame:
    """Return the rows every curated claim cites, with `claim_id` and a display `line` (shared, read-only)."""
    return _claim_figures(ctx.source_key, files_stamp(DATA_DIR))


def claim_cards(ctx: "Context") -> tuple[str, list[dict]]:
    """Return the curated claims' verdict counts line and each claim ready to draw (shared, read-only; raises
    DataValidationError naming the bad cell)."""
    from .. import claims as cl

    def make():
        claims = load_claims()
        return cl.verdict_counts(claims), cl.claim_cards(claims, claim_figures(ctx))
    return _VIEWS.get(("claim_cards", ctx.source_key, files_stamp(DATA_DIR)), make)


def claim_verdict(text: str):
    """Return the verdict on a typed claim, judged on the curated dataset whatever the filters or an upload (the
    comparison sets and curated claims are curated for it), shared by every session that types the same claim."""
    from .. import verdicts
    from ..comparison_sets import curated

    key = ("curated", str(DATA_DIR), files_stamp(DATA_DIR))
    return _VERDICTS.get((text, key),
                      lambda: verdicts.judge(text, _all_rows(key), load_claims(), curated()),
                      wait="Weighing the claim against the evidence…")


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


class Shared:
    """A bounded cache of pure results shared by every session (least recently used dropped first), that can say
    whether a result is ready, so a spinner is shown only when there is work to wait for.

    Keys are hashed by Python itself. The two caches a page calls most (once per chart) use it instead of Streamlit's
    cache, which hashed every argument again on each call: about a third of the script time of a new session's
    overview. Sessions asking for the same missing result at once wait for the first to build it (for at most a
    minute, then build it themselves): when a replica died mid-class and its 200 phones landed on the survivor at
    the reveal, each built the reveal's figure itself, 15.6 s of CPU against 1.8 s once (bench/live_class.py).
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict = {}  # key -> Event set when the session building it is done

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    def get(self, key, make, wait: str | None = None):
        """The result for `key`, made by `make()` if missing (under a spinner saying `wait`, when given)."""
        if wait and key not in self:
            with st.spinner(wait):
                return self.get(key, make)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            building = self._pending.get(key)
            mine = building is None
            if mine:
                building = self._pending[key] = threading.Event()
        if not mine:
            finished = building.wait(60)
            with self._lock:
                if key in self._items:
                    return self._items[key]
            # The build failed (ask again, and build it if no one else has started) or is still going after a
            # minute (build it here rather than wait on).
            return self.get(key, make) if finished else make()
        try:
            value = make()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        finally:
            with self._lock:
                self._pending.pop(key, None)
            building.set()
        return value


_FILTERED = Shared(64)
_VIEWS = Shared(256)
# Typed claims get their own small store, so readers' free text never pushes the pages' views out.
_VERDICTS = Shared(64)


def _filtered(source_key: tuple, filters: ev.Filters) -> pd.DataFrame:
    """The rows passing the filters, once per dataset and filter choice (shared, read-only)."""
    return _FILTERED.get((source_key, filters), lambda: ev.apply_filters(_all_rows(source_key), filters))


def view(fn, ctx: "Context", *args, wait: str | None = None):
    """Return fn(filtered rows, *args), cached by function, arguments, filters and dataset (never by DataFrame).

    For the package's pure functions of the filtered rows: views, summaries, comparisons. The result is built once
    and shared read-only by every session, so a rerun neither rebuilds nor unpickles it: never mutate it
    (charts.for_projector copies). `wait`: a spinner's text, shown only while the result is being built.
    """
    return _VIEWS.get((fn.__module__, fn.__name__, args, ctx.filters, ctx.source_key),
                      lambda: fn(_filtered(ctx.source_key, ctx.filters), *args), wait)


def source_table(ctx: "Context", shown: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every source with how many of its figures are shown: of the filtered rows (shared, read-only), or of `shown`
    (e.g. after a search, built afresh)."""
    if shown is not None and shown is not ctx.rows:
        return ev.source_table(ctx.sources, ctx.all_rows, shown)
    return _VIEWS.get(("source_table", ctx.filters, ctx.source_key),
                      lambda: ev.source_table(ctx.sources, ctx.all_rows, ctx.rows))


_LOADED = Shared(4)  # a spinner starts a timer thread: only while a dataset is being loaded, not on every run


def load(folder: Path = DATA_DIR) -> tuple[Dataset, dict]:
    """Return the validated dataset and its datapackage metadata, cached across reruns and sessions."""
    key = (str(folder), files_stamp(folder))
    return _LOADED.get(key, lambda: _cached_dataset(*key), "Loading and checking the evidence…")


@st.cache_resource(max_entries=16)
def upload_slot(digest: str) -> dict:
    """Return the shared holder for one upload, keyed by its bytes' hash (at most 16 kept, oldest dropped)."""
    return {}
