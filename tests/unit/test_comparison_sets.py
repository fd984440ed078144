"""Comparison sets are curated data, and the loader enforces their rules: each test breaks one rule in a copy of the
curated tables and checks that the loader names the member and the rule."""

import shutil

import pandas as pd
import pytest

from ketamine_evidence import vocab
from ketamine_evidence.comparison_sets import read_sets
from ketamine_evidence.data import DATA_DIR, DataValidationError, load_dataset

EVIDENCE = load_dataset().evidence
SETS_FILES = ("comparison_sets.csv", "comparison_members.csv", "sample_overlaps.csv", "grade.csv")


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


def test_each_question_opens_with_a_set_that_sets_ketamine_beside_an_established_treatment():
    sets = read_sets(EVIDENCE)
    for dim in vocab.DIMENSIONS:
        head = sets.of(dim).iloc[0]
        sides = set(sets.members.loc[sets.members["set_id"] == head["set_id"], "side"])
        # Direct evidence (one trial's ketamine arm against an active arm), or both sides against their controls.
        assert sides == {"direct"} or "ketamine" in sides, dim


def test_questions_with_direct_evidence_lead_with_it():
    sets = read_sets(EVIDENCE)
    for dim in vocab.DIMENSIONS:
        kinds = list(sets.of(dim)["kind"])
        if "head_to_head" in kinds:
            assert kinds[0] == "head_to_head", dim


def _member(members, member_id):
    return members.index[members["member_id"] == member_id][0]


def problems_after_editing(sets_copy, member_id, **cells):
    """Change some cells of one member in the copy, then return the loader's problems."""
    folder, members, _ = sets_copy
    members.loc[_member(members, member_id), list(cells)] = list(cells.values())
    save(folder, "comparison_members.csv", members)
    return problems_after(folder)


def problems_after_adding(sets_copy, like, **cells):
    """Add a member to the copy, a copy of member `like` with some cells changed; return the loader's problems."""
    folder, members, _ = sets_copy
    extra = members.iloc[[_member(members, like)]].copy()
    extra[list(cells)] = list(cells.values())
    save(folder, "comparison_members.csv", pd.concat([members, extra]))
    return problems_after(folder)


def problems_after_editing_set(sets_copy, set_id, **cells):
    """Change some cells of one set in the copy, then return the loader's problems."""
    folder, _, sets = sets_copy
    sets.loc[sets.index[sets["set_id"] == set_id][0], list(cells)] = list(cells.values())
    save(folder, "comparison_sets.csv", sets)
    return problems_after(folder)


def test_a_row_whose_outcome_is_not_the_sets_is_refused(sets_copy):
    # Hudson 2005 reports stopping for adverse events, not relapse.
    p = problems_after_editing(sets_copy, "dor-sustain1", row_ids="hudson2005-1", control_row_ids="hudson2005-2")
    assert any(x.row_id == "dor-sustain1" and "outcome 'discontinuation_adverse_events' is not the set's" in x.message
               for x in p)


def test_a_row_from_another_population_is_refused(sets_copy):
    # SUSTAIN-1 is in treatment-resistant depression.
    p = problems_after_editing_set(sets_copy, "durability-relapse-or", populations="major depression")
    assert any(x.row_id == "dor-sustain1" and "population 'treatment-resistant depression'" in x.message for x in p)


def test_a_row_outside_the_time_window_is_refused(sets_copy):
    # A 24-hour window; the members are day 7.
    p = problems_after_editing_set(sets_copy, "onset-response-week1", window_min_hours="12", window_max_hours="36")
    assert {x.row_id for x in p if "outside the set's window" in x.message} == {"orw1-xu2016", "orw1-taylor2006"}


def test_a_prognostic_figure_never_enters_a_set(sets_copy):
    # Wagner 2017: odds of later response in early improvers against non-improvers, not a treatment effect.
    p = problems_after_editing(sets_copy, "orw1-taylor2006", row_ids="wagner2017-3")
    assert any(x.row_id == "orw1-taylor2006" and "prognostic" in x.message for x in p)


def test_a_published_meta_analysis_is_never_pooled_with_other_members(sets_copy):
    # TRANSFORM's remission contrasts pool; Ma 2025's pooled risk ratio (ketamine against ECT) may hold such trials.
    p = problems_after_adding(sets_copy, "ard28-transform1", member_id="ard28-ma2025", row_ids="ma2025-2",
                              control_row_ids="", sample="Ma 2025 meta-analysis")
    assert any(x.row_id == "ard28-ma2025" and "published meta-analysis cannot be pooled" in x.message for x in p)


def test_overlapping_samples_are_never_pooled_together(sets_copy):
    # Turkoz 2021 pools TRANSFORM-1 and -2, so it shares patients with both (data/sample_overlaps.csv).
    p = problems_after_editing(sets_copy, "rg1-transform3", sample="TRANSFORM-1 and -2 (pooled)")
    assert any(x.column == "sample" and "shares patients with member rg1-transform1" in x.message for x in p)


def test_the_same_sample_twice_in_a_pooled_side_is_refused(sets_copy):
    p = problems_after_editing(sets_copy, "rg1-transform3", sample="TRANSFORM-2")
    assert any(x.row_id == "rg1-transform3" and "shares patients" in x.message for x in p)


def test_a_member_on_the_wrong_side_is_refused(sets_copy):
    p = problems_after_editing(sets_copy, "dor-sustain1", side="traditional")
    assert any(x.row_id == "dor-sustain1" and x.column == "side" for x in p)


def test_a_figure_in_another_unit_than_the_sets_measure_is_refused(sets_copy):
    p = problems_after_editing(sets_copy, "orw1-taylor2006", row_ids="taylor2006-4")  # percentage points, in a risk-ratio set
    assert any(x.row_id == "orw1-taylor2006" and "unit 'percentage points' is not the set's measure" in x.message
               for x in p)


def test_an_arm_without_its_n_cannot_be_compared_from_arms(sets_copy):
    # Doogan 1992's arm sizes could not be verified, so its rows have no n.
    p = problems_after_editing(sets_copy, "dor-sustain1", row_ids="doogan1992-1", control_row_ids="doogan1992-2")
    assert any(x.row_id == "dor-sustain1" and "needs arm percentages with their n" in x.message for x in p)


def test_a_set_without_a_ketamine_side_compares_nothing_and_is_refused(sets_copy):
    folder, members, _ = sets_copy
    save(folder, "comparison_members.csv", members[members["member_id"] != "orw1-xu2016"])
    p = problems_after(folder)
    assert any(x.row_id == "onset-response-week1" and "no ketamine member" in x.message for x in p)


def test_a_question_with_two_headlines_is_refused(sets_copy):
    p = problems_after_editing_set(sets_copy, "onset-response-gain-week1", rank="1")
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


# ---------------------------------------------------------------- the rules a methodologist signs


def test_a_share_of_one_arm_without_its_control_arm_is_refused(sets_copy):
    # ESCAPE-TRD's esketamine arm alone (27.1% remitting) would be set beside arms of other trials.
    p = problems_after_editing(sets_copy, "erw8-escape", control_row_ids="")
    assert any(x.row_id == "erw8-escape" and "arms of different trials are never compared" in x.message for x in p)


def test_a_share_of_patients_is_not_a_set_measure(sets_copy):
    p = problems_after_editing_set(sets_copy, "escape-remission-week8", measure="proportion")
    assert any(x.row_id == "escape-remission-week8" and x.column == "measure" for x in p)


def test_sides_that_are_different_experiments_must_say_so_in_the_title_and_make_no_indirect_comparison(sets_copy):
    p = problems_after_editing_set(sets_copy, "durability-relapse-or", title="Relapse when treatment stops (odds ratio)",
                                   indirect="yes", transitivity="x")
    assert any(x.row_id == "durability-relapse-or" and x.column == "title" for x in p)
    assert any(x.row_id == "durability-relapse-or" and x.column == "indirect" for x in p)


def test_an_indirect_comparison_must_name_what_differs_between_the_trials(sets_copy):
    p = problems_after_editing_set(sets_copy, "onset-response-week1", transitivity="")
    assert any(x.row_id == "onset-response-week1" and x.column == "transitivity" for x in p)


def test_every_set_states_who_may_enter_it(sets_copy):
    p = problems_after_editing_set(sets_copy, "nausea-vs-control", eligibility="")
    assert any(x.row_id == "nausea-vs-control" and x.column == "eligibility" for x in p)


def test_a_head_to_head_comparator_is_an_active_treatment_not_placebo(sets_copy):
    # Dean 2021's pooled odds ratio is ketamine against saline placebo: not head-to-head evidence.
    p = problems_after_editing(sets_copy, "kve-elektd", row_ids="dean2021-7")
    assert any(x.row_id == "kve-elektd" and "not placebo" in x.message for x in p)


def test_head_to_head_trials_pool_only_with_the_same_kind_of_comparator(sets_copy):
    # ESCAPE-TRD's quetiapine arm is not TRANSFORM's newly started antidepressant.
    p = problems_after_adding(sets_copy, "ard28-transform2", member_id="ard28-escape", row_ids="reif2023-1",
                              control_row_ids="reif2023-2", sample="ESCAPE-TRD")
    assert any(x.row_id == "addon-remission-day28" and "same kind of comparator" in x.message for x in p)


def test_every_body_of_evidence_has_one_grade_judgement_and_none_is_invented(sets_copy):
    folder = sets_copy[0]
    grades = pd.read_csv(folder / "grade.csv", dtype=str, keep_default_na=False)
    missing = grades[~((grades["set_id"] == "escape-remission-week8") & (grades["target"] == "direct"))]
    invented = grades.iloc[[0]].assign(set_id="escape-remission-week8", target="traditional")
    save(folder, "grade.csv", pd.concat([missing, invented]))
    p = problems_after(folder)
    assert any(x.file == "grade.csv" and x.row_id == "escape-remission-week8" and x.value == "direct" for x in p)
    assert any(x.file == "grade.csv" and x.value == "traditional" and "no such body" in x.message for x in p)


def test_a_grade_rating_outside_grades_words_is_refused(sets_copy):
    folder = sets_copy[0]
    grades = pd.read_csv(folder / "grade.csv", dtype=str, keep_default_na=False)
    grades.loc[0, "imprecision"] = "somewhat serious"
    save(folder, "grade.csv", grades)
    p = problems_after(folder)
    assert any(x.file == "grade.csv" and x.column == "imprecision" for x in p)


# ---------------------------------------------------------------- after the last dose


def test_after_stopping_figures_are_checked_against_the_evidence(tmp_path):
    from ketamine_evidence import after_stopping

    assert len(after_stopping.read(EVIDENCE)) >= 4
    text = (DATA_DIR / "after_stopping.csv").read_text(encoding="utf-8")
    bad = text.replace("lewis2021-2,lewis2021-1,traditional", "lewis2021-2,kato2021-2,traditional")
    bad = bad.replace("diamond2014-5,,ketamine", "diamond2014-99,,ketamine")
    (tmp_path / "after_stopping.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        after_stopping.read(EVIDENCE, tmp_path)
    found = {(p.row_id, p.column) for p in info.value.problems}
    assert ("diamond2014-99", "row_id") in found and ("lewis2021-2", "control_row_id") in found
