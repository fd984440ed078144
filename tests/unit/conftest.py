"""Fixtures: a tiny valid dataset written to a temp folder, ready to be broken one cell at a time.

The figures in these rows are invented test values, not evidence; they never leave the test folder.
"""

import csv
from pathlib import Path

import pytest

from ketamine_evidence.data import EVIDENCE_COLUMNS, SOURCE_COLUMNS

GOOD_EVIDENCE = [
    {
        "row_id": "test2000-1", "source_id": "test2000", "dimension": "onset", "outcome": "response",
        "outcome_label": "Response (MADRS)", "outcome_definition": "at least 50% fall in MADRS",
        "scale": "MADRS", "treatment": "test ketamine", "treatment_group": "IV ketamine",
        "route": "intravenous", "regimen": "monotherapy", "population": "treatment-resistant depression",
        "design": "RCT", "control_type": "saline placebo", "compared_with": "",
        "time_reported": "day 1", "time_value": "1", "time_unit": "days", "time_hours": "24",
        "time_anchor": "first dose", "value": "40", "unit": "%", "ci_low": "30", "ci_high": "50",
        "ci_level": "95", "n": "20", "n_studies": "", "adverse_effect_course": "", "certainty": "low",
        "certainty_reason": "single small trial", "caveats": "", "location": "abstract", "provenance": "abstract",
        "read_at_url": "https://example.org/test",
    },
    {
        "row_id": "test2000-2", "source_id": "test2000", "dimension": "side_effects",
        "outcome": "adverse_event", "outcome_label": "Nausea", "outcome_definition": "treatment-emergent nausea",
        "scale": "none", "treatment": "test placebo", "treatment_group": "Placebo", "route": "intravenous",
        "regimen": "monotherapy", "population": "treatment-resistant depression", "design": "RCT",
        "control_type": "saline placebo", "compared_with": "", "time_reported": "", "time_value": "",
        "time_unit": "", "time_hours": "", "time_anchor": "", "value": "5", "unit": "%", "ci_low": "",
        "ci_high": "", "ci_level": "", "n": "20", "n_studies": "", "adverse_effect_course": "acute/transient",
        "certainty": "low", "certainty_reason": "single small trial", "caveats": "", "location": "table 2", "provenance": "full_text",
        "read_at_url": "https://example.org/test",
    },
]
GOOD_SOURCES = [
    {
        "source_id": "test2000", "short_citation": "Test 2000", "citation": "Test A et al. A test trial. J Test 2000;1:1-2.",
        "year": "2000", "doi": "10.1000/test.1", "pmid": "", "other_id": "",
        "identifier_gap": "PMID not read: a test fixture", "design": "RCT",
        "population": "treatment-resistant depression", "n": "40", "url": "https://example.org/test",
        "date_read": "2026-11-26", "notes": "",
    }
]


def write_csv(path: Path, rows: list[dict], columns) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns))
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def make_dataset(tmp_path):
    """Return a function that writes a dataset (good by default, with the given edits) and returns its folder."""

    def _make(evidence=None, sources=None, ev_columns=EVIDENCE_COLUMNS, src_columns=SOURCE_COLUMNS):
        ev = [dict(r) for r in (evidence if evidence is not None else GOOD_EVIDENCE)]
        src = [dict(r) for r in (sources if sources is not None else GOOD_SOURCES)]
        write_csv(tmp_path / "evidence.csv", ev, ev_columns)
        write_csv(tmp_path / "sources.csv", src, src_columns)
        return tmp_path

    return _make


def edited(rows, index, **changes):
    """Return a copy of rows with row `index` changed."""
    out = [dict(r) for r in rows]
    out[index].update(changes)
    return out
