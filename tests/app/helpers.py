"""Helpers for AppTest: open a page through the entry point, read its charts."""

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

ROOT = Path(__file__).resolve().parents[2]

PAGES = {
    "app.py": "Ketamine vs traditional antidepressants",
    "pages/1_Onset.py": "Onset speed",
    "pages/2_Durability.py": "Durability",
    "pages/3_Non_response.py": "Response and non-response",
    "pages/4_Side_effects.py": "Side effects",
    "pages/5_Evidence_explorer.py": "Evidence explorer and sources",
    "pages/6_Claim_checker.py": "Claim checker",
    "pages/7_Presenter.py": "Presenter mode",
    "pages/8_Briefing.py": "Briefing",
    "pages/9_Glossary.py": "Glossary",
    "pages/10_Compare.py": "Compare",
    "pages/11_Your_data.py": "Use your own data",
    "pages/12_Join_class.py": "Join a class",
}


def open_page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if path != "app.py":
        at.switch_page(path)
    return at.run()


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def chart_by_key(at: AppTest, key: str):
    """The chart drawn with widget key `key` (Streamlit keeps the key at the end of the element id)."""
    found = [c for c in charts(at) if c.proto.id.endswith(f"-{key}")]
    assert found, f"no chart with key {key!r}; keys: {[c.proto.id.rsplit('-', 1)[-1] for c in charts(at)]}"
    return found[0]


def chart_spec(element) -> dict:
    return json.loads(element.proto.spec)


def _in_order(node):
    for child in node.children.values():
        yield child
        if isinstance(child, Block):
            yield from _in_order(child)


def chart_titles(at: AppTest) -> list[str]:
    """Each chart's title as the reader sees it: the bold line drawn just above the chart (unescaped)."""
    titles, last = [], None
    for el in _in_order(at.main):
        if el.type == "markdown":
            last = el.value
        elif el.type == "plotly_chart":
            assert last and last.startswith("**") and last.endswith("**"), f"no title above a chart: {last!r}"
            titles.append(re.sub(r"\\(.)", r"\1", last[2:-2]))
            last = None
    return titles


def open_expanders(at: AppTest, suffix: str = "_open") -> AppTest:
    """Open every lazily built expander whose key ends with `suffix`, as a reader clicking them would, and rerun."""
    for _ in range(3):  # an opened box may show more boxes (the overview's evidence base, once switched on)
        closed = [k for k in at.session_state.keys() if str(k).endswith(suffix) and not at.session_state[k]]
        if not closed:
            break
        for key in closed:
            at.session_state[key] = True
        at.run()
    return at
