"""The briefing: self-contained, every cited source and the data version in it, data text escaped, GRADE wording."""

import datetime as dt
import html
import json
import re

import pytest

from ketamine_evidence import briefing, evidence as ev
from ketamine_evidence.data import load_dataset


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def doc(ds):
    rows = ev.with_sources(ds.evidence, ds.sources)
    rows = rows[rows["treatment_group"].isin(["Esketamine", "Placebo", "SSRI"])]
    html_doc = briefing.build_html(rows, ds.sources, {"version": "9.9.9"}, "treatment groups: Esketamine, Placebo, SSRI",
                                   "http://127.0.0.1:8501/?groups=Esketamine", created=dt.date(2026, 11, 26))
    return rows, html_doc


def test_briefing_cites_every_source_behind_its_figures(ds, doc):
    rows, html_doc = doc
    used = ds.sources[ds.sources["source_id"].isin(set(rows["source_id"]))]
    for s in used.itertuples():
        assert f"id='src-{s.source_id}'" in html_doc
        if isinstance(s.doi, str):
            assert s.doi in html_doc
    assert html_doc.count("<li id='src-") == len(used)


def test_briefing_states_data_version_view_and_link(doc):
    _, html_doc = doc
    assert "Data version:</b> 9.9.9" in html_doc
    assert "treatment groups: Esketamine, Placebo, SSRI" in html_doc
    assert "http://127.0.0.1:8501/?groups=Esketamine" in html_doc
    assert "does not give medical advice" in html_doc


def test_briefing_is_self_contained(doc):
    _, html_doc = doc
    assert html_doc.count("plotly.js v") <= 2 and "Plotly.newPlot" in html_doc
    assert not re.search(r"<script[^>]+src=['\"]https?://", html_doc)
    assert not re.search(r"<link[^>]+href=['\"]https?://", html_doc)


def test_hostile_data_text_is_escaped_in_the_briefing(ds):
    rows = ev.with_sources(ds.evidence, ds.sources).head(5).copy()
    rows["study"] = "<img src=x onerror=alert(1)>"
    html_doc = briefing.build_html(rows, ds.sources, {"version": "1"}, "<script>alert(1)</script>", "http://x")
    assert "<script>alert(1)</script>" not in html_doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_doc


def test_key_points_are_the_summary_of_findings_and_credit_a_pool_computed_here_to_its_trials(ds):
    rows = ev.with_sources(ds.evidence, ds.sources)
    points = briefing.key_points(rows)
    # Randomised head-to-head evidence first (ESCAPE-TRD), then the other rows of the summary of findings.
    assert points[0]["title"] == "Remission at week 8: esketamine against quetiapine"
    pooled = next(p for p in points if p["title"].startswith("Remission at day 28"))
    assert pooled["sources"].startswith("pooled here from TRANSFORM-1")
    # People per 100 wherever the trials' arms give a control rate; else the published ratio, named as such.
    assert all(" in 100 " in p["sentence"] or "in every 100" in p["sentence"] or " times " in p["sentence"]
               for p in points)


def test_certainty_lines_come_from_the_grade_judgements_not_a_median_of_rows(ds):
    rows = ev.with_sources(ds.evidence, ds.sources)
    lines = dict(briefing.certainty_lines(rows))
    # SUSTAIN-1's rows are rated moderate one by one; its body of evidence is judged low (grade.csv).
    assert "Relapse when treatment stops (two different experiments): Ketamine: low; Traditional antidepressants: " \
           "moderate." in lines["durability"]


def test_filters_are_described_in_words():
    f = ev.Filters(populations=("treatment-resistant depression",), years=(2010, 2020))
    assert briefing.describe_filters(f) == "population: treatment-resistant depression; published 2010–2020"
    assert briefing.describe_filters(ev.Filters()) == "All figures (no filters)"



def test_png_export_says_so_in_a_sentence_when_the_view_has_no_chart(ds):
    rows = ev.with_sources(ds.evidence, ds.sources)
    with pytest.raises(RuntimeError, match="no images to make"):
        briefing.png_zip(rows.iloc[0:0], "1.0.1", "")


def test_briefing_chart_titles_are_page_text_above_charts_drawn_without_a_clipped_plotly_title(doc):
    rows, html_doc = doc
    from ketamine_evidence import views

    drawn = [v for name in ("onset_course", "side_incidence", "durability_relapse")
             if not (v := views.REGISTRY[name](rows)).empty]
    assert drawn
    for v in drawn:
        assert v.title and f"<p class='chart-title'>{html.escape(v.title, quote=True)}</p>" in html_doc
        # The embedded figure is the page version: its title is not drawn inside it, where a phone would cut it.
        assert '"text":' + json.dumps(v.title) not in html_doc


def test_front_matter_lists_what_changed_by_topic_without_doubled_stops_and_flags_a_local_link(ds):
    rows = ev.with_sources(ds.evidence, ds.sources).head(20)
    local = briefing.build_html(rows, ds.sources, {"version": "3.0.0"}, "All figures", "http://127.0.0.1:8501/")
    top = local[:local.index("<section>")]
    assert ".." not in re.sub(r"<[^>]+>", "", top).replace("...", "")
    assert "`" not in top and "**" not in top
    assert "opens only where the dashboard is served" in top
    assert "View: http://127.0.0.1" not in local  # the suggested citation leaves out an address only this computer has
    public = briefing.build_html(rows, ds.sources, {"version": "3.0.0"}, "All figures", "https://dash.example.org/")
    assert "opens only where" not in public and "View: https://dash.example.org/" in public
