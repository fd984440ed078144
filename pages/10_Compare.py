"""Compare: benefit against burden, and a side-effect burden weighted by what matters to the reader."""

import streamlit as st

from ketamine_evidence import compare, ui, views
from ketamine_evidence.context import read_context


def context_table(ctx: ui.Context) -> None:
    st.header("How each treatment is given")
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
    st.header("Benefit against burden")
    st.caption("One point per treatment group: the median of the response rates and of the side-effect incidences "
               "reported for it, with bars spanning the lowest to highest figure. These describe very different "
               "studies and populations; they are not pooled estimates.")
    ui.show_view(ui.view(views.benefit_burden, ctx), ctx, key="compare_bb", heading=False)

    st.header("Speed of onset against durability")
    st.caption("Durability is mostly reported as the share relapsing at a time point, and onset as response rates "
               "at time points; neither converts into the other, so no group gets a single invented point. Instead each "
               "group's figures that are times (in hours, days or weeks) are placed on one axis, by kind. The earliest "
               "time a response rate was reported is when it was measured, not when response began.")
    ui.show_view(ui.view(views.onset_durability, ctx), ctx, key="compare_timeline", heading=False)

    st.header("Which side effects matter most to you?")
    st.caption("Give each kind of side effect a weight from 0 (ignore) to 3 (matters most). For each treatment group "
               "the score is the weighted mean of the median incidences of the kinds it has figures for: "
               "score = Σ(weight × median) ÷ Σ(weight). Kinds with no figure for a group are missing, not zero; the "
               "bar says how many kinds had data.")
    cols = st.columns(2)
    weights = {cat: cols[i % 2].slider(cat, 0, 3, 1, key=f"compare_weight_{i}")
               for i, cat in enumerate(compare.EFFECT_CATEGORIES)}
    ui.show_view(ui.view(views.weighted_burden, ctx, tuple(sorted(weights.items()))), ctx, key="compare_weighted",
                 heading=False)
    medians = ui.lazy_expander("Median incidence by kind of side effect and group", key="compare_medians_open")
    if medians.open:
        with medians:
            st.dataframe(ui.view(compare.category_medians, ctx), hide_index=True, key="compare_medians_table")


ui.run_page("Compare", "Benefit against burden, onset against durability, and side effects weighted by what matters to you.",
            body)
