"""The teaching sequence is data a teacher can edit; a typo in it is reported, not crashed on."""

import pytest

from ketamine_evidence.data import DATA_DIR, DataValidationError
from ketamine_evidence.teaching import read_sequence
from ketamine_evidence.views import REGISTRY


def test_sequence_runs_overview_to_caveats_with_known_views():
    seq = read_sequence()
    assert list(seq["step"]) == sorted(seq["step"])
    assert seq["view"].isin(list(REGISTRY)).all()
    assert seq["view"].iloc[0] == "evidence_map" and seq["view"].iloc[-1] == "certainty_mix"
    # Each of the four questions is revealed through its side-by-side answer, the same view its page opens with.
    for needed in ("answer_onset", "answer_durability", "answer_non_response", "answer_side_effects"):
        assert needed in set(seq["view"])
    assert not seq["question"].str.contains(r"\d+\s*%").any()  # questions ask; figures come from the data


def test_unknown_view_is_named_by_line(tmp_path):
    text = (DATA_DIR / "teaching_sequence.csv").read_text().replace(",onset_course,", ",onset_curve,")
    (tmp_path / "seq.csv").write_text(text)
    with pytest.raises(DataValidationError) as info:
        read_sequence(tmp_path / "seq.csv")
    p = info.value.problems[0]
    assert p.column == "view" and p.value == "onset_curve" and p.line == 3
