"""Browser checks of what a hostile or careless upload must not do, and an axe-core accessibility scan of every page."""

import csv
import io
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .test_browser import PAGES, wait_idle

pytestmark = pytest.mark.e2e
CORPUS = Path(__file__).resolve().parents[1] / "upload_corpus"


def upload(page, name):
    page.get_by_test_id("stFileUploader").first.locator("input[type='file']").set_input_files(str(CORPUS / name))
    wait_idle(page)


def test_broken_upload_reports_each_problem_and_keeps_good_rows(server, make_page, page_errors):
    page = make_page()
    page.goto(f"{server}/Your_data")
    wait_idle(page)
    upload(page, "wrong_type.csv")
    expect(page.get_by_text("3 rows uploaded: 2 kept and shown, 1 rejected.")).to_be_visible()
    # A partly rejected file says so in a warning before the report; the green "ready" is for clean files only.
    expect(page.get_by_test_id("stAlertContentWarning").get_by_text("1 of 3 rows was rejected: see the report below.")).to_be_visible()
    expect(page.get_by_text("Your rows are ready")).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert not page_errors, page_errors


def test_unreadable_upload_is_refused_with_a_sentence_and_the_app_keeps_its_data(server, make_page, page_errors):
    page = make_page()
    page.goto(f"{server}/Your_data")
    wait_idle(page)
    upload(page, "not_text.csv")
    expect(page.get_by_text("The file was not accepted")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_role("link", name="Overview").click()
    wait_idle(page)
    expect(page.get_by_text("YOUR UPLOADED DATA")).to_have_count(0)
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(6, timeout=30_000)  # four answers, the map, the years
    assert not page_errors, page_errors


def test_hostile_cells_render_as_text_and_downloads_carry_no_live_formula(server, make_page, page_errors, tmp_path):
    page = make_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/Your_data")
    wait_idle(page)
    upload(page, "hostile_text.csv")
    expect(page.get_by_text("3 rows uploaded: 3 kept and shown, 0 rejected.")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("Your upload").click()
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Evidence explorer and sources").click()
    wait_idle(page)
    expect(page.get_by_text("YOUR UPLOADED DATA (3 rows)")).to_be_visible()
    page.get_by_role("textbox", name="Search the figures").fill("javascript")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("1 of 3 figures shown.")).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.get_by_role("textbox", name="Search the figures").fill("")
    page.keyboard.press("Enter")
    wait_idle(page)
    # The download must be of all three rows: wait for the cleared search to be drawn, not only for idle.
    expect(page.get_by_text("3 of 3 figures shown.")).to_be_visible()
    wait_idle(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download these figures (CSV)").click()
    path = tmp_path / "figures.csv"
    dl.value.save_as(path)
    cells = [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for c in row]
    assert "'=HYPERLINK(\"http://example.invalid\",\"click\")" in cells
    assert not [c for c in cells if re.match(r"[=+@\t\r]", c)]
    assert not [c for c in cells if c.startswith("-") and not re.fullmatch(r"-[\d.]+", c)]
    assert not dialogs, dialogs
    assert not page_errors, page_errors


@pytest.mark.parametrize("path", [p for p, _, _ in PAGES] + ["Presenter", "Compare", "Glossary", "Your_data"])
def test_no_serious_or_critical_accessibility_violations(server, make_page, path):
    page = make_page()
    page.goto(f"{server}/{path}")
    wait_idle(page)
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert not bad, bad
