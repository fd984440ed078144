"""A lecturer's own teaching sequence, built step by step in presenter mode, saved as CSV and loaded back. No Streamlit.

A step's reveal is picked from what the data already holds: a comparison set, a row of the summary of findings (a set
with a `sof_order`) or any figures by their row id (the evidence explorer lists each figure's id). The lecturer writes
the question, its answer type and range or choices, and for a choice the option the evidence supports.

A sequence is a list of steps, each a dict of the teaching sequence's columns as text (`teaching.SEQUENCE_COLUMNS`).
It is saved with `to_csv` (spreadsheet-safe, see `safe.py`) and loaded with `load`, which runs the same loader as
`data/teaching_sequence.csv` (`teaching.parse_sequence`), so a file that loads here is a file presenter mode can run,
and every problem is named by line and column.
"""

from __future__ import annotations

import math

import pandas as pd

from .comparison_sets import ComparisonSets, split_ids
from .data import DataValidationError, Problem
from .safe import spreadsheet_safe
from .teaching import (CHOICE_SEPARATOR, FIGURES_VIEW, SEQUENCE_COLUMNS, SET_PREFIX, UNIT_MATCHES, parse_sequence,
                       split_rows)
from .views import SET_VIEWS

MAX_UPLOAD_BYTES = 100_000  # 30 steps of long text are about 30 KB
NUMBER_COLUMNS = ("answer_min", "answer_max", "answer_step")
FILE_NAME = "teaching_sequence.csv"


def _text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:g}"
    return str(v)


def set_menu(sets: ComparisonSets) -> list[tuple[str, str]]:
    """Return (set id, title) for every comparison set, question by question, each question's headline first."""
    ordered = sets.sets.sort_values(["dimension", "rank"])
    return list(zip(ordered["set_id"], ordered["title"]))


def sof_menu(sets: ComparisonSets) -> list[tuple[str, str]]:
    """Return (set id, outcome) for each row of the summary of findings, in its order."""
    rows = sets.sets[sets.sets["sof_order"].notna()].sort_values("sof_order")
    return list(zip(rows["set_id"], rows["sof_outcome"].fillna(rows["title"])))


def set_view(set_id: str) -> str:
    """Return the view a step revealing this set shows: its named view where it has one, else `set:<id>`."""
    named = {sid: name for name, sid in SET_VIEWS.items()}
    return named.get(set_id, SET_PREFIX + set_id)


def set_figures(set_id: str, sets: ComparisonSets, evidence: pd.DataFrame) -> pd.DataFrame:
    """Return the evidence rows standing in a set, each treatment arm or published contrast first, then the control
    arms, with a `role` column ('treatment' or 'control')."""
    members = sets.members[sets.members["set_id"] == set_id]
    order: dict[str, str] = {}
    for col, role in (("row_ids", "treatment"), ("control_row_ids", "control")):
        for cell in members[col]:
            for rid in split_ids(cell):
                order.setdefault(rid, role)
    rows = evidence[evidence["row_id"].isin(order)].copy()
    rows["role"] = rows["row_id"].map(order)
    rank = {rid: i for i, rid in enumerate(order)}
    return rows.assign(_o=rows["row_id"].map(rank)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


def default_figures(figures: pd.DataFrame, limit: int = 3) -> list[str]:
    """Return the figures a reveal shows by default: those sharing the first one's outcome, time point and unit (a
    step's figures answer one question at one time point), treatment arms first and then their control arms, at most
    `limit`."""
    if figures.empty:
        return []
    first = figures.iloc[0]
    time = figures["time_hours"]
    same_time = time.isna() if pd.isna(first["time_hours"]) else time == first["time_hours"]
    same = figures[(figures["outcome"] == first["outcome"]) & (figures["unit"] == first["unit"]) & same_time]
    return list(same["row_id"].head(limit))


def figure_label(row) -> str:
    """Return a figure as a lecturer picks it: 'row_id · study · group · outcome (time): value unit'."""
    time = f" ({row['time_reported']})" if isinstance(row.get("time_reported"), str) else ""
    study = row.get("study") or row.get("source_id")
    return (f"{row['row_id']} · {study} · {row['treatment_group']} · {row['outcome_label']}{time}: "
            f"{row['value']:g} {row['unit']}")


def suggested_answer(figures: pd.DataFrame) -> dict[str, str]:
    """Return the answer columns that fit these figures: a number question in their unit, on a range that holds them
    (0 to 100 for percentages), or a choice question when their unit is not one a class answers in."""
    if figures.empty or figures["unit"].iloc[0] not in UNIT_MATCHES:
        return {"answer_type": "choice"}
    unit = figures["unit"].iloc[0]
    top = float(figures["value"].max())
    high = 100 if unit == "%" else max(10, math.ceil(top * 1.5 / 10) * 10)
    low = 0 if figures["value"].min() >= 0 else math.floor(float(figures["value"].min()) * 1.5)
    return {"answer_type": "number", "answer_min": str(low), "answer_max": str(high), "answer_step": "1",
            "answer_unit": unit}


def make_step(step: int, title: str, question: str, view: str, reveal_rows, answer_label: str, answer_type: str,
              after_reveal: str = "", answer_min=None, answer_max=None, answer_step=None, answer_unit: str = "",
              choices=(), evidence_choice: str = "", evidence_reason: str = "") -> dict[str, str]:
    """Return one step as the sequence file holds it (every cell as text; empty cells as '')."""
    rows = reveal_rows if isinstance(reveal_rows, str) else ";".join(reveal_rows)
    number = answer_type == "number"
    return {
        "step": str(int(step)), "title": (title or "").strip(), "question": (question or "").strip(),
        "view": view, "after_reveal": (after_reveal or "").strip(), "answer_label": (answer_label or "").strip(),
        "answer_type": answer_type,
        "answer_min": _text(answer_min) if number else "", "answer_max": _text(answer_max) if number else "",
        "answer_step": _text(answer_step) if number else "", "answer_unit": answer_unit if number else "",
        "answer_choices": "" if number else CHOICE_SEPARATOR.join(c.strip() for c in choices if c.strip()),
        "reveal_rows": ";".join(split_rows(rows)),
        "evidence_choice": "" if number else (evidence_choice or "").strip(),
        "evidence_reason": "" if number else (evidence_reason or "").strip(),
    }


def renumbered(steps: list[dict]) -> list[dict]:
    """Return the steps numbered 1, 2, 3 … in their order."""
    return [{**s, "step": str(i)} for i, s in enumerate(steps, start=1)]


def to_frame(steps: list[dict]) -> pd.DataFrame:
    """Return the steps as the sequence file's table (numbers as numbers, so a negative one is not taken for a
    formula)."""
    frame = pd.DataFrame([{c: s.get(c, "") for c in SEQUENCE_COLUMNS} for s in steps], columns=list(SEQUENCE_COLUMNS))
    for col in ("step", *NUMBER_COLUMNS):
        frame[col] = pd.to_numeric(frame[col].replace("", pd.NA), errors="coerce")
    frame["step"] = frame["step"].astype("Int64")
    return frame


def to_csv(steps: list[dict]) -> bytes:
    """Return the steps as a CSV file (UTF-8 with a byte-order mark, so a spreadsheet reads it as UTF-8), its text
    cells safe to open in a spreadsheet."""
    frame = spreadsheet_safe(to_frame(steps))
    for col in NUMBER_COLUMNS:
        frame[col] = frame[col].map(_text)
    return frame.to_csv(index=False).encode("utf-8-sig")


def load(raw: bytes, evidence: pd.DataFrame, name: str = FILE_NAME) -> pd.DataFrame:
    """Return a sequence file's steps after the teaching sequence's own checks; raise DataValidationError naming every
    problem by line and column (a file over MAX_UPLOAD_BYTES is refused whole)."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise DataValidationError([Problem(name, None, None, None, None,
                                           f"the file is {len(raw) // 1000} KB; a sequence file is at most "
                                           f"{MAX_UPLOAD_BYTES // 1000} KB")])
    return parse_sequence(raw, name, evidence)


def steps_of(seq: pd.DataFrame) -> list[dict]:
    """Return a loaded sequence as steps (every cell as text), in step order."""
    return [{c: _text(r.get(c)) for c in SEQUENCE_COLUMNS} for r in seq.to_dict("records")]


def check_step(step: dict, evidence: pd.DataFrame) -> list[Problem]:
    """Return the problems of one step on its own (the sequence file's rules; its line is 2)."""
    try:
        parse_sequence(to_csv([step]), "new step", evidence)
    except DataValidationError as err:
        return err.problems
    return []


def text_of(steps: list[dict]) -> str:
    """Return the steps as the CSV text kept with a class (the same bytes `to_csv` downloads, decoded)."""
    return to_csv(steps).decode("utf-8-sig")


__all__ = ["FIGURES_VIEW", "MAX_UPLOAD_BYTES", "check_step", "default_figures", "figure_label", "load", "make_step",
           "renumbered", "set_figures", "set_menu", "set_view", "sof_menu", "steps_of", "suggested_answer", "text_of",
           "to_csv", "to_frame"]
