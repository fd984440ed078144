"""Every named view, on the curated data, yields a chart with alt text and a computed message; on no rows, it is empty."""

import pytest

from ketamine_evidence import evidence as ev, views
from ketamine_evidence.data import load_dataset


@pytest.fixture(scope="module")
def rows():
    ds = load_dataset()
    return ev.with_sources(ds.evidence, ds.sources)


@pytest.mark.parametrize("name", list(views.REGISTRY))
def test_each_view_draws_its_rows_with_alt_text_and_a_message(rows, name):
    v = views.REGISTRY[name](rows)
    assert not v.empty, f"{name} has no rows in the curated data"
    assert v.fig.layout.title.text
    assert f"{len(v.rows)} published figures" in v.alt
    assert len(v.message) > 20


@pytest.mark.parametrize("name", list(views.REGISTRY))
def test_each_view_is_empty_not_broken_when_nothing_matches(rows, name):
    v = views.REGISTRY[name](rows.iloc[0:0])
    assert v.empty and v.fig is None and v.empty_what


def test_onset_effects_plots_one_measure_at_a_time(rows):
    v = views.onset_effects(rows, "odds ratio")
    assert set(v.rows["unit"]) == {"odds ratio"}
    assert v.fig.layout.yaxis.type == "log"
