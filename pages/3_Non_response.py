"""Response, remission and non-response, by population; STAR*D's step-by-step picture beside ketamine in TRD."""

import pandas as pd
import streamlit as st

from ketamine_evidence import charts, evidence as ev, ui

OUTCOME_TABS = (("response", "Response"), ("remission", "Remission"), ("non_response", "Non-response"))


def body(ctx: ui.Context) -> None:
    st.subheader("Response, remission and non-response rates")
    r = ev.rates(ctx.rows, "non_response", tuple(o for o, _ in OUTCOME_TABS))
    if r.empty:
        ui.empty("response, remission or non-response rates", ctx)
    else:
        present = [(o, lbl) for o, lbl in OUTCOME_TABS if (r["outcome"] == o).any()]
        tabs = st.tabs([lbl for _, lbl in present])
        for tab, (outcome, lbl) in zip(tabs, present):
            with tab:
                sub = r[r["outcome"] == outcome].sort_values(["population", "family", "value"])
                sub = sub.assign(label=charts.label_rows(sub, ("study", "treatment_group")))
                ui.key_message(ev.rate_message(sub, lbl.lower()))
                fig = charts.dot_ci_chart(sub, f"{lbl} rates by treatment group", "Patients (%)")
                ui.chart(fig, charts.alt_text(f"{lbl} rates", sub, "Each dot is one arm of one study; populations differ, see the table."),
                         sub, key=f"nonresponse_{outcome}", warnings=ev.like_for_like_warnings(sub))

    st.subheader("Traditional treatment step by step, beside ketamine in treatment-resistant depression")
    steps = ev.sequential_steps(ctx.rows)
    ket = ev.ketamine_trd_rates(ctx.rows)
    both = ev.concat_rows(steps, ket)
    if both.empty:
        ui.empty("step-by-step or treatment-resistant figures", ctx)
    else:
        both = both.assign(label=charts.label_rows(both, ("study", "treatment_group", "outcome_label")))
        ui.key_message(ev.steps_message(steps, ket))
        fig = charts.dot_ci_chart(both, "Remission by treatment step, and ketamine in resistant depression",
                                  "Patients (%)")
        warnings = ev.like_for_like_warnings(both)
        ui.chart(fig, charts.alt_text("Sequential treatment steps", both), both, key="nonresponse_steps", warnings=warnings)

    st.subheader("The 2014 story's claim: traditional drugs do not work for a share of patients")
    first = ev.first_step_non_response(ctx.rows)
    if first.empty:
        ui.empty("first-step response rates of traditional treatment", ctx)
    else:
        st.caption("The story gave a percentage that did not survive in our copy. Here is what the first step of "
                   "traditional treatment reports; the share not responding is computed here as 100 minus the response rate.")
        for r in first.itertuples():
            st.text(f"{r.study}: {r.value:g}% responded to {r.treatment} ({r.population}, n = {r.n if pd.notna(r.n) else 'not reported'}), "
                    f"so about {r.not_responding:g} in 100 did not (computed).")

    st.subheader("Odds of response against placebo")
    eff = ev.relative_effects(ctx.rows, "non_response")
    if eff.empty:
        ui.empty("relative response effects", ctx)
    else:
        eff = eff.assign(label=charts.label_rows(eff, ("study", "treatment_group", "outcome_label")))
        ui.key_message(ev.ratio_message(eff))
        fig = charts.dot_ci_chart(eff, "Ratios against the comparator in each row", "Ratio (log scale; 1 = no difference)",
                                  log_x=True, reference=1)
        ui.chart(fig, charts.alt_text("Relative effects on response and remission", eff), eff, key="nonresponse_ratios",
                 warnings=ev.like_for_like_warnings(eff))


ui.run_page("Response and non-response", "How many patients respond, reach remission, or do not respond?", body)
