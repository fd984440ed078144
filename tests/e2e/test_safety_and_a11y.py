"""Browser checks of what a hostile or careless upload must not do, an axe-core accessibility scan of every page, and
how many Tab presses a keyboard user needs to get past a table."""

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
    # The page reruns once the upload is kept (so the sidebar offers it); until that run ends, the first run's
    # elements can still be on screen beside the new ones. Wait for the one copy each, then read it.
    uploaded = page.get_by_text("3 rows uploaded: 2 kept and shown, 1 rejected.")
    expect(uploaded).to_have_count(1)
    expect(uploaded).to_be_visible()
    # A partly rejected file says so in a warning before the report; the green "ready" is for clean files only.
    rejected = page.get_by_test_id("stAlertContentWarning").get_by_text("1 of 3 rows was rejected: see the report below.")
    expect(rejected).to_have_count(1)
    expect(rejected).to_be_visible()
    expect(page.get_by_text("Your rows are ready")).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert not page_errors, page_errors


def test_unreadable_upload_is_refused_with_a_sentence_and_the_app_keeps_its_data(server, make_page, page_errors):
    page = make_page()
    page.goto(f"{server}/Your_data")
    wait_idle(page)
    upload(page, "not_text.csv")
    # The refusal itself (the progress box's label also says "the file was not accepted", in lower case).
    expect(page.get_by_text(re.compile(r"^The file was not accepted: "))).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_role("link", name="Overview").click()
    wait_idle(page)
    expect(page.get_by_text("YOUR UPLOADED DATA")).to_have_count(0)
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(4, timeout=30_000)  # the four answers
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
    # A bare address in an uploaded label is text on every page that shows the upload, never a link.
    assert page.locator("a[href*='example.invalid']").count() == 0
    for label in ("Overview", "Onset speed", "Response and non-response", "Durability",
                  "Evidence explorer and sources"):
        page.get_by_test_id("stSidebar").get_by_role("link", name=label).click()
        wait_idle(page)
        expect(page.get_by_text(re.compile("YOUR UPLOADED DATA|Your upload", re.I)).first).to_be_visible()
        assert page.locator("a[href*='example.invalid']").count() == 0, label
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
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(table) == 1 + 3 and "row_id" in table[0] and "citation" not in table[0]  # written on click, as shown
    cells = [c for row in table for c in row]
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


# The focusable element just before a table, as a keyboard user would leave it.
FOCUS_BEFORE = """(table) => {
  const tabbable = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
    .filter((el) => el.tabIndex >= 0 && !el.disabled && !table.contains(el) && el.checkVisibility()
            && (table.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING));
  tabbable[tabbable.length - 1].focus();
}"""
ACTIVE = "() => document.activeElement.getAttribute('aria-label') || document.activeElement.innerText || document.activeElement.tagName"


def tab_stops_across(page, table) -> list[str]:
    """Press Tab from the element before a table until focus leaves it; return what took focus inside it."""
    table.evaluate(FOCUS_BEFORE)
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        if not table.evaluate("(t) => t.contains(document.activeElement)"):
            break
        stops.append(page.evaluate(ACTIVE))
    assert table.evaluate("(t) => !!(t.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)")
    return stops


def exposed_grid(page) -> tuple[list[str], list[str]]:
    """Return the column headers and cells Chrome's accessibility tree gives a screen reader (the grid draws on a
    canvas; its cells are a table inside it, which Playwright's role locators do not see)."""
    nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    named = [(n.get("role", {}).get("value"), n.get("name", {}).get("value", "")) for n in nodes if not n.get("ignored")]
    return [name for role, name in named if role == "columnheader"], [name for role, name in named if role == "gridcell"]


# Streamlit's grid moved its cell cursor on Tab: 25 stops inside a 21-column table (its toolbar's three buttons, the
# grid, then each cell of the first row), whatever the rows. Now its toolbar and the grid: four, as WAI-ARIA's grid
# pattern has it (Tab passes the grid, arrow keys move within it).
@pytest.mark.parametrize("path, opener", [
    ("Evidence_explorer", None),  # every figure: 354 rows
    ("Onset", re.compile(r"^Table of the \d+ figures in this chart$")),  # the table under a chart
])
def test_a_keyboard_user_passes_a_table_in_four_tab_stops_not_one_per_cell(server, make_page, page_errors, path, opener):
    page = make_page()
    page.goto(f"{server}/{path}")
    wait_idle(page)
    main = page.get_by_test_id("stMainBlockContainer")
    if opener:
        main.get_by_text(opener).first.click()
        wait_idle(page)
    table = main.get_by_test_id("stDataFrame").first
    expect(table.locator("[role='gridcell']").first).to_be_attached(timeout=30_000)  # the grid has drawn its rows
    stops = tab_stops_across(page, table)
    assert len(stops) <= 4, stops
    if path == "Evidence_explorer":
        expect(page.get_by_role("button", name="Download these figures (CSV)")).to_be_focused()
    # Must not happen: the cells become unreachable. A screen reader still finds them, and arrow keys still move
    # the grid's cursor without leaving the table.
    headers, cells = exposed_grid(page)
    assert "Study" in headers and any(c.strip() for c in cells), (headers, cells[:10])
    table.get_by_test_id("data-grid-canvas").focus()
    for key in ("ArrowDown", "ArrowRight", "ArrowRight"):
        page.keyboard.press(key)
        assert table.evaluate("(t) => t.contains(document.activeElement)"), key
    assert not page_errors, page_errors
