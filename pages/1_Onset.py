"""Onset: how soon after the first dose do patients respond? Ketamine and traditional antidepressants on one time axis."""

import streamlit as st

from ketamine_evidence import charts, evidence as ev, ui


def body(ctx: ui.Context) -> None:
    course = ev.onset_time_course(ctx.rows)
    st.subheader("Improvement, response and remission by time since the first dose")
    if course.empty:
        ui.empty("improvement, response or remission rates with a time point", ctx)
    else:
        firsts = ev.first_response_times(course)
        if not firsts.empty:
            ui.key_message("Earliest time point at which these studies report a response rate (when it was measured, "
                           "not necessarily when response began): " + "; ".join(
                f"{r.treatment_group} {ev.fmt_hours(r.time_hours)} ({r.value:g}%, {r.study})" for r in firsts.itertuples()) + ".")
        fig = charts.time_course_chart(course, "Share of patients improving, responding or remitting, by time since first dose",
                                       "Patients (%)")
        ui.chart(fig, charts.alt_text("Onset chart", course,
                                      "Percent of patients improving, responding or remitting against time since the first dose, on a log scale from hours to weeks."),
                 course, key="onset_course", warnings=ev.like_for_like_warnings(course))

    st.subheader("Difference from the comparator over time")
    effects = ev.onset_effect_sizes(ctx.rows)
    if effects.empty:
        ui.empty("effect sizes over time", ctx)
    else:
        units = list(dict.fromkeys(effects["unit"]))
        unit = st.radio("Effect measure", units, horizontal=True, key="onset_effect_unit",
                        help="Each measure is plotted on its own; they are not converted into one another.")
        sub = effects[effects["unit"] == unit]
        ui.key_message(ev.earliest_effect_message(sub) + (" " + ev.ratio_message(sub) if unit in ("odds ratio", "risk ratio", "hazard ratio") else ""))
        ratio = unit in ("odds ratio", "risk ratio", "hazard ratio")
        fig = charts.time_course_chart(sub, f"{unit.capitalize()} against the comparator, by time since first dose",
                                       unit.capitalize())
        if ratio:
            fig.update_yaxes(type="log", rangemode="normal")
            fig.add_hline(y=1, line={"dash": "dot", "color": "#444444"}, annotation_text="no difference")
        ui.chart(fig, charts.alt_text(f"Effect sizes ({unit})", sub, "Each point compares a treatment with the comparator named in its table row."),
                 sub, key="onset_effects", warnings=ev.like_for_like_warnings(sub))

    st.subheader("When does improvement start? Time-to-response figures")
    ttr = ev.time_to_event(ctx.rows, "time_to_response")
    if ttr.empty:
        ui.empty("time-to-response figures in hours, days or weeks", ctx)
    else:
        ttr = ttr.assign(label=charts.label_rows(ttr))
        ui.key_message(ev.duration_message(ttr, "times to onset or response"))
        fig = charts.days_chart(ttr, "Reported time to onset or response")
        ui.chart(fig, charts.alt_text("Time to response", ttr), ttr, key="onset_ttr",
                 warnings=ev.like_for_like_warnings(ttr))
    shares = ctx.rows[(ctx.rows["outcome"] == "time_to_response") & (ctx.rows["unit"] == "%")]
    if not shares.empty:
        with st.expander("Shares of patients by how long they took to respond"):
            ui.table(shares, key="onset_shares")


ui.run_page("Onset speed", "How soon after the first dose do patients improve?", body)
