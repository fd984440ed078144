"""Presenter mode: one chart at a time in large type, predict-then-reveal, following data/teaching_sequence.csv."""

import streamlit as st

from ketamine_evidence import charts, ui, views
from ketamine_evidence.data import DataValidationError
from ketamine_evidence.teaching import read_sequence

# Static style, no data in it: hide the sidebar and enlarge text for a projector.
PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
[data-testid="stMainBlockContainer"] { max-width: 1320px; padding-top: 4rem; }
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li { font-size: 1.3rem; line-height: 1.4; }
[data-testid="stMainBlockContainer"] button p { font-size: 1.25rem; }
</style>
"""


def _go(step: int) -> None:
    st.session_state["presenter_step"] = step
    st.session_state["presenter_revealed"] = False


def _reveal() -> None:
    st.session_state["presenter_revealed"] = True


def body(ctx: ui.Context) -> None:
    try:
        seq = read_sequence()
    except DataValidationError as err:
        st.error("The teaching sequence did not pass its checks.")
        st.dataframe(err.as_frame(), hide_index=True)
        return
    st.html(PROJECTOR_CSS)
    last = len(seq) - 1
    step = min(max(int(st.session_state.get("presenter_step", 0)), 0), last)
    row = seq.iloc[step]
    st.query_params["step"] = str(step + 1)  # the link reopens this step
    st.header(f"{step + 1}/{len(seq)} · {ui.md_escape(row['title'])}")
    # A slide: the question, the buttons and the words on the left, the chart on the right, so a 1366x768 projector
    # shows the whole reveal without scrolling (stacked, it ran below the fold).
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown(f"**Predict first:** {ui.md_escape(row['question'])}")
        nav = st.columns(3)
        nav[0].button("Previous", key="presenter_prev", on_click=_go, args=(step - 1,), disabled=step == 0,
                      icon=":material/arrow_back:")
        nav[1].button("Reveal", key="presenter_reveal", on_click=_reveal, type="primary",
                      disabled=bool(st.session_state.get("presenter_revealed")), icon=":material/visibility:")
        nav[2].button("Next", key="presenter_next", on_click=_go, args=(step + 1,), disabled=step == last,
                      icon=":material/arrow_forward:")
        if not st.session_state.get("presenter_revealed"):
            st.info("Ask the room, note the guesses, then press Reveal. Filters set on the other pages apply here.",
                    icon=":material/record_voice_over:")
            return
        view = ui.view(views.REGISTRY[row["view"]], ctx)
        if view.empty:
            ui.empty(view.empty_what, ctx)
            return
        ui.key_message(view.message)
        if isinstance(row["after_reveal"], str):
            st.markdown(f"**For discussion:** {ui.md_escape(row['after_reveal'])}")
        if view.warnings:
            st.caption(ui.md_escape("Not like-for-like: " + "; ".join(view.warnings) + "."))
    with right:
        ui.plotly(charts.for_projector(view.fig, height=460), view.alt, key=f"presenter_chart_{step}")
        ui.lazy_table(f"Table of the {len(view.rows)} figures", f"presenter_table_open_{step}", view.rows,
                      key=f"presenter_table_{step}")


ui.run_page("Presenter mode", "For teaching: one question, one chart at a time.", body, compact=True)
