"""Read and validate the curated evidence dataset.

`read_evidence(folder)` returns the evidence rows joined to nothing, typed and
checked; `read_sources(folder)` the same for the sources table; `load_dataset`
returns both after the cross-table rules. Every failure, in every cell, is
collected and raised once as `DataValidationError`, whose message is a list of
plain sentences naming the file, line, row id and column. No Streamlit here.
"""

from __future__ import annotations

import ast
import csv
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import vocab

# The curated data; benchmarks point KETAMINE_EVIDENCE_DATA at a grown copy (never committed).
DATA_DIR = Path(os.environ.get("KETAMINE_EVIDENCE_DATA", Path(__file__).resolve().parent.parent / "data"))

EVIDENCE_COLUMNS = (
    "row_id", "source_id", "dimension", "outcome", "outcome_label", "outcome_definition", "scale",
    "treatment", "treatment_group", "route", "regimen", "population", "design", "control_type",
    "compared_with", "time_reported", "time_value", "time_unit", "time_hours", "time_anchor",
    "value", "unit", "ci_low", "ci_high", "ci_level", "n", "n_studies", "adverse_effect_course",
    "certainty", "certainty_reason", "caveats", "location", "read_at_url",
)
SOURCE_COLUMNS = (
    "source_id", "short_citation", "citation", "year", "doi", "pmid", "other_id", "design", "population",
    "n", "url", "date_read", "notes",
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
        ratio = df["unit"].isin(["odds ratio", "risk ratio", "hazard ratio"])
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
        pooled = df["design"].isin(["meta-analysis", "network meta-analysis"])
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


def load_dataset(folder: Path | str = DATA_DIR) -> Dataset:
    """Read, type and validate evidence.csv and sources.csv in `folder`; raise DataValidationError listing every problem."""
    folder = Path(folder)
    evidence, ev_problems = _read_table(folder / "evidence.csv", EVIDENCE_COLUMNS)
    sources, src_problems = _read_table(folder / "sources.csv", SOURCE_COLUMNS)
    return validate_tables(evidence, ev_problems, sources, src_problems)


def validate_tables(evidence: pd.DataFrame, ev_problems: list[Problem], sources: pd.DataFrame,
                    src_problems: list[Problem], evidence_name: str = "evidence.csv",
                    sources_name: str = "sources.csv") -> Dataset:
    """Apply every rule to already-parsed tables; return a Dataset or raise DataValidationError."""
    problems = list(ev_problems)
    if len(evidence.columns):
        problems += validate_model(evidence, EvidenceModel, evidence_name)
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
