"""Write screenshots to docs/screenshots/ in Debian's chromium: every page whole at a 1366x768 projector and a
390 px phone, each question page's headline comparison, every presenter reveal at 1366x768, and the result of an
upload with a rejected row; then a live class: the presenter's join code, a student's phone, the live count and
the reveal (one real phone answers; the other guesses are simulated answers written to the class's store).

Usage:  python scripts/screenshots.py [--app DIR] [--out DIR]
        (starts its own `streamlit run` of DIR/app.py on a free local port; DIR defaults to this checkout, so an
        older checkout can be photographed the same way for a before/after)
Look at every image before a submission: which row is which study, what each tick means, which side favours what.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import tempfile
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.replicas import wait_healthy  # noqa: E402
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PAGES = {"overview": "", "onset": "Onset", "durability": "Durability", "non_response": "Non_response",
         "side_effects": "Side_effects", "explorer": "Evidence_explorer", "claims": "Claim_checker",
         "briefing": "Briefing", "compare": "Compare", "glossary": "Glossary", "your_data": "Your_data"}
QUESTIONS = ("onset", "durability", "non_response", "side_effects")
SIZES = {"1366": (1366, 768), "390": (390, 844)}
UPLOAD = ROOT / "tests" / "upload_corpus" / "wrong_type.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STATE = Path(tempfile.mkdtemp(prefix="screenshots-state-"))  # the live class's store, shared with the server


def _serve(app_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"], cwd=app_dir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            env={**os.environ, "KETAMINE_STATE_DIR": str(STATE)})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, 120)
    except RuntimeError as err:
        proc.kill()
        raise SystemExit(str(err)) from None
    return proc, url


def _settle(page, charts: bool = True) -> None:
    page.wait_for_selector("[data-testid='stAppViewContainer']")
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=60_000)
    if charts:
        page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    page.wait_for_timeout(1500)  # let Plotly finish laying out text


def _whole_page(page, path: Path, width: int) -> None:
    """Screenshot a Streamlit page whole: its content scrolls inside a container, so grow the viewport to fit it."""
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('*')].map((e) => e.scrollHeight))")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 16000)})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(path))


def _summary_of_findings(page, out: Path, size: str) -> list[Path]:
    """Photograph the overview's first screen as a reader lands on it, then its summary-of-findings table opened."""
    first = out / f"overview_first_screen_{size}px.png"
    page.screenshot(path=str(first))
    page.get_by_text("The summary-of-findings table", exact=False).first.click()
    table = page.locator("[data-testid='stExpander']").filter(has_text="The summary-of-findings table").first
    table.locator("[data-testid='stDataFrame']").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    table.scroll_into_view_if_needed()
    target = out / f"summary_of_findings_{size}px.png"
    table.screenshot(path=str(target))
    return [first, target]


CLAIM = "Esketamine causes dissociation in a quarter of patients"


def _claim_verdict(page, out: Path, size: str) -> Path:
    """Type a claim in the claim checker and photograph its verdict: the word, how sure, the rule and the answer."""
    box = page.get_by_role("textbox", name="Type or paste a claim")
    box.fill(CLAIM)
    box.press("Control+Enter")
    page.wait_for_timeout(500)
    _settle(page, charts=False)
    verdict = page.locator(".st-key-claims_verdict")
    verdict.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    target = out / f"claim_verdict_{size}px.png"
    verdict.screenshot(path=str(target))
    return target


def _live_class(browser, url: str, out: Path) -> list[Path]:
    """Photograph a live class: join code, a phone answering, the live count, and the reveal on both screens."""
    from ketamine_evidence import classroom as cr
    from ketamine_evidence.teaching import questions, read_sequence

    written = []
    presenter = browser.new_page(viewport={"width": 1366, "height": 768})
    presenter.goto(f"{url}/Presenter?step=2")
    _settle(presenter, charts=False)
    presenter.get_by_role("button", name="Start a live class").click()
    dialog = presenter.get_by_role("dialog")
    dialog.locator("img").first.wait_for()
    presenter.wait_for_timeout(1000)
    written.append(out / "class_join_code_1366x768.png")
    presenter.screenshot(path=str(written[-1]))
    room = "".join(re.search(r"\b([A-HJ-NP-Z2-9]{4})-([A-HJ-NP-Z2-9]{4})\b", dialog.inner_text()).groups())
    presenter.keyboard.press("Escape")
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{url}/Join_class?room={room}")
    phone.get_by_role("slider").wait_for(timeout=60_000)
    phone.get_by_role("slider").focus()
    for _ in range(12):
        phone.keyboard.press("ArrowRight")
    phone.get_by_role("button", name="Send my answer").click()
    phone.get_by_text("Your answer:").wait_for()
    phone.wait_for_timeout(800)
    written.append(out / "class_student_390px.png")
    phone.screenshot(path=str(written[-1]))
    # Simulated classmates (not evidence: stand-ins for a room's guesses), written straight to the store.
    store = cr.ClassStore(cr.make_engine(f"sqlite:///{STATE / 'classroom.sqlite'}"))
    q = questions(read_sequence())[2]
    rng = random.Random(2014)
    for _ in range(27):
        store.answer(room, cr.new_token(), q, min(100, max(0, round(rng.gauss(35, 18)))))
    presenter.get_by_text("28 answers so far").wait_for(timeout=30_000)
    presenter.wait_for_timeout(1500)
    written.append(out / "class_live_count_1366x768.png")
    presenter.screenshot(path=str(written[-1]))
    presenter.get_by_role("button", name="Reveal").click()
    presenter.get_by_text("The class guessed a median").wait_for(timeout=60_000)
    _settle(presenter)
    written.append(out / "class_reveal_1366x768.png")
    presenter.screenshot(path=str(written[-1]))
    phone.get_by_text("Revealed.").wait_for(timeout=30_000)
    phone.wait_for_timeout(2000)
    written.append(out / "class_student_reveal_390px.png")
    _whole_page(phone, written[-1], 390)
    presenter.close()
    phone.close()
    return written


def main() -> int:
    args = argparse.ArgumentParser()
    args.add_argument("--app", type=Path, default=ROOT)
    args.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    opts = args.parse_args()
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    proc, url = _serve(opts.app)
    written = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for size, (w, h) in SIZES.items():
                for name, path in PAGES.items():
                    page = browser.new_page(viewport={"width": w, "height": h})
                    page.goto(f"{url}/{path}")
                    _settle(page, charts=name in QUESTIONS or name in ("overview", "compare"))
                    if name in QUESTIONS:
                        chart = page.locator("[data-testid='stPlotlyChart']").first
                        chart.scroll_into_view_if_needed()
                        target = out / f"answer_{name}_{size}px.png"
                        chart.screenshot(path=str(target))
                        written.append(target)
                    if name == "overview":
                        written += _summary_of_findings(page, out, size)
                    if name == "claims":
                        written.append(_claim_verdict(page, out, size))
                    target = out / f"page_{name}_{size}px.png"
                    _whole_page(page, target, w)
                    written.append(target)
                    page.close()
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{url}/Presenter")
            _settle(page, charts=False)
            total = int(re.search(r"/(\d+) ", page.get_by_role("heading", level=2).first.inner_text()).group(1))
            for step in range(1, total + 1):
                page.get_by_role("button", name="Reveal").click()
                _settle(page)
                target = out / f"presenter_step{step}_1366x768.png"
                page.screenshot(path=str(target))
                written.append(target)
                if step < total:
                    page.get_by_role("button", name="Next").click()
                    _settle(page, charts=False)
            page.close()
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{url}/Your_data")
            _settle(page, charts=False)
            page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(UPLOAD))
            page.wait_for_timeout(4000)
            _settle(page, charts=False)
            target = out / "upload_result_1366px.png"
            _whole_page(page, target, 1366)
            written.append(target)
            written += _live_class(browser, url, out)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for t in written:
        print(t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
