"""Overview: the four questions at a glance, ketamine beside traditional antidepressants."""

import streamlit as st

from ketamine_evidence import ui, views
from ketamine_evidence.vocab import DIMENSION_LABELS

PAGE_FOR = {
    "onset": ("pages/1_Onset.py", "How fast does it work?"),
    "durability": ("pages/2_Durability.py", "How long does the benefit last?"),
    "non_response": ("pages/3_Non_response.py", "How many respond, remit, or do not respond?"),
    "side_effects": ("pages/4_Side_effects.py", "What are the side effects?"),
}


def body(ctx: ui.Context) -> None:
    rows = ctx.rows
    if rows.empty:
        ui.empty("figures", ctx)
        return
    st.header("What the evidence says")
    st.caption("Randomised head-to-head trials first; each side against its own control where no trial compared them "
               "directly. Open the table for the numbers, certainty and reasons.")
    ui.summary_of_findings(ctx, key="overview_sof")

    st.header("The four answers, side by side")
    st.caption("Each answer puts ketamine beside traditional antidepressants on one measure, from a curated set of "
               "figures that measure the same thing; open a question for every set and every figure.")
    items = list(PAGE_FOR.items())
    upload = ctx.source_key and ctx.source_key[0] == "upload"
    # One row of two answers at a time, so a phone (where columns stack) keeps the order of the four questions.
    for pair in (items[:2], items[2:]):
        for col, (dim, (page, question)) in zip(st.columns(2), pair):
            with col.container(border=True):
                st.markdown(f"**{DIMENSION_LABELS[dim]}** · {question}")
                if upload:
                    st.caption("Comparison sets are curated for the published dataset, not drawn for uploads.")
                else:
                    head = ui.view(views.overview_answer, ctx, dim)
                    ui.show_comparison(head, key=f"overview_{dim}", heading=False, ctx=ctx)
                st.page_link(page, label=f"Open {DIMENSION_LABELS[dim].lower()}", icon=":material/arrow_forward:")

    st.header("What the evidence base holds")
    c1, c2, c3 = st.columns(3)
    c1.metric("Published figures", len(rows), help="Rows after the sidebar filters; each is one figure from one source.")
    c2.metric("Sources", rows["source_id"].nunique())
    c3.metric("Data version", ctx.meta.get("version", "?"))
    ui.what_changed(key="overview_changes")
    # Drawn on request: the four answers are what this page is for, and a class opening the dashboard at once is sent
    # two charts fewer each. A switch, not a folded box: in a box the charts lost width and a 390 px phone cut the
    # evidence map's axis title.
    if st.toggle(f"Show how much evidence there is: the {len(rows)} figures by question, family and year",
                 key="overview_base_open"):
        ui.show_view(ui.view(views.evidence_map, ctx), ctx, key="overview_map")
        ui.show_view(ui.view(views.evidence_over_time, ctx), ctx, key="overview_years")


ui.run_page("Ketamine vs traditional antidepressants",
            "What published studies report on onset, durability, response and side effects, side by side.", body)
