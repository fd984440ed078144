"""Load benchmark for the live class: N students answer one question at once while the presenter watches the count.

    .venv/bin/python bench/live_class.py                  # 40 students, SQLite then PostgreSQL
    .venv/bin/python bench/live_class.py --students 80 --backend sqlite

For each backend a fresh `streamlit run app.py` is started on 127.0.0.1 (SQLite in a temp state folder, or a
throwaway PostgreSQL cluster through KETAMINE_CLASS_DB). The bench creates a class with the store itself and moves
it to the first number question. Then, over Streamlit's own websocket protocol (the BackMsg/ForwardMsg protos that
ship inside Streamlit), it behaves as the browsers in a classroom would:

- one presenter tab opens /Presenter?class=..&key=..&step=.. and, like the frontend, reruns its live-count fragment
  every `run_every` seconds (a rerun_script carrying the fragment id that the server announced in an auto_rerun
  message, with is_auto_rerun set);
- N student tabs open /Join_class?room=..&me=<token> at once, keep refreshing their question fragment the same way,
  and answer once: a rerun_script scoped to the fragment the widgets live in, carrying the slider's value (a
  double_array_value of one number, as the frontend's slider sends it) and the Send button's trigger_value.

A read-only connection polls the database every POLL_SECONDS to see when each token's answer is committed. Once all
are in, every tab stays open and refreshing for --hold seconds, as a class waiting for the reveal would. Printed per
backend: answers sent, stored, lost (not stored within --timeout seconds), doubled or stored with another value,
seconds from send to stored, what the students and the presenter were shown and how fast their fragments refreshed,
and the CPU seconds of the server (process and children), of PostgreSQL and of everything else on the machine; the
figures also go to bench/out/live_class.json. --streamlit-option NAME=VALUE passes a server flag, to compare a
setting against the app as served. Benchmarks print figures; the test suite never asserts them. Exit status 1
only when an answer was lost, doubled or changed. Every wait is bounded; a failure is counted, never raised.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import psutil
import sqlalchemy as sa
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import OUT, free_port, start_server, stop, wait_healthy

from ketamine_evidence import classroom
from ketamine_evidence.teaching import questions, read_sequence
from tests.pgserver import throwaway_postgres

POLL_SECONDS = 0.05  # resolution of "stored at"
PAGE_TIMEOUT = 120.0  # one page's first run, on a loaded 2-core machine
SO_FAR = re.compile(r"\*\*(\d+) answers? so far\*\*")  # the presenter's live count
ERROR_NEEDLES = ("Something went wrong", "could not be drawn")  # the page's and the fragment's error boundaries


# ---------------------------------------------------------------- one browser tab over the websocket

class Tab:
    """One browser tab: sends reruns as Streamlit's frontend does and keeps what it keeps from the ForwardMsgs."""

    def __init__(self, ws):
        self.ws = ws
        self.page_hash = ""  # the current page, from new_session / navigation
        self.query = ""  # the URL's query string, as the app last set it (page_info_changed)
        self.widgets: dict[str, str] = {}  # element id -> id of the fragment it was drawn in ("" outside one)
        self.kept: dict[str, WidgetState] = {}  # widget values the frontend resends with every rerun
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> (interval, its run_every loop)
        self.pending: list[float] = []  # perf_counter of reruns sent and not yet finished
        self.runs: list[tuple[float, float]] = []  # (wall time finished, seconds since the oldest pending send)
        self.finished = 0  # script runs finished (full or fragment)
        self.auto_sent = 0  # run_every reruns sent
        self.texts: list[tuple[float, str]] = []  # (wall time, body) of every markdown and alert drawn
        self.error: str | None = None
        self._changed = asyncio.Event()

    async def read(self) -> None:
        """Handle every ForwardMsg until the socket closes."""
        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except websockets.ConnectionClosed:
            pass
        except Exception as err:  # noqa: BLE001 - a bench counts failures, it does not crash on them
            self.error = f"reader: {type(err).__name__}: {err}"
        finally:
            for _, task in self.timers.values():
                task.cancel()

    def _handle(self, msg: ForwardMsg) -> None:
        """Keep what the frontend keeps from one ForwardMsg; start a fragment's timer when the server asks."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._every(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                _, task = self.timers.pop(fragment_id, (None, None))
                if task:
                    task.cancel()
        elif kind == "script_finished":
            if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # an interrupted run is not an answer
                self.finished += 1
                if self.pending:
                    self.runs.append((time.time(), time.perf_counter() - self.pending[0]))
                    self.pending.clear()
                self._changed.set()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            body = getattr(element, element.WhichOneof("type"))
            if getattr(body, "id", ""):
                self.widgets[body.id] = msg.delta.fragment_id
                self._changed.set()
            if element.WhichOneof("type") in ("markdown", "alert"):
                self.texts.append((time.time(), body.body))

    def _every(self, fragment_id: str, interval: float) -> None:
        """Rerun a fragment every `interval` seconds, as the frontend's setInterval does (a repeat is ignored)."""
        if fragment_id in self.timers and self.timers[fragment_id][0] == interval:
            return
        if fragment_id in self.timers:
            self.timers[fragment_id][1].cancel()

        async def loop():
            """Send the fragment's rerun every `interval` seconds, whether or not the last one has finished."""
            while True:
                await asyncio.sleep(interval)
                self.auto_sent += 1
                await self.rerun(fragment_id=fragment_id, auto=True)

        self.timers[fragment_id] = (interval, asyncio.create_task(loop()))

    async def rerun(self, *, query: str | None = None, page_name: str = "", fragment_id: str = "",
                    auto: bool = False, triggers: tuple[WidgetState, ...] = ()) -> None:
        """Send a rerun_script: the kept widget values plus one-off triggers, scoped to a fragment if given."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query if query is None else query
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else page_name
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.widget_states.widgets.extend([*self.kept.values(), *triggers])
        self.pending.append(time.perf_counter())
        await self.ws.send(msg.SerializeToString())

    async def open_page(self, page_name: str, query: str, timeout: float) -> float:
        """Open a page with a query string; return seconds until its first run finished."""
        t0 = time.perf_counter()
        await self.rerun(query=query, page_name=page_name)
        await self.wait_until(lambda: self.finished >= 1, timeout)
        return time.perf_counter() - t0

    async def wait_until(self, condition, timeout: float) -> None:
        """Wait until `condition()` holds (checked on each run finished and widget drawn), at most `timeout` s."""
        deadline = time.perf_counter() + timeout
        while not condition():
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), max(0.01, deadline - time.perf_counter()))

    def widget(self, key: str) -> tuple[str, str] | None:
        """Return (element id, fragment id) of the widget with this user key (the key ends the id)."""
        found = [(wid, frag) for wid, frag in self.widgets.items() if wid.endswith("-" + key)]
        return found[-1] if found else None

    def texts_since(self, t: float, needle: str) -> list[tuple[float, str]]:
        """Return the markdown and alert bodies drawn after wall time `t` that contain `needle`."""
        return [(at, text) for at, text in self.texts if at >= t and needle in text]


def connect(port: int):
    """Open the app's websocket as the frontend does."""
    return websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                              open_timeout=PAGE_TIMEOUT, close_timeout=2, ping_interval=None)


# ---------------------------------------------------------------- the classroom

async def presenter(port: int, query: str, ready: asyncio.Event, done: asyncio.Event, out: dict) -> None:
    """Open the presenter page, signal when it has run once, and keep its live count refreshing until `done`."""
    try:
        async with connect(port) as ws:
            tab = Tab(ws)
            out["tab"] = tab
            reader = asyncio.create_task(tab.read())
            out["first_run_s"] = await tab.open_page("Presenter", query, PAGE_TIMEOUT)
            if not tab.timers or not any(SO_FAR.search(text) for _, text in tab.texts):
                out["error"] = "the presenter page shows no live count"
            ready.set()
            await done.wait()
            reader.cancel()
    except Exception as err:  # noqa: BLE001
        out["error"] = f"{type(err).__name__} {err}".strip()
    finally:
        ready.set()


def slider_state(element_id: str, value: float) -> WidgetState:
    """Return a slider's widget state as the frontend sends it (a one-number double array)."""
    state = WidgetState(id=element_id)
    state.double_array_value.data.append(value)
    return state


async def student(port: int, room: str, step: int, value: float, done: asyncio.Event, out: dict) -> None:
    """Open the join page with a fresh token, answer `value` once, and stay on the page until `done`."""
    token = classroom.new_token()
    out.update(token=token, value=value, sent_at=None)
    stage = "connecting"
    try:
        async with connect(port) as ws:
            tab = Tab(ws)
            out["tab"] = tab
            reader = asyncio.create_task(tab.read())
            stage = f"loading the page (bound {PAGE_TIMEOUT:g} s)"
            out["load_s"] = await tab.open_page("Join_class", urlencode({"room": room, "me": token}), PAGE_TIMEOUT)
            # The question is drawn by a fragment; a student waits until its slider and button are on screen.
            stage = f"waiting for the question's slider and Send button (bound {PAGE_TIMEOUT:g} s in all)"
            key = f"class_answer_{room}_{step}"
            await tab.wait_until(lambda: tab.widget(key) and tab.widget(f"{key}_send"), PAGE_TIMEOUT - out["load_s"])
            stage = "answering"
            slider, button = tab.widget(key), tab.widget(f"{key}_send")
            if slider[1] != button[1]:
                raise LookupError("the slider and the Send button are in different fragments")
            tab.kept[slider[0]] = slider_state(slider[0], value)  # the slider keeps its value, as in the browser
            out["sent_at"] = time.time()
            await tab.rerun(fragment_id=slider[1], triggers=(WidgetState(id=button[0], trigger_value=True),))
            await done.wait()
            reader.cancel()
    except Exception as err:  # noqa: BLE001
        out["error"] = f"{stage}: {type(err).__name__} {err}".strip()


def read_only_engine(url: str) -> sa.Engine:
    """Return an engine that cannot write: SQLite opened read-only, or PostgreSQL with read-only transactions."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        return sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    return sa.create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})


def stored_rows(engine: sa.Engine, room: str) -> list[tuple[str, int, float | None]]:
    """Return (token, step, number) of every answer stored in this class."""
    t = classroom.answers_table
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(t.c.token, t.c.step, t.c.number).where(t.c.room == room))]


def watch(engine: sa.Engine, room: str, step: int, seen: dict, stop_flag: threading.Event, errors: list) -> None:
    """Poll the answers until `stop_flag`; note the wall time each token's answer was first seen."""
    while not stop_flag.is_set():
        try:
            now = time.time()
            for token, at_step, _ in stored_rows(engine, room):
                if at_step == step:
                    seen.setdefault(token, now)
        except Exception as err:  # noqa: BLE001
            errors.append(f"{type(err).__name__}: {err}")
        stop_flag.wait(POLL_SECONDS)


def cpu_seconds(proc: psutil.Process) -> float:
    """Return user + system CPU seconds of a process and its children."""
    total = 0.0
    for p in (proc, *proc.children(recursive=True)):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def own_cpu_seconds() -> float:
    """Return user + system CPU seconds of this process alone (the server is its child, counted apart)."""
    t = psutil.Process().cpu_times()
    return t.user + t.system


def database_process(url: str) -> psutil.Process | None:
    """Return PostgreSQL's postmaster for a throwaway cluster's URL (its backends are its children), else None."""
    folder = re.search(r"host=([^&]+)", url)
    pid_file = Path(folder.group(1)) / "data" / "postmaster.pid" if folder else None
    if pid_file is None or not pid_file.exists():
        return None
    return psutil.Process(int(pid_file.read_text().split()[0]))


def machine_busy() -> float:
    """Return the CPU seconds all cores have spent busy since boot."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def pct(values: list[float], q: float) -> float | None:
    """Return the q-th percentile (0-100) of values, or None if there are none."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def snapshot(server: psutil.Process, db: psutil.Process | None) -> dict:
    """Return the CPU counters now: the app server, the database cluster, this bench, the whole machine."""
    return {"at": time.time(), "server": cpu_seconds(server), "database": cpu_seconds(db) if db else 0.0,
            "bench": own_cpu_seconds(), "machine": machine_busy()}


def spent(before: dict, after: dict) -> dict:
    """Return what was used between two snapshots (seconds of wall time and of CPU)."""
    used = {k: after[k] - before[k] for k in before}
    used["other"] = used.pop("machine") - used["server"] - used["database"] - used["bench"]
    used["wall"] = used.pop("at")
    return used


async def lesson(port: int, url: str, n: int, timeout: float, hold: float, server: psutil.Process) -> dict:
    """Run one class against a started server; return its figures."""
    q = next(q for q in questions(read_sequence()).values() if q.kind == "number")
    store = classroom.ClassStore(classroom.make_engine(url))
    room, secret = store.create()
    store.set_step(room, secret, q.step, False)
    store.engine.dispose()
    position = [int(s) for s in read_sequence()["step"]].index(q.step) + 1  # the presenter's link counts rows from 1
    grid = round((q.hi - q.lo) / q.increment) + 1
    values = [q.lo + (i % grid) * q.increment for i in range(n)]  # a distinct value per student, on the slider's grid

    ready, done = asyncio.Event(), asyncio.Event()
    shown: dict = {}
    lead = asyncio.create_task(presenter(port, urlencode({"class": room, "key": secret, "step": position}),
                                         ready, done, shown))
    await ready.wait()  # set once the presenter's page has run, or failed (its waits are bounded)

    engine = read_only_engine(url)
    seen: dict[str, float] = {}
    poll_errors: list[str] = []
    stop_flag = threading.Event()
    poller = threading.Thread(target=watch, args=(engine, room, q.step, seen, stop_flag, poll_errors), daemon=True)
    poller.start()

    db = database_process(url)
    load = os.getloadavg()
    s0 = snapshot(server, db)
    kids = [{} for _ in range(n)]
    crowd = [asyncio.create_task(student(port, room, q.step, values[i], done, kids[i])) for i in range(n)]

    # Answering: until every student has sent or failed and every sent answer is stored, or `timeout` after the
    # last send.
    deadline = s0["at"] + PAGE_TIMEOUT + timeout
    while time.time() < deadline:
        await asyncio.sleep(0.1)
        settled = all(k.get("sent_at") or k.get("error") for k in kids)
        sent = [k for k in kids if k.get("sent_at")]
        if settled and all(k["token"] in seen for k in sent):
            break
        if settled and sent:
            deadline = min(deadline, max(k["sent_at"] for k in sent) + timeout)
    s1 = snapshot(server, db)
    stop_flag.set()
    poller.join(timeout=5)

    # Holding: every phone and the presenter stay on the page, refreshing, as in a class that waits for the reveal.
    await asyncio.sleep(hold)
    s2 = snapshot(server, db)
    done.set()
    await asyncio.wait(crowd + [lead], timeout=15)
    rows = []
    try:
        rows = stored_rows(engine, room)
    except Exception as err:  # noqa: BLE001
        poll_errors.append(f"final read: {type(err).__name__}: {err}")
    engine.dispose()
    return {"room": room, "students": n, "load_before": load, **figures(kids, seen, rows, q.step, shown, poll_errors),
            **windows(n, spent(s0, s1), spent(s0, s2), shown.get("tab"), seen)}


def figures(kids: list[dict], seen: dict, rows: list, step: int, shown: dict, poll_errors: list) -> dict:
    """Return the answers' figures: sent, stored, lost, doubled, wrong, and how long each took."""
    sent = {k["token"]: k for k in kids if k.get("sent_at")}
    per_token: dict[str, list[float | None]] = {}
    unexpected = 0
    for token, at_step, number in rows:
        if at_step != step or token not in sent:
            unexpected += 1
        else:
            per_token.setdefault(token, []).append(number)
    stored = [t for t in sent if t in seen]
    delays = sorted(seen[t] - sent[t]["sent_at"] for t in stored)
    tabs = [k["tab"] for k in kids if k.get("tab")]
    errors: dict[str, int] = {}
    for error in [k.get("error") for k in kids] + [tab.error for tab in tabs]:
        if error:
            errors[error[:120]] = errors.get(error[:120], 0) + 1
    confirm = [min(at for at, _ in hits) - k["sent_at"] for k in sent.values()
               if k.get("tab") and (hits := k["tab"].texts_since(k["sent_at"], "Your answer:"))]
    loads = [k["load_s"] for k in kids if "load_s" in k]
    first_sent = min((k["sent_at"] for k in sent.values()), default=None)
    return {
        "sent": len(sent), "stored": len(stored), "lost": len(sent) - len(stored),
        "doubled": sum(1 for v in per_token.values() if len(v) > 1),
        "wrong_value": sum(1 for t, numbers in per_token.items() if any(v != sent[t]["value"] for v in numbers)),
        "unexpected_rows": unexpected, "failed_before_sending": len(kids) - len(sent), "failures": errors,
        "poll_errors": poll_errors[:5], "presenter_error": shown.get("error"),
        "load_p50_s": pct(loads, 50), "load_p95_s": pct(loads, 95),
        "stored_p50_s": pct(delays, 50), "stored_p95_s": pct(delays, 95), "stored_max_s": delays[-1] if delays else None,
        "all_stored_after_first_send_s": max(seen[t] for t in stored) - first_sent
        if stored and len(stored) == len(sent) else None,
        "confirmed": len(confirm), "confirmed_p95_s": pct(confirm, 95),
        "refusals_shown": sum(1 for tab in tabs if tab.texts_since(0, "not saved")),
        "page_errors_shown": sum(1 for tab in tabs if any(tab.texts_since(0, needle) for needle in ERROR_NEEDLES)),
        "student_fragment_runs": sum(max(0, tab.finished - 1) for tab in tabs),  # the answer's and the refreshes
        "student_refreshes_sent": sum(tab.auto_sent for tab in tabs),
        "student_fragment_run_p95_s": pct([s for tab in tabs for _, s in tab.runs[1:]], 95),
    }


def windows(n: int, answering: dict, run: dict, lead: Tab | None, seen: dict) -> dict:
    """Return the CPU and presenter figures for the answering window and the whole run (answering, then holding)."""
    runs = [s for _, s in lead.runs[1:]] if lead else []  # after its page load: the refreshes
    counts = [(at, int(m.group(1))) for at, text in (lead.texts if lead else []) if (m := SO_FAR.search(text))]
    caught_up = next((at for at, c in counts if seen and c >= len(seen)), None)
    return {
        "answering_s": answering["wall"], "answering_server_cpu_s": answering["server"],
        "answering_server_cpu_ms_per_student": answering["server"] * 1000 / n,
        "run_s": run["wall"], "run_server_cpu_s": run["server"], "run_server_cpu_ms_per_student": run["server"] * 1000 / n,
        "run_database_cpu_s": run["database"], "run_bench_cpu_s": run["bench"], "run_other_cpu_s": run["other"],
        "presenter_refreshes": max(0, lead.finished - 1) if lead else 0,
        "presenter_refreshes_sent": lead.auto_sent if lead else 0,
        "presenter_refresh_p50_s": pct(runs, 50), "presenter_refresh_p95_s": pct(runs, 95),
        "presenter_last_count": counts[-1][1] if counts else None,
        "presenter_caught_up_s": max(0.0, caught_up - max(seen.values())) if caught_up else None,
    }


# ---------------------------------------------------------------- backends and report

@contextmanager
def backend(name: str):
    """Yield (database URL, server environment) for a fresh database of this kind."""
    if name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ketamine-class-bench-") as folder:
            yield f"sqlite:///{folder}/classroom.sqlite", {"KETAMINE_STATE_DIR": folder, classroom.DB_URL_ENV: ""}
    else:
        with throwaway_postgres() as url:
            yield url, {classroom.DB_URL_ENV: url}


def bench(name: str, n: int, timeout: float, hold: float, options: list[str]) -> dict:
    """Start a server on a fresh database of this backend, run one class through it, and return the figures."""
    extra = [arg for option in options for arg in ("--" + option.split("=", 1)[0], option.split("=", 1)[1])]
    try:
        with backend(name) as (url, env):
            port = free_port()
            proc = start_server(ROOT, port, env, extra)
            try:
                wait_healthy(port)
                return asyncio.run(lesson(port, url, n, timeout, hold, psutil.Process(proc.pid)))
            finally:
                stop(proc)
    except Exception as err:  # noqa: BLE001 - reported in the table
        return {"students": n, "error": f"{type(err).__name__}: {err}"}


def show(value, unit: str = "") -> str:
    """Format a figure for the table."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}{unit}"
    return f"{value}{unit}"


def table(name: str, f: dict) -> None:
    """Print one backend's figures."""
    print(f"\n{name}: {f['students']} students")
    if "error" in f:
        print(f"  the run failed: {f['error']}")
        return
    per_s = (lambda cpu: f"{cpu / f['run_s']:.2f} cores on average") if f["run_s"] else (lambda cpu: "")
    rows = [
        ("answers sent", f["sent"], f"{f['failed_before_sending']} sessions failed before sending"),
        ("answers stored", f["stored"], f"seen by a read-only poll every {POLL_SECONDS:g} s"),
        ("answers lost", f["lost"], "sent, not stored within the timeout"),
        ("answers doubled", f["doubled"], "rows per token > 1"),
        ("answers stored with another value", f["wrong_value"], f"{f['unexpected_rows']} unexpected rows"),
        ("send -> stored p50", show(f["stored_p50_s"], " s"), ""),
        ("send -> stored p95", show(f["stored_p95_s"], " s"), f"max {show(f['stored_max_s'], ' s')}"),
        ("all stored, from the first send", show(f["all_stored_after_first_send_s"], " s"),
         f"{show(f['answering_s'], ' s')} from connecting to the last stored (or the timeout)"),
        ("student page load p50 / p95", f"{show(f['load_p50_s'])} / {show(f['load_p95_s'], ' s')}",
         "connect to the first script_finished"),
        ("students shown their confirmation", f["confirmed"], f"p95 {show(f['confirmed_p95_s'], ' s')} after sending"),
        ("students shown a refusal / page error", f"{f['refusals_shown']} / {f['page_errors_shown']}", ""),
        ("student fragment runs / refreshes sent", f"{f['student_fragment_runs']} / {f['student_refreshes_sent']}",
         f"p95 {show(f['student_fragment_run_p95_s'], ' s')}; each phone refreshes every 2 s, as the browser does"),
        ("presenter refreshes done / sent", f"{f['presenter_refreshes']} / {f['presenter_refreshes_sent']}",
         f"p50 {show(f['presenter_refresh_p50_s'], ' s')}" + (f"; {f['presenter_error']}" if f["presenter_error"] else "")),
        ("presenter refresh p95", show(f["presenter_refresh_p95_s"], " s"), "rerun sent to script_finished"),
        ("presenter's last count", show(f["presenter_last_count"]),
         f"all shown {show(f['presenter_caught_up_s'], ' s')} after the last was stored"),
        ("server CPU while answering", show(f["answering_server_cpu_s"], " s"),
         f"{f['answering_server_cpu_ms_per_student']:.0f} ms per student session"),
        ("server CPU, whole run", show(f["run_server_cpu_s"], " s"),
         (f"{f['run_server_cpu_ms_per_student']:.0f} ms per student session; {per_s(f['run_server_cpu_s'])} "
          f"over {f['run_s']:.0f} s")),
        ("PostgreSQL CPU, whole run", show(f["run_database_cpu_s"], " s") if f["run_database_cpu_s"] else "-",
         "the cluster's processes" if f["run_database_cpu_s"] else "SQLite runs inside the server"),
        ("machine load", f"{f['load_before'][0]:.2f}", (f"1-min load average before; during the run this bench used "
                                                        f"{per_s(f['run_bench_cpu_s'])}, other processes "
                                                        f"{per_s(max(0.0, f['run_other_cpu_s']))}")),
    ]
    for figure, value, note in rows:
        print(f"  {figure:38} {value!s:>14}  {note}")
    for error, count in f["failures"].items():
        print(f"  failure x{count}: {error}")
    for error in f["poll_errors"]:
        print(f"  poll error: {error}")


def main() -> int:
    """Run the class on each backend, print the tables, write the JSON, and return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=40, help="student sessions at once (default 40)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds after the last send before an answer is lost")
    ap.add_argument("--hold", type=float, default=20.0,
                    help="seconds every tab stays open and refreshing after the answers are in (default 20)")
    ap.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both")
    ap.add_argument("--streamlit-option", action="append", default=[], metavar="NAME=VALUE",
                    help="pass --NAME VALUE to streamlit run, e.g. runner.postScriptGC=false (repeatable)")
    args = ap.parse_args()
    names = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {}
    for name in names:
        print(f"{name}: {args.students} students ...", flush=True)
        results[name] = bench(name, args.students, args.timeout, args.hold, args.streamlit_option)
        table(name, results[name])
    OUT.mkdir(exist_ok=True)
    run = {"cores": os.cpu_count(), "students": args.students, "timeout_s": args.timeout, "hold_s": args.hold,
           "streamlit_options": args.streamlit_option}
    (OUT / "live_class.json").write_text(json.dumps({"run": run, "backends": results},
                                                    indent=2, default=str))
    # A student who never got the page to answer on is a failure too, not only a lost answer.
    bad = {name: f for name, f in results.items() if "error" in f or f.get("lost") or f.get("doubled")
           or f.get("wrong_value") or f.get("sent") != f.get("students")}
    print("\nsummary: " + "; ".join(
        f"{name} " + (f"failed ({f['error']})" if "error" in f else
                      f"{f['sent']} of {f['students']} sent, {f['stored']} stored (p95 {show(f['stored_p95_s'], ' s')}), "
                      f"lost {f['lost']}, doubled {f['doubled']}, wrong {f['wrong_value']}")
        for name, f in results.items()) + f" -> exit {1 if bad else 0}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
