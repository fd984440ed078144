"""Durability: how long does the benefit last, and what happens when treatment stops or continues?"""

import streamlit as st

from ketamine_evidence import evidence as ev, ui, views


def body(ctx: ui.Context) -> None:
    ui.answer(ctx, "durability")
    st.header("Every figure on this question")
    ui.show_view(ui.view(views.durability_relapse, ctx), ctx)
    ui.show_view(ui.view(views.durability_ratios, ctx), ctx, expert=True)
    ui.show_view(ui.view(views.durability_days, ctx), ctx)

    st.subheader("What keeping the benefit involves")
    regimens = ev.maintenance_regimens(ctx.rows)
    if regimens.empty:
        ui.empty("maintenance regimens", ctx)
    else:
        st.caption("How the treatments behind these figures were given, in each source's words: "
                   "repeated infusions or supervised sprays for ketamine, a daily pill for antidepressants.")
        ui.table(regimens, key="durability_regimens", columns=["treatment_group", "treatment", "route", "regimen", "study", "link"])


ui.run_page("Durability", "How long does the benefit last, and how often does depression return?", body)
