"""Uploads for the tests that check large files: copies of one real curated row, small enough that the 20,000-row
maximum fits under the 5 MB limit. Shared by the app tier (progress on the page) and the unit tier (the check)."""

import pandas as pd

from ketamine_evidence.data import DATA_DIR


def upload_of(n_rows: int, bad_every: int | None = None) -> bytes:
    """An upload of n_rows copies of a real curated row, its free text shortened so 20,000 rows fit under 5 MB;
    with `bad_every`, every such row's value is text (a refusal the check must name)."""
    base = pd.read_csv(DATA_DIR / "evidence.csv", dtype=str, keep_default_na=False)
    row = base[base["row_id"] == "diamond2014-3"].iloc[0].to_dict()
    row.update(outcome_label="Resp 6h", outcome_definition="patients responding", treatment="ketamine IV",
               certainty_reason="open case series", caveats="", read_at_url="https://e.org/d", time_reported="6 h",
               population="major depression", control_type="none (uncontrolled)")
    rows = pd.DataFrame([row] * n_rows)
    rows["row_id"] = [f"u{i}" for i in range(n_rows)]
    if bad_every:
        rows.loc[rows.index[::bad_every], "value"] = "forty"
    return rows.to_csv(index=False).encode()
