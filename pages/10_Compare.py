"""Compare: benefit against burden, and a side-effect burden weighted by what matters to the reader."""

import streamlit as st

from ketamine_evidence import charts, compare, ui
from ketamine_evidence.context import read_context


def context_table(ctx: ui.Context) -> None:
    st.subheader("How each treatment is given")
    st.caption("Route, setting, how often, licence and monitoring, each statement from an official record or a "
               "peer-reviewed source. Not yet verified here, so not shown: reports of a 2025 US approval of esketamine "
               "without an oral antidepressant.")
    table = read_context()
    groups = ctx.filters.groups
    if groups:
        table = table[table["treatment_group"].isin(groups)]
    if table.empty:
        ui.empty("context statements", ctx)
        return
    st.dataframe(table[["treatment_group", "aspect", "statement", "source_citation", "source_id", "read_at_url"]],
                 hide_index=True, key="compare_context",
                 column_config={"treatment_group": "Group", "aspect": "Aspect", "statement": "Statement",
                                "source_citation": "Source", "source_id": "Identifier",
                                "read_at_url": st.column_config.LinkColumn("Where it was read")})


def body(ctx: ui.Context) -> None:
    context_table(ctx)
    st.subheader("Benefit against burden")
    bb = ui.view(compare.benefit_burden, ctx)
    if bb.empty:
        ui.empty("treatment groups with both response and side-effect figures", ctx)
    else:
        st.caption("One point per treatment group: the median of the response rates and of the side-effect "
                   "incidences reported for it, with bars spanning the lowest to highest figure. These describe "
                   "very different studies and populations; they are not pooled estimates.")
        fig = charts.benefit_burden_chart(bb)
        ui.key_message(compare.benefit_burden_message(bb))
        behind = ui.view(compare.benefit_burden_rows, ctx)
        ui.chart(fig, charts.alt_text("Benefit against burden", behind, "One point per treatment group: median reported "
                                      "response rate against median reported side-effect incidence, with ranges."),
                 behind, key="compare_bb", warnings=["different populations, designs and outcome definitions in every group"])

    st.subheader("Which side effects matter most to you?")
    st.caption("Give each kind of side effect a weight from 0 (ignore) to 3 (matters most). For each treatment group "
               "the score is the weighted mean of the median incidences of the kinds it has figures for: "
               "score = Σ(weight × median) ÷ Σ(weight). Kinds with no figure for a group are missing, not zero; the "
               "bar says how many kinds had data.")
    cols = st.columns(2)
    weights = {cat: cols[i % 2].slider(cat, 0, 3, 1, key=f"compare_weight_{i}")
               for i, cat in enumerate(compare.EFFECT_CATEGORIES)}
    weights_key = tuple(sorted(weights.items()))
    wb = ui.view(compare.weighted_burden_items, ctx, weights_key)
    if wb.empty:
        ui.empty("side-effect figures in the weighted kinds", ctx)
        return
    ui.key_message(compare.weighted_message(wb))
    fig = charts.weighted_burden_chart(wb)
    behind = ui.view(compare.weighted_rows_items, ctx, weights_key)
    ui.chart(fig, charts.alt_text("Weighted side-effect burden", behind, f"Bars rank {len(wb)} treatment groups, "
                                  "lightest first."), behind, key="compare_weighted")
    with st.expander("Scores, kinds with data, and kinds missing"):
        st.dataframe(wb, hide_index=True, key="compare_weighted_table")
    with st.expander("Median incidence by kind of side effect and group"):
        st.dataframe(ui.view(compare.category_medians, ctx), hide_index=True, key="compare_medians_table")


ui.run_page("Compare", "Benefit against burden, and side effects weighted by what matters to you.", body)
