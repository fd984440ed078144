"""Cross-question comparisons: benefit against burden, and a side-effect burden weighted by what matters to the reader.

Pure pandas. Both are descriptions of the figures in view (medians and ranges of study figures, not pooled
estimates), and every page that shows them says so.
"""

from __future__ import annotations

import re

import pandas as pd

from . import evidence as ev, vocab

# Side-effect categories, matched in each figure's outcome label (case-insensitive). A figure in no category is
# left out of the weighted score and listed as such.
EFFECT_CATEGORIES = {
    "Dissociation or altered perception": r"dissociat|feeling drunk|perception",
    "Nausea or vomiting": r"nausea|vomit",
    "Dizziness or vertigo": r"dizz|vertigo",
    "Sleepiness or sedation": r"somnolence|drows|sedation",
    "Insomnia": r"insomnia",
    "Sexual problems": r"sexual|orgasm|ejaculat|libido",
    "Blood pressure rise": r"blood pressure|hypertension",
    "Weight gain": r"weight",
    "Withdrawal symptoms": r"withdrawal|discontinuation symptom",
    "Headache": r"headache",
}


def categorise(labels: pd.Series) -> pd.Series:
    """Return each outcome label's side-effect category (first match), or None."""
    def one(label: str):
        for cat, pattern in EFFECT_CATEGORIES.items():
            if re.search(pattern, label, flags=re.I):
                return cat
        return None
    return labels.map(one)


def weighted_rows(df: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Return the side-effect incidence rows that enter the weighted score (kinds with a weight above 0)."""
    ae = ev.side_effect_rates(df)
    cats = categorise(ae["outcome_label"])
    return ae[cats.map(lambda c: isinstance(c, str) and weights.get(c, 0) > 0)]


def category_medians(df: pd.DataFrame) -> pd.DataFrame:
    """Return the median incidence (%) and figure count per treatment group and side-effect category."""
    ae = ev.side_effect_rates(df)
    ae = ae.assign(category=categorise(ae["outcome_label"])).dropna(subset=["category"])
    g = ae.groupby(["treatment_group", "category"], observed=True)["value"]
    out = pd.DataFrame({"median": g.median(), "figures": g.size()}).reset_index()
    return out


def weighted_burden(df: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Return, per treatment group, the weighted mean of its category medians, over the categories it has data for.

    score = sum(w_c * median_c) / sum(w_c) over categories c with weight > 0 and a figure for that group.
    Categories without figures count as missing, never as zero; `missing` lists them.
    """
    med = category_medians(df)
    med = med[med["category"].map(lambda c: weights.get(c, 0) > 0)]
    rows = []
    wanted = [c for c, w in weights.items() if w > 0]
    for group, sub in med.groupby("treatment_group", observed=True):
        w = sub["category"].map(weights)
        rows.append({
            "treatment_group": group,
            "family": vocab.family_of(group),
            "weighted_burden": float((w * sub["median"]).sum() / w.sum()),
            "categories_with_data": len(sub),
            "categories_weighted": len(wanted),
            "missing": ", ".join(c for c in wanted if c not in set(sub["category"])) or "none",
            "figures": int(sub["figures"].sum()),
        })
    out = pd.DataFrame(rows, columns=["treatment_group", "family", "weighted_burden", "categories_with_data",
                                      "categories_weighted", "missing", "figures"])
    return out.sort_values("weighted_burden").reset_index(drop=True)


def benefit_burden_rows(df: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Return the response and side-effect incidence rows behind the benefit-burden chart (`summary` is its
    benefit_burden table, passed in so it is not computed twice)."""
    rows = ev.concat_rows(ev.rates(df, "non_response", ("response",)), ev.side_effect_rates(df))
    return rows[rows["treatment_group"].isin(set(summary["treatment_group"]))] if not rows.empty else rows


def benefit_burden(df: pd.DataFrame) -> pd.DataFrame:
    """Return per treatment group: median response (%) and median side-effect incidence (%), with ranges and counts."""
    resp = ev.rates(df, "non_response", ("response",))
    ae = ev.side_effect_rates(df)
    rows = []
    for group in vocab.TREATMENT_GROUPS:
        r, a = resp[resp["treatment_group"] == group]["value"], ae[ae["treatment_group"] == group]["value"]
        if r.empty or a.empty:
            continue
        rows.append({
            "treatment_group": group, "family": vocab.family_of(group),
            "response_median": r.median(), "response_min": r.min(), "response_max": r.max(), "response_figures": len(r),
            "burden_median": a.median(), "burden_min": a.min(), "burden_max": a.max(), "burden_figures": len(a),
        })
    return pd.DataFrame(rows, columns=["treatment_group", "family", "response_median", "response_min", "response_max",
                                       "response_figures", "burden_median", "burden_min", "burden_max", "burden_figures"])


def benefit_burden_message(bb: pd.DataFrame) -> str:
    """Return a sentence naming the groups with the highest median response and the lowest median burden."""
    best = bb.loc[bb["response_median"].idxmax()]
    light = bb.loc[bb["burden_median"].idxmin()]
    return (f"Highest median reported response: {best['treatment_group']} ({best['response_median']:g}%, "
            f"{best['response_figures']} figures). Lowest median reported side-effect incidence: "
            f"{light['treatment_group']} ({light['burden_median']:g}%, {light['burden_figures']} figures).")


def weighted_message(wb: pd.DataFrame) -> str:
    """Return a sentence naming the lightest and heaviest weighted burden and how complete their data are."""
    lo, hi = wb.iloc[0], wb.iloc[-1]
    return (f"With these weights, the lightest burden is {lo['treatment_group']} ({lo['weighted_burden']:.1f}, "
            f"{lo['categories_with_data']} of {lo['categories_weighted']} kinds with data) and the heaviest is "
            f"{hi['treatment_group']} ({hi['weighted_burden']:.1f}, {hi['categories_with_data']} of "
            f"{hi['categories_weighted']} kinds).")
