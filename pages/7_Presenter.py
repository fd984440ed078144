"""Presenter mode: one chart at a time in large type, predict-then-reveal, following data/teaching_sequence.csv or a
sequence of the lecturer's own (built, saved and loaded in the box under the slide).

With a live class, students answer each question on their phones; the presenter sees the count and spread live
and, on Reveal, the class's answers beside the evidence.
"""

import streamlit as st

from ketamine_evidence import ui
from ketamine_evidence.class_results import answered, figures_said, reveal_rows
from ketamine_evidence.data import DataValidationError
from ketamine_evidence.ui import builder, live

# Static style, no data in it: hide the sidebar and enlarge text for a projector.
PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] { display: none; }
[data-testid="stMainBlockContainer"] { max-width: 1320px; padding-top: 4rem; }
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li { font-size: 1.3rem; line-height: 1.4; }
[data-testid="stMainBlockContainer"] button p { font-size: 1.25rem; }
</style>
"""


def _go(step: int, number: int) -> None:
    # A step revealed once stays revealed, here and in the class's store, so going back never reopens its answers.
    seen = number in st.session_state.get("presenter_revealed_steps", ())
    st.session_state["presenter_step"] = step
    st.session_state["presenter_revealed"] = live.sync_step(number, seen)


def _reveal(number: int) -> None:
    st.session_state["presenter_revealed"] = True
    st.session_state["presenter_revealed_steps"] = {*st.session_state.get("presenter_revealed_steps", ()), number}
    live.sync_step(number, True)


def _class_controls(number: int) -> tuple[str, str] | None:
    """Start, show or end the live class; return (room, secret) while one runs."""
    note = st.session_state.pop("class_ended_note", None)
    if note:
        st.success(note, icon=":material/delete:")
    running = live.presenter_class()
    if running is None:
        st.button("Start a live class", key="presenter_class_start", on_click=live.start_class, args=(number,),
                  icon=":material/qr_code_2:", help="Students answer each question on their phones; you reveal "
                  "the class's answers beside the evidence.")
        return None
    room, secret = running
    live.keep_in_link(room, secret)
    cols = st.columns(2)
    if cols[0].button("Show join code", key="presenter_class_join", icon=":material/qr_code_2:"):
        st.session_state["class_show_join"] = True
    cols[1].button("End class", key="presenter_class_end", on_click=_ask_to_end, icon=":material/stop_circle:",
                   help="Asks first: ending deletes the class and all its answers.")
    if st.session_state.pop("class_show_join", False):
        live.join_dialog(room)
    if st.session_state.get("presenter_confirm_end"):
        _confirm_end(room)
    return running


def _ask_to_end() -> None:
    st.session_state["presenter_confirm_end"] = True


def _keep_class() -> None:
    st.session_state["presenter_confirm_end"] = False


def _end_class() -> None:
    st.session_state["presenter_confirm_end"] = False
    live.end_class()


def _confirm_end(room: str) -> None:
    """Ask before ending a class, and offer its results first: ending deletes every answer at once."""
    table = live.class_results(room)
    st.warning(f"Ending the class deletes its {answered(int(table['answers'].sum()))} now. Download the results "
               "first to keep them: every step's question, the class's answers (values only, no names), their "
               "median and spread, the option the evidence supports, and the evidence each step reveals.",
               icon=":material/warning:")
    live.results_downloads(room)
    # One under the other: side by side, the slide's narrow column cut their labels short.
    st.button("End the class and delete its answers", key="presenter_class_end_confirm", on_click=_end_class,
              type="primary")
    st.button("Keep the class running", key="presenter_class_end_cancel", on_click=_keep_class)


def _slide(ctx: ui.Context, seq, questions, curated) -> None:
    """Draw the current step: the question, the buttons and the words on the left, the chart on the right."""
    last = len(seq) - 1
    step = min(max(int(st.session_state.get("presenter_step", 0)), 0), last)
    row = seq.iloc[step]
    number = int(row["step"])
    question = questions[number]
    revealed = bool(st.session_state.get("presenter_revealed"))
    st.query_params["step"] = str(step + 1)  # the link reopens this step
    st.header(f"{step + 1}/{len(seq)} · {ui.md_escape(row['title'])}")
    # A slide: the question, the buttons and the words on the left, the chart on the right, so a 1366x768 projector
    # shows the whole reveal without scrolling (stacked, it ran below the fold).
    left, right = st.columns([2, 3], gap="large")
    v = None
    with left:
        st.markdown(f"**Predict first:** {ui.md_escape(row['question'])}")
        nav = st.columns(3)
        # Steps are numbered in the file and need not be consecutive: the class follows the number, not the index.
        before = int(seq.iloc[step - 1]["step"]) if step > 0 else number
        after = int(seq.iloc[step + 1]["step"]) if step < last else number
        nav[0].button("Previous", key="presenter_prev", on_click=_go, args=(step - 1, before),
                      disabled=step == 0, icon=":material/arrow_back:")
        nav[1].button("Reveal", key="presenter_reveal", on_click=_reveal, args=(number,), type="primary",
                      disabled=revealed, icon=":material/visibility:")
        nav[2].button("Next", key="presenter_next", on_click=_go, args=(step + 1, after), disabled=step == last,
                      icon=":material/arrow_forward:")
        running = _class_controls(number)
        if not revealed:
            if running is None:
                st.info("Ask the room, note the guesses, then press Reveal. Or start a live class, and the room "
                        "answers on their phones. Filters set on the other pages apply here.",
                        icon=":material/record_voice_over:")
                return
        else:
            # A choice step says which option the evidence supports, in words, before anything else.
            live.evidence_supports(question)
            v = live.step_view(row["view"], ctx)
            shown = reveal_rows(question, curated)
            if v is None:
                if len(shown):
                    ui.key_message(f"The evidence: {figures_said(shown)}.")
            elif not live.has_content(v):
                ui.empty(v.empty_what, ctx)
            else:
                ui.key_message(v.message)
            if isinstance(row["after_reveal"], str):
                st.markdown(f"**For discussion:** {ui.md_escape(row['after_reveal'])}")
            if live.has_content(v) and v.warnings:
                st.caption(ui.md_escape("Not like-for-like: " + "; ".join(v.warnings) + "."))
    with right:
        if running is not None and not revealed:
            st.markdown(f"Students answer: *{ui.md_escape(question.label)}*")
            live.live_answers(running[0], question, key="presenter_live")
            return
        answers = None
        if running is not None:
            answers = live.guarded(lambda: live.store().answers(running[0], number)) or []
        live.reveal_slide(question, answers, curated, v,
                          key=f"presenter_class_{step}" if running is not None else f"presenter_chart_{step}")


def body(ctx: ui.Context) -> None:
    # The class's own sequence follows its link: control is restored before the slides are chosen.
    running = live.presenter_class()
    try:
        seq, questions, curated = live.presenter_sequence(running)
    except DataValidationError as err:
        st.error("The teaching sequence did not pass its checks.")
        st.dataframe(err.as_frame(), hide_index=True)
        if st.session_state.get(live.CUSTOM_KEY) and running is None:
            st.button("Go back to the built-in sequence", key="presenter_builtin", on_click=live.use_sequence,
                      args=(None,))
        return
    st.html(PROJECTOR_CSS)
    _slide(ctx, seq, questions, curated)
    builder.panel(ctx, live.curated_rows(), running=live.presenter_class() is not None)


ui.run_page("Presenter mode", "For teaching: one question, one chart at a time.", body, compact=True)
