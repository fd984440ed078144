"""Presenter mode through AppTest: a choice step's reveal names the option its evidence supports (on the slide and on
the phones), and the sequence builder previews a lecturer's own step, uses it, and a class then asks it."""

from streamlit.testing.v1 import AppTest

from ketamine_evidence import classroom as cr
from ketamine_evidence.ui import live
from ketamine_evidence.ui.widgets import md_escape

from .helpers import ROOT, chart_spec, charts, open_page

SUPPORTED = "✓ the evidence supports this"


def _student(room: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/12_Join_class.py")
    at.query_params["room"] = room
    return at.run()


def _started() -> tuple[AppTest, str]:
    presenter = open_page("pages/7_Presenter.py")
    presenter.button(key="presenter_class_start").click().run()
    assert not presenter.exception, presenter.exception
    return presenter, presenter.session_state["class_room"]


def _class_chart(at: AppTest, index: int) -> dict:
    found = [c for c in charts(at) if c.proto.id.endswith(f"presenter_class_{index}")]
    assert found, "no class-and-evidence chart on the slide"
    return chart_spec(found[0])


def _bars(spec: dict) -> dict:
    """Each choice's words as drawn (beside its bar on a slide, above it on a phone) with its bar's hatching."""
    bar = next(t for t in spec["data"] if t.get("type") == "bar")
    words = [a["text"] for a in spec["layout"].get("annotations", []) if a.get("name", "").startswith("choice ")]
    if not words:
        ticks = dict(zip(spec["layout"]["yaxis"]["tickvals"], spec["layout"]["yaxis"]["ticktext"]))
        words = [ticks[y] for y in bar["y"]]
    return dict(zip(words, bar["marker"]["pattern"]["shape"]))


def test_a_choice_reveal_names_the_evidences_option_on_the_slide_and_on_the_phone():
    presenter, room = _started()
    _, qs, _ = live.sequence()
    q = qs[1]
    assert q.kind == "choice" and q.answer
    wrong = next(c for c in q.choices if c != q.answer)
    for choice in (wrong, wrong, q.answer):
        live.store().answer(room, cr.new_token(), q, choice)
    presenter.button(key="presenter_reveal").click().run()
    assert not presenter.exception, presenter.exception
    said = [i.value for i in presenter.info]
    assert any(md_escape(f"The evidence supports: {q.answer}.") in s for s in said), said
    # On the chart too, in words and by hatching, on the option's own bar and no other.
    bars = _bars(_class_chart(presenter, 0))
    marked = [label for label, shape in bars.items() if SUPPORTED in label]
    assert len(marked) == 1 and marked[0].startswith(q.answer.split()[0]) and bars[marked[0]] == "/"
    assert all(shape == "" for label, shape in bars.items() if label not in marked)
    assert any(md_escape(f"Most common answer: {wrong} (2 of 3 answers).") in m.value for m in presenter.markdown)
    student = _student(room)
    assert not student.exception, student.exception
    assert any(md_escape(f"The evidence supports: {q.answer}.") in i.value for i in student.info)
    phone = [c for c in charts(student) if c.proto.id.endswith(f"class_reveal_{q.step}")]
    bars = _bars(chart_spec(phone[0]))  # on the phone, the words above the bars say it too
    assert [shape for label, shape in bars.items() if SUPPORTED in label] == ["/"]


def test_a_choice_reveal_with_figures_draws_them_under_the_class_bars():
    presenter, room = _started()
    _, qs, rows = live.sequence()
    index, q = next((i, q) for i, q in enumerate(qs.values()) if q.kind == "choice" and q.reveal_rows)
    for _ in range(index):
        presenter.button(key="presenter_next").click().run()
    live.store().answer(room, cr.new_token(), q, q.choices[-1])
    presenter.button(key="presenter_reveal").click().run()
    assert not presenter.exception, presenter.exception
    spec = _class_chart(presenter, index)
    figures = [t for t in spec["data"] if t.get("type") == "scatter" and t.get("mode") == "markers"]
    groups = set(rows.set_index("row_id").loc[list(q.reveal_rows), "treatment_group"])
    assert {t["name"] for t in figures} == groups and all(t.get("xaxis") == "x2" for t in figures)
    labels = next(t for t in spec["data"] if t.get("name") == "labels")
    assert len(labels["text"]) == len(q.reveal_rows)
    assert any("The evidence supports" in i.value for i in presenter.info)


def test_without_a_class_a_choice_reveal_still_says_the_option_in_words():
    at = open_page("pages/7_Presenter.py")
    at.button(key="presenter_reveal").click().run()
    q = live.sequence()[1][1]
    assert any(md_escape(f"The evidence supports: {q.answer}.") in i.value for i in at.info)


def _open_builder() -> AppTest:
    at = open_page("pages/7_Presenter.py")
    at.session_state["builder_open"] = True
    return at.run()


def _write_step(at: AppTest, title: str, question: str) -> AppTest:
    at.radio(key="builder_source").set_value("Figures by id").run()
    at.text_input(key="builder_ids").input("han2016-1").run()
    at.text_input(key="builder_title").input(title).run()
    at.text_area(key="builder_question").input(question).run()
    at.text_input(key="builder_label").input("Responders per 100 at 24 hours").run()
    return at


def test_the_builder_previews_a_step_as_the_presenter_shows_it_and_a_class_then_asks_it():
    title = "My **own** step <b>x</b>"
    at = _write_step(_open_builder(), title, "Out of every 100 patients, how many respond within 24 hours?")
    assert not at.exception, at.exception
    assert not at.button(key="builder_add").disabled
    assert not [c for c in charts(at) if "builder_preview" in c.proto.id]  # nothing drawn until asked
    at.toggle(key="builder_preview").set_value(True).run()
    preview = [c for c in charts(at) if c.proto.id.endswith("builder_preview_reveal")]
    assert preview, "the preview draws no slide"
    spec = chart_spec(preview[0])
    assert {t.get("name") for t in spec["data"]} >= {"Your class", "IV ketamine"}
    # What the lecturer typed is shown as text: its Markdown and HTML are escaped, never rendered.
    assert md_escape(f"1 · {title}") in [s.value for s in at.subheader]
    at.button(key="builder_add").click().run()
    assert [s["title"] for s in at.session_state["builder_steps"]] == [title]
    at.button(key="builder_use").click().run()
    assert not at.exception, at.exception
    assert at.header[0].value == f"1/1 · {md_escape(title)}"
    # A class started now asks the lecturer's question, on every phone.
    at.button(key="presenter_class_start").click().run()
    room = at.session_state["class_room"]
    assert live.store().sequence(room) is not None
    student = _student(room)
    assert not student.exception, student.exception
    assert any("Question 1 of 1" in s.value for s in student.subheader)
    assert any("how many respond within 24 hours" in m.value for m in student.markdown)


def test_a_step_that_breaks_a_rule_is_named_and_cannot_be_added():
    at = _write_step(_open_builder(), "Two things", "How many respond within 24 hours? And within 48 hours?")
    assert at.button(key="builder_add").disabled
    assert any("thing" in w.value and "to fix" in w.value for w in at.warning)
    problems = [d.value for d in at.dataframe if list(d.value.columns) == ["column", "value", "problem"]]
    assert problems and "question" in set(problems[0]["column"])
    assert not at.exception
