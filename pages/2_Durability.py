"""Durability: how long does the benefit last, and what happens when treatment stops or continues?"""

import streamlit as st

from ketamine_evidence import charts, evidence as ev, ui


def body(ctx: ui.Context) -> None:
    st.subheader("Relapse: continuing treatment vs stopping it")
    rel = ev.rates(ctx.rows, "durability", ("relapse", "sustained_response"))
    if rel.empty:
        ui.empty("relapse percentages", ctx)
    else:
        rel = rel.assign(label=charts.label_rows(rel, ("study", "treatment_group")))
        ui.key_message(ev.relapse_message(rel))
        fig = charts.dot_ci_chart(rel, "Share of patients who relapsed (or stayed well)", "Patients (%)")
        ui.chart(fig, charts.alt_text("Relapse chart", rel, "Dots show the percent relapsing in each arm; placebo arms are patients switched off the drug."),
                 rel, key="durability_relapse", warnings=ev.like_for_like_warnings(rel))

    st.subheader("Relative risk of relapse")
    eff = ev.relative_effects(ctx.rows, "durability")
    if eff.empty:
        ui.empty("relative relapse effects", ctx)
    else:
        eff = eff.assign(label=charts.label_rows(eff, ("study", "treatment_group", "outcome_label")))
        ui.key_message(ev.ratio_message(eff))
        fig = charts.dot_ci_chart(eff, "Odds, risk and hazard ratios (each against the comparator in its row)",
                                  "Ratio (log scale; 1 = no difference)", log_x=True, reference=1)
        ui.chart(fig, charts.alt_text("Relative relapse effects", eff, "Ratios below 1 favour the treatment named in the row."),
                 eff, key="durability_ratios", warnings=ev.like_for_like_warnings(eff))

    st.subheader("How long did the benefit last?")
    days = ev.durations(ctx.rows)
    if days.empty:
        ui.empty("durations of benefit or times to relapse", ctx)
    else:
        days = days.assign(label=charts.label_rows(days))
        ui.key_message(ev.duration_message(days, "durations of benefit and times to relapse"))
        fig = charts.days_chart(days, "Reported duration of benefit and time to relapse")
        ui.chart(fig, charts.alt_text("Durations", days, "Medians or means as each source reports them, counted from the last dose or from randomisation."),
                 days, key="durability_days", warnings=ev.like_for_like_warnings(days))

    st.subheader("What keeping the benefit involves")
    regimens = ev.maintenance_regimens(ctx.rows)
    if regimens.empty:
        ui.empty("maintenance regimens", ctx)
    else:
        st.caption("How the treatments behind these figures were given, in each source's words: "
                   "repeated infusions or supervised sprays for ketamine, a daily pill for antidepressants.")
        ui.table(regimens, key="durability_regimens", columns=["treatment_group", "treatment", "route", "regimen", "study", "link"])


ui.run_page("Durability", "How long does the benefit last, and how often does depression return?", body)
