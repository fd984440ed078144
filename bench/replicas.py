"""Scale-out figures: two replicas of the app behind Debian's nginx (deploy/), one throwaway PostgreSQL.

    .venv/bin/python bench/replicas.py [--sessions 100] [--replicas 2]

Prints: how many of N protocol-level sessions through nginx finished (overview then a second page, 120 s each),
how they were spread over the replicas, p50/p95 seconds; then, with a class in the shared database holding one
answer per simulated student, one replica is killed mid-run: answers stored before and after (none may be lost)
and a second crowd's spread (every new session must land on the survivor). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from deploy import replicas  # noqa: E402
from ketamine_evidence import classroom as cr  # noqa: E402
from ketamine_evidence.teaching import questions, read_sequence  # noqa: E402
from replica_load import crowd  # noqa: E402
from tests.pgserver import throwaway_postgres  # noqa: E402


def free_port() -> int:
    """Return a free loopback port well below the replicas' ports."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--replicas", type=int, default=2)
    a = ap.parse_args(argv)
    q = questions(read_sequence())[2]
    with throwaway_postgres() as db:
        run = Path(tempfile.mkdtemp(prefix="replicas-bench-"))
        port = free_port()
        t0 = time.perf_counter()
        record = replicas.start(a.replicas, port, db, run)
        print(f"{a.replicas} replicas + nginx healthy in {time.perf_counter() - t0:.1f} s (load {os.getloadavg()[0]:.1f})")
        try:
            first = asyncio.run(crowd(port, a.sessions, ["Onset", "Durability", "Non_response", "Side_effects"]))
            print(f"sessions through nginx: {first['finished']}/{first['sessions']} finished, "
                  f"p50 {first['p50_s']:.1f} s, p95 {first['p95_s']:.1f} s, per replica {first['per_replica']}")
            store = cr.ClassStore(cr.make_engine(db))
            room, secret = store.create()
            store.set_step(room, secret, q.step, False)
            tokens = [cr.new_token() for _ in range(40)]
            for i, t in enumerate(tokens[:20]):
                store.answer(room, t, q, i)
            os.killpg(record["replicas"][0]["pid"], signal.SIGKILL)
            for i, t in enumerate(tokens[20:], start=20):
                store.answer(room, t, q, i)
            stored = store.answers(room, q.step)
            print(f"replica {record['replicas'][0]['port']} killed mid-class: answers stored {len(stored)} of 40 "
                  f"sent (20 before, 20 after), lost {40 - len(stored)}")
            second = asyncio.run(crowd(port, 20, ["Onset"]))
            print(f"new sessions after the kill: {second['finished']}/{second['sessions']} finished, "
                  f"per replica {second['per_replica']}")
            store.engine.dispose()
            ok = first["finished"] == first["sessions"] and len(stored) == 40 and second["finished"] == 20
        finally:
            replicas.stop(run, record)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
