"""Pooling reproduces a published worked example; the synthesis labels what it pools and what it does not; the
forest plot labels every row and says which side of the line favours what."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from ketamine_evidence import charts, evidence as ev, synthesis as sy, views, vocab
from ketamine_evidence.comparison_sets import curated
from ketamine_evidence.data import load_dataset

DATASET = load_dataset()
ROWS = ev.with_sources(DATASET.evidence, DATASET.sources)
SETS = curated()

# Kacker (2004) interlaboratory example: nine laboratories' means and variances. The figures it must reproduce are
# R metafor's output as printed in statsmodels' documentation and test results (statsmodels "Meta-Analysis in
# statsmodels" notebook; statsmodels/stats/tests/results/results_meta.py):
#   rma(y, v, method="PM"):              estimate 62.4076, se 0.3380, tau^2 0.7054
#   rma(y, v, method="DL", test="knha"): estimate 62.3901, CI 61.7104 to 63.0699, tau^2 0.2880, I^2 67.74%
KACKER_Y = [61.00, 61.40, 62.21, 62.30, 62.34, 62.60, 62.70, 62.84, 65.90]
KACKER_V = [0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225]


def test_paule_mandel_pool_reproduces_metafor_on_the_kacker_example():
    p = sy.pool(KACKER_Y, KACKER_V, method_re="pm")
    assert round(p.estimate, 4) == 62.4076
    assert round(p.se, 4) == 0.3380
    assert round(p.tau2, 4) == 0.7054
    assert p.k == 9


def test_hartung_knapp_interval_and_i2_reproduce_metafor_knha_on_the_kacker_example():
    p = sy.pool(KACKER_Y, KACKER_V, method_re="dl")
    assert (round(p.ci_low, 4), round(p.ci_high, 4)) == (61.7104, 63.0699)
    assert round(p.tau2, 4) == 0.2880
    assert round(100 * p.i2, 2) == 67.74
    assert p.ci_method == "Hartung-Knapp"


def test_prediction_interval_is_wider_than_the_confidence_interval_and_absent_with_two_studies():
    p = sy.pool(KACKER_Y, KACKER_V)
    assert p.pi_low < p.ci_low < p.estimate < p.ci_high < p.pi_high
    two = sy.pool(KACKER_Y[:2], KACKER_V[:2])
    assert two.pi_low is None and two.ci_method == "normal (Wald)"
    with pytest.raises(ValueError):
        sy.pool(KACKER_Y[:1], KACKER_V[:1])


# Raudenbush (2009) teacher-expectancy data, k = 19 (metadat dat.raudenbush1985), as metafor's test suite reproduces
# Table 16.3 of the Handbook of Research Synthesis and Meta-Analysis (2nd ed., p. 309):
#   rma(yi, vi, method="DL", test="knha"): tau^2 0.0259, estimate 0.0893, se 0.0636, CI -0.0442 to 0.2229
RAUDENBUSH_Y = [0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02, -0.32, 0.27, 0.80, 0.54, 0.18, -0.02, 0.23, -0.18, -0.06,
                0.30, 0.07, -0.07]
RAUDENBUSH_V = [0.0156, 0.0216, 0.0279, 0.1391, 0.1362, 0.0106, 0.0106, 0.0484, 0.0269, 0.0630, 0.0912, 0.0497,
                0.0835, 0.0841, 0.0253, 0.0279, 0.0193, 0.0088, 0.0303]


def test_hartung_knapp_interval_reproduces_the_raudenbush_handbook_example():
    p = sy.pool(RAUDENBUSH_Y, RAUDENBUSH_V, method_re="dl")
    assert round(p.tau2, 4) == 0.0259 and round(p.estimate, 4) == 0.0893
    assert (round(p.ci_low, 4), round(p.ci_high, 4)) == (-0.0442, 0.2229)


def test_hartung_knapp_interval_is_never_narrower_than_the_standard_one():
    # Three near-identical studies: HKSJ's scaling factor is far below 1, and unmodified it would be narrower than the
    # Wald interval (response-gain-phase1 was, before the ad hoc rule).
    y, v = [0.10, 0.1001, 0.0999], [0.01, 0.012, 0.011]
    p = sy.pool(y, v)
    res = sy.combine_effects(np.asarray(y), np.asarray(v), method_re="pm", use_t=False)
    assert float(res.sd_eff_w_re_hksj) < p.se  # the case the rule is for
    t = sy.stats.t.ppf(0.975, 2)
    assert (p.ci_high - p.ci_low) / 2 == pytest.approx(t * p.se)
    assert (p.ci_high - p.ci_low) / 2 > sy.Z95 * p.se


# The maicplus package's documented test of its bucher() function (tests/testthat/test-bucher.R): log(1.1), se 0.2
# against log(1.3), se 0.18, 90% interval -> estimate -0.1670541, se 0.2690725, interval -0.6096389 to 0.2755308.
def test_bucher_indirect_comparison_reproduces_a_published_worked_example():
    y, se, lo, hi = sy.bucher(math.log(1.1), 0.2, math.log(1.3), 0.18, level=0.90)
    assert (round(y, 7), round(se, 7), round(lo, 7), round(hi, 7)) == (-0.1670541, 0.2690725, -0.6096389, 0.2755308)


def result(set_id, rows=ROWS):
    return sy.synthesise(SETS.spec(set_id), SETS.members, rows, SETS.grade(set_id))


def _arms(row_ids):
    rows = ROWS.set_index("row_id").loc[row_ids]
    return float((rows["value"] / 100 * rows["n"]).sum()), float(rows["n"].sum())


def test_a_pooled_head_to_head_side_re_derives_from_its_trials_arms():
    # TRANSFORM-1, -2, -3: remission with esketamine added against the antidepressant alone, from evidence.csv's arms.
    members = SETS.members[SETS.members["set_id"] == "addon-remission-day28"]
    ys, vs = [], []
    for m in members.to_dict("records"):
        e1, n1 = _arms(m["row_ids"].split(";"))
        e2, n2 = _arms(m["control_row_ids"].split(";"))
        y, v = sy.effectsize_2proportions(e1, n1, e2, n2, statistic="risk-ratio")
        ys.append(y), vs.append(v)
    res = sy.combine_effects(np.asarray(ys), np.asarray(vs), method_re="pm", use_t=False)
    se = max(float(res.sd_eff_w_re_hksj), float(res.sd_eff_w_re))
    half = sy.stats.t.ppf(0.975, len(ys) - 1) * se
    side = result("addon-remission-day28").sides["direct"]
    assert side.kind == "pooled" and side.pooled.k == len(ys) == 3
    sm = sy.summary(side, "risk ratio")
    assert sm["value"] == pytest.approx(math.exp(float(res.mean_effect_re)))
    assert (sm["ci_low"], sm["ci_high"]) == pytest.approx((math.exp(res.mean_effect_re - half),
                                                           math.exp(res.mean_effect_re + half)))
    assert "pooled here from 3 trials" in sm["basis"]


def test_the_randomised_head_to_head_trials_are_in_sets_and_lead_their_questions():
    direct = SETS.members[SETS.members["side"] == "direct"]
    rows = " ".join(direct["row_ids"]) + " " + " ".join(direct["control_row_ids"].fillna(""))
    for row in ("reif2023-1", "reif2023-2", "reif2023-3", "reif2023-4", "anand2023-3", "katz2021-4", "katz2021-6"):
        assert row in rows
    assert views.answer_non_response(ROWS).name == "set_escape-remission-week8_headline"
    assert views.answer_durability(ROWS).name == "set_durability-escape-sustained_headline"


def test_no_set_compares_single_arms_of_different_trials():
    rows = ROWS.set_index("row_id")
    for m in SETS.members.to_dict("records"):
        if not isinstance(m["control_row_ids"], str) or not m["control_row_ids"]:
            # without a control arm, a member is a published contrast (a ratio or a difference), never a share
            assert all(rows.loc[r, "unit"] != "%" for r in m["row_ids"].split(";")), m["member_id"]
    assert "remission-trd-rate" not in set(SETS.sets["set_id"])


def test_a_side_published_the_other_way_round_and_a_single_trial_are_labelled_as_such():
    r = result("durability-relapse-or")
    assert r.sides["ketamine"].kind == "single"
    assert sy.summary(r.sides["ketamine"], "odds ratio")["basis"].startswith("one trial (SUSTAIN-1")
    assert r.sides["traditional"].kind == "published"
    assert sy.summary(r.sides["traditional"], "odds ratio")["basis"].startswith("pooled by Kato 2021")


def test_relapse_after_stopping_says_the_two_sides_are_different_experiments_and_certainty_is_not_backwards():
    r = result("durability-relapse-or")
    assert "different" in r.spec["title"].lower()
    text = sy.headline(r)
    assert text.startswith("These are different experiments")
    # One enriched sponsor trial is not judged more certain than a 40-trial meta-analysis.
    order = {c: i for i, c in enumerate(vocab.CERTAINTY)}
    assert order[r.sides["ketamine"].certainty] >= order[r.sides["traditional"].certainty]
    assert r.indirect is None  # no indirect comparison between different experiments
    assert "stopping them" in text  # "continuing antidepressants ... than stopping them"


def test_certainty_comes_from_the_grade_judgement_of_the_body_not_the_weakest_row():
    spec, members = SETS.spec("onset-response-week1"), SETS.members
    judged = SETS.grade("onset-response-week1")
    worse = {**judged, "traditional": {**judged["traditional"], "imprecision": "very serious"}}
    before = sy.synthesise(spec, members, ROWS, judged).sides["traditional"].certainty
    after = sy.synthesise(spec, members, ROWS, worse).sides["traditional"].certainty
    order = {c: i for i, c in enumerate(vocab.CERTAINTY)}
    assert order[after] == min(order[before] + 2, 3)


def test_an_interval_from_large_benefit_to_large_harm_is_very_uncertain_not_no_difference():
    r = result("dropout-vs-placebo")
    sentence = sy.side_sentence(r, "ketamine")
    assert sentence.startswith("The evidence is very uncertain about the effect of IV ketamine")
    assert "little to no difference" not in sentence and "little or no difference" not in sentence


def test_little_to_no_difference_is_said_only_of_intervals_inside_the_minimal_important_difference():
    from ketamine_evidence import grade as gr
    for set_id in SETS.sets["set_id"]:
        r = result(set_id)
        for side, s in r.sides.items():
            if s.kind in ("none", "several"):
                continue
            sm = sy.summary(s, r.spec["measure"])
            if "little to no difference" in sy.side_sentence(r, side):
                assert gr.size(r.spec["measure"], sm["value"], sm["ci_low"], sm["ci_high"], r.spec["mid"]) == "none"


def test_imprecision_is_rated_down_where_an_interval_crosses_no_difference_and_an_important_effect():
    from ketamine_evidence import grade as gr
    for set_id in SETS.sets["set_id"]:
        r = result(set_id)
        measure, mid = r.spec["measure"], r.spec["mid"]
        null = sy.NULL[measure]
        for side, s in r.sides.items():
            if s.kind in ("none", "several"):
                continue
            sm = sy.summary(s, measure)
            if sm["ci_low"] is None:
                continue
            crosses_null = sm["ci_low"] < null < sm["ci_high"]
            important = not gr._inside(measure, sm["ci_low"], mid) or not gr._inside(measure, sm["ci_high"], mid)
            if crosses_null and important:
                assert s.judgement["imprecision"] != "not serious", (set_id, side)


@pytest.mark.parametrize("certainty,lo,hi,value,expected", [
    ("high", 1.05, 1.20, 1.1, "X results in little to no difference in y."),
    ("moderate", 0.95, 1.60, 1.2, "X probably results in slightly more y."),
    ("low", 1.30, 2.00, 1.6, "X may result in more y."),
    ("moderate", 0.50, 0.70, 0.6, "X probably results in fewer y."),
    ("very low", 0.19, 8.28, 1.25, "The evidence is very uncertain about the effect of X on the outcome."),
])
def test_grade_statements_follow_santesso_2020_for_every_branch(certainty, lo, hi, value, expected):
    from ketamine_evidence import grade as gr
    words = {"more": "more y", "fewer": "fewer y", "none": "little to no difference in y"}
    assert gr.statement(certainty, "X", "the outcome", words, "risk ratio", value, lo, hi, 0.25, 1.0) == expected


def test_grade_statements_agree_with_their_subjects():
    from ketamine_evidence import grade as gr
    words = {"more": "more relapses than stopping it", "fewer": "fewer relapses than stopping it", "none": "x"}
    said = gr.statement("moderate", "SSRIs", "relapse", words, "odds ratio", 0.4, 0.3, 0.5, 0.25, 1.0, plural=True,
                        them=True)
    assert said == "SSRIs probably result in fewer relapses than stopping them."
    assert gr.statement("very low", "IV ketamine", "y", words, "odds ratio", 1, 0.1, 9, 0.25, 1.0).startswith(
        "The evidence is very uncertain about the effect of IV ketamine")


def test_the_indirect_comparison_is_bucher_through_the_common_comparator_and_labelled_not_randomised():
    r = result("onset-response-week1")
    ket, trad = ROWS.set_index("row_id").loc["xu2016-1"], ROWS.set_index("row_id").loc["taylor2006-1"]
    se = lambda row: (math.log(row["ci_high"]) - math.log(row["ci_low"])) / (2 * sy.Z95)  # noqa: E731
    y, _, lo, hi = sy.bucher(math.log(ket["value"]), se(ket), math.log(trad["value"]), se(trad))
    assert (r.indirect.value, r.indirect.ci_low, r.indirect.ci_high) == pytest.approx((math.exp(y), math.exp(lo),
                                                                                      math.exp(hi)))
    text = sy.headline(r)
    assert "Indirect comparison, not randomised" in text
    assert r.indirect.certainty == "very low"  # intransitive: populations, schedules and controls differ
    assert "not randomised" in views.comparison(ROWS, "onset-response-week1").warnings[-1]


def test_no_prediction_interval_in_a_headline_with_fewer_than_five_studies():
    r = result("addon-remission-day28")
    assert r.sides["direct"].pooled.k < sy.PI_HEADLINE_MIN_K
    assert "prediction interval" not in sy.headline(r)
    assert "prediction interval" in sy.heterogeneity_text(r).lower()


def test_filters_that_remove_one_side_say_which_side_is_missing_and_how_to_clear_it():
    only_md = ROWS[ROWS["population"] == "major depression"]
    v = views.comparison(only_md, "durability-relapse-or")
    assert v.empty
    assert v.message.startswith("No like-for-like comparison here")
    assert "ketamine is filtered out" in v.message and "Clear the filters" in v.message


def test_every_question_opens_with_an_answer_that_names_ketamine():
    for dim, fn in views.ANSWERS.items():
        v = fn(ROWS)
        assert not v.empty, dim
        assert "ketamine" in v.message.lower() or "esketamine" in v.message.lower(), v.message


def test_the_side_effect_answer_leads_with_the_harms_that_define_each_treatment():
    v = views.answer_side_effects(ROWS)
    harms = list(dict.fromkeys(v.counts["harm"]))
    assert harms[0] == "dissociation" and "increased blood pressure" in harms and "sexual dysfunction" in harms
    ticks = [t.replace("<br>", " ") for t in v.fig.layout.yaxis.ticktext]
    assert ticks[0] == "<b>Dissociation</b>"
    assert any("Traditional antidepressants: no figure in the data" in t for t in ticks)
    assert any("SSRI · Clayton 2007" in t for t in ticks)
    # Each drawn difference is the two arms of the same trials: dissociation from the label's two arms.
    arms = ROWS.set_index("row_id").loc[["spravatopi-1", "spravatopi-2"], "value"]
    drawn = v.counts[v.counts["harm"] == "dissociation"]["value"].dropna().iloc[0]
    assert drawn == pytest.approx(arms.iloc[0] - arms.iloc[1])


def test_prognostic_odds_ratios_never_enter_the_onset_treatment_effects():
    effects = ev.onset_effect_sizes(ROWS)
    assert "wagner2017-3" in set(ROWS["row_id"])
    assert not effects["outcome"].eq("prognostic").any()


# ---------------------------------------------------------------- the forest plot


def forest(set_id, compact=False):
    return charts.forest_chart(result(set_id), compact=compact)


def test_forest_plot_labels_every_study_row_and_the_pool():
    fig = forest("addon-remission-day28")
    ticks = " ".join(fig.layout.yaxis.ticktext)
    for label in ("TRANSFORM-1", "TRANSFORM-2", "TRANSFORM-3", "Pooled, 3 studies",
                  "Ketamine against a newly started oral antidepressant with a placebo spray"):
        assert label in ticks.replace("<br>", " ")
    assert len(fig.layout.yaxis.tickvals) == len(fig.layout.yaxis.ticktext)


def test_forest_plot_squares_are_sized_by_weight():
    fig = forest("addon-remission-day28")
    r = result("addon-remission-day28").sides["direct"].effects.set_index("sample")
    heaviest, lightest = r["weight"].idxmax(), r["weight"].idxmin()
    sizes = {}
    for t in fig.data:
        if t.marker is not None and t.marker.symbol == "square" and isinstance(t.marker.size, tuple):
            for y, s in zip(t.y, t.marker.size):
                sizes[y] = s
    ys = {label.split("<br>")[0].split(" · ")[-1]: y for label, y in zip(fig.layout.yaxis.ticktext,
                                                                          fig.layout.yaxis.tickvals)}
    assert sizes[ys[heaviest]] > sizes[ys[lightest]]


def test_forest_plot_draws_the_pooled_diamond_and_prediction_interval():
    fig = forest("response-gain-phase1")
    diamond = [t for t in fig.data if t.fill == "toself"]
    assert len(diamond) == 1 and len(diamond[0].x) == 5
    pooled = result("response-gain-phase1").sides["ketamine"].pooled
    assert min(diamond[0].x) == pytest.approx(sy.to_display("risk difference", pooled.ci_low))
    assert any(t.name == "Prediction interval" for t in fig.data)


def test_forest_plot_draws_the_indirect_comparison_apart_and_labelled():
    fig = forest("onset-response-week1")
    ticks = [t.replace("<br>", " ") for t in fig.layout.yaxis.ticktext]
    assert "<b>Indirect, not randomised</b>" in ticks
    assert [t for t in fig.data if t.name == "Indirect (not randomised)"]
    assert not [t for t in forest("onset-response-week1", compact=True).data if t.name == "Indirect (not randomised)"]


def test_ratio_forest_plot_has_explicit_unambiguous_log_ticks_and_no_difference_at_1():
    fig = forest("durability-relapse-or")
    assert fig.layout.xaxis.type == "log"
    ticks = list(fig.layout.xaxis.tickvals)
    assert 1 in ticks and any(t < 1 for t in ticks)
    # Left of 1 a tick reads as a decimal ("0.5"), never as a bare digit that looks like 5.
    assert all(text.startswith("0.") for t, text in zip(ticks, fig.layout.xaxis.ticktext) if t < 1)
    line = [t for t in fig.data if t.name == "No difference"]
    assert line and set(line[0].x) == {1.0}
    # The line of no difference sits in the middle of the axis, where the favours words are anchored.
    lo, hi = fig.layout.xaxis.range
    assert math.isclose(lo, -hi)


def test_forest_plot_says_what_each_side_of_the_line_favours():
    fig = forest("durability-relapse-or")
    texts = [a.text.replace("<br>", " ") for a in fig.layout.annotations]
    assert any(t.startswith("← fewer relapse when it continues") for t in texts)
    assert any(t.endswith("more relapse when it continues →") for t in texts)


def test_compact_forest_keeps_one_row_per_pooled_side():
    fig = forest("response-gain-phase1", compact=True)
    ticks = " ".join(fig.layout.yaxis.ticktext)
    assert "Pooled, 3 studies" in ticks and "TRANSFORM-2" not in ticks and "Taylor 2006" in ticks


# ---------------------------------------------------------------- ratio charts below the answer (every figure)


@pytest.mark.parametrize("view", [views.durability_ratios, views.response_ratios])
def test_ratio_dot_charts_draw_their_row_labels_on_the_log_axis_itself(view):
    fig = view(ROWS).fig
    labels = [t for t in fig.data if t.name == "labels"]
    # The first release drew them on an overlaying linear axis, which a log x axis hides: every label was lost.
    assert labels and labels[0].xaxis in (None, "x") and fig.layout.xaxis.type == "log"
    lo, _ = fig.layout.xaxis.range
    assert all(x == pytest.approx(10 ** lo) for x in labels[0].x)
    assert len(labels[0].text) == len(set(labels[0].y)) > 3
    assert all(text.startswith("0.") for t, text in zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext) if t < 1)
    words = [a.text.replace("<br>", " ") for a in fig.layout.annotations]
    assert any(w.startswith("←") for w in words) and any(w.endswith("→") for w in words)


def test_row_labels_are_cut_only_at_a_word_and_never_show_a_row_id():
    fig = views.durability_ratios(ROWS).fig
    text = [t for t in fig.data if t.name == "labels"][0].text
    assert not [t for t in text if re.search(r"\[[a-z0-9]+-\d+\]", t)]
    full = "Lewis 2021 · Placebo · Hazard of relapse, discontinue vs maintain (over 52 weeks after randomisation)"
    cut = charts._shorten(full, 60)
    assert cut.endswith("…") and full.startswith(cut[:-1]) and full[len(cut) - 1] == " "


def test_durability_ratio_chart_only_holds_ratios_where_lower_means_less_relapse():
    v = views.durability_ratios(ROWS)
    assert set(v.rows["outcome"]) == {"relapse"}
    assert "staying well" in v.note


def test_onset_odds_ratio_axis_has_explicit_ticks_and_no_misplaced_annotation():
    fig = views.onset_effects(ROWS, "odds ratio").fig
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.tickvals
    assert "1 = no difference" in fig.layout.yaxis.title.text
    assert not [a for a in fig.layout.annotations if "no difference" in (a.text or "")]


def test_onset_chart_marks_tell_response_remission_and_improvement_apart():
    fig = views.onset_course(ROWS).fig
    ket = next(t for t in fig.data if t.name == "IV ketamine")
    course = ev.onset_time_course(ROWS)
    assert {"response", "remission"} <= set(course[course["treatment_group"] == "IV ketamine"]["outcome"])
    assert len(set(ket.marker.symbol)) >= 2
    assert views.onset_course(ROWS).note.startswith("Marks: filled = response")


def test_a_tall_dot_chart_repeats_its_scale_at_the_top_with_the_same_ticks():
    fig = views.durability_ratios(ROWS).fig
    assert len([t for t in fig.data if t.name == "labels"][0].text) > 12
    top = fig.layout.xaxis3
    assert top.side == "top" and top.matches == "x" and top.type == "log"
    assert list(top.tickvals) == list(fig.layout.xaxis.tickvals)
    short = charts.dot_ci_chart(ROWS.head(3).assign(label=["a", "b", "c"]), "T", "x")
    assert "xaxis3" not in short.to_plotly_json()["layout"]


def test_every_figure_relapse_chart_groups_ketamine_then_traditional_then_comparators():
    rows = views.durability_relapse(ROWS).rows
    order = rows["family"].map({f: i for i, f in enumerate(vocab.FAMILIES)}).tolist()
    assert order == sorted(order) and len(set(order)) == 3


def test_onset_time_axis_has_few_level_ticks_that_fit_a_phone():
    fig = views.onset_course(ROWS).fig
    assert len(fig.layout.xaxis.tickvals) <= 7 and fig.layout.xaxis.tickangle == 0


def test_counts_take_the_right_number():
    assert vocab.counted(1, "figure") == "1 figure" and vocab.counted(2, "source") == "2 sources"
    assert charts.alt_text("X", ROWS.head(1)).startswith("X: 1 published figure from 1 source,")


# ---------------------------------------------------------------- every headline and table cell re-derives


STAT = {"risk ratio": "risk-ratio", "odds ratio": "odds-ratio", "risk difference": "diff"}


def _expected(m, measure):
    """Re-derive one member's effect from evidence.csv, independently of the package: (analysis value, variance)."""
    rows = ROWS.set_index("row_id")
    treat = m["row_ids"].split(";")
    control = m["control_row_ids"].split(";") if isinstance(m["control_row_ids"], str) and m["control_row_ids"] else []
    if control:
        e1, n1 = _arms(treat)
        e2, n2 = _arms(control)
        y, v = sy.effectsize_2proportions(e1, n1, e2, n2, statistic=STAT[measure])
        return float(y), float(v)
    r = rows.loc[treat[0]]
    if measure == "risk difference":
        return r["value"] / 100, ((r["ci_high"] - r["ci_low"]) / 100 / (2 * sy.Z95)) ** 2 if pd.notna(r["ci_low"]) else np.nan
    return math.log(r["value"]), ((math.log(r["ci_high"]) - math.log(r["ci_low"])) / (2 * sy.Z95)) ** 2 \
        if pd.notna(r["ci_low"]) else np.nan


def _or_none(x):
    return None if pd.isna(x) else float(x)


@pytest.mark.parametrize("set_id", list(SETS.sets["set_id"]))
def test_every_side_of_every_set_re_derives_from_its_members(set_id):
    spec, r = SETS.spec(set_id), result(set_id)
    measure = spec["measure"]
    back = (lambda x: math.exp(x)) if measure != "risk difference" else (lambda x: 100 * x)  # noqa: E731
    for side, s in r.sides.items():
        members = SETS.members[(SETS.members["set_id"] == set_id) & (SETS.members["side"] == side)]
        got = sy.summary(s, measure)
        if s.kind in ("single", "published"):
            m = members.iloc[0].to_dict()
            y, v = _expected(m, measure)
            assert got["value"] == pytest.approx(back(y))
            if not isinstance(m["control_row_ids"], str) or not m["control_row_ids"]:
                # A published figure keeps the interval its source printed.
                row = ROWS.set_index("row_id").loc[m["row_ids"]]
                assert (got["ci_low"], got["ci_high"]) == (_or_none(row["ci_low"]), _or_none(row["ci_high"]))
            elif not math.isnan(v):
                assert (got["ci_low"], got["ci_high"]) == pytest.approx((back(y - sy.Z95 * math.sqrt(v)),
                                                                          back(y + sy.Z95 * math.sqrt(v))), rel=1e-6)
        elif s.kind == "pooled":
            ys, vs = zip(*(_expected(m, measure) for m in members.to_dict("records")))
            res = sy.combine_effects(np.asarray(ys), np.asarray(vs), method_re="pm", use_t=False)
            se = max(float(res.sd_eff_w_re_hksj), float(res.sd_eff_w_re)) if len(ys) >= 3 else float(res.sd_eff_w_re)
            q = sy.stats.t.ppf(0.975, len(ys) - 1) if len(ys) >= 3 else sy.Z95
            mu = float(res.mean_effect_re)
            assert (got["value"], got["ci_low"], got["ci_high"]) == pytest.approx((back(mu), back(mu - q * se),
                                                                                  back(mu + q * se)))
        elif s.kind == "several":
            assert len(s.effects) == len(members) >= 2 and got["value"] is None  # listed, never summarised


@pytest.mark.parametrize("set_id", list(SETS.sets.loc[SETS.sets["sof_order"].notna(), "set_id"]))
def test_the_plain_answer_gives_people_per_100_from_the_trials_own_arms(set_id):
    from ketamine_evidence import findings

    r = result(set_id)
    plain = findings.plain_answer(r)
    for side, s in r.sides.items():
        members = SETS.members[(SETS.members["set_id"] == set_id) & (SETS.members["side"] == side)]
        if s.kind != "single" or not isinstance(members.iloc[0]["control_row_ids"], str):
            continue
        m = members.iloc[0]
        e1, n1 = _arms(m["row_ids"].split(";"))
        e2, n2 = _arms(m["control_row_ids"].split(";"))
        assert f"{100 * e1 / n1:.0f} in 100" in plain and f"{100 * e2 / n2:.0f} in 100" in plain


def test_the_overview_card_keeps_the_harms_of_the_summary_of_findings_and_the_page_keeps_them_all():
    sets = SETS.sets[(SETS.sets["kind"] == "harm")]
    in_sof = list(sets.dropna(subset=["sof_order"]).sort_values("sof_order")["outcome_words"])
    card = views.overview_answer(ROWS, "side_effects")
    assert list(dict.fromkeys(card.counts["harm"])) == in_sof
    page = views.answer_side_effects(ROWS)
    assert set(page.counts["harm"]) == set(sets["outcome_words"]) and len(set(page.counts["harm"])) > len(in_sof)


def test_a_missing_side_is_said_in_sentences_a_person_would_write():
    only_md = ROWS[ROWS["population"] == "major depression"]
    text = views.comparison(only_md, "durability-relapse-or").message
    assert "only traditional antidepressants have a figure" in text and "ketamine is filtered out" in text
    no_ssri = ROWS[~ROWS["treatment_group"].isin(["SSRI", "Antidepressants (pooled)"])]
    text = views.comparison(no_ssri, "durability-relapse-or").message
    assert "only ketamine has a figure" in text and "traditional antidepressants are filtered out" in text
