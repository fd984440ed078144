"""A live class through AppTest: the presenter starts it, a student joins and answers, the presenter reveals.

Two AppTest sessions share the store (a SQLite file in the test run's state folder), as two browsers would.
"""

from streamlit.testing.v1 import AppTest

from ketamine_evidence import classroom as cr
from ketamine_evidence.ui import live

from .helpers import ROOT, chart_spec, charts, open_page


def _student(room: str | None = None, token: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/12_Join_class.py")
    if room:
        at.query_params["room"] = room
    if token:
        at.query_params["me"] = token
    return at.run()


def _texts(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.info, *at.warning, *at.success, *at.caption,
                                         *at.subheader])


def _started() -> tuple[AppTest, str, str]:
    presenter = open_page("pages/7_Presenter.py")
    presenter.button(key="presenter_class_start").click().run()
    assert not presenter.exception, presenter.exception
    room, secret = presenter.session_state["class_room"], presenter.session_state["class_secret"]
    return presenter, room, secret


def test_a_presenter_starts_a_class_whose_link_shows_a_room_code_and_controls_it():
    presenter, room, secret = _started()
    assert presenter.query_params["class"] in (room, [room]) and presenter.query_params["key"] in (secret, [secret])
    assert cr.show_room(room) in _texts(presenter)  # the join panel names the room code
    assert "0 answers so far" in _texts(presenter)
    assert live.store().is_presenter(room, secret) and not live.store().is_presenter(room, room)


def test_a_student_answers_the_presenter_sees_the_count_and_the_reveal_sets_it_beside_the_evidence():
    presenter, room, _ = _started()
    presenter.button(key="presenter_next").click().run()  # step 2: responders within 24 h, a number
    student = _student(room)
    assert not student.exception, student.exception
    assert "Question 2 of 9" in _texts(student)
    token = student.query_params["me"]
    token = token[0] if isinstance(token, list) else token
    student.slider(key=f"class_answer_{room}_2").set_value(60).run()
    student.button(key=f"class_answer_{room}_2_send").click().run()
    assert "Your answer: 60%" in _texts(student)
    assert live.store().answers(room, 2) == [60]
    presenter.run()
    assert "1 answer so far" in _texts(presenter)
    presenter.button(key="presenter_reveal").click().run()
    assert not presenter.exception, presenter.exception
    reveal = [c for c in charts(presenter) if c.proto.id.endswith("presenter_class_1")]
    assert reveal, "no class-and-evidence chart after the reveal"
    spec = chart_spec(reveal[0])
    names = {t.get("name") for t in spec["data"]}
    assert {"Your class", "IV ketamine"} <= names  # the class's answers beside the ketamine figures
    assert "median of 60%" in _texts(presenter) and "Han 2016" in _texts(presenter)
    # After the reveal the student sees the evidence too, and can no longer change the answer.
    student.run()
    assert not student.exception and not student.error, [*student.exception, *student.error]
    assert "Revealed" in _texts(student) and "Han 2016" in _texts(student)
    assert any("For discussion" in m.value for m in student.markdown)
    assert not [b for b in student.button if b.key == f"class_answer_{room}_2_send"]


def test_a_student_who_reloads_keeps_the_answer():
    presenter, room, _ = _started()
    first = _student(room)
    token = first.query_params["me"]
    token = token[0] if isinstance(token, list) else token
    first.radio(key=f"class_answer_{room}_1").set_value("About the same").run()
    first.button(key=f"class_answer_{room}_1_send").click().run()
    again = _student(room, token)  # a new session with the same link: a reload
    assert "Your answer: About the same" in _texts(again)
    assert again.radio(key=f"class_answer_{room}_1").value == "About the same"


def test_a_wrong_room_code_is_refused_in_words_and_nothing_breaks():
    student = _student()
    student.text_input(key="class_join_code").input("NOPE-NOPE")
    student.button(key="class_join_submit").click().run()
    assert not student.exception
    assert any("No class has that room code" in w.value for w in student.warning)


def test_ending_the_class_deletes_its_answers_and_students_are_told():
    presenter, room, _ = _started()
    student = _student(room)
    student.radio(key=f"class_answer_{room}_1").set_value("More on ketamine").run()
    student.button(key=f"class_answer_{room}_1_send").click().run()
    presenter.button(key="presenter_class_end").click().run()
    # End class asks first, and offers the results: nothing is deleted yet.
    assert not presenter.exception
    assert live.store().answers(room, 1) == ["More on ketamine"]
    assert any("deletes its 1 answer" in w.value for w in presenter.warning)
    results = live.class_results(room)
    assert results.loc[results["step"] == 1, "answers"].item() == 1
    assert "More on ketamine: 1" in results.loc[results["step"] == 1, "choices"].item()
    presenter.button(key="presenter_class_end_cancel").click().run()
    assert live.store().state(room) is not None  # kept running
    presenter.button(key="presenter_class_end").click().run()
    presenter.button(key="presenter_class_end_confirm").click().run()
    assert any("answers are deleted (1 answer)" in s.value for s in presenter.success)
    assert live.store().state(room) is None and live.store().answers(room, 1) == []
    student.run()
    assert "ended or expired" in _texts(student)
    # A student who reloads (a new visit with the room in the link) is told the class has ended, not that the code
    # is wrong.
    assert "This class has ended" in " ".join(w.value for w in _student(room).warning)


def test_a_database_out_of_reach_is_a_plain_sentence_and_the_page_keeps_running(monkeypatch, tmp_path):
    broken = cr.ClassStore(cr.make_engine(f"sqlite:///{tmp_path / 'missing' / 'folder' / 'class.sqlite'}"),
                           delays=(0.01,))
    monkeypatch.setattr(cr, "store_for", lambda url=None: broken)
    presenter = open_page("pages/7_Presenter.py")
    presenter.button(key="presenter_class_start").click().run()
    assert not presenter.exception
    assert any("nothing was saved" in w.value and "try again" in w.value for w in presenter.warning)
    assert "class_room" not in presenter.session_state
    assert presenter.header[0].value.startswith("1/")  # the slide is still there
    student = _student("ABCDEFGH")
    assert not student.exception and any("try again" in w.value for w in student.warning)


def test_starting_a_class_on_a_revealed_step_asks_that_question_first():
    presenter = open_page("pages/7_Presenter.py")
    presenter.button(key="presenter_reveal").click().run()
    presenter.button(key="presenter_class_start").click().run()
    room = presenter.session_state["class_room"]
    assert not presenter.session_state["presenter_revealed"]
    assert live.store().state(room).revealed is False  # presenter and phones agree: answering is open
    assert "0 answers so far" in _texts(presenter)


def test_behind_the_proxy_the_rate_limit_counts_the_address_the_proxy_saw_not_one_the_client_wrote(monkeypatch):
    from types import SimpleNamespace

    # nginx appends the address it saw; anything before it came in the client's own request.
    context = SimpleNamespace(headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}, ip_address="127.0.0.1")
    monkeypatch.setattr(live, "st", SimpleNamespace(context=context))
    monkeypatch.setenv(live.TRUST_PROXY_ENV, "1")
    assert live.client_key() == "203.0.113.7"
    monkeypatch.delenv(live.TRUST_PROXY_ENV)
    assert live.client_key() == "127.0.0.1"  # without a trusted proxy the header is ignored


def test_a_revealed_step_is_built_once_for_the_whole_class_and_again_only_for_other_answers():
    _, qs, rows = live.sequence()
    q = next(q for q in qs.values() if q.kind == "number")
    answers = [q.lo, q.hi]
    fig, sentence, shown = live.reveal_figure(q, answers, rows)
    # Forty phones refreshing a revealed step get the one figure, not forty builds of it.
    again = live.reveal_figure(q, list(answers), rows)
    assert again[0] is fig and again[1] == sentence
    other = live.reveal_figure(q, answers + [q.lo], rows)
    assert other[0] is not fig and other[1] != sentence  # other answers: another chart and another sentence
    assert sum(len(t["x"] or []) for t in chart_spec_of(other[0])["data"] if t.get("type") == "histogram") == 3


def chart_spec_of(fig) -> dict:
    import json

    import plotly.io as pio

    return json.loads(pio.to_json(fig))


def test_previous_does_not_reopen_a_revealed_step_and_its_answers_stay_closed():
    presenter, room, _ = _started()
    presenter.button(key="presenter_next").click().run()  # step 2
    presenter.button(key="presenter_reveal").click().run()
    presenter.button(key="presenter_next").click().run()  # step 3 opens for answers
    assert not presenter.button(key="presenter_reveal").disabled
    presenter.button(key="presenter_prev").click().run()  # back to step 2: it stays revealed
    assert not presenter.exception, presenter.exception
    assert presenter.button(key="presenter_reveal").disabled
    assert [c for c in charts(presenter) if c.proto.id.endswith("presenter_class_1")]  # its reveal is shown again
    state = live.store().state(room)
    assert (state.step, state.revealed) == (2, True)
    student = _student(room)
    assert "Revealed" in _texts(student)
    assert not [b for b in student.button if b.key == f"class_answer_{room}_2_send"]


def test_before_the_reveal_the_projector_shows_the_count_and_the_spread_only_if_the_presenter_asks():
    presenter, room, _ = _started()
    presenter.button(key="presenter_next").click().run()  # step 2, a number
    for value in (20, 60):
        cr_token = cr.new_token()
        live.store().answer(room, cr_token, live.sequence()[1][2], value)
    presenter.run()
    assert "2 answers so far" in _texts(presenter)
    assert not [c for c in charts(presenter) if "presenter_live" in c.proto.id]  # the count alone, by default
    presenter.toggle(key="presenter_live_spread").set_value(True).run()
    assert [c for c in charts(presenter) if "presenter_live" in c.proto.id]
