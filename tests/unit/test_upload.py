"""Uploads, over a corpus of good and broken files (tests/upload_corpus/expected.csv says what each must give)."""

from pathlib import Path

import pandas as pd
import pytest

from ketamine_evidence import upload
from ketamine_evidence.data import EVIDENCE_COLUMNS, load_dataset
from ketamine_evidence.safe import spreadsheet_safe

CORPUS = Path(__file__).resolve().parents[1] / "upload_corpus"
EXPECTED = pd.read_csv(CORPUS / "expected.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def curated():
    return load_dataset()


@pytest.mark.parametrize("case", EXPECTED.to_dict("records"), ids=lambda c: c["file"])
def test_corpus_file_gives_its_expected_outcome(curated, case):
    res = upload.check_upload((CORPUS / case["file"]).read_bytes(), None, curated.sources)
    assert res.kept == case["kept"]
    assert res.rejected == case["rejected"]
    assert res.kept + res.rejected == res.uploaded
    assert res.file_rejected == (case["outcome"] == "file rejected")
    if case["message"]:
        assert any(case["message"] in m for m in res.report["problem"]), res.report["problem"].tolist()
        assert res.report["how_to_fix"].str.len().gt(10).all()
    else:
        assert res.report.empty
    if res.kept:
        assert len(res.dataset.evidence) == res.kept


def test_every_problem_names_line_and_column_for_row_errors(curated):
    res = upload.check_upload((CORPUS / "wrong_type.csv").read_bytes(), None, curated.sources)
    p = res.report.iloc[0]
    assert p["line"] == 3 and p["column"] == "value" and p["value"] == "forty"
    assert len(res.report) == 1  # reported once, not again as an empty cell


def test_too_many_bytes_is_refused_before_parsing(curated):
    raw = b"row_id," + b"x" * (upload.MAX_BYTES + 10)
    res = upload.check_upload(raw, None, curated.sources)
    assert res.file_rejected and "limit is 5 MB" in res.report["problem"].iloc[0]


def test_too_many_rows_is_refused_before_parsing(curated):
    big = b"row_id,value\n" + b"x,1\n" * (upload.MAX_ROWS + 1)
    res = upload.check_upload(big, None, curated.sources)
    assert res.file_rejected and "the limit is 20,000" in res.report["problem"].iloc[0]


def test_uploaded_sources_file_satisfies_its_own_ids(curated):
    ev = (CORPUS / "orphan_source.csv").read_bytes()
    src = curated.sources.head(1).assign(source_id="nobody1999", short_citation="Nobody 1999").to_csv(index=False).encode()
    res = upload.check_upload(ev, src, curated.sources)
    assert res.kept == 3 and res.report.empty


def test_same_bytes_same_digest_different_bytes_different_digest():
    a = (CORPUS / "good.csv").read_bytes()
    assert upload.digest_of(a, None) == upload.digest_of(a, None)
    assert upload.digest_of(a, None) != upload.digest_of(a + b"\n", None)


def test_hostile_cells_are_kept_as_text_and_neutralised_in_downloads(curated):
    res = upload.check_upload((CORPUS / "hostile_text.csv").read_bytes(), None, curated.sources)
    ev = res.dataset.evidence
    assert "<img src=x onerror=alert(1)>" in set(ev["caveats"])
    out = spreadsheet_safe(ev).to_csv(index=False)
    assert "\n=HYPERLINK" not in out and ",=HYPERLINK" not in out and ",@SUM" not in out


def test_template_has_every_column_and_real_rows(curated):
    text = upload.template_csv(curated.evidence)
    header = text.splitlines()[0].split(",")
    assert header == list(EVIDENCE_COLUMNS)
    res = upload.check_upload(text.encode(), None, curated.sources)
    assert res.kept == 2 and res.report.empty
