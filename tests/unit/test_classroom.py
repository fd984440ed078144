"""The live-class store, run on both backends: SQLite (the embedded default) and a throwaway PostgreSQL.

Every test here runs twice, once per backend, with the same assertions: a class that works on a laptop must work
the same across replicas.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from ketamine_evidence import classroom as cr
from ketamine_evidence.teaching import Question
from tests.pgserver import throwaway_postgres

PERCENT = Question(step=2, title="t", text="q", label="Responders per 100", kind="number", lo=0, hi=100,
                   increment=1, unit="%", reveal_rows=("han2016-1",))
CHOICE = Question(step=3, title="t", text="q", label="Which?", kind="choice", choices=("Yes", "No"))
NO_RETRY = ()


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 29, 9, 0, 0)

    def __call__(self):
        return self.now


@pytest.fixture(scope="session")
def pg_url():
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = cr.make_engine(url)
    yield url, engine
    cr.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(backend, clock):
    return cr.ClassStore(backend[1], clock=clock)


def _at_step(store, step=2, revealed=False):
    room, secret = store.create()
    store.set_step(room, secret, step, revealed)
    return room, secret


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_new_class_has_a_typable_room_code_and_a_separate_presenter_secret(store):
    room, secret = store.create()
    assert len(room) == cr.ROOM_LENGTH and set(room) <= set(cr.ROOM_ALPHABET)
    assert secret != room and len(secret) >= 32
    state = store.state(room)
    assert (state.step, state.revealed) == (1, False)
    assert store.is_presenter(room, secret)
    assert not store.is_presenter(room, room) and not store.is_presenter(room, "")


def test_room_codes_differ_between_classes(store):
    rooms = {store.create()[0] for _ in range(30)}
    assert len(rooms) == 30


def test_a_student_link_never_controls_the_class(store):
    room, secret = store.create()
    for wrong in (room, "", secret[:-1] + ("A" if secret[-1] != "A" else "B"), None):
        with pytest.raises(cr.NotAllowed):
            store.set_step(room, wrong, 5, True)
        with pytest.raises(cr.NotAllowed):
            store.end(room, wrong)
    assert store.state(room).step == 1


def test_a_student_answers_once_and_may_change_the_answer_until_the_reveal(store):
    room, secret = _at_step(store)
    me, other = cr.new_token(), cr.new_token()
    assert store.answer(room, me, PERCENT, "40") == 40
    assert store.answer(room, me, PERCENT, 55) == 55
    store.answer(room, other, PERCENT, 70)
    assert sorted(store.answers(room, 2)) == [55, 70]  # one answer per student: the change replaced the first
    assert store.my_answer(room, 2, me) == 55
    store.set_step(room, secret, 2, True)
    with pytest.raises(cr.AnswerRefused, match="revealed"):
        store.answer(room, me, PERCENT, 10)
    assert sorted(store.answers(room, 2)) == [55, 70]


@pytest.mark.parametrize("raw", [101, -1, 40.5, float("nan"), float("inf"), "abc", "", None, True, [40]])
def test_an_answer_outside_the_question_is_refused_and_never_stored(store, raw):
    room, _ = _at_step(store)
    with pytest.raises(cr.AnswerRefused, match="from 0 to 100"):
        store.answer(room, cr.new_token(), PERCENT, raw)
    assert store.answers(room, 2) == []


def test_a_choice_must_be_one_of_the_questions_choices(store):
    room, _ = _at_step(store, step=3)
    token = cr.new_token()
    with pytest.raises(cr.AnswerRefused, match="choices"):
        store.answer(room, token, CHOICE, "Maybe")
    assert store.answer(room, token, CHOICE, "No") == "No"
    assert store.answers(room, 3) == ["No"]


def test_answers_to_a_step_the_class_is_not_on_are_refused(store):
    room, _ = _at_step(store, step=5)
    with pytest.raises(cr.AnswerRefused, match="moved"):
        store.answer(room, cr.new_token(), PERCENT, 50)
    assert store.answers(room, 2) == []


def test_a_malformed_token_is_refused(store):
    room, _ = _at_step(store)
    for token in ("", "short", "x" * 65, "a b c d e f g h i j k l m n", "'; DROP TABLE class_answers; --"):
        with pytest.raises(cr.AnswerRefused, match="token"):
            store.answer(room, token, PERCENT, 50)


def test_a_class_expires_after_twelve_hours_and_its_answers_are_deleted(store, backend, clock):
    room, _ = _at_step(store)
    store.answer(room, cr.new_token(), PERCENT, 50)
    clock.now += timedelta(hours=cr.SESSION_HOURS) - timedelta(minutes=1)
    assert store.state(room) is not None
    clock.now += timedelta(minutes=2)
    assert store.state(room) is None
    with pytest.raises(cr.AnswerRefused, match="ended"):
        store.answer(room, cr.new_token(), PERCENT, 50)
    store.purge_expired()
    assert _count(backend[1], cr.answers_table) == 0 and _count(backend[1], cr.sessions_table) == 0


def test_ending_a_class_deletes_its_answers_at_once_and_leaves_other_classes(store, backend):
    room, secret = _at_step(store)
    other, _ = _at_step(store)
    for value in (10, 20, 30):
        store.answer(room, cr.new_token(), PERCENT, value)
    store.answer(other, cr.new_token(), PERCENT, 90)
    assert store.end(room, secret) == 3
    assert store.state(room) is None
    with pytest.raises(cr.NoSuchClass):
        store.join(room, "client")
    assert _count(backend[1], cr.answers_table) == 1 and store.answers(other, 2) == [90]


def test_a_typed_code_may_use_lower_case_spaces_or_a_dash(store):
    room, _ = store.create()
    for typed in (room.lower(), cr.show_room(room), " " + cr.show_room(room).lower().replace("-", " ")):
        assert store.join(typed, "client").room == room


def test_wrong_room_codes_are_rate_limited_per_client(store, clock):
    room, _ = store.create()
    for i in range(cr.JOIN_LIMIT):
        with pytest.raises(cr.NoSuchClass):
            store.join(f"ZZZZZZZ{cr.ROOM_ALPHABET[i]}", "guesser")
    with pytest.raises(cr.TooManyAttempts, match="wait"):
        store.join(room, "guesser")  # even the right code, once the allowance is spent
    assert store.join(room, "classmate").room == room  # another device is not blocked
    clock.now += cr.JOIN_WINDOW + timedelta(seconds=1)
    assert store.join(room, "guesser").room == room
    assert _count(store.engine, cr.failures_table) == 0  # the addresses are gone once the window has passed


def test_hostile_text_in_a_room_code_is_data_not_sql(store, backend):
    with pytest.raises(cr.NoSuchClass):
        store.join("'; DROP TABLE class_sessions; --", "client")
    assert store.state("' OR '1'='1") is None
    assert _count(backend[1], cr.sessions_table) == 0
    store.create()
    assert _count(backend[1], cr.sessions_table) == 1  # the table is still there


def test_forty_students_answering_at_once_are_all_stored_once(store, backend):
    room, _ = _at_step(store)
    tokens = [cr.new_token() for _ in range(40)]
    errors = []

    def send(i):
        try:
            store.answer(room, tokens[i], PERCENT, i)
            store.answer(room, tokens[i], PERCENT, i + 1)  # and change it once
        except Exception as err:  # noqa: BLE001 - any failure is what the test reports
            errors.append(repr(err))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(store.answers(room, 2)) == [float(i + 1) for i in range(40)]
    assert _count(backend[1], cr.answers_table) == 40


def test_a_briefly_locked_sqlite_database_is_waited_for_not_lost(tmp_path, clock):
    path = tmp_path / "class.sqlite"
    store = cr.ClassStore(cr.make_engine(f"sqlite:///{path}"), clock=clock)
    room, _ = _at_step(store)
    locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    impatient = cr.ClassStore(cr.make_engine(f"sqlite:///{path}", busy_ms=50), clock=clock, delays=NO_RETRY)
    with pytest.raises(cr.StoreUnavailable):  # the lock is real: without retries the answer is refused
        impatient.answer(room, cr.new_token(), PERCENT, 41)
    threading.Timer(0.5, lambda: locker.execute("COMMIT")).start()
    patient = cr.ClassStore(cr.make_engine(f"sqlite:///{path}", busy_ms=50), clock=clock)
    assert patient.answer(room, cr.new_token(), PERCENT, 42) == 42
    assert store.answers(room, 2) == [42]
    locker.close()


def test_an_unreachable_database_gives_a_plain_sentence_not_a_traceback(tmp_path, clock):
    store = cr.ClassStore(cr.make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.sqlite'}"), clock=clock,
                          delays=(0.01, 0.01))
    with pytest.raises(cr.StoreUnavailable) as info:
        store.create()
    assert "try again" in str(info.value) and "Traceback" not in str(info.value)


def test_a_stopped_postgresql_gives_a_plain_sentence(clock):
    with throwaway_postgres() as url:
        engine = cr.make_engine(url)
        store = cr.ClassStore(engine, clock=clock, delays=(0.01,))
        store.create()
    with pytest.raises(cr.StoreUnavailable, match="try again"):
        store.create()  # the server is gone now
    engine.dispose()


def test_the_default_store_is_a_sqlite_file_outside_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(cr.DB_URL_ENV, raising=False)
    monkeypatch.setattr(cr, "STATE_DIR", tmp_path / "state")
    url = cr.default_url()
    assert url.startswith("sqlite:///") and "/data/" not in url and (tmp_path / "state").is_dir()
    store = cr.ClassStore(cr.make_engine(url))
    store.create()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    monkeypatch.setenv(cr.DB_URL_ENV, "postgresql+psycopg://u@/db?host=/tmp/x")
    assert cr.default_url() == "postgresql+psycopg://u@/db?host=/tmp/x"


def test_a_revealed_step_stays_revealed_and_closed_when_the_class_comes_back_to_it(store):
    room, secret = store.create(step=2)
    token = cr.new_token()
    store.answer(room, token, PERCENT, 25)
    assert store.set_step(room, secret, 2, revealed=True) is True
    assert store.set_step(room, secret, 3, revealed=False) is False  # the next question opens
    # Previous: back to the revealed step. It is shown revealed, and a changed answer is refused, not stored.
    assert store.set_step(room, secret, 2, revealed=False) is True
    assert store.state(room).revealed
    with pytest.raises(cr.AnswerRefused, match="revealed"):
        store.answer(room, token, PERCENT, 28)
    assert store.answers(room, 2) == [25]  # the answer given before the reveal, unchanged
    assert store.end(room, secret) == 1  # ending the class deletes its revealed steps too (no orphan rows)


def test_an_ended_class_is_said_to_have_ended_and_is_not_counted_as_a_wrong_code(store, clock):
    room, secret = store.create(step=1)
    store.end(room, secret)
    for _ in range(cr.JOIN_LIMIT + 2):  # a class of phones reloading: none of them is a guess
        with pytest.raises(cr.NoSuchClass, match="This class has ended"):
            store.join(room, "phone")
    with pytest.raises(cr.NoSuchClass, match="No class has that room code"):
        store.join("ZZZZZZZZ", "phone")
    clock.now += timedelta(hours=cr.SESSION_HOURS + 1)
    store.purge_expired()
    with pytest.raises(cr.NoSuchClass, match="No class has that room code"):
        store.join(room, "other phone")  # forgotten once the class would have expired anyway


def test_a_class_results_table_has_every_step_its_answers_and_the_evidence_without_names():
    from ketamine_evidence import class_results as results
    from ketamine_evidence.data import load_dataset

    rows = load_dataset().evidence.merge(load_dataset().sources[["source_id", "short_citation"]], on="source_id")
    rows = rows.rename(columns={"short_citation": "study"})
    table = results.results_table({2: PERCENT, 3: CHOICE}, {2: [10, 20, 30, 40], 3: ["Yes"]}, rows)
    assert list(table["step"]) == [2, 3]
    first = table.iloc[0]
    assert (first["answers"], first["median"], first["middle_half"]) == (4, "25%", "17.5% to 32.5%")
    assert first["values"] == "10; 20; 30; 40" and "Han 2016" in first["evidence"]
    assert table.iloc[1]["choices"] == "Yes: 1; No: 0"
    assert not table.astype(str).apply(lambda c: c.str.contains("token|me=", regex=True)).any().any()
