"""Write the floor app's CSV: 50 rows of SYNTHETIC numbers made up by this code (no real study, no clinical data).

    .venv/bin/python bench/floor/synthetic.py     # rewrites bench/floor/synthetic_data.csv (same bytes every time)

The values follow simple arithmetic patterns so the file is identical on every machine and Python version.
Every row says `synthetic` in its `note` column.
"""

from __future__ import annotations

import csv
from pathlib import Path

CSV = Path(__file__).resolve().parent / "synthetic_data.csv"
GROUPS = ("group A", "group B")
DIMENSIONS = ("onset", "durability", "non_response", "side_effects", "other")
HOURS = (1, 4, 24, 72, 168, 336, 672, 1344, 2016, 4032)


def rows() -> list[dict]:
    out = []
    for i in range(50):
        out.append({
            "row_id": f"S{i + 1:02d}",
            "dimension": DIMENSIONS[i % len(DIMENSIONS)],
            "treatment_group": GROUPS[(i // 5) % 2],
            "time_hours": HOURS[i % len(HOURS)],
            "value": round(20 + (i * 37) % 53 + 0.5 * (i % 3), 1),  # made-up numbers between 20 and 73.5
            "note": "synthetic, made up for a benchmark, not real data",
        })
    return out


def write(path: Path = CSV) -> Path:
    data = rows()
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(data[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(data)
    return path


def ensure() -> Path:
    """Write the CSV when it is missing (a fresh clone has it committed; this keeps the folder self-contained)."""
    if not CSV.exists():
        write()
    return CSV


if __name__ == "__main__":
    print(write())
