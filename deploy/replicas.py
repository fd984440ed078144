"""Run the dashboard as N identical replicas behind nginx on this machine, and stop them again.

    python deploy/replicas.py start [--replicas 2] [--port 8080] [--db URL] [--public-url URL]
    python deploy/replicas.py stop
    python deploy/replicas.py status

`start` writes an nginx configuration from deploy/nginx.conf.template into the run folder (deploy/run/, or
--run-dir), starts each replica (`streamlit run app.py` on 127.0.0.1, ports after --port) and Debian's nginx in
front of them on --port, waits until each answers its health check, and records every PID in the run folder.
`stop` ends them by those PIDs. All replicas read the same read-only data/ and, for a live class, must share one
PostgreSQL database (--db, or KETAMINE_CLASS_DB); without one, each replica would keep its own SQLite classes, so
`start` refuses more than one replica without a database URL.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
DEFAULT_RUN = ROOT / "deploy" / "run"


def nginx_binary() -> str:
    """Return the nginx executable (Debian's package: apt-get install nginx)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed: apt-get install nginx (or run scripts/ensure_nginx.sh)")
    return found


def write_config(run: Path, listen: int, ports: list[int]) -> Path:
    """Write nginx.conf for these replica ports into `run`; return its path."""
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run / sub).mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports)
    text = (TEMPLATE.read_text().replace("@RUN@", str(run)).replace("@SERVERS@", servers)
            .replace("@LISTEN@", f"127.0.0.1:{listen}"))
    conf = run / "nginx.conf"
    conf.write_text(text)
    return conf


def wait_healthy(url: str, limit: float = 120) -> None:
    """Wait until `url`/_stcore/health answers ok, or raise after `limit` seconds."""
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy within {limit:.0f} s")


def start(replicas: int, port: int, db: str | None, run: Path, public_url: str | None = None,
          env: dict | None = None) -> dict:
    """Start the replicas and nginx; return the record written to run/pids.json (ports, PIDs, URL)."""
    if replicas > 1 and not db:
        raise SystemExit("More than one replica needs a shared database for live classes: pass --db "
                         "postgresql+psycopg://... (or set KETAMINE_CLASS_DB).")
    if (run / "pids.json").exists():
        raise SystemExit(f"{run / 'pids.json'} exists: run `stop` first.")
    run.mkdir(parents=True, exist_ok=True)
    ports = [port + 1 + i for i in range(replicas)]
    base_env = {**os.environ, **(env or {}), "KETAMINE_TRUST_PROXY": "1",
                "KETAMINE_PUBLIC_URL": public_url or f"http://127.0.0.1:{port}"}
    if db:
        base_env["KETAMINE_CLASS_DB"] = db
    record = {"url": f"http://127.0.0.1:{port}", "replicas": [], "nginx": None, "run": str(run)}
    try:
        for p in ports:
            log = open(run / f"replica-{p}.log", "w")
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(p),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=ROOT, env=base_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            record["replicas"].append({"port": p, "pid": proc.pid})
        conf = write_config(run, port, ports)
        subprocess.run([nginx_binary(), "-t", "-c", str(conf), "-p", str(run), "-e", str(run / "nginx-error.log")],
                       check=True, capture_output=True)
        subprocess.run([nginx_binary(), "-c", str(conf), "-p", str(run), "-e", str(run / "nginx-error.log")],
                       check=True, capture_output=True)
        deadline = time.time() + 10
        while not (run / "nginx.pid").exists() and time.time() < deadline:
            time.sleep(0.1)
        record["nginx"] = int((run / "nginx.pid").read_text().strip())
        (run / "pids.json").write_text(json.dumps(record, indent=2))
        for r in record["replicas"]:
            wait_healthy(f"http://127.0.0.1:{r['port']}")
        wait_healthy(record["url"])
    except BaseException:
        stop(run, record)
        raise
    return record


def _kill(pid: int, sig=signal.SIGTERM, group: bool = True) -> None:
    """Send `sig` to a replica's process group (it was started as its own session), or to one process."""
    try:
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop(run: Path, record: dict | None = None) -> None:
    """Stop nginx and every replica recorded in run/pids.json (or in `record`), by PID."""
    path = run / "pids.json"
    if record is None:
        if not path.exists():
            return
        record = json.loads(path.read_text())
    if record.get("nginx"):
        _kill(record["nginx"], signal.SIGQUIT, group=False)  # nginx's graceful stop
    for r in record["replicas"]:
        _kill(r["pid"])
    deadline = time.time() + 10
    for r in record["replicas"]:
        while time.time() < deadline and _alive(r["pid"]):
            time.sleep(0.1)
        if _alive(r["pid"]):
            _kill(r["pid"], signal.SIGKILL)
    path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["start", "stop", "status"])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--db", default=os.environ.get("KETAMINE_CLASS_DB"))
    ap.add_argument("--public-url", default=None)
    ap.add_argument("--run-dir", type=Path, default=DEFAULT_RUN)
    a = ap.parse_args(argv)
    if a.command == "start":
        rec = start(a.replicas, a.port, a.db, a.run_dir, a.public_url)
        print(f"{len(rec['replicas'])} replicas behind nginx at {rec['url']} (PIDs in {a.run_dir / 'pids.json'})")
    elif a.command == "stop":
        stop(a.run_dir)
        print("stopped")
    else:
        path = a.run_dir / "pids.json"
        if not path.exists():
            print("not running")
            return 1
        rec = json.loads(path.read_text())
        for r in rec["replicas"]:
            print(f"replica :{r['port']} pid {r['pid']} {'up' if _alive(r['pid']) else 'DOWN'}")
        print(f"nginx pid {rec['nginx']} {'up' if _alive(rec['nginx']) else 'DOWN'} at {rec['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
