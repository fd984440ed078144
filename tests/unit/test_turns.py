"""Turns for page runs: bounded at once, first-arrived session first, and nobody waits forever."""

import threading
import time

import pytest

from ketamine_evidence import turns


def _wait_until(check, limit=5.0):
    end = time.monotonic() + limit
    while not check():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.005)


def test_a_freed_turn_goes_to_the_session_that_arrived_first_not_to_whoever_asked_first():
    gate = turns.Turns(slots=1)
    order, threads = [], []
    with gate.turn(0.0):
        # Sessions that arrived at t=3, 1, 2 ask in that order while the one turn is held (e.g. a second page of
        # the session that arrived at t=1 asks after the first page of the one that arrived at t=3).
        for arrived in (3.0, 1.0, 2.0):
            def run(arrived=arrived):
                with gate.turn(arrived):
                    order.append(arrived)
            threads.append(threading.Thread(target=run))
            threads[-1].start()
            _wait_until(lambda n=len(threads): gate.waiting == n)
    for t in threads:
        t.join(5)
    assert order == [1.0, 2.0, 3.0]
    assert gate.running == 0 and gate.waiting == 0


def test_no_more_than_the_set_number_of_runs_proceed_at_once_and_all_finish():
    gate = turns.Turns(slots=2)
    now, peak, done, lock = [0], [0], [], threading.Lock()

    def run(i):
        with gate.turn(float(i)) as held:
            assert held
            with lock:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
            time.sleep(0.01)
            with lock:
                now[0] -= 1
        done.append(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(done) == list(range(20))
    assert peak[0] == 2


def test_a_run_that_waits_too_long_goes_ahead_without_a_turn_and_takes_none_later():
    gate = turns.Turns(slots=1, max_wait=0.05)
    with gate.turn(0.0):
        t0 = time.monotonic()
        with gate.turn(1.0) as held:
            assert held is False  # went ahead: a stuck run slows others, it never stops them
        assert time.monotonic() - t0 < 2
        assert gate.waiting == 0
    assert gate.running == 0  # the turn held above came back; the one given up was never counted
    with gate.turn(2.0) as held:
        assert held is True


def test_an_error_inside_a_turn_gives_it_back():
    gate = turns.Turns(slots=1, max_wait=0.05)
    with pytest.raises(RuntimeError):
        with gate.turn(0.0):
            raise RuntimeError("page failed")
    with gate.turn(1.0) as held:
        assert held is True


@pytest.mark.parametrize("raw, expected", [("", 1), ("1", 1), ("8", 8), ("0", 1), ("-3", 1), ("two", 1), ("65", 1)])
def test_page_runs_at_once_come_from_the_environment_when_sensible(monkeypatch, raw, expected):
    monkeypatch.setenv("KETAMINE_PAGE_RUNS", raw)
    assert turns.slots_from_env() == expected


def test_slow_work_steps_aside_so_other_runs_go_on_and_then_takes_a_turn_again():
    gate = turns.Turns(slots=1, max_wait=5)
    other_ran = threading.Event()
    with gate.turn(0.0) as held:
        assert held
        with gate.aside():  # e.g. checking a 20,000-row upload
            assert gate.running == 0
            def other():
                with gate.turn(1.0):
                    other_ran.set()
            t = threading.Thread(target=other)
            t.start()
            assert other_ran.wait(2), "another session's run waited behind slow work"
            t.join(2)
        assert gate.running == 1  # the rest of the page runs in a turn again
    assert gate.running == 0 and gate.waiting == 0
    with gate.aside():  # outside a turn: nothing to give back
        assert gate.running == 0
