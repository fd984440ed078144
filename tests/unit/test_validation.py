"""Each validation rule, fed a broken input, must name the file, line, row and column at fault."""

import pytest

from ketamine_evidence.data import DataValidationError, EVIDENCE_COLUMNS, load_dataset

from .conftest import GOOD_EVIDENCE, GOOD_SOURCES, edited


def problems_of(folder):
    with pytest.raises(DataValidationError) as info:
        load_dataset(folder)
    return info.value.problems


def test_good_fixture_loads_with_family_column(make_dataset):
    ds = load_dataset(make_dataset())
    assert list(ds.evidence["family"]) == ["Ketamine", "Placebo and comparators"]
    assert ds.evidence["value"].dtype == "float64"


@pytest.mark.parametrize(
    "row, changes, column, words",
    [
        (0, {"dimension": "speed"}, "dimension", "must be one of: onset, durability"),
        (0, {"treatment_group": "Ketamine-ish"}, "treatment_group", "IV ketamine, Esketamine"),
        (0, {"value": "forty"}, "value", "must be a number"),
        (0, {"n": "-3"}, "n", "greater than 0"),
        (0, {"n": "12.5"}, "n", "whole number"),
        (0, {"value": "140", "ci_high": "150"}, "value", "between 0 and 100"),
        (0, {"ci_low": "45"}, "ci_low", "must contain the value"),
        (0, {"ci_high": ""}, "ci_low", "both limits"),
        (0, {"ci_level": ""}, "ci_level", "needs its level"),
        (0, {"time_hours": "48"}, "time_hours", "converted"),
        (0, {"time_anchor": ""}, "time_hours", "all be given"),
        (0, {"time_reported": ""}, "time_hours", "needs time_reported"),
        (0, {"unit": "odds ratio", "ci_low": "", "ci_high": "", "ci_level": ""}, "compared_with", "compared with"),
        (0, {"adverse_effect_course": "persistent"}, "adverse_effect_course", "side-effect rows"),
        (1, {"adverse_effect_course": ""}, "adverse_effect_course", "side-effect rows"),
        (0, {"n_studies": "4"}, "n_studies", "meta-analyses"),
        (0, {"read_at_url": "somewhere in a book"}, "read_at_url", "format"),
        (1, {"row_id": "test2000-1"}, "row_id", "unique"),
        (0, {"outcome_definition": ""}, "outcome_definition", "empty but required"),
    ],
)
def test_broken_evidence_cell_is_named_by_line_row_and_column(make_dataset, row, changes, column, words):
    folder = make_dataset(evidence=edited(GOOD_EVIDENCE, row, **changes))
    problems = problems_of(folder)
    hits = [p for p in problems if p.column == column and p.line == row + 2]
    assert hits, [p.sentence() for p in problems]
    assert words in hits[0].message
    assert hits[0].file == "evidence.csv"
    assert f"line {row + 2}" in hits[0].sentence()


def test_every_bad_cell_is_reported_at_once(make_dataset):
    ev = edited(GOOD_EVIDENCE, 0, dimension="speed", value="x")
    ev = edited(ev, 1, certainty="certain")
    problems = problems_of(make_dataset(evidence=ev))
    assert {(p.line, p.column) for p in problems} >= {(2, "dimension"), (2, "value"), (3, "certainty")}


def test_orphan_source_id_is_reported(make_dataset):
    problems = problems_of(make_dataset(evidence=edited(GOOD_EVIDENCE, 1, source_id="nobody1999")))
    assert any(p.column == "source_id" and p.line == 3 and "not in sources.csv" in p.message for p in problems)


def test_source_without_doi_or_pmid_is_reported(make_dataset):
    problems = problems_of(make_dataset(sources=edited(GOOD_SOURCES, 0, doi="", pmid="")))
    hit = [p for p in problems if p.file == "sources.csv" and p.column == "doi"]
    assert hit and "DOI or a PMID" in hit[0].message


def test_label_with_regulatory_id_instead_of_doi_is_accepted(make_dataset):
    folder = make_dataset(sources=edited(GOOD_SOURCES, 0, doi="", pmid="", other_id="FDA NDA 000000"))
    assert len(load_dataset(folder).sources) == 1


def test_journal_source_missing_an_identifier_must_say_why(make_dataset):
    problems = problems_of(make_dataset(sources=edited(GOOD_SOURCES, 0, identifier_gap="")))
    assert any(p.file == "sources.csv" and p.column == "identifier_gap" and p.line == 2 for p in problems)


def test_journal_source_with_both_identifiers_has_no_gap_note(make_dataset):
    problems = problems_of(make_dataset(sources=edited(GOOD_SOURCES, 0, pmid="12345678")))
    assert any(p.column == "identifier_gap" for p in problems)
    assert len(load_dataset(make_dataset(sources=edited(GOOD_SOURCES, 0, pmid="12345678", identifier_gap=""))).sources)


def test_malformed_doi_is_reported(make_dataset):
    problems = problems_of(make_dataset(sources=edited(GOOD_SOURCES, 0, doi="doi:abc")))
    assert any(p.file == "sources.csv" and p.column == "doi" and p.line == 2 for p in problems)


def test_missing_and_unknown_columns_are_named(make_dataset):
    cols = [c for c in EVIDENCE_COLUMNS if c != "certainty"] + ["shoe_size"]
    ev = [{**{k: v for k, v in r.items() if k != "certainty"}, "shoe_size": "9"} for r in GOOD_EVIDENCE]
    problems = problems_of(make_dataset(evidence=ev, ev_columns=cols))
    named = {(p.column, p.message.split(";")[0]) for p in problems}
    assert ("certainty", "this required column is missing") in named
    assert any(c == "shoe_size" for c, _ in named)


def test_empty_and_non_utf8_files_get_a_sentence(make_dataset):
    folder = make_dataset()
    (folder / "evidence.csv").write_bytes(b"")
    assert any("empty" in p.message for p in problems_of(folder))
    (folder / "evidence.csv").write_bytes(b"\xff\xfebad")
    assert any("UTF-8" in p.message for p in problems_of(folder))


def test_error_message_is_plain_sentences_without_traceback(make_dataset):
    with pytest.raises(DataValidationError) as info:
        load_dataset(make_dataset(evidence=edited(GOOD_EVIDENCE, 0, value="forty")))
    text = str(info.value)
    assert text.startswith("In evidence.csv, line 2, row 'test2000-1', column 'value'")
    assert "Traceback" not in text and "pandera" not in text
    table = info.value.as_frame()
    assert list(table.columns) == ["file", "line", "row_id", "column", "value", "problem"]
