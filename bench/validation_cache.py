"""Validation cache: loading the 100x-grown data with no cache, cold (empty cache) and warm (copy present), each in a
new process, as a restart or a second replica would; and checking an upload of the 20,000-row maximum.

    .venv/bin/python bench/validation_cache.py             # 5 runs of each, medians
    .venv/bin/python bench/validation_cache.py --runs 3
    .venv/bin/python bench/validation_cache.py --code /tmp/old   # also validate with an older package, made by
        git archive <commit> ketamine_evidence | tar -x -C /tmp/old

Prints wall and CPU seconds of the load_dataset call (imports timed apart) and whether the rules ran, then the
seconds of check_upload on 20,000 rows (clean, and with 1% bad rows, which are dropped and the rest checked again)
with each progress stage's share; asserts nothing.
The runs of each kind are interleaved, so a busy machine slows them alike; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import grow_data  # the same grown copy bench/run.py measures

LOAD_PROBE = """
import json, sys, time
t0 = time.perf_counter()
from ketamine_evidence import data
imported = time.perf_counter() - t0
calls = []
real = data.validate_tables
data.validate_tables = lambda *a, **k: calls.append(1) or real(*a, **k)
kw = {} if sys.argv[2] == "-" else {"cache_dir": sys.argv[2]}
t, c = time.perf_counter(), time.process_time()
ds = data.load_dataset(sys.argv[1], **kw)
print(json.dumps({"import": imported, "wall": time.perf_counter() - t, "cpu": time.process_time() - c,
                  "rows": len(ds.evidence), "validated": bool(calls)}))
"""


UPLOAD_PROBE = """
import inspect, json, sys, time
import pandas as pd
from ketamine_evidence import upload
from ketamine_evidence.data import load_dataset
curated = load_dataset()
base = pd.read_csv("data/evidence.csv", dtype=str, keep_default_na=False)
row = base[base["row_id"] == "diamond2014-3"].iloc[0].to_dict()
# A real curated row with its free text shortened, so 20,000 rows fit under the 5 MB limit (a full row is ~700 bytes).
row.update(outcome_label="Resp 6h", outcome_definition="patients responding", treatment="ketamine IV",
           certainty_reason="open case series", caveats="", read_at_url="https://e.org/d", time_reported="6 h",
           population="major depression", control_type="none (uncontrolled)")
rows = pd.DataFrame([row] * upload.MAX_ROWS)
rows["row_id"] = [f"u{i}" for i in range(len(rows))]
if sys.argv[1] == "bad":
    rows.loc[rows.index[::100], "value"] = "forty"
raw = rows.to_csv(index=False).encode()
assert len(raw) <= upload.MAX_BYTES
upload.check_upload(raw[:2000].rsplit(b"\\n", 1)[0], None, curated.sources)  # warm-up, as in a running server
marks = []
kw = {"progress": lambda f, s: marks.append((time.perf_counter(), s))} if "progress" in inspect.signature(upload.check_upload).parameters else {}
t, c = time.perf_counter(), time.process_time()
res = upload.check_upload(raw, None, curated.sources, **kw)
wall = time.perf_counter() - t
shares = [(s, (nxt[0] if nxt else t + wall) - at) for (at, s), nxt in zip(marks, marks[1:] + [None])]
print(json.dumps({"wall": wall, "cpu": time.process_time() - c, "kept": res.kept, "uploaded": res.uploaded,
                  "mb": len(raw) / 1e6, "stages": shares}))
"""


def probe(script: str, *args: str, code: Path = ROOT) -> dict:
    # cwd is the code folder too: `python -c` puts the working directory first on sys.path.
    out = subprocess.run([sys.executable, "-c", script, *args], cwd=code, capture_output=True, text=True,
                         check=False, timeout=600, env={**os.environ, "PYTHONPATH": str(code)})
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench_load(runs: int, code: Path | None = None) -> None:
    grown = grow_data(100)
    warm_dir = Path(tempfile.mkdtemp(prefix="validation_cache_warm_"))
    cold_dirs = []
    try:
        first = probe(LOAD_PROBE, str(grown), str(warm_dir))  # primes the warm cache
        assert first["validated"]
        kinds = ("no cache (validate)", "cold (empty cache)", "warm (copy present)")
        results: dict[str, list[dict]] = {k: [] for k in kinds}
        if code:
            results[f"validate, {code.name}"] = []
        for _ in range(runs):
            if code:
                results[f"validate, {code.name}"].append(probe(LOAD_PROBE, str(grown), "-", code=code))
            cold = Path(tempfile.mkdtemp(prefix="validation_cache_cold_"))
            cold_dirs.append(cold)
            results["no cache (validate)"].append(probe(LOAD_PROBE, str(grown), "-"))
            results["cold (empty cache)"].append(probe(LOAD_PROBE, str(grown), str(cold)))
            results["warm (copy present)"].append(probe(LOAD_PROBE, str(grown), str(warm_dir)))
        plain = []
        for _ in range(runs):
            t = time.perf_counter()
            pd.read_csv(grown / "evidence.csv")
            pd.read_csv(grown / "sources.csv")
            plain.append(time.perf_counter() - t)
        rows = results["warm (copy present)"][0]["rows"]
        size = sum((grown / f).stat().st_size for f in ("evidence.csv", "sources.csv")) / 1e6
        print(f"\nLoad of the 100x-grown data: {rows:,} evidence rows, {size:.1f} MB of CSV; {runs} new processes "
              f"each, median (min-max); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        print(f"{'':24} {'wall s':>18} {'CPU s':>8} {'import s':>9}  rules ran")
        for name, rs in results.items():
            walls = [r["wall"] for r in rs]
            print(f"{name:24} {median_of(rs, 'wall'):7.2f} ({min(walls):.2f}-{max(walls):.2f}) "
                  f"{median_of(rs, 'cpu'):8.2f} {median_of(rs, 'import'):9.2f}  "
                  f"{sum(r['validated'] for r in rs)}/{len(rs)}")
        print(f"{'plain pd.read_csv':24} {statistics.median(plain):7.2f}")
        warm_mb = sum(p.stat().st_size for p in warm_dir.iterdir()) / 1e6
        print(f"cache files: {warm_mb:.1f} MB of Parquet for this dataset")
    finally:
        shutil.rmtree(grown, ignore_errors=True)
        shutil.rmtree(warm_dir, ignore_errors=True)
        for d in cold_dirs:
            shutil.rmtree(d, ignore_errors=True)


def bench_upload(runs: int, code: Path | None = None) -> None:
    trees = {"now": ROOT} | ({code.name: code} if code else {})
    results = {(kind, tree): [] for kind in ("clean", "bad") for tree in trees}
    for _ in range(runs):
        for (kind, tree), rs in results.items():
            rs.append(probe(UPLOAD_PROBE, kind, code=trees[tree]))
    some = results[("clean", "now")][0]
    print(f"\nChecking an upload of {some['uploaded']:,} rows ({some['mb']:.1f} MB); {runs} new processes each, "
          f"median (min-max); load average {os.getloadavg()[0]:.1f}")
    for (kind, tree), rs in results.items():
        walls = [r["wall"] for r in rs]
        label = f"{'clean' if kind == 'clean' else '1% bad rows'}, {tree}"
        print(f"{label:24} wall {median_of(rs, 'wall'):5.2f} s ({min(walls):.2f}-{max(walls):.2f})  "
              f"CPU {median_of(rs, 'cpu'):5.2f} s  kept {rs[0]['kept']:,}")
        if rs[0]["stages"]:
            for i, (stage, _) in enumerate(rs[0]["stages"]):
                secs = statistics.median(r["stages"][i][1] for r in rs)
                print(f"    {stage:58} {secs:5.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--code", type=Path, help="a folder holding an older ketamine_evidence package to compare with")
    args = ap.parse_args()
    bench_load(args.runs, args.code)
    bench_upload(args.runs, args.code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
