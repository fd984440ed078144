"""Side effects: incidence by effect for each group, acute/transient kept apart from persistent, and stopping for side effects."""

import streamlit as st

from ketamine_evidence import charts, evidence as ev, ui

COURSES = ("All", "acute/transient", "persistent", "not applicable")


def body(ctx: ui.Context) -> None:
    st.subheader("How often each side effect was reported")
    course = st.radio("Course of the effect", COURSES, horizontal=True, key="side_course",
                      help="Acute/transient: during or just after a dose (e.g. dissociation during an infusion). "
                           "Persistent: lasting while on treatment (e.g. sexual dysfunction, weight gain).")
    effect = st.text_input("Show only effects whose name contains", key="side_effect_query", max_chars=60,
                           placeholder="e.g. nausea, dissociation, sexual", help="Plain text, not a pattern.")
    ae = ev.side_effect_rates(ctx.rows)
    if course != "All":
        ae = ae[ae["adverse_effect_course"] == course]
    if effect.strip():
        ae = ae[ae["outcome_label"].str.contains(effect.strip(), case=False, regex=False)]
    if ae.empty:
        ui.empty("side-effect percentages", ctx)
    else:
        ae = ae.assign(label=charts.label_rows(ae, ("outcome_label", "study", "treatment_group"), with_time=False))
        ui.key_message(ev.side_effect_message(ae))
        fig = charts.dot_ci_chart(ae, "Patients reporting each side effect (%)", "Patients (%)")
        ui.chart(fig, charts.alt_text("Side-effect incidence", ae, "Rows pair an effect with its study; placebo arms appear beside the drug where reported."),
                 ae, key="side_incidence", warnings=ev.like_for_like_warnings(ae))

    st.subheader("Stopping treatment")
    stop = ev.discontinuation_rates(ctx.rows)
    if stop.empty:
        ui.empty("discontinuation percentages", ctx)
    else:
        stop = stop.assign(label=charts.label_rows(stop, ("study", "treatment_group", "outcome_label")))
        ui.key_message(ev.family_medians_message(stop, "patients stopping"))
        fig = charts.dot_ci_chart(stop, "Patients who stopped treatment", "Patients (%)")
        ui.chart(fig, charts.alt_text("Discontinuation", stop), stop, key="side_stop",
                 warnings=ev.like_for_like_warnings(stop))

    other = ev.other_side_effect_figures(ctx.rows)
    if not other.empty:
        st.subheader("Other side-effect figures")
        st.caption("Ratios, numbers needed to harm, counts without a denominator, blood pressure and memory scores: "
                   "shown as a table because they do not share a scale.")
        ui.table(other, key="side_other")


ui.run_page("Side effects", "What side effects are reported, how often, and do they pass?", body)
