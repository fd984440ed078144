"""Validated copies: a dataset is validated once per checksum of its CSVs, then read back from Parquet. And the
progress an upload's check reports while it validates.

Each cache test spies on data.validate_tables (the one function that applies the rules) to tell a validation from a
read of the kept copy, and compares frames with assert_frame_equal, dtypes included.
"""

import itertools
import logging
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

from ketamine_evidence import data, upload
from ketamine_evidence.data import DATA_DIR, DataValidationError, load_dataset

from ..uploads import upload_of
from .conftest import GOOD_EVIDENCE, GOOD_SOURCES, edited

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def validations(monkeypatch):
    """Count the calls to the validator (it still runs)."""
    calls = []
    real = data.validate_tables

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(data, "validate_tables", spy)
    return calls


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def kept_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def assert_same(a: data.Dataset, b: data.Dataset) -> None:
    assert_frame_equal(a.evidence, b.evidence, check_dtype=True, check_index_type=True)
    assert_frame_equal(a.sources, b.sources, check_dtype=True, check_index_type=True)


def test_second_load_of_the_curated_data_reads_the_copy_and_does_not_validate(cache, validations):
    uncached = load_dataset(DATA_DIR)
    first = load_dataset(DATA_DIR, cache_dir=cache)
    assert len(validations) == 2
    assert len(kept_files(cache)) == 2  # evidence and sources
    data.rules_version.cache_clear()  # nothing in memory carries over, as in a new process
    second = load_dataset(DATA_DIR, cache_dir=cache)
    assert len(validations) == 2
    assert_same(second, first)
    assert_same(second, uncached)
    # Text cells hold None where empty, as validated ones do (Parquet alone would give NaN in a str column).
    assert second.evidence["compared_with"].dtype == object
    assert second.evidence["compared_with"].map(lambda v: v is None or isinstance(v, str)).all()


def test_a_new_process_reads_the_copy_without_validating(cache, tmp_path):
    validated = load_dataset(DATA_DIR, cache_dir=cache)
    out = tmp_path / "frames.pkl"
    child = (
        "import pickle, sys\n"
        "from ketamine_evidence import data\n"
        "def refuse(*a, **k):\n"
        "    raise AssertionError('validated again')\n"
        "data.validate_tables = refuse\n"
        f"ds = data.load_dataset({str(DATA_DIR)!r}, cache_dir={str(cache)!r})\n"
        f"pickle.dump((ds.evidence, ds.sources), open({str(out)!r}, 'wb'))\n"
    )
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    evidence, sources = pickle.loads(out.read_bytes())
    assert_same(data.Dataset(evidence, sources), validated)


def test_editing_one_cell_changes_the_key_and_validates_again(make_dataset, cache, validations):
    folder = make_dataset()
    load_dataset(folder, cache_dir=cache)
    make_dataset(evidence=edited(GOOD_EVIDENCE, 0, value="41"))
    again = load_dataset(folder, cache_dir=cache)
    assert len(validations) == 2
    assert again.evidence.loc[0, "value"] == 41.0
    assert len(kept_files(cache)) == 4  # one copy per version of the data


def test_editing_the_sources_file_also_changes_the_key(make_dataset, cache, validations):
    folder = make_dataset()
    load_dataset(folder, cache_dir=cache)
    make_dataset(sources=edited(GOOD_SOURCES, 0, n="41"))
    assert load_dataset(folder, cache_dir=cache).sources.loc[0, "n"] == 41
    assert len(validations) == 2


def test_a_change_to_the_rules_changes_the_key(make_dataset, cache, validations, monkeypatch):
    folder = make_dataset()
    load_dataset(folder, cache_dir=cache)
    monkeypatch.setattr(data, "rules_version", lambda: "rules edited")
    load_dataset(folder, cache_dir=cache)
    assert len(validations) == 2


def test_the_rules_version_changes_when_the_rules_or_their_allowed_values_change(tmp_path, monkeypatch):
    before = data.rules_version()
    for name in ("data.py", "vocab.py"):
        copies = []
        for src in data._RULES_SOURCES:
            copy = tmp_path / src.name
            copy.write_bytes(src.read_bytes() + (b"\n# edited\n" if src.name == name else b""))
            copies.append(copy)
        monkeypatch.setattr(data, "_RULES_SOURCES", tuple(copies))
        data.rules_version.cache_clear()
        assert data.rules_version() != before, name
    monkeypatch.undo()
    data.rules_version.cache_clear()
    assert data.rules_version() == before


def test_the_key_covers_both_files_without_ambiguity():
    assert data.dataset_key(b"a", b"b") != data.dataset_key(b"a", b"c")
    assert data.dataset_key(b"a", b"b") != data.dataset_key(b"c", b"b")
    assert data.dataset_key(b"ab", b"") != data.dataset_key(b"a", b"b")  # no ambiguity at the join
    assert data.dataset_key(b"a", b"b") == data.dataset_key(b"a", b"b")


def _damage_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"PAR1 this is not a parquet file PAR1")


def _damage_empty(path: Path) -> None:
    path.write_bytes(b"")


def _rewrite(path: Path, change) -> None:
    """Write a readable Parquet file whose content differs from what its own metadata says."""
    table = pq.read_table(path)
    changed = change(table)
    pq.write_table(changed.replace_schema_metadata(table.schema.metadata), path)


def _damage_row_missing(path: Path) -> None:
    _rewrite(path, lambda t: t.slice(1))


def _damage_dtype(path: Path) -> None:
    _rewrite(path, lambda t: t.set_column(t.schema.get_field_index("value"), "value", t["value"].cast(pa.string())))


def _damage_column_missing(path: Path) -> None:
    _rewrite(path, lambda t: t.drop_columns(["caveats"]))


def _damage_no_metadata(path: Path) -> None:
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({}), path)


@pytest.mark.parametrize("damage", [_damage_truncate, _damage_garbage, _damage_empty, _damage_row_missing,
                                    _damage_dtype, _damage_column_missing, _damage_no_metadata],
                         ids=lambda f: f.__name__.removeprefix("_damage_"))
def test_a_damaged_copy_is_ignored_validated_again_and_rewritten(make_dataset, cache, validations, damage, caplog):
    folder = make_dataset()
    validated = load_dataset(folder, cache_dir=cache)
    (copy,) = cache.glob("*.evidence.parquet")
    damage(copy)
    with caplog.at_level(logging.WARNING, logger="ketamine_evidence.data"):
        again = load_dataset(folder, cache_dir=cache)
    assert len(validations) == 2
    assert "unusable" in caplog.text
    assert_same(again, validated)
    third = load_dataset(folder, cache_dir=cache)  # the rewritten copy is whole again
    assert len(validations) == 2
    assert_same(third, validated)


def test_a_missing_half_of_the_copy_is_validated_again(make_dataset, cache, validations):
    folder = make_dataset()
    load_dataset(folder, cache_dir=cache)
    next(cache.glob("*.sources.parquet")).unlink()
    load_dataset(folder, cache_dir=cache)
    assert len(validations) == 2


def test_an_invalid_cell_raises_the_same_error_and_keeps_nothing(make_dataset, cache):
    folder = make_dataset(evidence=edited(GOOD_EVIDENCE, 0, value="forty", dimension="speed"))
    with pytest.raises(DataValidationError) as plain:
        load_dataset(folder)
    with pytest.raises(DataValidationError) as cached:
        load_dataset(folder, cache_dir=cache)
    assert str(cached.value) == str(plain.value)
    assert cached.value.problems == plain.value.problems
    assert "line 2" in str(cached.value) and "'value'" in str(cached.value)
    assert kept_files(cache) == []


def test_an_unreadable_file_gives_the_same_error_with_a_cache(tmp_path, cache):
    with pytest.raises(DataValidationError) as plain:
        load_dataset(tmp_path / "nowhere")
    with pytest.raises(DataValidationError) as cached:
        load_dataset(tmp_path / "nowhere", cache_dir=cache)
    assert str(cached.value) == str(plain.value)
    assert kept_files(cache) == []


def test_a_cache_folder_that_cannot_be_written_does_not_stop_the_load(make_dataset, tmp_path, caplog):
    folder = make_dataset()
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="ketamine_evidence.data"):
        ds = load_dataset(folder, cache_dir=blocked / "cache")
    assert len(ds.evidence) == len(GOOD_EVIDENCE)
    assert "Could not keep a validated copy" in caplog.text


def test_a_reader_never_sees_a_half_written_copy(make_dataset, cache, caplog):
    # Writers replace the files again and again while a reader reads: with a temp file and os.replace, every read
    # gets a whole copy; a writer writing in place would let the reader meet a partial file (logged as unusable).
    folder = make_dataset(evidence=[edited(GOOD_EVIDENCE, 0, row_id=f"test2000-r{i}")[0] for i in range(2000)])
    validated = load_dataset(folder, cache_dir=cache)
    key = next(cache.glob("*.evidence.parquet")).name.split(".")[0]
    stop = threading.Event()

    def write_again():
        for _ in range(40):
            data.write_cached(cache, key, validated)
        stop.set()

    writer = threading.Thread(target=write_again)
    reads = 0
    with caplog.at_level(logging.WARNING, logger="ketamine_evidence.data"):
        writer.start()
        while not stop.is_set():
            got = data.read_cached(cache, key)
            assert got is not None
            reads += 1
        writer.join(timeout=60)
    assert reads > 0 and "unusable" not in caplog.text
    assert_same(data.read_cached(cache, key), validated)
    assert not list(cache.glob(".*.tmp"))  # no temp file left behind


def test_only_the_most_recently_used_copies_are_kept(make_dataset, cache, monkeypatch):
    monkeypatch.setattr(data, "CACHE_KEEP", 2)
    folder = make_dataset()
    for value in ("41", "42", "43"):
        make_dataset(evidence=edited(GOOD_EVIDENCE, 0, value=value))
        load_dataset(folder, cache_dir=cache)
    assert len(list(cache.glob("*.evidence.parquet"))) == 2
    assert len(list(cache.glob("*.sources.parquet"))) == 2
    assert load_dataset(folder, cache_dir=cache).evidence.loc[0, "value"] == 43.0


def test_the_default_cache_folder_is_outside_data(monkeypatch, tmp_path):
    monkeypatch.delenv("KETAMINE_CACHE_DIR", raising=False)
    monkeypatch.delenv("KETAMINE_STATE_DIR", raising=False)
    assert data.default_cache_dir() == ROOT / "state" / "cache"
    assert DATA_DIR.resolve() not in data.default_cache_dir().resolve().parents
    monkeypatch.setenv("KETAMINE_STATE_DIR", str(tmp_path / "state"))
    assert data.default_cache_dir() == tmp_path / "state" / "cache"
    monkeypatch.setenv("KETAMINE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert data.default_cache_dir() == tmp_path / "elsewhere"


def test_state_folder_is_git_ignored():
    ignored = subprocess.run(["git", "check-ignore", "-q", "state/cache/x.evidence.parquet"], cwd=ROOT,
                             check=False)
    assert ignored.returncode == 0


def test_every_orphan_source_is_reported_on_its_own_line_in_order(make_dataset):
    # Guards the vectorised foreign-key check: one problem per orphan row, by line, none for known sources.
    rows = [edited(GOOD_EVIDENCE, 0, row_id=f"test2000-o{i}", source_id=sid)[0]
            for i, sid in enumerate(["nobody1", "test2000", "nobody2", "nobody1"])]
    with pytest.raises(DataValidationError) as err:
        load_dataset(make_dataset(evidence=rows))
    orphans = [(p.line, p.row_id, p.value) for p in err.value.problems if p.column == "source_id"]
    assert orphans == [(2, "test2000-o0", "nobody1"), (4, "test2000-o2", "nobody2"), (5, "test2000-o3", "nobody1")]


# --- Upload progress: checking the 20,000-row maximum reports its stages -------------------------------------------

@pytest.fixture(scope="module")
def curated_sources():
    return load_dataset().sources


def check_with_progress(raw: bytes, sources: pd.DataFrame):
    calls = []
    result = upload.check_upload(raw, None, sources, progress=lambda f, s: calls.append((f, s)))
    return result, calls


def assert_increasing_to_one(calls):
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and calls[0][1] == "Reading the file"
    assert all(a < b for a, b in itertools.pairwise(fractions)), fractions
    assert calls[-1] == (1.0, "Done")
    assert all(0.0 <= f <= 1.0 for f in fractions)


def test_checking_the_20000_row_maximum_reports_each_stage_ending_at_one(curated_sources):
    raw = upload_of(upload.MAX_ROWS)
    assert len(raw) <= upload.MAX_BYTES
    result, calls = check_with_progress(raw, curated_sources)
    assert result.kept == upload.MAX_ROWS and not result.file_rejected
    assert_increasing_to_one(calls)
    assert [s for _, s in calls] == ["Reading the file", "Checking each column's rules (20,000 rows)",
                                     "Checking sources (20,000 rows)", "Done"]


def test_a_file_with_bad_rows_reports_the_recheck_of_the_kept_rows(curated_sources):
    result, calls = check_with_progress(upload_of(5_000, bad_every=100), curated_sources)
    assert (result.kept, result.rejected) == (4_950, 50)
    assert_increasing_to_one(calls)
    stages = [s for _, s in calls]
    assert "Checking each column's rules again, on the 4,950 kept rows" in stages
    assert stages.index("Checking sources (5,000 rows)") < stages.index(
        "Checking each column's rules again, on the 4,950 kept rows")


@pytest.mark.parametrize("raw", [b"", b"row_id|value\nx|1\n", b"row_id,value\nx,1\n"],
                         ids=["empty", "no_known_delimiter", "missing_columns"])
def test_a_rejected_file_still_ends_at_one(curated_sources, raw):
    result, calls = check_with_progress(raw, curated_sources)
    assert result.file_rejected
    assert_increasing_to_one(calls)


def test_progress_changes_nothing_in_the_result(curated_sources):
    raw = upload_of(300, bad_every=7)
    with_progress, _ = check_with_progress(raw, curated_sources)
    without = upload.check_upload(raw, None, curated_sources)
    assert (with_progress.kept, with_progress.uploaded) == (without.kept, without.uploaded)
    assert_frame_equal(with_progress.report, without.report)
    assert_same(with_progress.dataset, without.dataset)
