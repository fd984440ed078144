"""Bring your own data: check an uploaded evidence CSV (and optional sources CSV) with the curated data's rules.

No Streamlit. Size and row caps are checked on the raw bytes before pandas parses anything. Rows with a
problem are rejected one by one and reported; the rest are kept, so rows kept + rows rejected = rows uploaded.
A problem with the file itself (empty, not text, unknown delimiter, missing or unknown columns) rejects it all.

Checking the 20,000-row maximum takes about a second (more with bad rows, which are dropped and the rest checked
again), so `check_upload` takes an optional `progress(fraction, stage)` callback (reading the file, checking each
column's rules, checking sources, done) that the page draws.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from . import vocab
from .data import (EVIDENCE_COLUMNS, SOURCE_COLUMNS, Dataset, DataValidationError, Problem, parse_table,
                   validate_tables)

Progress = Callable[[float, str], None]

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
DELIMITERS = (",", ";", "\t")

FIXES = (
    ("must be one of", "Use one of the allowed values listed in the problem."),
    ("whole number", "Write a whole number, without decimals or units."),
    ("must be a number", "Write a plain number with a dot for decimals, no units, % signs or ranges."),
    ("empty but required", "Fill in this cell."),
    ("unique", "Give each row its own id."),
    ("is repeated", "Give each row its own id."),
    ("not in sources", "Add the source to the sources file, or correct the id."),
    ("confidence interval", "Check that ci_low <= value <= ci_high (swap the limits if they are inverted) and give ci_level."),
    ("between 0 and 100", "A percentage must lie between 0 and 100."),
    ("greater than", "Use a positive number."),
    ("required column is missing", "Add this column; the template lists every column."),
    ("not in the schema", "Remove this column or rename it to a column of the template."),
    ("no rows of figures", "Add your figures under the header line, one row each."),
    ("expected format", "Check the format (a web address starts with http:// or https://; a DOI starts with 10.)."),
    ("time_value", "Give time_value, time_unit, time_hours and time_anchor together, with time_hours in hours."),
    ("DOI or a PMID", "Give the source's DOI or PMID."),
    ("compared with", "Say what the relative effect is compared with."),
    ("adverse_effect_course", "Give adverse_effect_course on side-effect rows only."),
)


def how_to_fix(message: str) -> str:
    """Return a one-line fix for a problem message."""
    for needle, fix in FIXES:
        if needle in message:
            return fix
    return "See data/datapackage.json for this field's rules."


@dataclass
class UploadResult:
    """What an upload produced: the kept data (or None), the report, and the counts."""

    digest: str
    dataset: Dataset | None
    report: pd.DataFrame
    uploaded: int
    kept: int
    file_rejected: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return self.uploaded - self.kept


def digest_of(*parts: bytes | None) -> str:
    """Return a SHA-256 over the uploaded files' bytes (the key an upload is stored and cached under)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p or b"").digest())
    return h.hexdigest()


def _report(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"file": p.file, "line": p.line, "row_id": p.row_id, "column": p.column, "value": p.value,
          "problem": p.message, "how_to_fix": how_to_fix(p.message)} for p in problems],
        columns=["file", "line", "row_id", "column", "value", "problem", "how_to_fix"],
    )


def precheck(raw: bytes, name: str, columns: tuple[str, ...]) -> tuple[str | None, list[Problem]]:
    """Check size, rows and delimiter on the raw bytes; return the delimiter to use and any file-level problems."""
    if not raw or not raw.strip():
        return None, [Problem(name, None, None, None, None, "the file is empty")]
    if len(raw) > MAX_BYTES:
        return None, [Problem(name, None, None, None, None,
                              f"the file is {len(raw) / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB")]
    lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1) - 1
    if lines > MAX_ROWS:
        return None, [Problem(name, None, None, None, None,
                              f"the file has about {lines:,} rows; the limit is {MAX_ROWS:,}")]
    if b"\x00" in raw:
        return None, [Problem(name, None, None, None, None, "the file is not text (it contains NUL bytes)")]
    try:
        header = raw.decode("utf-8-sig").splitlines()[0]
    except UnicodeDecodeError:
        return None, [Problem(name, None, None, None, None, "the file is not UTF-8 text")]
    best, hits = None, 0
    for sep in DELIMITERS:
        cells = next(csv.reader([header], delimiter=sep))
        n = len({c.strip() for c in cells} & set(columns))
        if n > hits:
            best, hits = sep, n
    if best is None:
        return None, [Problem(name, 1, None, None, header[:80],
                              "no column of the template was found in the first line: the delimiter could not be "
                              "detected (use commas or semicolons) or the header row is missing")]
    if not [line for line in raw.decode("utf-8-sig").splitlines()[1:] if line.strip()]:
        return None, [Problem(name, None, None, None, None,
                              "the file has its header line but no rows of figures under it: add one row per "
                              "published figure, as in the template's two example rows")]
    return best, []


# Where each stage starts, as a share of the whole check. Measured on a clean 20,000-row upload (bench/
# validation_cache.py): reading and typing the file about 0.2-0.3 s of 0.7 s, the column rules nearly all the rest.
READ_END = 0.3  # reading done, rules start
FIRST_PASS_END = 0.95  # a file with bad rows is checked again without them, in what is left
STAGES = {"columns": "Checking each column's rules", "sources": "Checking sources"}


class _Stages:
    """Forward (fraction, stage) to a callback, mapped into the current pass's share, never going backwards."""

    def __init__(self, callback: Progress | None):
        self.callback, self.last, self.lo, self.hi, self.suffix = callback, -1.0, 0.0, 1.0, ""

    def __call__(self, fraction: float, stage: str) -> None:
        if self.callback is None:
            return
        at = max(self.last, self.lo + (self.hi - self.lo) * fraction)
        if at > self.last:
            self.last = at
            self.callback(at, STAGES.get(stage, stage) + self.suffix)

    def span(self, lo: float, hi: float, suffix: str = "") -> _Stages:
        self.lo, self.hi, self.suffix = max(lo, self.last), hi, suffix
        return self


def check_upload(evidence_raw: bytes, sources_raw: bytes | None, curated_sources: pd.DataFrame,
                 evidence_name: str = "evidence upload", sources_name: str = "sources upload",
                 progress: Progress | None = None) -> UploadResult:
    """Validate an upload with the curated data's rules; keep good rows, reject and report bad ones.

    `progress(fraction, stage)`, if given, is called with increasing fractions as each stage starts, ending with
    (1.0, "Done") however the check ends.
    """
    stages = _Stages(progress)
    stages(0.0, "Reading the file")
    result = _check_upload(evidence_raw, sources_raw, curated_sources, evidence_name, sources_name, stages)
    stages.span(1.0, 1.0)(1.0, "Done")
    return result


def _check_upload(evidence_raw: bytes, sources_raw: bytes | None, curated_sources: pd.DataFrame,
                  evidence_name: str, sources_name: str, stages: _Stages) -> UploadResult:
    digest = digest_of(evidence_raw, sources_raw)
    sep, problems = precheck(evidence_raw, evidence_name, EVIDENCE_COLUMNS)
    if problems:
        return UploadResult(digest, None, _report(problems), 0, 0, file_rejected=True)
    evidence, parse_problems = parse_table(evidence_raw, evidence_name, EVIDENCE_COLUMNS, sep=sep)
    uploaded = len(evidence)

    if sources_raw:
        src_sep, src_problems = precheck(sources_raw, sources_name, SOURCE_COLUMNS)
        if src_problems:
            return UploadResult(digest, None, _report(src_problems), uploaded, 0, file_rejected=True)
        sources, src_parse = parse_table(sources_raw, sources_name, SOURCE_COLUMNS, sep=src_sep)
        own = set(sources["source_id"].dropna()) if "source_id" in sources else set()
        # Uploaded sources come first; curated ones fill in ids the upload does not define.
        sources = pd.concat([sources, curated_sources[~curated_sources["source_id"].isin(own)][list(SOURCE_COLUMNS)]],
                            ignore_index=True)
    else:
        sources, src_parse = curated_sources[list(SOURCE_COLUMNS)].copy(), []

    all_problems: list[Problem] = []
    pending = list(parse_problems) + list(src_parse)
    keep = evidence
    stages.span(READ_END, FIRST_PASS_END, f" ({vocab.counted(len(keep), 'row')})")
    for attempt in range(4):  # dropping a row can expose nothing new, but stay bounded
        if attempt:  # within what is left, so the bar keeps moving forward
            left = 1.0 - stages.last
            stages.span(stages.last + 0.2 * left, stages.last + 0.8 * left,
                        f" again, on the {vocab.counted(len(keep), 'kept row')}")
        try:
            dataset = validate_tables(keep, pending, sources, [], evidence_name, sources_name, progress=stages)
            all_problems += pending
            return UploadResult(digest, dataset if len(dataset.evidence) else None,
                                _report(_dedupe(all_problems)), uploaded, len(dataset.evidence))
        except DataValidationError as err:
            found = err.problems
        file_level = [p for p in found if p.line in (None, 1) or p.file == sources_name]
        if file_level:
            return UploadResult(digest, None, _report(_dedupe(all_problems + found)), uploaded, 0, file_rejected=True)
        bad_lines = {p.line for p in found}
        all_problems += found
        keep = keep[~(keep.index + 2).isin(bad_lines)]
        pending = []
    return UploadResult(digest, None, _report(_dedupe(all_problems)), uploaded, 0, file_rejected=True)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.file, p.line, p.column, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.file, p.line or 0, p.column or ""))


def template_csv(evidence: pd.DataFrame, n: int = 2) -> str:
    """Return a template: the header and n real, cited rows from the curated data as examples."""
    example = evidence[list(EVIDENCE_COLUMNS)].head(n)
    return example.to_csv(index=False)


ALLOWED_VALUES = {
    "dimension": vocab.DIMENSIONS, "outcome": vocab.OUTCOMES, "treatment_group": vocab.TREATMENT_GROUPS,
    "population": vocab.POPULATIONS, "design": vocab.DESIGNS, "unit": vocab.UNITS, "certainty": vocab.CERTAINTY,
}
