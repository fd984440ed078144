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


def test_onset_durability_view_places_only_times_each_in_its_kind(rows):
    v = views.onset_durability(rows)
    assert set(v.rows["kind"]) == set(ev.TIMELINE_KINDS)
    assert v.rows["outcome"].isin(["time_to_response", "duration_of_benefit", "time_to_relapse"]).all()
    assert {t.legendgroup for t in v.fig.data} <= set(ev.TIMELINE_KINDS)
    # Legend names are wrapped to fit a phone, but still read as the kind, word for word.
    assert {t.name.replace("<br>", " ") for t in v.fig.data} <= set(ev.TIMELINE_KINDS)
    assert "IV ketamine" in set(v.rows["treatment_group"])


NO_ANSWER_WORDS = ("median", "range", "earliest", "highest", "lowest", "longest", "most often")


@pytest.mark.parametrize("name", sorted(views.REGISTRY))
def test_no_every_figure_message_makes_an_answer_from_unlike_rows(rows, name):
    # Issue 20: messages below the headlines built answers from medians, ranges and "earliest/highest" of whatever
    # rows matched. Only a comparison set answers; every other view describes its figures.
    v = views.REGISTRY[name](rows)
    if getattr(v, "set_ids", ()) or name.startswith(("answer_", "set_")) or name == "harm_profile":
        return
    words = [w for w in NO_ANSWER_WORDS if w in v.message.lower()]
    assert not words, f"{name}: {v.message}"
