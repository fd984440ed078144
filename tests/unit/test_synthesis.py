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


def result(set_id, rows=ROWS):
    spec = SETS.sets.set_index("set_id").loc[set_id].to_dict() | {"set_id": set_id}
    return sy.synthesise(spec, SETS.members, rows)


def test_pooled_side_says_pooled_with_k_i2_and_prediction_interval():
    r = result("durability-relapse-rr")
    trad = r.sides["traditional"]
    assert trad.kind == "pooled" and trad.pooled.k == 5
    basis = sy.summary(trad, "risk ratio")["basis"]
    assert basis.startswith("pooled, k = 5") and "I² =" in basis and "prediction interval" in basis
    # Pooled on the log scale: the pooled ratio lies between the smallest and largest study ratios.
    assert trad.effects["value"].min() < sy.to_display("risk ratio", trad.pooled.estimate) < trad.effects["value"].max()


def test_a_single_trial_is_labelled_single_study_not_pooled():
    r = result("durability-relapse-rr")
    ket = r.sides["ketamine"]
    assert ket.kind == "single"
    assert sy.summary(ket, "risk ratio")["basis"] == "single study, not pooled (SUSTAIN-1 stable remitters)"


def test_a_published_pool_is_shown_as_pooled_by_its_review_never_re_pooled():
    r = result("onset-response-week1")
    for side in r.sides.values():
        assert side.kind == "published" and side.pooled is None
    assert sy.summary(r.sides["ketamine"], "risk ratio")["basis"].startswith("pooled by Xu 2016")


def test_published_figures_keep_the_interval_the_source_printed():
    # Xu 2016: response at day 7, risk ratio 3.4 (95% CI 1.6 to 7.1), as printed.
    eff = result("onset-response-week1").sides["ketamine"].effects.iloc[0]
    assert (eff["value"], eff["ci_low"], eff["ci_high"]) == (3.4, 1.6, 7.1)


def test_a_ratio_published_the_other_way_round_is_inverted_with_its_interval():
    # Lewis 2021: hazard of relapse, discontinuation against maintenance, 2.06 (1.56 to 2.70).
    eff = result("durability-relapse-hr").sides["traditional"].effects.set_index("member_id").loc["drh-lewis2021"]
    assert eff["value"] == pytest.approx(1 / 2.06) and eff["ci_low"] == pytest.approx(1 / 2.70)
    assert eff["ci_high"] == pytest.approx(1 / 1.56)


def test_two_dose_arms_of_one_trial_are_combined_against_their_shared_control():
    eff = result("response-gain-phase1").sides["ketamine"].effects.set_index("member_id").loc["rg1-transform1"]
    assert eff["n_text"] == "n 229 vs 113"  # 115 + 114 esketamine patients against one control arm of 113
    events = 0.541 * 115 + 0.531 * 114
    assert eff["value"] == pytest.approx(100 * (events / 229 - 0.389), rel=1e-9)


def test_filters_that_remove_one_side_say_which_side_is_missing_and_draw_nothing():
    only_md = ROWS[ROWS["population"] == "major depression"]
    v = views.comparison(only_md, "durability-relapse-rr")
    assert v.empty
    assert v.message.startswith("No like-for-like comparison here")
    assert "ketamine is missing" in v.message


def test_headline_sentences_carry_the_certainty_in_their_verb():
    text = sy.headline(result("durability-relapse-rr"))
    assert "Continuing esketamine probably results in fewer relapses" in text  # moderate certainty
    assert "may result in fewer relapses" in text  # the traditional pool rests on low-certainty rows
    assert "Placebo" not in text


def test_every_question_opens_with_a_headline_that_names_ketamine_and_a_traditional_antidepressant():
    for dim, fn in views.ANSWERS.items():
        v = fn(ROWS)
        assert not v.empty, dim
        low = v.message.lower()
        assert "ketamine" in low and any(w in low for w in ("ssri", "snri", "antidepressant")), v.message


def test_prognostic_odds_ratios_never_enter_the_onset_treatment_effects():
    effects = ev.onset_effect_sizes(ROWS)
    assert "wagner2017-3" in set(ROWS["row_id"])
    assert not effects["outcome"].eq("prognostic").any()
    assert "Antidepressants (pooled) at 14 days" not in ev.earliest_effect_message(effects)


# ---------------------------------------------------------------- the forest plot


def forest(set_id, compact=False):
    return charts.forest_chart(result(set_id), compact=compact)


def test_forest_plot_labels_every_study_row_and_the_pool():
    fig = forest("durability-relapse-rr")
    ticks = " ".join(fig.layout.yaxis.ticktext)
    for study in ("Daly 2019", "Rapaport 2004", "Lepine 2004", "Keller 1998", "Kocsis 2007", "Lewis 2021",
                  "Pooled, 5 studies"):
        assert study in ticks
    assert len(fig.layout.yaxis.tickvals) == len(fig.layout.yaxis.ticktext)


def test_forest_plot_squares_are_sized_by_weight():
    fig = forest("durability-relapse-rr")
    r = result("durability-relapse-rr").sides["traditional"].effects.set_index("study")
    heaviest, lightest = r["weight"].idxmax(), r["weight"].idxmin()
    sizes = {}
    for t in fig.data:
        if t.marker is not None and t.marker.symbol == "square" and isinstance(t.marker.size, tuple):
            for y, s in zip(t.y, t.marker.size):
                sizes[y] = s
    ys = {label.split("<br>")[0].split(" · ")[0]: y for label, y in zip(fig.layout.yaxis.ticktext, fig.layout.yaxis.tickvals)}
    assert sizes[ys[heaviest]] > sizes[ys[lightest]]


def test_forest_plot_draws_the_pooled_diamond_and_prediction_interval():
    fig = forest("response-gain-phase1")
    diamond = [t for t in fig.data if t.fill == "toself"]
    assert len(diamond) == 1 and len(diamond[0].x) == 5
    pooled = result("response-gain-phase1").sides["ketamine"].pooled
    assert min(diamond[0].x) == pytest.approx(sy.to_display("risk difference", pooled.ci_low))
    assert any(t.name == "Prediction interval" for t in fig.data)


def test_ratio_forest_plot_has_explicit_unambiguous_log_ticks_and_no_difference_at_1():
    fig = forest("durability-relapse-rr")
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
    fig = forest("durability-relapse-rr")
    texts = [a.text.replace("<br>", " ") for a in fig.layout.annotations]
    assert any(t.startswith("← fewer relapse when it continues") for t in texts)
    assert any(t.endswith("more relapse when it continues →") for t in texts)


def test_compact_forest_keeps_one_row_per_pooled_side():
    fig = forest("durability-relapse-rr", compact=True)
    ticks = " ".join(fig.layout.yaxis.ticktext)
    assert "Pooled, 5 studies" in ticks and "Rapaport" not in ticks and "Daly 2019" in ticks


def test_share_sets_have_no_line_of_no_difference():
    fig = forest("remission-trd-rate")
    assert not [t for t in fig.data if t.name == "No difference"]
    assert fig.layout.xaxis.type != "log"
    assert not fig.layout.annotations
    assert np.all(np.array(fig.layout.xaxis.range) >= 0)


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


# ---------------------------------------------------------------- side-effect profile


def test_side_effect_profile_puts_every_group_with_an_effect_on_that_effects_row():
    prof = ev.side_effect_profile(ROWS)
    nausea = prof[prof["effect"] == "Nausea"].set_index("treatment_group")
    assert {"Esketamine", "SSRI", "SNRI", "Placebo", "Antidepressant + placebo spray"} <= set(nausea.index)
    # SPRAVATO label: esketamine 28% against 9% in its control arm (placebo spray + antidepressant): +19 points.
    assert 19.0 in set(ev.side_effect_profile(ROWS[ROWS["source_id"] == "spravatopi"])
                       .set_index("effect")["difference_vs_control"].dropna().round(1))
    assert nausea.loc["Placebo", "difference_vs_control"] is None or pd.isna(nausea.loc["Placebo", "difference_vs_control"])
    fig = views.side_effect_profile(ROWS).fig
    assert list(fig.layout.yaxis.ticktext)[:2] == ["Dissociation", "Dizziness"]
    names = {t.name.replace("<br>", " ") for t in fig.data}
    assert {"IV ketamine", "Esketamine", "SSRI", "Antidepressant + placebo spray"} <= names


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
