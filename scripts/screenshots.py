"""Write screenshots of the pages to docs/screenshots/, in Debian's chromium, at a projector's 1366x768 and a 390 px
phone: the overview's four answers, and each question page's headline comparison as a forest plot.

Usage:  python scripts/screenshots.py        (starts its own `streamlit run` on a free local port)
Look at every image before a submission: which row is which study, what each tick means, which side favours what.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
QUESTIONS = {"Onset": "onset", "Durability": "durability", "Non_response": "non_response",
             "Side_effects": "side_effects"}
SIZES = {"1366": (1366, 768), "390": (390, 844)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not start")


def _settle(page) -> None:
    page.wait_for_selector("[data-testid='stAppViewContainer']")
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=60_000)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    page.wait_for_timeout(1500)  # let Plotly finish laying out text


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    proc, url = _serve()
    written = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for size, (w, h) in SIZES.items():
                page = browser.new_page(viewport={"width": w, "height": h})
                for path, dim in QUESTIONS.items():
                    page.goto(f"{url}/{path}")
                    _settle(page)
                    chart = page.locator("[data-testid='stPlotlyChart']").first
                    chart.scroll_into_view_if_needed()
                    target = OUT / f"answer_{dim}_{size}px.png"
                    chart.screenshot(path=str(target))
                    written.append(target)
                page.goto(url)
                _settle(page)
                page.get_by_text("The four answers, side by side").scroll_into_view_if_needed()
                target = OUT / f"overview_answers_{size}px.png"
                page.screenshot(path=str(target))
                written.append(target)
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for t in written:
        print(t.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
