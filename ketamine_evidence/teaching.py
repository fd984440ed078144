"""The teaching sequence presenter mode follows: a data file a teacher can edit, or build in presenter mode. No
Streamlit.

Each step asks the room a question; `answer_label` says in a few words what a student's answer is. Its answer columns
say how a class answers it on their phones: a number (`answer_type` "number", with `answer_min`, `answer_max`,
`answer_step` and `answer_unit`) or one of a few choices (`answer_type` "choice", `answer_choices` separated by
" | "). `reveal_rows` names the evidence rows (row ids separated by ";") that the reveal draws beside the class's
answers. `view` is what the reveal shows beside them: a view's name (`views.REGISTRY`, or `after_stopping`, the table
of what happens once treatment stops), `set:<set_id>` for any comparison set, or `figures` for the revealed figures
alone.

The rules, each refused by line and column (`read_sequence`, `parse_sequence`):
- a number question's range contains every figure it reveals, in the same unit;
- a choice question names the option the evidence supports (`evidence_choice`, exactly one of its choices) with a
  short `evidence_reason`; a number question leaves both empty (the revealed figures are its answer);
- a question asks one thing: at most one question mark, and no second question joined on (a sentence that starts
  with "And", "Also" or "Or", or "and"/"or" followed by how, what, which, when, where or why);
- a step's figures answer its own question at its own time point: every figure it reveals has the same outcome,
  time point and unit;
- every number written in a step's text (title, question, answer label, choices, reason, discussion) comes from the
  figures it reveals: a value, interval, n or time point of one of them, or a number in its wording (a definition, a
  caveat, its source's year); "100" is allowed as "per 100". A number written straight after a letter or hyphen
  (TRANSFORM-2) is part of a name and not checked.
A spreadsheet-safe copy (a text cell starting with = + - @ given a leading apostrophe, as `safe.py` writes it) loads
back as it was written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection

import pandas as pd

from .data import DATA_DIR, DataValidationError, Problem, parse_table
from .safe import FORMULA_STARTS
from .views import REGISTRY, View, comparison, durability_after_stopping

SEQUENCE_COLUMNS = ("step", "title", "question", "view", "after_reveal", "answer_label", "answer_type", "answer_min",
                    "answer_max", "answer_step", "answer_unit", "answer_choices", "reveal_rows", "evidence_choice",
                    "evidence_reason")
TEXT_COLUMNS = ("title", "question", "view", "after_reveal", "answer_label", "answer_type", "answer_unit",
                "answer_choices", "reveal_rows", "evidence_choice", "evidence_reason")
ANSWER_TYPES = ("number", "choice")
CHOICE_SEPARATOR = " | "
MAX_CHOICES = 6
MAX_REVEAL_ROWS = 3  # a projector slide at 1366x768 shows the class's answers and this many figures whole
MAX_CHOICE_CHARS = 60
MAX_STEPS = 30
# Long enough for a sentence or two; a slide shows them whole at projector size.
MAX_CHARS = {"title": 80, "question": 300, "answer_label": 120, "after_reveal": 600, "evidence_reason": 400}
# An answer's unit and the evidence units a reveal may show on the same axis.
UNIT_MATCHES = {"%": {"%"}, "days": {"days"}, "hours": {"hours"}, "percentage points": {"percentage points"}}
FIGURES_VIEW = "figures"  # the reveal shows the step's figures alone
# Views a step may show that are tables, not charts, so they are not in views.REGISTRY (which the briefing draws).
TABLE_VIEWS: dict[str, Callable[[pd.DataFrame], View]] = {"after_stopping": durability_after_stopping}
SET_PREFIX = "set:"  # a comparison set by id: set:harm-sexual

# Numbers a teacher writes (not straight after a letter, digit, hyphen or point: "TRANSFORM-2" is a name) ...
_WRITTEN_NUMBER = re.compile(r"(?<![A-Za-z0-9_.\-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
# ... and every number in an evidence row's wording ("range 25-168 days", "han2016").
_ANY_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ROW_NUMBERS = ("value", "ci_low", "ci_high", "ci_level", "n", "n_studies", "time_value", "time_hours")
_ROW_WORDS = ("row_id", "source_id", "outcome_label", "outcome_definition", "time_reported", "caveats", "population",
              "treatment", "regimen", "scale")
CHECKED_TEXT = ("title", "question", "answer_label", "answer_choices", "evidence_reason", "after_reveal")
# A second question joined onto the first: "… ? And on ketamine …", "…, and for which question?"
_SECOND_QUESTION = re.compile(
    r"[.!?]\s+(?:and|also|or)\b|\b(?:and|or)\s+(?:(?:for|in|at|by|on|to|from|with|of)\s+)?"
    r"(?:how|what|which|when|where|why)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    """How the class answers one step: a number in [lo, hi] on a grid of `step`, or one of `choices`; for a choice,
    `answer` is the option the evidence supports and `reason` says why."""

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
    answer: str = ""
    reason: str = ""

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


def split_choices(text) -> tuple[str, ...]:
    """Return a step's choices from its `answer_choices` cell."""
    return _split(text, CHOICE_SEPARATOR)


def split_rows(text) -> tuple[str, ...]:
    """Return a step's revealed row ids from its `reveal_rows` cell."""
    return _split(text, ";")


def known_sets() -> tuple[str, ...]:
    """Return the ids of the curated comparison sets (read from data/comparison_sets.csv, not validated here)."""
    return tuple(pd.read_csv(DATA_DIR / "comparison_sets.csv", usecols=["set_id"], dtype=str)["set_id"])


def two_part(question: str) -> str | None:
    """Return why a question asks more than one thing, or None when it asks one."""
    if question.count("?") > 1:
        return "asks more than one question (it has more than one question mark); ask one thing per step"
    m = _SECOND_QUESTION.search(question)
    if m:
        return f"asks a second question ('{m.group(0).strip(' .!?')} …'); ask one thing per step"
    return None


def written_numbers(text: str) -> list[str]:
    """Return the numbers a teacher wrote in a text, as written ('3.4', '1,344'), leaving out names (TRANSFORM-2)."""
    return [whole + (frac or "") for whole, frac in _WRITTEN_NUMBER.findall(text or "")]


def _row_numbers(rows: pd.DataFrame) -> list[float]:
    out: list[float] = []
    for col in _ROW_NUMBERS:
        if col in rows:
            out += [float(v) for v in pd.to_numeric(rows[col], errors="coerce").dropna()]
    for col in _ROW_WORDS:
        if col in rows:
            for text in rows[col].dropna().astype(str):
                out += [float(x) for x in _ANY_NUMBER.findall(text)]
    return out


def _from_rows(written: str, figures: list[float]) -> bool:
    """Whether a written number is one of the figures, as written or rounded to its written decimals."""
    number = written.replace(",", "")
    decimals = len(number.split(".")[1]) if "." in number else 0
    return float(number) == 100 or any(f"{f:.{decimals}f}" == f"{float(number):.{decimals}f}" for f in figures)


def _unspreadsheet(value):
    """Undo safe.py's guard: a text cell written as "'=…" loads back as "=…"."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def read_sequence(path: Path = DATA_DIR / "teaching_sequence.csv", evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the steps in order; raise DataValidationError naming every unknown view, missing text or bad answer.

    With `evidence` (the curated rows), each step's `reveal_rows` must exist there, a number question's range and unit
    must fit every figure it reveals, and every number in its text must come from those figures.
    """
    return parse_sequence(path.read_bytes(), path.name, evidence)


def parse_sequence(raw: bytes, name: str, evidence: pd.DataFrame | None = None,
                   set_ids: Collection[str] | None = None) -> pd.DataFrame:
    """Return the steps of a sequence file's bytes in order; raise DataValidationError listing every problem by line
    and column (the same rules as read_sequence; `set_ids` are the comparison sets a `set:` view may name)."""
    seq, problems = parse_table(raw, name, SEQUENCE_COLUMNS)
    missing = [c for c in SEQUENCE_COLUMNS if c not in seq.columns]
    problems += [Problem(name, 1, None, c, None, "this required column is missing") for c in missing]
    problems += [Problem(name, 1, None, c, None, "is not a column of a teaching sequence; the columns are: "
                         + ", ".join(SEQUENCE_COLUMNS)) for c in seq.columns if c not in SEQUENCE_COLUMNS]
    if not missing and len(seq) > MAX_STEPS:
        problems.append(Problem(name, MAX_STEPS + 2, None, "step", None,
                                f"the sequence has {len(seq)} steps; at most {MAX_STEPS} are allowed"))
    if not missing and len(seq) == 0:
        problems.append(Problem(name, None, None, None, None, "the sequence has no steps"))
    if not missing and len(seq):
        for col in TEXT_COLUMNS:
            seq[col] = seq[col].map(_unspreadsheet)
        steps = pd.to_numeric(seq["step"], errors="coerce")
        for i in seq.index[steps.isna() | (steps % 1 != 0) | (steps < 1)]:
            problems.append(Problem(name, int(i) + 2, str(seq.at[i, "step"]), "step", str(seq.at[i, "step"]),
                                    "must be a whole number from 1"))
        for i in seq.index[steps.duplicated(keep="first") & steps.notna()]:
            problems.append(Problem(name, int(i) + 2, str(seq.at[i, "step"]), "step", str(seq.at[i, "step"]),
                                    "is used by an earlier step too"))
        seq["step"] = steps.where((steps % 1 == 0) & (steps >= 1)).astype("Int64")
        for col in ("answer_min", "answer_max", "answer_step"):
            num = pd.to_numeric(seq[col], errors="coerce")
            for i in seq.index[seq[col].notna() & num.isna()]:
                problems.append(Problem(name, int(i) + 2, str(seq.at[i, "step"]), col, str(seq.at[i, col]),
                                        "must be a number"))
            seq[col] = num.astype("float64")
        sets = set(known_sets() if set_ids is None else set_ids)
        for i, r in seq.iterrows():
            problems += step_problems(r, name, int(i) + 2, evidence, sets)
    if problems:
        raise DataValidationError(problems)
    return seq.sort_values("step").reset_index(drop=True)


def step_problems(r: pd.Series, name: str, line: int, evidence: pd.DataFrame | None,
                  sets: Collection[str]) -> list[Problem]:
    """Return every problem of one step (a row of a sequence file at `line`)."""
    key = str(r["step"])
    out: list[Problem] = []

    def bad(col: str, value, message: str) -> None:
        out.append(Problem(name, line, key, col, None if value is None else str(value), message))

    for col in ("title", "question", "view", "answer_label", "answer_type"):
        if not isinstance(r[col], str) or not r[col].strip():
            bad(col, None, "is empty but required")
    for col, limit in MAX_CHARS.items():
        if isinstance(r[col], str) and len(r[col]) > limit:
            bad(col, r[col][:40] + "…", f"is {len(r[col])} characters long; at most {limit} fit a slide")
    view = r["view"]
    if isinstance(view, str) and not (view in REGISTRY or view in TABLE_VIEWS or view == FIGURES_VIEW
                                      or view.startswith(SET_PREFIX)):
        bad("view", view, f"is not a known view; use '{FIGURES_VIEW}', '{SET_PREFIX}' and a comparison set's id, or "
            "one of: " + ", ".join([*REGISTRY, *TABLE_VIEWS]))
    elif isinstance(view, str) and view.startswith(SET_PREFIX) and view[len(SET_PREFIX):] not in sets:
        bad("view", view, "names no comparison set; the sets are: " + ", ".join(sorted(sets)))
    if isinstance(r["question"], str):
        why = two_part(r["question"])
        if why:
            bad("question", r["question"], why)
    _answer_problems(r, bad)
    rows = split_rows(r["reveal_rows"])
    if view == FIGURES_VIEW and not rows:
        bad("reveal_rows", None, f"is empty, but the view '{FIGURES_VIEW}' shows the figures it names")
    if evidence is not None:
        _evidence_problems(r, rows, evidence, bad)
    return out


def _answer_problems(r: pd.Series, bad) -> None:
    kind = r["answer_type"]
    if isinstance(kind, str) and kind not in ANSWER_TYPES:
        bad("answer_type", kind, "must be one of: " + ", ".join(ANSWER_TYPES))
    lo, hi, inc = r["answer_min"], r["answer_max"], r["answer_step"]
    choices = split_choices(r["answer_choices"])
    rows = split_rows(r["reveal_rows"])
    if len(rows) > MAX_REVEAL_ROWS:
        bad("reveal_rows", r["reveal_rows"], f"lists more than {MAX_REVEAL_ROWS} figures, more than a projector "
            "slide shows beside the class's answers; the step's chart shows the rest")
    if len(set(rows)) != len(rows):
        bad("reveal_rows", r["reveal_rows"], "names the same figure twice")
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
        if not rows:
            bad("reveal_rows", None, "is empty but a number question must reveal at least one figure")
        for col in ("evidence_choice", "evidence_reason"):
            if isinstance(r[col], str):
                bad(col, r[col], "must be empty for a number question: the figures it reveals are its answer")
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
        if isinstance(r["answer_unit"], str):
            bad("answer_unit", r["answer_unit"], "must be empty for a choice question")
        picked = r["evidence_choice"]
        if not isinstance(picked, str):
            bad("evidence_choice", None, "is empty, but a choice question names the option the evidence supports "
                "(exactly one of its choices)")
        elif choices and picked not in choices:
            bad("evidence_choice", picked, "is not one of the step's choices (" + "; ".join(choices) + ")")
        if not isinstance(r["evidence_reason"], str):
            bad("evidence_reason", None, "is empty, but a choice question says in a sentence why the evidence "
                "supports its option")


def _evidence_problems(r: pd.Series, rows: tuple[str, ...], evidence: pd.DataFrame, bad) -> None:
    by_id = evidence.set_index("row_id")
    found = [rid for rid in rows if rid in by_id.index]
    for rid in rows:
        if rid not in by_id.index:
            bad("reveal_rows", rid, "is not a row of the evidence data")
    figs = by_id.loc[found]
    if len(figs) > 1:
        for col, what in (("outcome", "outcomes"), ("time_hours", "time points"), ("unit", "units")):
            if figs[col].astype(str).nunique(dropna=False) > 1:
                said = (figs["time_reported"] if col == "time_hours" else figs[col]).fillna("no time point")
                bad("reveal_rows", r["reveal_rows"], f"reveals figures with different {what} "
                    f"({'; '.join(dict.fromkeys(said.astype(str)))}): a step's figures answer its own question at "
                    "its own time point")
    kind, unit, lo, hi = r["answer_type"], r["answer_unit"], r["answer_min"], r["answer_max"]
    if kind == "number" and unit in UNIT_MATCHES and not (pd.isna(lo) or pd.isna(hi)):
        for rid in found:
            fig = by_id.loc[rid]
            if fig["unit"] not in UNIT_MATCHES[unit]:
                bad("reveal_rows", rid, f"is in {fig['unit']}, but the answer is in {unit}")
            elif not lo <= fig["value"] <= hi:
                bad("answer_min" if fig["value"] < lo else "answer_max", lo if fig["value"] < lo else hi,
                    f"leaves out the revealed figure {rid} ({_num(fig['value'])} {fig['unit']}): the answer range "
                    "must contain every figure the reveal shows")
    figures = _row_numbers(figs.reset_index())
    for col in CHECKED_TEXT:
        for written in dict.fromkeys(written_numbers(r[col] if isinstance(r[col], str) else "")):
            if not _from_rows(written, figures):
                bad(col, written, "is a number that none of the step's revealed figures (reveal_rows) holds: every "
                    "number in a step's text comes from the figures it reveals")


def questions(seq: pd.DataFrame) -> dict[int, Question]:
    """Return each step's Question, keyed by step number (the sequence must have passed read_sequence)."""
    out = {}
    for _, r in seq.iterrows():
        number = r["answer_type"] == "number"
        out[int(r["step"])] = Question(
            step=int(r["step"]), title=r["title"], text=r["question"], label=r["answer_label"], kind=r["answer_type"],
            lo=float(r["answer_min"]) if number else None, hi=float(r["answer_max"]) if number else None,
            increment=float(r["answer_step"]) if number else None, unit=r["answer_unit"] if number else "",
            choices=() if number else split_choices(r["answer_choices"]),
            reveal_rows=split_rows(r["reveal_rows"]),
            answer="" if number or not isinstance(r.get("evidence_choice"), str) else r["evidence_choice"],
            reason="" if number or not isinstance(r.get("evidence_reason"), str) else r["evidence_reason"])
    return out


_SET_VIEWS: dict[str, Callable[[pd.DataFrame], View]] = {}


def view_function(name: str) -> Callable[[pd.DataFrame], View] | None:
    """Return the function making a step's view (a named view, a table view or any comparison set), or None for
    `figures` (the step shows its revealed figures alone)."""
    if name == FIGURES_VIEW:
        return None
    if name.startswith(SET_PREFIX):
        set_id = name[len(SET_PREFIX):]
        if set_id not in _SET_VIEWS:
            def fn(df: pd.DataFrame, set_id=set_id) -> View:
                return comparison(df, set_id, compact=True)
            fn.__name__ = f"set_view_{set_id}"  # the view cache keys on the function's name
            fn.__doc__ = f"The comparison set {set_id}, as a compact forest plot with its sentence."
            _SET_VIEWS[set_id] = fn
        return _SET_VIEWS[set_id]
    return TABLE_VIEWS.get(name) or REGISTRY[name]
