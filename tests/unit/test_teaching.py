"""The teaching sequence is data a teacher can edit; a typo in it is reported, not crashed on."""

import pytest

from ketamine_evidence.data import DATA_DIR, DataValidationError
from ketamine_evidence.teaching import read_sequence
from ketamine_evidence.views import REGISTRY


def test_sequence_runs_overview_to_caveats_with_known_views():
    seq = read_sequence()
    assert list(seq["step"]) == list(range(1, len(seq) + 1))  # whole numbers, in order (as numbers, not text)
    assert seq["view"].isin(list(REGISTRY)).all()
    assert seq["view"].iloc[0] == "evidence_map" and seq["view"].iloc[-1] == "certainty_mix"
    # Each of the four questions is revealed through a comparison set (an answer or a named set), never unlike rows.
    from ketamine_evidence.comparison_sets import curated
    from ketamine_evidence.views import SET_VIEWS
    dims = {v.removeprefix("answer_") for v in seq["view"] if v.startswith("answer_")}
    dims |= {curated().spec(SET_VIEWS[v])["dimension"] for v in seq["view"] if v in SET_VIEWS}
    assert dims == {"onset", "durability", "non_response", "side_effects"}
    assert not seq["question"].str.contains(r"\d+\s*%").any()  # questions ask; figures come from the data


def test_unknown_view_is_named_by_line(tmp_path):
    text = (DATA_DIR / "teaching_sequence.csv").read_text().replace(",onset_course,", ",onset_curve,")
    (tmp_path / "seq.csv").write_text(text)
    with pytest.raises(DataValidationError) as info:
        read_sequence(tmp_path / "seq.csv")
    p = info.value.problems[0]
    assert p.column == "view" and p.value == "onset_curve" and p.line == 3


# --- how a live class answers each step -------------------------------------------------------------------

from ketamine_evidence.data import read_evidence  # noqa: E402
from ketamine_evidence.teaching import questions  # noqa: E402


@pytest.fixture(scope="module")
def evidence():
    return read_evidence()


def _edited(tmp_path, at_step: int, **cells):
    import pandas as pd
    seq = pd.read_csv(DATA_DIR / "teaching_sequence.csv", dtype=str, keep_default_na=False)
    for col, value in cells.items():
        seq.loc[seq["step"] == str(at_step), col] = value
    path = tmp_path / "seq.csv"
    seq.to_csv(path, index=False)
    return path


def test_every_step_says_how_the_class_answers_and_what_the_reveal_shows(evidence):
    qs = questions(read_sequence(evidence=evidence))
    assert set(qs) == set(range(1, 10))
    numbers = [q for q in qs.values() if q.kind == "number"]
    assert len(numbers) >= 5
    by_id = evidence.set_index("row_id")
    for q in numbers:
        assert q.reveal_rows, q.step
        for rid in q.reveal_rows:  # the range the class answers in holds every figure the reveal shows
            assert q.lo <= by_id.at[rid, "value"] <= q.hi and by_id.at[rid, "unit"] == q.unit
    # The step the issue names: responders within 24 h of one ketamine infusion, against the pooled trials
    # (Han 2016, DOI 10.2147/NDT.S117146: 52.2% at 24 h) and the Oxford series the project began from (Diamond 2014).
    assert {"han2016-1", "diamond2014-3"} <= set(qs[2].reveal_rows)
    for q in qs.values():
        if q.kind == "choice":
            assert 2 <= len(q.choices) <= 6


def test_a_range_that_cannot_contain_the_revealed_figure_is_refused(tmp_path, evidence):
    path = _edited(tmp_path, 2, answer_max="50")  # han2016-1 is 52.2 %
    with pytest.raises(DataValidationError) as info:
        read_sequence(path, evidence=evidence)
    p = info.value.problems[0]
    assert (p.line, p.column) == (3, "answer_max") and "han2016-1" in p.message


def test_a_revealed_figure_in_another_unit_or_missing_is_refused(tmp_path, evidence):
    path = _edited(tmp_path, 5, reveal_rows="diamond2014-5;han2016-1;nosuch-1")
    with pytest.raises(DataValidationError) as info:
        read_sequence(path, evidence=evidence)
    messages = {(p.value, p.message) for p in info.value.problems}
    assert ("han2016-1", "is in %, but the answer is in days") in messages
    assert ("nosuch-1", "is not a row of the evidence data") in messages


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
])
def test_a_bad_number_question_is_named_by_line_and_column(tmp_path, cells, column):
    with pytest.raises(DataValidationError) as info:
        read_sequence(_edited(tmp_path, 2, **cells))
    assert any(p.line == 3 and p.column == column for p in info.value.problems)


@pytest.mark.parametrize("choices", ["Only one", "Same | Same", " | ".join("abcdefg")])
def test_a_choice_question_needs_two_to_six_different_choices(tmp_path, choices):
    with pytest.raises(DataValidationError) as info:
        read_sequence(_edited(tmp_path, 1, answer_choices=choices))
    assert any(p.line == 2 and p.column == "answer_choices" for p in info.value.problems)


def test_an_answer_is_checked_against_its_question(evidence):
    qs = questions(read_sequence(evidence=evidence))
    assert qs[2].check("52") == 52 and qs[2].check(0) == 0 and qs[2].check(100) == 100
    for bad in ("abc", 100.5, -1, 2.5, float("nan"), None, True):
        with pytest.raises(ValueError, match="from 0 to 100 %"):
            qs[2].check(bad)
    assert qs[1].check(qs[1].choices[0]) == qs[1].choices[0]
    with pytest.raises(ValueError):
        qs[1].check("<b>More</b>")
