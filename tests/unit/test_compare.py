"""Weighted side-effect burden and benefit-burden summaries, on invented rows (not clinical data)."""

import pytest

from ketamine_evidence import compare

from .test_evidence import frame


def ae(group, label, value, rid):
    return {"row_id": rid, "dimension": "side_effects", "outcome": "adverse_event", "treatment_group": group,
            "family": "Ketamine" if group == "Esketamine" else "Traditional antidepressants",
            "outcome_label": label, "value": value}


@pytest.fixture
def rows():
    return frame(ae("Esketamine", "Dissociation", 40.0, "a-1"), ae("Esketamine", "Nausea", 20.0, "a-2"),
                 ae("SSRI", "Nausea", 30.0, "b-1"), ae("SSRI", "Sexual dysfunction", 60.0, "b-2"),
                 ae("SSRI", "Unclassified oddity", 99.0, "b-3"))


def test_categories_come_from_outcome_labels(rows):
    cats = compare.categorise(rows["outcome_label"])
    assert cats.iloc[:4].tolist() == ["Dissociation or altered perception", "Nausea or vomiting", "Nausea or vomiting",
                                      "Sexual problems"]
    assert cats.isna().iloc[4]


def test_weights_reorder_the_groups_and_missing_kinds_are_not_zero(rows):
    weights = {c: 0 for c in compare.EFFECT_CATEGORIES}
    weights.update({"Dissociation or altered perception": 3, "Nausea or vomiting": 1, "Sexual problems": 0})
    wb = compare.weighted_burden(rows, weights).set_index("treatment_group")
    assert wb.loc["Esketamine", "weighted_burden"] == pytest.approx((3 * 40 + 1 * 20) / 4)
    assert wb.loc["SSRI", "weighted_burden"] == pytest.approx(30.0)  # no dissociation figure: missing, not 0
    assert "Dissociation" in wb.loc["SSRI", "missing"]
    weights.update({"Dissociation or altered perception": 0, "Sexual problems": 3})
    order = compare.weighted_burden(rows, weights)["treatment_group"].tolist()
    assert order == ["Esketamine", "SSRI"]


def test_benefit_burden_needs_both_kinds_of_figure(rows):
    resp = frame({"row_id": "c-1", "dimension": "non_response", "outcome": "response", "treatment_group": "SSRI",
                  "family": "Traditional antidepressants", "value": 47.0})
    import pandas as pd

    bb = compare.benefit_burden(pd.concat([rows, resp], ignore_index=True))
    assert bb["treatment_group"].tolist() == ["SSRI"]
    # Burden is the median of all SSRI incidence figures (30, 60, 99), categorised or not.
    assert bb.iloc[0]["response_median"] == 47.0 and bb.iloc[0]["burden_median"] == 60.0


def test_weighted_chart_hover_says_how_many_weighted_kinds_each_score_rests_on(rows):
    from ketamine_evidence import charts

    weights = {c: 0 for c in compare.EFFECT_CATEGORIES}
    weights.update({"Dissociation or altered perception": 3, "Nausea or vomiting": 1})
    fig = charts.weighted_burden_chart(compare.weighted_burden(rows, weights))
    bars = fig.data[0]
    hover = dict(zip(bars.y, bars.hovertext))
    assert hover["SSRI"] == "SSRI: weighted burden 30.0, from 1 of the 2 kinds weighted"
    assert hover["Esketamine"].endswith("from 2 of the 2 kinds weighted")
    assert "%{hovertext}" in bars.hovertemplate and "customdata" not in bars.hovertemplate
