"""Overview: the four questions at a glance, ketamine beside traditional antidepressants."""

import streamlit as st

from ketamine_evidence import evidence as ev, ui, views
from ketamine_evidence.vocab import DIMENSION_LABELS

PAGE_FOR = {
    "onset": ("pages/1_Onset.py", "How fast does it work?"),
    "durability": ("pages/2_Durability.py", "How long does the benefit last?"),
    "non_response": ("pages/3_Non_response.py", "How many respond, remit, or do not respond?"),
    "side_effects": ("pages/4_Side_effects.py", "What are the side effects?"),
}


def body(ctx: ui.Context) -> None:
    rows = ctx.rows
    c1, c2, c3 = st.columns(3)
    c1.metric("Published figures", len(rows), help="Rows after the sidebar filters; each is one figure from one source.")
    c2.metric("Sources", rows["source_id"].nunique())
    c3.metric("Data version", ctx.meta.get("version", "?"))
    if rows.empty:
        ui.empty("figures", ctx)
        return

    st.subheader("The four questions")
    cards = ui.view(ev.overview_cards, ctx)
    items = list(PAGE_FOR.items())
    # One row of two cards at a time, so a phone (where columns stack) keeps the order of the four questions.
    for pair in (items[:2], items[2:]):
        for col, (dim, (page, question)) in zip(st.columns(2), pair):
            with col.container(border=True):
                st.markdown(f"**{DIMENSION_LABELS[dim]}** · {question}")
                for line in cards.get(dim, []):
                    st.text(line)
                st.page_link(page, label=f"Open {DIMENSION_LABELS[dim].lower()}", icon=":material/arrow_forward:")

    ui.show_view(ui.view(views.evidence_map, ctx), ctx, key="overview_map")


ui.run_page("Ketamine vs traditional antidepressants",
            "What published studies report on onset, durability, response and side effects, side by side.", body)
