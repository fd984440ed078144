"""Onset: how soon after the first dose do patients respond? Ketamine and traditional antidepressants on one time axis."""

import streamlit as st

from ketamine_evidence import evidence as ev, ui, views


def body(ctx: ui.Context) -> None:
    ui.answer(ctx, "onset")
    st.header("Every figure on this question")
    ui.show_view(ui.view(views.onset_course, ctx), ctx)

    units = ui.view(ev.onset_effect_units, ctx)
    st.subheader("Difference from the comparator over time")
    unit = None
    if units and not ui.plain_mode():
        unit = st.radio("Effect measure", units, horizontal=True, key="onset_effect_unit",
                        help="Each measure is plotted on its own; they are not converted into one another.")
    ui.show_view(ui.view(views.onset_effects, ctx, unit), ctx, heading=False, expert=True)

    ui.show_view(ui.view(views.onset_time_to_response, ctx), ctx)
    shares = ui.view(ev.response_time_shares, ctx)
    if not shares.empty:
        ui.lazy_table("Shares of patients by how long they took to respond", "onset_shares_open", shares,
                      key="onset_shares")


ui.run_page("Onset speed", "How soon after the first dose do patients improve?", body)
