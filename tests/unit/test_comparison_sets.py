"""Comparison sets are curated data, and the loader enforces their rules: each test breaks one rule in a copy of the
curated tables and checks that the loader names the member and the rule."""

import shutil

import pandas as pd
import pytest

from ketamine_evidence import vocab
from ketamine_evidence.comparison_sets import read_sets
from ketamine_evidence.data import DATA_DIR, DataValidationError, load_dataset

EVIDENCE = load_dataset().evidence
SETS_FILES = ("comparison_sets.csv", "comparison_members.csv", "sample_overlaps.csv")


@pytest.fixture
def sets_copy(tmp_path):
    """Return (folder, members, sets) for an editable copy of the curated set tables."""
    for name in SETS_FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    read = lambda name: pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)  # noqa: E731
    return tmp_path, read("comparison_members.csv"), read("comparison_sets.csv")


def save(folder, name, frame):
    frame.to_csv(folder / name, index=False)


def problems_after(folder):
    with pytest.raises(DataValidationError) as info:
        read_sets(EVIDENCE, folder)
    return info.value.problems


def test_the_curated_sets_pass_every_rule():
    sets = read_sets(EVIDENCE)
    assert len(sets.sets) >= 8 and sets.members["member_id"].is_unique


def test_each_question_has_at_least_two_sets_with_ketamine_and_a_traditional_antidepressant_on_one_measure():
    sets = read_sets(EVIDENCE)
    for dim in vocab.DIMENSIONS:
        ids = set(sets.of(dim)["set_id"])
        both = [s for s in ids if set(sets.members.loc[sets.members["set_id"] == s, "side"]) == {"ketamine", "traditional"}]
        assert len(both) >= 2, dim


def _member(members, member_id):
    return members.index[members["member_id"] == member_id][0]


def problems_after_editing(sets_copy, member_id, **cells):
    """Change some cells of one member in the copy, then return the loader's problems."""
    folder, members, _ = sets_copy
    members.loc[_member(members, member_id), list(cells)] = list(cells.values())
    save(folder, "comparison_members.csv", members)
    return problems_after(folder)


def test_a_row_whose_outcome_is_not_the_sets_is_refused(sets_copy):
    # Hudson 2005 reports stopping for adverse events, not relapse.
    p = problems_after_editing(sets_copy, "drr-rapaport2004", row_ids="hudson2005-1", control_row_ids="hudson2005-2")
    assert any(x.row_id == "drr-rapaport2004" and "outcome 'discontinuation_adverse_events' is not the set's" in x.message
               for x in p)


def test_a_row_from_another_population_is_refused(sets_copy):
    folder, _, sets = sets_copy
    i = sets.index[sets["set_id"] == "durability-relapse-rr"][0]
    sets.loc[i, "populations"] = "major depression"  # SUSTAIN-1 is in treatment-resistant depression
    save(folder, "comparison_sets.csv", sets)
    p = problems_after(folder)
    assert any(x.row_id == "drr-sustain1" and "population 'treatment-resistant depression'" in x.message for x in p)


def test_a_row_outside_the_time_window_is_refused(sets_copy):
    folder, _, sets = sets_copy
    i = sets.index[sets["set_id"] == "onset-response-week1"][0]
    sets.loc[i, ["window_min_hours", "window_max_hours"]] = ["12", "36"]  # a 24-hour window; the members are day 7
    save(folder, "comparison_sets.csv", sets)
    p = problems_after(folder)
    assert {x.row_id for x in p if "outside the set's window" in x.message} == {"orw1-xu2016", "orw1-taylor2006"}


def test_a_prognostic_figure_never_enters_a_set(sets_copy):
    # Wagner 2017: odds of later response in early improvers against non-improvers, not a treatment effect.
    p = problems_after_editing(sets_copy, "orw1-taylor2006", row_ids="wagner2017-3")
    assert any(x.row_id == "orw1-taylor2006" and "prognostic" in x.message for x in p)


def test_a_published_meta_analysis_is_never_pooled_with_other_members(sets_copy):
    folder, members, _ = sets_copy
    extra = members.iloc[[_member(members, "drr-rapaport2004")]].copy()
    extra[["member_id", "row_ids", "control_row_ids", "sample"]] = ["drr-kato2021", "kato2021-2", "kato2021-3",
                                                                    "Kato 2021 meta-analysis"]
    save(folder, "comparison_members.csv", pd.concat([members, extra]))
    p = problems_after(folder)
    assert any(x.row_id == "drr-kato2021" and "published meta-analysis cannot be pooled" in x.message for x in p)


def test_overlapping_samples_are_never_pooled_together(sets_copy):
    # ANTLER reported twice: Lewis 2021 (NEJM) and Duffy 2021 (its HTA report) are the same patients.
    p = problems_after_editing(sets_copy, "drh-keller1998", row_ids="duffy2021-1", sample="ANTLER (HTA report)",
                               shown_as="Antidepressants (pooled)")
    assert any(x.column == "sample" and "shares patients with member drh-lewis2021" in x.message for x in p)


def test_the_same_sample_twice_in_a_pooled_side_is_refused(sets_copy):
    p = problems_after_editing(sets_copy, "rg1-transform3", sample="TRANSFORM-2")
    assert any(x.row_id == "rg1-transform3" and "shares patients" in x.message for x in p)


def test_a_member_on_the_wrong_side_is_refused(sets_copy):
    p = problems_after_editing(sets_copy, "drr-sustain1", side="traditional")
    assert any(x.row_id == "drr-sustain1" and x.column == "side" for x in p)


def test_a_figure_in_another_unit_than_the_sets_measure_is_refused(sets_copy):
    p = problems_after_editing(sets_copy, "orw1-taylor2006", row_ids="taylor2006-4")  # percentage points, in a risk-ratio set
    assert any(x.row_id == "orw1-taylor2006" and "unit 'percentage points' is not the set's measure" in x.message
               for x in p)


def test_an_arm_without_its_n_cannot_be_compared_from_arms(sets_copy):
    # Doogan 1992's arm sizes could not be verified, so its rows have no n.
    p = problems_after_editing(sets_copy, "drr-rapaport2004", row_ids="doogan1992-1", control_row_ids="doogan1992-2")
    assert any(x.row_id == "drr-rapaport2004" and "needs arm percentages with their n" in x.message for x in p)


def test_a_set_without_a_ketamine_side_compares_nothing_and_is_refused(sets_copy):
    folder, members, _ = sets_copy
    save(folder, "comparison_members.csv", members[members["member_id"] != "orw1-xu2016"])
    p = problems_after(folder)
    assert any(x.row_id == "onset-response-week1" and "no ketamine member" in x.message for x in p)


def test_a_question_with_two_headlines_is_refused(sets_copy):
    folder, _, sets = sets_copy
    sets.loc[sets["set_id"] == "onset-response-gain-week1", "rank"] = "1"
    save(folder, "comparison_sets.csv", sets)
    p = problems_after(folder)
    assert any("exactly one headline set" in x.message for x in p)


def test_an_unknown_row_id_is_named(sets_copy):
    p = problems_after_editing(sets_copy, "orw1-xu2016", row_ids="xu2016-99")
    assert any(x.row_id == "orw1-xu2016" and x.value == "xu2016-99" and x.line is not None for x in p)


def test_the_esketamine_trials_comparator_arm_is_an_antidepressant_arm_not_placebo():
    # TRANSFORM and SUSTAIN-1 control arms took an oral antidepressant plus a placebo spray.
    arms = EVIDENCE[EVIDENCE["control_type"] == "placebo + oral antidepressant"]
    controls = arms[arms["family"] != vocab.FAMILIES[0]]
    assert not controls.empty
    assert set(controls["treatment_group"]) == {"Antidepressant + placebo spray"}
    assert vocab.family_of("Antidepressant + placebo spray") == "Traditional antidepressants"
