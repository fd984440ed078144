"""Housekeeping on a schedule: expired live classes are deleted every few minutes, not only when a class starts.

A class and its answers expire SESSION_HOURS after it starts (classroom.py). The store deletes expired classes when
the next class is created; on a server where no class starts for days, anonymous answers would outlive their
promise. So each server process runs one daemon thread that calls the class store's `purge_expired` at once and then
every KETAMINE_PURGE_MINUTES minutes (default 10; 0 turns the schedule off, leaving the purge at class start).
`start()` is idempotent: every session and every rerun may call it, and one thread runs per process. A purge that
fails (the database out of reach) is logged and tried again at the next tick; it never reaches a page. No Streamlit.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Callable

from . import classroom

PURGE_MINUTES_ENV = "KETAMINE_PURGE_MINUTES"
DEFAULT_MINUTES = 10.0

log = logging.getLogger(__name__)


def interval_minutes(environ=os.environ) -> float:
    """Return the purge interval in minutes from KETAMINE_PURGE_MINUTES (default 10; 0 or less means off)."""
    raw = str(environ.get(PURGE_MINUTES_ENV, "")).strip()
    if not raw:
        return DEFAULT_MINUTES
    try:
        return float(raw)
    except ValueError:
        log.warning("%s=%r is not a number of minutes; purging every %g minutes.", PURGE_MINUTES_ENV, raw,
                    DEFAULT_MINUTES)
        return DEFAULT_MINUTES


def purge_class_store() -> None:
    """Delete the expired classes (and their answers) of this process's class store."""
    classroom.store_for(None).purge_expired()


class Purger:
    """A daemon thread that calls `purge` at once and then every `seconds` until stopped."""

    def __init__(self, purge: Callable[[], object], seconds: float):
        self.purge = purge
        self.seconds = seconds
        self.runs = 0  # purges attempted, failed ones included
        self.failures = 0
        self.ticked = threading.Event()  # set after each attempt (tests wait on it instead of sleeping)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="ketamine-purge", daemon=True)

    def tick(self) -> bool:
        """Run one purge; return whether it succeeded (a failure is logged, never raised)."""
        try:
            self.purge()
            return True
        except Exception:  # noqa: BLE001 - housekeeping must never take the server down; the next tick retries
            self.failures += 1
            log.exception("Purging expired live classes failed; trying again in %g minutes.", self.seconds / 60)
            return False
        finally:
            self.runs += 1
            self.ticked.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick()
            if self._stop.wait(self.seconds):
                break

    def alive(self) -> bool:
        """Return whether the thread is running."""
        return self.thread.is_alive()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread (it finishes a purge under way first) and wait up to `timeout` seconds."""
        self._stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout)


_lock = threading.Lock()
_running: Purger | None = None


def start(purge: Callable[[], object] = purge_class_store, minutes: float | None = None) -> Purger | None:
    """Start this process's purge thread unless one runs; return it (None when the schedule is off)."""
    global _running
    running = _running
    if running is not None and running.alive():  # the common case, on every call: no lock
        return running
    with _lock:
        if _running is not None and _running.alive():
            return _running
        every = interval_minutes() if minutes is None else minutes
        if every <= 0:
            return None
        _running = Purger(purge, every * 60)
        _running.thread.start()
        return _running


def stop() -> None:
    """Stop this process's purge thread, if one runs (for tests, and a clean shutdown)."""
    global _running
    with _lock:
        running, _running = _running, None
    if running is not None:
        running.stop()
