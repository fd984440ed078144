"""The Your data page shows the stages of checking an upload of the 20,000-row maximum, then its result.

The page runs in this process under AppTest, so a spy on upload.check_upload sees the progress callback the page
passes and every (fraction, stage) it gets.
"""

import itertools

import pytest

from ketamine_evidence import upload
from ketamine_evidence.ui.cache import upload_slot

from ..uploads import upload_of
from .helpers import open_page

PAGE = "pages/11_Your_data.py"


@pytest.fixture
def progress_calls(monkeypatch):
    """Record what the page's progress callback receives (the check itself runs unchanged)."""
    upload_slot.clear()  # an earlier test's identical upload would be served from its slot without a check
    calls = []
    real = upload.check_upload

    def spy(*args, progress=None, **kwargs):
        assert progress is not None, "the page passed no progress callback"

        def record(fraction, stage):
            calls.append((fraction, stage))
            progress(fraction, stage)

        return real(*args, progress=record, **kwargs)

    monkeypatch.setattr(upload, "check_upload", spy)
    yield calls
    upload_slot.clear()


def _upload(raw: bytes, name: str = "extract.csv"):
    at = open_page(PAGE)
    at.file_uploader(key="upload_evidence").set_value((name, raw, "text/csv"))
    at.run(timeout=120)
    assert not at.exception, at.exception
    return at


def test_a_20000_row_upload_shows_its_stages_then_its_result(progress_calls):
    at = _upload(upload_of(upload.MAX_ROWS))
    fractions = [f for f, _ in progress_calls]
    assert all(a < b for a, b in itertools.pairwise(fractions)), fractions
    assert progress_calls[0] == (0.0, "Reading the file") and progress_calls[-1] == (1.0, "Done")
    assert any(s.startswith("Checking each column's rules") for _, s in progress_calls)
    assert any(s.startswith("Checking sources") for _, s in progress_calls)
    # The result, as before: counts, and the way to view the rows (the page reran once to offer them in the sidebar).
    assert "20,000 rows uploaded: 20,000 kept and shown, 0 rejected." in [t.value for t in at.text]
    assert "Your rows are ready" in at.success[0].value
    assert at.session_state["upload_digest"] == upload.digest_of(upload_of(upload.MAX_ROWS), None)


def test_the_same_file_again_is_not_checked_again(progress_calls):
    raw = upload_of(50)
    _upload(raw)
    checks = progress_calls.count((1.0, "Done"))
    at = _upload(raw)  # another session, same bytes
    assert progress_calls.count((1.0, "Done")) == checks == 1
    assert "50 rows uploaded: 50 kept and shown, 0 rejected." in [t.value for t in at.text]


def test_a_rejected_file_leaves_a_status_box_saying_so_above_the_report(progress_calls):
    at = _upload(b"row_id,value\nx,1\n", "two_columns.csv")
    assert progress_calls[-1] == (1.0, "Done")
    (status,) = at.status
    assert status.label.startswith("Checked in ") and status.label.endswith(": the file was not accepted")
    assert status.state == "error"
    bars = status.get("progress")
    assert len(bars) == 1 and bars[0].proto.value == 100 and bars[0].proto.text == "Done"
    assert "The file was not accepted" in at.error[0].value
    assert "this required column is missing" in set(at.dataframe[0].value["problem"])
