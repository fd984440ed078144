"""The teaching sequence is data a teacher can edit; a typo in it is reported, not crashed on.

The loader's rules (ketamine_evidence/teaching.py) each have a test here that breaks them: the option a choice step's
evidence supports, a question that asks two things, figures at another time point, a number typed from memory.
"""

import pandas as pd
import pytest

from ketamine_evidence import vocab
from ketamine_evidence.data import DATA_DIR, DataValidationError, read_evidence
from ketamine_evidence.teaching import (FIGURES_VIEW, SET_PREFIX, TABLE_VIEWS, questions, read_sequence, two_part,
                                        view_function, written_numbers)
from ketamine_evidence.views import REGISTRY, SET_VIEWS


@pytest.fixture(scope="module")
def evidence():
    return read_evidence()


def _edited(tmp_path, at_step: int, **cells):
    seq = pd.read_csv(DATA_DIR / "teaching_sequence.csv", dtype=str, keep_default_na=False)
    for col, value in cells.items():
        seq.loc[seq["step"] == str(at_step), col] = value
    path = tmp_path / "seq.csv"
    seq.to_csv(path, index=False)
    return path


def _problems(path, evidence=None) -> list:
    with pytest.raises(DataValidationError) as info:
        read_sequence(path, evidence=evidence)
    return info.value.problems


def test_sequence_runs_overview_to_caveats_with_known_views():
    seq = read_sequence()
    assert list(seq["step"]) == list(range(1, len(seq) + 1))  # whole numbers, in order (as numbers, not text)
    assert all(v in REGISTRY or v in TABLE_VIEWS or v == FIGURES_VIEW or v.startswith(SET_PREFIX) for v in seq["view"])
    assert seq["view"].iloc[0] == "evidence_map" and seq["view"].iloc[-1] == "certainty_mix"
    # Each of the four questions is revealed through a comparison set (an answer, a named set or the harm profile),
    # never through unlike rows.
    from ketamine_evidence.comparison_sets import curated
    sets = curated()
    dims = {v.removeprefix("answer_") for v in seq["view"] if v.startswith("answer_")}
    dims |= {sets.spec(SET_VIEWS[v])["dimension"] for v in seq["view"] if v in SET_VIEWS}
    dims |= {sets.spec(v.removeprefix(SET_PREFIX))["dimension"] for v in seq["view"] if v.startswith(SET_PREFIX)}
    dims |= {"side_effects" for v in seq["view"] if v == "harm_profile"}
    assert dims == {"onset", "durability", "non_response", "side_effects"}
    assert not seq["question"].str.contains(r"\d+\s*%").any()  # questions ask; figures come from the data


def test_the_sequence_teaches_the_whole_comparison(evidence):
    """Benefit fading after the last dose (a figure of data/after_stopping.csv) and the harms that define each side
    (dissociation and blood pressure for esketamine, sexual dysfunction for SSRIs: the harm sets) each have a step."""
    from ketamine_evidence.after_stopping import curated as after_stopping
    from ketamine_evidence.comparison_sets import curated, row_ids

    qs = questions(read_sequence(evidence=evidence))
    revealed = {rid for q in qs.values() for rid in q.reveal_rows}
    assert revealed & set(after_stopping()["row_id"]), "no step reveals how long benefit lasts once treatment stops"
    members = curated().members
    for harm in ("harm-dissociation", "harm-blood-pressure", "harm-sexual"):
        assert revealed & set(row_ids(members, harm)), f"no step reveals a figure of {harm}"


def test_every_step_says_how_the_class_answers_and_what_the_reveal_shows(evidence):
    qs = questions(read_sequence(evidence=evidence))
    assert set(qs) == set(range(1, len(qs) + 1))
    numbers = [q for q in qs.values() if q.kind == "number"]
    assert len(numbers) >= 5
    by_id = evidence.set_index("row_id")
    for q in numbers:
        assert q.reveal_rows and not q.answer, q.step
        for rid in q.reveal_rows:  # the range the class answers in holds every figure the reveal shows
            assert q.lo <= by_id.at[rid, "value"] <= q.hi and by_id.at[rid, "unit"] == q.unit
    for q in qs.values():
        # One question, and the figures of one outcome at one time point (Diamond 2014's 6-hour figure once answered
        # a question about 24 hours).
        assert two_part(q.text) is None, q.text
        shown = by_id.loc[list(q.reveal_rows)]
        assert shown["outcome"].nunique() <= 1 and shown["time_hours"].nunique(dropna=False) <= 1, q.step
        if q.kind == "choice":
            assert 2 <= len(q.choices) <= 6 and q.answer in q.choices and q.reason, q.step
    # The step the issue names: responders within 24 h, Han 2016's pooled ketamine arms at 24 h (DOI
    # 10.2147/NDT.S117146), and no figure at another time point beside it.
    assert "han2016-1" in qs[2].reveal_rows and "diamond2014-3" not in qs[2].reveal_rows


def _family_of(rows: pd.DataFrame) -> pd.Series:
    return rows["treatment_group"].map(vocab.family_of)


def test_each_choice_steps_option_is_the_one_its_evidence_supports(evidence):
    """Checked against the data itself, so an edit to the figures that changes the answer fails here first."""
    seq = read_sequence(evidence=evidence)
    qs = questions(seq)
    by_view = {r["view"]: qs[int(r["step"])] for _, r in seq.iterrows()}
    by_id = evidence.set_index("row_id")
    family = _family_of(evidence)
    ketamine, traditional = vocab.FAMILIES[0], vocab.FAMILIES[1]
    # How much evidence: the family with more figures.
    q = by_view["evidence_map"]
    more = "ketamine" if (family == ketamine).sum() > (family == traditional).sum() else "traditional"
    assert more in q.answer.lower()
    # How sure: the share of ketamine figures rated low or very low; 'About half' between a third and two thirds.
    q = by_view["certainty_mix"]
    low = evidence.loc[family == ketamine, "certainty"].isin(["low", "very low"]).mean()
    assert q.answer == ("Most of it" if low > 2 / 3 else "A small part" if low < 1 / 3 else "About half"), low
    for q in qs.values():
        if q.kind != "choice" or not q.reveal_rows:
            continue
        shown = by_id.loc[list(q.reveal_rows)]
        if set(shown["unit"]) <= set(vocab.RATIO_UNITS):
            # Which treatments beat their control: every interval above 1 means 'both'.
            above = shown["ci_low"] > 1
            assert ("Both" in q.answer) == bool(above.all()), q.step
        else:
            # Which harm most reported: the option naming the largest revealed figure.
            top = shown.loc[shown["value"].idxmax(), "outcome_label"].lower()
            assert q.answer.lower().split()[-1] in top, (q.answer, top)


def test_unknown_view_is_named_by_line(tmp_path):
    p = _problems(_edited(tmp_path, 2, view="onset_curve"))[0]
    assert p.column == "view" and p.value == "onset_curve" and p.line == 3


def test_a_view_may_be_any_comparison_set_or_the_figures_alone(tmp_path, evidence):
    assert view_function(FIGURES_VIEW) is None
    assert view_function("set:harm-sexual").__name__ == "set_view_harm-sexual"
    problems = _problems(_edited(tmp_path, 8, view="set:no-such-set"))
    assert any(p.column == "view" and "names no comparison set" in p.message for p in problems)
    problems = _problems(_edited(tmp_path, 1, view=FIGURES_VIEW))  # step 1 reveals a whole view, no figures
    assert any(p.line == 2 and p.column == "reveal_rows" for p in problems)


def test_a_range_that_cannot_contain_the_revealed_figure_is_refused(tmp_path, evidence):
    path = _edited(tmp_path, 2, answer_max="50")  # han2016-1 is 52.2 %
    p = _problems(path, evidence)[0]
    assert (p.line, p.column) == (3, "answer_max") and "han2016-1" in p.message


def test_a_revealed_figure_in_another_unit_or_missing_is_refused(tmp_path, evidence):
    days = next(q.step for q in questions(read_sequence()).values() if q.unit == "days")
    path = _edited(tmp_path, days, reveal_rows="diamond2014-5;han2016-1;nosuch-1")
    messages = {(p.value, p.message) for p in _problems(path, evidence)}
    assert ("han2016-1", "is in %, but the answer is in days") in messages
    assert ("nosuch-1", "is not a row of the evidence data") in messages


def test_figures_at_another_time_point_than_the_question_are_refused(tmp_path, evidence):
    # The step 2: a 24-hour question with Diamond 2014's 6-hour figure beside Han 2016's 24-hour one.
    problems = _problems(_edited(tmp_path, 2, reveal_rows="han2016-1;diamond2014-3"), evidence)
    p = next(p for p in problems if "different time points" in p.message)
    assert (p.line, p.column) == (3, "reveal_rows") and "24 h" in p.message and "6 h" in p.message


@pytest.mark.parametrize("cells, column", [
    ({"answer_type": "slider"}, "answer_type"),
    ({"answer_min": "60", "answer_max": "40"}, "answer_max"),
    ({"answer_step": "0"}, "answer_step"),
    ({"answer_step": "ten"}, "answer_step"),
    ({"answer_unit": "furlongs"}, "answer_unit"),
    ({"reveal_rows": ""}, "reveal_rows"),
    ({"answer_label": ""}, "answer_label"),
    ({"reveal_rows": "han2016-1;han2016-3;han2016-5;diamond2014-3"}, "reveal_rows"),  # more than a slide holds
    ({"step": "2.5"}, "step"),
    ({"step": "1"}, "step"),  # a second step 1
    ({"evidence_choice": "52"}, "evidence_choice"),  # a number step's answer is its figures
    ({"question": "x" * 301}, "question"),
])
def test_a_bad_number_question_is_named_by_line_and_column(tmp_path, cells, column):
    problems = _problems(_edited(tmp_path, 2, **cells))
    assert any(p.line == 3 and p.column == column for p in problems), problems


@pytest.mark.parametrize("choices", ["Only one", "Same | Same", " | ".join("abcdefg")])
def test_a_choice_question_needs_two_to_six_different_choices(tmp_path, choices):
    problems = _problems(_edited(tmp_path, 1, answer_choices=choices, evidence_choice=choices.split(" | ")[0]))
    assert any(p.line == 2 and p.column == "answer_choices" for p in problems)


@pytest.mark.parametrize("cells, message", [
    ({"evidence_choice": "More on placebo"}, "is not one of the step's choices"),
    ({"evidence_choice": ""}, "names the option the evidence supports"),
    ({"evidence_reason": ""}, "why the evidence supports its option"),
])
def test_a_choice_step_names_one_of_its_choices_as_the_evidences_option(tmp_path, cells, message):
    problems = _problems(_edited(tmp_path, 1, **cells))
    column = next(iter(cells))
    assert any(p.line == 2 and p.column == column and message in p.message for p in problems), problems


@pytest.mark.parametrize("question", [
    "By the end of the first week, are more patients responding on an SSRI than on placebo? And on ketamine?",
    "Do you think there is more evidence on ketamine or on traditional antidepressants, and for which question?",
    "How many respond by day 28. And how many remit?",
    "How many respond on ketamine, and how soon do SSRIs work?",
])
def test_a_question_that_asks_two_things_is_refused(tmp_path, question):
    problems = _problems(_edited(tmp_path, 1, question=question))
    assert any(p.line == 2 and p.column == "question" and "one thing" in p.message for p in problems)


@pytest.mark.parametrize("question", [
    "Is there more published evidence on ketamine or on traditional antidepressants?",
    "Out of every 100 patients, how many respond and stay well?",
    "Which treatment, on its own, has more responders than its control?",
])
def test_a_question_that_asks_one_thing_passes(question):
    assert two_part(question) is None


def test_every_number_a_step_writes_comes_from_the_figures_it_reveals(tmp_path, evidence):
    # 48 hours is no figure of han2016-1 (its time point is 24 h); 24 is, and 100 stands for 'per 100'.
    bad = "Out of every 100 patients given ketamine, how many do you expect to respond within 48 hours?"
    problems = _problems(_edited(tmp_path, 2, question=bad), evidence)
    assert [(p.line, p.column, p.value) for p in problems if "none of the step's revealed figures" in p.message] == [
        (3, "question", "48")]
    reason = "41 in 100 reported dissociation, against 12 in 100 nausea."  # 41 is spravatopi-1's; 12 is no figure
    problems = _problems(_edited(tmp_path, 7, evidence_reason=reason), evidence)
    assert [p.value for p in problems] == ["12"] and problems[0].column == "evidence_reason"
    assert written_numbers("TRANSFORM-2 at week 8: 3.4 (1.6 to 7.1), 1,344 people") == ["8", "3.4", "1.6", "7.1",
                                                                                       "1,344"]


def test_an_answer_is_checked_against_its_question(evidence):
    qs = questions(read_sequence(evidence=evidence))
    assert qs[2].check("52") == 52 and qs[2].check(0) == 0 and qs[2].check(100) == 100
    for bad in ("abc", 100.5, -1, 2.5, float("nan"), None, True):
        with pytest.raises(ValueError, match="from 0 to 100 %"):
            qs[2].check(bad)
    assert qs[1].check(qs[1].choices[0]) == qs[1].choices[0]
    with pytest.raises(ValueError):
        qs[1].check("<b>More</b>")
