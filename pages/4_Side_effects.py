"""Side effects: incidence by effect for each group, acute/transient kept apart from persistent, and stopping for side effects."""

import streamlit as st

from ketamine_evidence import evidence as ev, ui, views

COURSES = ("All", "acute/transient", "persistent", "not applicable")


def body(ctx: ui.Context) -> None:
    ui.answer(ctx, "side_effects")
    st.header("Every figure on this question")
    st.subheader("How often each side effect was reported")
    course = st.radio("Course of the effect", COURSES, horizontal=True, key="side_course",
                      help="Acute/transient: during or just after a dose (e.g. dissociation during an infusion). "
                           "Persistent: lasting while on treatment (e.g. sexual dysfunction, weight gain).")
    effect = st.text_input("Show only effects whose name contains", key="side_effect_query",
                           placeholder="e.g. nausea, dissociation, sexual", help="Plain text, not a pattern.")
    effect = ui.within(effect, 60)
    incidence = ui.view(views.side_effect_incidence, ctx, course, effect)
    ui.show_view(incidence, ctx, heading=False)
    ui.natural_frequency(incidence.rows, "side_people", "had this side effect", "did not")
    ui.show_view(ui.view(views.side_effect_stopping, ctx), ctx)

    other = ui.view(ev.other_side_effect_figures, ctx)
    if not other.empty:
        st.subheader("Other side-effect figures")
        st.caption("Ratios, numbers needed to harm, counts without a denominator, blood pressure and memory scores: "
                   "listed, not charted, because they do not share a scale.")
        ui.lazy_table(f"Table of {len(other)} figures that do not share a scale", "side_other_open", other,
                      key="side_other")


ui.run_page("Side effects", "What side effects are reported, how often, and do they pass?", body)
