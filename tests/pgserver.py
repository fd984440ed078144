"""A throwaway PostgreSQL cluster for tests and benchmarks: a temp folder, a Unix socket, no TCP, stopped on exit.

initdb and postgres refuse to run as root, so as root the cluster belongs to the `postgres` user (runuser).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def _binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed; run scripts/ensure_postgres.sh")
    return found


@contextlib.contextmanager
def throwaway_postgres(listen_tcp_port: int | None = None):
    """Start a fresh cluster; yield its SQLAlchemy URL (psycopg driver); stop it and delete its folder after."""
    folder = Path(tempfile.mkdtemp(prefix="ketamine-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    listen = f"-c listen_addresses=127.0.0.1 -p {listen_tcp_port}" if listen_tcp_port else "-c listen_addresses=''"
    ctl = [*as_user, _binary("pg_ctl"), "-D", str(data)]
    try:
        subprocess.run([*as_user, _binary("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
                       check=True, capture_output=True)
        subprocess.run([*ctl, "-o", f"-k {folder} {listen} -c fsync=off", "-l", str(folder / "log"), "-w", "start"],
                       check=True, capture_output=True, timeout=60)
        port = listen_tcp_port or 5432
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run([*ctl, "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
