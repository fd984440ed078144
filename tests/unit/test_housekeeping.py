"""Expired classes are deleted on a schedule (ketamine_evidence/housekeeping.py), not only when a class starts.

A fake clock moves the class past its expiry; the schedule runs every few hundredths of a second, and every wait is
on the purger's own tick event, bounded at a couple of seconds, so the tests take well under a second.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from ketamine_evidence import classroom as cr
from ketamine_evidence import housekeeping
from ketamine_evidence.teaching import Question

PERCENT = Question(step=2, title="t", text="q", label="Responders per 100", kind="number", lo=0, hi=100,
                   increment=1, unit="%", reveal_rows=("han2016-1",))
FAST = 0.02 / 60  # minutes: a tick every 20 ms


class Clock:
    def __init__(self):
        self.now = datetime(2026, 12, 2, 9, 0, 0)

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def no_purger_left():
    housekeeping.stop()
    yield
    housekeeping.stop()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    engine = cr.make_engine(f"sqlite:///{tmp_path / 'class.sqlite'}")
    yield cr.ClassStore(engine, clock=clock, delays=())
    engine.dispose()


def wait_for(purger: housekeeping.Purger, condition, limit: float = 2.0) -> None:
    """Wait on the purger's ticks until `condition()` holds; fail after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the purger did not get there in time"
        purger.ticked.clear()
        purger.ticked.wait(0.05)


def rows(store: cr.ClassStore, table: sa.Table, room: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.room == room)).scalar_one()


def test_an_expired_class_and_its_answers_are_deleted_on_schedule_without_a_new_class_starting(store, clock):
    old, old_secret = store.create(PERCENT.step)
    store.answer(old, cr.new_token(), PERCENT, 40)
    clock.now += timedelta(hours=cr.SESSION_HOURS - 1)
    young, _ = store.create(PERCENT.step)  # started an hour before the old one expires
    store.answer(young, cr.new_token(), PERCENT, 60)
    clock.now += timedelta(hours=2)  # the old class expired an hour ago; the young one runs for 10 more hours
    assert rows(store, cr.answers_table, old) == 1  # nothing deletes it until the schedule runs

    purger = housekeeping.start(store.purge_expired, minutes=FAST)
    wait_for(purger, lambda: purger.runs >= 2)

    assert rows(store, cr.sessions_table, old) == 0 and rows(store, cr.answers_table, old) == 0
    assert rows(store, cr.sessions_table, young) == 1 and rows(store, cr.answers_table, young) == 1
    with store.engine.connect() as conn:  # and no class was started to make it happen
        assert conn.execute(sa.select(sa.func.count()).select_from(cr.sessions_table)).scalar_one() == 1


def test_starting_from_many_sessions_at_once_runs_one_thread():
    calls = []
    started = []
    threads = [threading.Thread(target=lambda: started.append(housekeeping.start(lambda: calls.append(1),
                                                                                minutes=FAST)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    started.append(housekeeping.start(lambda: calls.append(1), minutes=FAST))  # a later rerun
    assert len({id(p) for p in started}) == 1
    assert sum(1 for t in threading.enumerate() if t.name == "ketamine-purge") == 1
    wait_for(started[0], lambda: started[0].runs >= 2)


def test_a_failing_purge_is_logged_not_raised_and_the_thread_keeps_going(caplog):
    calls = []

    def purge():
        calls.append(1)
        if len(calls) == 1:
            raise cr.StoreUnavailable("The class database is busy or out of reach just now.")

    with caplog.at_level(logging.ERROR, logger=housekeeping.__name__):
        purger = housekeeping.start(purge, minutes=FAST)
        wait_for(purger, lambda: purger.runs >= 3)
    assert purger.alive() and purger.failures == 1 and len(calls) >= 3
    assert any("Purging expired live classes failed" in r.getMessage() and r.exc_info for r in caplog.records)


def test_stop_ends_the_thread_and_a_later_start_begins_a_new_one():
    first = housekeeping.start(lambda: None, minutes=FAST)
    housekeeping.stop()
    assert not first.alive()
    second = housekeeping.start(lambda: None, minutes=FAST)
    assert second is not first and second.alive()


def test_the_interval_is_read_from_the_environment():
    assert housekeeping.interval_minutes({}) == housekeeping.DEFAULT_MINUTES == 10
    assert housekeeping.interval_minutes({housekeeping.PURGE_MINUTES_ENV: "2.5"}) == 2.5
    assert housekeeping.interval_minutes({housekeeping.PURGE_MINUTES_ENV: "soon"}) == 10  # a typo keeps the default


def test_zero_minutes_turns_the_schedule_off(monkeypatch):
    monkeypatch.setenv(housekeeping.PURGE_MINUTES_ENV, "0")
    assert housekeeping.start(lambda: None) is None
    assert not any(t.name == "ketamine-purge" for t in threading.enumerate())


def test_the_pages_class_store_starts_the_schedule_once(monkeypatch, store):
    from ketamine_evidence.ui import live

    monkeypatch.setattr(cr, "store_for", lambda url=None: store)
    assert live.store() is store and live.store() is store  # every session's call, as on each rerun
    purger = housekeeping._running
    assert purger is not None and purger.alive() and purger.seconds == housekeeping.DEFAULT_MINUTES * 60
    wait_for(purger, lambda: purger.runs >= 1)  # the first purge runs at once, on this process's store
    assert purger.failures == 0
