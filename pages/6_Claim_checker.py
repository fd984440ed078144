"""Claim checker: the 2014 story's claims set against the evidence, and a box to check a claim of your own."""

import streamlit as st

from ketamine_evidence import claims as cl, ui
from ketamine_evidence.vocab import DIMENSION_LABELS

ANSWER_PAGES = {"onset": "pages/1_Onset.py", "durability": "pages/2_Durability.py",
                "non_response": "pages/3_Non_response.py", "side_effects": "pages/4_Side_effects.py"}
from ketamine_evidence.data import DataValidationError

VERDICT_COLOURS = {"supported": "green", "partly": "orange", "not supported": "red", "mis-stated": "red",
                   "no evidence in the data": "gray", "partly supported": "orange",
                   "cannot be judged from this evidence": "gray"}
VERDICT_ICONS = {"supported": ":material/check_circle:", "partly supported": ":material/rule:",
                 "not supported": ":material/cancel:", "cannot be judged from this evidence": ":material/help:"}
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
    seed = cl.seed_source_note(ctx.sources)
    if seed:
        st.caption(seed["text"])
        st.link_button("Open the Oxford record of the series", seed["url"], icon=":material/open_in_new:")
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
    st.caption("The checker reads what the claim says (the treatments, the question, the outcome or harm, who, when, "
               "how many, and whether it compares or speaks of everyone), maps it onto one answer the app holds (a "
               "curated claim that says the same, or the like-for-like comparison on that outcome, direct evidence "
               "first) and applies a stated rule. Verdicts use the curated data, whatever the sidebar filters.")
    if text.strip():
        v = ui.claim_verdict(" ".join(text.split()))
        with st.container(border=True, key="claims_verdict"):
            st.badge(v.verdict.capitalize(), color=VERDICT_COLOURS[v.verdict], icon=VERDICT_ICONS[v.verdict])
            if v.how_sure:
                st.text(v.how_sure)
            st.markdown("**The rule that gave it**")
            st.text(v.rule)
            if v.answer:
                st.markdown("**The answer it maps onto**")
                st.text(v.answer)
            if v.dimension in ANSWER_PAGES:
                st.page_link(ANSWER_PAGES[v.dimension], label=f"See it on the {DIMENSION_LABELS[v.dimension].lower()} "
                             "page", icon=":material/arrow_forward:")
        found = cl.match_claim(text, ctx.rows)
        if found.empty:
            return
        found = cl.answer_rows_first(found, v.row_ids)
        st.markdown("**Figures that bear on it**")
        st.text(f"{len(found)} figures, the answer's own first, then best match (sidebar filters apply here).")
        st.text("\n".join(f"• {cl.figure_line(r)}  [matched: {r.match_reason}]" for r in found.head(8).itertuples()))
        ui.table(found, key="claims_matches", columns=CLAIM_TABLE[1:] + ["read_in", "match_score", "match_reason"])


ui.run_page("Claim checker", "Claims about ketamine and antidepressants, set against the published figures.", body)
