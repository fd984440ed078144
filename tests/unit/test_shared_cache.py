"""The shared view cache builds a missing result once, however many sessions ask for it at the same moment (a
replica's 200 phones arriving together at a reveal each built it before), and a failed build does not block."""

import threading
import time

import pytest

from ketamine_evidence.ui.cache import Shared


def test_sessions_asking_at_once_wait_for_one_build():
    cache, calls, results = Shared(4), [], []

    def make():
        calls.append(1)
        time.sleep(0.2)  # long enough that every asker arrives while it is being built
        return object()

    threads = [threading.Thread(target=lambda: results.append(cache.get("reveal", make))) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(calls) == 1 and len(results) == 12 and len({id(r) for r in results}) == 1


def test_a_failed_build_lets_the_waiters_build_it_themselves():
    cache, calls = Shared(4), []
    started = threading.Event()

    def broken():
        calls.append("broken")
        started.set()
        time.sleep(0.1)
        raise RuntimeError("lost the database")

    got = []
    first = threading.Thread(target=lambda: pytest.raises(RuntimeError, cache.get, "k", broken))
    first.start()
    started.wait(2)
    second = threading.Thread(target=lambda: got.append(cache.get("k", lambda: calls.append("fine") or 42)))
    second.start()
    first.join(5)
    second.join(5)
    assert got == [42] and calls == ["broken", "fine"]
    assert cache.get("k", lambda: 0) == 42  # kept once built


def test_the_cache_stays_bounded_least_recently_used_first():
    cache = Shared(2)
    for k in "abc":
        cache.get(k, lambda k=k: k)
    assert "a" not in cache and "b" in cache and "c" in cache
