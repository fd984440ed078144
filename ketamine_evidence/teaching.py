"""The teaching sequence presenter mode follows: a data file a teacher can edit. No Streamlit."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .data import DATA_DIR, DataValidationError, Problem, parse_table
from .views import REGISTRY

SEQUENCE_COLUMNS = ("step", "title", "question", "view", "after_reveal")


def read_sequence(path: Path = DATA_DIR / "teaching_sequence.csv") -> pd.DataFrame:
    """Return the steps in order; raise DataValidationError naming any unknown view or missing text."""
    seq, problems = parse_table(path.read_bytes(), path.name, SEQUENCE_COLUMNS)
    missing = [c for c in SEQUENCE_COLUMNS if c not in seq.columns]
    problems += [Problem(path.name, 1, None, c, None, "this required column is missing") for c in missing]
    if not missing:
        for i, r in seq.iterrows():
            for col in ("title", "question", "view"):
                if not isinstance(r[col], str) or not r[col].strip():
                    problems.append(Problem(path.name, int(i) + 2, str(r["step"]), col, None, "is empty but required"))
            if isinstance(r["view"], str) and r["view"] not in REGISTRY:
                problems.append(Problem(path.name, int(i) + 2, str(r["step"]), "view", r["view"],
                                        "is not a known view; use one of: " + ", ".join(REGISTRY)))
    if problems:
        raise DataValidationError(problems)
    return seq.sort_values("step").reset_index(drop=True)
