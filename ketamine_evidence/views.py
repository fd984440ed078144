"""Views: each chart the product shows, as one function from filtered rows to a `View`
(rows, figure, alt text, key message, like-for-like warnings). No Streamlit.

Pages, presenter mode and the briefing all draw from here, so a chart and its message
are computed one way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from . import after_stopping, charts, comparison_sets, evidence as ev, findings, synthesis, vocab

RATIO_UNITS = vocab.RATIO_UNITS


@dataclass
class View:
    """One chart with everything shown around it; `fig` is None when the rows are empty."""

    name: str
    heading: str
    empty_what: str
    rows: pd.DataFrame
    fig: go.Figure | None = None
    alt: str = ""
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    note: str = ""
    # The answer in plain words (people per 100, who, how sure), for the plain-language switch; empty for charts that
    # describe rows rather than answer a question.
    plain: str = ""
    # The comparison sets behind an answer, so a page can tell which filter removed a side.
    set_ids: tuple[str, ...] = ()
    # The numbers the chart draws when they are summaries (counts, medians, scores), shown as a table of their own.
    counts: pd.DataFrame | None = None
    # False for charts of counts (evidence map, certainty mix): the figures counted are listed in the evidence
    # explorer, not under the chart (thousands of rows under a bar chart help nobody and slow the page).
    list_rows: bool = True

    @property
    def empty(self) -> bool:
        return self.fig is None

    @cached_property
    def title(self) -> str:
        return (self.fig.layout.title.text or "") if self.fig is not None else ""

    @cached_property
    def screen_fig(self) -> go.Figure | None:
        """The figure as a page draws it, its title set above it as text; made once, as views are cached."""
        return charts.untitled(self.fig) if self.fig is not None else None


# A chart stays readable (and quick to send) up to this many figures; the rest are counted, not hidden silently.
ROW_LIMIT = 40


def _finish(view: View, fig_builder: Callable[[pd.DataFrame], go.Figure], alt_kind: str, alt_extra: str,
            message: Callable[[pd.DataFrame], str], limit: int | None = ROW_LIMIT) -> View:
    if view.rows.empty:
        return view
    view.message = message(view.rows)  # the message describes every matching figure
    view.warnings = ev.like_for_like_warnings(view.rows)
    if limit and len(view.rows) > limit:
        view.note = (f"Showing the first {limit} of {len(view.rows)} matching figures; narrow the filters to see the "
                     "others, or list them all in the evidence explorer.")
        view.rows = view.rows.head(limit)
    view.fig = fig_builder(view.rows)
    view.alt = charts.alt_text(alt_kind, view.rows, alt_extra)
    return view


def _labelled(rows: pd.DataFrame, parts=("study", "treatment_group", "outcome_label"), with_time=True) -> pd.DataFrame:
    return rows.assign(label=charts.label_rows(rows, parts, with_time)) if not rows.empty else rows


def evidence_map(df: pd.DataFrame) -> View:
    """Figures per question and family."""
    v = View("evidence_map", "How much evidence is there?", "figures", df)
    v.counts = ev.evidence_counts(df)[["dimension_label", "family", "figures"]] if not df.empty else None
    v.list_rows = False
    return _finish(v, lambda r: charts.evidence_map_chart(ev.evidence_counts(r)), "Evidence map",
                   "Bars count figures per question and family.",
                   lambda r: f"{vocab.counted(len(r), 'figure')} from {vocab.counted(r['source_id'].nunique(), 'source')}; "
                             "a long bar means many "
                             "figures, not stronger evidence.", limit=None)


def evidence_over_time(df: pd.DataFrame) -> View:
    """Figures per publication year and family: ketamine beside traditional antidepressants over time."""
    v = View("over_time", "Evidence over time", "figures", df)
    if df.empty:
        return v
    by_year = ev.evidence_by_year(df)
    v.counts = by_year
    v.list_rows = False
    v.message = ev.over_time_message(by_year)
    v.fig = charts.over_time_chart(by_year)
    v.alt = charts.alt_text("Evidence over time", df, "Stacked bars count figures per publication year and family.")
    return v


def onset_course(df: pd.DataFrame) -> View:
    """Improvement, response and remission against time since the first dose (log axis)."""
    v = View("onset_course", "Improvement, response and remission by time since the first dose",
             "improvement, response or remission rates with a time point", ev.onset_time_course(df))

    def message(r):
        return ev.describe(r, "improvement, response or remission with a time point") + (
            " A point's time is when a study measured it, not when response began.")

    v.note = charts.OUTCOME_KEY
    return _finish(v, lambda r: charts.time_course_chart(
        r, "Share of patients improving, responding or remitting, by time since first dose", "Patients (%)"),
        "Onset chart", "Percent of patients improving, responding or remitting against time since the first dose, "
        "on a log scale from hours to weeks.", message, limit=400)


def onset_effects(df: pd.DataFrame, unit: str | None = None) -> View:
    """Differences from the comparator over time, one effect measure at a time (never converted into another)."""
    all_rows = ev.onset_effect_sizes(df)
    units = list(dict.fromkeys(all_rows["unit"]))
    unit = unit if unit in units else (units[0] if units else None)
    rows = all_rows[all_rows["unit"] == unit] if unit else all_rows
    v = View("onset_effects", "Difference from the comparator over time", "effect sizes over time", rows)

    def fig(r):
        f = charts.time_course_chart(r, f"{unit.capitalize()} against the comparator, by time since first dose",
                                     unit.capitalize())
        if unit in RATIO_UNITS:
            # Explicit ticks (Plotly's minor log ticks read 0.3 as "3"); the line at 1 is named on the axis title,
            # since an hline annotation on a log axis lands beside the wrong gridline.
            vals = pd.concat([r["value"], r["ci_low"], r["ci_high"]]).dropna()
            ticks = [t for t in charts.LOG_TICKS if vals.min() / 1.5 <= t <= vals.max() * 1.5] or [1]
            f.update_yaxes(type="log", rangemode="normal", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks],
                           title_text=f"{unit.capitalize()} (log; 1 = no difference, above 1 favours the treatment)")
            f.add_hline(y=1, line={"dash": "dot", "color": "#444444"})
        return f

    return _finish(v, fig, f"Effect sizes ({unit})", "Each point compares a treatment with the comparator named in "
                   "its table row.", lambda r: ev.describe(r, "differences from a comparator over time") + (
                       " " + ev.ratio_message(r) if unit in RATIO_UNITS else ""), limit=400)


def onset_time_to_response(df: pd.DataFrame) -> View:
    """Reported times to onset or response, in days."""
    v = View("onset_ttr", "When does improvement start? Time-to-response figures",
             "time-to-response figures in hours, days or weeks", _labelled(ev.time_to_event(df, "time_to_response")))
    return _finish(v, lambda r: charts.days_chart(r, "Reported time to onset or response"), "Time to response", "",
                   lambda r: ev.describe(r, "times to onset or response"))


def _by_group(rows: pd.DataFrame, *then: str) -> pd.DataFrame:
    """Rows ordered ketamine first, then traditional antidepressants, then comparators, group by group, so like rows
    sit together and the eye compares ketamine with traditional down one column."""
    order = {g: i for i, g in enumerate(vocab.TREATMENT_GROUPS)}
    fam = {f: i for i, f in enumerate(vocab.FAMILIES)}
    return rows.assign(_f=rows["family"].map(fam), _g=rows["treatment_group"].map(order)).sort_values(
        ["_f", "_g", *then]).drop(columns=["_f", "_g"])


def durability_relapse(df: pd.DataFrame) -> View:
    """Relapse (or staying well) on continued treatment vs after switching to placebo."""
    rel = ev.rates(df, "durability", ("relapse", "sustained_response"))
    v = View("durability_relapse", "Relapse: continuing treatment vs stopping it", "relapse percentages",
             _labelled(_by_group(rel, "outcome", "time_hours", "value")))
    return _finish(v, lambda r: charts.dot_ci_chart(r, "Share of patients who relapsed (or stayed well)",
                                                    "Patients (%)"),
                   "Relapse chart", "Dots show the percent relapsing in each arm; placebo arms are patients switched "
                   "off the drug.", lambda r: ev.describe(r, "the share of patients relapsing or staying well"))


def durability_ratios(df: pd.DataFrame) -> View:
    """Odds, risk and hazard ratios of relapse (only relapse: staying-well and withdrawal ratios point the other way)."""
    rel = ev.relative_effects(df, "durability")
    v = View("durability_ratios", "Relative risk of relapse", "relative relapse effects",
             _labelled(rel[rel["outcome"] == "relapse"]))
    if (rel["outcome"] != "relapse").any():
        v.note = (f"{int((rel['outcome'] != 'relapse').sum())} other ratios (staying well, withdrawal from the trial) "
                  "read the other way round, so they are not drawn here; the evidence explorer lists them.")
    return _finish(v, lambda r: charts.dot_ci_chart(r, "Odds, risk and hazard ratios (each against the comparator "
                                                       "in its row)", "Ratio (log scale; 1 = no difference)",
                                                    log_x=True, reference=1,
                                                    favours=("less relapse on the treatment",
                                                             "more relapse on the treatment")),
                   "Relative relapse effects", "Every ratio reads treatment against stopping or placebo (rows printed "
                   "the other way round are turned, and say so); below 1 favours the treatment.",
                   lambda r: ev.ratio_message(r) + " " + ev.describe(r, "relative relapse effects"))


def durability_after_stopping(df: pd.DataFrame) -> View:
    """What the data holds on how long benefit lasts once treatment stops: each figure with what stopped and what
    differs, listed side by side and never set against each other (no trial compared them)."""
    curated = after_stopping.curated()
    table = after_stopping.table(df, curated)
    v = View("after_stopping", "How long does the benefit last after treatment stops?",
             "figures on what happens after treatment stops", df[df["row_id"].isin(curated["row_id"])])
    v.counts = table
    v.message = after_stopping.MESSAGE if not table.empty else ""
    v.list_rows = False
    return v


def durability_days(df: pd.DataFrame) -> View:
    """Durations of benefit and times to relapse, in days."""
    v = View("durability_days", "How long did the benefit last?", "durations of benefit or times to relapse",
             _labelled(ev.durations(df)))
    return _finish(v, lambda r: charts.days_chart(r, "Reported duration of benefit and time to relapse"),
                   "Durations", "Medians or means as each source reports them, counted from the last dose or from "
                   "randomisation.", lambda r: ev.describe(r, "durations of benefit and times to relapse"))


OUTCOME_WORDS = {"response": "Response", "remission": "Remission", "non_response": "Non-response"}


def response_rates(df: pd.DataFrame, outcome: str = "response") -> View:
    """Response, remission or non-response rates by treatment group and population."""
    rows = ev.rates(df, "non_response", (outcome,))
    rows = _by_group(rows, "time_hours", "value") if not rows.empty else rows
    word = OUTCOME_WORDS[outcome]
    v = View(f"response_rates_{outcome}", f"{word} rates", f"{word.lower()} rates",
             _labelled(rows, ("study", "treatment_group")))
    return _finish(v, lambda r: charts.dot_ci_chart(r, f"{word} rates by treatment group", "Patients (%)"),
                   f"{word} rates", "Each dot is one arm of one study; populations differ, see the table.",
                   lambda r: ev.describe(r, f"{word.lower()} rates"))


def remission_rates(df: pd.DataFrame) -> View:
    """Remission rates by treatment group and population."""
    return response_rates(df, "remission")


def treatment_steps(df: pd.DataFrame) -> View:
    """Remission by sequential traditional step beside ketamine's rates in treatment-resistant depression."""
    steps, ket = ev.sequential_steps(df), ev.ketamine_trd_rates(df)
    v = View("treatment_steps", "Traditional treatment step by step, beside ketamine in treatment-resistant depression",
             "step-by-step or treatment-resistant figures", _labelled(ev.concat_rows(steps, ket)))
    return _finish(v, lambda r: charts.dot_ci_chart(r, "Remission by treatment step, and ketamine in resistant "
                                                       "depression", "Patients (%)"),
                   "Sequential treatment steps", "", lambda r: ev.describe(r, "remission by treatment step, and "
                                                                           "ketamine's response or remission in "
                                                                           "treatment-resistant depression") + (
                       " The steps are remission in STAR*D; ketamine's figures are response or remission in other "
                       "trials: different outcomes and people, never set against each other."))


def response_ratios(df: pd.DataFrame) -> View:
    """Odds and risk ratios of response or remission against the comparator in each row."""
    v = View("response_ratios", "Response and remission ratios, each against its own comparator",
             "relative response effects",
             _labelled(ev.relative_effects(df, "non_response")))
    return _finish(v, lambda r: charts.dot_ci_chart(r, "Ratios against the comparator in each row",
                                                    "Ratio (log scale; 1 = no difference)", log_x=True, reference=1,
                                                    favours=("fewer respond on the row's treatment",
                                                             "more respond on the row's treatment")),
                   "Relative effects on response and remission", "Each row names its comparator in the table: "
                   "placebo for most, electroconvulsive therapy or another drug where marked.",
                   lambda r: ev.ratio_message(r) + " " + ev.describe(r, "response and remission ratios"))


def side_effect_incidence(df: pd.DataFrame, course: str = "All", effect: str = "") -> View:
    """Incidence of each reported side effect, optionally one course (acute/persistent) or one named effect."""
    ae = ev.side_effect_rates(df)
    if course != "All":
        ae = ae[ae["adverse_effect_course"] == course]
    if effect.strip():
        ae = ae[ae["outcome_label"].str.contains(effect.strip(), case=False, regex=False)]
    v = View("side_incidence", "How often each side effect was reported", "side-effect percentages",
             _labelled(ae, ("outcome_label", "study", "treatment_group"), with_time=False))
    return _finish(v, lambda r: charts.dot_ci_chart(r, "Patients reporting each side effect (%)", "Patients (%)"),
                   "Side-effect incidence", "Rows pair an effect with its study; placebo arms appear beside the drug "
                   "where reported.", lambda r: ev.describe(r, "side-effect incidence"))


def side_effect_stopping(df: pd.DataFrame) -> View:
    """Share of patients who stopped treatment (for adverse events, or for any reason)."""
    v = View("side_stop", "Stopping treatment", "discontinuation percentages", _labelled(ev.discontinuation_rates(df)))
    return _finish(v, lambda r: charts.dot_ci_chart(r, "Patients who stopped treatment", "Patients (%)"),
                   "Discontinuation", "", lambda r: ev.describe(r, "patients stopping treatment"))


def certainty_mix(df: pd.DataFrame) -> View:
    """Figures per family split by certainty rating."""
    v = View("certainty_mix", "How sure can we be?", "figures", df)
    v.counts = ev.certainty_counts(df) if not df.empty else None
    v.list_rows = False

    def message(r):
        parts = []
        for fam, sub in r.groupby("family", sort=False):
            low = sub["certainty"].isin(["low", "very low"]).mean() * 100
            parts.append(f"{fam}: {low:.0f}% of {len(sub)} figures rated low or very low")
        return "; ".join(parts) + "."

    return _finish(v, lambda r: charts.certainty_chart(ev.certainty_counts(r)), "Certainty chart",
                   "Bars count figures per family, split by certainty rating.", message, limit=None)


def onset_durability(df: pd.DataFrame) -> View:
    """Onset and durability figures of each group on one time axis (kinds kept apart, never combined)."""
    v = View("onset_durability", "Speed of onset against durability", "onset or durability figures in time units",
             ev.timeline_rows(df))
    v.note = ("Times reported in hours, weeks or months are converted to days to share one axis (24 hours, 7 days, "
              "or 30.4 days a month).")
    return _finish(v, lambda r: charts.timeline_chart(r, ev.TIMELINE_KINDS), "Onset and durability timeline",
                   "Each row is a treatment group; open marks are onset figures, filled squares durations of benefit "
                   "or times to relapse, on a log scale in days.", lambda r: ev.describe(r, "times to onset, durations of "
                                                                            "benefit and times to relapse"),
                   limit=None)


# ---------------------------------------------------------------- comparison sets: the side-by-side answer

def set_choices(dimension: str) -> list[tuple[str, str]]:
    """Return (set id, title) for each comparison set of a question, the headline first."""
    sets = comparison_sets.curated().of(dimension)
    return list(zip(sets["set_id"], sets["title"]))


def _set_rows(df: pd.DataFrame, members: pd.DataFrame, *set_ids: str) -> pd.DataFrame:
    """Return the reader's rows that stand in the given sets (treatment and control arms)."""
    return df[df["row_id"].isin(comparison_sets.row_ids(members, *set_ids))]


def comparison(df: pd.DataFrame, set_id: str, compact: bool = False) -> View:
    """A comparison set as a forest plot (or, `compact`, its side-by-side summary) with its sentence in words.

    When the filters leave one side without a figure, the view has no chart: its message says which side is missing,
    so unlike figures are never drawn as if they compared.
    """
    sets = comparison_sets.curated()
    spec = sets.spec(set_id)
    result = synthesis.synthesise(spec, sets.members, df, sets.grade(set_id))
    v = View(f"set_{set_id}" + ("_headline" if compact else ""), spec["title"], "figures in this comparison",
             _set_rows(df, sets.members, set_id))
    v.message = synthesis.headline(result)
    v.plain = findings.plain_answer(result)
    v.set_ids = (set_id,)
    if result.missing:
        v.warnings = []
        return v
    v.warnings = [spec["differences"]] if spec["differences"] else []
    if result.indirect is not None:
        v.warnings.append("The indirect comparison is not randomised. " + spec["transitivity"])
    v.note = " ".join([synthesis.heterogeneity_text(result), "Certainty (GRADE):",
                       *synthesis.certainty_reasons(result)]).strip()
    v.counts = synthesis.effects_table(result)
    v.fig = charts.forest_chart(result, compact=compact)
    sides = "; ".join(f"{s.label}: {synthesis.summary(s, spec['measure'])['basis']}" for s in result.shown)
    v.alt = (f"Forest plot, {spec['title']}: {vocab.counted(len(v.rows), 'published figure')} from "
             f"{vocab.counted(v.rows['source_id'].nunique(), 'source')}. One row per study with its 95% confidence interval"
             f"{', and a diamond for each pooled result' if any(s.kind == 'pooled' for s in result.sides.values()) else ''}"
             f". {sides}. {v.message}")
    return v


def headline(df: pd.DataFrame, dimension: str) -> View:
    """The question's headline: its rank-1 set side by side in one compact chart (for side effects, the harm profile)."""
    if dimension == "side_effects":
        return harm_profile(df)
    return comparison(df, set_choices(dimension)[0][0], compact=True)


def overview_answer(df: pd.DataFrame, dimension: str) -> View:
    """A question's answer as the overview's card draws it: the headline, with the harm profile kept to the harms of
    the summary of findings so a card stays short on a phone."""
    return harm_profile(df, compact=True) if dimension == "side_effects" else headline(df, dimension)


def answer_onset(df: pd.DataFrame) -> View:
    """The onset question's headline comparison."""
    return headline(df, "onset")


def answer_durability(df: pd.DataFrame) -> View:
    """The durability question's headline comparison (direct evidence first)."""
    return headline(df, "durability")


def answer_non_response(df: pd.DataFrame) -> View:
    """The response question's headline comparison (direct evidence first)."""
    return headline(df, "non_response")


def answer_side_effects(df: pd.DataFrame) -> View:
    """The side-effect question's answer: the harm profile."""
    return headline(df, "side_effects")


# Comparison sets a presenter step or the briefing can show by name, beside the four answers.
SET_VIEWS = {
    "set_escape_remission": "escape-remission-week8",
    "set_addon_remission": "addon-remission-day28",
    "set_response_gain": "response-gain-phase1",
    "set_relapse_stop": "durability-relapse-or",
    "set_nausea": "nausea-vs-control",
}


def _set_view(name: str, set_id: str) -> Callable[[pd.DataFrame], View]:
    def fn(df: pd.DataFrame) -> View:
        return comparison(df, set_id, compact=True)
    fn.__name__ = name  # the view cache keys on the function's name
    fn.__doc__ = f"The comparison set {set_id}, as a compact forest plot with its sentence."
    return fn


def harm_choices(df: pd.DataFrame) -> dict[str, str]:
    """Return the curated harm sets a reader can choose from, summary-of-findings harms first: set id -> harm."""
    sets = comparison_sets.curated()
    harms = sets.sets[(sets.sets["kind"] == "harm") & (sets.sets["dimension"] == "side_effects")]
    harms = harms.assign(_o=harms["sof_order"].fillna(1000)).sort_values(["_o", "rank"])
    return {r.set_id: r.outcome_words[0].upper() + r.outcome_words[1:] for r in harms.itertuples()}


def harm_profile(df: pd.DataFrame, compact: bool = False, chosen: tuple[str, ...] = ()) -> View:
    """The harms that define each treatment: one row per harm, extra patients per 100 against the control arm of the
    same trials, ketamine and traditional side by side; a harm measured on one side only is labelled so. `compact`
    keeps the harms of the summary of findings (the overview's card); `chosen` keeps those harm sets, in that order."""
    sets = comparison_sets.curated()
    harms = sets.sets[(sets.sets["kind"] == "harm") & (sets.sets["dimension"] == "side_effects")].sort_values("rank")
    if compact:
        harms = harms[harms["sof_order"].notna()].sort_values("sof_order")
    if chosen:
        harms = harms.set_index("set_id").loc[[c for c in chosen if c in set(harms["set_id"])]].reset_index()
    results = [synthesis.synthesise(sets.spec(sid), sets.members, df, sets.grade(sid)) for sid in harms["set_id"]]
    table = harm_table(results)
    v = View("harm_profile" + ("_headline" if compact else ""), "The harms that define each treatment",
             "side-effect figures against a control arm", _set_rows(df, sets.members, *harms["set_id"]))
    v.set_ids = tuple(harms["set_id"])
    shown = table[table["value"].notna()] if not table.empty else table
    if shown.empty:
        v.message = ("No harm in the current selection has a figure against the control arm of the same trials. Clear "
                     "the filters to see the harm profile.")
        return v
    v.counts = table
    shown_results = [r for r in results if not r.missing]
    v.message = " ".join(synthesis.headline(r) for r in shown_results)
    v.plain = " ".join(f"{r.spec['outcome_words'][0].upper() + r.spec['outcome_words'][1:]}: "
                       f"{findings.plain_answer(r)}" for r in shown_results)
    v.warnings = ["control arms of different kinds (each difference is against the control arm of its own trials: "
                  "for esketamine a newly started antidepressant with a placebo spray, for the traditional drugs a "
                  "placebo tablet)", "harms measured on one side only (rows marked 'no figure in the data')"]
    v.fig = charts.harm_profile_chart(table)
    v.alt = (f"Harm profile: {len(table['harm'].unique())} harms from {vocab.counted(len(v.rows), 'published figure')} "
             f"from {vocab.counted(v.rows['source_id'].nunique(), 'source')}; under each harm one labelled line per "
             "figure, its marker the extra patients per 100 against the control arm of the same trials with a 95% "
             "confidence interval, ketamine first. " + v.message)
    v.note = "Certainty (GRADE): " + " ".join(line for r in results for line in synthesis.certainty_reasons(r))
    return v


def harm_table(results: list) -> pd.DataFrame:
    """Return one row per harm, side and figure (or a row saying the side has no figure), on the display scale."""
    out = []
    for r in results:
        harm = r.spec["outcome_words"]
        for side, s in r.sides.items():
            label = comparison_sets.SIDE_LABELS[side]
            if s.kind == "none":
                out.append({"harm": harm, "side": label, "group": "", "figure": "", "n": "",
                            "value": None, "ci_low": None, "ci_high": None, "arms": "",
                            "certainty": "", "note": "no figure in the data" if not s.curated else "filtered out"})
                continue
            for e in s.effects.to_dict("records"):
                arms = e.get("arms")
                out.append({"harm": harm, "side": label, "group": e["group"], "figure": e["sample"], "n": e["n_text"],
                            "value": e["value"], "ci_low": e["ci_low"], "ci_high": e["ci_high"],
                            "arms": (f"{100 * arms[0] / arms[1]:.0f} vs {100 * arms[2] / arms[3]:.0f} per 100"
                                     if isinstance(arms, tuple) else ""),
                            "certainty": s.certainty, "note": e["how"], "read_in": e.get("read_in", "")})
    return pd.DataFrame(out, columns=["harm", "side", "group", "figure", "n", "value", "ci_low", "ci_high", "arms",
                                      "certainty", "note", "read_in"])


ANSWERS = {"onset": answer_onset, "durability": answer_durability, "non_response": answer_non_response,
           "side_effects": answer_side_effects}

# Views that need no extra choice: presenter mode and the briefing pick from these by name.
REGISTRY: dict[str, Callable[[pd.DataFrame], View]] = {
    **{f"answer_{dim}": fn for dim, fn in ANSWERS.items()},
    **{name: _set_view(name, set_id) for name, set_id in SET_VIEWS.items()},
    "harm_profile": harm_profile,
    "evidence_map": evidence_map,
    "over_time": evidence_over_time,
    "onset_course": onset_course,
    "onset_effects": onset_effects,
    "onset_ttr": onset_time_to_response,
    "durability_relapse": durability_relapse,
    "durability_ratios": durability_ratios,
    "durability_days": durability_days,
    "response_rates": response_rates,
    "remission_rates": remission_rates,
    "treatment_steps": treatment_steps,
    "response_ratios": response_ratios,
    "side_incidence": side_effect_incidence,
    "side_stop": side_effect_stopping,
    "certainty_mix": certainty_mix,
    "onset_durability": onset_durability,
}
