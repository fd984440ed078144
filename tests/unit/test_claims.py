"""The claims file and the claim matcher."""

import shutil

import pytest

from ketamine_evidence import claims as cl, evidence as ev
from ketamine_evidence.data import DATA_DIR, DataValidationError, load_dataset


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def rows(ds):
    return ev.with_sources(ds.evidence, ds.sources)


def test_seed_claims_load_with_allowed_verdicts_and_existing_rows(ds):
    claims = cl.read_claims(ds.evidence)
    assert len(claims) >= 10
    assert set(claims["verdict"]) <= set(cl.VERDICTS)
    assert (claims["from"].str.contains("2014 news story")).all()


def test_the_story_claims_named_in_the_brief_are_all_there(ds):
    text = " ".join(cl.read_claims(ds.evidence)["claim"]).lower()
    for topic in ("within days", "do not work", "third", "eight months", "memory", "vomiting", "valium",
                  "slowly", "brief", "long-term"):
        assert topic in text, topic


def test_oxford_response_claim_cites_the_oxford_row(ds, rows):
    claims = cl.read_claims(ds.evidence).set_index("claim_id", drop=False)
    cited = cl.claim_rows(claims.loc["seed-3"], rows)
    # Diamond 2014 abstract: 8 of 28 (29%) responded.
    assert ("diamond2014-1", 29.0) in set(zip(cited["row_id"], cited["value"]))


def test_claim_citing_a_missing_row_is_reported_by_line_and_column(ds, tmp_path):
    bad = (DATA_DIR / "claims.csv").read_text().replace("diamond2014-5", "diamond2014-99", 1)
    (tmp_path / "claims.csv").write_text(bad)
    with pytest.raises(DataValidationError) as info:
        cl.read_claims(ds.evidence, tmp_path / "claims.csv")
    p = info.value.problems[0]
    assert p.column == "row_ids" and p.value == "diamond2014-99" and p.line is not None


def test_claim_with_unknown_verdict_is_reported(ds, tmp_path):
    bad = (DATA_DIR / "claims.csv").read_text().replace(",mis-stated,", ",probably true,", 1)
    (tmp_path / "claims.csv").write_text(bad)
    with pytest.raises(DataValidationError) as info:
        cl.read_claims(ds.evidence, tmp_path / "claims.csv")
    assert any(p.column == "verdict" for p in info.value.problems)


def test_typed_claim_about_esketamine_dissociation_finds_dissociation_rows(rows):
    found = cl.match_claim("Esketamine nasal spray causes dissociation", rows)
    top = found.head(2)
    assert (top["treatment_group"] == "Esketamine").all()
    assert top["outcome_label"].str.contains("Dissociation").all()


def test_numbers_in_a_claim_pull_figures_near_them(rows):
    found = cl.match_claim("ketamine helped about 29% of patients in treatment-resistant depression", rows)
    assert "diamond2014-1" in set(found["row_id"])
    assert "figure near 29" in found.set_index("row_id").loc["diamond2014-1", "match_reason"]


def test_unrelated_text_matches_nothing(rows):
    assert cl.match_claim("The weather in Oxford is lovely in May", rows).empty
    assert cl.match_claim("", rows).empty


def test_parse_claim_reads_word_fractions():
    assert 33.3 in cl.parse_claim("a third of patients")["numbers"]


def test_claim_figures_lists_every_cited_row_once_per_claim_with_a_readable_line(ds, rows):
    claims = cl.read_claims(ds.evidence)
    figs = cl.claim_figures(claims, rows)
    expected = sum(len(cl.cited_ids(c)) for c in claims["row_ids"])
    assert len(figs) == expected
    oxford = figs[(figs["claim_id"] == "seed-3") & (figs["row_id"] == "diamond2014-1")]
    assert oxford["line"].iloc[0].startswith("Diamond 2014 · IV ketamine") and "29%" in oxford["line"].iloc[0]


def test_time_words_in_a_claim_pull_figures_measured_at_that_time(rows):
    found = cl.match_claim("Ketamine works in hours", rows)
    timed = found[found["match_reason"].str.contains("time")]
    assert not timed.empty and (timed["time_hours"].dropna() <= 48).all()


def test_a_typed_claim_points_to_the_curated_claims_it_resembles(ds):
    from ketamine_evidence.claims import read_claims, resembling

    claims = read_claims(ds.evidence)
    similar = resembling("Antidepressants take weeks to work", claims)
    assert "seed-8" in set(similar["claim_id"])
    assert resembling("Bananas are yellow", claims).empty


def test_each_claim_is_drawn_once_with_the_figures_it_cites_in_order_and_the_verdicts_are_counted(ds, rows):
    claims = cl.read_claims(ds.evidence)
    figures = cl.claim_figures(claims, rows)
    cards = cl.claim_cards(claims, figures)
    assert [c["claim_id"] for c in cards] == claims["claim_id"].tolist()
    for card in cards:
        assert card["cited"] == figures.loc[figures["claim_id"] == card["claim_id"], "line"].tolist()
        assert card["verdict"] in cl.VERDICTS and card["explanation"]
    counted = dict(part.split(": ") for part in cl.verdict_counts(claims).split(" · "))
    assert list(counted) == list(cl.VERDICTS) and sum(map(int, counted.values())) == len(claims)
