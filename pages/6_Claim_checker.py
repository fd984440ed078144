"""Claim checker: the 2014 story's claims set against the evidence, and a box to check a claim of your own."""

import streamlit as st

from ketamine_evidence import claims as cl, ui, views
from ketamine_evidence.vocab import DIMENSION_LABELS

ANSWER_PAGES = {"onset": "pages/1_Onset.py", "durability": "pages/2_Durability.py",
                "non_response": "pages/3_Non_response.py", "side_effects": "pages/4_Side_effects.py"}
from ketamine_evidence.data import DataValidationError

VERDICT_COLOURS = {"supported": "green", "partly": "orange", "not supported": "red", "mis-stated": "red",
                   "no evidence in the data": "gray"}
CLAIM_TABLE = ["claim_id", "study", "treatment_group", "outcome_label", "time_reported", "value", "unit", "ci_low",
               "ci_high", "n", "population", "certainty", "caveats", "link", "row_id"]


def body(ctx: ui.Context) -> None:
    try:
        counts, cards = ui.claim_cards(ctx)
    except DataValidationError as err:
        st.error("The claims file did not pass its checks, so no claims are shown.")
        st.dataframe(err.as_frame(), hide_index=True)
        return
    figures = ui.claim_figures(ctx)
    st.header("What a 2014 news story claimed, and what the evidence says")
    st.caption("The story: NPR, 2014, on the Oxford series of 28 patients given ketamine infusions (Diamond, McShane "
               "et al., J Psychopharmacol 2014). Each claim is paraphrased from the story. Verdicts and explanations are the curators'; every figure "
               "shown comes from the dataset with its source. Claims use all figures, whatever the sidebar filters.")
    st.text(counts)
    for c in cards:
        with st.container(border=True):
            st.badge(c["verdict"], color=VERDICT_COLOURS[c["verdict"]])
            st.markdown(f"**{ui.md_escape(c['claim'])}**")
            st.caption(f"Claim from: {ui.md_escape(c['from'])}")
            st.text(c["explanation"])
            if c["cited"]:
                st.text("\n".join("• " + line for line in c["cited"]))
            else:
                st.caption("No figure in the dataset bears on this claim.")
    if not figures.empty:
        ui.lazy_table(f"Sources for the {len(figures)} figures cited above", "claims_sources_open", figures,
                      key="claims_sources", columns=CLAIM_TABLE,
                      caption="One row per figure a claim cites; the first column names the claim.")

    st.header("Check a claim of your own")
    text = st.text_area("Type or paste a claim", key="claims_query", height=90,
                        placeholder="e.g. Esketamine causes dissociation in a quarter of patients")
    text = ui.within(text, 500)
    st.caption("The matcher looks for treatments, the question (speed, durability, response, side effects), outcome "
               "words, time words and numbers in your claim. A named treatment scores 3, a question 2, an outcome word "
               "2, a figure measured at the time your claim names (hours, days, weeks, months) 2, a figure within 5 "
               "points (or 10%) of your number 2. It uses the rows allowed by the sidebar filters.")
    if text.strip():
        parsed = cl.parse_claim(text)
        found = cl.match_claim(text, ctx.rows)
        if found.empty:
            st.warning("The app cannot judge this claim: it names no treatment or question the data covers. "
                       "Try naming a treatment (ketamine, esketamine, an SSRI…) and what you claim about it.")
            return
        st.info("The app does not give a verdict on a typed claim. It shows the side-by-side answer for the question "
                "your claim is about, the curated claims it resembles (each with a verdict), and the figures that "
                "bear on it.", icon=":material/fact_check:")
        for dim in parsed["dimensions"][:2]:
            answer = ui.view(views.ANSWERS[dim], ctx)
            st.markdown(f"**The side-by-side answer on {ui.md_escape(DIMENSION_LABELS[dim].lower())}**")
            (st.text if not answer.empty else st.warning)(answer.message)
            st.page_link(ANSWER_PAGES[dim], label=f"See it on the {DIMENSION_LABELS[dim].lower()} page",
                         icon=":material/arrow_forward:")
        similar = cl.resembling(text, ui.load_claims())
        if not similar.empty:
            st.markdown("**Curated claims it resembles**")
            st.text("\n".join(f"• {r.claim} — verdict: {r.verdict} ({r.claim_id})" for r in similar.itertuples()))
        st.markdown("**Figures that bear on it**")
        st.text(f"{len(found)} figures, best match first.")
        st.text("\n".join(f"• {cl.figure_line(r)}  [matched: {r.match_reason}]" for r in found.head(8).itertuples()))
        ui.table(found, key="claims_matches", columns=CLAIM_TABLE[1:] + ["match_score", "match_reason"])


ui.run_page("Claim checker", "Claims about ketamine and antidepressants, set against the published figures.", body)
