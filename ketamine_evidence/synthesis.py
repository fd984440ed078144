"""Synthesis: a comparison set's rows turned into study effects and, where the set allows it, a pooled result.

Pooling is statsmodels' random-effects meta-analysis (`combine_effects`): Paule-Mandel between-study variance,
a Hartung-Knapp (HKSJ) confidence interval with 3 or more studies (a normal one with 2), a 95% prediction interval
(t with k-2 degrees of freedom, Cochrane Handbook 10.10.4.3) and Higgins' I² from Cochran's Q. Ratios are pooled
on the log scale, shares on the logit scale, risk differences as they are. A published pooled estimate is shown
as published ("pooled by ..."), never pooled again. No Streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions

from . import vocab
from .comparison_sets import PUBLISHED_POOL_DESIGNS, RATIO_MEASURES, SIDE_LABELS, SIDES, split_ids

Z95 = stats.norm.ppf(0.975)
CERTAINTY_ORDER = {c: i for i, c in enumerate(vocab.CERTAINTY)}  # high=0 ... very low=3
NULL = {"risk ratio": 1.0, "odds ratio": 1.0, "hazard ratio": 1.0, "risk difference": 0.0}
STATISTIC = {"risk ratio": "risk-ratio", "odds ratio": "odds-ratio", "risk difference": "diff"}
MEASURE_WORDS = {"proportion": "share"}  # how a measure is named in a sentence


@dataclass(frozen=True)
class Pooled:
    """A random-effects pool on the analysis scale (log ratio, logit share or difference)."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    pi_low: float | None
    pi_high: float | None
    k: int
    i2: float
    tau2: float
    ci_method: str
    weights: tuple[float, ...]


def pool(effects, variances, method_re: str = "pm") -> Pooled:
    """Return the random-effects pool of effects with their sampling variances (needs 2 or more)."""
    eff, var = np.asarray(effects, dtype=float), np.asarray(variances, dtype=float)
    k = len(eff)
    if k < 2:
        raise ValueError("pooling needs at least two effects")
    res = combine_effects(eff, var, method_re=method_re, use_t=False)
    mu, se = float(res.mean_effect_re), float(res.sd_eff_w_re)
    if k >= 3:
        # Hartung-Knapp-Sidik-Jonkman: the variance scaled by the weighted residuals, with t on k-1 df.
        t = stats.t.ppf(0.975, k - 1)
        half, method = t * float(res.sd_eff_w_re_hksj), "Hartung-Knapp"
        tp = stats.t.ppf(0.975, k - 2)
        spread = tp * math.sqrt(float(res.tau2) + se ** 2)
        pi = (mu - spread, mu + spread)
    else:
        half, method, pi = Z95 * se, "normal (Wald)", (None, None)
    return Pooled(estimate=mu, se=se, ci_low=mu - half, ci_high=mu + half, pi_low=pi[0], pi_high=pi[1], k=k,
                  i2=max(0.0, float(res.i2)), tau2=float(res.tau2), ci_method=method,
                  weights=tuple(float(w) for w in res.weights_rel_re))


# ---------------------------------------------------------------- scales

def to_display(measure: str, x):
    """Return a value on the analysis scale as the reader sees it (ratio, percentage points or %)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if measure in RATIO_MEASURES:
        return math.exp(x)
    if measure == "risk difference":
        return 100 * x
    return 100 / (1 + math.exp(-x))  # proportion, from logit


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


# ---------------------------------------------------------------- one member's effect

GROUP_NOUNS = {
    "IV ketamine": "IV ketamine", "Esketamine": "esketamine", "Other ketamine": "ketamine", "SSRI": "SSRIs",
    "SNRI": "SNRIs", "TCA": "tricyclics", "Other antidepressant": "other antidepressants",
    "Antidepressants (pooled)": "antidepressants",
    "Antidepressant + placebo spray": "an oral antidepressant (with a placebo spray)",
}


def _arm(rows: pd.DataFrame) -> tuple[float, float]:
    """Return (events, n) for one or more arm rows combined: events taken as percent times n, openly."""
    n = rows["n"].astype(float)
    return float((rows["value"].astype(float) / 100 * n).sum()), float(n.sum())


def member_effect(member: dict, measure: str, rows: pd.DataFrame) -> dict:
    """Return one member's effect: display value and CI, analysis-scale value and variance, and how it was got.

    `rows` is the evidence (joined to sources) indexed by row_id. The variance is NaN when the source gives no
    interval and no arm sizes: such a member is shown, never pooled.
    """
    treat = rows.loc[split_ids(member["row_ids"])]
    control = rows.loc[split_ids(member["control_row_ids"])] if split_ids(member["control_row_ids"]) else None
    first = treat.iloc[0]
    out = {"y": math.nan, "v": math.nan, "n_text": "", "how": ""}
    if control is not None:
        e1, n1 = _arm(treat)
        e2, n2 = _arm(control)
        zero = min(e1, e2) <= 0 or max(e1 - n1, e2 - n2) >= 0
        y, v = effectsize_2proportions(e1, n1, e2, n2, statistic=STATISTIC[measure],
                                       zero_correction=0.5 if zero and measure != "risk difference" else None)
        out.update(y=float(y), v=float(v), n_text=f"n {int(n1):,} vs {int(n2):,}",
                   how=f"computed from the two arms ({_pct(e1, n1)} vs {_pct(e2, n2)})")
    elif measure == "proportion":
        # A share pools on the logit scale; without its n it is shown, never pooled.
        e, n = _arm(treat) if treat["n"].notna().all() else (float(first["value"]), math.nan)
        p = e / n if not math.isnan(n) else e / 100
        if 0 < p < 1:
            out["y"] = _logit(p)
            if not math.isnan(n):
                out.update(v=1 / (n * p) + 1 / (n * (1 - p)), n_text=f"n {int(n):,}")
        out["how"] = "share of the arm" if len(treat) == 1 else f"{len(treat)} arms of the trial combined"
    else:
        value, lo, hi = float(first["value"]), first["ci_low"], first["ci_high"]
        level = float(first["ci_level"]) if pd.notna(first["ci_level"]) else 95.0
        z = stats.norm.ppf(0.5 + level / 200)
        if measure in RATIO_MEASURES:
            if member.get("invert") == "yes":
                value, lo, hi = 1 / value, (1 / hi if pd.notna(hi) else None), (1 / lo if pd.notna(lo) else None)
            y = math.log(value)
            v = ((math.log(hi) - math.log(lo)) / (2 * z)) ** 2 if lo is not None and pd.notna(lo) else math.nan
        else:  # risk difference published in percentage points
            y = value / 100
            v = ((float(hi) - float(lo)) / 100 / (2 * z)) ** 2 if pd.notna(lo) else math.nan
        out.update(y=y, v=v, how="published" + (", inverted (1/ratio)" if member.get("invert") == "yes" else ""))
        # Shown as the source printed it (inverted if need be), never as re-derived from the log-scale variance.
        out["shown"] = (value, _none(lo), _none(hi))
        if pd.notna(first["n"]):
            out["n_text"] = f"n {int(first['n']):,}"
    published_pool = first["design"] in PUBLISHED_POOL_DESIGNS
    if published_pool:
        k = first["n_studies"]
        out["how"] = f"pooled by {first['study']}" + (f" ({int(k)} studies)" if pd.notna(k) else "")
    out["published_pool"] = published_pool
    # A single trial's figure, or one figure from a pooled analysis or a label (several trials, pooled by others).
    out["single_trial"] = first["design"] in ("RCT", "open-label trial", "case series", "observational cohort")
    return out


def _shown(eff: dict, measure: str) -> dict:
    """Return the value and 95% CI a reader sees: as published, or computed from the arms (display scale)."""
    if "shown" in eff:
        v, lo, hi = eff["shown"]
        return {"value": v, "ci_low": math.nan if lo is None else lo, "ci_high": math.nan if hi is None else hi}
    y, var = eff["y"], eff["v"]
    if math.isnan(var):
        return {"value": to_display(measure, y), "ci_low": math.nan, "ci_high": math.nan}
    half = Z95 * math.sqrt(var)
    return {"value": to_display(measure, y), "ci_low": to_display(measure, y - half),
            "ci_high": to_display(measure, y + half)}


def _none(x):
    return None if x is None or pd.isna(x) else float(x)


def _pct(e: float, n: float) -> str:
    return f"{100 * e / n:.1f}% of {int(n):,}"


# ---------------------------------------------------------------- a whole set

@dataclass
class SideResult:
    """One side of a set: its members, and the summary a headline shows (pooled, single, or published)."""

    side: str
    effects: pd.DataFrame
    pooled: Pooled | None = None
    kind: str = "none"  # pooled | single | published | several | none
    certainty: str = "very low"
    groups: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return SIDE_LABELS[self.side]


@dataclass
class SetResult:
    """A comparison set computed over the rows a reader's filters leave."""

    spec: dict
    effects: pd.DataFrame
    sides: dict[str, SideResult]
    missing: list[str]

    @property
    def comparable(self) -> bool:
        return not self.missing


def synthesise(spec: dict, members: pd.DataFrame, rows: pd.DataFrame) -> SetResult:
    """Return the set's study effects and per-side summaries, using only members whose rows are all in `rows`."""
    measure = spec["measure"]
    indexed = rows.set_index("row_id", drop=False)
    records = []
    for m in members[members["set_id"] == spec["set_id"]].to_dict("records"):
        ids = split_ids(m["row_ids"]) + split_ids(m["control_row_ids"])
        if not all(i in indexed.index for i in ids):
            continue  # filtered out: the member does not apply to the reader's selection
        eff = member_effect(m, measure, indexed)
        first = indexed.loc[split_ids(m["row_ids"])[0]]
        group = m["shown_as"] if m.get("shown_as") else first["treatment_group"]
        certainty = max((indexed.loc[i, "certainty"] for i in ids), key=lambda c: CERTAINTY_ORDER[c])
        records.append({
            **m, **eff, "group": group, "study": first["study"], "link": first["link"], "certainty": certainty,
            "population": first["population"], "time_reported": first["time_reported"] or "",
            **_shown(eff, measure),
        })
    effects = pd.DataFrame(records)
    sides, missing = {}, []
    for side in SIDES:
        sub = effects[effects["side"] == side] if not effects.empty else effects
        if sub.empty:
            missing.append(side)
            sides[side] = SideResult(side=side, effects=sub)
            continue
        res = SideResult(side=side, effects=sub,
                         certainty=max(sub["certainty"], key=lambda c: CERTAINTY_ORDER[c]),
                         groups=list(dict.fromkeys(sub["group"])))
        poolable = sub[sub["v"].notna() & ~sub["published_pool"]]
        if spec["pool"] == "yes" and len(poolable) >= 2:
            res.pooled, res.kind = pool(poolable["y"], poolable["v"]), "pooled"
            weights = dict(zip(poolable["member_id"], res.pooled.weights))
            effects.loc[sub.index, "weight"] = sub["member_id"].map(weights)
        elif len(sub) == 1:
            res.kind = "published" if bool(sub["published_pool"].iloc[0]) else "single"
        else:
            res.kind = "several"
        sides[side] = res
    if not effects.empty:
        if "weight" not in effects.columns:
            effects["weight"] = np.nan
        for res in sides.values():  # each side sees the weights just computed
            res.effects = effects.loc[res.effects.index]
    return SetResult(spec=spec, effects=effects, sides=sides, missing=missing)


# ---------------------------------------------------------------- words

# GRADE's plain-language verbs (Santesso et al. 2020): the verb carries the certainty.
CERTAINTY_VERBS = {"high": "results in", "moderate": "probably results in", "low": "may result in",
                   "very low": "may result in"}
PLURAL_VERBS = {"results in": "result in", "probably results in": "probably result in"}
SIDE_NOUNS = {"ketamine": "ketamine", "traditional": "traditional antidepressants"}


def fmt(measure: str, x: float | None) -> str:
    """Return a display value with sensible digits for its measure (ratios 2 decimals, others 1)."""
    if x is None:
        return "?"
    if measure in RATIO_MEASURES:
        return f"{x:.2f}"
    return f"{x:.1f}"


def _unit_text(measure: str) -> str:
    return {"risk difference": " points", "proportion": "%"}.get(measure, "")


def summary(side: SideResult, measure: str) -> dict:
    """Return the side's headline numbers on the display scale: value, CI, PI, and the words for its basis."""
    if side.kind == "pooled":
        p = side.pooled
        return {"value": to_display(measure, p.estimate), "ci_low": to_display(measure, p.ci_low),
                "ci_high": to_display(measure, p.ci_high), "pi_low": to_display(measure, p.pi_low),
                "pi_high": to_display(measure, p.pi_high),
                "basis": f"pooled, k = {p.k}, I² = {100 * p.i2:.0f}%"
                         + (f", prediction interval {fmt(measure, to_display(measure, p.pi_low))} to "
                            f"{fmt(measure, to_display(measure, p.pi_high))}" if p.pi_low is not None
                            else ", no prediction interval with 2 studies")}
    rows = side.effects
    if side.kind in ("single", "published"):
        r = rows.iloc[0]
        if side.kind == "published":
            basis = r["how"]
        elif r["single_trial"]:
            basis = f"single study, not pooled ({r['sample']})"
        else:
            basis = f"one published figure from {r['sample']}, not pooled here"
        return {"value": r["value"], "ci_low": _none(r["ci_low"]), "ci_high": _none(r["ci_high"]), "pi_low": None,
                "pi_high": None, "basis": basis}
    if side.kind == "several":
        return {"value": None, "ci_low": None, "ci_high": None, "pi_low": None, "pi_high": None,
                "basis": f"{len(rows)} figures, not pooled: from {fmt(measure, rows['value'].min())} to "
                         f"{fmt(measure, rows['value'].max())}{_unit_text(measure)}"}
    return {"value": None, "ci_low": None, "ci_high": None, "pi_low": None, "pi_high": None, "basis": "no figure"}


def side_sentence(result: SetResult, side: str) -> str:
    """Return one plain sentence for a side, its verb matched to the certainty (GRADE wording)."""
    spec, s = result.spec, result.sides[side]
    measure = spec["measure"]
    if s.kind == "none":
        return f"{s.label}: no figure in the current selection."
    group = GROUP_NOUNS.get(s.groups[0], s.groups[0].lower()) if len(s.groups) == 1 else SIDE_NOUNS[side]
    subject = spec["subject"].replace("{group}", group)
    subject = subject[0].upper() + subject[1:]
    # "SSRIs result in", "continuing SSRIs results in": the verb agrees with what the subject starts with.
    plural = spec["subject"].startswith("{group}") and group.endswith("s")
    sm = summary(s, measure)
    if sm["value"] is None:  # several published figures, not pooled
        return f"{subject}: {sm['basis']} ({s.certainty} certainty)."
    ci = (f", 95% CI {fmt(measure, sm['ci_low'])} to {fmt(measure, sm['ci_high'])}"
          if sm["ci_low"] is not None else ", no confidence interval given")
    stats_text = f"{MEASURE_WORDS.get(measure, measure)} {fmt(measure, sm['value'])}{_unit_text(measure)}{ci}; {sm['basis']}"
    if spec["favours"] == "none":
        return f"{subject}: about {sm['value']:.0f}% {spec['more_words']} ({stats_text}; {s.certainty} certainty)."
    null = NULL[measure]
    lo, hi = sm["ci_low"], sm["ci_high"]
    if lo is None:
        words = spec["more_words"] if sm["value"] > null else spec["fewer_words"]
        verb, tail = "was reported to give", ", with no confidence interval, so its precision is unknown"
    elif lo > null or hi < null:
        words = spec["more_words"] if lo > null else spec["fewer_words"]
        verb, tail = CERTAINTY_VERBS[s.certainty], ""
    else:
        words, verb, tail = spec["no_difference"], CERTAINTY_VERBS[s.certainty], ""
    if plural:
        verb = PLURAL_VERBS.get(verb, verb).replace("was reported", "were reported")
    uncertain = " The evidence is very uncertain." if s.certainty == "very low" else ""
    return f"{subject} {verb} {words}{tail} ({stats_text}; {s.certainty} certainty).{uncertain}"


def headline(result: SetResult) -> str:
    """Return the set's side-by-side message: a sentence per side, or why no like-for-like comparison exists."""
    if result.missing:
        have = [SIDE_LABELS[s].lower() for s in SIDES if s not in result.missing]
        lacking = " and ".join(SIDE_LABELS[s].lower() for s in result.missing)
        why = (f"only {have[0]} have a figure on this measure in the current selection" if have
               else "no figure on this measure is in the current selection")
        return f"No like-for-like comparison here: {why}; {lacking} {'is' if len(result.missing) == 1 else 'are'} missing."
    return " ".join(side_sentence(result, side) for side in SIDES)


def heterogeneity_text(result: SetResult) -> str:
    """Return how much the pooled studies disagree, in words, for each pooled side (empty if nothing is pooled)."""
    parts = []
    for s in result.sides.values():
        if s.kind != "pooled":
            continue
        p = s.pooled
        level = ("little" if p.i2 < 0.3 else "moderate" if p.i2 < 0.6 else "substantial" if p.i2 < 0.9
                 else "considerable")
        few = (" With 3 studies the prediction interval rests on a t distribution with 1 degree of freedom, so it is "
               "very wide whatever the studies show." if p.k == 3 else "")
        parts.append(f"{s.label}: {p.k} studies pooled (random effects, Paule-Mandel; {p.ci_method} interval); "
                     f"I² = {100 * p.i2:.0f}% ({level} inconsistency beyond chance), τ² = {p.tau2:.3g}.{few}")
    return " ".join(parts)


def effects_table(result: SetResult) -> pd.DataFrame:
    """Return one row per study effect and per pooled side, as the forest plot draws them (display scale)."""
    measure = result.spec["measure"]
    rows = []
    for side in SIDES:
        s = result.sides[side]
        for r in s.effects.to_dict("records"):
            rows.append({"side": s.label, "study": r["study"], "sample": r["sample"], "group": r["group"],
                         "n": r["n_text"], "value": r["value"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                         "weight_pct": None if pd.isna(r.get("weight")) else round(100 * r["weight"], 1),
                         "how": r["how"], "certainty": r["certainty"], "reason": r["reason"], "link": r["link"]})
        if s.kind == "pooled":
            sm = summary(s, measure)
            rows.append({"side": s.label, "study": "Pooled", "sample": f"{s.pooled.k} studies", "group": "",
                         "n": "", "value": sm["value"], "ci_low": sm["ci_low"], "ci_high": sm["ci_high"],
                         "weight_pct": 100.0, "how": sm["basis"], "certainty": s.certainty,
                         "reason": "random-effects pool of the rows above", "link": ""})
    return pd.DataFrame(rows)
