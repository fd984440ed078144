"""Load benchmark for the live class: N students answer one question at once, the presenter watches the count and
reveals the answer, and every phone shows the reveal.

    .venv/bin/python bench/live_class.py                  # 40 students, SQLite then PostgreSQL, one server
    .venv/bin/python bench/live_class.py --students 80 --backend sqlite
    .venv/bin/python bench/live_class.py --replicas 2 --students 200 --kill-one   # a lecture hall (issue 21 §5)

One server (the default): a fresh `streamlit run app.py` on 127.0.0.1 (SQLite in a temp state folder, or a
throwaway PostgreSQL cluster through KETAMINE_CLASS_DB). With --replicas N: N replicas behind Debian's nginx, started
by deploy/replicas.py on --port (default 8700; the replicas on the ports after it) and sharing one throwaway
PostgreSQL; every tab connects through nginx. The bench creates a class with the store itself and moves it to the
first number question. Then, over Streamlit's own websocket protocol (the BackMsg/ForwardMsg protos that ship inside
Streamlit), it behaves as the browsers in a classroom would:

- one presenter tab opens /Presenter?class=..&key=..&step=.. and, like the frontend, reruns its live-count fragment
  every `run_every` seconds (a rerun_script carrying the fragment id that the server announced in an auto_rerun
  message, with is_auto_rerun set);
- N student tabs open /Join_class?room=..&me=<token> at once, keep refreshing their question fragment the same way,
  and answer once: a rerun_script scoped to the fragment the widgets live in, carrying the slider's value (a
  double_array_value of one number, as the frontend's slider sends it) and the Send button's trigger_value;
- once every answer is stored and the class has waited --hold seconds, the presenter presses Reveal (a full rerun
  carrying the button's trigger, as a click does; its callback reveals the step in the store), and each phone's
  next fragment run draws the reveal: the time from the click to the "**Revealed.**" text in that phone's deltas is
  its reveal delay; every tab then stays --after seconds, redrawing the revealed step at each refresh;
- with --kill-one, the first replica is killed (SIGKILL, its whole process group) once about half the answers are
  stored. A tab whose websocket closes reconnects through nginx as a browser does: a new session, with the
  affinity cookie nginx gave it (so nginx first tries the dead replica and fails over), the same page and the
  same link (`me=` keeps the student's token). A student whose re-opened page shows no "Your answer:" answers again.

A read-only connection polls the database every POLL_SECONDS to see when each token's answer is committed. Printed
per run: answers sent, stored, lost (not stored within --timeout seconds), doubled or stored with another value,
seconds from send to stored, the presenter's count (how long after each answer was stored it was counted on the
screen, and when the count was complete), the reveal on every phone, sessions per replica, what the students and
the presenter were shown and how fast their fragments refreshed, and the CPU seconds of the servers, nginx,
PostgreSQL, this bench and everything else on the machine; the figures also go to bench/out/live_class.json.
--streamlit-option NAME=VALUE passes a server setting, to compare it against the app as served. Benchmarks print
figures; the test suite never asserts them. Exit status 1 when an answer was lost, doubled or changed, a student
never sent, or a phone never showed the reveal. Every wait is bounded; a failure is counted, never raised.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import signal
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

from deploy import replicas as deploy
from ketamine_evidence import classroom
from ketamine_evidence.teaching import questions, read_sequence
from tests.pgserver import throwaway_postgres

POLL_SECONDS = 0.05  # resolution of "stored at"
PAGE_TIMEOUT = 120.0  # one page's first run, on a loaded 2-core machine
RECONNECTS = 5  # a tab whose websocket closes reconnects at most this often ...
RECONNECT_DELAY = (0.5, 1.5)  # ... after a pause in this range (s), as the frontend waits before it reconnects
SO_FAR = re.compile(r"\*\*(\d+) answers? so far\*\*")  # the presenter's live count
REVEALED = "**Revealed.**"  # how a phone's question fragment begins once the step is revealed
CONFIRMED = "Your answer:"  # a phone's confirmation; a re-opened page shows it when the answer is stored
ERROR_NEEDLES = ("Something went wrong", "could not be drawn")  # the page's and the fragment's error boundaries


# ---------------------------------------------------------------- one browser tab over the websocket

class Dropped(Exception):
    """The tab's websocket closed (its server went away) while the tab was waiting for something."""


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
        self.closed = False
        self.revealed_at: float | None = None  # wall time the reveal was first drawn (a phone's question fragment)
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
            self.closed = True
            self._changed.set()
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
                if self.revealed_at is None and body.body.startswith(REVEALED):
                    self.revealed_at = time.time()
                self._changed.set()

    def _every(self, fragment_id: str, interval: float) -> None:
        """Rerun a fragment every `interval` seconds, as the frontend's setInterval does (a repeat is ignored)."""
        if fragment_id in self.timers and self.timers[fragment_id][0] == interval:
            return
        if fragment_id in self.timers:
            self.timers[fragment_id][1].cancel()

        async def loop():
            """Send the fragment's rerun every `interval` seconds, whether or not the last one has finished."""
            try:
                while True:
                    await asyncio.sleep(interval)
                    self.auto_sent += 1
                    await self.rerun(fragment_id=fragment_id, auto=True)
            except websockets.ConnectionClosed:
                pass  # the reader notices the close too; the tab's owner reconnects

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
        """Wait until `condition()` holds (checked on each run finished and element drawn), at most `timeout` s;
        raise Dropped if the socket closes first."""
        deadline = time.perf_counter() + timeout
        while not condition():
            if self.closed:
                raise Dropped("the websocket closed")
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), max(0.01, deadline - time.perf_counter()))

    def widget(self, key: str) -> tuple[str, str] | None:
        """Return (element id, fragment id) of the widget with this user key (the key ends the id)."""
        found = [(wid, frag) for wid, frag in self.widgets.items() if wid.endswith("-" + key)]
        return found[-1] if found else None

    def texts_since(self, t: float, needle: str) -> list[tuple[float, str]]:
        """Return the markdown and alert bodies drawn after wall time `t` that contain `needle`."""
        return [(at, text) for at, text in self.texts if at >= t and needle in text]


def connect(port: int, cookie: str | None = None):
    """Open the app's websocket as the frontend does (with the affinity cookie a browser would send, if any)."""
    return websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                              open_timeout=PAGE_TIMEOUT, close_timeout=2, ping_interval=None,
                              additional_headers={"Cookie": cookie} if cookie else None)


def replica_of(ws) -> str | None:
    """Return the replica that serves this websocket, from nginx's X-Replica header (None without nginx)."""
    # nginx lists every replica it tried ("A, B" when A was down): the last one served the session.
    return (ws.response.headers.get("X-Replica") or "").split(",")[-1].strip() or None


def cookie_of(ws) -> str | None:
    """Return the affinity cookie nginx set on the handshake ("name=value"), which a browser sends back."""
    found = re.match(r"\s*(ketamine_replica=[^;]*)", ws.response.headers.get("Set-Cookie") or "")
    return found.group(1) if found else None



def _track(ws, out: dict):
    """Register a (re)connected tab in `out` (its replica, the current tab, every tab) and start reading it; return
    the tab and its reader task."""
    out["sessions"].append(replica_of(ws))
    tab = Tab(ws)
    out["tab"] = tab
    out["tabs"].append(tab)
    return tab, asyncio.create_task(tab.read())

async def either(task: asyncio.Task, *events: asyncio.Event) -> None:
    """Wait until `task` ends or one of `events` is set."""
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait([task, *waiters], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


# ---------------------------------------------------------------- the classroom

async def presenter(port: int, query: str, ready: asyncio.Event, done: asyncio.Event, reveal: asyncio.Event,
                    out: dict) -> None:
    """Open the presenter page, signal when it has run once, keep its live count refreshing until `done`, press
    Reveal when `reveal` is set, and reconnect (same link) if the websocket closes."""
    out.update(tabs=[], sessions=[], reveal_sent_at=None)
    cookie = None
    try:
        for attempt in range(RECONNECTS + 1):
            if done.is_set():
                break
            if attempt:
                await asyncio.sleep(random.uniform(*RECONNECT_DELAY))
            try:
                async with connect(port, cookie) as ws:
                    cookie = cookie or cookie_of(ws)
                    tab, reader = _track(ws, out)
                    took = await tab.open_page("Presenter", query, PAGE_TIMEOUT)
                    out.setdefault("first_run_s", took)
                    if not attempt and (not tab.timers or not any(SO_FAR.search(text) for _, text in tab.texts)):
                        out["error"] = "the presenter page shows no live count"
                    ready.set()
                    while not done.is_set() and not tab.closed:
                        if reveal.is_set() and out["reveal_sent_at"] is None:
                            button = tab.widget("presenter_reveal")
                            if button is None:
                                out["error"] = "the presenter page has no Reveal button"
                                out["reveal_sent_at"] = False  # the lesson reveals through the store instead
                            else:
                                out["reveal_sent_at"] = time.time()
                                await tab.rerun(triggers=(WidgetState(id=button[0], trigger_value=True),))
                        await either(reader, done, *([reveal] if out["reveal_sent_at"] is None else []))
                    reader.cancel()
                    if done.is_set():
                        break
                    out["drops"] = out.get("drops", 0) + 1
            except (Dropped, websockets.ConnectionClosed, OSError) as err:
                out["drops"] = out.get("drops", 0) + 1
                out["last_drop"] = f"{type(err).__name__} {err}".strip()
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
    """Open the join page with a fresh token, answer `value` once, and stay on the page until `done`; if the
    websocket closes, reconnect with the same link and answer again unless the re-opened page shows the answer."""
    token = classroom.new_token()
    out.update(token=token, value=value, sent_at=None, sends=[], sessions=[], tabs=[], drops=0)
    key = f"class_answer_{room}_{step}"
    link = urlencode({"room": room, "me": token})
    cookie = None
    stage = "connecting"
    try:
        for attempt in range(RECONNECTS + 1):
            if done.is_set():
                return
            if attempt:
                out["reconnecting"] = True
                await asyncio.sleep(random.uniform(*RECONNECT_DELAY))
            try:
                stage = "connecting" if not attempt else f"reconnecting (attempt {attempt})"
                async with connect(port, cookie) as ws:
                    cookie = cookie or cookie_of(ws)
                    tab, reader = _track(ws, out)
                    stage = f"loading the page (bound {PAGE_TIMEOUT:g} s)"
                    took = await tab.open_page("Join_class", link, PAGE_TIMEOUT)
                    out.setdefault("load_s", took)
                    if attempt:
                        out.setdefault("reload_s", took)
                    # The question is drawn by a fragment; a student waits until its slider and button are on screen
                    # (or, after a reconnect, until the reveal if it came meanwhile).
                    stage = f"waiting for the question's slider and Send button (bound {PAGE_TIMEOUT:g} s in all)"
                    await tab.wait_until(lambda: (tab.widget(key) and tab.widget(f"{key}_send"))
                                         or tab.revealed_at, PAGE_TIMEOUT - took)
                    out["reconnecting"] = False
                    # A re-opened page shows the stored answer: then the student has answered and does not again.
                    if not tab.texts_since(0, CONFIRMED) and not tab.revealed_at:
                        stage = "answering"
                        slider, button = tab.widget(key), tab.widget(f"{key}_send")
                        if slider[1] != button[1]:
                            raise LookupError("the slider and the Send button are in different fragments")
                        tab.kept[slider[0]] = slider_state(slider[0], value)  # the slider keeps its value
                        now = time.time()
                        out["sent_at"] = out["sent_at"] or now
                        out["sends"].append(now)
                        await tab.rerun(fragment_id=slider[1], triggers=(WidgetState(id=button[0],
                                                                                     trigger_value=True),))
                    stage = "waiting for the reveal"
                    await either(reader, done)
                    reader.cancel()
                    if done.is_set():
                        return
                    out["drops"] += 1
            except (Dropped, websockets.ConnectionClosed, OSError) as err:
                out["drops"] += 1
                out["last_drop"] = f"{stage}: {type(err).__name__} {err}".strip()
        out["gave_up"] = True
        out["error"] = f"gave up after {RECONNECTS} reconnects ({out.get('last_drop')})"
    except Exception as err:  # noqa: BLE001
        out["gave_up"] = True
        out["error"] = f"{stage}: {type(err).__name__} {err}".strip()
    finally:
        out["reconnecting"] = False


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


def is_revealed(engine: sa.Engine, room: str) -> bool:
    """Return whether the class's current step is revealed in the store."""
    t = classroom.sessions_table
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(t.c.revealed).where(t.c.room == room)).scalar())


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


# ---------------------------------------------------------------- CPU

def cpu_seconds(proc: psutil.Process) -> float:
    """Return user + system CPU seconds of a process and its children (living, and ended ones it reaped)."""
    total = 0.0
    try:
        t = proc.cpu_times()
        total += t.children_user + t.children_system  # e.g. PostgreSQL backends that served a connection and ended
    except psutil.Error:
        pass
    for p in (proc, *proc.children(recursive=True)):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def own_cpu_seconds() -> float:
    """Return user + system CPU seconds of this process alone (a server it started is counted apart)."""
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


class Servers:
    """The app's server processes by name (one, or each replica by "127.0.0.1:port") and nginx if any. CPU is read
    while a process lives and kept at its last reading once it is killed."""

    def __init__(self, procs: dict[str, psutil.Process], balancer: psutil.Process | None = None):
        self.procs = procs
        self.balancer = balancer
        self.last = {name: 0.0 for name in procs}
        self.killed: dict[str, float] = {}  # name -> wall time of the kill

    def read(self) -> dict[str, float]:
        """Return CPU seconds per server process so far."""
        for name, proc in self.procs.items():
            if name not in self.killed:
                self.last[name] = cpu_seconds(proc)
        return dict(self.last)

    def kill(self, name: str) -> None:
        """Kill a replica at once (SIGKILL to its process group: it was started as a session of its own)."""
        self.read()
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.killed[name] = time.time()


def snapshot(servers: Servers, db: psutil.Process | None) -> dict:
    """Return the CPU counters now: the app servers, nginx, the database cluster, this bench, the whole machine."""
    per_replica = servers.read()
    return {"at": time.time(), "server": sum(per_replica.values()), "per_replica": per_replica,
            "balancer": cpu_seconds(servers.balancer) if servers.balancer else 0.0,
            "database": cpu_seconds(db) if db else 0.0, "bench": own_cpu_seconds(), "machine": machine_busy()}


def spent(before: dict, after: dict) -> dict:
    """Return what was used between two snapshots (seconds of wall time and of CPU)."""
    used = {k: after[k] - before[k] for k in before if k != "per_replica"}
    used["other"] = (used.pop("machine") - used["server"] - used["balancer"] - used["database"] - used["bench"])
    used["wall"] = used.pop("at")
    return used


def pct(values: list[float], q: float) -> float | None:
    """Return the q-th percentile (0-100) of values, or None if there are none."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


# ---------------------------------------------------------------- one class

async def lesson(port: int, url: str, n: int, timeout: float, hold: float, servers: Servers, kill: str | None,
                 reveal_timeout: float, after: float = 0.0) -> dict:
    """Run one class against started servers (killing `kill` after about half the answers); return its figures."""
    q = next(q for q in questions(read_sequence()).values() if q.kind == "number")
    store = classroom.ClassStore(classroom.make_engine(url))
    room, secret = store.create()
    store.set_step(room, secret, q.step, False)
    position = [int(s) for s in read_sequence()["step"]].index(q.step) + 1  # the presenter's link counts rows from 1
    grid = round((q.hi - q.lo) / q.increment) + 1
    values = [q.lo + (i % grid) * q.increment for i in range(n)]  # a distinct value per student, on the slider's grid

    ready, done, reveal = asyncio.Event(), asyncio.Event(), asyncio.Event()
    shown: dict = {}
    lead = asyncio.create_task(presenter(port, urlencode({"class": room, "key": secret, "step": position}),
                                         ready, done, reveal, shown))
    await ready.wait()  # set once the presenter's page has run, or failed (its waits are bounded)

    engine = read_only_engine(url)
    seen: dict[str, float] = {}
    poll_errors: list[str] = []
    stop_flag = threading.Event()
    poller = threading.Thread(target=watch, args=(engine, room, q.step, seen, stop_flag, poll_errors), daemon=True)
    poller.start()

    db = database_process(url)
    load = os.getloadavg()
    s0 = snapshot(servers, db)
    kids = [{} for _ in range(n)]
    crowd = [asyncio.create_task(student(port, room, q.step, values[i], done, kids[i])) for i in range(n)]

    # Answering: until every student has answered (stored) or given up, or `timeout` after the last send once no
    # tab is reconnecting. With --kill-one, a replica dies once about half the answers are stored.
    killed: dict = {}
    deadline = s0["at"] + 2 * PAGE_TIMEOUT + timeout
    while time.time() < deadline:
        await asyncio.sleep(0.1)
        if kill and not killed and len(seen) >= n // 2:
            servers.kill(kill)
            killed = {"replica": kill, "at": time.time(), "stored_before": len(seen),
                      "sent_before": sum(1 for k in kids if k.get("sent_at")),
                      "presenter_on_it": bool(shown.get("sessions")) and shown["sessions"][-1] == kill}
        if all(k.get("gave_up") or (k.get("sent_at") and k["token"] in seen) for k in kids):
            break
        if all(k.get("gave_up") or k.get("sent_at") for k in kids) and not any(k.get("reconnecting") for k in kids):
            last = max((k["sends"][-1] for k in kids if k.get("sends")), default=time.time())
            if time.time() > max(last, killed.get("at") or 0) + timeout:
                break
    s1 = snapshot(servers, db)
    stop_flag.set()
    poller.join(timeout=5)

    # Holding: every phone and the presenter stay on the page, refreshing, as in a class that waits for the reveal.
    await asyncio.sleep(hold)
    s2 = snapshot(servers, db)

    # The reveal: the presenter presses Reveal; each phone's next fragment run draws it.
    reveal.set()
    revealed = {"by": "the presenter's Reveal button"}
    t_click = time.time()
    while shown.get("reveal_sent_at") is None and time.time() < t_click + PAGE_TIMEOUT and not lead.done():
        await asyncio.sleep(0.05)
    if not shown.get("reveal_sent_at"):  # no presenter tab to press it: reveal as its button's callback does
        revealed["by"] = "the bench through the store (the presenter tab could not press Reveal)"
        shown["reveal_sent_at"] = time.time()
        store.set_step(room, secret, q.step, True)
    t_reveal = shown["reveal_sent_at"]
    phones = [k for k in kids if k.get("tabs")]
    until = time.time() + reveal_timeout
    while time.time() < until:
        if revealed.get("stored_s") is None and await asyncio.to_thread(is_revealed, engine, room):
            revealed["stored_s"] = time.time() - t_reveal
        if revealed.get("stored_s") is not None and all(k.get("gave_up") or reveal_seen(k, t_reveal)
                                                        for k in phones):
            break
        await asyncio.sleep(POLL_SECONDS)
    s3 = snapshot(servers, db)
    # After the reveal: every phone redraws the revealed step at each refresh, as a class discussing it would see.
    await asyncio.sleep(after)
    s4 = snapshot(servers, db)
    per_replica_cpu = {name: cpu - s0["per_replica"][name] for name, cpu in s4["per_replica"].items()}
    done.set()
    await asyncio.wait(crowd + [lead], timeout=15)
    store.engine.dispose()
    rows = []
    try:
        rows = stored_rows(engine, room)
    except Exception as err:  # noqa: BLE001
        poll_errors.append(f"final read: {type(err).__name__}: {err}")
    engine.dispose()
    return {"room": room, "students": n, "load_before": load,
            **figures(kids, seen, rows, q.step, shown, poll_errors),
            **windows(n, spent(s0, s1), spent(s0, s2), spent(s2, s3), spent(s0, s4), shown, seen),
            **reveals(kids, t_reveal, revealed, reveal_timeout),
            **spread(kids, shown, killed, servers, per_replica_cpu), **holding(kids, s1, s2, "hold"), **holding(kids, s3, s4, "after")}


def reveal_seen(kid: dict, since: float) -> float | None:
    """Return when this phone first drew the reveal after `since` (wall time), in any of its sessions, or None."""
    hits = [tab.revealed_at for tab in kid.get("tabs", []) if tab.revealed_at and tab.revealed_at >= since]
    return min(hits) if hits else None


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
    tabs = [tab for k in kids for tab in k.get("tabs", [])]
    errors: dict[str, int] = {}
    for error in [k.get("error") for k in kids] + [tab.error for tab in tabs]:
        if error:
            errors[error[:160]] = errors.get(error[:160], 0) + 1
    confirm = [min(at for at, _ in hits) - k["sent_at"] for k in sent.values()
               if (hits := [h for tab in k["tabs"] for h in tab.texts_since(k["sent_at"], CONFIRMED)])]
    loads = [k["load_s"] for k in kids if "load_s" in k]
    reloads = [k["reload_s"] for k in kids if "reload_s" in k]
    first_sent = min((k["sent_at"] for k in sent.values()), default=None)
    return {
        "sent": len(sent), "sends": sum(len(k["sends"]) for k in kids if "sends" in k),
        "resent": sum(1 for k in sent.values() if len(k["sends"]) > 1),
        "stored": len(stored), "lost": len(sent) - len(stored),
        "doubled": sum(1 for v in per_token.values() if len(v) > 1),
        "wrong_value": sum(1 for t, numbers in per_token.items() if any(v != sent[t]["value"] for v in numbers)),
        "unexpected_rows": unexpected, "failed_before_sending": len(kids) - len(sent), "failures": errors,
        "poll_errors": poll_errors[:5], "presenter_error": shown.get("error"),
        "load_p50_s": pct(loads, 50), "load_p95_s": pct(loads, 95),
        "reconnected": len(reloads), "reload_p50_s": pct(reloads, 50), "reload_p95_s": pct(reloads, 95),
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


def windows(n: int, answering: dict, run: dict, revealing: dict, whole: dict, shown: dict, seen: dict) -> dict:
    """Return the CPU figures of each window (answering; answering then holding; the reveal; all of it) and the
    presenter's: its refreshes, and how soon its count showed each stored answer and all of them."""
    tabs = shown.get("tabs") or []
    runs = [s for tab in tabs for _, s in tab.runs[1:]]  # after its page load: the refreshes
    counts = sorted((at, int(m.group(1))) for tab in tabs for at, text in tab.texts if (m := SO_FAR.search(text)))
    stored_at = sorted(seen.values())
    # The i-th answer stored is counted once the screen shows i or more (the poll may see it a little after the page).
    lags = [max(0.0, next((at for at, c in counts if c >= i), float("inf")) - t) for i, t in enumerate(stored_at, 1)]
    caught_up = next((at for at, c in counts if seen and c >= len(seen)), None)
    cpu = lambda w: {f"{k}_cpu_s": w[k] for k in ("server", "balancer", "database", "bench", "other")}
    return {
        "answering_s": answering["wall"], "answering_server_cpu_s": answering["server"],
        "answering_server_cpu_ms_per_student": answering["server"] * 1000 / n,
        "run_s": run["wall"], "run_server_cpu_s": run["server"], "run_server_cpu_ms_per_student": run["server"] * 1000 / n,
        "run_database_cpu_s": run["database"], "run_bench_cpu_s": run["bench"], "run_other_cpu_s": run["other"],
        "run_balancer_cpu_s": run["balancer"],
        "reveal_window": {"wall_s": revealing["wall"], **cpu(revealing)},
        "whole": {"wall_s": whole["wall"], **cpu(whole)},
        "presenter_sessions": len(tabs), "presenter_drops": shown.get("drops", 0),
        "presenter_refreshes": sum(max(0, tab.finished - 1) for tab in tabs),
        "presenter_refreshes_sent": sum(tab.auto_sent for tab in tabs),
        "presenter_refresh_p50_s": pct(runs, 50), "presenter_refresh_p95_s": pct(runs, 95),
        "presenter_last_count": counts[-1][1] if counts else None,
        "presenter_count_lag_p50_s": pct([x for x in lags if x != float("inf")], 50),
        "presenter_count_lag_p95_s": pct(lags, 95) if all(x != float("inf") for x in lags) else None,
        "presenter_caught_up_s": max(0.0, caught_up - max(seen.values())) if caught_up else None,
    }


def reveals(kids: list[dict], t_reveal: float, revealed: dict, reveal_timeout: float) -> dict:
    """Return the reveal's figures: from the click to the store, and to each phone's screen."""
    phones = [k for k in kids if k.get("tabs")]
    delays = sorted(at - t_reveal for k in phones if (at := reveal_seen(k, t_reveal)) is not None)
    return {"reveal_by": revealed["by"], "reveal_stored_s": revealed.get("stored_s"),
            "reveal_phones": len(phones), "reveal_shown": len(delays), "reveal_missing": len(phones) - len(delays),
            "reveal_timeout_s": reveal_timeout,
            "reveal_p50_s": pct(delays, 50), "reveal_p95_s": pct(delays, 95),
            "reveal_max_s": delays[-1] if delays else None}


def holding(kids: list[dict], start: dict, end: dict, name: str) -> dict:
    """Return a quiet window's figures (waiting for the reveal, or after it): phone refreshes done (against those
    due, one per phone every 2 s) and server CPU per refresh, the steady cost of a class."""
    done = sum(1 for k in kids for tab in k.get("tabs", []) for at, _ in tab.runs if start["at"] <= at < end["at"])
    due = sum(1 for k in kids if k.get("tabs") and not k.get("gave_up")) * (end["at"] - start["at"]) / 2.0
    cpu = spent(start, end)["server"]
    return {f"{name}_s": end["at"] - start["at"], f"{name}_refreshes": done, f"{name}_refreshes_due": round(due),
            f"{name}_server_cpu_s": cpu, f"{name}_cpu_ms_per_refresh": cpu * 1000 / done if done else None}


def spread(kids: list[dict], shown: dict, killed: dict, servers: Servers, per_replica_cpu: dict) -> dict:
    """Return sessions per replica (first sessions, and the reconnects after a kill) and CPU per replica."""
    first = collections.Counter(k["sessions"][0] or "direct" for k in kids if k.get("sessions"))
    again = collections.Counter(s or "direct" for k in kids for s in k.get("sessions", [])[1:])
    return {"sessions_per_replica": dict(sorted(first.items())), "reconnects_per_replica": dict(sorted(again.items())),
            "presenter_replicas": shown.get("sessions", []), "students_dropped": sum(1 for k in kids if k.get("drops")),
            "killed": killed or None, "balanced": servers.balancer is not None,
            "server_cpu_per_replica_s": {name: round(cpu, 2) for name, cpu in per_replica_cpu.items()}}


# ---------------------------------------------------------------- backends, servers and report

@contextmanager
def backend(name: str):
    """Yield (database URL, server environment) for a fresh database of this kind."""
    if name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ketamine-class-bench-") as folder:
            yield f"sqlite:///{folder}/classroom.sqlite", {"KETAMINE_STATE_DIR": folder, classroom.DB_URL_ENV: ""}
    else:
        with throwaway_postgres() as url:
            yield url, {classroom.DB_URL_ENV: url}


def option_env(options: list[str]) -> dict:
    """Return --streamlit-option NAME=VALUE settings as Streamlit's environment variables (STREAMLIT_RUNNER_...)."""
    env = {}
    for option in options:
        name, value = option.split("=", 1)
        env["STREAMLIT_" + re.sub(r"([a-z])([A-Z])", r"\1_\2", name).replace(".", "_").upper()] = value
    return env


@contextmanager
def served(name: str, n_replicas: int, port: int | None, options: list[str]):
    """Yield (port to connect to, database URL, Servers): one server on a fresh database, or N replicas behind
    nginx on PostgreSQL; stop them all after."""
    with backend(name) as (url, env):
        if not n_replicas:
            port = port or free_port()
            extra = [arg for option in options for arg in ("--" + option.split("=", 1)[0], option.split("=", 1)[1])]
            proc = start_server(ROOT, port, env, extra)
            try:
                wait_healthy(port)
                yield port, url, Servers({"server": psutil.Process(proc.pid)})
            finally:
                stop(proc)
            return
        run = Path(tempfile.mkdtemp(prefix="ketamine-lecture-hall-"))
        record = deploy.start(n_replicas, port, url, run, env={**env, **option_env(options)})
        try:
            procs = {f"127.0.0.1:{r['port']}": psutil.Process(r["pid"]) for r in record["replicas"]}
            yield port, url, Servers(procs, psutil.Process(record["nginx"]))
        finally:
            deploy.stop(run, record)


def bench(name: str, n: int, timeout: float, hold: float, options: list[str], n_replicas: int = 0,
          port: int | None = None, kill_one: bool = False, reveal_timeout: float = 30.0, after: float = 10.0) -> dict:
    """Start the server(s) on a fresh database, run one class through them, and return the figures."""
    try:
        with served(name, n_replicas, port, options) as (at, url, servers):
            kill = next(iter(servers.procs)) if kill_one else None
            return asyncio.run(lesson(at, url, n, timeout, hold, servers, kill, reveal_timeout, after))
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
    """Print one run's figures."""
    print(f"\n{name}: {f['students']} students")
    if "error" in f:
        print(f"  the run failed: {f['error']}")
        return
    per_s = (lambda cpu, wall=f["run_s"]: f"{cpu / wall:.2f} cores on average" if wall else "")
    whole, rev = f["whole"], f["reveal_window"]
    killed = f["killed"]
    rows = [
        ("answers sent", f["sent"], f"{f['failed_before_sending']} sessions failed before sending; "
                                    f"{f['sends']} sends, {f['resent']} students sent again after a reconnect"),
        ("answers stored", f["stored"], f"seen by a read-only poll every {POLL_SECONDS:g} s"),
        ("answers lost", f["lost"], "sent, not stored within the timeout"),
        ("answers doubled", f["doubled"], "rows per token > 1"),
        ("answers stored with another value", f["wrong_value"], f"{f['unexpected_rows']} unexpected rows"),
        ("send -> stored p50", show(f["stored_p50_s"], " s"), "from the student's first send"),
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
        ("presenter count lag p50 / p95",
         f"{show(f['presenter_count_lag_p50_s'])} / {show(f['presenter_count_lag_p95_s'], ' s')}",
         "from an answer stored to the screen's count including it"),
        ("presenter's count complete after", show(f["presenter_caught_up_s"], " s"),
         f"the last answer stored; last count shown {show(f['presenter_last_count'])}"),
        ("reveal in the store after the click", show(f["reveal_stored_s"], " s"), f"by {f['reveal_by']}"),
        ("reveal on phones p50 / p95", f"{show(f['reveal_p50_s'])} / {show(f['reveal_p95_s'], ' s')}",
         f"{f['reveal_shown']} of {f['reveal_phones']} phones showed it (max {show(f['reveal_max_s'], ' s')}, "
         f"bound {f['reveal_timeout_s']:g} s)"),
        ("sessions per replica", json.dumps(f["sessions_per_replica"]),
         f"then reconnects {json.dumps(f['reconnects_per_replica'])}; presenter on {f['presenter_replicas']}"),
    ]
    if killed:
        rows.append(("replica killed", killed["replica"],
                     f"{killed['stored_before']} stored and {killed['sent_before']} sent before; "
                     f"{f['students_dropped']} students dropped, {f['reconnected']} reloaded their page "
                     f"(p50 {show(f['reload_p50_s'])} / p95 {show(f['reload_p95_s'], ' s')}); "
                     f"presenter on it: {killed['presenter_on_it']}"))
    rows += [
        ("server CPU while answering", show(f["answering_server_cpu_s"], " s"),
         f"{f['answering_server_cpu_ms_per_student']:.0f} ms per student session"),
        ("server CPU, answering and holding", show(f["run_server_cpu_s"], " s"),
         (f"{f['run_server_cpu_ms_per_student']:.0f} ms per student session; {per_s(f['run_server_cpu_s'])} "
          f"over {f['run_s']:.0f} s; per replica over the whole run {json.dumps(f['server_cpu_per_replica_s'])}")),
        ("phone refreshes before the reveal", f"{f['hold_refreshes']} / {f['hold_refreshes_due']}",
         f"done / due over {f['hold_s']:.0f} s; server CPU {show(f['hold_cpu_ms_per_refresh'])} ms per refresh"),
        ("server CPU, the reveal", show(rev["server_cpu_s"], " s"),
         f"over {rev['wall_s']:.1f} s, {per_s(rev['server_cpu_s'], rev['wall_s'])}"),
        ("phone refreshes after the reveal", f"{f['after_refreshes']} / {f['after_refreshes_due']}",
         f"done / due over {f['after_s']:.0f} s; server CPU {show(f['after_cpu_ms_per_refresh'])} ms per refresh"),
        ("nginx CPU, whole run", show(whole["balancer_cpu_s"], " s") if f["balanced"] else "-",
         "master and workers" if f["balanced"] else "no balancer"),
        ("PostgreSQL CPU, whole run", show(whole["database_cpu_s"], " s") if whole["database_cpu_s"] else "-",
         "the cluster's processes" if whole["database_cpu_s"] else "SQLite runs inside the server"),
        ("machine load", f"{f['load_before'][0]:.2f}", (
            f"1-min load average before; over the whole {whole['wall_s']:.0f} s this bench used "
            f"{per_s(whole['bench_cpu_s'], whole['wall_s'])}, the servers {per_s(whole['server_cpu_s'], whole['wall_s'])}, "
            f"other processes {per_s(max(0.0, whole['other_cpu_s']), whole['wall_s'])}")),
    ]
    for figure, value, note in rows:
        print(f"  {figure:38} {value!s:>14}  {note}")
    for error, count in f["failures"].items():
        print(f"  failure x{count}: {error}")
    for error in f["poll_errors"]:
        print(f"  poll error: {error}")


def main() -> int:
    """Run the class on each backend (or on replicas), print the tables, write the JSON, return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=40, help="student sessions at once (default 40)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds after the last send before an answer is lost")
    ap.add_argument("--hold", type=float, default=20.0,
                    help="seconds every tab stays open and refreshing after the answers are in (default 20)")
    ap.add_argument("--reveal-timeout", type=float, default=30.0,
                    help="seconds after the click before a phone that has not shown the reveal counts as missing")
    ap.add_argument("--after", type=float, default=10.0,
                    help="seconds every tab stays open after the reveal, redrawing it (default 10)")
    ap.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both",
                    help="one server on each backend (default both); replicas always share PostgreSQL")
    ap.add_argument("--replicas", type=int, default=0,
                    help="serve the class from N replicas behind nginx (deploy/) on PostgreSQL (default 0: one server)")
    ap.add_argument("--port", type=int, default=None,
                    help="nginx's port with --replicas (default 8700; replicas on the next ports); one server's port "
                         "otherwise (default: any free port)")
    ap.add_argument("--kill-one", action="store_true",
                    help="with --replicas 2 or more: kill the first replica once about half the answers are stored")
    ap.add_argument("--streamlit-option", action="append", default=[], metavar="NAME=VALUE",
                    help="pass --NAME VALUE to streamlit run, e.g. runner.postScriptGC=false (repeatable)")
    args = ap.parse_args()
    if args.kill_one and args.replicas < 2:
        ap.error("--kill-one needs --replicas 2 or more: a survivor must take over")
    if args.replicas:
        names = [f"postgresql, {args.replicas} replicas behind nginx" + (", one killed" if args.kill_one else "")]
    else:
        names = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {}
    for name in names:
        print(f"{name}: {args.students} students ...", flush=True)
        results[name] = bench("postgresql" if args.replicas else name, args.students, args.timeout, args.hold,
                              args.streamlit_option, args.replicas,
                              args.port or (8700 if args.replicas else None), args.kill_one, args.reveal_timeout,
                              args.after)
        table(name, results[name])
    OUT.mkdir(exist_ok=True)
    run = {"cores": os.cpu_count(), "students": args.students, "timeout_s": args.timeout, "hold_s": args.hold,
           "after_s": args.after,
           "reveal_timeout_s": args.reveal_timeout, "replicas": args.replicas, "kill_one": args.kill_one,
           "streamlit_options": args.streamlit_option, "at": time.strftime("%Y-%m-%d %H:%M:%S")}
    (OUT / "live_class.json").write_text(json.dumps({"run": run, "backends": results}, indent=2, default=str))
    # A student who never got the page to answer on is a failure too, not only a lost answer; so is a phone that
    # never showed the reveal.
    bad = {name: f for name, f in results.items() if "error" in f or f.get("lost") or f.get("doubled")
           or f.get("wrong_value") or f.get("sent") != f.get("students") or f.get("reveal_missing")}
    print("\nsummary: " + "; ".join(
        f"{name} " + (f"failed ({f['error']})" if "error" in f else
                      f"{f['sent']} of {f['students']} sent, {f['stored']} stored (p95 {show(f['stored_p95_s'], ' s')}), "
                      f"lost {f['lost']}, doubled {f['doubled']}, wrong {f['wrong_value']}; count complete "
                      f"{show(f['presenter_caught_up_s'], ' s')} after the last; reveal on {f['reveal_shown']} of "
                      f"{f['reveal_phones']} phones, p95 {show(f['reveal_p95_s'], ' s')}")
        for name, f in results.items()) + f" -> exit {1 if bad else 0}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
