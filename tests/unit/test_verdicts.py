"""Typed claims get verdicts with their rule: matched on meaning (treatment, outcome, harm, population, time,
quantity, comparison), mapped onto one answer, judged by a stated rule; the claims below are the ones issue 20
found mis-routed, plus one of each kind and each verdict. Numbers in the claims are built from the data, so a data
update moves them with it."""

import pytest

from ketamine_evidence import claims as cl, evidence as ev, findings, verdicts as vd
from ketamine_evidence.comparison_sets import curated
from ketamine_evidence.data import load_dataset


@pytest.fixture(scope="module")
def ctx():
    ds = load_dataset()
    rows = ev.with_sources(ds.evidence, ds.sources)
    return rows, cl.read_claims(rows), curated()


def judge(ctx, text):
    rows, claims, sets = ctx
    return vd.judge(text, rows, claims, sets)


def arm(ctx, set_id, side="ketamine"):
    """The first trial arm of a set's side, as the rule reads it (per 100 and its Wilson interval)."""
    rows, _, sets = ctx
    result = findings.compute(sets.spec(set_id), sets, rows)
    reading = vd.read("esketamine dissociation")
    return vd._arms(result, side, reading, rows)[0]


def test_reading_a_claim_finds_its_parts():
    r = vd.read("Ketamine helps 70 % of people antidepressants failed within 24 hours")
    assert r.ketamine and r.traditional and r.trd and r.quantity == 70 and r.hours == 24
    assert r.comparator is None, "'antidepressants failed' names who, not what ketamine is compared with"
    assert r.outcome == "response"
    c = vd.read("Esketamine nasal spray is as safe as an SSRI")
    assert c.comparison == "safer" and c.harm == "any" and c.comparator == "traditional"
    assert vd.read("Ketamine cures depression").absolute == "benefit"
    assert vd.read("The effects of ketamine wear off within a week or two").outcome == "relapse"
    assert vd.read("Esketamine causes dissociation in a quarter of patients").quantity == 25
    assert vd.read("Esketamine causes fewer relapses").quantity is None  # "fewer" is not "few"


def test_a_rate_inside_the_trial_arm_is_supported_and_far_outside_is_not(ctx):
    a = arm(ctx, "harm-dissociation")
    inside = round((a["low"] + a["high"]) / 2)
    outside = max(1, round(a["low"] - vd.NEAR_POINTS - 5))
    yes = judge(ctx, f"Esketamine causes dissociation in {inside}% of patients")
    no = judge(ctx, f"Esketamine causes dissociation in {outside}% of patients")
    assert yes.answer_id == no.answer_id == "harm-dissociation"
    assert yes.verdict == "supported" and no.verdict == "not supported"
    for v in (yes, no):
        assert "Each trial is read on its own" in v.rule and a["sample"] in v.rule
        assert v.certainty in ("high", "moderate", "low")  # judged for the body, not the weakest row
    near = judge(ctx, f"Esketamine causes dissociation in {round(a['high'] + vd.NEAR_POINTS / 2)}% of patients")
    assert near.verdict == "partly supported"


def test_a_quarter_is_read_as_25_in_100(ctx):
    v = judge(ctx, "Esketamine causes dissociation in a quarter of patients")
    assert "25 in 100" in v.rule and v.answer_id == "harm-dissociation"


def test_a_claim_about_people_antidepressants_failed_is_checked_against_ketamine_arms_not_antidepressant_rows(ctx):
    v = judge(ctx, "Ketamine helps 70 % of people antidepressants failed")
    assert v.verdict in vd.VERDICTS[:3] and "70 in 100" in v.rule
    assert "cumulative" not in v.rule.lower() and "relapse" not in v.rule.lower()
    rows, _, sets = ctx
    assert sets.spec(v.answer_id)["dimension"] in ("non_response", "onset")


def test_wearing_off_maps_onto_the_curated_durability_claim(ctx):
    v = judge(ctx, "The effects of ketamine wear off within a week or two")
    rows, claims, _ = ctx
    c = claims.set_index("claim_id").loc[v.answer_id]
    assert c["dimension"] == "durability" and v.verdict == vd.CURATED[c["verdict"]]
    assert c["claim"] in v.rule


def test_as_safe_as_an_ssri_cannot_be_judged_and_lists_harms_of_both_sides(ctx):
    v = judge(ctx, "Esketamine nasal spray is as safe as an SSRI")
    assert v.verdict == "cannot be judged from this evidence"
    assert "No randomised trial" in v.rule and "dissociation" in v.rule.lower() and "sexual" in v.rule.lower()


def test_cures_is_not_supported_by_remission_figures(ctx):
    v = judge(ctx, "Ketamine cures depression")
    assert v.verdict == "not supported" and "remission" in v.rule


def test_no_side_effects_is_not_supported_when_a_harm_exceeds_control(ctx):
    v = judge(ctx, "Esketamine has no side effects")
    assert v.verdict == "not supported" and "more frequent than on control" in v.rule


def test_a_harm_that_exceeds_control_supports_the_claim_and_its_negation_does_not(ctx):
    yes = judge(ctx, "Esketamine raises blood pressure")
    no = judge(ctx, "Esketamine does not raise blood pressure")
    assert yes.answer_id == no.answer_id == "harm-blood-pressure"
    assert yes.verdict == "supported" and no.verdict == "not supported"


def test_a_comparison_without_randomised_or_indirect_evidence_is_never_ranked(ctx):
    v = judge(ctx, "Ketamine works faster than SSRIs")
    assert v.answer_id == "onset-response-week1"
    # Only an indirect comparison exists; at very low certainty it cannot judge the claim.
    assert "indirect" in v.rule and "not randomised" in v.rule
    if v.certainty == "very low":
        assert v.verdict == "cannot be judged from this evidence" and "very uncertain" in v.how_sure


def test_a_comparison_is_judged_in_the_direction_the_claim_states(ctx):
    # ESCAPE-TRD compared esketamine with quetiapine head to head; the claim and its mirror must get opposite verdicts.
    yes = judge(ctx, "Esketamine is better than quetiapine for remission")
    no = judge(ctx, "Quetiapine is better than esketamine for remission")
    assert yes.answer_id == no.answer_id == "escape-remission-week8"
    assert {yes.verdict, no.verdict} == {"supported", "not supported"}
    assert vd.read("SSRIs work faster than ketamine").ketamine_first is False
    assert vd.read("Ketamine works faster than SSRIs").ketamine_first is True


def test_trials_that_disagree_cannot_settle_a_comparison(ctx):
    v = judge(ctx, "Ketamine works better than ECT")
    assert v.answer_id == "ketamine-vs-ect" and "ELEKT-D" in v.rule and "KetECT" in v.rule
    assert v.verdict == "cannot be judged from this evidence"


def test_an_unrelated_sentence_and_a_claim_with_no_question_cannot_be_judged(ctx):
    assert judge(ctx, "The weather is nice today").verdict == "cannot be judged from this evidence"
    v = judge(ctx, "Ketamine is a molecule")
    assert v.verdict == "cannot be judged from this evidence" and "no question" in v.rule


def test_the_oxford_claim_maps_onto_the_curated_claim_about_it(ctx):
    v = judge(ctx, "About a third of the Oxford patients improved")
    assert v.answer_id.startswith("seed-") and "Oxford" in v.answer


def test_very_low_certainty_neither_supports_nor_refutes():
    v = vd._certain(vd.Verdict("supported", "A rule.", certainty="very low"))
    assert v.verdict == "cannot be judged from this evidence" and "very low" in v.rule
    kept = vd._certain(vd.Verdict("not supported", "A rule.", certainty="low"))
    assert kept.verdict == "not supported"


def test_every_verdict_word_is_reachable(ctx):
    claims = ["Esketamine raises blood pressure", "Half of patients on esketamine reach remission within 4 weeks",
              "Ketamine cures depression", "The weather is nice today"]
    assert {judge(ctx, c).verdict for c in claims} == set(vd.VERDICTS)


def test_an_ssri_claim_is_read_against_ssri_arms_only(ctx):
    v = judge(ctx, "SSRIs cause sexual dysfunction in about 40% of people")
    assert v.answer_id == "harm-sexual" and "SNRI" not in v.rule
    rows, _, _ = ctx
    used = rows.set_index("row_id").loc[v.row_ids]
    assert set(used["treatment_group"]) == {"SSRI", "Placebo"}  # the SSRI arm and its own control arm, nothing else


def test_the_answers_own_figures_come_first_in_the_list(ctx):
    rows, claims, sets = ctx
    v = judge(ctx, "Esketamine causes dissociation in a quarter of patients")
    found = cl.answer_rows_first(cl.match_claim("Esketamine causes dissociation in a quarter of patients", rows),
                                 v.row_ids)
    head = found.head(len(set(v.row_ids) & set(found["row_id"])))
    assert set(head["row_id"]) <= set(v.row_ids) and len(head)


def test_the_oxford_source_note_says_where_it_was_read(ctx):
    rows, _, _ = ctx
    ds = load_dataset()
    note = cl.seed_source_note(ds.sources)
    assert note["url"].startswith("https://") and "abstract" in note["text"] and "DOI or PMID" in note["text"]


def test_figures_shown_one_by_one_are_judged_one_by_one_for_the_named_class(ctx):
    rows, _, sets = ctx
    v = judge(ctx, "SSRIs cause nausea")
    assert v.answer_id == "nausea-vs-control" and "each figure on its own (not pooled)" in v.rule
    result = findings.compute(sets.spec("nausea-vs-control"), sets, rows)
    trad = result.sides["traditional"].effects
    for r in trad.itertuples():  # only the SSRI figures are read for an SSRI claim
        assert (r.sample in v.rule) == (r.group == "SSRI")
    assert v.verdict in vd.VERDICTS
