"""A visual check of every chart a reader can reach, in a real browser: on every page (every tab opened) at a
1366x768 projector and a 390 px phone, and on every presenter reveal at 1366x768. For each Plotly chart:

- every row label, annotation and bar label is drawn inside the chart;
- tick labels on a log axis are unambiguous (written out, so no bare minor-tick digits: "2 3 … 9 1 2 3");
- no text runs into another text or into a data marker;
- the legend names every trace drawn.

The first release's ratio charts (markers with no row labels) and log axes ("0.3" shown as "3") passed every other
test; this one would have caught them.
"""

import re

import pytest
from playwright.sync_api import expect

from .test_browser import wait_idle

pytestmark = pytest.mark.e2e

PAGES = ["", "Onset", "Durability", "Non_response", "Side_effects", "Compare"]

# What the check needs from one chart, in page pixels.
READ_CHART = """(el) => {
  const gd = el.querySelector('.js-plotly-plot');
  const r = el.getBoundingClientRect();
  const box = (n) => { const b = n.getBoundingClientRect();
    return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, w: b.width, text: n.textContent}; };
  const texts = [...el.querySelectorAll('g.textpoint text, g.ytick text, g.annotation text, text.bartext')]
    .map(box).filter((b) => b.w > 0 && b.text.trim());
  const points = [...el.querySelectorAll('g.points path.point')].map(box).filter((b) => b.w > 0);
  const logTicks = [];
  for (const name of ['xaxis', 'yaxis']) {
    const ax = gd._fullLayout[name];
    if (ax && ax.type === 'log') logTicks.push([...el.querySelectorAll('g.' + name[0] + 'tick text')].map((n) => n.textContent));
  }
  const named = gd._fullData.filter((t) => t.showlegend && t.visible === true && t.name).map((t) => t.name);
  const legend = [...el.querySelectorAll('g.legend .legendtext')].map((n) => n.textContent);
  const legendBoxes = [...el.querySelectorAll('g.legend .legendtext, g.g-xtitle text, g.g-gtitle text')]
    .map(box).filter((b) => b.w > 0);
  return {chart: {left: r.left, right: r.right}, texts, points, logTicks, named, legend, legendBoxes,
          showlegend: gd._fullLayout.showlegend};
}"""


def _overlap(a, b, slack=1.5) -> bool:
    return (a["left"] + slack < b["right"] and b["left"] + slack < a["right"]
            and a["top"] + slack < b["bottom"] and b["top"] + slack < a["bottom"])


def _squash(text: str) -> str:
    return re.sub(r"<br>|\s+", "", text)


def check_chart(plot, where: str) -> None:
    plot.scroll_into_view_if_needed()
    expect(plot.locator(".main-svg").first).to_be_visible()
    # Plotly lays the chart out a moment after its SVG appears: wait (30 s at most) until the layout is there.
    laid_out = plot.evaluate("""(el) => new Promise((done) => { let n = 0; const poll = () => {
        const gd = el.querySelector('.js-plotly-plot');
        if (gd && gd._fullLayout && gd._fullLayout.xaxis) done(true); else if (++n > 300) done(false);
        else setTimeout(poll, 100); }; poll(); })""")
    assert laid_out, f"{where}: the chart was never laid out"
    c = plot.evaluate(READ_CHART)
    edge = c["chart"]
    cut = [t["text"] for t in c["texts"] + c["legendBoxes"]
           if t["left"] < edge["left"] - 1 or t["right"] > edge["right"] + 1]
    assert not cut, f"{where}: texts run past the chart's edge: {cut[:3]}"
    for ticks in c["logTicks"]:
        assert len(ticks) == len(set(ticks)), f"{where}: log-axis ticks repeat, minor ticks read as whole numbers: {ticks}"
    texts = c["texts"]
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            assert not _overlap(a, b), f"{where}: '{a['text']}' runs into '{b['text']}'"
        hit = [p for p in c["points"] if _overlap(a, p)]
        assert not hit, f"{where}: '{a['text']}' is printed over a data marker"
    if c["showlegend"]:
        shown = {_squash(t) for t in c["legend"]}
        missing = {_squash(n) for n in c["named"]} - shown
        assert not missing, f"{where}: the legend does not name {sorted(missing)}"


def _open_tabs_and_charts(page):
    """Yield each chart on the page, opening the tab that holds it first when it is not the one shown."""
    tabs = page.get_by_test_id("stTab")
    tab_count = tabs.count()
    for t in range(max(tab_count, 1)):
        if tab_count:
            tabs.nth(t).click()
            wait_idle(page)  # a tab's charts are built when it opens
        plots = page.locator("[data-testid='stPlotlyChart']")
        for i in range(plots.count()):
            plot = plots.nth(i)
            if plot.evaluate("(n) => n.checkVisibility()"):
                yield t, i, plot


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
@pytest.mark.parametrize("path", PAGES)
def test_every_chart_on_every_page_is_labelled_unambiguous_and_uncluttered(server, make_page, page_errors, path,
                                                                          width, height):
    page = make_page(width, height)
    page.goto(f"{server}/{path}")
    wait_idle(page)
    expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible(timeout=30_000)
    if not path:  # the overview's evidence base is folded: open it, so its two charts are checked too
        page.get_by_test_id("stMainBlockContainer").get_by_text(re.compile(r"^Show how much evidence there is")).click()
        wait_idle(page)
        expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(6, timeout=30_000)
    seen = 0
    for tab, i, plot in _open_tabs_and_charts(page):
        check_chart(plot, f"{path or 'Overview'} chart {i} (tab {tab}) at {width}px")
        seen += 1
    assert seen, f"no chart checked on {path or 'Overview'}"
    assert not page_errors, page_errors


def test_every_presenter_reveal_is_readable_on_a_projector(server, make_page, page_errors):
    page = make_page(1366, 768)
    page.goto(f"{server}/Presenter")
    wait_idle(page)
    heading = page.get_by_role("heading", name=re.compile(r"^\d+.\d+ ·"))
    total = int(re.match(r"^\d+/(\d+)", heading.inner_text()).group(1))
    for step in range(1, total + 1):
        expect(page.get_by_role("heading", name=re.compile(rf"^{step}.{total} ·"))).to_be_visible()
        # The disclaimer's first words are on screen, not hidden under the header.
        page.evaluate("() => { for (const el of document.querySelectorAll('*')) if (el.scrollTop > 0) el.scrollTop = 0; }")
        first = page.get_by_text("This dashboard summarises published research", exact=False).first
        assert first.bounding_box()["y"] >= 40, f"step {step}: the disclaimer starts under the page header"
        page.get_by_role("button", name="Reveal").click()
        plot = page.locator("[data-testid='stPlotlyChart']").first
        expect(plot.locator(".main-svg").first).to_be_visible(timeout=30_000)
        check_chart(plot, f"presenter step {step}")
        if step < total:
            page.get_by_role("button", name="Next").click()
            wait_idle(page)
    assert not page_errors, page_errors


def test_a_keyboard_focused_sidebar_link_shows_a_focus_ring_unlike_the_current_page(server, make_page, page_errors):
    page = make_page(1366, 768)
    page.goto(f"{server}/Durability")
    wait_idle(page)
    link = page.get_by_test_id("stSidebar").get_by_role("link", name="Onset speed")
    page.get_by_test_id("stSidebar").get_by_role("link", name="Overview").focus()
    # Reach the link with the keyboard (so :focus-visible applies), however many stops lie between.
    for _ in range(6):
        page.keyboard.press("Tab")
        if link.evaluate("(a) => document.activeElement === a"):
            break
    assert link.evaluate("(a) => document.activeElement === a"), "Tab never reached the 'Onset speed' link"
    # Auto-waiting: on a loaded CI machine the ring's style was once read before it applied ("none 3px").
    expect(link).to_have_css("outline-style", "solid", timeout=10_000)
    expect(link).not_to_have_css("outline-width", "0px")
    current = page.get_by_test_id("stSidebar").get_by_role("link", name="Durability")
    assert current.evaluate("(a) => getComputedStyle(a).outlineStyle") in ("none", "")
    assert not page_errors, page_errors
