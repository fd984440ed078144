"""Read and validate the curated evidence dataset.

`read_evidence(folder)` returns the evidence rows joined to nothing, typed and
checked; `read_sources(folder)` the same for the sources table; `load_dataset`
returns both after the cross-table rules. Every failure, in every cell, is
collected and raised once as `DataValidationError`, whose message is a list of
plain sentences naming the file, line, row id and column. No Streamlit here.

Given a cache folder, `load_dataset` keeps each dataset that passed as Parquet,
keyed by the SHA-256 of its two CSVs and of the validation code, so a restart or
another replica reading the same bytes skips validation.
"""

from __future__ import annotations

import ast
import csv
import functools
import hashlib
import io
import json
import logging
import math
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera
import pandera.pandas as pa
from pandera.typing import Series

from . import vocab

log = logging.getLogger(__name__)

# The curated data; benchmarks point KETAMINE_EVIDENCE_DATA at a grown copy (never committed).
DATA_DIR = Path(os.environ.get("KETAMINE_EVIDENCE_DATA", Path(__file__).resolve().parent.parent / "data"))

EVIDENCE_COLUMNS = (
    "row_id", "source_id", "dimension", "outcome", "outcome_label", "outcome_definition", "scale",
    "treatment", "treatment_group", "route", "regimen", "population", "design", "control_type",
    "compared_with", "time_reported", "time_value", "time_unit", "time_hours", "time_anchor",
    "value", "unit", "ci_low", "ci_high", "ci_level", "n", "n_studies", "adverse_effect_course",
    "certainty", "certainty_reason", "caveats", "location", "provenance", "read_at_url",
)
SOURCE_COLUMNS = (
    "source_id", "short_citation", "citation", "year", "doi", "pmid", "other_id", "identifier_gap", "design",
    "population", "n", "url", "date_read", "notes",
)
FLOAT_COLUMNS = {"time_value", "time_hours", "value", "ci_low", "ci_high", "ci_level"}
INT_COLUMNS = {"n", "n_studies", "year"}

URL_PATTERN = r"^https?://\S+$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
PMID_PATTERN = r"^\d{1,9}$"
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or one row, or the file)."""

    file: str
    line: int | None  # line in the file, header = 1; None for file-level problems
    row_id: str | None
    column: str | None
    value: str | None
    message: str

    def sentence(self) -> str:
        """Return the problem as one plain sentence a curator can act on."""
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row_id:
            where.append(f"row {self.row_id!r}")
        if self.column:
            where.append(f"column {self.column!r}")
        shown = "" if self.value in (None, "") else f" (value {str(self.value)[:80]!r})"
        return f"In {', '.join(where)}: {self.message}{shown}."


class DataValidationError(ValueError):
    """Raised with every problem found in the dataset, each as a sentence."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.sentence() for p in self.problems))

    def as_frame(self) -> pd.DataFrame:
        """Return the problems as a table: file, line, row id, column, value, problem."""
        return pd.DataFrame(
            [
                {"file": p.file, "line": p.line, "row_id": p.row_id, "column": p.column,
                 "value": p.value, "problem": p.message}
                for p in self.problems
            ],
            columns=["file", "line", "row_id", "column", "value", "problem"],
        )


def _opt(**kw):
    return pa.Field(nullable=True, **kw)


class EvidenceModel(pa.DataFrameModel):
    """One row per published figure (see data/datapackage.json for each field's meaning)."""

    row_id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN)
    source_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    dimension: Series[str] = pa.Field(isin=vocab.DIMENSIONS)
    outcome: Series[str] = pa.Field(isin=vocab.OUTCOMES)
    outcome_label: Series[str] = pa.Field(str_length={"min_value": 2, "max_value": 80})
    outcome_definition: Series[str] = pa.Field(str_length={"min_value": 5})
    scale: Series[str] = pa.Field(isin=vocab.SCALES)
    treatment: Series[str] = pa.Field(str_length={"min_value": 2})
    treatment_group: Series[str] = pa.Field(isin=vocab.TREATMENT_GROUPS)
    route: Series[str] = pa.Field(isin=vocab.ROUTES)
    regimen: Series[str] = pa.Field(isin=vocab.REGIMENS)
    population: Series[str] = pa.Field(isin=vocab.POPULATIONS)
    design: Series[str] = pa.Field(isin=vocab.DESIGNS)
    control_type: Series[str] = pa.Field(isin=vocab.CONTROL_TYPES)
    compared_with: Series[str] = _opt()
    time_reported: Series[str] = _opt()
    time_value: Series[float] = _opt(ge=0)
    time_unit: Series[str] = _opt(isin=vocab.TIME_UNITS)
    time_hours: Series[float] = _opt(ge=0)
    time_anchor: Series[str] = _opt(isin=vocab.TIME_ANCHORS)
    value: Series[float] = pa.Field()
    unit: Series[str] = pa.Field(isin=vocab.UNITS)
    ci_low: Series[float] = _opt()
    ci_high: Series[float] = _opt()
    ci_level: Series[float] = _opt(gt=0, lt=100)
    n: Series[pd.Int64Dtype] = _opt(gt=0)
    n_studies: Series[pd.Int64Dtype] = _opt(gt=0)
    adverse_effect_course: Series[str] = _opt(isin=vocab.AE_COURSES)
    certainty: Series[str] = pa.Field(isin=vocab.CERTAINTY)
    certainty_reason: Series[str] = pa.Field(str_length={"min_value": 5})
    caveats: Series[str] = _opt()
    location: Series[str] = pa.Field(str_length={"min_value": 2})
    provenance: Series[str] = pa.Field(isin=vocab.PROVENANCE)
    read_at_url: Series[str] = pa.Field(str_matches=URL_PATTERN)

    class Config:
        strict = True
        coerce = False
        ordered = False

    # Row-wise rules across columns. Each returns True where the row is fine;
    # ROW_RULES below turns a failure into a sentence about the right column.
    @pa.dataframe_check
    def ci_brackets_value(cls, df: pd.DataFrame) -> Series[bool]:
        lo, hi, v = df["ci_low"], df["ci_high"], df["value"]
        both = lo.notna() & hi.notna()
        return (~both | ((lo <= v) & (v <= hi))) & (lo.isna() == hi.isna())

    @pa.dataframe_check
    def percent_within_0_100(cls, df: pd.DataFrame) -> Series[bool]:
        pct = df["unit"] == "%"
        ok = df[["value", "ci_low", "ci_high"]].apply(lambda c: c.isna() | c.between(0, 100))
        return ~pct | ok.all(axis=1)

    @pa.dataframe_check
    def ratio_positive(cls, df: pd.DataFrame) -> Series[bool]:
        ratio = df["unit"].isin(vocab.RATIO_UNITS)
        return ~ratio | (df["value"] > 0)

    @pa.dataframe_check
    def ci_level_with_ci(cls, df: pd.DataFrame) -> Series[bool]:
        return df["ci_low"].isna() | df["ci_level"].notna()

    @pa.dataframe_check
    def time_fields_complete(cls, df: pd.DataFrame) -> Series[bool]:
        # A time point the source gives only in words ("end of the course") keeps time_reported
        # alone; once it is normalised, the number, unit, hours and anchor come together.
        cols = ["time_value", "time_unit", "time_hours", "time_anchor"]
        filled = df[cols].notna().sum(axis=1)
        return ((filled == 0) | (filled == len(cols))) & ((filled == 0) | df["time_reported"].notna())

    @pa.dataframe_check
    def time_hours_consistent(cls, df: pd.DataFrame) -> Series[bool]:
        factor = df["time_unit"].map(vocab.HOURS_PER)
        expected = df["time_value"] * factor
        close = (df["time_hours"] - expected).abs() <= (0.01 * expected.abs() + 0.01)
        return expected.isna() | df["time_hours"].isna() | close

    @pa.dataframe_check
    def relative_effect_names_comparator(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["unit"].isin(vocab.RELATIVE_UNITS) | df["compared_with"].notna()

    @pa.dataframe_check
    def side_effect_course_given(cls, df: pd.DataFrame) -> Series[bool]:
        se = df["dimension"] == "side_effects"
        return (se & df["adverse_effect_course"].notna()) | (~se & df["adverse_effect_course"].isna())

    @pa.dataframe_check
    def pooled_designs_count_studies(cls, df: pd.DataFrame) -> Series[bool]:
        pooled = df["design"].isin(vocab.REVIEW_DESIGNS)
        return pooled | df["n_studies"].isna()


class SourceModel(pa.DataFrameModel):
    """One row per publication or label the evidence rows cite."""

    source_id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN)
    short_citation: Series[str] = pa.Field(str_length={"min_value": 4, "max_value": 60})
    citation: Series[str] = pa.Field(str_length={"min_value": 20})
    year: Series[pd.Int64Dtype] = pa.Field(ge=1950, le=2030)
    doi: Series[str] = _opt(str_matches=DOI_PATTERN)
    pmid: Series[str] = _opt(str_matches=PMID_PATTERN)
    # Only where a source has no DOI or PMID that could be verified: a regulator's label number
    # or an official publication record (see data/CHANGELOG.md for each such source).
    other_id: Series[str] = _opt(str_length={"min_value": 6})
    # Why a journal source lacks its DOI or its PMID (what was tried); empty when it has both.
    identifier_gap: Series[str] = _opt(str_length={"min_value": 10})
    design: Series[str] = pa.Field(str_length={"min_value": 2})
    population: Series[str] = pa.Field(str_length={"min_value": 2})
    n: Series[pd.Int64Dtype] = _opt(gt=0)
    url: Series[str] = pa.Field(str_matches=URL_PATTERN)
    date_read: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$")
    notes: Series[str] = _opt()

    class Config:
        strict = True
        coerce = False
        ordered = False

    @pa.dataframe_check
    def doi_or_pmid(cls, df: pd.DataFrame) -> Series[bool]:
        return df["doi"].notna() | df["pmid"].notna() | df["other_id"].notna()

    @pa.dataframe_check
    def both_identifiers_or_why_not(cls, df: pd.DataFrame) -> Series[bool]:
        journal = df["design"] != "product label"
        both = df["doi"].notna() & df["pmid"].notna()
        return ~journal | (both & df["identifier_gap"].isna()) | (~both & df["identifier_gap"].notna())


# For each row-wise rule: the column the sentence names, and what it says.
ROW_RULES = {
    "ci_brackets_value": ("ci_low", "the confidence interval must contain the value (ci_low <= value <= ci_high), with both limits given or neither"),
    "percent_within_0_100": ("value", "a percentage (and its confidence limits) must lie between 0 and 100"),
    "ratio_positive": ("value", "an odds, risk or hazard ratio must be greater than 0"),
    "ci_level_with_ci": ("ci_level", "a confidence interval needs its level (for example 95)"),
    "time_fields_complete": ("time_hours", "time_value, time_unit, time_hours and time_anchor must all be given or all be empty, and a normalised time needs time_reported"),
    "time_hours_consistent": ("time_hours", "time_hours does not equal time_value converted from time_unit (minutes/60, days x24, weeks x168, months x730.5)"),
    "relative_effect_names_comparator": ("compared_with", "a relative effect (ratio, SMD, mean difference, NNT) must say what it is compared with"),
    "side_effect_course_given": ("adverse_effect_course", "adverse_effect_course is required on side-effect rows and must be empty on others"),
    "pooled_designs_count_studies": ("n_studies", "n_studies is only for meta-analyses"),
    "doi_or_pmid": ("doi", "each source needs a DOI or a PMID (or, for a label or official record without one, other_id)"),
    "both_identifiers_or_why_not": ("identifier_gap", "a journal source needs both its DOI and its PMID, or identifier_gap saying why one is missing (and identifier_gap stays empty when both are given)"),
}


def _describe_check(check: str) -> str:
    if check.startswith("isin("):
        try:
            allowed = ast.literal_eval(check[len("isin(") : -1])
        except (ValueError, SyntaxError):
            return "is not one of the allowed values (see data/datapackage.json)"
        return "must be one of: " + ", ".join(map(str, allowed))
    if check.startswith("str_matches("):
        return "is not in the expected format"
    if check.startswith("str_length("):
        return "is too short or too long"
    if check == "not_nullable":
        return "is empty but required"
    if check == "field_uniqueness":
        return "is repeated; ids must be unique"
    if check.startswith(("greater_than", "less_than", "in_range")):
        bound = check[check.index("(") + 1 : -1]
        words = {
            "greater_than_or_equal_to": "at least", "greater_than": "greater than",
            "less_than_or_equal_to": "at most", "less_than": "less than", "in_range": "in the range",
        }[check[: check.index("(")]]
        return f"must be {words} {bound}"
    return f"fails the rule {check}"


def _read_table(path: Path, columns: tuple[str, ...]) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse a CSV as text, then type its numeric columns; return the frame and any problems."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return pd.DataFrame(columns=columns), [Problem(name, None, None, None, None, f"the file cannot be read ({exc.strerror})")]
    return parse_table(raw, name, columns)


def parse_table(raw: bytes, name: str, columns: tuple[str, ...], sep: str = ",") -> tuple[pd.DataFrame, list[Problem]]:
    """Turn CSV bytes (UTF-8, with or without BOM) into a typed frame plus the problems met on the way (never raises)."""
    problems: list[Problem] = []
    if b"\x00" in raw:
        return pd.DataFrame(columns=columns), [Problem(name, None, None, None, None, "the file is not text (it contains NUL bytes)")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return pd.DataFrame(columns=columns), [Problem(name, None, None, None, None, "the file is not UTF-8 text")]
    if not text.strip():
        return pd.DataFrame(columns=columns), [Problem(name, None, None, None, None, "the file is empty")]
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL, sep=sep)
    except (pd.errors.ParserError, csv.Error) as exc:
        return pd.DataFrame(columns=columns), [Problem(name, None, None, None, None, f"the file is not a well-formed CSV ({exc})")]
    df.columns = [str(c).strip() for c in df.columns]
    df = df.apply(lambda c: c.str.strip()).replace("", pd.NA)
    df.index = pd.RangeIndex(len(df))
    ids = df[columns[0]] if columns[0] in df.columns else pd.Series([None] * len(df))
    for col in (FLOAT_COLUMNS | INT_COLUMNS) & set(df.columns):
        num = pd.to_numeric(df[col], errors="coerce")
        bad = df[col].notna() & num.isna()
        if col in INT_COLUMNS:
            frac = num.notna() & (num % 1 != 0)
            bad |= frac
            num = num.where(~frac)
        for i in df.index[bad]:
            kind = "a whole number" if col in INT_COLUMNS else "a number"
            problems.append(Problem(name, int(i) + 2, _s(ids[i]), col, str(df.at[i, col]), f"must be {kind}"))
        df[col] = num.astype("Int64") if col in INT_COLUMNS else num.astype("float64")
    for col in set(df.columns) - FLOAT_COLUMNS - INT_COLUMNS:
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df, problems


def _s(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return str(v)


def validate_model(df: pd.DataFrame, model: type[pa.DataFrameModel], name: str) -> list[Problem]:
    """Run a pandera model lazily and turn every failure case into a Problem."""
    try:
        model.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        return _problems_from_failures(err.failure_cases, df, name)
    return []


def _problems_from_failures(fc: pd.DataFrame, df: pd.DataFrame, name: str) -> list[Problem]:
    problems: list[Problem] = []
    id_col = df.columns[0] if len(df.columns) else None
    seen: set[tuple] = set()
    for rec in fc.to_dict("records"):
        check, column, idx = str(rec["check"]), rec["column"], rec["index"]
        if check == "column_in_schema":
            problems.append(Problem(name, 1, None, str(rec["failure_case"]), None, "this column is not in the schema; remove it or add it to the schema"))
            continue
        if check == "column_in_dataframe":
            problems.append(Problem(name, 1, None, str(rec["failure_case"]), None, "this required column is missing"))
            continue
        if check.startswith("dtype("):
            continue  # typing problems were already reported by parse_table
        line = int(idx) + 2 if idx is not None and not pd.isna(idx) else None
        row_id = _s(df.at[int(idx), id_col]) if line is not None and id_col and int(idx) in df.index else None
        if check in ROW_RULES:
            col, msg = ROW_RULES[check]
            key = (check, line)
            if key in seen:
                continue  # a row-wise rule reports one failure case per column of the row
            seen.add(key)
            value = _s(df.at[int(idx), col]) if line is not None and col in df.columns else None
            problems.append(Problem(name, line, row_id, col, value, msg))
        else:
            problems.append(Problem(name, line, row_id, str(column), _s(rec["failure_case"]), _describe_check(check)))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or ""))


def check_foreign_keys(evidence: pd.DataFrame, sources: pd.DataFrame, name: str = "evidence.csv") -> list[Problem]:
    """Return a problem for each evidence row whose source_id is not in the sources table."""
    if "source_id" not in evidence.columns or "source_id" not in sources.columns:
        return []
    known = set(sources["source_id"].dropna())
    # Vectorised: a loop over every row (iterrows) took most of the validation time on large data.
    sid = evidence["source_id"]
    orphan = sid.notna() & ~sid.isin(known)
    ids = evidence["row_id"] if "row_id" in evidence.columns else pd.Series(None, index=evidence.index, dtype=object)
    return [Problem(name, int(i) + 2, _s(ids[i]), "source_id", sid[i], "this source id is not in sources.csv")
            for i in evidence.index[orphan]]


@dataclass(frozen=True)
class Dataset:
    """The validated evidence rows and their sources."""

    evidence: pd.DataFrame
    sources: pd.DataFrame


def load_dataset(folder: Path | str = DATA_DIR, cache_dir: Path | str | None = None) -> Dataset:
    """Read, type and validate evidence.csv and sources.csv in `folder`; raise DataValidationError listing every problem.

    With `cache_dir`, return the validated copy kept there for these exact bytes if there is one, and keep one after
    a successful validation (a dataset that fails is never kept).
    """
    folder = Path(folder)
    if cache_dir is not None:
        try:
            raw = {part: (folder / f"{part}.csv").read_bytes() for part in _PARTS}
        except OSError:
            raw = None  # validated below without a cache, which reports the unreadable file in words
        if raw is not None:
            return _load_with_cache(raw, Path(cache_dir))
    evidence, ev_problems = _read_table(folder / "evidence.csv", EVIDENCE_COLUMNS)
    sources, src_problems = _read_table(folder / "sources.csv", SOURCE_COLUMNS)
    return validate_tables(evidence, ev_problems, sources, src_problems)


# Share of validate_tables' time before its sources stage: the evidence model (every column's rules and the row-wise
# rules) is nearly all of it; on 20,000 uploaded rows the sources model and foreign keys took 0.03 s of about 0.5 s.
EVIDENCE_SHARE = 0.93


def validate_tables(evidence: pd.DataFrame, ev_problems: list[Problem], sources: pd.DataFrame,
                    src_problems: list[Problem], evidence_name: str = "evidence.csv",
                    sources_name: str = "sources.csv",
                    progress: Callable[[float, str], None] | None = None) -> Dataset:
    """Apply every rule to already-parsed tables; return a Dataset or raise DataValidationError.

    `progress(fraction, stage)`, if given, is called as each stage starts: 0.0 "columns", then EVIDENCE_SHARE
    "sources" (the caller says when it is done).
    """
    problems = list(ev_problems)
    if progress:
        progress(0.0, "columns")
    if len(evidence.columns):
        problems += validate_model(evidence, EvidenceModel, evidence_name)
    if progress:
        progress(EVIDENCE_SHARE, "sources")
    problems += src_problems
    if len(sources.columns):
        problems += validate_model(sources, SourceModel, sources_name)
    problems += check_foreign_keys(evidence, sources, evidence_name)
    # A cell that could not be read as a number is reported once, not again as "empty".
    typed = {(p.file, p.line, p.column) for p in ev_problems + src_problems}
    problems = [p for p in problems
                if not (p.message == "is empty but required" and (p.file, p.line, p.column) in typed)]
    if problems:
        raise DataValidationError(problems)
    evidence = evidence.assign(family=evidence["treatment_group"].map(vocab.family_of))
    return Dataset(evidence=evidence.reset_index(drop=True), sources=sources.reset_index(drop=True))


def read_evidence(folder: Path | str = DATA_DIR) -> pd.DataFrame:
    """Return the validated evidence rows of `folder` (raises DataValidationError)."""
    return load_dataset(folder).evidence


# --- Validated copies: validate once per checksum, reuse across processes -----------------------------------------
#
# <cache_dir>/<key>.evidence.parquet and <key>.sources.parquet, key = SHA-256 over the two CSVs' bytes and
# rules_version(). Each file is written to a temporary name and renamed into place, so a reader (another replica
# starting at the same moment) sees a whole file or none. A copy that does not read back with the columns, dtypes and
# row count it was written with is ignored: the data is validated again and the copy rewritten.

CACHE_DIR_ENV = "KETAMINE_CACHE_DIR"
CACHE_FORMAT = 1  # bump when the layout of the cached files changes
CACHE_KEEP = 8  # validated copies kept, most recently used first
_PARTS = ("evidence", "sources")
_PART_COLUMNS = {"evidence": frozenset(EVIDENCE_COLUMNS) | {"family"}, "sources": frozenset(SOURCE_COLUMNS)}
_CACHE_META = b"ketamine_evidence"
_RULES_SOURCES = (Path(__file__), Path(vocab.__file__))
_CACHE_NAME = re.compile(r"^([0-9a-f]{64})\.evidence\.parquet$")


def files_stamp(folder: Path | str = DATA_DIR) -> str:
    """The folder's CSV names, sizes and modification times, as one string: a cheap cache key, so an edited CSV is
    read again (the validated copy itself is keyed by the files' checksums)."""
    return repr(tuple((p.name, info.st_mtime_ns, info.st_size) for p in sorted(Path(folder).glob("*.csv"))
                      for info in (p.stat(),)))


def default_cache_dir() -> Path:
    """Return where validated copies are kept: $KETAMINE_CACHE_DIR, else cache/ in the state folder (never data/)."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    state = os.environ.get("KETAMINE_STATE_DIR") or Path(__file__).resolve().parent.parent / "state"
    return Path(state) / "cache"


@functools.lru_cache(maxsize=1)
def rules_version() -> str:
    """Return a hash of what validation depends on: this module and vocab.py (the rules and their allowed values),
    the cache format and the pandas, pandera and pyarrow versions. Changing any of them changes every key."""
    import pyarrow

    h = hashlib.sha256()
    for path in _RULES_SOURCES:
        h.update(path.read_bytes())
    h.update(f"{CACHE_FORMAT}|{pd.__version__}|{pandera.__version__}|{pyarrow.__version__}".encode())
    return h.hexdigest()


def dataset_key(evidence_raw: bytes, sources_raw: bytes) -> str:
    """Return the key a dataset's validated copy is kept under: SHA-256 over both CSVs' bytes and rules_version()."""
    h = hashlib.sha256(rules_version().encode())
    for raw in (evidence_raw, sources_raw):
        h.update(hashlib.sha256(raw).digest())
    return h.hexdigest()


def _cache_path(cache_dir: Path, key: str, part: str) -> Path:
    return cache_dir / f"{key}.{part}.parquet"


def _load_with_cache(raw: dict[str, bytes], cache_dir: Path) -> Dataset:
    key = dataset_key(raw["evidence"], raw["sources"])
    cached = read_cached(cache_dir, key)
    if cached is not None:
        return cached
    evidence, ev_problems = parse_table(raw["evidence"], "evidence.csv", EVIDENCE_COLUMNS)
    sources, src_problems = parse_table(raw["sources"], "sources.csv", SOURCE_COLUMNS)
    dataset = validate_tables(evidence, ev_problems, sources, src_problems)  # raises before anything is written
    write_cached(cache_dir, key, dataset)
    return dataset


def read_cached(cache_dir: Path, key: str) -> Dataset | None:
    """Return the validated copy kept under `key`, or None if there is none or it does not read back intact."""
    paths = {part: _cache_path(cache_dir, key, part) for part in _PARTS}
    if not all(p.exists() for p in paths.values()):
        return None
    try:
        frames = {part: _read_frame(path, key, part) for part, path in paths.items()}
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with a copy, validating again is the answer
        log.warning("Validated copy %s is unusable (%s: %s); validating the data again.", key[:12],
                    type(exc).__name__, exc)
        return None
    for p in paths.values():
        try:
            os.utime(p)  # most recently used: pruning keeps it
        except OSError:
            pass
    return Dataset(**frames)


def _read_frame(path: Path, key: str, part: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[_CACHE_META])
    dtypes: dict[str, str] = meta["dtypes"]
    if meta["key"] != key or meta["part"] != part:
        raise ValueError("the file was written for another dataset")
    df = table.to_pandas()
    if list(df.columns) != list(dtypes) or set(dtypes) != _PART_COLUMNS[part] or len(df) != meta["rows"]:
        raise ValueError("columns or row count differ from those written")
    # Parquet has no 'object' type: text comes back as pandas' str dtype with NaN; the validated frames hold None.
    for col, dtype in dtypes.items():
        if dtype == "object":
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    got = {c: str(t) for c, t in df.dtypes.items()}
    typed = {c: "float64" for c in FLOAT_COLUMNS & set(got)} | {c: "Int64" for c in INT_COLUMNS & set(got)}
    if got != dtypes or any(got[c] != t for c, t in typed.items()):
        raise ValueError(f"dtypes differ from those written: {sorted(set(got.items()) ^ set(dtypes.items()))}")
    df.index = pd.RangeIndex(len(df))
    return df


def write_cached(cache_dir: Path, key: str, dataset: Dataset) -> None:
    """Keep a validated dataset under `key`, each file written whole then renamed into place; log, never raise."""
    import pyarrow
    import pyarrow.parquet as pq

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for part in _PARTS:
            df = getattr(dataset, part)
            meta = {"key": key, "part": part, "rows": len(df), "dtypes": {c: str(t) for c, t in df.dtypes.items()}}
            table = pyarrow.Table.from_pandas(df, preserve_index=False)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), _CACHE_META: json.dumps(meta)})
            final = _cache_path(cache_dir, key, part)
            tmp = final.with_name(f".{final.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
            try:
                pq.write_table(table, tmp)
                os.replace(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)
    except Exception as exc:  # noqa: BLE001 - a read-only or full disk must not stop the dashboard
        log.warning("Could not keep a validated copy in %s (%s: %s); the data will be validated again next time.",
                    cache_dir, type(exc).__name__, exc)
        return
    try:
        _prune(cache_dir)
    except OSError:
        pass  # pruning is housekeeping; the next write tries again


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _prune(cache_dir: Path) -> None:
    """Keep the CACHE_KEEP most recently used copies; delete older ones and temp files a crashed writer left."""
    copies = sorted((p for p in cache_dir.iterdir() if _CACHE_NAME.match(p.name)), key=_mtime, reverse=True)
    stale = [p for p in cache_dir.glob(".*.parquet.*.tmp") if time.time() - _mtime(p) > 3600]
    for old in copies[CACHE_KEEP:]:
        key = _CACHE_NAME.match(old.name).group(1)
        stale += [_cache_path(cache_dir, key, part) for part in _PARTS]
    for p in stale:
        try:
            p.unlink(missing_ok=True)
        except OSError:
            pass
