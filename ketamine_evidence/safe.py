"""Make tables safe to open in a spreadsheet.

A text cell that starts with = + - @, a tab or a carriage return can be run as a formula
by Excel, LibreOffice or Google Sheets (OWASP "CSV injection"). Such cells get a leading
apostrophe. Real numbers, negative ones included, are left alone: only text is touched.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return a cell value that a spreadsheet will show as text rather than evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of df whose text cells cannot run as spreadsheet formulas (numbers unchanged)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out
