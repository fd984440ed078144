"""Comparison sets: curated groups of published figures that measure the same thing, read and checked.

A set (`data/comparison_sets.csv`) fixes one outcome class, population class, time window, kind of comparator and
effect measure; its members (`data/comparison_members.csv`) name the evidence rows that fit, each with a reason and
the sample (trial or cohort) it rests on; `data/sample_overlaps.csv` lists samples that share patients. Nothing is
grouped automatically. `read_sets` returns the three tables after every rule below, or raises DataValidationError
listing each problem by file, line, id and column. No Streamlit here.

The rules (each has a unit test that breaks it):
- a member's rows exist, and their outcome, population, time and unit fit the set's outcome, population, window and
  measure; prognostic figures (early improvers against non-improvers) never enter a set;
- an arm-based member has arm percentages with n, and its control arm comes from the same source and outcome;
- a member's side matches its treatment group (ketamine or a traditional antidepressant);
- in a set that pools, a side with more than one member holds no published meta-analysis (never re-pooled with
  trials it may include), and no two of its members share a sample or overlapping samples;
- every set has both a ketamine and a traditional side, and one headline (rank 1) per question.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import vocab
from .data import DATA_DIR, ID_PATTERN, DataValidationError, Problem, files_stamp, parse_table, validate_model

SET_COLUMNS = (
    "set_id", "dimension", "rank", "title", "question", "measure", "outcomes", "populations", "window",
    "window_min_hours", "window_max_hours", "comparator", "subject", "favours", "more_words", "fewer_words",
    "no_difference", "low_label", "high_label", "pool", "differences",
)
MEMBER_COLUMNS = ("set_id", "member_id", "side", "row_ids", "control_row_ids", "sample", "invert", "shown_as",
                  "reason")
OVERLAP_COLUMNS = ("sample_a", "sample_b", "relation", "reason")

MEASURES = ("risk ratio", "odds ratio", "hazard ratio", "risk difference", "proportion")
RATIO_MEASURES = ("risk ratio", "odds ratio", "hazard ratio")
SIDES = ("ketamine", "traditional")
SIDE_LABELS = {"ketamine": "Ketamine", "traditional": "Traditional antidepressants"}
FAVOURS = ("below", "above", "none")  # which side of the line of no difference favours the treatment
YES_NO = ("yes", "no")
PUBLISHED_POOL_DESIGNS = ("meta-analysis", "network meta-analysis")
SET_OUTCOMES = tuple(o for o in vocab.OUTCOMES if o != "prognostic")
# The unit an evidence row must carry to stand in a set by itself (without a control arm) for each measure.
UNIT_FOR_MEASURE = {"risk ratio": "risk ratio", "odds ratio": "odds ratio", "hazard ratio": "hazard ratio",
                    "risk difference": "percentage points", "proportion": "%"}


def split_ids(cell) -> list[str]:
    """Return the ids in a ';'-separated cell (empty list for an empty cell)."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [p.strip() for p in str(cell).split(";") if p.strip()]


class SetModel(pa.DataFrameModel):
    """One row per comparison set."""

    set_id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN)
    dimension: Series[str] = pa.Field(isin=vocab.DIMENSIONS)
    rank: Series[str] = pa.Field(str_matches=r"^[1-9]$")
    title: Series[str] = pa.Field(str_length={"min_value": 5, "max_value": 90})
    question: Series[str] = pa.Field(str_length={"min_value": 5})
    measure: Series[str] = pa.Field(isin=MEASURES)
    outcomes: Series[str] = pa.Field(str_length={"min_value": 3})
    populations: Series[str] = pa.Field(str_length={"min_value": 3})
    window: Series[str] = pa.Field(str_length={"min_value": 3})
    window_min_hours: Series[str] = pa.Field(nullable=True, str_matches=r"^\d+(\.\d+)?$")
    window_max_hours: Series[str] = pa.Field(nullable=True, str_matches=r"^\d+(\.\d+)?$")
    comparator: Series[str] = pa.Field(str_length={"min_value": 3})
    subject: Series[str] = pa.Field(str_contains="{group}")
    favours: Series[str] = pa.Field(isin=FAVOURS)
    more_words: Series[str] = pa.Field(str_length={"min_value": 3})
    fewer_words: Series[str] = pa.Field(nullable=True)
    no_difference: Series[str] = pa.Field(nullable=True)
    low_label: Series[str] = pa.Field(nullable=True)
    high_label: Series[str] = pa.Field(nullable=True)
    pool: Series[str] = pa.Field(isin=YES_NO)
    differences: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = False


class MemberModel(pa.DataFrameModel):
    """One row per member of a set: the evidence row(s) it stands for, its side, sample and reason."""

    set_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    member_id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN)
    side: Series[str] = pa.Field(isin=SIDES)
    row_ids: Series[str] = pa.Field(str_length={"min_value": 3})
    control_row_ids: Series[str] = pa.Field(nullable=True)
    sample: Series[str] = pa.Field(str_length={"min_value": 2})
    invert: Series[str] = pa.Field(isin=YES_NO)
    # An inverted ratio was published as control against treatment, so its row is the control's: the treatment group
    # the member stands for is named here.
    shown_as: Series[str] = pa.Field(nullable=True, isin=vocab.TREATMENT_GROUPS)
    reason: Series[str] = pa.Field(str_length={"min_value": 10})

    class Config:
        strict = True
        coerce = False


class OverlapModel(pa.DataFrameModel):
    """Pairs of samples that share patients (a pooled analysis and a trial inside it; a trial and its re-report)."""

    sample_a: Series[str] = pa.Field(str_length={"min_value": 2})
    sample_b: Series[str] = pa.Field(str_length={"min_value": 2})
    relation: Series[str] = pa.Field(isin=("includes", "same patients"))
    reason: Series[str] = pa.Field(str_length={"min_value": 10})

    class Config:
        strict = True
        coerce = False


@dataclass(frozen=True)
class ComparisonSets:
    """The validated sets, their members and the known sample overlaps."""

    sets: pd.DataFrame
    members: pd.DataFrame
    overlaps: pd.DataFrame

    def of(self, dimension: str) -> pd.DataFrame:
        """Return the sets of one question, headline (rank 1) first."""
        return self.sets[self.sets["dimension"] == dimension].sort_values("rank")


def read_sets(evidence: pd.DataFrame, folder: Path | str = DATA_DIR) -> ComparisonSets:
    """Read and check the three set tables against the evidence rows; raise DataValidationError listing every problem."""
    folder = Path(folder)
    tables, problems = {}, []
    for name, columns, model in (("comparison_sets.csv", SET_COLUMNS, SetModel),
                                 ("comparison_members.csv", MEMBER_COLUMNS, MemberModel),
                                 ("sample_overlaps.csv", OVERLAP_COLUMNS, OverlapModel)):
        try:
            raw = (folder / name).read_bytes()
        except OSError as exc:
            problems.append(Problem(name, None, None, None, None, f"the file cannot be read ({exc.strerror})"))
            tables[name] = pd.DataFrame(columns=columns)
            continue
        df, found = parse_table(raw, name, columns)
        problems += found
        if len(df.columns):
            problems += validate_model(df, model, name)
        tables[name] = df
    if problems:
        raise DataValidationError(problems)
    sets, members, overlaps = (tables["comparison_sets.csv"], tables["comparison_members.csv"],
                               tables["sample_overlaps.csv"])
    problems = check_sets(sets, members, overlaps, evidence)
    if problems:
        raise DataValidationError(problems)
    sets = sets.assign(rank=sets["rank"].astype(int),
                       window_min_hours=pd.to_numeric(sets["window_min_hours"]),
                       window_max_hours=pd.to_numeric(sets["window_max_hours"]))
    return ComparisonSets(sets=sets.reset_index(drop=True), members=members.reset_index(drop=True),
                          overlaps=overlaps.reset_index(drop=True))


def _overlapping(overlaps: pd.DataFrame) -> set[frozenset]:
    return {frozenset((a, b)) for a, b in zip(overlaps["sample_a"], overlaps["sample_b"])}


def check_sets(sets: pd.DataFrame, members: pd.DataFrame, overlaps: pd.DataFrame,
               evidence: pd.DataFrame) -> list[Problem]:
    """Return a Problem for every member that breaks a rule of its set (see the module docstring)."""
    problems: list[Problem] = []
    mfile, sfile = "comparison_members.csv", "comparison_sets.csv"
    rows = evidence.set_index("row_id", drop=False)
    set_by_id = {s["set_id"]: s for s in sets.to_dict("records")}

    def member_problem(i, m, column, value, message):
        problems.append(Problem(mfile, int(i) + 2, m["member_id"], column, value, message))

    for i, m in members.iterrows():
        s = set_by_id.get(m["set_id"])
        if s is None:
            member_problem(i, m, "set_id", m["set_id"], "this set id is not in comparison_sets.csv")
            continue
        treat, control = split_ids(m["row_ids"]), split_ids(m["control_row_ids"])
        missing = [r for r in treat + control if r not in rows.index]
        if missing:
            member_problem(i, m, "row_ids" if missing[0] in treat else "control_row_ids", ", ".join(missing),
                           "these evidence rows are not in evidence.csv")
            continue
        outcomes, populations = split_ids(s["outcomes"]), split_ids(s["populations"])
        lo = float(s["window_min_hours"]) if s["window_min_hours"] else None
        hi = float(s["window_max_hours"]) if s["window_max_hours"] else None
        for rid in treat + control:
            r = rows.loc[rid]
            if r["outcome"] == "prognostic":
                member_problem(i, m, "row_ids", rid, "a prognostic figure (early improvers against non-improvers) "
                               "compares patients, not a treatment with a control, and cannot stand in a set")
            elif r["outcome"] not in outcomes:
                member_problem(i, m, "row_ids", rid, f"its outcome '{r['outcome']}' is not the set's "
                               f"({', '.join(outcomes)})")
            if r["population"] not in populations:
                member_problem(i, m, "row_ids", rid, f"its population '{r['population']}' is not the set's "
                               f"({', '.join(populations)})")
            if lo is not None or hi is not None:
                t = r["time_hours"]
                if pd.isna(t) or (lo is not None and t < lo) or (hi is not None and t > hi):
                    member_problem(i, m, "row_ids", rid, f"its time point ({r['time_reported'] or 'none given'}) is "
                                   f"outside the set's window ({s['window']})")
        _unit_problems(i, m, s, rows, treat, control, member_problem)
        # The side must be what the treatment is; a control arm is never a ketamine arm.
        if m["invert"] == "yes":
            if not m["shown_as"]:
                member_problem(i, m, "shown_as", None, "an inverted ratio must name the treatment group it stands for")
            groups = [m["shown_as"]] if m["shown_as"] else []
        else:
            groups = [rows.loc[rid, "treatment_group"] for rid in treat]
        for group in groups:
            is_ket = group in vocab.KETAMINE_GROUPS
            if (m["side"] == "ketamine") != is_ket or (m["side"] == "traditional" and group not in vocab.TRADITIONAL_GROUPS):
                member_problem(i, m, "side", m["side"], f"it stands for a '{group}' figure, not one on the "
                               f"{m['side']} side")
        for rid in control:
            if rows.loc[rid, "treatment_group"] in vocab.KETAMINE_GROUPS:
                member_problem(i, m, "control_row_ids", rid, "a control arm cannot be a ketamine arm")
        if m["invert"] == "yes" and s["measure"] not in RATIO_MEASURES:
            member_problem(i, m, "invert", "yes", "only a ratio can be inverted (1/ratio)")

    problems += _pooling_problems(sets, members, overlaps, rows)
    for j, s in sets.iterrows():
        sides = set(members.loc[members["set_id"] == s["set_id"], "side"])
        for side in SIDES:
            if side not in sides:
                problems.append(Problem(sfile, int(j) + 2, s["set_id"], "set_id", None,
                                        f"the set has no {side} member, so it compares nothing side by side"))
        if s["favours"] != "none" and (not s["fewer_words"] or not s["no_difference"] or not s["low_label"]
                                       or not s["high_label"]):
            problems.append(Problem(sfile, int(j) + 2, s["set_id"], "fewer_words", None, "a comparative set needs "
                                    "fewer_words, no_difference, low_label and high_label"))
    ranks = sets[sets["rank"] == "1"].groupby("dimension").size()
    for dim in vocab.DIMENSIONS:
        if dim in set(sets["dimension"]) and ranks.get(dim, 0) != 1:
            problems.append(Problem(sfile, None, None, "rank", None,
                                    f"the question '{dim}' needs exactly one headline set (rank 1)"))
    return problems


def _unit_problems(i, m, s, rows, treat, control, member_problem) -> None:
    """Check that the member's rows carry what the set's measure needs (each problem goes to member_problem)."""
    measure = s["measure"]
    if control:
        if measure not in ("risk ratio", "odds ratio", "risk difference"):
            member_problem(i, m, "control_row_ids", m["control_row_ids"], f"a {measure} cannot be computed from arm "
                           "percentages; give the published figure without control rows")
        for rid in treat + control:
            r = rows.loc[rid]
            if r["unit"] != "%" or pd.isna(r["n"]):
                member_problem(i, m, "row_ids" if rid in treat else "control_row_ids", rid,
                               "an arm-based member needs arm percentages with their n")
        if len({(rows.loc[rid, "source_id"], rows.loc[rid, "outcome"]) for rid in treat + control}) > 1:
            member_problem(i, m, "control_row_ids", m["control_row_ids"],
                           "the control arm must come from the same source and outcome as the treatment arm")
    elif len(treat) > 1:
        # Arms of one trial combined into one (e.g. two doses): only for shares, from one source and outcome.
        if measure != "proportion" or any(rows.loc[r, "unit"] != "%" or pd.isna(rows.loc[r, "n"]) for r in treat) \
                or len({(rows.loc[r, "source_id"], rows.loc[r, "outcome"]) for r in treat}) > 1:
            member_problem(i, m, "row_ids", m["row_ids"], "without a control arm, several rows can only be arms of "
                           "one trial combined into one share (percentages with n, same source and outcome)")
    else:
        for rid in treat:
            unit = rows.loc[rid, "unit"]
            if unit != UNIT_FOR_MEASURE[measure]:
                member_problem(i, m, "row_ids", rid, f"its unit '{unit}' is not the set's measure ({measure})")


def _pooling_problems(sets: pd.DataFrame, members: pd.DataFrame, overlaps: pd.DataFrame,
                      rows: pd.DataFrame) -> list[Problem]:
    problems = []
    pooled_sets = set(sets.loc[sets["pool"] == "yes", "set_id"])
    overlap = _overlapping(overlaps)
    for (set_id, side), group in members[members["set_id"].isin(pooled_sets)].groupby(["set_id", "side"]):
        if len(group) < 2:
            continue
        seen: dict[str, str] = {}
        for i, m in group.iterrows():
            ids = [r for r in split_ids(m["row_ids"]) if r in rows.index]
            if any(rows.loc[r, "design"] in PUBLISHED_POOL_DESIGNS for r in ids):
                problems.append(Problem("comparison_members.csv", int(i) + 2, m["member_id"], "row_ids", m["row_ids"],
                                        "a published meta-analysis cannot be pooled again with other members of a "
                                        "pooling set (it may already include them)"))
            for other_sample, other_id in seen.items():
                if other_sample == m["sample"] or frozenset((other_sample, m["sample"])) in overlap:
                    problems.append(Problem("comparison_members.csv", int(i) + 2, m["member_id"], "sample",
                                            m["sample"], f"it shares patients with member {other_id} "
                                            f"({other_sample}); overlapping samples are never pooled together"))
            seen[m["sample"]] = m["member_id"]
    return problems


@functools.lru_cache(maxsize=4)
def _curated(folder: str, stamp: str) -> ComparisonSets:
    from .data import default_cache_dir, load_dataset

    # The validated copy, when one exists: a restart or a second replica does not validate the data again.
    return read_sets(load_dataset(folder, cache_dir=default_cache_dir()).evidence, folder)


def curated(folder: Path | str = DATA_DIR) -> ComparisonSets:
    """Return the curated sets, read and checked once per version of the data files (raises DataValidationError)."""
    return _curated(str(folder), files_stamp(folder))
