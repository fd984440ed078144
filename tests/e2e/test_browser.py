"""Real-browser checks: every page renders all its charts with no exception box and no console error;
a filter set on one page is still set on the next; the layout fits a phone and a projector."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# Charts each page draws with the full dataset (the AppTest tier checks which ones).
PAGES = [
    ("", "Ketamine vs traditional antidepressants", 1),
    ("Onset", "Onset speed", 3),
    ("Durability", "Durability", 3),
    ("Non_response", "Response and non-response", 4),
    ("Side_effects", "Side effects", 2),
    ("Evidence_explorer", "Evidence explorer and sources", 0),
]


def wait_idle(page):
    """Wait until Streamlit has finished running the script (no running indicator)."""
    page.wait_for_selector("[data-testid='stAppViewContainer']")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)


@pytest.mark.parametrize("path, title, n_charts", PAGES)
def test_page_renders_all_charts_without_errors(server, make_page, page_errors, path, title, n_charts):
    page = make_page()
    page.goto(f"{server}/{path}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    wait_idle(page)
    if n_charts:
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    else:
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(n_charts)
    if n_charts:
        # Every chart has drawn its data marks, not just an empty frame.
        for i in range(n_charts):
            expect(page.locator("[data-testid='stPlotlyChart']").nth(i).locator("g.trace, g.point, path.point").first).to_be_attached()
    expect(page.get_by_text("does not give medical advice")).to_have_count(1)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert not page_errors, page_errors


def test_filter_set_on_one_page_is_kept_on_the_next(server, make_page, page_errors):
    page = make_page()
    page.goto(f"{server}/Non_response")
    wait_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Population", exact=True).locator("xpath=ancestor::*[@data-testid='stMultiSelect'][1]").locator("input").click()
    page.get_by_role("option", name="treatment-resistant depression").click()
    page.keyboard.press("Escape")
    wait_idle(page)
    sidebar.get_by_role("link", name="Side effects").click()
    expect(page.get_by_role("heading", name="Side effects", level=1)).to_be_visible()
    wait_idle(page)
    chosen = page.get_by_test_id("stSidebar").locator("[data-testid='stMultiSelect']").first
    expect(chosen).to_contain_text("treatment-resistant depression")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert not page_errors, page_errors


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 768)])
def test_overview_fits_the_screen_without_sideways_scrolling(server, make_page, page_errors, width, height):
    page = make_page(width, height)
    page.goto(server)
    wait_idle(page)
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(1)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than a {width}px screen"
    box = page.locator("[data-testid='stPlotlyChart']").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert not page_errors, page_errors


def test_chart_hover_names_study_n_time_definition_and_certainty(server, make_page):
    page = make_page()
    page.goto(f"{server}/Side_effects")
    wait_idle(page)
    point = page.locator("[data-testid='stPlotlyChart']").first.locator("path.point").first
    point.hover(force=True)
    hover = page.locator("g.hovertext").first
    expect(hover).to_be_visible()
    text = hover.text_content()
    assert re.search(r"n = (\d+|not reported)", text)
    assert "Certainty:" in text
