"""Evidence logic: pure pandas, no Streamlit.

Each page asks one question; the functions here return the tidy rows that
answer it, the sentences that summarise them (computed, never typed), and the
warnings a reader needs when rows are not like-for-like.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from . import vocab


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects. Empty tuples mean 'everything'."""

    populations: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    designs: tuple[str, ...] = ()
    certainty: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    regimens: tuple[str, ...] = ()
    read_in: tuple[str, ...] = ()
    years: tuple[int, int] | None = None

    def is_default(self) -> bool:
        """Return True when nothing is filtered."""
        return all(getattr(self, f.name) in ((), None) for f in fields(self))


FILTER_COLUMNS = {
    "populations": "population",
    "groups": "treatment_group",
    "drugs": "treatment",
    "designs": "design",
    "certainty": "certainty",
    "routes": "route",
    "regimens": "regimen",
    "read_in": "read_in",
}


def filters_removing(rows: pd.DataFrame, f: Filters) -> list[str]:
    """Return the active filters (attribute names, years as 'years') that, each on its own, remove any of `rows`."""
    out = []
    for attr, col in FILTER_COLUMNS.items():
        chosen = getattr(f, attr)
        if chosen and not rows[col].isin(chosen).all():
            out.append(attr)
    if f.years is not None and not rows["year"].between(*f.years).all():
        out.append("years")
    return out


def with_sources(evidence: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Return evidence rows with their source's short citation, year, DOI, PMID and a link."""
    cols = ["source_id", "short_citation", "citation", "year", "doi", "pmid", "url"]
    out = evidence.merge(sources[cols], on="source_id", how="left", validate="many_to_one")
    out = out.rename(columns={"short_citation": "study", "url": "source_url"})
    out["link"] = [source_link(d, p, u) for d, p, u in zip(out["doi"], out["pmid"], out["source_url"])]
    out["read_in"] = read_in(out)
    return out


def read_in(rows: pd.DataFrame) -> pd.Series:
    """Return, for each row, where its figure was read (its provenance level) in words."""
    if "provenance" not in rows:
        return pd.Series("not stated", index=rows.index, dtype=object)
    return rows["provenance"].map(vocab.PROVENANCE_LABELS).fillna("not stated")


def secondary_only(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the rows whose figure was read only in a secondary report (news, a summary, another paper)."""
    if "provenance" not in rows:
        return rows.iloc[0:0]
    return rows[rows["provenance"] == "secondary"]


def source_link(doi, pmid, url) -> str:
    """Return the best stable link for a source: DOI, then PubMed, then the page where it was read."""
    if isinstance(doi, str) and doi:
        return f"https://doi.org/{doi}"
    if isinstance(pmid, str) and pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return url if isinstance(url, str) else ""


def apply_filters(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Return the rows that pass every active filter (needs the `year` column from with_sources)."""
    mask = pd.Series(True, index=df.index)
    for attr, col in FILTER_COLUMNS.items():
        chosen = getattr(f, attr)
        if chosen:
            mask &= df[col].isin(chosen)
    if f.years is not None:
        lo, hi = f.years
        mask &= df["year"].between(lo, hi)
    return df[mask]


def filter_options(df: pd.DataFrame) -> dict[str, list]:
    """Return the values each filter can take, in a stable, meaningful order."""
    order = {
        "populations": vocab.POPULATIONS, "groups": vocab.TREATMENT_GROUPS, "designs": vocab.DESIGNS,
        "certainty": vocab.CERTAINTY, "routes": vocab.ROUTES, "regimens": vocab.REGIMENS,
        "read_in": tuple(vocab.PROVENANCE_LABELS.values()),
    }
    opts: dict[str, list] = {}
    for attr, col in FILTER_COLUMNS.items():
        present = set(df[col].dropna())
        opts[attr] = [v for v in order[attr] if v in present] if attr in order else sorted(present, key=str.lower)
    return opts


# ---------------------------------------------------------------- like-for-like

LIKE_FOR_LIKE_ASPECTS = (
    ("population", "populations"),
    ("regimen", "regimens (add-on vs monotherapy)"),
    ("control_type", "kinds of control (e.g. saline vs active placebo)"),
    ("outcome_definition", "outcome definitions"),
    ("design", "study designs"),
)


def like_for_like_warnings(rows: pd.DataFrame) -> list[str]:
    """Return one short phrase for each way the compared rows differ (empty when they match)."""
    warnings = []
    if rows.empty:
        return warnings
    for col, words in LIKE_FOR_LIKE_ASPECTS:
        values = sorted(set(rows[col].dropna()))
        if len(values) > 1:
            if col == "outcome_definition":
                warnings.append(f"{len(values)} different {words}")
            else:
                shown = ", ".join(values[:3]) + (", …" if len(values) > 3 else "")
                warnings.append(f"{len(values)} {words}: {shown}")
    return warnings


# ---------------------------------------------------------------- per-page selections

PERCENT = "%"


def onset_time_course(df: pd.DataFrame) -> pd.DataFrame:
    """Return the share of patients improving, responding or remitting at a time since first dose (onset chart)."""
    sel = df[
        (df["outcome"].isin(["response", "remission"]) | ((df["outcome"] == "symptom_change") & (df["dimension"] == "onset")))
        & (df["unit"] == PERCENT)
        & df["time_hours"].notna()
        & (df["time_anchor"] == "first dose")
        & df["dimension"].isin(["onset", "non_response"])
    ]
    return sel.sort_values(["treatment_group", "time_hours"])


def onset_effect_units(df: pd.DataFrame) -> list[str]:
    """Return the effect measures present among onset effect sizes, in the order they first appear."""
    return list(dict.fromkeys(onset_effect_sizes(df)["unit"]))


def response_time_shares(df: pd.DataFrame) -> pd.DataFrame:
    """Return shares of patients by how long they took to respond (time-to-response rows in %)."""
    return df[(df["outcome"] == "time_to_response") & (df["unit"] == PERCENT)]


def onset_effect_sizes(df: pd.DataFrame) -> pd.DataFrame:
    """Return effect sizes and symptom changes against a comparator over time since first dose.

    Prognostic figures (early improvers against early non-improvers) compare patients, not a treatment with a
    control, so they never enter this treatment-effect view.
    """
    sel = df[
        (df["dimension"] == "onset")
        & (df["outcome"].isin(["effect_size", "symptom_change"]) | df["unit"].isin(vocab.RELATIVE_UNITS))
        & (df["outcome"] != "prognostic")
        & (df["unit"] != PERCENT)
        & df["time_hours"].notna()
    ]
    return sel.sort_values(["treatment_group", "time_hours"])


def time_to_event(df: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Return rows whose value is itself a time (e.g. time to response), converted to days for one axis.

    The conversion (hours / 24, weeks x 7) is made here, openly, and the chart says 'days'.
    """
    sel = df[(df["outcome"] == outcome) & df["unit"].isin(["hours", "days", "weeks"])].copy()
    factor = sel["unit"].map({"hours": 1 / 24, "days": 1.0, "weeks": 7.0}).astype("float64")
    for col in ("value", "ci_low", "ci_high"):
        sel[f"{col}_days"] = pd.to_numeric(sel[col], errors="coerce").astype("float64") * factor
    return sel.sort_values(["treatment_group", "value_days"])


def earliest_response_rows(course: pd.DataFrame) -> pd.DataFrame:
    """Return, per treatment group, the whole row of its earliest reported response rate in the onset course."""
    resp = course[course["outcome"] == "response"]
    return resp.loc[resp.groupby("treatment_group", observed=True)["time_hours"].idxmin()] if not resp.empty else resp


def first_response_times(course: pd.DataFrame) -> pd.DataFrame:
    """Return, per treatment group, the earliest time point at which a response rate is reported."""
    first = earliest_response_rows(course)
    if first.empty:
        return pd.DataFrame(columns=["treatment_group", "time_hours", "value", "study"])
    return first[["treatment_group", "time_hours", "value", "study"]].reset_index(drop=True)


def rates(df: pd.DataFrame, dimension: str, outcomes: tuple[str, ...]) -> pd.DataFrame:
    """Return percentage rows of a dimension for the given outcomes (response, remission, relapse, ...)."""
    sel = df[(df["dimension"] == dimension) & df["outcome"].isin(outcomes) & (df["unit"] == PERCENT)]
    return sel.sort_values(["outcome", "treatment_group", "value"])


def relative_effects(df: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Return ratio-type effects (odds, risk, hazard ratios) of a dimension, each against its comparator."""
    sel = df[(df["dimension"] == dimension) & df["unit"].isin(vocab.RATIO_UNITS)
             & (df["outcome"] != "prognostic")]
    return sel.sort_values(["unit", "treatment_group", "value"])


def side_effect_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return adverse-event incidence percentages, one row per effect, treatment and source."""
    sel = df[(df["dimension"] == "side_effects") & (df["outcome"] == "adverse_event") & (df["unit"] == PERCENT)]
    return sel.sort_values(["outcome_label", "treatment_group"])


# The side-effect profile's rows: an effect's name, and the words that find it in an outcome label (lower case).
EFFECT_GROUPS = (
    ("Dissociation", ("dissociat",)),
    ("Dizziness", ("dizziness",)),
    ("Vertigo", ("vertigo",)),
    ("Nausea", ("nausea",)),
    ("Vomiting", ("vomiting",)),
    ("Sedation, drowsiness", ("sedation", "drowsiness", "somnolence")),
    ("Headache", ("headache",)),
    ("Raised blood pressure", ("blood pressure",)),
    ("Sexual dysfunction", ("sexual", "orgasm")),
    ("Insomnia", ("insomnia",)),
    ("Dry mouth", ("dry mouth",)),
    ("Diarrhoea", ("diarrh",)),
    ("Anxiety", ("anxiety",)),
    ("Hypoesthesia", ("hypoesthesia",)),
    ("Feeling drunk", ("drunk",)),
)
# Control arms a drug arm is set against in the same source: a placebo, or (esketamine trials) an antidepressant
# with a placebo spray.
CONTROL_ARMS = ("Placebo", "Antidepressant + placebo spray")


def effect_of(label: str) -> str | None:
    """Return the profile effect an outcome label names, or None."""
    low = label.lower()
    return next((name for name, words in EFFECT_GROUPS if any(w in low for w in words)), None)


def side_effect_profile(df: pd.DataFrame) -> pd.DataFrame:
    """Return one row per effect and treatment group: the median, lowest and highest reported incidence, how many
    figures and sources, and (where a source reports the group's arm beside its control arm) the median difference.

    Medians describe the figures shown; populations and designs differ between them.
    """
    ae = side_effect_rates(df).copy()
    cols = ["effect", "treatment_group", "family", "median", "lowest", "highest", "figures", "sources",
            "difference_vs_control", "pairs"]
    if ae.empty:
        return pd.DataFrame(columns=cols)
    ae["effect"] = ae["outcome_label"].map(effect_of)
    ae = ae[ae["effect"].notna()]
    controls = ae[ae["treatment_group"].isin(CONTROL_ARMS)]
    ctrl = controls.groupby(["source_id", "effect"])["value"].first()
    out = []
    for (effect, group), sub in ae.groupby(["effect", "treatment_group"], sort=False):
        keys = list(zip(sub["source_id"], sub["effect"]))
        diffs = [v - ctrl[k] for k, v in zip(keys, sub["value"]) if k in ctrl.index and group not in CONTROL_ARMS]
        out.append({"effect": effect, "treatment_group": group, "family": vocab.family_of(group),
                    "median": float(sub["value"].median()), "lowest": float(sub["value"].min()),
                    "highest": float(sub["value"].max()), "figures": len(sub),
                    "sources": ", ".join(sorted(set(sub["study"]))),
                    "difference_vs_control": float(pd.Series(diffs).median()) if diffs else None, "pairs": len(diffs)})
    order = {name: i for i, (name, _) in enumerate(EFFECT_GROUPS)}
    groups = {g: i for i, g in enumerate(vocab.TREATMENT_GROUPS)}
    prof = pd.DataFrame(out, columns=cols)
    return prof.sort_values(["effect", "treatment_group"], key=lambda c: c.map(order if c.name == "effect" else groups),
                            ignore_index=True)


def profile_message(prof: pd.DataFrame) -> str:
    """Return, for each treatment group, its most frequently reported effect (median) and its control difference."""
    parts = []
    for group, sub in prof.groupby("treatment_group", sort=False):
        if group in CONTROL_ARMS:
            continue
        top = sub.loc[sub["median"].idxmax()]
        text = f"{group}: {top['effect'].lower()} most often ({top['median']:g}%"
        if pd.notna(top["difference_vs_control"]):
            text += f", {top['difference_vs_control']:+g} points against the control arm of the same source"
        parts.append(text + f"; {vocab.counted(int(top['figures']), 'figure')})")
    return ("; ".join(parts) + ". Medians of the figures shown; populations and designs differ."
            if parts else "No side-effect percentages for a named effect in the current selection.")


def discontinuation_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return the share of patients who stopped because of adverse events (or for any reason)."""
    sel = df[df["outcome"].isin(["discontinuation_adverse_events", "discontinuation_any"]) & (df["unit"] == PERCENT)]
    return sel.sort_values(["outcome", "treatment_group"])


# ---------------------------------------------------------------- summaries in words

def fmt_hours(h: float) -> str:
    """Return a time in hours as the unit a reader would use (hours, days or weeks)."""
    if h < 48:
        return f"{h:g} hours" if h != 1 else "1 hour"
    days = h / 24
    if days < 21:
        return f"{days:g} days"
    return f"{days / 7:g} weeks"


# ---------------------------------------------------------------- overview

def evidence_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Return the number of figures per dimension and family (for the evidence map)."""
    out = df.groupby(["dimension", "family"], observed=True).size().rename("figures").reset_index()
    out["dimension_label"] = out["dimension"].map(vocab.DIMENSION_LABELS)
    return out


def evidence_by_year(df: pd.DataFrame) -> pd.DataFrame:
    """Return figures per publication year and family, with the sources behind them (for 'evidence over time')."""
    out = (df.groupby(["year", "family"], observed=True)
             .agg(figures=("row_id", "size"), sources=("study", lambda s: ", ".join(sorted(set(s)))))
             .reset_index())
    return out.astype({"year": int})


def over_time_message(by_year: pd.DataFrame) -> str:
    """Return, per family, the span of publication years and the year with the most figures."""
    parts = []
    for fam in vocab.FAMILIES[:2]:
        sub = by_year[by_year["family"] == fam]
        if sub.empty:
            continue
        peak = sub.loc[sub["figures"].idxmax()]
        parts.append(f"{fam}: figures published {sub['year'].min()}–{sub['year'].max()}, most in {peak['year']} "
                     f"({vocab.counted(int(peak['figures']), 'figure')})")
    return "; ".join(parts) + "." if parts else "No figures with a publication year in the current selection."


def _range_text(values: pd.Series, unit: str = "%") -> str:
    lo, hi = values.min(), values.max()
    return f"{lo:g}{unit}" if lo == hi else f"{lo:g}–{hi:g}{unit}"


# ---------------------------------------------------------------- page helpers

def concat_rows(*frames: pd.DataFrame) -> pd.DataFrame:
    """Return the frames stacked (skipping empty ones), keeping row order."""
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _median_line(rows: pd.DataFrame, name: str, unit: str = "%") -> str | None:
    if rows.empty:
        return None
    med = rows["value"].median()
    return (f"{name}: median {med:g}{unit} (range {_range_text(rows['value'], unit)}, "
            f"{vocab.counted(len(rows), 'figure')} from {vocab.counted(rows['source_id'].nunique(), 'source')})")


def relapse_message(rel: pd.DataFrame) -> str:
    """Return a sentence contrasting relapse on continued treatment with relapse after switching to placebo."""
    rel = rel[rel["outcome"] == "relapse"]
    parts = [
        _median_line(rel[rel["family"] == vocab.FAMILIES[1]], "kept on an antidepressant"),
        _median_line(rel[rel["treatment_group"] == "Placebo"], "switched to placebo"),
        _median_line(rel[rel["family"] == vocab.FAMILIES[0]], "ketamine or esketamine"),
    ]
    parts = [p for p in parts if p]
    if not parts:
        return "No relapse percentages in the current selection."
    return "Relapse, " + "; ".join(parts) + ". Medians describe the rows shown; they are not a pooled estimate."


def durations(df: pd.DataFrame) -> pd.DataFrame:
    """Return durations of benefit and times to relapse, converted to days (openly: hours/24, weeks x7)."""
    return concat_rows(time_to_event(df, "duration_of_benefit"), time_to_event(df, "time_to_relapse"))


def maintenance_regimens(df: pd.DataFrame) -> pd.DataFrame:
    """Return one row per distinct treatment behind the durability figures, ketamine first."""
    d = df[df["dimension"] == "durability"]
    d = d[d["family"] != vocab.FAMILIES[2]]
    cols = ["family", "treatment_group", "treatment", "route", "regimen", "study", "link"]
    out = d[cols].drop_duplicates(subset=["treatment", "study"])
    order = {f: i for i, f in enumerate(vocab.FAMILIES)}
    return out.sort_values(["family", "treatment_group"], key=lambda s: s.map(order) if s.name == "family" else s)


def rate_message(rows: pd.DataFrame, what: str) -> str:
    """Return a sentence giving the median and range of a rate per family, by population."""
    parts = []
    for pop, sub in rows.groupby("population", sort=False):
        for fam, name in ((vocab.FAMILIES[0], "ketamine"), (vocab.FAMILIES[1], "traditional antidepressants"),
                          (vocab.FAMILIES[2], "placebo and comparators")):
            line = _median_line(sub[sub["family"] == fam], f"{name} in {pop}")
            if line:
                parts.append(line)
    if not parts:
        return f"No {what} rates in the current selection."
    return f"{what.capitalize()}: " + "; ".join(parts) + ". Medians describe the rows shown, not a pooled estimate."


STEP_PATTERN = r"\bsteps?\b|switch"


def sequential_steps(df: pd.DataFrame) -> pd.DataFrame:
    """Return remission rates from sequential-treatment studies (labels that name a step or a switch, e.g. STAR*D)."""
    sel = df[
        (df["dimension"] == "non_response")
        & (df["outcome"] == "remission")
        & (df["unit"] == PERCENT)
        & (df["family"] == vocab.FAMILIES[1])
        & df["outcome_label"].str.contains(STEP_PATTERN, case=False, regex=True)
    ]
    return sel


def ketamine_trd_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return ketamine response and remission percentages in treatment-resistant depression."""
    return df[
        (df["dimension"] == "non_response")
        & df["outcome"].isin(["response", "remission"])
        & (df["unit"] == PERCENT)
        & (df["family"] == vocab.FAMILIES[0])
        & (df["population"] == "treatment-resistant depression")
    ]


def steps_message(steps: pd.DataFrame, ket: pd.DataFrame) -> str:
    """Return a sentence on remission across treatment steps and ketamine's rates in treatment-resistant depression."""
    parts = []
    single = steps[~steps["outcome_label"].str.contains("cumulative", case=False)]
    if not single.empty:
        parts.append(f"remission in sequential steps of traditional treatment ranged {_range_text(single['value'])}")
    cum = steps[steps["outcome_label"].str.contains("cumulative", case=False)]
    if len(cum) > 1:
        parts.append(f"cumulative remission is reported as {', '.join(f'{v:g}%' for v in cum['value'])} by different analyses "
                     f"({', '.join(cum['study'])})")
    elif len(cum) == 1:
        parts.append(f"cumulative remission {cum['value'].iloc[0]:g}% ({cum['study'].iloc[0]})")
    if not ket.empty:
        parts.append(f"ketamine in treatment-resistant depression: {_range_text(ket['value'])} across {len(ket)} figures")
    return ("; ".join(parts).capitalize() + ".") if parts else "No step-by-step figures in the current selection."


def side_effect_message(ae: pd.DataFrame) -> str:
    """Return a sentence naming the most frequent reported effect per family, with its placebo rate where the same study gives one."""
    parts = []
    for fam, name in ((vocab.FAMILIES[0], "Ketamine"), (vocab.FAMILIES[1], "Traditional antidepressants")):
        sub = ae[ae["family"] == fam]
        if sub.empty:
            continue
        top = sub.loc[sub["value"].idxmax()]
        # The same study's control arm: a placebo, or (esketamine trials) an antidepressant with a placebo spray.
        control = ae[(ae["source_id"] == top["source_id"]) & (ae["outcome_label"] == top["outcome_label"])
                     & ae["treatment_group"].isin(CONTROL_ARMS) & (ae["treatment_group"] != top["treatment_group"])]
        text = f"{name}: the highest figure reported is {top['value']:g}% ({top['study']}: {top['outcome_label'].lower()})"
        if not control.empty:
            c = control.iloc[0]
            text += (f" against {c['value']:g}% on placebo" if c["treatment_group"] == "Placebo" else
                     f" against {c['value']:g}% in its control arm ({c['treatment_group'].lower()})")
        parts.append(text)
    return ("; ".join(parts) + ".") if parts else "No side-effect percentages in the current selection."


def other_side_effect_figures(df: pd.DataFrame) -> pd.DataFrame:
    """Return side-effect rows that are not incidence or discontinuation percentages (ratios, NNH, counts, mmHg, scores)."""
    se = df[df["dimension"] == "side_effects"]
    shown = se["outcome"].isin(["adverse_event", "discontinuation_adverse_events", "discontinuation_any"]) & (se["unit"] == PERCENT)
    return se[~shown]


SEARCH_COLUMNS = ("study", "treatment", "treatment_group", "outcome_label", "outcome_definition", "caveats",
                  "population", "design", "row_id", "citation")


def search_rows(df: pd.DataFrame, query: str) -> pd.DataFrame:
    """Return rows containing every word of query (case-insensitive, literal text, not a pattern)."""
    words = [w for w in (query or "").lower().split() if w]
    if not words:
        return df
    hay = df[list(SEARCH_COLUMNS)].fillna("").astype(str).agg(" ".join, axis=1).str.lower()
    mask = pd.Series(True, index=df.index)
    for w in words:
        mask &= hay.str.contains(w, regex=False)
    return df[mask]


def source_table(sources: pd.DataFrame, all_rows: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """Return every source with its identifier, link, and how many of its figures the current view shows."""
    out = sources.copy()
    counts = shown["source_id"].value_counts()
    out["figures_shown"] = out["source_id"].map(counts).fillna(0).astype(int)
    out["figures_total"] = out["source_id"].map(all_rows["source_id"].value_counts()).fillna(0).astype(int)
    out["identifier"] = [
        f"DOI {d}" if isinstance(d, str) and d else f"PMID {p}" if isinstance(p, str) and p else str(o)
        for d, p, o in zip(out["doi"], out["pmid"], out["other_id"])
    ]
    out["link"] = [source_link(d, p, u) for d, p, u in zip(out["doi"], out["pmid"], out["url"])]
    out["read_at"] = out["url"]
    return out.sort_values(["figures_shown", "short_citation"], ascending=[False, True])


def ratio_message(rows: pd.DataFrame) -> str:
    """Return how many ratios have an interval excluding 1 (no difference), how many include it, and how many give none."""
    ci = rows["ci_low"].notna() & rows["ci_high"].notna()
    excludes = ci & ((rows["ci_low"] > 1) | (rows["ci_high"] < 1))
    parts = [f"{int(excludes.sum())} of {len(rows)} ratios have a confidence interval that excludes 1 (no difference)"]
    if (ci & ~excludes).any():
        parts.append(f"{int((ci & ~excludes).sum())} include 1")
    if (~ci).any():
        parts.append(f"{int((~ci).sum())} are reported without an interval")
    return "; ".join(parts) + ". Whether below or above 1 favours the treatment depends on the outcome: see each row."


def duration_message(rows: pd.DataFrame, what: str) -> str:
    """Return the range of reported durations in days, naming the studies at each end."""
    if rows.empty:
        return f"No {what} in the current selection."
    lo, hi = rows.loc[rows["value_days"].idxmin()], rows.loc[rows["value_days"].idxmax()]
    return (f"{what.capitalize()} reported from {lo['value_days']:g} days ({lo['study']}, {lo['treatment_group']}) "
            f"to {hi['value_days']:g} days ({hi['study']}, {hi['treatment_group']}); each as its source defines it.")


def earliest_effect_message(rows: pd.DataFrame) -> str:
    """Return the earliest time point at which each group has a reported difference from its comparator."""
    firsts = rows.loc[rows.groupby("treatment_group", observed=True)["time_hours"].idxmin()]
    return "Earliest reported comparison with a control: " + "; ".join(
        f"{r.treatment_group} at {fmt_hours(r.time_hours)} ({r.study})" for r in firsts.itertuples()) + "."


def family_medians_message(rows: pd.DataFrame, what: str) -> str:
    """Return the median and range of percentages per family (a description of the rows, not a pooled estimate)."""
    parts = [line for fam in vocab.FAMILIES
             if (line := _median_line(rows[rows["family"] == fam], fam.lower()))]
    if not parts:
        return f"No {what} in the current selection."
    return f"{what.capitalize()}: " + "; ".join(parts) + "."


def first_step_non_response(df: pd.DataFrame) -> pd.DataFrame:
    """Return first-step response rates of traditional treatment with the share not responding, computed openly as 100 - response."""
    sel = df[
        (df["dimension"] == "non_response") & (df["outcome"] == "response") & (df["unit"] == PERCENT)
        & (df["family"] == vocab.FAMILIES[1])
        & df["outcome_label"].str.contains(r"level 1|step 1", case=False, regex=True)
    ].copy()
    sel["not_responding"] = 100 - sel["value"]
    return sel


def certainty_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Return the number of figures per family and certainty level (for the caveats chart)."""
    out = df.groupby(["family", "certainty"], observed=True).size().rename("figures").reset_index()
    return out


# ---------------------------------------------------------------- onset and durability on one time axis

TIMELINE_KINDS = (
    "Onset: reported time to response or to a drug-placebo difference",
    "Onset: earliest time point with a reported response rate",
    "Durability: duration of benefit or time to relapse",
)


def timeline_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Return the figures that place a treatment group on a time axis in days, with a `kind` and `days` column.

    Three kinds, never mixed into one number: reported times to response, the earliest time point at which a study
    reports a response rate (when it was measured, not when response began), and reported durations of benefit or
    times to relapse. Hours and weeks are converted to days openly (hours / 24, weeks x 7).
    """
    ttr = time_to_event(df, "time_to_response")
    first = earliest_response_rows(onset_time_course(df))
    dur = durations(df)
    parts = [
        ttr.assign(kind=TIMELINE_KINDS[0], days=ttr["value_days"]) if not ttr.empty else ttr,
        first.assign(kind=TIMELINE_KINDS[1], days=first["time_hours"] / 24) if not first.empty else first,
        dur.assign(kind=TIMELINE_KINDS[2], days=dur["value_days"]) if not dur.empty else dur,
    ]
    out = concat_rows(*parts)
    if out.empty:
        return out
    order = {g: i for i, g in enumerate(vocab.TREATMENT_GROUPS)}
    return out.sort_values(["treatment_group", "days"], key=lambda c: c.map(order) if c.name == "treatment_group"
                           else c).reset_index(drop=True)


def timeline_message(rows: pd.DataFrame) -> str:
    """Return, per group, its earliest figure of each onset kind and its longest durability figure, with studies."""
    parts = []
    for group, sub in rows.groupby("treatment_group", sort=False):
        bits = []
        for kind, words in ((TIMELINE_KINDS[0], "time to response {t}"),
                            (TIMELINE_KINDS[1], "first response rate reported at {t}")):
            k = sub[sub["kind"] == kind]
            if not k.empty:
                o = k.loc[k["days"].idxmin()]
                bits.append(words.format(t=fmt_hours(o["days"] * 24)) + f" ({o['study']})")
        dur = sub[sub["kind"] == TIMELINE_KINDS[2]]
        if not dur.empty:
            d = dur.loc[dur["days"].idxmax()]
            bits.append(f"longest duration or time to relapse {d['days']:g} days ({d['study']}: "
                        f"{d['outcome_label'].lower()})")
        parts.append(f"{group}: " + "; ".join(bits))
    return ". ".join(parts) + ". A response rate's time point is when it was measured, not when response began."
