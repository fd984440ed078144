"""Two replicas of the app behind Debian's nginx (deploy/), sharing one PostgreSQL: the way it scales out.

Protocol-level sessions through nginx all finish and are spread over both replicas; a presenter on one replica and
a student on the other are in the same class; killing a replica mid-class loses no stored answer, and new
sessions go to the survivor. bench/replicas.py runs the same with 100 sessions and prints the figures.
"""

import asyncio
import concurrent.futures
import os
import signal
import socket
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy import replicas
from ketamine_evidence import classroom as cr
from tests.pgserver import throwaway_postgres

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from replica_load import crowd  # noqa: E402

from .test_live_class import _answer_choice, _start_class  # noqa: E402


def _free_block(n: int) -> int:
    """Return a port p such that p..p+n are free on loopback (nginx on p, replicas after it)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + n >= 65000:
            continue
        try:
            socks = []
            for p in range(base, base + n + 1):
                t = socket.socket()
                t.bind(("127.0.0.1", p))
                socks.append(t)
            return base
        except OSError:
            continue
        finally:
            for t in socks:
                t.close()
    raise RuntimeError("no free block of ports")


def _crowd(port: int, n: int, pages: list[str]) -> dict:
    """Run a crowd in a thread of its own: Playwright's sync API holds this thread's event loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(crowd(port, n, pages, timeout=120))).result()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with throwaway_postgres() as db:
        run = tmp_path_factory.mktemp("replicas")
        port = _free_block(2)
        record = replicas.start(2, port, db, run)
        try:
            yield record, db, port
        finally:
            replicas.stop(run, record)


def test_sessions_through_nginx_all_finish_and_are_spread_over_both_replicas(cluster):
    record, _, port = cluster
    result = _crowd(port, 20, ["Onset", "Durability"])
    assert result["finished"] == 20, result
    ports = {f"127.0.0.1:{r['port']}" for r in record["replicas"]}
    assert set(result["per_replica"]) == ports, result  # both replicas served sessions
    assert min(result["per_replica"].values()) >= 3, result


def test_a_presenter_and_a_student_on_different_replicas_share_a_class_and_a_dead_replica_loses_nothing(
        cluster, make_page, page_errors):
    record, db, port = cluster
    a, b = (f"http://127.0.0.1:{r['port']}" for r in record["replicas"])
    presenter, room, _ = _start_class(a, make_page)  # on replica A, directly
    student = make_page(390, 844)
    student.goto(f"{b}/Join_class?room={room}")  # on replica B
    expect(student.get_by_text("Question 1 of 9")).to_be_visible(timeout=30_000)
    _answer_choice(student, "About the same")
    expect(presenter.get_by_text("1 answer so far")).to_be_visible(timeout=20_000)

    os.killpg(record["replicas"][0]["pid"], signal.SIGKILL)  # replica A dies mid-class
    store = cr.ClassStore(cr.make_engine(db))
    assert store.answers(room, 1) == ["About the same"]  # the stored answer survives its replica
    result = _crowd(port, 10, ["Onset"])  # new sessions through nginx
    assert result["finished"] == 10, result
    assert set(result["per_replica"]) == {f"127.0.0.1:{record['replicas'][1]['port']}"}, result
    store.engine.dispose()
    page_errors[:] = [e for e in page_errors if str(record["replicas"][0]["port"]) not in e]  # A's page lost its server
    assert not page_errors, page_errors
