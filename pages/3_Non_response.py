"""Response, remission and non-response, by population; STAR*D's step-by-step picture beside ketamine in TRD."""

import pandas as pd
import streamlit as st

from ketamine_evidence import evidence as ev, ui, views


def body(ctx: ui.Context) -> None:
    ui.answer(ctx, "non_response")
    st.header("Every figure on this question")
    st.subheader("Response, remission and non-response rates")
    present = [o for o in views.OUTCOME_WORDS if ((ctx.rows["outcome"] == o) & (ctx.rows["dimension"] == "non_response")
                                                    & (ctx.rows["unit"] == "%")).any()]
    if not present:
        ui.empty("response, remission or non-response rates", ctx)
    else:
        # Only the open tab is built and sent: hidden tabs had each drawn a chart nobody had asked to see yet.
        tabs = st.tabs([views.OUTCOME_WORDS[o] for o in present], key="nonresponse_outcome_tab", on_change="rerun")
        for tab, outcome in zip(tabs, present):
            if not tab.open:
                continue
            with tab:
                view = ui.view(views.response_rates, ctx, outcome)
                ui.show_view(view, ctx, key=f"nonresponse_{outcome}", heading=False)
                word = views.OUTCOME_WORDS[outcome].lower()
                ui.natural_frequency(view.rows, f"nonresponse_people_{outcome}", f"had a {word}",
                                     f"did not have a {word}")

    ui.show_view(ui.view(views.treatment_steps, ctx), ctx, key="nonresponse_steps")

    st.subheader("A 2014 news claim: traditional drugs do not work for a share of patients")
    first = ui.view(ev.first_step_non_response, ctx)
    if first.empty:
        ui.empty("first-step response rates of traditional treatment", ctx)
    else:
        st.caption("An NPR story of 2014 on the Oxford ketamine series (Diamond, McShane et al., J Psychopharmacol "
                   "2014) put a percentage on it; that figure is not quoted here. What the first step of traditional "
                   "treatment reports instead (the share not responding is computed as 100 minus the response rate):")
        for r in first.itertuples():
            n = f"{r.n:,}" if pd.notna(r.n) else "not reported"
            st.text(f"{r.study}: {r.value:g}% responded to {r.treatment} ({r.population}, n = {n}), "
                    f"so about {r.not_responding:g} in 100 did not (computed).")

    ui.show_view(ui.view(views.response_ratios, ctx), ctx, key="nonresponse_ratios", expert=True)


ui.run_page("Response and non-response", "How many patients respond, reach remission, or do not respond?", body)
