"""The glossary covers the terms the brief names and every certainty level, in two registers."""

from ketamine_evidence.glossary import define, read_glossary
from ketamine_evidence import charts


def test_glossary_has_the_terms_teachers_need():
    terms = set(read_glossary()["term"].str.lower())
    for t in ("response", "remission", "relapse", "treatment-resistant depression", "madrs", "ham-d", "qids-sr",
              "dissociation", "placebo", "active placebo", "open-label", "meta-analysis", "certainty"):
        assert t in terms, t


def test_plain_and_expert_wordings_differ():
    assert define("Odds ratio", plain=True) != define("Odds ratio")
    assert define("No such term") == ""


def test_icon_array_fills_rounded_people():
    fig = charts.icon_array(26.7, "relapsed", "did not", "#D55E00")
    assert len(fig.data[0].x) == 27 and len(fig.data[1].x) == 73
    assert fig.data[0].marker.symbol != fig.data[1].marker.symbol  # not colour alone


def test_context_statements_are_sourced_and_cover_both_families():
    from ketamine_evidence.context import read_context

    ctx = read_context()
    assert {"IV ketamine", "Esketamine", "SSRI"} <= set(ctx["treatment_group"])
    assert ctx["source_id"].str.len().gt(2).all()
    off_label = ctx[(ctx["treatment_group"] == "IV ketamine") & (ctx["aspect"] == "licensed status")]
    assert not off_label.empty and off_label["statement"].str.contains("off-label").any()
