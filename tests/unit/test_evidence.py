"""Evidence logic on small invented frames (not clinical data): selections, filters, warnings, messages."""

import pandas as pd
import pytest

from ketamine_evidence import evidence as ev


def row(**kw):
    base = dict(
        row_id="x-1", source_id="x", study="X 2020", dimension="onset", outcome="response", outcome_label="Response",
        outcome_definition="def A", treatment="t", treatment_group="IV ketamine", family="Ketamine", route="intravenous",
        regimen="monotherapy", population="treatment-resistant depression", design="RCT", control_type="saline placebo",
        compared_with=None, time_reported="24 h", time_value=24.0, time_unit="hours", time_hours=24.0,
        time_anchor="first dose", value=50.0, unit="%", ci_low=None, ci_high=None, ci_level=None, n=20,
        adverse_effect_course=None, certainty="low", year=2020, caveats=None, citation="c", link="https://doi.org/10.1/x",
    )
    base.update(kw)
    return base


def frame(*rows):
    return pd.DataFrame([row(**r) for r in rows])


def test_onset_course_keeps_timed_percentages_from_first_dose_only():
    df = frame({}, {"row_id": "x-2", "time_anchor": "last dose"}, {"row_id": "x-3", "unit": "odds ratio"},
               {"row_id": "x-4", "time_hours": None, "time_value": None})
    assert list(ev.onset_time_course(df)["row_id"]) == ["x-1"]


def test_prognostic_rows_never_enter_the_onset_course():
    df = frame({}, {"row_id": "x-2", "outcome": "prognostic", "value": 70.0})
    assert "x-2" not in set(ev.onset_time_course(df)["row_id"])


def test_like_for_like_warning_names_each_difference():
    df = frame({}, {"row_id": "x-2", "population": "major depression", "regimen": "add-on",
                    "control_type": "active placebo", "outcome_definition": "def B"})
    text = " ".join(ev.like_for_like_warnings(df))
    assert "2 populations" in text and "major depression" in text
    assert "add-on" in text and "active placebo" in text and "2 different outcome definitions" in text


def test_like_for_like_is_silent_when_rows_match():
    assert ev.like_for_like_warnings(frame({}, {"row_id": "x-2", "value": 30.0})) == []


def test_filters_combine_and_year_range_applies():
    df = frame({}, {"row_id": "x-2", "population": "major depression"}, {"row_id": "x-3", "year": 2010})
    f = ev.Filters(populations=("treatment-resistant depression",), years=(2015, 2025))
    assert list(ev.apply_filters(df, f)["row_id"]) == ["x-1"]
    assert ev.Filters().is_default() and not f.is_default()


def test_time_to_event_converts_to_days_openly():
    df = frame({"outcome": "time_to_response", "unit": "weeks", "value": 2.0},
               {"row_id": "x-2", "outcome": "time_to_response", "unit": "hours", "value": 12.0})
    out = ev.time_to_event(df, "time_to_response").set_index("row_id")["value_days"]
    assert out["x-1"] == 14.0 and out["x-2"] == 0.5


def test_describing_every_figure_counts_them_and_gives_no_answer():
    df = frame({"dimension": "durability", "outcome": "relapse", "treatment_group": "SSRI",
                "family": "Traditional antidepressants", "value": 20.0},
               {"row_id": "x-2", "source_id": "y", "dimension": "durability", "outcome": "relapse",
                "treatment_group": "Placebo", "family": "Placebo and comparators", "value": 40.0})
    msg = ev.describe(df, "relapse")
    assert msg.startswith("2 figures on relapse from 2 sources (1 figure for traditional antidepressants")
    for word in ("median", "range", "earliest", "highest", "lowest", "20", "40"):
        assert word not in msg.lower()
    assert ev.describe(df.iloc[0:0], "relapse") == "No relapse in the current selection."


def test_search_is_literal_and_needs_every_word():
    df = frame({"caveats": "add-on (a+b)"}, {"row_id": "x-2", "outcome_label": "Dissociation"})
    assert list(ev.search_rows(df, "(a+b)")["row_id"]) == ["x-1"]
    assert list(ev.search_rows(df, "dissociation x")["row_id"]) == ["x-2"]
    assert len(ev.search_rows(df, "  ")) == 2


def test_sequential_steps_finds_step_labels_in_traditional_remission_rows():
    df = frame({"dimension": "non_response", "outcome": "remission", "outcome_label": "Remission, step 2",
                "treatment_group": "SSRI", "family": "Traditional antidepressants"},
               {"row_id": "x-2", "dimension": "non_response", "outcome": "remission", "outcome_label": "Remission"})
    assert list(ev.sequential_steps(df)["row_id"]) == ["x-1"]


@pytest.mark.parametrize("hours, words", [(6, "6 hours"), (24, "24 hours"), (72, "3 days"), (336, "14 days"), (672, "4 weeks")])
def test_hours_read_as_a_person_would_say_them(hours, words):
    assert ev.fmt_hours(hours) == words


def test_source_link_prefers_doi_then_pubmed_then_page():
    assert ev.source_link("10.1/x", None, "https://a") == "https://doi.org/10.1/x"
    assert ev.source_link(None, "123", "https://a") == "https://pubmed.ncbi.nlm.nih.gov/123/"
    assert ev.source_link(None, None, "https://a") == "https://a"


def test_ratio_message_counts_intervals_that_exclude_one():
    df = frame({"unit": "odds ratio", "value": 2.0, "ci_low": 1.2, "ci_high": 3.0},
               {"row_id": "x-2", "unit": "odds ratio", "value": 1.1, "ci_low": 0.8, "ci_high": 1.5},
               {"row_id": "x-3", "unit": "odds ratio", "value": 0.5})
    msg = ev.ratio_message(df)
    assert msg.startswith("1 of 3 ratios have a confidence interval that excludes 1")
    assert "1 include 1" in msg and "1 are reported without an interval" in msg


def test_first_step_non_response_is_computed_openly_from_response():
    df = frame({"dimension": "non_response", "outcome_label": "Response (QIDS-SR), citalopram level 1",
                "treatment_group": "SSRI", "family": "Traditional antidepressants", "value": 47.0})
    out = ev.first_step_non_response(df)
    assert out["not_responding"].tolist() == [53.0]


def test_timeline_keeps_only_times_in_their_kinds_and_converts_units_openly():
    df = frame(
        {"row_id": "x-1", "time_hours": 4.0},  # a response rate measured 4 h after the first dose: not a time
        {"row_id": "x-3", "dimension": "durability", "outcome": "duration_of_benefit", "unit": "weeks", "value": 3.0},
        {"row_id": "x-4", "dimension": "onset", "outcome": "time_to_response", "unit": "hours", "value": 12.0,
         "treatment_group": "SSRI", "family": "Traditional antidepressants"},
        {"row_id": "x-5", "dimension": "durability", "outcome": "relapse", "unit": "%", "value": 30.0},  # not a time
    )
    t = ev.timeline_rows(df).set_index("row_id")
    assert set(t.index) == {"x-3", "x-4"}
    assert t.loc["x-3", "kind"] == ev.TIMELINE_KINDS[1] and t.loc["x-3", "days"] == 21.0
    assert t.loc["x-4", "kind"] == ev.TIMELINE_KINDS[0] and t.loc["x-4", "days"] == 0.5
