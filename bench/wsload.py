"""A load client that speaks Streamlit's own websocket protocol (the proto classes that ship inside Streamlit).

Each simulated user opens /_stcore/stream, asks for the overview, waits for script_finished, then asks for one
other page and waits again, as a browser tab would. A session counts as finished only when both pages finished
within `timeout` seconds of its start (one deadline for the whole session); anything else (a timeout, a refused or
dropped connection, any other error) is counted as failed with its reason, never raised. Only 127.0.0.1 is ever
contacted; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import collections
import statistics
import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


async def _run_page(ws, page_name: str, timeout: float) -> float:
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page_name
    t0 = time.perf_counter()
    await ws.send(msg.SerializeToString())
    deadline = t0 + timeout
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.perf_counter()))
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        if fwd.WhichOneof("type") == "script_finished":
            return time.perf_counter() - t0


async def user(port: int, other_page: str, timeout: float = 120.0) -> tuple[bool, float, str]:
    """Run the overview then another page in one session; return (finished, seconds, failure reason or "")."""
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    t0 = time.perf_counter()
    left = lambda: max(0.1, t0 + timeout - time.perf_counter())
    try:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=left(),
                                      ping_interval=None, close_timeout=5) as ws:
            await _run_page(ws, "", left())
            await _run_page(ws, other_page, left())
        took = time.perf_counter() - t0
        return (True, took, "") if took <= timeout else (False, took, "over the deadline")
    except TimeoutError:
        return False, time.perf_counter() - t0, "timeout"
    except Exception as err:  # noqa: BLE001 - a load test counts failures, it does not stop on them
        return False, time.perf_counter() - t0, type(err).__name__


async def crowd(port: int, n: int, pages: list[str], timeout: float = 120.0) -> dict:
    """Open n sessions at once; return how many finished within `timeout` each, p50/p95 seconds of those that did,
    and the failures counted by reason."""
    results = await asyncio.gather(*(user(port, pages[i % len(pages)], timeout) for i in range(n)))
    ok = [t for good, t, _ in results if good]
    return {
        "sessions": n, "succeeded": len(ok), "failed": n - len(ok), "timeout_s": timeout,
        "failures": dict(collections.Counter(why for good, _, why in results if not good)),
        "p50_s": statistics.median(ok) if ok else None,
        "p95_s": statistics.quantiles(ok, n=20)[18] if len(ok) >= 20 else (max(ok) if ok else None),
    }
