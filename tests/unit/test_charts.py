"""Chart builders: traces, axes, hover data and the shared colour/symbol map (asserting on fig.data, as Plotly's tests do)."""

import json

import pandas as pd

from ketamine_evidence import charts, vocab

from .test_evidence import frame


def test_every_group_has_a_colour_and_a_distinct_symbol():
    assert set(charts.COLOURS) == set(vocab.TREATMENT_GROUPS) == set(charts.SYMBOLS)
    assert len(set(charts.SYMBOLS.values())) == len(charts.SYMBOLS)
    assert len(set(charts.COLOURS.values())) == len(charts.COLOURS)


def _luminance(hex_colour):
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_marks_keep_at_least_3_to_1_contrast_on_white():
    for group, colour in charts.COLOURS.items():
        ratio = 1.05 / (_luminance(colour) + 0.05)
        assert ratio >= 3, f"{group} {colour} contrast {ratio:.2f}"


def test_time_course_uses_log_hours_and_one_legend_entry_per_group():
    df = frame({}, {"row_id": "x-2", "time_hours": 168.0, "time_value": 168.0},
               {"row_id": "y-1", "source_id": "y", "treatment_group": "SSRI", "family": "Traditional antidepressants",
                "time_hours": 672.0})
    fig = charts.time_course_chart(df, "T", "Patients (%)")
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text.startswith("Time since first dose")
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == ["IV ketamine", "SSRI"]
    ket = fig.data[0]
    assert list(ket.x) == [24.0, 168.0] and set(ket.marker.symbol) == {"circle"} and ket.line.dash == "solid"
    assert fig.data[1].line.dash == "dash"


def test_hover_carries_study_n_time_definition_value_ci_and_certainty():
    df = frame({"ci_low": 40.0, "ci_high": 60.0, "ci_level": 95.0, "n": None})
    fig = charts.dot_ci_chart(df.assign(label="L"), "T", "Patients (%)")
    custom = list(fig.data[0].customdata[0])
    assert custom[0] == "X 2020"
    assert custom[2] == "not reported"
    assert custom[3] == "24 h"
    assert custom[4] == "def A"
    assert custom[5] == "50% (95% CI 40–60)"
    assert custom[6] == "low"
    assert "Certainty" in fig.data[0].hovertemplate


def test_hover_text_from_data_is_escaped():
    df = frame({"study": "<img src=x onerror=alert(1)>"})
    fig = charts.dot_ci_chart(df.assign(label="L"), "T", "x")
    assert "<img" not in fig.data[0].customdata[0][0]
    assert "&lt;img" in fig.data[0].customdata[0][0]


def test_dot_chart_error_bars_come_from_the_ci():
    df = frame({"ci_low": 40.0, "ci_high": 65.0, "ci_level": 95.0})
    fig = charts.dot_ci_chart(df.assign(label="L"), "T", "x")
    assert list(fig.data[0].error_x.array) == [15.0] and list(fig.data[0].error_x.arrayminus) == [10.0]


def test_ratio_chart_is_log_with_a_line_at_one():
    df = frame({"unit": "odds ratio", "value": 2.0, "compared_with": "placebo"})
    fig = charts.dot_ci_chart(df.assign(label="L"), "T", "Ratio", log_x=True, reference=1)
    assert fig.layout.xaxis.type == "log"
    assert any(s.x0 == 1 for s in fig.layout.shapes)


def test_label_rows_are_unique_even_for_twin_figures():
    df = frame({}, {"row_id": "x-2"})
    labels = charts.label_rows(df)
    assert labels.is_unique


def test_alt_text_counts_rows_sources_and_groups():
    df = frame({}, {"row_id": "y-1", "source_id": "y", "treatment_group": "SSRI"})
    text = charts.alt_text("Onset chart", df)
    assert text.startswith("Onset chart: 2 published figures from 2 sources, for IV ketamine, SSRI.")


def test_evidence_map_uses_pattern_as_a_second_cue():
    counts = pd.DataFrame({"dimension": ["onset", "onset"], "family": ["Ketamine", "Traditional antidepressants"],
                           "figures": [3, 4], "dimension_label": ["Onset speed", "Onset speed"]})
    fig = charts.evidence_map_chart(counts)
    shapes = {t.name: t.marker.pattern.shape for t in fig.data}
    assert shapes["Ketamine"] != shapes["Traditional antidepressants"]


def test_meta_analysis_n_is_labelled_as_pooled_total():
    df = frame({"design": "meta-analysis", "n": 1368})
    fig = charts.dot_ci_chart(df.assign(label="L"), "T", "x")
    assert fig.data[0].customdata[0][2] == "1,368 (all pooled participants)"


def test_dot_chart_row_labels_wrap_to_fit_a_phone_without_losing_words():
    long = "Perahia 2009 · Placebo (up to 52 weeks double-blind maintenance) & more"
    fig = charts.dot_ci_chart(frame({}).assign(label=long), "T", "x")
    labels = next(t for t in fig.data if t.name == "labels")
    lines = labels.text[0].split("<br>")
    assert len(lines) > 1 and all(len(line) <= 48 for line in lines)
    assert " ".join(lines) == long.replace("&", "&amp;")  # escaped once, every word kept, in order


def test_page_copy_of_a_figure_drops_only_the_title_and_lifts_the_legend_above_the_plot():
    fig = charts.time_course_chart(frame({"time_hours": 24.0}), "A long title that a phone would cut off", "%")
    shown = charts.untitled(fig)
    assert not shown.layout.title.text
    assert shown.layout.legend.y >= 1 and shown.layout.legend.yanchor == "bottom"
    assert json.loads(shown.to_json())["data"] == json.loads(fig.to_json())["data"]
    # The cached figure, shared with exports, keeps its title and legend: the copy is a copy.
    assert fig.layout.title.text == "A long title that a phone would cut off" and fig.layout.legend.y < 0


def test_a_figure_serialised_once_is_sent_exactly_as_built_and_not_rebuilt():
    import plotly.io as pio
    import plotly.tools

    from ketamine_evidence import evidence as ev, views
    from ketamine_evidence.data import load_dataset

    ds = load_dataset()
    rows = ev.with_sources(ds.evidence, ds.sources)
    for fig in (views.headline(rows, "onset").screen_fig, views.evidence_map(rows).screen_fig):
        once = charts.serialised(fig)
        # What Streamlit does with a figure it is given: the same JSON reaches the browser as from the figure itself.
        sent = pio.to_json(plotly.tools.return_figure_from_figure_or_data(once, validate_figure=True), validate=False)
        assert json.loads(sent) == json.loads(pio.to_json(fig, validate=False))
        assert charts.serialised(fig) is once and once.to_dict() is once.to_dict()  # made once, kept
        copy = charts.for_projector(fig)
        assert charts.serialised(copy) is not once  # a changed copy is serialised afresh, never sent stale
        assert json.loads(pio.to_json(charts.serialised(copy)))["layout"]["font"]["size"] == 19


def test_charts_carry_a_compact_template_that_looks_the_same_as_plotly_white():
    import plotly.io as pio

    from ketamine_evidence import evidence as ev, views
    from ketamine_evidence.data import load_dataset

    full = pio.templates["plotly_white"].to_plotly_json()
    mine = charts.TEMPLATE.to_plotly_json()
    assert all(full["layout"][k] == v for k, v in mine["layout"].items())  # every kept value is plotly_white's own
    assert all(full["data"][k] == v for k, v in mine["data"].items())
    ds = load_dataset()
    rows = ev.with_sources(ds.evidence, ds.sources)
    figs = [fn(rows).fig for fn in views.REGISTRY.values()] + [views.headline(rows, d).fig for d in vocab.DIMENSIONS]
    dropped = set(full["layout"]) - set(mine["layout"])  # maps, 3-D scenes, polar and ternary plots, colour scales
    for fig in filter(None, figs):
        spec = json.loads(pio.to_json(fig))
        # Nothing a chart draws needs what was left out of the template, so it is drawn as with the full one.
        assert {t["type"] for t in spec["data"]} <= set(charts.TEMPLATE_TRACES)
        assert not dropped & {k for k, v in spec["layout"].items() if k != "template" and v}
        assert spec["layout"]["template"] == mine
        assert len(json.dumps(spec["layout"]["template"])) < 1500  # the full template was 7,151 bytes a chart
