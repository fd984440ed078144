"""Join a class: a student's phone page. The current question of the teaching sequence, one answer, then the reveal."""

import streamlit as st

from ketamine_evidence import classroom as cr
from ketamine_evidence import ui
from ketamine_evidence.class_results import answered
from ketamine_evidence.data import DataValidationError
from ketamine_evidence.ui import live

# Static style, no data in it: no sidebar on a phone page, and large touch targets.
STUDENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] { display: none; }
[data-testid="stMainBlockContainer"] { max-width: 720px; padding-top: 3.5rem; }
[data-testid="stMainBlockContainer"] button { min-height: 3rem; }
[data-testid="stMainBlockContainer"] [role="radiogroup"] label { min-height: 2.75rem; align-items: center; }
[data-testid="stMainBlockContainer"] p { font-size: 1.1rem; }
</style>
"""


def _join_form() -> None:
    st.markdown("Type the room code shown on the presenter's screen.")
    with st.form("class_join_form", border=False):
        typed = st.text_input("Room code", key="class_join_code", max_chars=12, placeholder="e.g. ABCD-EFGH")
        go = st.form_submit_button("Join", type="primary", use_container_width=True, key="class_join_submit")
    if go:
        state = live.guarded(lambda: live.store().join(typed, live.client_key()))
        if state is not None:
            st.session_state["class_joined"] = state.room
            st.query_params["room"] = state.room
            st.rerun()


def _leave() -> None:
    st.session_state.pop("class_joined", None)
    st.query_params.pop("room", None)


def _follow(room: str, token: str, ctx: ui.Context) -> None:
    try:
        seq, qs, rows = live.class_sequence(room)  # the lecturer's own questions, if the class was started with them
    except DataValidationError:
        st.error("The teaching sequence did not pass its checks, so the class cannot be shown. "
                 "The presenter can see the list of problems.")
        return

    @live.live_fragment
    def _current() -> None:
        state = live.guarded(lambda: live.store().state(room))
        if state is None:
            st.info("This class has ended or expired. Thank you for taking part.", icon=":material/event_busy:")
            st.button("Join another class", key="class_leave", on_click=_leave)
            return
        q = qs.get(state.step)
        if q is None:
            st.info("The presenter is on a step without a question. Wait for the next one.")
            return
        st.subheader(ui.md_escape(f"Question {state.step} of {len(qs)}: {q.title}"))
        st.markdown(ui.md_escape(q.text))
        mine = live.guarded(lambda: live.store().my_answer(room, q.step, token))
        if not state.revealed:
            live.student_answer_widget(room, token, q, mine)
            return
        answers = live.guarded(lambda: live.store().answers(room, q.step)) or []
        fig, sentence, shown = live.reveal_figure(q, answers, rows)
        st.markdown("**Revealed.** " + ui.md_escape(sentence))
        if q.kind == "choice" and mine in q.choices:
            st.caption(ui.md_escape(f"You chose: {mine}."))
        live.evidence_supports(q)  # in words, not by the marked bar alone
        ui.plotly(fig, f"The class's {answered(len(answers))} beside {len(shown)} published figures. {sentence}",
                  key=f"class_reveal_{q.step}")
        after = seq.loc[seq["step"] == q.step, "after_reveal"].iloc[0]
        if isinstance(after, str):
            st.markdown(f"**For discussion:** {ui.md_escape(after)}")
        if len(shown):
            ui.table(shown, key=f"class_reveal_table_{q.step}",
                     columns=["study", "treatment_group", "outcome_label", "time_reported", "value", "unit", "n",
                              "population", "link"])
        else:  # the evidence for this question is a whole view (e.g. how much evidence there is): show it
            view = live.step_view(seq.loc[seq["step"] == q.step, "view"].iloc[0], ctx)
            if view is not None and view.fig is not None:
                ui.key_message(view.message)
                ui.plotly(view.fig, view.alt, key=f"class_reveal_view_{q.step}")

    _current()


def body(ctx: ui.Context) -> None:
    st.html(STUDENT_CSS)
    room = cr.normalise_room(st.query_params.get("room", ""))
    if not room:
        _join_form()
        return
    if st.session_state.get("class_joined") != room:
        # A room from a link is checked (and rate-limited) like a typed one, once per visit.
        state = live.guarded(lambda: live.store().join(room, live.client_key()))
        if state is None:
            st.button("Type a code instead", key="class_retype", on_click=_leave)
            return
        st.session_state["class_joined"] = room
    token = live.student_token()
    st.caption(f"Room {cr.show_room(room)} · your answers are anonymous: no name is asked or stored.")
    _follow(room, token, ctx)


ui.run_page("Join a class", "Answer the presenter's questions on your phone.", body, compact=True)
