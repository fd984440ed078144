"""Glossary: every term the dashboard uses, in plain or expert words."""

import streamlit as st

from ketamine_evidence import ui
from ketamine_evidence.glossary import read_glossary


def body(ctx: ui.Context) -> None:
    g = read_glossary()
    query = st.text_input("Find a term", key="glossary_query", placeholder="e.g. remission, odds ratio")
    query = ui.within(query, 60)
    if query.strip():
        q = query.strip().lower()
        g = g[g["term"].str.lower().str.contains(q, regex=False) | g["plain"].str.lower().str.contains(q, regex=False)]
    st.caption("Plain and expert wording side by side; the 'Plain language' switch in the sidebar chooses which one "
               "the help icons across the dashboard use.")
    if g.empty:
        st.warning("No term matches. Try a shorter word.")
        return
    st.dataframe(g, hide_index=True, key="glossary_table",
                 column_config={"term": "Term", "plain": "In plain words", "expert": "For specialists"})


ui.run_page("Glossary", "What the terms on these pages mean.", body)
