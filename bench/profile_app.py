"""Profile what a new session and a rerun of our app cost, in the real server and in AppTest.

Needs two profilers that are not in requirements.txt (no make target uses them):

    .venv/bin/pip install pyinstrument py-spy

    .venv/bin/python bench/profile_app.py --server              # the real server (py-spy), the figure that matters
    .venv/bin/python bench/profile_app.py --apptest             # every page in AppTest (pyinstrument)
    .venv/bin/python bench/profile_app.py --apptest --pages app.py pages/1_Onset.py
    .venv/bin/python bench/profile_app.py --server --variants   # also: post-script GC off, gc.freeze() after warm-up

--server starts `streamlit run app.py` on 127.0.0.1 as it is served (.streamlit/config.toml), warms every page,
then, with py-spy sampling only the thread that holds the GIL (so a sample is Python CPU time of some thread: a
script thread or the event loop that serialises and sends the deltas):
  1. new sessions: bench/wsload.py opens N sessions at once (overview, then one of the four question pages), as
     bench/run.py's crowd does; the server's CPU per session is measured with psutil;
  2. reruns: one websocket session per page reruns it K times in a row (what a widget change costs), with the
     server's CPU per rerun.
Each function's share of the samples is turned into milliseconds per session (or per rerun) by multiplying by the
measured CPU; that is an estimate (native work done without the GIL is not sampled).

--apptest profiles, with pyinstrument inside the script thread, each page cold (the first run of a fresh AppTest,
caches warm from an earlier session: what a new student costs) and warm (a rerun of that AppTest). AppTest hides
part of the server's cost: its script runner skips the full garbage collection (gc.collect(2)) that Streamlit's
server runs after every script run (runner.postScriptGC), and nothing is serialised to a websocket.

Both print, per phase or page, the top costs by cumulative time (function, file:line, seconds, share) with the
pass-through frames (threading, the script runner, Streamlit's metrics wrapper, the server's event loop) hidden,
and the top costs by self time, then a total. Output also goes to bench/out/profile_*.txt. Only 127.0.0.1 is
contacted; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from run import (
    FLOOR,
    OUR_CROWD_PAGES,
    OUR_PAGES,
    OUT,
    REF_FLAGS,
    REF_PAGES,
    free_port,
    start_server,
    stop,
    wait_healthy,
)

PY_SPY = Path(sys.executable).with_name("py-spy")
TOP = 15

# Frames that only pass control on; hidden from the cumulative lists (their children are shown).
WRAPPERS = {
    "Thread._bootstrap", "Thread._bootstrap_inner", "Thread.run", "ScriptRunner._run_script_thread",
    "LocalScriptRunner._run_script_thread", "ScriptRunner._run_script", "exec_func_with_error_handling",
    "ScriptRunner._run_script.<locals>.code_to_exec", "code_to_exec", "_mpa_v1", "Page.run",
    "gather_metrics.<locals>.wrapped_func", "wrapped_func", "_run_code", "_run_module_as_main", "<module> (streamlit",
    "Command.__call__", "Command.main", "Command.invoke", "Group.invoke", "Context.invoke", "main_run", "_main_run",
    "run (streamlit/web/bootstrap.py", "_run_server_loop", "Runner.run", "run (asyncio", "BaseEventLoop.run_forever",
    "BaseEventLoop.run_until_complete", "BaseEventLoop._run_once", "Handle._run", "_worker", "_WorkItem.run",
    "profiled",
}


def _hidden(label: str) -> bool:
    name = label.split(" (")[0]
    return name in WRAPPERS or any(label.startswith(w) for w in WRAPPERS if "(" in w)


def _ours(file: str) -> bool:
    """Our code, as py-spy (app.py, 1_Onset.py, ketamine_evidence/...) or pyinstrument (pages/1_Onset.py) names it."""
    name = file.rsplit("/", 1)[-1]
    return file.startswith(("ketamine_evidence/", "pages/")) or file == "app.py" or (
        "/" not in file and name[:1].isdigit() and name.endswith(".py"))


def _short(path: str) -> str:
    for marker in ("site-packages/", "python3.11/", str(ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


class Costs:
    """Cumulative and self time per function, each function counted once per stack (recursion is not doubled)."""

    def __init__(self) -> None:
        self.cum: collections.Counter = collections.Counter()
        self.self: collections.Counter = collections.Counter()
        self.lines: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.ours: collections.Counter = collections.Counter()  # by the deepest frame in our own code
        self.total = 0.0

    def add_stack(self, frames: list[tuple[str, str, int]], amount: float) -> None:
        """frames: (function, file, line) from the root down; amount: seconds (or samples) spent in this stack."""
        self.total += amount
        seen = set()
        for fn, file, line in frames:
            key = f"{fn} ({file})"
            self.lines[key][line] += amount
            if key not in seen:
                seen.add(key)
                self.cum[key] += amount
        if frames:
            fn, file, _ = frames[-1]
            self.self[f"{fn} ({file})"] += amount
        mine = [f for f in frames if _ours(f[1])]
        self.ours[f"{mine[-1][0]}  {mine[-1][1]}:{mine[-1][2]}" if mine else "(not under our code)"] += amount

    def merge(self, other: Costs) -> None:
        self.cum.update(other.cum)
        self.self.update(other.self)
        self.ours.update(other.ours)
        self.total += other.total
        for k, v in other.lines.items():
            self.lines[k].update(v)

    def report(self, title: str, scale: float, unit: str, top: int = TOP) -> str:
        """scale turns an amount into `unit` (e.g. samples -> ms per session)."""
        out = [f"{title}: total {self.total * scale:.1f} {unit}"]

        def where(key: str) -> str:
            fn, file = key.rsplit(" (", 1)
            line = self.lines[key].most_common(1)[0][0]
            return f"{fn}  {file[:-1]}:{line}"

        out.append(f"  top {top} by cumulative time (pass-through frames hidden):")
        shown = [k for k, _ in self.cum.most_common() if not _hidden(k)][:top]
        for k in shown:
            out.append(f"    {self.cum[k] * scale:9.1f} {unit} {self.cum[k] / self.total:6.1%}  {where(k)}")
        out.append(f"  top {min(top, 10)} by self time:")
        for k, v in self.self.most_common(min(top, 10)):
            out.append(f"    {v * scale:9.1f} {unit} {v / self.total:6.1%}  {where(k)}")
        out.append(f"  top {min(top, 10)} by the deepest frame in our code (app.py, pages/, ketamine_evidence/):")
        for k, v in self.ours.most_common(min(top, 10)):
            out.append(f"    {v * scale:9.1f} {unit} {v / self.total:6.1%}  {k}")
        return "\n".join(out)


# ---------------------------------------------------------------- AppTest (pyinstrument)

def _walk(frame, stack: list, costs: Costs) -> None:
    """Add a pyinstrument frame tree to costs: each frame's own time at its stack."""
    if frame.is_synthetic:  # [self] or [await]: time of the parent itself
        costs.add_stack(stack, frame.time)
        return
    name = f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function
    here = stack + [(name, _short(frame.file_path or "?"), frame.line_no)]
    child_time = 0.0
    for child in frame.children:
        _walk(child, here, costs)
        child_time += child.time
    rest = frame.time - child_time
    if rest > 1e-9:
        costs.add_stack(here, rest)


def profile_apptest(pages: list[str], cold_runs: int, reruns: int) -> str:
    """pyinstrument in the script thread of each AppTest run. Sampling slows Python 3.11 down several fold on this
    call-heavy code (measured: about 35 ms of CPU for an overview rerun becomes 250+ ms profiled), so each page's runs
    are also measured without the profiler (the script thread's CPU time) and the profile is scaled to that: the
    shares come from the profile, the milliseconds from the unprofiled runs."""
    from pyinstrument import Profiler
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    os.chdir(ROOT)
    sessions: list = []
    thread_cpu: list = []
    recording = {"on": False}
    original = LocalScriptRunner._run_script_thread

    def profiled(self):  # pyinstrument samples the thread it starts in: start it in the script thread
        c0 = time.thread_time()
        if not recording["on"]:
            try:
                return original(self)
            finally:
                thread_cpu.append(time.thread_time() - c0)
        prof = Profiler(interval=0.001, async_mode="disabled")
        prof.start()
        try:
            return original(self)
        finally:
            prof.stop()
            sessions.append(prof.last_session)

    LocalScriptRunner._run_script_thread = profiled

    def fresh(page: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        if page != "app.py":
            at.switch_page(page)
        return at

    def cold(page: str):
        ats = [fresh(page) for _ in range(cold_runs)]
        return lambda: [at.run() for at in ats], ats[0]

    def warm(page: str):
        at = fresh(page)
        at.run()
        return lambda: [at.run() for _ in range(reruns)], at

    def measure(make, page: str) -> tuple[float, Costs, list[str]]:
        """Unprofiled script-thread CPU per run (ms), then the profile of the same runs (fresh AppTests)."""
        run, _ = make(page)
        thread_cpu.clear()
        run()
        cpu_ms = statistics.mean(thread_cpu) * 1000
        run, at = make(page)
        sessions.clear()
        recording["on"] = True
        try:
            run()
        finally:
            recording["on"] = False
        costs = Costs()
        for s in sessions:
            root = s.root_frame()
            if root is not None:
                _walk(root, [], costs)
        return cpu_ms, costs, [str(e.message)[:120] for e in at.exception]

    out, totals, total_cpu = [], {"cold": Costs(), "warm": Costs()}, {"cold": 0.0, "warm": 0.0}
    for page in pages:
        fresh(page).run()  # an earlier session fills the caches
        for phase, make, n in (("cold", cold, cold_runs), ("warm", warm, reruns)):
            cpu_ms, costs, errors = measure(make, page)
            if not costs.total:
                continue
            sampled_ms = costs.total / n * 1000
            # Per-page shares are added up weighted by the page's CPU, so the total is a sum of scaled costs.
            weighted = Costs()
            weighted.merge(costs)
            factor = cpu_ms / sampled_ms
            for counter in (weighted.cum, weighted.self, weighted.ours):
                for k in counter:
                    counter[k] *= 1000 * factor / n
            for k in weighted.lines:
                for line in weighted.lines[k]:
                    weighted.lines[k][line] *= 1000 * factor / n
            weighted.total = cpu_ms
            totals[phase].merge(weighted)
            total_cpu[phase] += cpu_ms
            what = "new session (first run of a fresh AppTest, caches warm)" if phase == "cold" else "rerun"
            out.append(weighted.report(f"{page}, {what}: script-thread CPU {cpu_ms:.1f} ms a run without the profiler "
                                       f"(mean of {n}; {sampled_ms:.0f} ms a run as profiled)", 1.0, "ms")
                       + (f"\n  PAGE ERROR: {errors}" if errors else ""))
            print(out[-1] + "\n", flush=True)
    for phase in ("cold", "warm"):
        what = "new session" if phase == "cold" else "rerun"
        out.append(totals[phase].report(f"TOTAL over {len(pages)} pages, {what}, one run of each page "
                                        f"(script-thread CPU, without the profiler)", 1.0, "ms"))
        print(out[-1] + "\n", flush=True)
    LocalScriptRunner._run_script_thread = original
    return "\n\n".join(out)


# ---------------------------------------------------------------- real server (py-spy)

def read_raw(path: Path) -> tuple[Costs, dict]:
    """Parse py-spy's raw (collapsed) output; also split the samples by thread kind."""
    costs, kinds = Costs(), collections.Counter()
    if not path.exists():
        return costs, kinds
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = []
        for part in stack.split(";"):
            fn, _, loc = part.rpartition(" (")
            file, _, lineno = loc.rstrip(")").rpartition(":")
            frames.append((fn or part, file, int(lineno) if lineno.isdigit() else 0))
        costs.add_stack(frames, int(n))
        names = [f[0] for f in frames]
        kinds["script thread" if "ScriptRunner._run_script_thread" in names else
              "event loop (main thread)" if "BaseEventLoop.run_forever" in names else "other threads"] += int(n)
    return costs, kinds


class Spy:
    """py-spy record on a process, GIL holder only, raw output; stopped with SIGINT (bounded wait)."""

    def __init__(self, pid: int, out: Path, rate: int = 250) -> None:
        self.out = out
        out.unlink(missing_ok=True)
        self.proc = subprocess.Popen([str(PY_SPY), "record", "--pid", str(pid), "--rate", str(rate), "--gil",
                                      "--nonblocking", "--format", "raw", "--output", str(out)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)  # attach

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _reruns(port: int, page_name: str, k: int, timeout: float = 120.0) -> list[float]:
    import websockets
    from wsload import _run_page

    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=timeout, ping_interval=None) as ws:
        await _run_page(ws, page_name, timeout)  # the session's first run of the page
        return [await _run_page(ws, page_name, timeout) for _ in range(k)]


LAUNCH_FROZEN = """
import gc, os, sys, threading, time
trigger = sys.argv.pop(1)
def freeze_when_told():
    deadline = time.time() + 3600
    while not os.path.exists(trigger) and time.time() < deadline:
        time.sleep(0.2)
    gc.collect()
    gc.freeze()
threading.Thread(target=freeze_when_told, daemon=True).start()
from streamlit.web.cli import main
sys.argv = ["streamlit", "run", *sys.argv[1:]]
main()
"""


def _server(folder: Path, flags: list[str], variant: str, port: int, trigger: Path) -> subprocess.Popen:
    if variant == "as served":
        return start_server(folder, port, extra=flags)
    if variant == "runner.postScriptGC false":
        return start_server(folder, port, extra=[*flags, "--runner.postScriptGC", "false"])
    cmd = [sys.executable, "-c", LAUNCH_FROZEN, str(trigger), "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *flags]
    return subprocess.Popen(cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def profile_server(sessions: int, reruns: int, variants: list[str], spy: bool = True, app: str = "ours") -> str:
    """Profile `app` ("ours", or "floor": bench/floor/ served as bench/run.py serves it)."""
    from wsload import crowd

    folder, flags, pages, crowd_pages = ((ROOT, [], OUR_PAGES, OUR_CROWD_PAGES) if app == "ours" else
                                         (FLOOR, REF_FLAGS, dict(zip(REF_PAGES, ["", "Page"])), ["Page"]))
    out = []
    for variant in variants:
        port, trigger = free_port(), Path(tempfile.mkdtemp()) / "freeze"
        proc = _server(folder, flags, variant, port, trigger)
        try:
            wait_healthy(port)
            server = psutil.Process(proc.pid)
            def cpu(server=server) -> float:
                return sum(server.cpu_times()[:2])

            # Warm: every page once in one session, and the crowd's pages as the crowd visits them.
            for path in pages.values():
                asyncio.run(_reruns(port, path, 0))
            asyncio.run(crowd(port, len(crowd_pages), crowd_pages))
            trigger.touch()  # the gc.freeze() variant freezes now, after the warm-up
            time.sleep(3)
            load = os.getloadavg()[0]
            tag = f"{app}_{variant.split()[0].replace('.', '_')}"
            raw = OUT / f"pyspy_new_sessions_{tag}.txt"
            s = Spy(proc.pid, raw) if spy else None
            c0 = cpu()
            res = asyncio.run(crowd(port, sessions, crowd_pages))
            per_session = (cpu() - c0) * 1000 / sessions
            if s:
                s.stop()
            head = (f"[{app}, {variant}] {sessions} new sessions at once (overview, then one of "
                    f"{', '.join(crowd_pages)}): {res['succeeded']}/{sessions} finished, p50 "
                    f"{res['p50_s'] or 0:.2f} s, p95 {res['p95_s'] or 0:.2f} s; server CPU {per_session:.0f} ms per "
                    f"session; load average {load:.1f}")
            print(head, flush=True)
            out.append(head)
            if s:
                costs, kinds = read_raw(raw)
                if costs.total:
                    out.append("  samples by thread: " + ", ".join(f"{k} {v / costs.total:.0%}"
                                                                   for k, v in kinds.most_common()))
                    out.append(costs.report(f"  new session, server CPU per session ({costs.total:.0f} GIL samples)",
                                            per_session / costs.total, "ms"))
                    print("\n".join(out[-2:]) + "\n", flush=True)
            # Reruns: page by page in one session each, what a widget change costs the server.
            raw = OUT / f"pyspy_reruns_{tag}.txt"
            s = Spy(proc.pid, raw) if spy else None
            lines, total_cpu, total_runs = [], 0.0, 0
            for script, path in pages.items():
                c0 = cpu()
                walls = asyncio.run(_reruns(port, path, reruns))
                used = (cpu() - c0) * 1000
                total_cpu += used
                total_runs += reruns + 1
                lines.append(f"    {script:32} {used / (reruns + 1):7.0f} ms CPU a run, wall median "
                             f"{statistics.median(walls) * 1000:7.0f} ms")
            if s:
                s.stop()
            out.append(f"[{app}, {variant}] reruns over the websocket, {reruns} a page after the session's first run "
                       f"(CPU over all {reruns + 1} runs):\n" + "\n".join(lines))
            print(out[-1], flush=True)
            if s:
                costs, kinds = read_raw(raw)
                if costs.total:
                    out.append("  samples by thread: " + ", ".join(f"{k} {v / costs.total:.0%}"
                                                                   for k, v in kinds.most_common()))
                    out.append(costs.report(f"  rerun, server CPU per run, all pages ({costs.total:.0f} GIL samples)",
                                            total_cpu / total_runs / costs.total, "ms"))
                    print("\n".join(out[-2:]) + "\n", flush=True)
        finally:
            stop(proc)
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", action="store_true", help="profile the real server with py-spy")
    ap.add_argument("--apptest", action="store_true", help="profile AppTest runs with pyinstrument")
    ap.add_argument("--variants", action="store_true",
                    help="server: also with runner.postScriptGC false, and with gc.freeze() after the warm-up")
    ap.add_argument("--app", choices=["ours", "floor"], default="ours", help="server: which app to profile")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--pages", nargs="*", default=list(OUR_PAGES))
    args = ap.parse_args()
    if not (args.server or args.apptest):
        args.server = args.apptest = True
    OUT.mkdir(exist_ok=True)
    print(f"{os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n", flush=True)
    if args.server:
        if not PY_SPY.exists():
            print("py-spy is missing: .venv/bin/pip install py-spy")
            return 2
        variants = ["as served"] + (["runner.postScriptGC false", "gc.freeze() after warm-up"] if args.variants else [])
        text = profile_server(args.sessions, args.reruns, variants, app=args.app)
        (OUT / f"profile_server_{args.app}.txt").write_text(text + "\n")
    if args.apptest:
        text = profile_apptest(args.pages, args.cold_runs, args.reruns)
        (OUT / "profile_apptest.txt").write_text(text + "\n")
    print(f"load average at end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
