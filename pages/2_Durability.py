"""Durability: how long does the benefit last, and what happens when treatment stops or continues?"""

import streamlit as st

from ketamine_evidence import evidence as ev, ui, views


AFTER_COLUMNS = {"side": "Side", "study": "Study", "what_stopped": "What stopped", "figure": "Figure",
                 "other_arm": "The trial's other arm", "what": "What it counts", "over": "Over what time",
                 "design": "Design", "population": "Who", "certainty": "Certainty of the figure",
                 "differs": "What differs", "read_in": "Where the figure was read", "link": "Source"}


def body(ctx: ui.Context) -> None:
    after = ui.view(views.durability_after_stopping, ctx)
    st.header(after.heading)
    if after.counts is None or after.counts.empty:
        ui.empty(after.empty_what, ctx)
    else:
        st.info(after.message, icon=":material/compare_arrows:")
        st.dataframe(after.counts[list(AFTER_COLUMNS)], hide_index=True, key="durability_after_table",
                     column_config={**AFTER_COLUMNS, "link": st.column_config.LinkColumn("Source")})
        secondary = after.counts[after.counts["read_in"] == "Secondary report"]
        if not secondary.empty:
            st.caption(ui.md_escape("Read only in a secondary report (news, a summary or another paper), not in the "
                                    "study itself: " + "; ".join(f"{r.study}, {r.what}" for r in secondary.itertuples())
                                    + "."))
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
