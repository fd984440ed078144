"""Browser-test fixtures: a real `streamlit run` on a free local port, and Debian's chromium driven by Playwright.

Like Streamlit's own e2e suite: start headless, wait for /_stcore/health, use Playwright's auto-waiting expect.
A missing chromium is a failure, not a skip.
"""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from deploy.replicas import wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


# On a deep link (/Onset) Streamlit's frontend first probes /Onset/_stcore/... to find its base path, gets a 404,
# then uses the root. That probe is Streamlit's own behaviour, not an error of this app.
BASE_PATH_PROBE = re.compile(r"://[^/]+/[^_][^/]*/_stcore/(health|host-config)$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    port = _free_port()
    log = open(ROOT / ".pytest_cache" / "e2e_streamlit.log", "w") if (ROOT / ".pytest_cache").exists() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, 60)
    except RuntimeError as err:
        proc.kill()
        pytest.fail(str(err))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make chromium` (Debian's chromium package)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page_errors():
    return []


@pytest.fixture
def make_page(browser, page_errors):
    """Return a function that opens a new page at a viewport size, collecting console errors and page errors."""
    contexts = []

    def _make(width=1366, height=768):
        ctx = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(ctx)
        page = ctx.new_page()
        # Failed resources are judged by their response (below), which names the URL; the console line does not.
        page.on("console", lambda m: page_errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        page.on("response", lambda r: page_errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not BASE_PATH_PROBE.search(r.url) else None)
        page.on("requestfailed", lambda r: page_errors.append(f"failed {r.url}"))
        page.set_default_timeout(30_000)
        return page

    yield _make
    for c in contexts:
        c.close()
