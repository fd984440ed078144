"""Turns for page runs: at most a few run at once, and the session that arrived first is served first.

When a class opens the dashboard in the same minute, Streamlit starts every session's script at once. They share
one interpreter lock, so all of them advance together and all finish near the end: the first student waits as long
as the last (bench/run.py, 40 sessions at once). A turn bounds how many page runs proceed at once; the others wait,
and a freed turn goes to the waiting run whose session arrived first, so sessions finish in the order they came and
a session's second page does not queue behind everyone else's first.

No Streamlit here: the page frame passes each session's arrival time (ketamine_evidence/ui/frame.py).
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
from contextlib import contextmanager

# One: runs share one interpreter lock, so two at once only interleave, each finishing later (40 sessions opened at
# once, bench/run.py: half of them done after 1.97 s with one turn, 2.37 s with two). Work known to be slow (an
# upload's checks, PNG export) steps aside (`Turns.aside`) so it does not hold up everyone else.
DEFAULT_SLOTS = 1
MAX_WAIT_S = 20.0  # a run never waits longer than this for a turn: past it, it runs anyway (nothing starves)


def slots_from_env(default: int = DEFAULT_SLOTS) -> int:
    """Page runs at once, from KETAMINE_PAGE_RUNS (a whole number from 1 to 64), else `default`."""
    raw = os.environ.get("KETAMINE_PAGE_RUNS", "").strip()
    if raw.isdigit() and 1 <= int(raw) <= 64:
        return int(raw)
    return default


class Turns:
    """At most `slots` holders at once. Waiters are let in by priority (lower first; ties in the order they asked).

    A waiter that has not been let in after `max_wait` seconds goes ahead without a turn, so a stuck holder can slow
    the others but never stop them.
    """

    def __init__(self, slots: int = DEFAULT_SLOTS, max_wait: float = MAX_WAIT_S):
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.slots = slots
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._free = slots
        self._waiting: list[list] = []  # heap of [priority, order asked, event or None when given up]
        self._order = itertools.count()
        self._mine = threading.local()  # the turns this thread is inside, innermost last

    @property
    def waiting(self) -> int:
        with self._lock:
            return sum(1 for entry in self._waiting if entry[2] is not None)

    @property
    def running(self) -> int:
        with self._lock:
            return self.slots - self._free

    @contextmanager
    def turn(self, priority: float):
        """Hold one turn for the block (waiting for it first if all are taken); yields whether one was given."""
        mine = {"priority": priority, "held": self._take(priority)}
        stack = self._stack()
        stack.append(mine)
        try:
            yield mine["held"]
        finally:
            stack.remove(mine)
            if mine["held"]:
                self._give_back()

    @contextmanager
    def aside(self):
        """Give this thread's turn back for a slow block that need not hold up other runs, then wait for one again.

        Outside a turn it does nothing."""
        stack = self._stack()
        mine = stack[-1] if stack else None
        if mine is None or not mine["held"]:
            yield
            return
        mine["held"] = False
        self._give_back()
        try:
            yield
        finally:
            mine["held"] = self._take(mine["priority"])

    def _stack(self) -> list[dict]:
        if not hasattr(self._mine, "stack"):
            self._mine.stack = []
        return self._mine.stack

    def _take(self, priority: float) -> bool:
        with self._lock:
            if self._free > 0 and not any(entry[2] is not None for entry in self._waiting):
                self._free -= 1
                return True
            event = threading.Event()
            entry = [priority, next(self._order), event]
            heapq.heappush(self._waiting, entry)
        if event.wait(self.max_wait):
            return True  # handed over by _give_back, which already counted it as taken
        with self._lock:
            if event.is_set():  # handed over just as the wait ran out
                return True
            entry[2] = None  # gave up: _give_back skips it
            return False

    def _give_back(self) -> None:
        with self._lock:
            while self._waiting:
                _, _, event = heapq.heappop(self._waiting)
                if event is not None:
                    event.set()  # the turn passes straight to the first waiter
                    return
            self._free += 1
