"""Write the upload corpus: one file per accepted or rejected case, built from three real curated rows.

Run from the repository root: python tests/upload_corpus/build.py. expected.csv says what each file must give.
"""

import csv
import io
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
rows = pd.read_csv(ROOT / "data" / "evidence.csv", dtype=str, keep_default_na=False)
base = rows[rows["row_id"].isin(["diamond2014-1", "diamond2014-3", "diamond2014-5"])].reset_index(drop=True)
COLS = list(base.columns)


def write(name, df, sep=",", bom=False, crlf=False):
    buf = io.StringIO()
    df.to_csv(buf, index=False, sep=sep, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_MINIMAL)
    data = buf.getvalue().encode("utf-8")
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def changed(i, **kw):
    df = base.copy()
    for k, v in kw.items():
        df.loc[i, k] = v
    return df


write("good.csv", base)
write("bom_crlf.csv", base, bom=True, crlf=True)
write("semicolon.csv", base, sep=";")
write("quoted.csv", changed(0, caveats='8 of 28, "open label";\nsecond line of a quoted cell'))
(HERE / "empty.csv").write_bytes(b"")
(HERE / "not_text.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
write("pipe_delimited.csv", base, sep="|")
write("missing_column.csv", base.drop(columns=["certainty"]))
write("header_only.csv", base.head(0))
write("unknown_column.csv", base.assign(shoe_size="9"))
write("wrong_type.csv", changed(1, value="forty"))
write("impossible_value.csv", changed(0, value="140"))
write("duplicate_ids.csv", changed(2, row_id="diamond2014-1"))
write("orphan_source.csv", changed(1, source_id="nobody1999", row_id="nobody1999-1"))
write("inverted_ci.csv", changed(0, ci_low="40", ci_high="20", ci_level="95"))
hostile = changed(0, caveats="<img src=x onerror=alert(1)>", outcome_label="[x](javascript:alert(1))")
hostile.loc[1, "caveats"] = "=HYPERLINK(\"http://example.invalid\",\"click\")"
hostile.loc[2, "treatment"] = "@SUM(1+1)"
hostile.loc[2, "outcome_label"] = "See https://example.invalid/x or www.example.invalid"  # a bare address
write("hostile_text.csv", hostile)
print("written", len(list(HERE.glob("*.csv"))), "files")
