"""Comparison sets: curated groups of published figures that measure the same thing, read and checked.

A set (`data/comparison_sets.csv`) fixes one outcome class, population class, time window, kind of comparator and
effect measure; its members (`data/comparison_members.csv`) name the evidence rows that fit, each with a reason and
the sample (trial or cohort) it rests on; `data/sample_overlaps.csv` lists samples that share patients; the GRADE
judgements of each body of evidence are in `data/grade.csv` (see `grade.py`). Nothing is grouped automatically.
`read_sets` returns the tables after every rule below, or raises DataValidationError listing each problem by file,
line, id and column. No Streamlit here.

Three kinds of set:
- `head_to_head`: each member is one randomised trial's contrast between a ketamine arm and an established
  treatment arm of the same trial (its "direct" side); pooled only across trials with the same kind of comparator.
- `side_by_side`: ketamine against its own control beside traditional antidepressants against theirs; an indirect
  comparison through the common comparator (Bucher) only where the set says the control is common.
- `harm`: one harm, each side against the control arm of the same trials; a side may have no figure, and says so.

The rules (each has a unit test that breaks it):
- a member's rows exist, and their outcome, population, time and unit fit the set's outcome, population, window and
  measure; prognostic figures (early improvers against non-improvers) never enter a set;
- no set compares single arms of different trials: every member is a contrast (a treatment arm with the control arm
  of the same trial, or a published contrast), never a share of patients in one arm;
- an arm-based member has arm percentages with n, and its control arm comes from the same source and outcome;
- a member's side matches its treatment group (ketamine or a traditional antidepressant); a head-to-head member's
  treatment is ketamine and its control an active, non-ketamine, non-placebo treatment of the same trial;
- in a set that pools, a side with more than one member holds no published meta-analysis (never re-pooled with
  trials it may include), and no two of its members share a sample or overlapping samples;
- a side-by-side set has both sides; a harm set at least one; a head-to-head set only direct members;
- a set whose sides measure different experiments says so (`construct_note`, and "different" in its title) and
  computes no indirect comparison; an indirect comparison names what differs between the trials (`transitivity`);
- every set states who may enter it (`eligibility`) and its minimal important difference with a rationale;
- one headline (rank 1) per question.
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
from .grade import GRADE_COLUMNS, GradeModel

SET_COLUMNS = (
    "set_id", "dimension", "rank", "title", "question", "measure", "outcomes", "populations", "window",
    "window_min_hours", "window_max_hours", "comparator", "subject", "favours", "more_words", "fewer_words",
    "no_difference", "low_label", "high_label", "pool", "differences", "kind", "outcome_words", "people",
    "plain_outcome", "mid", "mid_rationale", "indirect", "transitivity", "construct_note", "eligibility",
    "sof_outcome", "sof_order",
)
MEMBER_COLUMNS = ("set_id", "member_id", "side", "row_ids", "control_row_ids", "sample", "invert", "shown_as",
                  "reason")
OVERLAP_COLUMNS = ("sample_a", "sample_b", "relation", "reason")

# A share in one arm ("proportion") is no longer a set measure: sets compare contrasts, never arms of different trials.
MEASURES = ("risk ratio", "odds ratio", "hazard ratio", "risk difference")
KINDS = ("head_to_head", "side_by_side", "harm")
RATIO_MEASURES = ("risk ratio", "odds ratio", "hazard ratio")
SIDES = ("ketamine", "traditional")
DIRECT = "direct"
MEMBER_SIDES = (*SIDES, DIRECT)
SIDE_LABELS = {"ketamine": "Ketamine", "traditional": "Traditional antidepressants",
               DIRECT: "Ketamine against an established treatment, in the same trials"}


def sides_of(kind: str) -> tuple[str, ...]:
    """Return the sides a set of this kind draws, in order."""
    return (DIRECT,) if kind == "head_to_head" else SIDES


def row_ids(members: pd.DataFrame, *set_ids: str) -> list[str]:
    """Return the evidence rows that stand in the given sets, treatment and control arms alike."""
    cells = members.loc[members["set_id"].isin(set_ids), ["row_ids", "control_row_ids"]].to_numpy().ravel()
    return [i for cell in cells for i in split_ids(cell)]


def comparator_name(spec: dict) -> str:
    """Return the comparator's short name, its first clause without brackets ('extended-release quetiapine')."""
    return spec["comparator"].split(",")[0].split(" (")[0]
FAVOURS = ("below", "above", "none")  # which side of the line of no difference favours the treatment
YES_NO = ("yes", "no")
PUBLISHED_POOL_DESIGNS = ("meta-analysis", "network meta-analysis")
SET_OUTCOMES = tuple(o for o in vocab.OUTCOMES if o != "prognostic")
# The unit an evidence row must carry to stand in a set by itself (without a control arm) for each measure.
UNIT_FOR_MEASURE = {"risk ratio": "risk ratio", "odds ratio": "odds ratio", "hazard ratio": "hazard ratio",
                    "risk difference": "percentage points"}


def split_ids(cell) -> list[str]:
    """Return the ids in a ';'-separated cell (empty list for an empty cell)."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [p.strip() for p in str(cell).split(";") if p.strip()]


class SetModel(pa.DataFrameModel):
    """One row per comparison set."""

    set_id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN)
    dimension: Series[str] = pa.Field(isin=vocab.DIMENSIONS)
    rank: Series[str] = pa.Field(str_matches=r"^[1-9][0-9]?$")
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
    kind: Series[str] = pa.Field(isin=KINDS)
    outcome_words: Series[str] = pa.Field(str_length={"min_value": 3})  # "response by the end of week 1"
    people: Series[str] = pa.Field(str_length={"min_value": 3})  # the population in everyday words
    plain_outcome: Series[str] = pa.Field(str_length={"min_value": 3})  # "responded", "reported dissociation"
    # Minimal important difference on the display scale: a ratio above 1 (its inverse is the other bound) or points.
    mid: Series[str] = pa.Field(str_matches=r"^\d+(\.\d+)?$")
    mid_rationale: Series[str] = pa.Field(str_length={"min_value": 20})
    indirect: Series[str] = pa.Field(isin=YES_NO)
    transitivity: Series[str] = pa.Field(nullable=True)
    construct_note: Series[str] = pa.Field(nullable=True)
    eligibility: Series[str] = pa.Field(str_length={"min_value": 20})
    sof_outcome: Series[str] = pa.Field(nullable=True)
    sof_order: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{1,2}$")

    class Config:
        strict = True
        coerce = False


class MemberModel(pa.DataFrameModel):
    """One row per member of a set: the evidence row(s) it stands for, its side, sample and reason."""

    set_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    member_id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN)
    side: Series[str] = pa.Field(isin=MEMBER_SIDES)
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
    """The validated sets, their members, the known sample overlaps and the GRADE judgements of each body."""

    sets: pd.DataFrame
    members: pd.DataFrame
    overlaps: pd.DataFrame
    grades: pd.DataFrame

    def spec(self, set_id: str) -> dict:
        """Return one set's row as a dict (with its id)."""
        row = self.sets.set_index("set_id").loc[set_id].to_dict()
        return {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()} | {"set_id": set_id}

    def grade(self, set_id: str) -> dict[str, dict]:
        """Return the GRADE judgement of each target of a set (ketamine, traditional, direct, indirect)."""
        rows = self.grades[self.grades["set_id"] == set_id]
        return {r["target"]: r for r in rows.to_dict("records")}

    def of(self, dimension: str) -> pd.DataFrame:
        """Return the sets of one question, headline (rank 1) first."""
        return self.sets[self.sets["dimension"] == dimension].sort_values("rank")


def read_sets(evidence: pd.DataFrame, folder: Path | str = DATA_DIR) -> ComparisonSets:
    """Read and check the three set tables against the evidence rows; raise DataValidationError listing every problem."""
    folder = Path(folder)
    tables, problems = {}, []
    for name, columns, model in (("comparison_sets.csv", SET_COLUMNS, SetModel),
                                 ("comparison_members.csv", MEMBER_COLUMNS, MemberModel),
                                 ("sample_overlaps.csv", OVERLAP_COLUMNS, OverlapModel),
                                 ("grade.csv", GRADE_COLUMNS, GradeModel)):
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
    sets, members, overlaps, grades = (tables["comparison_sets.csv"], tables["comparison_members.csv"],
                                       tables["sample_overlaps.csv"], tables["grade.csv"])
    problems = check_sets(sets, members, overlaps, evidence) + check_grades(sets, members, grades)
    if problems:
        raise DataValidationError(problems)
    sets = sets.assign(rank=sets["rank"].astype(int),
                       window_min_hours=pd.to_numeric(sets["window_min_hours"]),
                       window_max_hours=pd.to_numeric(sets["window_max_hours"]),
                       mid=pd.to_numeric(sets["mid"]), sof_order=pd.to_numeric(sets["sof_order"]))
    return ComparisonSets(sets=sets.reset_index(drop=True), members=members.reset_index(drop=True),
                          overlaps=overlaps.reset_index(drop=True), grades=grades.reset_index(drop=True))


def check_grades(sets: pd.DataFrame, members: pd.DataFrame, grades: pd.DataFrame) -> list[Problem]:
    """Return a Problem for every body of evidence without exactly one GRADE judgement, and every judgement of a
    body that is not there (a side with no member, an indirect comparison the set does not make)."""
    problems: list[Problem] = []
    gfile = "grade.csv"
    wanted = set()
    for s in sets.to_dict("records"):
        sides = set(members.loc[members["set_id"] == s["set_id"], "side"])
        wanted |= {(s["set_id"], side) for side in sides}
        if s["indirect"] == "yes":
            wanted.add((s["set_id"], "indirect"))
    seen = {}
    for i, g in grades.iterrows():
        key = (g["set_id"], g["target"])
        if key in seen:
            problems.append(Problem(gfile, int(i) + 2, g["set_id"], "target", g["target"],
                                    f"a second judgement of the same body (first on line {seen[key]})"))
        seen.setdefault(key, int(i) + 2)
        if key not in wanted:
            problems.append(Problem(gfile, int(i) + 2, g["set_id"], "target", g["target"],
                                    "no such body of evidence: the set has no member on this side, or makes no "
                                    "indirect comparison"))
    for set_id, target in sorted(wanted - set(seen)):
        problems.append(Problem(gfile, None, set_id, "target", target,
                                "this body of evidence has no GRADE judgement: add one row with the five domains"))
    return problems


def _filled(cell) -> bool:
    """Whether a text cell holds something (a row read by iterrows turns an empty cell into NaN)."""
    return isinstance(cell, str) and bool(cell.strip())


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
        if s["kind"] == "head_to_head":
            _direct_problems(i, m, rows, treat, control, member_problem)
            continue
        if m["side"] == DIRECT:
            member_problem(i, m, "side", m["side"], f"only a head-to-head set has direct members; this set is "
                           f"{s['kind'].replace('_', '-')}")
            continue
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
        def set_problem(column, value, message):
            problems.append(Problem(sfile, int(j) + 2, s["set_id"], column, value, message))

        sides = set(members.loc[members["set_id"] == s["set_id"], "side"])
        if s["kind"] == "side_by_side":
            for side in SIDES:
                if side not in sides:
                    set_problem("set_id", None, f"the set has no {side} member, so it compares nothing side by side")
        elif not sides:
            set_problem("set_id", None, "the set has no member")
        if _filled(s["construct_note"]):
            if "different" not in s["title"].lower():
                set_problem("title", s["title"], "its sides are different experiments (construct_note), so its "
                            "title must say so (with the word 'different')")
            if s["indirect"] == "yes":
                set_problem("indirect", "yes", "no indirect comparison between sides that measure different "
                            "experiments")
        if s["kind"] == "head_to_head" and s["pool"] == "yes":
            # Direct contrasts pool only across trials with the same kind of comparator.
            kinds = set()
            for m in members[members["set_id"] == s["set_id"]].to_dict("records"):
                ids = split_ids(m["control_row_ids"]) or split_ids(m["row_ids"])
                if ids and ids[0] in rows.index:
                    r = rows.loc[ids[0]]
                    kinds.add(r["treatment_group"] if split_ids(m["control_row_ids"]) else r["compared_with"])
            if len(kinds) > 1:
                set_problem("pool", "yes", "a head-to-head set pools only trials with the same kind of comparator; "
                            f"its members compare with {', '.join(sorted(map(str, kinds)))}")
        if s["indirect"] == "yes":
            if s["kind"] != "side_by_side":
                set_problem("indirect", "yes", "an indirect comparison needs two sides against a common comparator")
            if not _filled(s["transitivity"]):
                set_problem("transitivity", None, "an indirect comparison must list what differs between the trials "
                            "on each side (population, dose and schedule, time point, kind of control)")
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
    elif len(treat) > 1 or rows.loc[treat[0], "unit"] == "%":
        # A share of patients in one arm compares nothing; set beside an arm of another trial it throws away
        # randomisation. A member is a contrast: arms with their own control arm, or a published contrast.
        member_problem(i, m, "control_row_ids", None, "a member without a control arm must be a published contrast; "
                       "arms of different trials are never compared with each other")
    else:
        for rid in treat:
            unit = rows.loc[rid, "unit"]
            if unit != UNIT_FOR_MEASURE[measure]:
                member_problem(i, m, "row_ids", rid, f"its unit '{unit}' is not the set's measure ({measure})")


def _direct_problems(i, m, rows, treat, control, member_problem) -> None:
    """Check a head-to-head member: a ketamine arm against an active, non-ketamine, non-placebo arm of one trial."""
    if m["side"] != DIRECT:
        member_problem(i, m, "side", m["side"], f"a head-to-head member's side is '{DIRECT}'")
    for rid in treat:
        if rows.loc[rid, "treatment_group"] not in vocab.KETAMINE_GROUPS:
            member_problem(i, m, "row_ids", rid, "a head-to-head member's treatment arm must be a ketamine arm")
    if control:
        against = [rows.loc[rid, "treatment_group"] for rid in control]
    else:  # a published contrast names its comparator
        against = [rows.loc[rid, "compared_with"] or "" for rid in treat]
    for group in against:
        if group in vocab.KETAMINE_GROUPS or group in ("Placebo", "Active placebo") or "placebo" == group.lower() \
                or not group:
            member_problem(i, m, "control_row_ids" if control else "row_ids", group or None,
                           "a head-to-head comparator must be an established active treatment, not placebo or "
                           "another ketamine arm")


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
