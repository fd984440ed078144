"""Protocol-level sessions through a load balancer: which replica served each one, and did it finish.

Each session opens /_stcore/stream through nginx (deploy/), reads the X-Replica header nginx adds to the
websocket handshake, runs the overview and one more page, and reports (finished, seconds, replica).
Used by tests/e2e/test_replicas.py and bench/replicas.py. Only 127.0.0.1 is contacted; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import websockets

from wsload import _run_page


async def session(port: int, page: str, timeout: float = 120.0) -> tuple[bool, float, str | None]:
    """Run the overview then `page` in one session through `port`; return (finished, seconds, replica)."""
    t0 = time.perf_counter()
    replica = None
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=None, open_timeout=timeout, ping_interval=None) as ws:
            # nginx lists every replica it tried ("A, B" when A was down): the last one served the session.
            replica = (ws.response.headers.get("X-Replica") or "").split(",")[-1].strip() or None
            await _run_page(ws, "", timeout)
            await _run_page(ws, page, timeout)
        return True, time.perf_counter() - t0, replica
    except (OSError, asyncio.TimeoutError, websockets.WebSocketException):
        return False, time.perf_counter() - t0, replica


async def crowd(port: int, n: int, pages: list[str], timeout: float = 120.0) -> dict:
    """Open n sessions at once through `port`; return how many finished, p50/p95 seconds and sessions per replica."""
    results = await asyncio.gather(*(session(port, pages[i % len(pages)], timeout) for i in range(n)))
    done = [t for ok, t, _ in results if ok]
    per_replica: dict[str, int] = {}
    for ok, _, replica in results:
        if ok:
            per_replica[replica or "?"] = per_replica.get(replica or "?", 0) + 1
    return {"sessions": n, "finished": len(done), "per_replica": per_replica,
            "p50_s": statistics.median(done) if done else None,
            "p95_s": statistics.quantiles(done, n=20)[18] if len(done) >= 20 else (max(done) if done else None)}
