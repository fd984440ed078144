"""Compare: benefit against burden, and a side-effect burden weighted by what matters to the reader."""

import streamlit as st

from ketamine_evidence import ui, views
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
    st.header("Benefit and harm, each against its own control")
    st.caption("The summary of findings: for each outcome, ketamine against its control and traditional "
               "antidepressants against theirs, in people per 100, randomised head-to-head trials first. Figures from "
               "different experiments are never averaged, ranged or ranked against each other; where no trial "
               "compared the two, the row says so.")
    ui.summary_of_findings(ctx, key="compare_sof")

    st.header("Which harms matter most to you?")
    st.caption("Pick the harms you care about, in the order you care about them. Each is shown as extra patients per "
               "100 against the control arm of the same trials; no score adds harms of different kinds together, "
               "because a point of dissociation and a point of sexual dysfunction are not the same thing.")
    options = ui.view(views.harm_choices, ctx)
    chosen = st.multiselect("Harms, most important first", list(options), default=list(options)[:3],
                            format_func=lambda sid: options[sid], key="compare_harms",
                            placeholder="Choose one or more harms")
    if chosen:
        ui.show_view(ui.view(views.harm_profile, ctx, False, tuple(chosen)), ctx, key="compare_harm_profile",
                     heading=False)
    else:
        st.caption("No harm chosen.")

    st.header("Speed of onset against durability")
    st.caption("Only figures that are times are placed here: reported times to response, and durations of benefit or "
               "times to relapse, each in its own kind. A time at which a study measured a response rate is not a "
               "time to response, so it is not placed. Durability is mostly reported as the share relapsing at a time "
               "point and onset as response rates; neither converts into the other, so no group gets an invented point.")
    ui.show_view(ui.view(views.onset_durability, ctx), ctx, key="compare_timeline", heading=False)
    context_table(ctx)


ui.run_page("Compare", "Benefit and harm side by side, the harms that matter to you, and onset against durability.",
            body)
