"""How long benefit lasts once treatment stops: what the data holds, side by side, and what differs.

Readers and lecturers ask this first (the Oxford series reported benefit lasting weeks to a few months after a course
of infusions), yet no trial compared how long benefit lasts after ketamine with how long it lasts after an
antidepressant. `data/after_stopping.csv` names the figures that speak to it, each with what stopped and what
differs; `table` lists them with their own control where the trial had one, so no pair of numbers is offered as an
answer. No Streamlit here.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import vocab
from .data import DATA_DIR, ID_PATTERN, DataValidationError, Problem, files_stamp, parse_table, validate_model

COLUMNS = ("row_id", "control_row_id", "side", "what_stopped", "differs")
FILE = "after_stopping.csv"


class AfterStoppingModel(pa.DataFrameModel):
    """One row per figure on what happens after treatment stops."""

    row_id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN)
    control_row_id: Series[str] = pa.Field(nullable=True, str_matches=ID_PATTERN)
    side: Series[str] = pa.Field(isin=("ketamine", "traditional"))
    what_stopped: Series[str] = pa.Field(str_length={"min_value": 10})
    differs: Series[str] = pa.Field(str_length={"min_value": 10})

    class Config:
        strict = True
        coerce = False


def read(evidence: pd.DataFrame, folder: Path | str = DATA_DIR) -> pd.DataFrame:
    """Return the curated rows after their checks; raise DataValidationError naming each problem by line and column.

    Each figure must be in evidence.csv and be a durability figure; its side must be its treatment's family; a control
    figure comes from the same source and outcome."""
    df, problems = parse_table((Path(folder) / FILE).read_bytes(), FILE, COLUMNS)
    if not problems:
        problems = validate_model(df, AfterStoppingModel, FILE)
    rows = evidence.set_index("row_id")
    for i, r in df.iterrows() if not problems else ():
        line = int(i) + 2
        for col in ("row_id", "control_row_id"):
            rid = r[col]
            if isinstance(rid, str) and rid not in rows.index:
                problems.append(Problem(FILE, line, r["row_id"], col, rid, "is not a row of evidence.csv"))
        if r["row_id"] not in rows.index:
            continue
        row = rows.loc[r["row_id"]]
        if row["dimension"] != "durability":
            problems.append(Problem(FILE, line, r["row_id"], "row_id", r["row_id"], "is not a durability figure"))
        family = vocab.family_of(row["treatment_group"])
        allowed = {"ketamine": (vocab.FAMILIES[0],), "traditional": vocab.FAMILIES[1:]}[r["side"]]
        # A ketamine trial's figure may be its stopped arm, which took a placebo spray (SUSTAIN-1).
        if family not in allowed and row["source_id"] not in _ketamine_sources(rows):
            problems.append(Problem(FILE, line, r["row_id"], "side", r["side"], f"the figure is a {family} figure"))
        control = r["control_row_id"]
        if isinstance(control, str) and control in rows.index and (
                rows.loc[control, "source_id"] != row["source_id"] or rows.loc[control, "outcome"] != row["outcome"]):
            problems.append(Problem(FILE, line, r["row_id"], "control_row_id", control,
                                    "a control figure comes from the same source and outcome"))
    if problems:
        raise DataValidationError(problems)
    return df


def _ketamine_sources(rows: pd.DataFrame) -> set[str]:
    return set(rows.loc[rows["treatment_group"].isin(vocab.KETAMINE_GROUPS), "source_id"])


def _figure(row) -> str:
    unit = {"%": " in 100", "days": " days"}.get(row["unit"], f" {row['unit']}")
    return f"{row['value']:g}{unit}"


def table(rows: pd.DataFrame, curated: pd.DataFrame) -> pd.DataFrame:
    """Return one line per curated figure still in the reader's rows: side, study, what stopped, the figure as printed
    (and its trial's other arm), over what time, its design and people, its certainty, and what differs."""
    by_id = rows.set_index("row_id")
    out = []
    for c in curated.to_dict("records"):
        if c["row_id"] not in by_id.index:
            continue
        r = by_id.loc[c["row_id"]]
        control = c["control_row_id"]
        other = (f"{_figure(by_id.loc[control])} on {by_id.loc[control, 'treatment'].split(' (')[0]}"
                 if isinstance(control, str) and control in by_id.index else "no comparison arm")
        out.append({
            "side": "Ketamine" if c["side"] == "ketamine" else "Traditional antidepressants",
            "study": r["study"], "what": r["outcome_label"], "what_stopped": c["what_stopped"],
            "figure": _figure(r), "other_arm": other, "over": r["time_reported"] or "not stated",
            "design": r["design"] + (f", n {int(r['n'])}" if pd.notna(r["n"]) else ""),
            "population": r["population"], "certainty": f"{r['certainty']}: {r['certainty_reason']}",
            "differs": c["differs"], "read_in": r["read_in"] if "read_in" in r else "not stated", "link": r["link"],
        })
    return pd.DataFrame(out, columns=["side", "study", "what", "what_stopped", "figure", "other_arm", "over", "design",
                                      "population", "certainty", "differs", "read_in", "link"])


MESSAGE = ("No trial compared how long benefit lasts after ketamine with how long it lasts after an antidepressant, "
           "so these figures are listed with what differs, not set against each other: the times, the people and "
           "what was stopped all differ.")


@functools.lru_cache(maxsize=4)
def _curated(folder: str, stamp: str) -> pd.DataFrame:
    from .data import default_cache_dir, load_dataset

    return read(load_dataset(folder, cache_dir=default_cache_dir()).evidence, folder)


def curated(folder: Path | str = DATA_DIR) -> pd.DataFrame:
    """Return the curated figures, read and checked once per version of the data files (raises DataValidationError)."""
    return _curated(str(folder), files_stamp(folder))
