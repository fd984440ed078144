"""Real-browser checks: every page renders all its charts with no exception box and no console error;
a filter set on one page is still set on the next; the layout fits a phone and a projector."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# Charts each page draws with the full dataset (the AppTest tier checks which ones).
# Each question page draws its headline comparison and the comparison picked below it (two forest plots) first, or
# one when the picked comparison is the headline's own set and would draw the same chart.
PAGES = [
    ("", "Ketamine vs traditional antidepressants", 4),  # the four answers; the evidence base is folded
    ("Onset", "Onset speed", 5),  # the detail adds the indirect comparison the compact headline leaves out
    ("Durability", "Durability", 4),  # its headline set (one trial) is not drawn twice: the detail is the same chart
    ("Non_response", "Response and non-response", 4),  # the same; and one outcome tab built at a time
    ("Side_effects", "Side effects", 4),  # the harm profile, the first harm's forest plot, incidence, stopping
    ("Evidence_explorer", "Evidence explorer and sources", 0),
    ("Claim_checker", "Claim checker", 0),
    ("Briefing", "Briefing", 0),
    ("Compare", "Compare", 2),  # the harms a reader chose, and the timeline (the summary of findings is text)
]


def pick_in_sidebar(page, label: str, option: str) -> None:
    """Choose one option of a sidebar multiselect, found by its label, and wait for the rerun."""
    box = page.get_by_test_id("stSidebar").get_by_text(label, exact=True)
    field = box.locator("xpath=ancestor::*[@data-testid='stMultiSelect'][1]").locator("input")
    field.click()
    field.fill(option)
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")
    wait_idle(page)


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
        expect(page.get_by_test_id("stMainBlockContainer").get_by_text(re.compile("figures|claim", re.I)).first).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(n_charts, timeout=30_000)
    if n_charts:
        # Every chart has drawn its data marks, not just an empty frame.
        for i in range(n_charts):
            expect(page.locator("[data-testid='stPlotlyChart']").nth(i).locator("g.trace, g.point, path.point").first).to_be_attached()
    expect(page.get_by_text("does not give medical advice")).to_have_count(1)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    if path in ("Onset", "Durability", "Non_response", "Side_effects"):
        # The answer leads with its plain sentence (people per 100 and how sure), GRADE's with its numbers below it.
        answer = page.locator("[data-testid='stAlertContentSuccess']").first
        expect(answer).to_contain_text(re.compile(r" in 100 |confident|uncertain|limited"))
        expect(page.get_by_text(re.compile(r"^In GRADE's words: ")).first).to_be_visible()
    assert not page_errors, page_errors


def test_filter_set_on_one_page_is_kept_on_the_next(server, make_page, page_errors):
    page = make_page()
    page.goto(f"{server}/Non_response")
    wait_idle(page)
    pick_in_sidebar(page, "Population", "treatment-resistant depression")
    page.get_by_test_id("stSidebar").get_by_role("link", name="Side effects").click()
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
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(4, timeout=30_000)  # the four answers
    # The evidence base is folded; opened, its two charts (the map, the years) must fit as well.
    page.get_by_test_id("stMainBlockContainer").get_by_text(re.compile(r"^Show how much evidence there is")).click()
    wait_idle(page)
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(6, timeout=30_000)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than a {width}px screen"
    for i in range(6):
        box = page.locator("[data-testid='stPlotlyChart']").nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert not page_errors, page_errors


# Boxes of what a reader must be able to read in each chart, in page pixels.
CHART_PARTS = """(el) => {
  const boxes = (sel) => [...el.querySelectorAll(sel)].map((n) => n.getBoundingClientRect())
    .filter((b) => b.width > 0).map((b) => ({left: b.left, right: b.right, top: b.top, bottom: b.bottom}));
  const r = el.getBoundingClientRect();
  return {chart: {left: r.left, right: r.right}, legend: boxes("g.legend .legendtext, g.legend .legendtitletext"),
          xtitle: boxes("g.g-xtitle text"), plot: boxes("rect.nsewdrag"),
          labels: boxes("g.textpoint text[text-anchor='start'], text.bartext")};
}"""


def _overlap(a, b) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _assert_texts_fit(parts: dict, where: str) -> None:
    """Every legend entry, axis title and row label lies within the chart; the legend covers neither plot nor title."""
    edge = parts["chart"]
    cut = [b for b in parts["legend"] + parts["xtitle"] + parts["labels"]
           if b["left"] < edge["left"] - 1 or b["right"] > edge["right"] + 1]
    assert not cut, f"{where}: {len(cut)} texts run past the chart's edge"
    for lg in parts["legend"]:
        assert not [x for x in parts["xtitle"] + parts["plot"] if _overlap(lg, x)], \
            f"{where}: the legend runs over the plot or the x-axis title"


def _bring_into_view(plot) -> None:
    expect(plot.locator(".main-svg").first).to_be_visible()
    plot.scroll_into_view_if_needed()


def each_tab(page):
    """Open each tab of the page in turn (a tab is built when it opens) and yield its index; once if there are none."""
    tabs = page.get_by_test_id("stTab")
    for t in range(max(tabs.count(), 1)):
        if t:
            tabs.nth(t).click()
            wait_idle(page)
        yield t


@pytest.mark.parametrize("path, title, n_charts", [p for p in PAGES if p[2] > 0])
def test_on_a_phone_legends_axis_titles_and_row_labels_are_whole_and_clear_of_each_other(
        server, make_page, page_errors, path, title, n_charts):
    page = make_page(390, 844)
    page.goto(f"{server}/{path}")
    wait_idle(page)
    plots = page.locator("[data-testid='stPlotlyChart']")
    expect(plots).to_have_count(n_charts, timeout=30_000)
    for tab in each_tab(page):  # the charts of every outcome tab, each drawn when its tab opens
        expect(plots).to_have_count(n_charts, timeout=30_000)
        for i in range(n_charts):
            _bring_into_view(plots.nth(i))
            expect(plots.nth(i).locator("rect.nsewdrag").first).to_be_attached()
            parts = plots.nth(i).evaluate(CHART_PARTS)
            where = f"chart {i} (tab {tab}) on {path or 'Overview'}"
            assert parts["legend"] + parts["xtitle"] + parts["labels"], f"{where} has no legend, axis title or labels"
            _assert_texts_fit(parts, where)
    assert not page_errors, page_errors


def _download_briefing(page, server: str, tmp_path):
    """Download the Briefing page's HTML file and return where it was saved."""
    page.goto(f"{server}/Briefing")
    wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download briefing")).click()
    path = tmp_path / "briefing.html"
    download.value.save_as(path)
    return path


def test_downloaded_briefing_reads_on_a_phone_with_whole_legends_and_labels(server, make_page, browser, tmp_path):
    page = make_page()
    path = _download_briefing(page, server, tmp_path)
    phone = browser.new_context(offline=True, viewport={"width": 390, "height": 844})
    try:
        doc = phone.new_page()
        doc.goto(path.as_uri())
        plots = doc.locator(".js-plotly-plot")
        expect(plots.first.locator("rect.nsewdrag").first).to_be_attached()
        assert plots.count() >= 6
        for i in range(plots.count()):
            plots.nth(i).scroll_into_view_if_needed()
            _assert_texts_fit(plots.nth(i).evaluate(CHART_PARTS), f"briefing chart {i}")
        expect(doc.locator("p.chart-title")).to_have_count(plots.count())
    finally:
        phone.close()


def test_chart_hover_names_study_n_time_definition_and_certainty(server, make_page):
    page = make_page()
    page.goto(f"{server}/Side_effects")
    wait_idle(page)
    # The harm profile (first chart), the first harm's forest plot and the every-figure incidence chart (third) alike.
    for i in (0, 1, 2):
        plot = page.locator("[data-testid='stPlotlyChart']").nth(i)
        plot.scroll_into_view_if_needed()
        plot.locator("path.point").first.hover(force=True)
        hover = page.locator("g.hovertext").first
        expect(hover).to_be_visible()
        text = hover.text_content()
        assert re.search(r"n = (\d[\d,]*( vs [\d,]+)?|not reported)", text), text
        assert "Certainty:" in text
        assert re.search(r"Read in: (The paper|Official label|Secondary report)", text), text  # where it was read
        page.mouse.move(0, 0)


def test_copied_link_restores_the_same_filters_in_a_fresh_browser(server, make_page, page_errors):
    page = make_page()
    page.goto(f"{server}/Side_effects")
    wait_idle(page)
    pick_in_sidebar(page, "Treatment groups", "Esketamine")
    expect(page).to_have_url(re.compile(r"groups=Esketamine"), timeout=30_000)  # the rerun redraws 5 charts
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Share or cite this view").click()
    expect(sidebar.get_by_test_id("stCode").first).to_be_visible()  # built when the expander opens
    link = sidebar.get_by_test_id("stCode").first.inner_text().strip()
    assert "groups=Esketamine" in link and "/Side_effects" in link

    fresh = make_page()  # a new browser context: no cookies, no session
    fresh.goto(link)
    wait_idle(fresh)
    expect(fresh.get_by_role("heading", name="Side effects", level=1)).to_be_visible()
    chosen = fresh.get_by_test_id("stSidebar").locator("[data-testid='stMultiSelect']").nth(1)
    expect(chosen).to_contain_text("Esketamine")
    assert not page_errors, page_errors


def test_presenter_mode_steps_through_the_sequence_with_the_sidebar_hidden(server, make_page, page_errors):
    page = make_page(1366, 768)
    page.goto(f"{server}/Presenter")
    wait_idle(page)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_role("heading", name=re.compile(r"^1.9 "))).to_be_visible()
    page.get_by_role("button", name="Reveal").click()
    expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name=re.compile(r"^2.9 "))).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"step=2"))
    assert not page_errors, page_errors


def test_downloaded_briefing_opens_offline_with_its_charts(server, make_page, browser, tmp_path, page_errors):
    page = make_page()
    path = _download_briefing(page, server, tmp_path)
    offline = browser.new_context(offline=True)
    try:
        doc = offline.new_page()
        failed = []
        doc.on("requestfailed", lambda r: failed.append(r.url))
        doc.on("pageerror", lambda e: failed.append(str(e)))
        doc.goto(path.as_uri())
        expect(doc.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        assert doc.locator(".js-plotly-plot").count() >= 6
        expect(doc.get_by_role("heading", name="Sources")).to_be_visible()
        assert not failed, failed
    finally:
        offline.close()
    assert not page_errors, page_errors


def test_briefing_charts_download_as_png_images_with_their_sources(server, make_page, tmp_path, page_errors):
    import io
    import zipfile

    page = make_page()
    page.goto(f"{server}/Briefing")
    wait_idle(page)
    page.get_by_role("button", name="Prepare the charts as PNG images").click()
    button = page.get_by_role("button", name=re.compile("Download the charts"))
    expect(button).to_be_visible(timeout=90_000)
    with page.expect_download() as download:
        button.click()
    path = tmp_path / "charts.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as zf:
        pngs = [n for n in zf.namelist() if n.endswith(".png")]
        assert len(pngs) >= 6
        for name in pngs:
            data = zf.read(name)
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, name  # a drawn chart, not a blank
        readme = zf.read("README.txt").decode("utf-8")
    assert "data version" in readme and "Diamond PR" in readme  # each chart listed with its sources
    assert all(name in readme for name in pngs)
    assert not page_errors, page_errors


def test_a_chart_table_is_built_when_its_expander_opens(server, make_page, page_errors):
    page = make_page()
    page.goto(f"{server}/Durability")
    wait_idle(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_test_id("stDataFrame")).to_have_count(0)  # closed tables are not sent
    main.get_by_text(re.compile(r"^Table of the \d+ figures in this chart$")).first.click()
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible(timeout=30_000)
    assert not page_errors, page_errors


# A forest plot's row labels (y ticks), its "favours" words (annotations) and the plot area, in page pixels, with
# how many row labels the figure asked for: Plotly silently drops tick labels that would collide.
FOREST_PARTS = """(el) => {
  const gd = el.querySelector('.js-plotly-plot');
  const boxes = (sel) => [...el.querySelectorAll(sel)].map((n) => {
      const b = n.getBoundingClientRect();
      return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width,
              size: parseFloat(getComputedStyle(n).fontSize), text: n.textContent};
  });
  const r = el.getBoundingClientRect();
  return {chart: {left: r.left, right: r.right, top: r.top, bottom: r.bottom},
          wanted: (gd.layout.yaxis.ticktext || []).length, rows: boxes('g.ytick text'),
          favours: boxes('g.annotation text'), plot: boxes('rect.nsewdrag'), ticks: boxes('g.xtick text')};
}"""


# A row-labelled answer chart (a forest plot, the harm profile) opens with a header row: "Ketamine" (side by side),
# "Ketamine against ..." (head to head; the label may wrap) or the harm profile's first harm.
KETAMINE_HEADER = re.compile(r"^(Ketamine($|\s?against)|Dissociation$)")
LABELLED = "(gd) => gd.layout && gd.layout.meta && gd.layout.meta.rows === 'labelled'"


def _forests(page, expected: int):
    """The page's row-labelled answer charts (forest plots and the harm profile), once all `expected` are drawn."""
    page.wait_for_function(f"(n) => [...document.querySelectorAll('.js-plotly-plot')].filter({LABELLED}).length === n",
                           arg=expected, timeout=30_000)
    plots = page.locator("[data-testid='stPlotlyChart']")
    return [plots.nth(i) for i in range(plots.count())
            if plots.nth(i).evaluate(f"(el) => {{ const gd = el.querySelector('.js-plotly-plot'); "
                                     f"return !!gd && ({LABELLED})(gd); }}")]


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
@pytest.mark.parametrize("path", ["", "Onset", "Durability", "Non_response", "Side_effects"])
def test_every_forest_plot_row_label_is_drawn_whole_and_readable(server, make_page, page_errors, path, width, height):
    page = make_page(width, height)
    page.goto(f"{server}/{path}")
    wait_idle(page)
    expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible(timeout=30_000)
    # The overview's four answers; a question page's headline and the comparison picked below it, except where the
    # headline set's full chart is the headline chart and is not drawn twice (Durability, Response: one trial).
    forests = _forests(page, {"": 4, "Durability": 1, "Non_response": 1}.get(path, 2))
    for i, plot in enumerate(forests):
        plot.scroll_into_view_if_needed()
        expect(plot.locator("g.ytick text").first).to_be_visible()
        parts = plot.evaluate(FOREST_PARTS)
        where = f"forest {i} on {path or 'Overview'} at {width}px"
        rows = [b for b in parts["rows"] if b["width"] > 0]
        assert len(rows) == parts["wanted"] >= 2, f"{where}: {len(rows)} of {parts['wanted']} row labels drawn"
        assert [b for b in rows if KETAMINE_HEADER.match(b["text"])], where
        assert all(b["size"] >= 11 for b in rows), f"{where}: row labels under 11 px"
        edge, plot_box = parts["chart"], parts["plot"][0]
        for b in rows + parts["favours"] + parts["ticks"]:
            assert b["left"] >= edge["left"] - 1 and b["right"] <= edge["right"] + 1, f"{where}: '{b['text']}' is cut"
        for a, b in zip(rows, rows[1:]):
            assert not _overlap(a, b), f"{where}: '{a['text']}' runs into '{b['text']}'"
        assert not [b for b in rows if _overlap(b, plot_box)], f"{where}: a row label runs over the plot"
        for a in parts["favours"]:
            assert not [b for b in rows + parts["ticks"] if _overlap(a, b)], f"{where}: '{a['text']}' overlaps"
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert not page_errors, page_errors
