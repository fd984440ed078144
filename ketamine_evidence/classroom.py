"""A live class: sessions, room codes and anonymous answers, stored with SQLAlchemy Core. No Streamlit.

SQLite is the embedded default (a file in a writable folder outside `data/`, WAL mode, created on first use).
Set KETAMINE_CLASS_DB to a database URL (e.g. `postgresql+psycopg://user@/db?host=/run/postgresql`) to share one
class across several app replicas. Every statement is parameterised; the schema is created by the app.

What is stored: a room code, a hash of the presenter's secret, the current step and whether it is revealed, the
lecturer's own sequence if the class follows one, and per answer an anonymous random token, the step and the value.
No name, no address, nothing else. A class expires
SESSION_HOURS after it starts and is deleted with its answers; a presenter can delete it at once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable

import sqlalchemy as sa
from sqlalchemy import event, exc

from .teaching import Question

SESSION_HOURS = 12
ROOM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: no 0/O or 1/I to misread on a projector
ROOM_LENGTH = 8  # 32**8 = 1.1e12 codes; at JOIN_LIMIT tries per window, enumeration would take millennia
JOIN_LIMIT = 10  # wrong codes one client may try ...
JOIN_WINDOW = timedelta(minutes=10)  # ... in this window
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_SEQUENCE_CHARS = 200_000  # a lecturer's sequence of 30 steps is a few kilobytes
RETRY_DELAYS = (0.1, 0.2, 0.4, 0.8, 1.6)  # about 3 s of retries before the user is told to try again
STATE_DIR = Path(os.environ.get("KETAMINE_STATE_DIR", Path(__file__).resolve().parent.parent / "state"))
DB_URL_ENV = "KETAMINE_CLASS_DB"

metadata = sa.MetaData()
sessions_table = sa.Table(
    "class_sessions", metadata,
    sa.Column("room", sa.String(ROOM_LENGTH), primary_key=True),
    sa.Column("control_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("revealed", sa.Boolean, nullable=False),
)
# Classes the presenter ended, kept (room code and time only) while the class would otherwise have run, so a student
# who reloads is told the class has ended, not that the code is wrong.
ended_table = sa.Table(
    "class_ended", metadata,
    sa.Column("room", sa.String(ROOM_LENGTH), primary_key=True),
    sa.Column("ended_at", sa.DateTime, nullable=False, index=True),
)
# Steps whose answer has been revealed: they stay revealed, so answers to them stay closed, when the presenter goes
# back to them (before, Previous un-revealed a step and students could answer again after seeing the evidence).
revealed_table = sa.Table(
    "class_revealed_steps", metadata,
    sa.Column("room", sa.String(ROOM_LENGTH), sa.ForeignKey("class_sessions.room", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True),
)
answers_table = sa.Table(
    "class_answers", metadata,
    sa.Column("room", sa.String(ROOM_LENGTH), sa.ForeignKey("class_sessions.room", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True),
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("number", sa.Float, nullable=True),
    sa.Column("choice", sa.String(200), nullable=True),
    sa.Column("answered_at", sa.DateTime, nullable=False),
)
# A class that follows a lecturer's own sequence keeps it here (the CSV as loaded, checked by teaching.parse_sequence),
# so every replica and every phone asks the same questions; a class without a row follows the curated sequence.
sequences_table = sa.Table(
    "class_sequences", metadata,
    sa.Column("room", sa.String(ROOM_LENGTH), sa.ForeignKey("class_sessions.room", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)
failures_table = sa.Table(
    "class_join_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(128), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
)


class ClassError(Exception):
    """A refusal the user should read: its message is a plain sentence."""


class NoSuchClass(ClassError):
    pass


class TooManyAttempts(ClassError):
    pass


class NotAllowed(ClassError):
    pass


class AnswerRefused(ClassError):
    pass


class StoreUnavailable(ClassError):
    pass


@dataclass(frozen=True)
class ClassState:
    """Where a class is: its room code, current step, whether that step is revealed, and when it expires."""

    room: str
    step: int
    revealed: bool
    expires_at: datetime


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (SQLite keeps no time zone, so none is stored anywhere)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def normalise_room(text: str) -> str:
    """Return a typed room code in canonical form: capitals, no spaces or dashes."""
    return re.sub(r"[\s-]", "", str(text or "")).upper()[: ROOM_LENGTH * 2]


def show_room(room: str) -> str:
    """Return a room code as it is read aloud or typed: two groups of four."""
    return f"{room[:4]}-{room[4:]}" if len(room) == ROOM_LENGTH else room


def new_token() -> str:
    """Return a fresh anonymous answer token (random, 128 bits)."""
    return secrets.token_urlsafe(16)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def default_url() -> str:
    """Return the database URL: KETAMINE_CLASS_DB if set, else a SQLite file in the state folder."""
    url = os.environ.get(DB_URL_ENV, "").strip()
    if url:
        return url
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{STATE_DIR / 'classroom.sqlite'}"


def make_engine(url: str, busy_ms: int = 5000) -> sa.Engine:
    """Return an engine for `url`, with SQLite set to WAL mode and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": busy_ms / 1000})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class ClassStore:
    """The live-class store on one database; every method retries briefly, then raises StoreUnavailable."""

    def __init__(self, engine: sa.Engine, clock: Callable[[], datetime] = utcnow,
                 delays: tuple[float, ...] = RETRY_DELAYS):
        self.engine = engine
        self.clock = clock
        self.delays = delays
        self._schema_ready = False
        self._lock = threading.Lock()

    # --- plumbing -------------------------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._lock:
            if self._schema_ready:
                return
            try:
                metadata.create_all(self.engine, checkfirst=True)
            except (exc.IntegrityError, exc.ProgrammingError):
                # Another replica created the tables between our check and our CREATE: they exist now.
                metadata.create_all(self.engine, checkfirst=True)
            self._schema_ready = True

    def _retry(self, work: Callable[[sa.Connection], object]):
        """Run `work` in one transaction, retrying when the database is locked or unreachable."""
        for attempt in range(len(self.delays) + 1):
            try:
                self._ensure_schema()
                with self.engine.begin() as conn:
                    return work(conn)
            except exc.OperationalError:
                if attempt == len(self.delays):
                    break
                time.sleep(self.delays[attempt])
            except exc.InterfaceError:
                if attempt == len(self.delays):
                    break
                time.sleep(self.delays[attempt])
        raise StoreUnavailable("The class database is busy or out of reach just now, so nothing was saved. "
                               "Please try again in a moment.")

    def _upsert(self, conn: sa.Connection, table: sa.Table, values: dict, keys: list[str], update: dict) -> None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table).values(**values)
        conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update))

    # --- presenter ------------------------------------------------------------------------------------------
    def create(self, step: int = 1, sequence: str | None = None) -> tuple[str, str]:
        """Start a class at `step`; return (room code, presenter secret). Expired classes are deleted first.

        `sequence` is a lecturer's own teaching sequence (CSV text, already checked), kept with the class so every
        phone and replica follows it; without it the class follows the curated sequence."""
        secret = secrets.token_urlsafe(24)
        now = self.clock()
        if sequence is not None and (not isinstance(sequence, str) or len(sequence) > MAX_SEQUENCE_CHARS):
            raise ClassError("That sequence is too long to keep with a class; use at most 30 steps.")

        def work(conn):
            self._purge(conn, now)
            for _ in range(20):
                room = "".join(secrets.choice(ROOM_ALPHABET) for _ in range(ROOM_LENGTH))
                taken = conn.execute(sa.select(sessions_table.c.room).where(sessions_table.c.room == room)).first() \
                    or conn.execute(sa.select(ended_table.c.room).where(ended_table.c.room == room)).first()
                if not taken:  # nor a recently ended class's code, whose students are told it has ended
                    conn.execute(sessions_table.insert().values(
                        room=room, control_hash=_hash(secret), created_at=now,
                        expires_at=now + timedelta(hours=SESSION_HOURS), step=int(step), revealed=False))
                    if sequence is not None:
                        conn.execute(sequences_table.insert().values(
                            room=room, digest=hashlib.sha256(sequence.encode()).hexdigest(), body=sequence))
                    return room
            raise ClassError("Could not find a free room code; please try again.")

        return self._retry(work), secret

    def _controlled(self, conn: sa.Connection, room: str, secret: str):
        row = conn.execute(sa.select(sessions_table).where(sessions_table.c.room == room)).first()
        if row is None or row.expires_at <= self.clock():
            raise NoSuchClass("This class has ended or expired.")
        if not isinstance(secret, str) or not hmac.compare_digest(row.control_hash, _hash(secret)):
            raise NotAllowed("This link does not control the class.")
        return row

    def is_presenter(self, room: str, secret: str) -> bool:
        """Return whether `secret` is this class's presenter secret (False for an unknown or expired class)."""
        def work(conn):
            try:
                self._controlled(conn, room, secret)
                return True
            except (NoSuchClass, NotAllowed):
                return False
        return self._retry(work)

    def set_step(self, room: str, secret: str, step: int, revealed: bool) -> bool:
        """Move the class to `step`, revealing it if asked; only the presenter's secret may. Return whether the step
        is revealed: a step revealed once stays revealed (and closed to answers) whenever the class comes back to it."""
        def work(conn):
            self._controlled(conn, room, secret)
            if revealed:
                self._upsert(conn, revealed_table, dict(room=room, step=int(step)), ["room", "step"],
                             dict(step=int(step)))
            shown = bool(revealed) or conn.execute(sa.select(revealed_table.c.step).where(
                (revealed_table.c.room == room) & (revealed_table.c.step == int(step)))).first() is not None
            conn.execute(sessions_table.update().where(sessions_table.c.room == room)
                         .values(step=int(step), revealed=shown))
            return shown
        return self._retry(work)

    def end(self, room: str, secret: str) -> int:
        """Delete the class and all its answers now; return how many answers were deleted."""
        def work(conn):
            self._controlled(conn, room, secret)
            gone = conn.execute(answers_table.delete().where(answers_table.c.room == room)).rowcount
            conn.execute(revealed_table.delete().where(revealed_table.c.room == room))
            conn.execute(sequences_table.delete().where(sequences_table.c.room == room))
            conn.execute(sessions_table.delete().where(sessions_table.c.room == room))
            self._upsert(conn, ended_table, dict(room=room, ended_at=self.clock()), ["room"],
                         dict(ended_at=self.clock()))
            return gone
        return self._retry(work)

    def _purge(self, conn: sa.Connection, now: datetime) -> None:
        expired = sa.select(sessions_table.c.room).where(sessions_table.c.expires_at <= now)
        conn.execute(answers_table.delete().where(answers_table.c.room.in_(expired)))
        conn.execute(revealed_table.delete().where(revealed_table.c.room.in_(expired)))
        conn.execute(sequences_table.delete().where(sequences_table.c.room.in_(expired)))
        conn.execute(sessions_table.delete().where(sessions_table.c.expires_at <= now))
        conn.execute(failures_table.delete().where(failures_table.c.at <= now - JOIN_WINDOW))
        conn.execute(ended_table.delete().where(ended_table.c.ended_at <= now - timedelta(hours=SESSION_HOURS)))

    def purge_expired(self) -> None:
        """Delete every expired class, its answers, and join failures older than the rate-limit window."""
        now = self.clock()
        self._retry(lambda conn: self._purge(conn, now))

    # --- everyone -------------------------------------------------------------------------------------------
    def join(self, typed_room: str, client: str) -> ClassState:
        """Return the class for a typed or linked room code; count a wrong code against `client`'s allowance."""
        room = normalise_room(typed_room)
        client = str(client or "unknown")[:128]
        now = self.clock()

        def work(conn):
            # Old wrong-code records go first: a client's address is kept no longer than the limit needs it.
            conn.execute(failures_table.delete().where(failures_table.c.at <= now - JOIN_WINDOW))
            recent = conn.execute(sa.select(sa.func.count()).select_from(failures_table).where(
                failures_table.c.client == client, failures_table.c.at > now - JOIN_WINDOW)).scalar_one()
            if recent >= JOIN_LIMIT:
                return TooManyAttempts(f"Too many wrong room codes from this device. Please wait "
                                       f"{int(JOIN_WINDOW.total_seconds() // 60)} minutes and try again.")
            row = conn.execute(sa.select(sessions_table).where(sessions_table.c.room == room)).first() \
                if len(room) == ROOM_LENGTH else None
            ended = conn.execute(sa.select(ended_table.c.room).where(
                ended_table.c.room == room, ended_table.c.ended_at > now - timedelta(hours=SESSION_HOURS))).first()
            if (row is not None and row.expires_at <= now) or (row is None and ended is not None):
                # A real class that is over: not a guess, so it does not count against the device.
                return NoSuchClass("This class has ended. Thank you for taking part.")
            if row is None:
                conn.execute(failures_table.insert().values(client=client, at=now))
                return NoSuchClass("No class has that room code. Check the code on the screen and try again.")
            return ClassState(row.room, row.step, row.revealed, row.expires_at)

        result = self._retry(work)  # the failure is committed before the refusal is raised
        if isinstance(result, ClassError):
            raise result
        return result

    def state(self, room: str) -> ClassState | None:
        """Return the class's current state, or None if it has ended or expired (no rate limit: not a guess)."""
        now = self.clock()

        def work(conn):
            row = conn.execute(sa.select(sessions_table).where(sessions_table.c.room == room)).first()
            if row is None or row.expires_at <= now:
                return None
            return ClassState(row.room, row.step, row.revealed, row.expires_at)
        return self._retry(work)

    def sequence(self, room: str) -> tuple[str, str] | None:
        """Return (digest, CSV text) of the lecturer's own sequence this class follows, or None for the curated one."""
        def work(conn):
            row = conn.execute(sa.select(sequences_table.c.digest, sequences_table.c.body).where(
                sequences_table.c.room == room)).first()
            return None if row is None else (row.digest, row.body)
        return self._retry(work)

    def answer(self, room: str, token: str, question: Question, raw) -> float | str:
        """Store (or replace) this token's answer to `question`; return the stored value.

        Refused with a plain sentence when the class has ended, the class is on another step, the step is
        revealed, the token is malformed or the value does not fit the question. Nothing refused is stored.
        """
        if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
            raise AnswerRefused("This device's answer token is not valid; please reopen the join link.")
        try:
            value = question.check(raw)
        except ValueError as err:
            raise AnswerRefused(str(err)) from None
        now = self.clock()

        def work(conn):
            row = conn.execute(sa.select(sessions_table).where(sessions_table.c.room == room)).first()
            if row is None or row.expires_at <= now:
                return AnswerRefused("This class has ended, so the answer was not saved.")
            if row.step != question.step:
                return AnswerRefused("The presenter has moved to another question, so the answer was not saved.")
            if row.revealed:
                return AnswerRefused("The answer has been revealed, so answers to this question are closed.")
            number = value if question.kind == "number" else None
            choice = value if question.kind == "choice" else None
            self._upsert(conn, answers_table,
                         dict(room=room, step=question.step, token=token, number=number, choice=choice,
                              answered_at=now),
                         ["room", "step", "token"], dict(number=number, choice=choice, answered_at=now))
            return value

        result = self._retry(work)
        if isinstance(result, ClassError):
            raise result
        return result

    def my_answer(self, room: str, step: int, token: str) -> float | str | None:
        """Return this token's stored answer to `step`, or None."""
        def work(conn):
            row = conn.execute(sa.select(answers_table.c.number, answers_table.c.choice).where(
                answers_table.c.room == room, answers_table.c.step == int(step),
                answers_table.c.token == token)).first()
            if row is None:
                return None
            return row.number if row.number is not None else row.choice
        return self._retry(work)

    def answers(self, room: str, step: int) -> list[float | str]:
        """Return every stored answer to `step` in this class (numbers or choices), oldest first."""
        def work(conn):
            rows = conn.execute(sa.select(answers_table.c.number, answers_table.c.choice).where(
                answers_table.c.room == room, answers_table.c.step == int(step))
                .order_by(answers_table.c.answered_at)).all()
            return [r.number if r.number is not None else r.choice for r in rows]
        return self._retry(work)


@lru_cache(maxsize=4)
def store_for(url: str | None = None) -> ClassStore:
    """Return the shared store for `url` (default: default_url()); one engine and pool per process and URL."""
    return ClassStore(make_engine(url or default_url()))
