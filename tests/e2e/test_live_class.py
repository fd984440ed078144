"""A live class in real browsers: one presenter at 1366x768 and two students on 390 px phones.

Students join by the link, answer, the presenter's count changes without a reload (a fragment refreshing every
couple of seconds), the presenter reveals, and the class's answers are drawn beside the evidence on both screens; a
choice step's reveal names the option the evidence supports. A lecturer's own sequence, built in presenter mode, is
saved as a CSV, loaded back (a broken copy refused by line and column) and asked of a class.
"""

import re

from playwright.sync_api import expect

from .test_browser import wait_idle
from .test_visual import check_chart

ROOM = re.compile(r"\b([A-HJ-NP-Z2-9]{4})-([A-HJ-NP-Z2-9]{4})\b")


def _start_class(server, make_page):
    presenter = make_page(1366, 768)
    presenter.goto(f"{server}/Presenter")
    wait_idle(presenter)
    presenter.get_by_role("button", name="Start a live class").click()
    dialog = presenter.get_by_role("dialog")
    expect(dialog).to_be_visible()
    qr = dialog.locator("img").first
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 250 and abs(box["width"] - box["height"]) < 4, box  # a square code, large enough to scan
    text = dialog.inner_text()
    room = "".join(ROOM.search(text).groups())
    link = re.search(r"https?://\S+/Join_class\?room=" + room, text)
    assert link, "the dialog shows no join link for the room"
    assert "key=" not in link.group(0)  # the student link carries no control secret
    presenter.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    return presenter, room, link.group(0)


def _answer_choice(student, choice):
    student.get_by_text(choice, exact=True).click()
    student.get_by_role("button", name=re.compile("Send my answer|Change my answer")).click()
    expect(student.get_by_text(f"Your answer: {choice}")).to_be_visible(timeout=20_000)


def test_students_answer_on_phones_and_the_presenter_reveals_their_answers_beside_the_evidence(
        server, make_page, page_errors):
    presenter, room, link = _start_class(server, make_page)
    assert "key=" in presenter.url and f"class={room}" in presenter.url  # the presenter's own link keeps control
    students = []
    for _ in range(2):
        s = make_page(390, 844)
        s.goto(link.replace(link.split("/Join_class")[0], server))
        expect(s.get_by_text("Question 1 of 9")).to_be_visible(timeout=30_000)
        expect(s.get_by_test_id("stSidebar")).to_be_hidden()
        students.append(s)
    _answer_choice(students[0], "More on ketamine")
    _answer_choice(students[1], "About the same")
    # The presenter's count follows without pressing anything.
    expect(presenter.get_by_text("2 answers so far")).to_be_visible(timeout=20_000)
    presenter.get_by_role("button", name="Reveal").click()
    expect(presenter.get_by_text(re.compile(r"Most common answers, tied: .* \(1 each of 2 answers\)"))).to_be_visible(
        timeout=30_000)
    expect(presenter.get_by_role("tab", name=re.compile("Your class \\(2 answers\\)"))).to_be_visible()
    choice_chart = presenter.get_by_role("tabpanel").locator("[data-testid='stPlotlyChart']").first
    expect(choice_chart.locator(".main-svg").first).to_be_visible(timeout=30_000)
    # The reveal names the option the evidence supports, in words beside the chart and on the option's own bar.
    expect(presenter.get_by_test_id("stAlertContentInfo").filter(
        has_text="The evidence supports: More on traditional antidepressants")).to_be_visible()
    expect(choice_chart.get_by_text("✓ the evidence supports this")).to_be_visible()
    check_chart(choice_chart, "presenter choice reveal")

    # Step 2 asks for a number: each student moves a slider with the keyboard and sends it.
    presenter.get_by_role("button", name="Next").click()
    for s, presses in zip(students, (10, 3)):
        expect(s.get_by_text("Question 2 of 9")).to_be_visible(timeout=20_000)
        slider = s.get_by_role("slider")
        slider.focus()
        for _ in range(presses):
            s.keyboard.press("ArrowRight")
        s.get_by_role("button", name="Send my answer").click()
        expect(s.get_by_text(re.compile(r"Your answer: \d+%"))).to_be_visible(timeout=20_000)
    expect(presenter.get_by_text("2 answers so far")).to_be_visible(timeout=20_000)
    presenter.get_by_role("button", name="Reveal").click()
    expect(presenter.get_by_text(re.compile(r"The class guessed a median of \d+(\.\d)?% \(2 answers\)"))).to_be_visible(
        timeout=30_000)
    chart = presenter.get_by_role("tabpanel").locator("[data-testid='stPlotlyChart']").first
    expect(chart.get_by_text("Students", exact=True)).to_be_visible()  # the class's histogram
    expect(chart.get_by_text(re.compile(r"class median"))).to_be_visible()
    expect(chart.get_by_text(re.compile(r"52\.2% · Han 2016"))).to_be_visible()
    check_chart(chart, "presenter reveal, class beside evidence")  # labels drawn, nothing over anything

    # After the reveal a student sees the evidence too, and the answer is closed.
    expect(students[0].get_by_text("Revealed.", exact=False)).to_be_visible(timeout=20_000)
    expect(students[0].get_by_role("button", name=re.compile("answer"))).to_have_count(0)
    expect(students[0].locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible()
    check_chart(students[0].locator("[data-testid='stPlotlyChart']").first, "student reveal at 390 px")

    # Ending the class tells the students, and a reload of the presenter's page no longer controls it.
    presenter.get_by_role("button", name="End class").click()
    expect(presenter.get_by_role("button", name="Download the class's results (CSV)")).to_be_visible()
    presenter.get_by_role("button", name="End the class and delete its answers").click()
    expect(presenter.get_by_text(re.compile(r"answers are deleted \(4 answers\)"))).to_be_visible()
    expect(students[1].get_by_text("This class has ended or expired")).to_be_visible(timeout=20_000)
    assert not page_errors, page_errors


def test_a_built_sequence_downloads_loads_back_and_runs_one_step(server, make_page, page_errors, tmp_path):
    presenter = make_page(1366, 768)
    presenter.goto(f"{server}/Presenter")
    wait_idle(presenter)
    presenter.get_by_text("Your own questions: build, save or load a sequence").click()
    presenter.get_by_text("Figures by id", exact=True).click()
    fields = {"Figure ids (row_id), separated by ';'": "han2016-1", "Title": "Our own first question",
              "Question: one thing, and any number in it taken from the figures it reveals":
                  "Out of every 100 patients, how many respond within 24 hours?",
              "What a student's answer is, in a few words": "Responders per 100 at 24 hours"}
    for label, text in fields.items():
        box = presenter.get_by_label(label, exact=True)
        box.fill(text)
        box.press("Tab")  # a box's text counts once it loses focus
    add = presenter.get_by_role("button", name="Add this step")
    expect(add).to_be_enabled(timeout=20_000)
    add.click()
    save = presenter.get_by_role("button", name="Save the sequence (CSV)")
    expect(save).to_be_visible(timeout=20_000)
    with presenter.expect_download() as download:
        save.click()
    saved = tmp_path / "our_sequence.csv"
    download.value.save_as(saved)
    assert "Our own first question" in saved.read_text(encoding="utf-8-sig")
    # A broken copy is refused, each problem named by line and column, and the page keeps running.
    broken = tmp_path / "broken.csv"
    broken.write_text(saved.read_text(encoding="utf-8-sig").replace("han2016-1", "nosuch-1"), encoding="utf-8")
    presenter.get_by_role("button", name="Start empty").click()
    expect(presenter.get_by_text("No steps yet")).to_be_visible(timeout=20_000)
    presenter.locator("input[type='file']").set_input_files(broken)
    expect(presenter.get_by_text(re.compile(r"The file was not loaded: \d+ problems?"))).to_be_visible(timeout=30_000)
    expect(presenter.get_by_test_id("stDataFrame").filter(has_text="reveal_rows").first).to_be_visible()
    # Load the saved file back into the empty builder, then use it: the slides and the class follow it.
    presenter.locator("input[type='file']").set_input_files(saved)
    expect(presenter.get_by_text(re.compile(r"Loaded 1 step"))).to_be_visible(timeout=30_000)
    presenter.get_by_role("button", name="Use this sequence for the slides and the next class").click()
    expect(presenter.get_by_role("heading", name=re.compile(r"^1.1 · Our own first question"))).to_be_visible(
        timeout=20_000)
    presenter.get_by_role("button", name="Start a live class").click()
    dialog = presenter.get_by_role("dialog")
    expect(dialog.locator("img").first).to_be_visible()  # the dialog is drawn whole, its code with it
    room = "".join(ROOM.search(dialog.inner_text()).groups())
    presenter.keyboard.press("Escape")
    student = make_page(390, 844)
    student.goto(f"{server}/Join_class?room={room}")
    expect(student.get_by_text("Question 1 of 1: Our own first question")).to_be_visible(timeout=30_000)
    student.get_by_role("button", name="Send my answer").click()
    expect(student.get_by_text(re.compile(r"Your answer: \d+%"))).to_be_visible(timeout=20_000)
    expect(presenter.get_by_text("1 answer so far")).to_be_visible(timeout=20_000)
    presenter.get_by_role("button", name="Reveal").click()
    chart = presenter.get_by_role("tabpanel").locator("[data-testid='stPlotlyChart']").first
    expect(chart.get_by_text(re.compile(r"52\.2% · Han 2016"))).to_be_visible(timeout=30_000)
    expect(student.get_by_text("Revealed.", exact=False)).to_be_visible(timeout=20_000)
    assert not page_errors, page_errors


def test_a_student_types_the_room_code_and_a_wrong_one_is_refused(server, make_page, page_errors):
    presenter, room, _ = _start_class(server, make_page)
    student = make_page(390, 844)
    student.goto(f"{server}/Join_class")
    code = student.get_by_label("Room code")
    code.fill("ZZZZ-ZZZZ")
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_text("No class has that room code")).to_be_visible()
    code.fill(f"{room[:4].lower()} {room[4:].lower()}")  # typed loosely: lower case, a space
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_text("Question 1 of 9")).to_be_visible(timeout=30_000)
    assert f"room={room}" in student.url and "me=" in student.url  # a reload keeps the room and the token
    assert not page_errors, page_errors
