"""Synthesis: a comparison set's rows turned into study effects, pooled results, contrasts and sentences.

Pooling is statsmodels' random-effects meta-analysis (`combine_effects`): Paule-Mandel between-study variance,
with 3 or more studies a Hartung-Knapp (HKSJ) confidence interval that is never narrower than the standard one
(the "ad hoc" modification: the larger of the two standard errors, with t on k-1 degrees of freedom; Knapp and
Hartung 2003, Röver, Knapp and Friede 2015, metafor's test="adhoc"), a normal one with 2; a 95% prediction interval
(t with k-2 degrees of freedom) and Higgins' I². Ratios are pooled on the log scale, risk differences as they are.
A published pooled estimate is shown as published ("pooled by ..."), never pooled again.

Between the two sides of a side-by-side set, an indirect comparison through the common comparator is computed
only where the set allows it (Bucher et al. 1997: the difference of the two log ratios, or of the two risk
differences, with the sum of their variances), labelled "indirect, not randomised".

Certainty is the GRADE judgement of each body of evidence (`grade.py`, `data/grade.csv`), and each sentence is
GRADE's statement for that certainty and for the size of the effect against the set's minimal important
difference. No Streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions

from . import grade as gr, vocab
from .comparison_sets import DIRECT, PUBLISHED_POOL_DESIGNS, RATIO_MEASURES, SIDE_LABELS, sides_of, split_ids

Z95 = stats.norm.ppf(0.975)
CERTAINTY_ORDER = {c: i for i, c in enumerate(vocab.CERTAINTY)}  # high=0 ... very low=3
# Fewer studies than this and a prediction interval says more about the t distribution than about the studies: it is
# shown in the detail, with that caveat, and never in a headline.
PI_HEADLINE_MIN_K = 5
NULL = {"risk ratio": 1.0, "odds ratio": 1.0, "hazard ratio": 1.0, "risk difference": 0.0}
STATISTIC = {"risk ratio": "risk-ratio", "odds ratio": "odds-ratio", "risk difference": "diff"}


@dataclass(frozen=True)
class Pooled:
    """A random-effects pool on the analysis scale (log ratio or difference)."""

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
        # Hartung-Knapp-Sidik-Jonkman: the variance scaled by the weighted residuals, with t on k-1 df; never a
        # smaller standard error than the unadjusted one (with few, similar studies HKSJ alone can be narrower).
        t = stats.t.ppf(0.975, k - 1)
        half, method = t * max(float(res.sd_eff_w_re_hksj), se), "Hartung-Knapp"
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
    """Return a value on the analysis scale as the reader sees it (a ratio, or a difference in percentage points)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return math.exp(x) if measure in RATIO_MEASURES else 100 * x


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
    out = {"y": math.nan, "v": math.nan, "n_text": "", "how": "", "arms": None}
    if control is not None:
        e1, n1 = _arm(treat)
        e2, n2 = _arm(control)
        zero = min(e1, e2) <= 0 or max(e1 - n1, e2 - n2) >= 0
        y, v = effectsize_2proportions(e1, n1, e2, n2, statistic=STATISTIC[measure],
                                       zero_correction=0.5 if zero and measure != "risk difference" else None)
        out.update(y=float(y), v=float(v), n_text=f"n {int(n1):,} vs {int(n2):,}", arms=(e1, n1, e2, n2),
                   how=f"computed here from the two arms ({_pct(e1, n1)} vs {_pct(e2, n2)})")
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
    judgement: dict | None = None  # the GRADE row this side's certainty comes from
    groups: list[str] = field(default_factory=list)
    curated: bool = True  # False: the set holds no member on this side at all (not merely filtered out)

    @property
    def label(self) -> str:
        return SIDE_LABELS[self.side]


@dataclass(frozen=True)
class Indirect:
    """An indirect comparison of ketamine with traditional antidepressants through their common comparator."""

    value: float
    ci_low: float
    ci_high: float
    certainty: str
    judgement: dict


@dataclass
class SetResult:
    """A comparison set computed over the rows a reader's filters leave."""

    spec: dict
    effects: pd.DataFrame
    sides: dict[str, SideResult]
    missing: list[str]
    indirect: Indirect | None = None

    @property
    def comparable(self) -> bool:
        return not self.missing

    @property
    def side_names(self) -> tuple[str, ...]:
        return tuple(self.sides)

    @property
    def shown(self) -> list[SideResult]:
        """The sides with a figure, in order."""
        return [s for s in self.sides.values() if s.kind != "none"]

    @property
    def secondary(self) -> list[str]:
        """The studies (with their sample) behind this result whose figures were read only in a secondary report."""
        if self.effects.empty or "provenance" not in self.effects:
            return []
        sec = self.effects[self.effects["provenance"] == "secondary"]
        return list(dict.fromkeys(r.study if not r.sample else r.sample if r.sample.split()[0] == r.study.split()[0]
                                  else f"{r.sample} ({r.study})" for r in sec.itertuples()))


def synthesise(spec: dict, members: pd.DataFrame, rows: pd.DataFrame, grades: dict[str, dict] | None = None) -> SetResult:
    """Return the set's study effects and per-side summaries, using only members whose rows are all in `rows`.

    `grades` maps each target (ketamine, traditional, direct, indirect) to its GRADE judgement; a side without one
    is very low certainty.
    """
    measure, grades = spec["measure"], grades or {}
    indexed = rows.set_index("row_id", drop=False)
    own = members[members["set_id"] == spec["set_id"]]
    records = []
    for m in own.to_dict("records"):
        ids = split_ids(m["row_ids"]) + split_ids(m["control_row_ids"])
        if not all(i in indexed.index for i in ids):
            continue  # filtered out: the member does not apply to the reader's selection
        eff = member_effect(m, measure, indexed)
        first = indexed.loc[split_ids(m["row_ids"])[0]]
        group = m["shown_as"] if m.get("shown_as") else first["treatment_group"]
        control = split_ids(m["control_row_ids"])
        against = indexed.loc[control[0], "treatment_group"] if control else (first["compared_with"] or "")
        certainty = max((indexed.loc[i, "certainty"] for i in ids), key=lambda c: CERTAINTY_ORDER[c])
        # The least direct place any of its figures was read (a secondary report outweighs the paper's own table).
        provenance = max((indexed.loc[i, "provenance"] if "provenance" in indexed else "secondary" for i in ids),
                         key=vocab.PROVENANCE.index)
        records.append({
            **m, **eff, "group": group, "against": against, "study": first["study"], "link": first["link"],
            "n_studies": first["n_studies"],
            "certainty": certainty, "population": first["population"], "time_reported": first["time_reported"] or "",
            "provenance": provenance, "read_in": vocab.PROVENANCE_LABELS[provenance],
            **_shown(eff, measure),
        })
    effects = pd.DataFrame(records)
    sides, missing = {}, []
    curated_sides = set(own["side"])
    for side in sides_of(spec["kind"]):
        sub = effects[effects["side"] == side] if not effects.empty else effects
        judgement = grades.get(side)
        if sub.empty:
            sides[side] = SideResult(side=side, effects=sub, curated=side in curated_sides, judgement=judgement)
            # A harm measured on one side only is shown as such; a side the filters removed is missing.
            if side in curated_sides or spec["kind"] != "harm":
                missing.append(side)
            continue
        res = SideResult(side=side, effects=sub, judgement=judgement,
                         certainty=gr.certainty(judgement) if judgement else "very low",
                         groups=list(dict.fromkeys(sub["group"])))
        poolable = sub[sub["v"].notna() & ~sub["published_pool"]]
        if spec["pool"] == "yes" and len(poolable) >= 2 and len(poolable) == len(sub):
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
    if spec["kind"] == "harm" and all(s.kind == "none" for s in sides.values()):
        missing = [s for s in sides if sides[s].curated] or list(sides)
    result = SetResult(spec=spec, effects=effects, sides=sides, missing=missing)
    if spec.get("indirect") == "yes" and not missing:
        result.indirect = indirect_comparison(result, grades.get("indirect"))
    return result


# ---------------------------------------------------------------- indirect comparison (Bucher)

def bucher(y_a: float, se_a: float, y_b: float, se_b: float, level: float = 0.95) -> tuple[float, float, float, float]:
    """Return (estimate, standard error, lower, upper) of A against B from A and B each against a common comparator,
    on the analysis scale (log ratio or difference): Bucher et al. 1997, J Clin Epidemiol 50:683-691."""
    y, se = y_a - y_b, math.sqrt(se_a ** 2 + se_b ** 2)
    z = stats.norm.ppf(0.5 + level / 2)
    return y, se, y - z * se, y + z * se


def _analysis_scale(measure: str, sm: dict) -> tuple[float, float] | None:
    """Return a side's headline (estimate, standard error) on the analysis scale, from its 95% interval."""
    if sm["value"] is None or sm["ci_low"] is None or sm["ci_high"] is None:
        return None
    if measure in RATIO_MEASURES:
        return math.log(sm["value"]), (math.log(sm["ci_high"]) - math.log(sm["ci_low"])) / (2 * Z95)
    return sm["value"], (sm["ci_high"] - sm["ci_low"]) / (2 * Z95)


def indirect_comparison(result: SetResult, judgement: dict | None) -> Indirect | None:
    """Return ketamine against traditional antidepressants through the common comparator, or None when either side
    has no single estimate with an interval (several figures are never summarised into one for this)."""
    measure = result.spec["measure"]
    a = _analysis_scale(measure, summary(result.sides["ketamine"], measure))
    b = _analysis_scale(measure, summary(result.sides["traditional"], measure))
    if a is None or b is None:
        return None
    y, _, lo, hi = bucher(a[0], a[1], b[0], b[1])
    back = math.exp if measure in RATIO_MEASURES else (lambda x: x)
    return Indirect(value=back(y), ci_low=back(lo), ci_high=back(hi),
                    certainty=gr.certainty(judgement) if judgement else "very low", judgement=judgement or {})


# ---------------------------------------------------------------- words

SIDE_NOUNS = {"ketamine": "ketamine", "traditional": "traditional antidepressants", DIRECT: "ketamine"}


def fmt(measure: str, x: float | None) -> str:
    """Return a display value with sensible digits for its measure (ratios 2 decimals, others 1)."""
    if x is None:
        return "?"
    if measure in RATIO_MEASURES:
        return f"{x:.2f}"
    return f"{x:.1f}"


def _unit_text(measure: str) -> str:
    return {"risk difference": " points"}.get(measure, "")


def summary(side: SideResult, measure: str, headline: bool = False) -> dict:
    """Return the side's numbers on the display scale: value, CI, PI, and the words for its basis.

    In a `headline`, a prediction interval from fewer than PI_HEADLINE_MIN_K studies is left out (the detail keeps
    it, with its caveat)."""
    if side.kind == "pooled":
        p = side.pooled
        show_pi = p.pi_low is not None and (not headline or p.k >= PI_HEADLINE_MIN_K)
        pi_words = (f", prediction interval {fmt(measure, to_display(measure, p.pi_low))} to "
                    f"{fmt(measure, to_display(measure, p.pi_high))}" if show_pi else
                    "" if headline else ", no prediction interval with 2 studies")
        return {"value": to_display(measure, p.estimate), "ci_low": to_display(measure, p.ci_low),
                "ci_high": to_display(measure, p.ci_high),
                "pi_low": to_display(measure, p.pi_low) if show_pi else None,
                "pi_high": to_display(measure, p.pi_high) if show_pi else None,
                "basis": f"pooled here from {p.k} trials, I² = {100 * p.i2:.0f}%{pi_words}"}
    rows = side.effects
    if side.kind in ("single", "published"):
        r = rows.iloc[0]
        from_arms = isinstance(r.get("arms"), tuple)
        if side.kind == "published":
            basis = r["how"]
        elif r["single_trial"]:
            basis = f"one trial ({r['sample']})" + (", computed here from its two arms" if from_arms else "")
        else:
            basis = (f"{r['sample']}, computed here from its two arms" if from_arms
                     else f"one published figure from {r['sample']}, not pooled here")
        return {"value": r["value"], "ci_low": _none(r["ci_low"]), "ci_high": _none(r["ci_high"]), "pi_low": None,
                "pi_high": None, "basis": basis}
    if side.kind == "several":
        # Several figures are listed one by one, never turned into one answer by a range or a median.
        return {"value": None, "ci_low": None, "ci_high": None, "pi_low": None, "pi_high": None,
                "basis": f"{len(rows)} figures, not pooled: " + "; ".join(
                    f"{r['sample']} {fmt(measure, r['value'])}{_unit_text(measure)}"
                    + (f" ({fmt(measure, r['ci_low'])} to {fmt(measure, r['ci_high'])})" if pd.notna(r["ci_low"]) else "")
                    for r in rows.to_dict("records"))}
    return {"value": None, "ci_low": None, "ci_high": None, "pi_low": None, "pi_high": None, "basis": "no figure"}


def _subject(spec: dict, group: str) -> tuple[str, bool]:
    """Return the sentence's subject for a group ('Continuing SSRIs') and whether its verb is plural."""
    subject = spec["subject"].replace("{group}", group)
    plural = spec["subject"].startswith("{group}") and group.endswith("s")
    return subject[0].upper() + subject[1:], plural


def _words(spec: dict) -> dict:
    return {"more": spec["more_words"], "fewer": spec["fewer_words"], "none": spec["no_difference"]}


def _group_noun(s: SideResult) -> str:
    return GROUP_NOUNS.get(s.groups[0], s.groups[0].lower()) if len(s.groups) == 1 else SIDE_NOUNS[s.side]


def _stats_text(measure: str, sm: dict) -> str:
    ci = (f", 95% CI {fmt(measure, sm['ci_low'])} to {fmt(measure, sm['ci_high'])}"
          if sm["ci_low"] is not None else ", no confidence interval given")
    return f"{measure} {fmt(measure, sm['value'])}{_unit_text(measure)}{ci}; {sm['basis']}"


def side_sentence(result: SetResult, side: str) -> str:
    """Return one sentence for a side: GRADE's statement for its certainty and size, then its numbers."""
    spec, s = result.spec, result.sides[side]
    measure = spec["measure"]
    if s.kind == "none":
        other = "traditional" if side == "ketamine" else "ketamine"
        if not s.curated:
            return (f"{s.label}: no figure on {spec['outcome_words']} is in the data, so the {SIDE_NOUNS[other]} "
                    "figure has no counterpart here.")
        return f"{s.label}: no figure in the current selection."
    group = _group_noun(s)
    subject, plural = _subject(spec, group)
    sm = summary(s, measure, headline=True)
    if sm["value"] is None:  # several figures, not pooled: each is listed, none summarised
        lead = (f"The evidence is very uncertain about the effect of {gr._lower_first(subject)} on "
                f"{spec['outcome_words']}. " if s.certainty == "very low" else "")
        return f"{lead}{subject}: {sm['basis']} ({s.certainty} certainty)."
    numbers = f"({_stats_text(measure, sm)}; {s.certainty} certainty)"
    if sm["ci_low"] is None:
        words = spec["more_words"] if sm["value"] > NULL[measure] else spec["fewer_words"]
        verb = "were reported to give" if plural else "was reported to give"
        return f"{subject} {verb} {words}, with no confidence interval, so the figure's precision is unknown {numbers}."
    said = gr.statement(s.certainty, subject, spec["outcome_words"], _words(spec), measure, sm["value"],
                        sm["ci_low"], sm["ci_high"], float(spec["mid"]), NULL[measure], plural,
                        them=group.endswith("s"))
    return f"{said[:-1]} {numbers}."


def indirect_sentence(result: SetResult) -> str:
    """Return the indirect comparison in words, labelled as not randomised, with what differs between the trials."""
    ind, spec = result.indirect, result.spec
    if ind is None:
        return ""
    measure = spec["measure"]
    ratio = {"risk ratio": "ratio of risk ratios", "odds ratio": "ratio of odds ratios",
             "hazard ratio": "ratio of hazard ratios"}.get(measure, "difference of risk differences")
    said = gr.statement(ind.certainty, "Ketamine, compared indirectly with traditional antidepressants,",
                        spec["outcome_words"], {
                            "more": f"a larger effect on {spec['outcome_words']} than traditional antidepressants",
                            "fewer": f"a smaller effect on {spec['outcome_words']} than traditional antidepressants",
                            "none": "little to no difference from traditional antidepressants"},
                        measure, ind.value, ind.ci_low, ind.ci_high, float(spec["mid"]), NULL[measure])
    if ind.certainty == "very low":
        said = ("The evidence is very uncertain about how ketamine compares with traditional antidepressants on "
                f"{spec['outcome_words']}.")
    return (f"Indirect comparison, not randomised (through the common comparator): {said} ({ratio} "
            f"{fmt(measure, ind.value)}{_unit_text(measure)}, 95% CI {fmt(measure, ind.ci_low)} to "
            f"{fmt(measure, ind.ci_high)}; {ind.certainty} certainty.)")


def headline(result: SetResult) -> str:
    """Return the set's message: what differs between the experiments (if they differ), a sentence per side, and
    the indirect comparison where the set makes one; or why no like-for-like comparison exists."""
    if result.missing:
        labels = {s: SIDE_LABELS[s].lower() for s in result.side_names}
        have = [s for s in result.side_names if s not in result.missing and result.sides[s].kind != "none"]
        lacking = " and ".join(labels[s] for s in result.missing)
        # "Traditional antidepressants" is the one plural side name.
        why = (f"only {labels[have[0]]} {'have' if have[0] == 'traditional' else 'has'} a figure on this measure in "
               "the current selection" if have else "no figure on this measure is in the current selection")
        plural = len(result.missing) > 1 or result.missing[0] == "traditional"
        return (f"No like-for-like comparison here: {why}; {lacking} {'are' if plural else 'is'} filtered out. Clear "
                "the filters to see it.")
    parts = [result.spec["construct_note"]] if result.spec.get("construct_note") else []
    parts += [side_sentence(result, side) for side in result.side_names]
    if result.indirect is not None:
        parts.append(indirect_sentence(result))
    if result.secondary:
        parts.append(secondary_sentence(result))
    return " ".join(parts)


def secondary_sentence(result: SetResult) -> str:
    """Say which figures of this answer were read only in a secondary report (never left unsaid in a headline)."""
    names = result.secondary
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if len(result.effects) == 1:
        return f"This figure was read only in a secondary report ({which}), not in the paper itself."
    return f"Part of this answer was read only in a secondary report, not in the paper itself: {which}."


def heterogeneity_text(result: SetResult) -> str:
    """Return how much the pooled studies disagree, in words, for each pooled side (empty if nothing is pooled)."""
    parts = []
    for s in result.sides.values():
        if s.kind != "pooled":
            continue
        p = s.pooled
        level = ("little" if p.i2 < 0.3 else "moderate" if p.i2 < 0.6 else "substantial" if p.i2 < 0.9
                 else "considerable")
        few = ""
        if p.k == 2:
            few = " Two studies say little about how much true effects vary (τ²), so the interval is a normal one."
        elif p.k < PI_HEADLINE_MIN_K:
            few = (f" With {p.k} studies the prediction interval (t with {p.k - 2} degree{'s' if p.k > 3 else ''} of "
                   "freedom) is very wide whatever the studies show, so it stays out of the headline.")
        pi = summary(s, result.spec["measure"])
        pi_text = (f" Prediction interval {fmt(result.spec['measure'], pi['pi_low'])} to "
                   f"{fmt(result.spec['measure'], pi['pi_high'])}." if pi["pi_low"] is not None else "")
        parts.append(f"{s.label}: {p.k} studies pooled (random effects, Paule-Mandel; {p.ci_method} interval); "
                     f"I² = {100 * p.i2:.0f}% ({level} inconsistency beyond chance), τ² = {p.tau2:.3g}.{pi_text}{few}")
    return " ".join(parts)


def certainty_reasons(result: SetResult) -> list[str]:
    """Return one line per judged body of evidence in the set: its certainty and the reasons for each downgrade."""
    out = []
    for s in result.sides.values():
        if s.kind != "none" and s.judgement:
            out.append(f"{s.label}: {gr.reasons(s.judgement)}")
    if result.indirect is not None and result.indirect.judgement:
        out.append(f"Indirect comparison: {gr.reasons(result.indirect.judgement)}")
    return out


def effects_table(result: SetResult) -> pd.DataFrame:
    """Return one row per study effect and per pooled side, as the forest plot draws them (display scale)."""
    measure = result.spec["measure"]
    rows = []
    for s in result.sides.values():
        for r in s.effects.to_dict("records"):
            rows.append({"side": s.label, "study": r["study"], "sample": r["sample"], "group": r["group"],
                         "against": r["against"], "n": r["n_text"], "value": r["value"], "ci_low": r["ci_low"],
                         "ci_high": r["ci_high"],
                         "weight_pct": None if pd.isna(r.get("weight")) else round(100 * r["weight"], 1),
                         "how": r["how"], "certainty": s.certainty, "reason": r["reason"],
                         "read_in": r["read_in"], "link": r["link"]})
        if s.kind == "pooled":
            sm = summary(s, measure)
            rows.append({"side": s.label, "study": "Pooled here", "sample": f"{s.pooled.k} studies", "group": "",
                         "against": "", "n": "", "value": sm["value"], "ci_low": sm["ci_low"], "ci_high": sm["ci_high"],
                         "weight_pct": 100.0, "how": sm["basis"], "certainty": s.certainty,
                         "reason": "random-effects pool of the rows above, computed here", "read_in": "",
                         "link": ""})
    if result.indirect is not None:
        ind = result.indirect
        rows.append({"side": "Indirect, not randomised", "study": "Ketamine against traditional (Bucher)",
                     "sample": "through the common comparator", "group": "", "against": "", "n": "",
                     "value": ind.value, "ci_low": ind.ci_low, "ci_high": ind.ci_high, "weight_pct": None,
                     "how": "computed here from the two sides' estimates", "certainty": ind.certainty,
                     "reason": result.spec.get("transitivity") or "", "read_in": "", "link": ""})
    return pd.DataFrame(rows)
