"""A load client that speaks Streamlit's own websocket protocol (the proto classes that ship inside Streamlit).

Each simulated user opens /_stcore/stream, asks for the overview, waits for script_finished, then asks for one
other page and waits again, as a browser tab would. Only 127.0.0.1 is ever contacted; every wait is bounded.
"""

from __future__ import annotations

import asyncio
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


async def user(port: int, other_page: str, timeout: float = 120.0) -> tuple[bool, float]:
    """Run the overview then another page in one session; return (finished, seconds to finish both)."""
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    t0 = time.perf_counter()
    try:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout,
                                      ping_interval=None) as ws:
            await _run_page(ws, "", timeout)
            await _run_page(ws, other_page, timeout)
        return True, time.perf_counter() - t0
    except (OSError, asyncio.TimeoutError, websockets.WebSocketException):
        return False, time.perf_counter() - t0


async def crowd(port: int, n: int, pages: list[str]) -> dict:
    """Open n sessions at once; return success count and p50/p95 seconds."""
    results = await asyncio.gather(*(user(port, pages[i % len(pages)]) for i in range(n)))
    ok = [t for good, t in results if good]
    return {
        "sessions": n, "succeeded": len(ok),
        "p50_s": statistics.median(ok) if ok else None,
        "p95_s": statistics.quantiles(ok, n=20)[18] if len(ok) >= 20 else (max(ok) if ok else None),
    }
