"""The teaching sequence presenter mode follows: a data file a teacher can edit. No Streamlit.

Each step asks the room a question; `answer_label` says in a few words what a student's answer is. Its answer columns say how a class answers it on their phones: a number
(`answer_type` "number", with `answer_min`, `answer_max`, `answer_step` and `answer_unit`) or one of a few
choices (`answer_type` "choice", `answer_choices` separated by " | "). `reveal_rows` names the evidence rows
(row ids separated by ";") that the reveal draws beside the class's answers. A number question's range must
contain every figure it reveals, in the same unit, or the file is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .data import DATA_DIR, DataValidationError, Problem, parse_table
from .views import REGISTRY

SEQUENCE_COLUMNS = ("step", "title", "question", "view", "after_reveal", "answer_label", "answer_type", "answer_min", "answer_max",
                    "answer_step", "answer_unit", "answer_choices", "reveal_rows")
ANSWER_TYPES = ("number", "choice")
CHOICE_SEPARATOR = " | "
MAX_CHOICES = 6
MAX_REVEAL_ROWS = 3  # a projector slide at 1366x768 shows the class's answers and this many figures whole
MAX_CHOICE_CHARS = 60
# An answer's unit and the evidence units a reveal may show on the same axis.
UNIT_MATCHES = {"%": {"%"}, "days": {"days"}, "hours": {"hours"}, "percentage points": {"percentage points"}}


@dataclass(frozen=True)
class Question:
    """How the class answers one step: a number in [lo, hi] on a grid of `step`, or one of `choices`."""

    step: int
    title: str
    text: str
    label: str
    kind: str
    lo: float | None = None
    hi: float | None = None
    increment: float | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    reveal_rows: tuple[str, ...] = ()

    def describe(self) -> str:
        """Return what a valid answer looks like, in words."""
        if self.kind == "number":
            return f"a number from {_num(self.lo)} to {_num(self.hi)} {self.unit}".rstrip()
        return "one of: " + "; ".join(self.choices)

    def check(self, raw) -> float | str:
        """Return the answer as stored (a float or a choice); raise ValueError with a plain sentence if invalid."""
        if self.kind == "choice":
            if isinstance(raw, str) and raw in self.choices:
                return raw
            raise ValueError(f"That is not one of this question's choices; the answer must be {self.describe()}.")
        if isinstance(raw, bool):
            raise ValueError(f"The answer must be {self.describe()}.")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"The answer must be {self.describe()}.") from None
        if not math.isfinite(value) or value < self.lo or value > self.hi:
            raise ValueError(f"The answer must be {self.describe()}.")
        units = (value - self.lo) / self.increment
        if abs(units - round(units)) > 1e-6:
            raise ValueError(f"The answer must be {self.describe()}, in steps of {_num(self.increment)}.")
        return round(self.lo + round(units) * self.increment, 9)


def _num(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if float(x).is_integer() else f"{x:g}")


def _split(text, sep: str) -> tuple[str, ...]:
    if not isinstance(text, str):
        return ()
    return tuple(part.strip() for part in text.split(sep.strip()) if part.strip())


def read_sequence(path: Path = DATA_DIR / "teaching_sequence.csv", evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the steps in order; raise DataValidationError naming every unknown view, missing text or bad answer.

    With `evidence` (the curated rows), each step's `reveal_rows` must exist there and a number question's range
    and unit must fit every figure it reveals.
    """
    seq, problems = parse_table(path.read_bytes(), path.name, SEQUENCE_COLUMNS)
    missing = [c for c in SEQUENCE_COLUMNS if c not in seq.columns]
    problems += [Problem(path.name, 1, None, c, None, "this required column is missing") for c in missing]
    if not missing:
        steps = pd.to_numeric(seq["step"], errors="coerce")
        for i in seq.index[steps.isna() | (steps % 1 != 0)]:
            problems.append(Problem(path.name, int(i) + 2, str(seq.at[i, "step"]), "step", str(seq.at[i, "step"]),
                                    "must be a whole number"))
        for i in seq.index[steps.duplicated(keep="first") & steps.notna()]:
            problems.append(Problem(path.name, int(i) + 2, str(seq.at[i, "step"]), "step", str(seq.at[i, "step"]),
                                    "is used by an earlier step too"))
        seq["step"] = steps.where(steps % 1 == 0).astype("Int64")
        for col in ("answer_min", "answer_max", "answer_step"):
            num = pd.to_numeric(seq[col], errors="coerce")
            for i in seq.index[seq[col].notna() & num.isna()]:
                problems.append(Problem(path.name, int(i) + 2, str(seq.at[i, "step"]), col, str(seq.at[i, col]),
                                        "must be a number"))
            seq[col] = num.astype("float64")
        for i, r in seq.iterrows():
            line, key = int(i) + 2, str(r["step"])
            for col in ("title", "question", "view", "answer_label", "answer_type"):
                if not isinstance(r[col], str) or not r[col].strip():
                    problems.append(Problem(path.name, line, key, col, None, "is empty but required"))
            if isinstance(r["view"], str) and r["view"] not in REGISTRY:
                problems.append(Problem(path.name, line, key, "view", r["view"],
                                        "is not a known view; use one of: " + ", ".join(REGISTRY)))
            problems += _answer_problems(r, path.name, line, key, evidence)
    if problems:
        raise DataValidationError(problems)
    return seq.sort_values("step").reset_index(drop=True)


def _answer_problems(r: pd.Series, name: str, line: int, key: str, evidence: pd.DataFrame | None) -> list[Problem]:
    out: list[Problem] = []

    def bad(col: str, value, message: str) -> None:
        out.append(Problem(name, line, key, col, None if value is None else str(value), message))

    kind = r["answer_type"]
    if isinstance(kind, str) and kind not in ANSWER_TYPES:
        bad("answer_type", kind, "must be one of: " + ", ".join(ANSWER_TYPES))
    lo, hi, inc = r["answer_min"], r["answer_max"], r["answer_step"]
    choices = _split(r["answer_choices"], CHOICE_SEPARATOR)
    if kind == "number":
        for col, v in (("answer_min", lo), ("answer_max", hi), ("answer_step", inc)):
            if pd.isna(v):
                bad(col, None, "is empty but a number question needs it")
        if not isinstance(r["answer_unit"], str):
            bad("answer_unit", None, "is empty but a number question needs it")
        elif r["answer_unit"] not in UNIT_MATCHES:
            bad("answer_unit", r["answer_unit"], "must be one of: " + ", ".join(UNIT_MATCHES))
        if not (pd.isna(lo) or pd.isna(hi)) and lo >= hi:
            bad("answer_max", hi, f"must be greater than answer_min ({_num(lo)})")
        if not pd.isna(inc) and inc <= 0:
            bad("answer_step", inc, "must be greater than 0")
        if not (pd.isna(lo) or pd.isna(hi) or pd.isna(inc)) and inc > 0 and hi > lo and (hi - lo) / inc > 10_000:
            bad("answer_step", inc, "gives more than 10,000 possible answers; use a larger step")
        if choices:
            bad("answer_choices", r["answer_choices"], "must be empty for a number question")
        if not _split(r["reveal_rows"], ";"):
            bad("reveal_rows", None, "is empty but a number question must reveal at least one figure")
    if len(_split(r["reveal_rows"], ";")) > MAX_REVEAL_ROWS:
        bad("reveal_rows", r["reveal_rows"], f"lists more than {MAX_REVEAL_ROWS} figures, more than a projector "
            "slide shows beside the class's answers; the step's chart shows the rest")
    elif kind == "choice":
        if not 2 <= len(choices) <= MAX_CHOICES:
            bad("answer_choices", r["answer_choices"], f"must list 2 to {MAX_CHOICES} choices separated by ' | '")
        if len(set(choices)) != len(choices):
            bad("answer_choices", r["answer_choices"], "lists the same choice twice")
        if any(len(c) > MAX_CHOICE_CHARS for c in choices):
            bad("answer_choices", r["answer_choices"], f"has a choice longer than {MAX_CHOICE_CHARS} characters")
        for col in ("answer_min", "answer_max", "answer_step"):
            if not pd.isna(r[col]):
                bad(col, r[col], "must be empty for a choice question")
    if evidence is not None:
        by_id = evidence.set_index("row_id")
        for rid in _split(r["reveal_rows"], ";"):
            if rid not in by_id.index:
                bad("reveal_rows", rid, "is not a row of the evidence data")
                continue
            if kind != "number" or r["answer_unit"] not in UNIT_MATCHES or pd.isna(lo) or pd.isna(hi):
                continue
            fig = by_id.loc[rid]
            if fig["unit"] not in UNIT_MATCHES[r["answer_unit"]]:
                bad("reveal_rows", rid, f"is in {fig['unit']}, but the answer is in {r['answer_unit']}")
            elif not lo <= fig["value"] <= hi:
                bad("answer_min" if fig["value"] < lo else "answer_max", lo if fig["value"] < lo else hi,
                    f"leaves out the revealed figure {rid} ({_num(fig['value'])} {fig['unit']}): the answer range "
                    "must contain every figure the reveal shows")
    return out


def questions(seq: pd.DataFrame) -> dict[int, Question]:
    """Return each step's Question, keyed by step number (the sequence must have passed read_sequence)."""
    out = {}
    for _, r in seq.iterrows():
        number = r["answer_type"] == "number"
        out[int(r["step"])] = Question(
            step=int(r["step"]), title=r["title"], text=r["question"], label=r["answer_label"], kind=r["answer_type"],
            lo=float(r["answer_min"]) if number else None, hi=float(r["answer_max"]) if number else None,
            increment=float(r["answer_step"]) if number else None, unit=r["answer_unit"] if number else "",
            choices=() if number else _split(r["answer_choices"], CHOICE_SEPARATOR),
            reveal_rows=_split(r["reveal_rows"], ";"))
    return out
