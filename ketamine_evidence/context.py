"""How each treatment is given (route, setting, frequency, licence, monitoring), each statement with its source. No Streamlit."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import vocab
from .data import DATA_DIR, URL_PATTERN, DataValidationError, parse_table, validate_model

COLUMNS = ("context_id", "treatment_group", "aspect", "statement", "source_citation", "source_id_type", "source_id",
           "read_at_url", "date_read")
ASPECTS = ("route", "setting", "frequency", "licensed status", "monitoring")


class ContextModel(pa.DataFrameModel):
    context_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9-]+$")
    treatment_group: Series[str] = pa.Field(isin=vocab.TREATMENT_GROUPS)
    aspect: Series[str] = pa.Field(isin=ASPECTS)
    statement: Series[str] = pa.Field(str_length={"min_value": 10, "max_value": 240})
    source_citation: Series[str] = pa.Field(str_length={"min_value": 5})
    source_id_type: Series[str] = pa.Field(isin=("doi", "pmid", "official record"))
    source_id: Series[str] = pa.Field(str_length={"min_value": 3})
    read_at_url: Series[str] = pa.Field(str_matches=URL_PATTERN)
    date_read: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$")

    class Config:
        strict = True


@lru_cache(maxsize=2)
def read_context(path: Path = DATA_DIR / "context.csv") -> pd.DataFrame:
    """Return the context statements ordered by treatment group and aspect; raise DataValidationError naming bad cells."""
    df, problems = parse_table(path.read_bytes(), path.name, COLUMNS)
    if not problems:
        problems = validate_model(df, ContextModel, path.name)
    if problems:
        raise DataValidationError(problems)
    order = {g: i for i, g in enumerate(vocab.TREATMENT_GROUPS)}
    return df.sort_values(["treatment_group", "aspect"], key=lambda s: s.map(order) if s.name == "treatment_group" else s)
