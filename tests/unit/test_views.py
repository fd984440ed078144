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


def test_count_charts_tabulate_the_counts_they_draw_not_every_row(rows):
    for name in ("evidence_map", "certainty_mix"):
        v = views.REGISTRY[name](rows)
        assert not v.list_rows
        assert v.counts["figures"].sum() == len(v.rows) == len(rows)


def test_benefit_burden_view_tabulates_its_medians_and_warns_it_is_not_like_for_like(rows):
    v = views.benefit_burden(rows)
    assert set(v.counts["treatment_group"]) <= set(v.rows["treatment_group"])
    assert v.warnings and "different populations" in v.warnings[0]
    for r in v.counts.itertuples():  # each point is the median of the figures behind it
        resp = v.rows[(v.rows["treatment_group"] == r.treatment_group) & (v.rows["dimension"] == "non_response")]
        assert resp["value"].median() == pytest.approx(r.response_median)


def test_onset_durability_view_places_ketamine_on_both_sides_of_the_timeline(rows):
    v = views.onset_durability(rows)
    ket = v.rows[v.rows["treatment_group"] == "IV ketamine"]
    assert set(ket["kind"]) >= {ev.TIMELINE_KINDS[1], ev.TIMELINE_KINDS[2]}
    assert {t.legendgroup for t in v.fig.data} <= set(ev.TIMELINE_KINDS)
    # Legend names are wrapped to fit a phone, but still read as the kind, word for word.
    assert {t.name.replace("<br>", " ") for t in v.fig.data} <= set(ev.TIMELINE_KINDS)
    assert "IV ketamine" in v.message
