"""Every page, run through Streamlit's AppTest: it draws without error, with alt text on every chart,
the disclaimer once, and filters that change what is shown."""

import json
import re

import pytest

from .helpers import open_expanders, PAGES, chart_by_key, chart_spec, chart_titles, charts, open_page


@pytest.mark.parametrize("path", list(PAGES))
def test_page_runs_without_exception_and_shows_its_title(path):
    at = open_page(path)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    heading = at.title[0].value if at.title else at.caption[0].value  # presenter mode keeps its title to a caption
    assert PAGES[path] in heading


@pytest.mark.parametrize("path", list(PAGES))
def test_disclaimer_appears_exactly_once(path):
    at = open_page(path)
    notices = [e.value for e in [*at.info, *at.caption] if "does not give medical advice" in e.value]
    assert len(notices) == 1


@pytest.mark.parametrize("path", [p for p in PAGES if "Evidence_explorer" not in p and "Claim" not in p and "Presenter" not in p and "Briefing" not in p and "Glossary" not in p and "Your_data" not in p and "Join" not in p])
def test_every_chart_has_alt_text_and_a_table_of_its_rows(path):
    at = open_page(path)
    assert charts(at), "page draws no chart"
    for c in charts(at):
        assert len(c.proto.alt) > 40
        assert "published figures from" in c.proto.alt
    tables = [e for e in at.expander if e.label.startswith("Table of the")]
    assert len(tables) >= len(charts(at))
    closed = len(at.dataframe)  # tables are built only when their expander opens
    open_expanders(at)
    opened = [e for e in at.expander if e.label.startswith("Table of the")]
    assert all(e.children for e in opened), "an opened table expander is empty"
    assert len(at.dataframe) >= closed + len(charts(at))
    assert all(len(df.value) > 0 for df in at.dataframe)


@pytest.mark.parametrize("path", ["app.py", "pages/1_Onset.py", "pages/2_Durability.py", "pages/3_Non_response.py",
                                  "pages/4_Side_effects.py", "pages/10_Compare.py"])
def test_every_chart_title_is_page_text_that_wraps_not_a_plotly_title_that_a_phone_cuts(path):
    at = open_page(path)
    assert charts(at), "page draws no chart"
    titles = chart_titles(at)  # fails if a chart has no bold title line just above it
    assert len(titles) == len(charts(at))
    assert all(len(t) > 10 for t in titles)
    assert not [chart_spec(c)["layout"].get("title", {}).get("text") for c in charts(at)
                if chart_spec(c)["layout"].get("title", {}).get("text")]


def test_sidebar_links_name_every_page_in_order():
    at = open_page("app.py")
    labels = [p.proto.label for p in at.sidebar.get("page_link")]
    assert labels == ["Overview", "Onset speed", "Durability", "Response and non-response", "Side effects",
                      "Evidence explorer and sources", "Claim checker", "Presenter mode", "Join a class", "Briefing", "Compare",
                      "Glossary", "Use your own data"]


def test_onset_page_shows_ketamine_and_traditional_side_by_side_on_a_log_time_axis():
    at = open_page("pages/1_Onset.py")
    spec = chart_spec(chart_by_key(at, "onset_course_chart"))
    names = {t["name"] for t in spec["data"]}
    assert {"IV ketamine", "Esketamine"} <= names
    assert names & {"SSRI", "SNRI", "TCA", "Antidepressants (pooled)", "Other antidepressant"}
    assert spec["layout"]["xaxis"]["type"] == "log"
    assert "first dose" in spec["layout"]["xaxis"]["title"]["text"]


def test_population_filter_changes_what_is_shown_and_is_kept_on_the_next_page():
    at = open_page("pages/3_Non_response.py")
    n_before = sum(len(chart_spec(c)["data"]) for c in charts(at))
    at.sidebar.multiselect(key="sidebar_populations").select("treatment-resistant depression").run()
    assert not at.exception
    n_after = sum(len(chart_spec(c)["data"]) for c in charts(at))
    assert n_after < n_before
    at.switch_page("pages/4_Side_effects.py").run()
    assert at.sidebar.multiselect(key="sidebar_populations").value == ["treatment-resistant depression"]


def test_filters_that_match_nothing_give_a_sentence_not_an_empty_chart():
    at = open_page("pages/4_Side_effects.py")
    assert charts(at)
    # ECT has side-effect counts in the data but no percentages, so both charts empty out.
    at.sidebar.multiselect(key="sidebar_groups").select("ECT").run()
    assert not at.exception
    assert not charts(at)
    texts = " ".join(w.value for w in at.warning)
    assert "No side-effect percentages match the current filters" in texts
    assert "Widen or clear these filters: treatment groups" in texts


def test_overview_counts_follow_the_filters():
    at = open_page("app.py")
    total = int(at.metric[0].value)
    at.sidebar.multiselect(key="sidebar_groups").select("Esketamine").run()
    assert 0 < int(at.metric[0].value) < total


def test_explorer_search_is_literal_and_reports_counts():
    at = open_page("pages/5_Evidence_explorer.py")
    at.text_input(key="explorer_query").input("dissociation").run()
    assert not at.exception
    shown = [t.value for t in at.text if "figures shown" in t.value][0]
    n = int(shown.split(" of ")[0])
    assert 0 < n < 100
    at.text_input(key="explorer_query").input("([*").run()  # regex characters are plain text
    assert not at.exception


def test_onset_effect_measure_choice_redraws_with_that_measure():
    at = open_page("pages/1_Onset.py")
    radio = at.radio(key="onset_effect_unit")
    assert "odds ratio" in radio.options
    radio.set_value("odds ratio").run()
    titles = chart_titles(at)
    assert any(t.startswith("Odds ratio") for t in titles)
    spec = chart_spec(chart_by_key(at, "onset_effects_chart"))
    assert spec["layout"]["yaxis"]["type"] == "log"


@pytest.mark.parametrize("path", [p for p in PAGES if p != "app.py" and "Evidence_explorer" not in p and "Claim" not in p and "Presenter" not in p and "Briefing" not in p and "Glossary" not in p and "Your_data" not in p])
def test_every_chart_comes_with_a_computed_key_message(path):
    at = open_page(path)
    assert len(at.success) >= len(charts(at))
    assert all(len(s.value) > 30 for s in at.success)


def test_non_response_page_places_the_story_claim_against_first_step_figures():
    at = open_page("pages/3_Non_response.py")
    lines = [t.value for t in at.text if "did not (computed)" in t.value]
    assert lines and "Trivedi 2006" in " ".join(lines)


def test_claim_checker_lists_every_seed_claim_with_a_verdict_and_checks_a_typed_claim():
    at = open_page("pages/6_Claim_checker.py")
    assert not at.exception
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert len(badges) >= 10
    assert any("Oxford series' own figures were read" in c.value for c in at.caption)
    at.text_area(key="claims_query").input("Esketamine causes dissociation in a quarter of patients").run()
    assert not at.exception
    verdict = [m.value for m in at.markdown if "-badge[" in m.value and ("upported" in m.value or "judged" in m.value)]
    assert verdict and "**The rule that gave it**" in [m.value for m in at.markdown]
    assert any("25 in 100" in t.value for t in at.text)
    lines = [t.value for t in at.text if t.value.startswith("• ") and "matched:" in t.value]
    assert lines and "Dissociation" in lines[0]
    at.text_area(key="claims_query").input("Bananas are yellow").run()
    assert any("Cannot be judged from this evidence" in m.value for m in at.markdown)
    assert any("names no treatment" in t.value for t in at.text)


def test_presenter_mode_predicts_then_reveals_and_steps_through_the_sequence():
    at = open_page("pages/7_Presenter.py")
    assert not at.exception
    assert at.header[0].value.startswith("1/")
    assert not charts(at)  # the question comes first
    at.button(key="presenter_reveal").click().run()
    assert len(charts(at)) == 1 and charts(at)[0].proto.alt
    assert at.success  # the computed message follows the chart
    at.button(key="presenter_next").click().run()
    assert at.header[0].value.startswith("2/") and not charts(at)
    at.button(key="presenter_prev").click().run()
    assert at.header[0].value.startswith("1/")


def test_a_link_with_filters_restores_them_and_the_page_writes_them_back():
    from streamlit.testing.v1 import AppTest

    from .helpers import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/2_Durability.py")
    at.query_params["groups"] = ["Esketamine", "Placebo"]
    at.query_params["years"] = "2015-2025"
    at.query_params["populations"] = ["not a population"]
    at.run()
    assert not at.exception
    assert at.sidebar.multiselect(key="sidebar_groups").value == ["Esketamine", "Placebo"]
    assert at.sidebar.multiselect(key="sidebar_populations").value == []  # unknown values are dropped
    assert tuple(at.sidebar.slider(key="sidebar_years").value) == (2015, 2025)
    at.sidebar.multiselect(key="sidebar_certainty").select("moderate").run()
    assert at.query_params["certainty"] in ("moderate", ["moderate"])


def test_briefing_page_offers_html_and_csv_downloads():
    at = open_page("pages/8_Briefing.py")
    assert not at.exception
    buttons = [b.proto.label for b in at.get("download_button")]
    assert any("HTML" in b for b in buttons) and any("CSV" in b for b in buttons)


def test_plain_language_pictures_a_figure_as_100_people_and_uses_plain_help():
    at = open_page("pages/3_Non_response.py")
    n_charts = len(charts(at))
    expert_help = at.sidebar.multiselect(key="sidebar_populations").help
    at.sidebar.toggle(key="sidebar_plain").set_value(True).run()
    assert not at.exception
    # The every-figure ratio charts are for experts; the answer keeps its forest plot, its sentence in plain words.
    specs = [chart_spec(c) for c in charts(at) if not c.proto.id.endswith("_headline_chart")]
    icon = [t for t in chart_titles(at) if t.startswith("Out of 100 people")]
    assert len(icon) == 1 and "had a response" in icon[0]  # the open tab's; each tab is built when it opens
    assert not any(s["layout"].get("xaxis", {}).get("type") == "log" for s in specs)
    assert " in 100 " in _plain(at.success[0].value) and "confident" in _plain(at.success[0].value)
    assert len(charts(at)) == n_charts - 1 + len(icon)
    assert at.sidebar.multiselect(key="sidebar_populations").help != expert_help
    assert at.query_params["plain"] in ("1", ["1"])
    at.session_state["nonresponse_outcome_tab"] = "Remission"
    icon = [t for t in chart_titles(at.run()) if t.startswith("Out of 100 people")]
    assert len(icon) == 1 and "had a remission" in icon[0]


def test_glossary_finds_a_term():
    at = open_page("pages/9_Glossary.py")
    at.text_input(key="glossary_query").input("remission").run()
    assert not at.exception
    assert "Remission" in at.dataframe[0].value["term"].tolist()


def test_compare_page_shows_the_harms_a_reader_chooses_and_no_median_score():
    at = open_page("pages/10_Compare.py")
    assert not at.exception
    box = at.multiselect(key="compare_harms")
    assert len(box.value) == 3 and len(box.options) > 3
    texts = " ".join(m.value for m in at.success)
    assert "median" not in texts.lower() and "weighted" not in texts.lower()
    last = box.options[-1]
    box.set_value([last]).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.success).lower()
    assert last.lower().split()[0] in shown  # the chosen harm is the one answered
    others = [o for o in box.options[:3] if o != last]
    assert not any(o.lower() + ":" in shown for o in others)
    # The summary of findings comes first, in plain words.
    assert at.header[0].value == "Benefit and harm, each against its own control"


def test_filters_under_more_filters_still_apply_when_the_box_is_folded():
    at = open_page("pages/5_Evidence_explorer.py")
    total = int(at.text[0].value.split()[0])
    assert "More filters" in [e.label for e in at.sidebar.expander]
    at.session_state["more_filters_open"] = True
    at.run()
    at.sidebar.multiselect(key="sidebar_certainty").select("moderate").run()
    shown = int(at.text[0].value.split()[0])
    assert 0 < shown < total
    at.session_state["more_filters_open"] = False  # the reader folds the box again
    at.run()
    assert not at.sidebar.get("multiselect") or "sidebar_certainty" not in [m.key for m in at.sidebar.multiselect]
    assert int(at.text[0].value.split()[0]) == shown  # the choice still filters
    assert "More filters (1 set)" in [e.label for e in at.sidebar.expander]
    assert at.query_params["certainty"] in ("moderate", ["moderate"])


QUESTION_PAGES = [("pages/1_Onset.py", "onset"), ("pages/2_Durability.py", "durability"),
                  ("pages/3_Non_response.py", "non_response"), ("pages/4_Side_effects.py", "side_effects")]


def _plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("path,dim", QUESTION_PAGES)
def test_question_page_opens_with_its_side_by_side_answer(path, dim):
    at = open_page(path)
    assert not at.exception
    headers = [h.value for h in at.header]
    # Durability first lists what the data holds on benefit after treatment stops (a table, not an answer).
    lead = ["How long does the benefit last after treatment stops?"] if dim == "durability" else []
    assert headers[:len(lead) + 2] == lead + ["The answer, side by side", "Every figure on this question"]
    first_chart = charts(at)[0]
    assert first_chart.proto.id.endswith(f"-{dim}_headline_chart")
    ticks = " ".join(chart_spec(first_chart)["layout"]["yaxis"]["ticktext"]).replace("<br>", " ")
    # Ketamine beside traditional antidepressants, or against an established treatment in the same trials.
    assert "Ketamine" in ticks and ("Traditional antidepressants" in ticks or "Ketamine against " in ticks)
    # The plain answer first (people per 100 where the arms give it, and how sure), GRADE's words a line below.
    message = _plain(at.success[0].value).lower()
    assert "ketamine" in message and ("confident" in message or "uncertain" in message or "limited" in message)
    assert any(_plain(c.value).startswith("In GRADE's words: ") and "certainty" in _plain(c.value)
               for c in at.caption)


def test_overview_opens_with_the_four_answers_before_the_evidence_count():
    at = open_page("app.py")
    keys = [c.proto.id.rsplit("-", 1)[-1] for c in charts(at)]
    assert keys[:4] == ["overview_onset_chart", "overview_durability_chart", "overview_non_response_chart",
                        "overview_side_effects_chart"]
    assert keys[4:] == []  # the evidence base is drawn on request: built and sent only when a reader asks
    at.toggle(key="overview_base_open").set_value(True).run()
    keys = [c.proto.id.rsplit("-", 1)[-1] for c in charts(at)]
    assert keys[4:] == ["overview_map_chart", "overview_years_chart"]


def test_an_answer_says_which_side_is_missing_when_the_filters_leave_no_like_for_like_comparison():
    at = open_page("pages/2_Durability.py")
    at.sidebar.multiselect(key="sidebar_populations").select("major depression").run()
    assert not at.exception
    warnings = " ".join(_plain(w.value) for w in at.warning)
    assert "No like-for-like comparison here" in warnings and "is filtered out" in warnings
    assert not [c for c in charts(at) if c.proto.id.endswith("-durability_headline_chart")]
    assert "Removed by the population filter." in [c.value for c in at.caption]
    at.button(key="durability_headline_clear").click().run()
    assert [c for c in charts(at) if c.proto.id.endswith("-durability_headline_chart")]


def test_picking_another_comparison_redraws_its_forest_plot():
    at = open_page("pages/2_Durability.py")
    assert at.selectbox(key="durability_set").value == "durability-escape-sustained"
    at.selectbox(key="durability_set").set_value("durability-relapse-or").run()
    spec = chart_spec(chart_by_key(at, "durability_set_detail_chart"))
    assert spec["layout"]["xaxis"]["title"]["text"] == "Odds ratio (log scale)"
    assert "Kato 2021" in " ".join(spec["layout"]["yaxis"]["ticktext"])


def test_briefing_page_opens_with_a_key_point_per_question():
    at = open_page("pages/8_Briefing.py")
    assert [s.value for s in at.header][:2] == ["Briefing for the current view", "Key points"]
    from ketamine_evidence import comparison_sets

    outcomes = comparison_sets.curated().sets["sof_order"].notna().sum()
    points = [t.value for t in at.text if not t.value.startswith("•")  # the data changelog's bullets
              and (" in 100 " in t.value or "in every 100" in t.value or " times " in t.value)]
    assert len(points) == outcomes  # one plain answer per row of the summary of findings
    assert sum("Rests on: " in _plain(c.value) for c in at.caption) == outcomes


def test_a_pasted_search_longer_than_its_limit_keeps_what_fits_instead_of_emptying_the_box():
    at = open_page("pages/5_Evidence_explorer.py")
    at.text_input(key="explorer_query").input("dissociation " + "x" * 300).run()
    assert not at.exception
    assert "Only the first 200 characters are used." in [c.value for c in at.caption]
    assert at.text_input(key="explorer_query").value.startswith("dissociation")


def test_every_page_steps_down_from_its_title_one_heading_level_at_a_time():
    # axe's heading-order rule: a page title (h1) is followed by h2 sections, not straight by h3.
    for path in PAGES:
        at = open_page(path)
        main = at.main
        assert not main.get("subheader") or main.get("header"), f"{path} goes from its title (h1) straight to h3"


def test_overview_shows_evidence_over_time_and_what_changed_in_this_data_version():
    at = open_page("app.py")
    at.session_state["overview_base_open"] = True
    assert chart_by_key(at.run(), "overview_years_chart")
    labels = [e.label for e in at.expander]
    assert any(label.startswith("What changed in data version ") for label in labels)


def test_a_typed_claim_about_speed_gets_a_verdict_from_the_onset_answer_and_timed_figures():
    at = open_page("pages/6_Claim_checker.py")
    at.text_area(key="claims_query").input("Ketamine works in hours while antidepressants take weeks").run()
    assert not at.exception
    texts = " ".join(t.value for t in at.text)
    # A speed comparison is judged on the onset answer, whose only comparison of the two is indirect.
    assert "No trial compared them directly" in texts and "indirect" in texts
    assert [p for p in at.get("page_link") if "onset" in p.proto.label.lower()]
    lines = [t.value for t in at.text if "matched:" in t.value][0].split("\n")
    assert all("time" in line.split("[matched:")[1] or "treatment" in line.split("[matched:")[1] for line in lines[:5])


def test_a_table_under_a_chart_shows_the_figure_right_after_what_it_is():
    # At 1366 px the value column sat behind sideways scrolling, after seven wider columns.
    from ketamine_evidence.ui import TABLE_COLUMNS

    assert TABLE_COLUMNS.index("value") <= 3 and TABLE_COLUMNS[:3] == ["study", "treatment_group", "outcome_label"]


@pytest.mark.parametrize("path", ["app.py", "pages/1_Onset.py", "pages/4_Side_effects.py"])
def test_charts_carry_no_toolbar_to_sit_over_legends_or_add_tab_stops(path):
    at = open_page(path)
    assert charts(at)
    assert all(json.loads(c.proto.config).get("displayModeBar") is False for c in charts(at))


def test_no_page_speaks_of_our_copy_and_the_story_is_named():
    for path in ("pages/3_Non_response.py", "pages/6_Claim_checker.py"):
        at = open_page(path)
        words = " ".join(_plain(e.value) for kind in ("caption", "text", "markdown", "subheader", "header")
                         for e in at.get(kind) if isinstance(getattr(e, "value", None), str))
        assert "our copy" not in words and "did not survive" not in words
        assert "NPR" in words and "Oxford" in words


def test_a_search_that_matches_nothing_blames_the_search_not_the_filters():
    at = open_page("pages/5_Evidence_explorer.py")
    at.text_input(key="explorer_query").input("zzqx nothing matches this").run()
    warnings = " ".join(w.value for w in at.warning)
    assert "No figure in the dataset contains every word of the search" in warnings
    assert "Widen or clear these filters" not in warnings


def test_a_question_page_does_not_draw_its_headline_comparison_twice_and_draws_any_other_picked():
    from ketamine_evidence import views

    at = open_page("pages/2_Durability.py")
    keys = [c.proto.id.rsplit("-", 1)[-1] for c in charts(at)]
    # One trial, nothing pooled or compared indirectly: its full forest plot is the headline chart itself.
    assert "durability_headline_chart" in keys and "durability_set_detail_chart" not in keys
    assert any("This is the comparison drawn above" in c.value for c in at.caption)
    second_id, second_title = views.set_choices("durability")[1]
    at.selectbox(key="durability_set").set_value(second_id).run()
    assert chart_by_key(at, "durability_set_detail_chart")
    assert second_title in chart_titles(at)
    assert not any("This is the comparison drawn above" in c.value for c in at.caption)


def test_durability_lists_benefit_after_stopping_with_what_differs_and_no_pair_of_numbers_as_an_answer():
    at = open_page("pages/2_Durability.py")
    table = next(d.value for d in at.dataframe if "differs" in d.value.columns)
    assert {"Ketamine", "Traditional antidepressants"} == set(table["side"])
    assert "Diamond 2014" in set(table["study"])  # the Oxford series the dashboard began from
    assert table["differs"].str.len().min() > 20
    assert any("No trial compared how long benefit lasts" in _plain(i.value) for i in at.info)


def test_only_the_open_outcome_tab_is_built_and_opening_another_draws_it():
    from ketamine_evidence import views

    at = open_page("pages/3_Non_response.py")
    keys = [c.proto.id.rsplit("-", 1)[-1] for c in charts(at)]
    assert "nonresponse_response_chart" in keys and "nonresponse_remission_chart" not in keys
    at.session_state["nonresponse_outcome_tab"] = views.OUTCOME_WORDS["remission"]  # the reader opens that tab
    keys = [c.proto.id.rsplit("-", 1)[-1] for c in charts(at.run())]
    assert "nonresponse_remission_chart" in keys and "nonresponse_response_chart" not in keys
    assert not at.exception


def test_overview_opens_with_the_summary_of_findings_in_plain_words_with_the_table_one_click_below():
    from ketamine_evidence import comparison_sets

    sets = comparison_sets.curated().sets
    order = list(sets.dropna(subset=["sof_order"]).sort_values("sof_order")["sof_outcome"])
    at = open_page("app.py")
    assert [h.value for h in at.header][0] == "What the evidence says"
    answers = [_plain(m.value) for m in at.markdown if _plain(m.value).startswith("**")]
    assert [a.split(".**")[0].strip("*") for a in answers[:len(order)]] == order
    assert " in 100 " in answers[0] and "confident" in answers[0]  # people per 100, and how sure, in plain words
    at.session_state["overview_sof_open"] = True
    at.run()
    table = at.dataframe[0].value
    assert list(table["Outcome"]) == order
    assert {"Certainty (GRADE)", "Why (GRADE's five domains)", "Indirect comparison (not randomised)"} <= set(table)
    assert table["Forest plot"].isin(["Onset", "Durability", "Non_response", "Side_effects"]).all()


def test_the_plain_language_switch_changes_the_overview_answers_too():
    at = open_page("app.py")
    # Plain answers lead either way; without the switch GRADE's sentence with its numbers is a visible line below each,
    # with it that sentence folds one click below, so a plain reader sees only everyday words.
    assert any(" in 100 " in _plain(s.value) for s in at.success)
    grade_lines = [c for c in at.caption if _plain(c.value).startswith("In GRADE's words: ")]
    assert grade_lines
    at.sidebar.toggle(key="sidebar_plain").set_value(True).run()
    assert not [c for c in at.caption if _plain(c.value).startswith("In GRADE's words: ")]
    assert sum(e.label == "In GRADE's words, with the numbers" for e in at.expander) == len(grade_lines)
    assert any(" in 100 " in _plain(s.value) for s in at.success)


def test_a_shared_or_cited_link_uses_the_public_address_when_one_is_configured(monkeypatch):
    monkeypatch.setenv("KETAMINE_PUBLIC_URL", "https://dash.example.org/")
    at = open_page("pages/2_Durability.py")
    at.session_state["share_open"] = True
    at.run()
    links = [c.value for c in at.sidebar.code]
    assert len(links) == 2  # the link, and the suggested citation that quotes it
    assert links[0].startswith("https://dash.example.org") and "View: https://dash.example.org" in links[1]
