"""The glossary: plain and expert definitions of the terms the dashboard uses. No Streamlit."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from .data import DATA_DIR, DataValidationError, Problem, parse_table

COLUMNS = ("term", "plain", "expert")


@lru_cache(maxsize=2)
def read_glossary(path: Path = DATA_DIR / "glossary.csv") -> pd.DataFrame:
    """Return the glossary sorted by term; raise DataValidationError for a missing definition or a repeated term."""
    df, problems = parse_table(path.read_bytes(), path.name, COLUMNS)
    for i, r in df.iterrows():
        for col in COLUMNS:
            if not isinstance(r.get(col), str):
                problems.append(Problem(path.name, int(i) + 2, r.get("term"), col, None, "is empty but required"))
    dup = df["term"].str.lower().duplicated(keep="first")
    problems += [Problem(path.name, int(i) + 2, df.at[i, "term"], "term", df.at[i, "term"], "is repeated")
                 for i in df.index[dup]]
    if problems:
        raise DataValidationError(problems)
    return df.sort_values("term", key=lambda s: s.str.lower()).reset_index(drop=True)


def define(term: str, plain: bool = False) -> str:
    """Return a term's definition (plain or expert wording), or an empty string if the glossary lacks it."""
    g = read_glossary()
    hit = g[g["term"].str.lower() == term.lower()]
    if hit.empty:
        return ""
    return hit.iloc[0]["plain" if plain else "expert"]
