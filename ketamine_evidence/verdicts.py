"""Verdicts on typed claims: what a claim says, which answer the app holds that it maps onto, and the rule that gives
supported, partly supported, not supported, or cannot be judged from this evidence. No Streamlit.

A claim is read for meaning, not for a number that happens to match: its treatments (ketamine or esketamine, and
traditional antidepressants), its question (onset, durability, response, side effects), its outcome (response,
remission, relapse, or a named harm), its population (treatment-resistant if it says earlier treatments failed), its
time words, its quantity ("70 %", "a quarter", "most") and its kind (a rate, a comparison, an absolute word such as
"cures", or a plain statement of benefit). It then maps onto one answer:

1. a curated claim (data/claims.csv) that says the same thing: its verdict and explanation apply;
2. else the comparison set (data/comparison_sets.csv) with the same outcome and question, direct evidence first, and
   the verdict follows a stated rule on that set's figures:
   - a rate ("helps 70 % of ...") is set against each trial arm of the set on the claim's side, with its 95 % Wilson
     interval: inside every interval, supported; inside some or within 10 points of one, partly supported; else not
     supported. No arms from different trials are averaged;
   - a comparison ("better than", "faster than", "as safe as") needs a randomised head-to-head contrast, or an
     indirect one through a common comparator; two sides each against its own control cannot judge it;
   - an absolute word ("cures", "everyone", "no side effects") is not supported when the set's own figures show that
     many people did not remit or respond, or that a harm is more frequent than on control;
   - a plain statement of benefit is supported when the contrast's interval excludes no difference in its favour.
   The certainty is GRADE's, judged for that body of evidence; very low certainty cannot support or refute a claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from . import claims as cl, findings, synthesis as sy
from .comparison_sets import DIRECT, ComparisonSets, comparator_name

VERDICTS = ("supported", "partly supported", "not supported", "cannot be judged from this evidence")
CURATED = {"supported": VERDICTS[0], "partly": VERDICTS[1], "not supported": VERDICTS[2], "mis-stated": VERDICTS[2],
           "no evidence in the data": VERDICTS[3]}
NEAR_POINTS = 10  # a claimed rate within this many points of a trial arm's interval is "partly supported"

# The Oxford series of the 2014 story is a ketamine series: a claim about "the Oxford patients" is about ketamine.
KETAMINE_WORDS = ("ketamine", "esketamine", "spravato", "ketalar", "oxford")
ECT_WORDS = ("ect", "electroconvulsive", "electroshock", "shock therapy")
OTHER_COMPARATORS = ("quetiapine", "seroquel", "placebo", "lithium", "antipsychotic")  # what else a claim may rank
NEGATION = ("does not", "doesn't", "do not", "don't", "did not", "never", "not cause", "no more", "without")
TRADITIONAL_WORDS = ("antidepressant", "antidepressants", "ssri", "ssris", "snri", "snris", "prozac", "fluoxetine",
                     "paxil", "paroxetine", "sertraline", "zoloft", "citalopram", "escitalopram", "lexapro",
                     "venlafaxine", "duloxetine", "cymbalta", "effexor", "tricyclic", "tricyclics", "bupropion",
                     "mirtazapine", "traditional", "standard", "conventional", "serotonin")
TRD_WORDS = ("resistant", "failed", "fail", "fails", "didn't respond", "did not respond", "not responded",
             "hadn't worked", "had not worked", "hard-to-treat", "hard to treat", "nothing else")
OUTCOME_WORDS = {
    "remission": ("remission", "remit", "remits", "well again", "recover", "recovers", "recovery", "symptom-free",
                  "cure", "cures", "cured"),
    "relapse": ("relapse", "relapses", "relapsed", "come back", "comes back", "return", "returns", "wear off",
                "wears off", "wearing off", "fade", "fades", "fading", "last", "lasts", "lasting", "brief",
                "short-lived", "temporary", "stay well", "stays well"),
    "response": ("help", "helps", "helped", "work", "works", "worked", "respond", "responds", "response",
                 "improve", "improves", "improvement", "lift", "lifts", "effective", "relief", "better"),
}
# A harm named in a claim, as the word the harm sets use in `outcome_words`.
HARM_WORDS = {
    "dissociation": ("dissociation", "dissociative", "dissociate", "detached", "out-of-body", "unreal"),
    "blood pressure": ("blood pressure", "hypertension"),
    "sexual dysfunction": ("sexual", "libido", "erectile", "orgasm", "ejaculat"),
    "nausea": ("nausea", "nauseous", "nauseated"),
    "dizziness": ("dizzy", "dizziness"),
    "headache": ("headache", "headaches"),
    "sedation": ("sedation", "sedated", "drowsy", "sleepy", "somnolence"),
    "vertigo": ("vertigo",),
    "stopping for adverse events": ("stop because of side", "stopped because of side", "quit because of side",
                                    "drop out because", "discontinue because", "stopping for adverse"),
}
SPEED_WORDS = ("fast", "quick", "quickly", "rapid", "rapidly", "in hours", "within hours", "within days",
               "in days", "immediately", "slow", "slowly", "take weeks", "takes weeks", "onset", "how soon", "speed")
SAFETY_WORDS = ("safe", "safer", "safety", "side effect", "side effects", "side-effect", "side-effects", "harm",
                "harmful", "harms", "adverse")
BETTER = ("better than", "more effective than", "works better", "outperform", "superior", "more than",
          "beats", "stronger than")
FASTER = ("faster", "quicker", "sooner", "more quickly", "more rapidly", "more rapid")
SAFER = ("safer than", "as safe as", "less harmful", "fewer side effects than", "gentler than")
SAME = ("as good as", "as effective as", "as safe as", "same as", "equal to", "no better than", "no different")
WORSE = ("worse than", "less effective than", "slower than", "more side effects than", "less safe")
ABSOLUTE_BENEFIT = ("cure", "cures", "cured", "everyone", "every patient", "all patients", "always", "guaranteed",
                    "permanently", "for good")
ABSOLUTE_HARM = ("no side effects", "no side-effects", "completely safe", "perfectly safe", "totally safe",
                 "harmless", "risk-free", "no risk")
QUANTITY_WORDS = {"most": 60.0, "majority": 60.0, "half": 50.0, "third": 33.3, "quarter": 25.0,
                  "two thirds": 66.7, "two-thirds": 66.7, "three quarters": 75.0, "three-quarters": 75.0,
                  "nine in ten": 90.0, "one in ten": 10.0, "one in five": 20.0, "one in four": 25.0,
                  "one in three": 33.3, "one in two": 50.0, "few": 10.0}
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b|in (?:every )?100\b|out of (?:every )?100\b)")
TIME = re.compile(r"(\d+|a|an|one|two|three|four|six|a few)\s*(minute|hour|day|week|month)s?")
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "a few": 3}
HOURS = {"minute": 1 / 60, "hour": 1, "day": 24, "week": 168, "month": 730.5}


@dataclass(frozen=True)
class Reading:
    """What a typed claim says, as the verdict rules need it."""

    text: str
    ketamine: bool
    traditional: bool
    esketamine_only: bool
    dimension: str | None
    outcome: str | None  # response | remission | relapse | adverse_event | None
    harm: str | None  # a harm set's outcome word, or "any" for safety in general
    trd: bool
    quantity: float | None  # a rate per 100 the claim states
    hours: float | None  # the time the claim speaks of, in hours
    comparison: str | None  # better | faster | safer | same | worse
    absolute: str | None  # benefit | harm
    comparator: str | None = None  # "ect" or "traditional": what a comparison sets ketamine against
    negated: bool = False  # "does not cause ...", "never ..."
    groups: tuple[str, ...] = ()  # the treatment groups named (SSRI, SNRI, Esketamine, ...)
    add_on: bool = False  # "added to", "add-on", "on top of"
    ketamine_first: bool = True  # in "X better than Y", whether ketamine is X (the claim's subject)


@dataclass
class Verdict:
    """A typed claim's verdict: which answer it maps onto, the rule applied, the figures used and how sure we are."""

    verdict: str
    rule: str
    answer: str = ""
    answer_id: str = ""
    dimension: str | None = None
    certainty: str | None = None
    figures: list[str] = field(default_factory=list)
    row_ids: list[str] = field(default_factory=list)

    @property
    def how_sure(self) -> str:
        """The certainty in everyday words (GRADE's level in brackets), or empty."""
        if not self.certainty:
            return ""
        return f"{findings.PLAIN_SHORT[self.certainty].capitalize()} ({self.certainty} certainty, GRADE)."


def _has(text: str, words) -> bool:
    return any(re.search(rf"(?<![a-z]){re.escape(w)}", text) for w in words)


def read(text: str) -> Reading:
    """Return what a claim says: treatments, question, outcome, harm, population, quantity, time and kind."""
    t = " ".join((text or "").lower().replace("’", "'").split())
    harm = next((h for h, ws in HARM_WORDS.items() if _has(t, ws)), None)
    absolute = "harm" if _has(t, ABSOLUTE_HARM) else "benefit" if _has(t, ABSOLUTE_BENEFIT) else None
    if harm is None and (_has(t, SAFETY_WORDS) or absolute == "harm"):
        harm = "any"
    outcome = None
    if harm:
        outcome = "adverse_event"
    else:
        for o in ("relapse", "remission", "response"):
            if _has(t, OUTCOME_WORDS[o]):
                outcome = o
                break
    comparison = next((name for name, words in (("same", SAME), ("safer", SAFER), ("worse", WORSE),
                                                 ("faster", FASTER), ("better", BETTER)) if _has(t, words)), None)
    if comparison == "same" and harm:
        comparison = "safer"
    hours = None
    m = TIME.search(t)
    if m:
        count = float(m.group(1)) if m.group(1).isdigit() else float(NUMBERS[m.group(1)])
        hours = count * HOURS[m.group(2)]
    elif _has(t, ("overnight", "same day", "a day")):
        hours = 24.0
    quantity = None
    p = PERCENT.search(t)
    if p:
        quantity = float(p.group(1))
    else:
        for w in sorted(QUANTITY_WORDS, key=len, reverse=True):
            if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", t):  # whole words: "few", not "fewer"
                quantity = QUANTITY_WORDS[w]
                break
    speed = _has(t, SPEED_WORDS)
    if speed and comparison is None and _has(t, KETAMINE_WORDS) and _has(t, TRADITIONAL_WORDS):
        comparison = "faster"  # "ketamine works in hours while antidepressants take weeks"
    if outcome == "relapse" or (hours and hours > 24 * 30 and outcome != "adverse_event"):
        dimension = "durability"
    elif outcome == "adverse_event":
        dimension = "side_effects"
    elif comparison == "faster" or speed or (hours is not None and hours <= 24 * 14):
        dimension = "onset"
    elif outcome in ("response", "remission"):
        dimension = "non_response"
    else:
        dimension = None
    ket = _has(t, KETAMINE_WORDS)
    trad = _has(t, TRADITIONAL_WORDS)
    # "People antidepressants failed" names a population, not a comparator: only a comparison word makes one.
    comparator = "ect" if _has(t, ECT_WORDS) else "traditional" if (trad and ket and comparison) else None
    first = lambda words: min((m.start() for w in words for m in re.finditer(rf"(?<![a-z]){re.escape(w)}", t)),
                              default=len(t))
    ketamine_first = first(KETAMINE_WORDS) <= first(TRADITIONAL_WORDS + ECT_WORDS + OTHER_COMPARATORS)
    return Reading(text=t, ketamine=ket, traditional=trad, ketamine_first=ketamine_first,
                   esketamine_only=_has(t, ("esketamine", "spravato", "nasal")) and not _has(t, ("iv", "infusion")),
                   dimension=dimension, outcome=outcome, harm=harm, trd=_has(t, TRD_WORDS), quantity=quantity,
                   hours=hours, comparison=comparison, absolute=absolute, comparator=comparator,
                   negated=_has(t, NEGATION), groups=tuple(cl.parse_claim(t)["groups"]),
                   add_on=_has(t, ("added to", "add-on", "add on", "on top of", "plus an", "with an antidepressant")))


# ---------------------------------------------------------------- which answer a claim maps onto

TREATMENT_STEMS = {w[:6] for w in KETAMINE_WORDS + TRADITIONAL_WORDS + ECT_WORDS}


def _stems(text: str) -> set[str]:
    """Content words, crudely stemmed (a plural 's' dropped, first six letters), without treatment names."""
    words = re.findall(r"[a-z][a-z\-']+", text.lower())
    out = {w.rstrip("s")[:6] for w in words if len(w) >= 4 and w not in cl.STOPWORDS}
    return out - TREATMENT_STEMS


def curated_match(reading: Reading, claims: pd.DataFrame) -> tuple[dict, int] | None:
    """Return the curated claim that says the same thing, and how many content words they share, or None.

    Same thing means: the same question, the same subject (about ketamine, or not), the same outcome (response,
    remission, relapse, a harm), the same number if both give one, and at least one shared content word besides the
    treatments' names."""
    mine = _stems(reading.text)
    best = None
    for c in claims.to_dict("records"):
        other = read(c["claim"])
        if c["dimension"] != reading.dimension or other.ketamine != reading.ketamine:
            continue
        if other.outcome != reading.outcome or (other.harm or None) != (reading.harm or None):
            continue
        if other.comparison != reading.comparison or other.absolute != reading.absolute:
            continue  # "as safe as an SSRI" is not "safety is not yet known"
        if reading.quantity is not None and (other.quantity is None or abs(reading.quantity - other.quantity) > 5):
            continue  # a claim with a number is checked against figures, unless the curated claim gives the same one
        shared = len(mine & _stems(c["claim"]))
        if shared and (best is None or shared > best[1]):
            best = (c, shared)
    return best


def _set_outcomes(spec: dict) -> set[str]:
    return set(str(spec["outcomes"]).split(";"))


def candidate_sets(reading: Reading, sets: ComparisonSets) -> list[dict]:
    """Return the sets a claim could map onto, best first: the named harm or the same outcome (response and
    remission are near: either answers "it works"), the same question, the time the claim speaks of inside the set's
    window, the comparator the claim names, then the summary of findings' order."""
    out = []
    for set_id in sets.sets["set_id"]:
        spec = sets.spec(set_id)
        outcomes = _set_outcomes(spec)
        score = 0.0
        if reading.harm and reading.harm != "any":
            if spec["kind"] != "harm" or reading.harm not in str(spec["outcome_words"]).lower():
                continue
            score += 5
        elif reading.outcome == "adverse_event":
            if spec["kind"] != "harm":
                continue
            score += 1
        elif reading.outcome:
            near = {"response": {"response", "remission"}, "remission": {"remission", "response"},
                    "relapse": {"relapse", "sustained_response"}}[reading.outcome]
            if not outcomes & near:
                continue
            score += 3 if reading.outcome in outcomes else 2
        if reading.dimension and spec["dimension"] == reading.dimension:
            score += 2
        lo, hi = spec.get("window_min_hours"), spec.get("window_max_hours")
        if reading.hours is not None and lo is not None and hi is not None:
            lo, hi = float(lo), float(hi)
            score += 3 if lo <= reading.hours <= hi else 1 if lo / 2 <= reading.hours <= hi * 1.5 else -3
        if spec["kind"] == "head_to_head":
            is_ect = "electroconvulsive" in str(spec["comparator"]).lower()
            if reading.comparator == "ect":
                score += 4 if is_ect else -5
            elif reading.comparator == "traditional":
                score += 2 if _comparator_is_traditional(spec) else -5
            elif reading.comparison:
                score += 1
        if reading.add_on and "added" in str(spec["title"]).lower():
            score += 2
        if not reading.comparison and _against_control(spec):
            score += 2  # "it helps" is judged against a control, before any head-to-head with another treatment
        if reading.trd and "treatment-resistant" in str(spec["populations"]):
            score += 1
        if reading.esketamine_only and "esketamine" in str(spec["title"]).lower():
            score += 1
        if spec.get("sof_order") is not None:
            score += 1 - float(spec["sof_order"]) / 100
        out.append((score, spec))
    return [s for _, s in sorted(out, key=lambda x: -x[0])]


# ---------------------------------------------------------------- the rules

def _arms(result: sy.SetResult, side: str, reading: Reading, rows: pd.DataFrame) -> list[dict]:
    """Return each trial arm of one side, on the claim's outcome where the set mixes outcomes: events, n, per 100 and
    its 95% Wilson interval."""
    s = result.sides.get(side)
    if s is None or s.effects.empty:
        return []
    out = []
    indexed = rows.set_index("row_id")
    for r in s.effects.to_dict("records"):
        arms = r.get("arms")
        if not isinstance(arms, tuple):
            continue
        first = cl.cited_ids(r["row_ids"].replace(" ", ";"))[0] if isinstance(r.get("row_ids"), str) else None
        outcome = indexed.loc[first, "outcome"] if first in indexed.index else None
        if reading.outcome in ("response", "remission") and outcome not in (None, reading.outcome):
            continue
        if reading.groups and r["group"] not in reading.groups and set(reading.groups) & set(s.effects["group"]):
            continue  # the claim names SSRIs: an SNRI arm of the same set does not speak to it
        e1, n1 = arms[0], arms[1]
        lo, hi = proportion_confint(round(e1), round(n1), method="wilson")
        out.append({"sample": r["sample"], "group": r["group"], "per100": 100 * e1 / n1, "low": 100 * lo,
                    "high": 100 * hi, "n": int(round(n1)), "time": r.get("time_reported") or "",
                    "row_ids": f"{r.get('row_ids', '')};{r.get('control_row_ids') or ''}", "outcome": outcome or ""})
    return out


def _side_for(reading: Reading, result: sy.SetResult) -> str | None:
    """The side a one-treatment claim speaks of: ketamine if it names ketamine, else traditional."""
    if reading.ketamine and "ketamine" in result.sides:
        return "ketamine"
    if reading.ketamine and DIRECT in result.sides:
        return DIRECT
    if reading.traditional and "traditional" in result.sides:
        return "traditional"
    return None


def _fmt(x: float) -> str:
    return f"{x:.0f}"


def judge_rate(reading: Reading, spec: dict, result: sy.SetResult, rows: pd.DataFrame) -> Verdict:
    """A claimed rate against each trial arm of the claim's side (never an average of arms of different trials)."""
    side = _side_for(reading, result)
    arms = _arms(result, side, reading, rows) if side else []
    words = spec["plain_outcome"]
    if not arms:
        return Verdict(VERDICTS[3], f"The answer on this question ({spec['title']}) holds no trial arm with a rate for "
                       "the treatment your claim names, so a rate per 100 cannot be checked against it.")
    q = reading.quantity
    inside = [a for a in arms if a["low"] <= q <= a["high"]]
    near = [a for a in arms if a["low"] - NEAR_POINTS <= q <= a["high"] + NEAR_POINTS]
    lines = [f"{a['sample']}: {_fmt(a['per100'])} in 100 {words} on {a['group']} (95% CI {_fmt(a['low'])} to "
             f"{_fmt(a['high'])}, n = {a['n']:,})" for a in arms]
    verdict = (VERDICTS[0] if len(inside) == len(arms) else VERDICTS[1] if inside or near else VERDICTS[2])
    where = ("inside every trial's interval" if verdict == VERDICTS[0] else
             f"inside the interval of {len(inside)} of {len(arms)} trials" if inside else
             f"within {NEAR_POINTS} points of an interval but outside it" if near else "outside every trial's interval")
    rule = (f"Your claim says {q:g} in 100. In the randomised trials of this answer, the treatment arm on the claim's "
            f"side gave: {'; '.join(lines)}. {q:g} lies {where}. Each trial is read on its own; arms of different "
            "trials are never averaged.")
    return Verdict(verdict, rule, figures=lines, certainty=result.sides[side].certainty,
                   row_ids=[i for a in arms for i in cl.cited_ids(str(a["row_ids"]).replace(" ", ";"))])


def _favoured(spec: dict, lo: float, hi: float) -> str:
    """Which way an interval points: 'treatment', 'control' or 'neither' (it includes no difference)."""
    null = 0.0 if spec["measure"] == "risk difference" else 1.0
    above = lo > null
    below = hi < null
    if not (above or below):
        return "neither"
    return "treatment" if (above and spec["favours"] == "above") or (below and spec["favours"] == "below") else "control"


def judge_comparison(reading: Reading, spec: dict, result: sy.SetResult) -> Verdict:
    """A comparison of ketamine with another treatment: only a randomised contrast, or an indirect one, can judge it."""
    measure = spec["measure"]
    if DIRECT in result.sides and result.sides[DIRECT].kind in ("single", "pooled"):
        s = result.sides[DIRECT]
        sm = sy.summary(s, measure)
        against = comparator_name(spec)
        if reading.traditional and not _comparator_is_traditional(spec):
            return Verdict(VERDICTS[3], f"The randomised trials in the data compare ketamine with {against}, not with "
                           "the treatment your claim names; no trial here compares them directly.",
                           certainty=None)
        way = _favoured(spec, sm["ci_low"], sm["ci_high"])
        basis = (f"{spec['title']}: {measure} {sy.fmt(measure, sm['value'])} (95% CI {sy.fmt(measure, sm['ci_low'])} to "
                 f"{sy.fmt(measure, sm['ci_high'])}), {sm['basis']}.")
        want = _wanted(reading)
        if reading.comparison in ("same",):
            verdict = VERDICTS[3] if way == "neither" else VERDICTS[2]
            why = ("the interval includes no difference but also important differences" if way == "neither" else
                   "the trials found a difference")
        elif way == "neither":
            verdict, why = VERDICTS[3], "the interval includes no difference"
        else:
            verdict = VERDICTS[0] if way == want else VERDICTS[2]
            why = f"the interval lies on the side that favours {'ketamine' if way == 'treatment' else against}"
        return _certain(Verdict(verdict, f"Randomised head-to-head evidence: {basis} {why.capitalize()}.",
                                certainty=s.certainty, figures=[basis]))
    if DIRECT in result.sides and result.sides[DIRECT].kind == "several":
        s = result.sides[DIRECT]
        lines, ways = [], []
        for r in s.effects.to_dict("records"):
            if pd.isna(r["ci_low"]):
                continue
            ways.append(_favoured(spec, r["ci_low"], r["ci_high"]))
            lines.append(f"{r['sample']}: {measure} {sy.fmt(measure, r['value'])} (95% CI "
                         f"{sy.fmt(measure, r['ci_low'])} to {sy.fmt(measure, r['ci_high'])})")
        want = _wanted(reading)
        if ways and all(w == want for w in ways):
            verdict, why = VERDICTS[0], "every randomised trial favours the claim"
        elif ways and all(w not in (want, "neither") for w in ways):
            verdict, why = VERDICTS[2], "every randomised trial points the other way"
        else:
            verdict, why = VERDICTS[3], "the randomised trials disagree (or include no difference), so they are shown one by one, not pooled"
        return _certain(Verdict(verdict, f"Randomised head-to-head evidence, {spec['title']}: {'; '.join(lines)}. "
                                f"{why.capitalize()}.", certainty=s.certainty, figures=lines))
    if result.indirect is not None:
        ind = result.indirect
        basis = (f"{spec['title']}: indirect {measure} {sy.fmt(measure, ind.value)} (95% CI "
                 f"{sy.fmt(measure, ind.ci_low)} to {sy.fmt(measure, ind.ci_high)}), through the common comparator, "
                 "not randomised.")
        way = _favoured(spec, ind.ci_low, ind.ci_high)
        want = _wanted(reading)
        verdict = VERDICTS[3] if way == "neither" else (VERDICTS[0] if way == want else VERDICTS[2])
        why = ("The interval includes no difference." if way == "neither" else
               f"The interval favours {'ketamine' if way == 'treatment' else 'the other treatment'}.")
        return _certain(Verdict(verdict, f"No trial compared them directly. {basis} {why}", certainty=ind.certainty,
                                figures=[basis]))
    sides = "; ".join(findings._side_clause(result, side) for side in result.sides)
    return Verdict(VERDICTS[3], "No randomised trial in the data compares these treatments on this outcome, and the "
                   "answer makes no indirect comparison: each side is shown against its own control, which cannot "
                   f"rank one against the other ({spec['title']}: {sides}).", figures=[sides])


def _against_control(spec: dict) -> bool:
    name = str(spec["comparator"]).lower()
    return "placebo" in name or "control" in name


def _wanted(reading: Reading) -> str:
    """Which side a comparison claim says comes out ahead: 'treatment' (ketamine) or 'control' (the other)."""
    ketamine_ahead = reading.ketamine_first != (reading.comparison == "worse")
    return "treatment" if ketamine_ahead else "control"


def _comparator_is_traditional(spec: dict) -> bool:
    """Whether a head-to-head set's comparator is a traditional antidepressant (quetiapine, an antipsychotic added to
    one, is not)."""
    name = str(spec["comparator"]).split(",")[0].lower()
    return any(w in name for w in ("antidepressant", "ssri", "snri"))


def judge_absolute(reading: Reading, spec: dict, result: sy.SetResult, rows: pd.DataFrame) -> Verdict:
    """An absolute claim ('cures', 'no side effects') against the set's own figures."""
    side = _side_for(reading, result)
    if reading.absolute == "harm":
        s = result.sides.get(side) if side else None
        if s is None or s.kind == "none":
            return Verdict(VERDICTS[3], f"{spec['title']}: no figure for the treatment your claim names.")
        sm = sy.summary(s, spec["measure"])
        if sm["ci_low"] is not None and sm["ci_low"] > 0:
            line = (f"{spec['title']}: {sy.fmt(spec['measure'], sm['value'])} more in every 100 {spec['plain_outcome']} "
                    f"than on control (95% CI {sy.fmt(spec['measure'], sm['ci_low'])} to "
                    f"{sy.fmt(spec['measure'], sm['ci_high'])}), {sm['basis']}.")
            return _certain(Verdict(VERDICTS[2], f"A harm is more frequent than on control: {line}",
                                    certainty=s.certainty, figures=[line]))
        return Verdict(VERDICTS[3], f"{spec['title']}: the interval includes no extra harm, which does not show there "
                       "is none.", certainty=s.certainty)
    arms = _arms(result, side, reading, rows) if side else []
    if not arms:
        return Verdict(VERDICTS[3], f"{spec['title']}: no trial arm with a rate for the treatment your claim names.")
    lines = [f"{a['sample']}: {_fmt(a['per100'])} in 100 {spec['plain_outcome']} (95% CI {_fmt(a['low'])} to "
             f"{_fmt(a['high'])}, n = {a['n']:,})" for a in arms]
    if all(a["high"] < 90 for a in arms):
        return _certain(Verdict(VERDICTS[2], "Your claim speaks of everyone (or a cure); in every trial of this answer "
                                f"most or many did not: {'; '.join(lines)}.", figures=lines,
                                certainty=result.sides[side].certainty))
    return Verdict(VERDICTS[1], f"Some trial arms come near everyone: {'; '.join(lines)}.", figures=lines,
                   certainty=result.sides[side].certainty)


def judge_benefit(reading: Reading, spec: dict, result: sy.SetResult) -> Verdict:
    """A plain statement that a treatment helps (or harms): its contrast with control, or with the established
    treatment in the same trials."""
    side = _side_for(reading, result)
    s = result.sides.get(side) if side else None
    if s is not None and s.kind == "several":
        return _judge_each(reading, spec, s)
    if s is None or s.kind not in ("single", "pooled", "published"):
        return Verdict(VERDICTS[3], f"{spec['title']}: no answer for the treatment your claim names.")
    sm = sy.summary(s, spec["measure"])
    if sm["ci_low"] is None:
        return Verdict(VERDICTS[3], f"{spec['title']}: the figure has no interval, so chance cannot be ruled out.")
    basis = (f"{spec['title']}: {spec['measure']} {sy.fmt(spec['measure'], sm['value'])} (95% CI "
             f"{sy.fmt(spec['measure'], sm['ci_low'])} to {sy.fmt(spec['measure'], sm['ci_high'])}), {sm['basis']}.")
    if spec["kind"] == "harm":
        # A harm claim says the harm is more frequent on the treatment than on control (or, negated, that it is not).
        null = 0.0 if spec["measure"] == "risk difference" else 1.0
        more, less = sm["ci_low"] > null, sm["ci_high"] < null
        if not (more or less):
            return _certain(Verdict(VERDICTS[3], f"{basis} The interval includes no difference.",
                                    certainty=s.certainty, figures=[basis]))
        agrees = more != reading.negated
        said = "more frequent" if more else "less frequent"
        return _certain(Verdict(VERDICTS[0] if agrees else VERDICTS[2], f"{basis} The harm is {said} than on "
                                "control in these trials.", certainty=s.certainty, figures=[basis]))
    way = _favoured(spec, sm["ci_low"], sm["ci_high"])
    if way == "neither":
        return _certain(Verdict(VERDICTS[3], f"{basis} The interval includes no difference.", certainty=s.certainty,
                                figures=[basis]))
    agrees = (way == "treatment") != reading.negated
    return _certain(Verdict(VERDICTS[0] if agrees else VERDICTS[2], basis, certainty=s.certainty, figures=[basis]))


def judge_safety_comparison(rows: pd.DataFrame, sets: ComparisonSets) -> Verdict:
    """'As safe as' or 'safer than' in general: no trial compared ketamine with an antidepressant on harms, and the
    harms that define each side differ in kind, so the summary of findings' harm rows are listed, not ranked."""
    harm = sets.sets[(sets.sets["kind"] == "harm") & sets.sets["sof_order"].notna()].sort_values("sof_order")
    lines = []
    for sid in harm["set_id"]:
        spec = sets.spec(sid)
        result = findings.compute(spec, sets, rows)
        lines.append(f"{spec['outcome_words'].capitalize()}: " + "; ".join(
            f"{sy.SIDE_LABELS[side].lower()}: {findings._side_clause(result, side)}" for side in result.sides))
    return Verdict(VERDICTS[3], "No randomised trial in the data compared ketamine or esketamine with a traditional "
                   "antidepressant on harms, and the harms that mark each differ in kind (dissociation and blood "
                   "pressure on one side, sexual dysfunction on the other), so 'as safe as' cannot be weighed here. "
                   "Each harm against its own control: " + " ".join(f"{line}." for line in lines),
                   answer="The harms side by side, each against the control arm of the same trials.",
                   answer_id="harm profile", figures=lines)


def _agrees(reading: Reading, spec: dict, lo: float, hi: float) -> bool | None:
    """Whether one interval bears the claim out (True), contradicts it (False), or includes no difference (None)."""
    if spec["kind"] == "harm":
        null = 0.0 if spec["measure"] == "risk difference" else 1.0
        more, less = lo > null, hi < null
        return None if not (more or less) else (more != reading.negated)
    way = _favoured(spec, lo, hi)
    return None if way == "neither" else ((way == "treatment") != reading.negated)


def _judge_each(reading: Reading, spec: dict, s: sy.SideResult) -> Verdict:
    """A side whose figures are shown one by one (not pooled): each is read on its own (the claim's drug class only,
    where it names one); all bearing the claim out, supported; some, partly; none, not supported."""
    rows = s.effects.to_dict("records")
    if reading.groups and {r["group"] for r in rows} & set(reading.groups):
        rows = [r for r in rows if r["group"] in reading.groups]
    rows = [r for r in rows if pd.notna(r["ci_low"])]
    if not rows:
        return Verdict(VERDICTS[3], f"{spec['title']}: no figure with an interval for the treatment your claim names.")
    measure = spec["measure"]
    lines = [f"{r['sample']}: {measure} {sy.fmt(measure, r['value'])} (95% CI {sy.fmt(measure, r['ci_low'])} to "
             f"{sy.fmt(measure, r['ci_high'])})" for r in rows]
    marks = [_agrees(reading, spec, r["ci_low"], r["ci_high"]) for r in rows]
    if all(m is True for m in marks):
        verdict, why = VERDICTS[0], "every figure bears the claim out"
    elif any(m is True for m in marks):
        verdict, why = VERDICTS[1], "some figures bear it out, others do not or include no difference"
    elif any(m is False for m in marks):
        verdict, why = VERDICTS[2], "no figure bears it out"
    else:
        verdict, why = VERDICTS[3], "every interval includes no difference"
    return _certain(Verdict(verdict, f"{spec['title']}, each figure on its own (not pooled): {'; '.join(lines)}. "
                            f"{why.capitalize()}.", certainty=s.certainty, figures=lines))


def _certain(v: Verdict) -> Verdict:
    """Very low certainty can neither support nor refute a claim (GRADE: 'the evidence is very uncertain')."""
    if v.certainty == "very low" and v.verdict in VERDICTS[:3]:
        v.rule += (f" The rule alone would say '{v.verdict}', but the certainty of this evidence is very low, so "
                   "it cannot judge the claim.")
        v.verdict = VERDICTS[3]
    return v


def judge(text: str, rows: pd.DataFrame, claims: pd.DataFrame, sets: ComparisonSets) -> Verdict:
    """Return the verdict on a typed claim, with the answer it maps onto and the rule that produced it."""
    reading = read(text)
    if not (reading.ketamine or reading.traditional):
        return Verdict(VERDICTS[3], "The claim names no treatment the data covers (ketamine, esketamine, or a "
                       "traditional antidepressant such as an SSRI), so it maps onto no answer.")
    hit = curated_match(reading, claims)
    if hit is not None:
        c, overlap = hit
        v = Verdict(CURATED[c["verdict"]], f"It says what a curated claim says ('{c['claim']}': same question, same "
                    f"subject and outcome, {overlap} content {'word' if overlap == 1 else 'words'} shared). The "
                    f"curators' verdict on that claim, read against the figures it cites: {c['explanation']}",
                    answer=c["claim"],
                    answer_id=c["claim_id"], dimension=c["dimension"], row_ids=cl.cited_ids(c["row_ids"]))
        return v
    if reading.dimension is None and reading.outcome is None:
        return Verdict(VERDICTS[3], "The claim names a treatment but no question the data answers (how fast, how "
                       "long, how many respond or remit, which side effects).")
    if reading.outcome == "relapse" and reading.hours is not None:
        return Verdict(VERDICTS[3], "The data holds no like-for-like figure on how soon benefit fades after a course "
                       "ends: the Durability page lists what it holds on what happens after treatment stops (each with "
                       "what stopped and what differs), without setting them against each other.",
                       dimension="durability")
    candidates = candidate_sets(reading, sets)
    if not candidates:
        return Verdict(VERDICTS[3], "No like-for-like answer in the data measures what the claim speaks of.",
                       dimension=reading.dimension)
    spec = candidates[0]
    result = findings.compute(spec, sets, rows)
    if reading.comparison and reading.harm == "any":
        v = judge_safety_comparison(rows, sets)
        v.dimension = "side_effects"
        return v
    if reading.comparison and reading.ketamine and (reading.traditional or DIRECT in result.sides):
        v = judge_comparison(reading, spec, result)
    elif reading.absolute:
        v = judge_absolute(reading, spec, result, rows)
    elif reading.quantity is not None:
        v = judge_rate(reading, spec, result, rows)
    else:
        v = judge_benefit(reading, spec, result)
    v.answer, v.answer_id, v.dimension = findings.plain_answer(result), spec["set_id"], spec["dimension"]
    if not v.row_ids:
        v.row_ids = sorted({i for ids in result.effects.get("row_ids", pd.Series(dtype=str))
                            for i in str(ids).replace(";", " ").split()})
    window = spec.get("window")
    if reading.hours is not None and spec.get("window_min_hours") is not None and not (
            float(spec["window_min_hours"]) / 2 <= reading.hours <= float(spec["window_max_hours"]) * 1.5):
        v.rule += (f" Note: your claim speaks of {_hours_words(reading.hours)}; this answer is at {window}, the "
                   "nearest time the data answers like for like.")
    return v


def _hours_words(h: float) -> str:
    if h < 48:
        return f"{h:g} hours"
    if h < 24 * 14:
        return f"{h / 24:g} days"
    return f"{h / 168:g} weeks"
