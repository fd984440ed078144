"""Evidence logic: pure pandas, no Streamlit.

Each page asks one question; the functions here return the tidy rows that
answer it, the sentences that summarise them (computed, never typed), and the
warnings a reader needs when rows are not like-for-like.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

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
}


def with_sources(evidence: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Return evidence rows with their source's short citation, year, DOI, PMID and a link."""
    cols = ["source_id", "short_citation", "citation", "year", "doi", "pmid", "url"]
    out = evidence.merge(sources[cols], on="source_id", how="left", validate="many_to_one")
    out = out.rename(columns={"short_citation": "study", "url": "source_url"})
    out["link"] = [source_link(d, p, u) for d, p, u in zip(out["doi"], out["pmid"], out["source_url"])]
    return out


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
    }
    opts: dict[str, list] = {}
    for attr, col in FILTER_COLUMNS.items():
        present = set(df[col].dropna())
        opts[attr] = [v for v in order[attr] if v in present] if attr in order else sorted(present, key=str.lower)
    return opts


# ---------------------------------------------------------------- like-for-like

LIKE_FOR_LIKE_ASPECTS = (
    ("population", "populations"),
    ("regimen", "add-on and monotherapy use"),
    ("control_type", "kinds of control (e.g. saline vs active placebo)"),
    ("outcome_definition", "outcome definitions"),
    ("design", "study designs"),
)


def like_for_like_warnings(rows: pd.DataFrame) -> list[str]:
    """Return one sentence for each way the compared rows differ (empty when they match)."""
    warnings = []
    if rows.empty:
        return warnings
    for col, words in LIKE_FOR_LIKE_ASPECTS:
        values = sorted(set(rows[col].dropna()))
        if len(values) > 1:
            shown = "; ".join(values[:4]) + ("; …" if len(values) > 4 else "")
            if col == "outcome_definition":
                shown = f"{len(values)} different definitions"
            warnings.append(f"Rows differ in {words}: {shown}.")
    return warnings


# ---------------------------------------------------------------- per-page selections

PERCENT = "%"


def onset_time_course(df: pd.DataFrame) -> pd.DataFrame:
    """Return response and remission percentages that carry a time since first dose (for the onset chart)."""
    sel = df[
        df["outcome"].isin(["response", "remission"])
        & (df["unit"] == PERCENT)
        & df["time_hours"].notna()
        & (df["time_anchor"] == "first dose")
        & df["dimension"].isin(["onset", "non_response"])
    ]
    return sel.sort_values(["treatment_group", "time_hours"])


def onset_effect_sizes(df: pd.DataFrame) -> pd.DataFrame:
    """Return effect sizes and symptom changes against a comparator over time since first dose."""
    sel = df[
        (df["dimension"] == "onset")
        & df["outcome"].isin(["effect_size", "symptom_change"])
        & df["time_hours"].notna()
    ]
    return sel.sort_values(["treatment_group", "time_hours"])


def time_to_event(df: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Return rows whose value is itself a time (e.g. time to response), converted to days for one axis.

    The conversion (hours / 24, weeks x 7) is made here, openly, and the chart says 'days'.
    """
    sel = df[(df["outcome"] == outcome) & df["unit"].isin(["hours", "days", "weeks"])].copy()
    per_day = {"hours": 1 / 24, "days": 1.0, "weeks": 7.0}
    sel["value_days"] = sel["value"] * sel["unit"].map(per_day)
    sel["ci_low_days"] = sel["ci_low"] * sel["unit"].map(per_day)
    sel["ci_high_days"] = sel["ci_high"] * sel["unit"].map(per_day)
    return sel.sort_values(["treatment_group", "value_days"])


def first_response_times(course: pd.DataFrame) -> pd.DataFrame:
    """Return, per treatment group, the earliest time point at which a response rate is reported."""
    resp = course[course["outcome"] == "response"]
    if resp.empty:
        return pd.DataFrame(columns=["treatment_group", "time_hours", "value", "study"])
    idx = resp.groupby("treatment_group", observed=True)["time_hours"].idxmin()
    return resp.loc[idx, ["treatment_group", "time_hours", "value", "study"]].reset_index(drop=True)


def rates(df: pd.DataFrame, dimension: str, outcomes: tuple[str, ...]) -> pd.DataFrame:
    """Return percentage rows of a dimension for the given outcomes (response, remission, relapse, ...)."""
    sel = df[(df["dimension"] == dimension) & df["outcome"].isin(outcomes) & (df["unit"] == PERCENT)]
    return sel.sort_values(["outcome", "treatment_group", "value"])


def relative_effects(df: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Return ratio-type effects (odds, risk, hazard ratios) of a dimension, each against its comparator."""
    sel = df[(df["dimension"] == dimension) & df["unit"].isin(["odds ratio", "risk ratio", "hazard ratio"])]
    return sel.sort_values(["unit", "treatment_group", "value"])


def side_effect_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return adverse-event incidence percentages, one row per effect, treatment and source."""
    sel = df[(df["dimension"] == "side_effects") & (df["outcome"] == "adverse_event") & (df["unit"] == PERCENT)]
    return sel.sort_values(["outcome_label", "treatment_group"])


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


def family_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Return, per family, how many figures and sources the rows hold."""
    g = df.groupby("family", observed=True)
    out = pd.DataFrame({"figures": g.size(), "sources": g["source_id"].nunique()})
    return out.reindex([f for f in vocab.FAMILIES if f in out.index]).reset_index()


def median_by_group(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the median, range and count of the values per treatment group (a description, not a pooled estimate)."""
    if rows.empty:
        return pd.DataFrame(columns=["treatment_group", "median", "min", "max", "figures"])
    g = rows.groupby("treatment_group", observed=True)["value"]
    out = pd.DataFrame({"median": g.median(), "min": g.min(), "max": g.max(), "figures": g.size()})
    order = [t for t in vocab.TREATMENT_GROUPS if t in out.index]
    return out.reindex(order).reset_index()
