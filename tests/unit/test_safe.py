"""Downloads must not carry live spreadsheet formulas (OWASP CSV injection), and must keep real numbers."""

import pandas as pd

from ketamine_evidence.safe import spreadsheet_safe


def test_formula_cells_are_neutralised_but_negative_numbers_kept():
    df = pd.DataFrame({
        "text": ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "plain", "-"],
        "number": [-1.5, 2, -3, 0, 1, 2, 3, 4],
    })
    out = spreadsheet_safe(df)
    assert all(not str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in out["text"])
    assert out.loc[6, "text"] == "plain"
    assert out["number"].tolist() == [-1.5, 2, -3, 0, 1, 2, 3, 4]
    assert df.loc[0, "text"].startswith("=")  # the input is not modified


def test_csv_written_from_safe_frame_has_no_live_formula():
    df = pd.DataFrame({"caveats": ["=cmd|' /C calc'!A0", "fine"], "value": [-0.5, 12.0]})
    csv_text = spreadsheet_safe(df).to_csv(index=False)
    cells = [c for line in csv_text.splitlines()[1:] for c in line.split(",")]
    assert not any(c.lstrip('"').startswith("=") for c in cells)
    assert "-0.5" in csv_text
