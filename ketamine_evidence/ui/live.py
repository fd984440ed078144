"""The live class on screen: the presenter's join panel, live count and reveal; the student's question and answer.

Storage and rules live in `ketamine_evidence.classroom` (no Streamlit); this module only draws and calls it.
Every refusal or fault reaches the user as the store's plain sentence, never a traceback.
"""

from __future__ import annotations

import functools
import io
import os
import re
from urllib.parse import urlencode, urlsplit

import pandas as pd
import segno
import streamlit as st

from .. import charts
from .. import class_results as results
from .. import classroom as cr
from .. import evidence as ev
from ..data import DATA_DIR, files_stamp
from ..teaching import Question, questions, read_sequence
from .cache import Shared, _cached_dataset
from .frame import report_failure
from .widgets import plotly

STUDENT_PATH = "Join_class"
REFRESH_SECONDS = 2.0
PUBLIC_URL_ENV = "KETAMINE_PUBLIC_URL"  # e.g. https://class.example.org when the app sits behind a proxy
TRUST_PROXY_ENV = "KETAMINE_TRUST_PROXY"  # "1" behind our nginx: the client is the address nginx appended


def store() -> cr.ClassStore:
    """Return this process's class store (one engine and connection pool per process)."""
    return cr.store_for(None)


def client_key() -> str:
    """Return who is asking, for the wrong-code rate limit: the client's address (the proxy's header if trusted)."""
    if os.environ.get(TRUST_PROXY_ENV) == "1":
        # The last entry is the one our proxy appended ($proxy_add_x_forwarded_for); earlier ones come from the
        # client's own request and could be anything, so they must not choose whose wrong-code allowance is spent.
        forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "unknown"


def public_base() -> str:
    """Return the address students open, without a path: the configured public URL, else this page's own."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if configured:
        return configured
    parts = urlsplit(st.context.url or "http://localhost:8501")
    return f"{parts.scheme}://{parts.netloc}"


def join_link(room: str) -> str:
    """Return the student link for a room: it opens the student page with the code filled in."""
    return f"{public_base()}/{STUDENT_PATH}?{urlencode({'room': room})}"


def qr_png(text: str) -> bytes:
    """Return a QR code of `text` as PNG bytes (segno; medium error correction, so a projector's glare is forgiven)."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=12, border=2, dark="#1A1A1A", light="#FFFFFF")
    return buf.getvalue()


def guarded(work, failure: str | None = None):
    """Run a store call; show its refusal as a plain warning and return None instead of raising."""
    try:
        return work()
    except cr.ClassError as err:
        st.warning(f"{failure} {err}" if failure else str(err), icon=":material/warning:")
        return None


def live_fragment(body):
    """Return `body` as a fragment that reruns every REFRESH_SECONDS on its own, with its own error boundary.

    A fragment's own reruns happen outside the page's boundary (ui.run_page), so an error there would reach the
    user as Streamlit's error box; here it becomes a short sentence with a reference, as on every page.
    """
    @st.fragment(run_every=REFRESH_SECONDS)
    @functools.wraps(body)
    def wrapped(*args, **kwargs):
        try:
            body(*args, **kwargs)
        except Exception:  # noqa: BLE001 - the user sees a sentence, the log keeps the traceback
            report_failure("Live class panel", "This part of the class page could not be drawn.")
    return wrapped


# --- presenter --------------------------------------------------------------------------------------------

def presenter_class() -> tuple[str, str] | None:
    """Return (room, secret) of the class this presenter controls, restored from the link after a reload."""
    room, secret = st.session_state.get("class_room"), st.session_state.get("class_secret")
    if not room:
        room, secret = st.query_params.get("class"), st.query_params.get("key")
        if room and secret:
            ok = guarded(lambda: store().is_presenter(room, secret))
            if ok is None:  # the database is out of reach: keep the link, so a later rerun can restore control
                return None
            if not ok:
                st.warning("That class link no longer controls a class: the class has ended or expired.",
                           icon=":material/warning:")
                st.query_params.pop("class", None)
                st.query_params.pop("key", None)
                return None
            st.session_state["class_room"], st.session_state["class_secret"] = room, secret
    return (room, secret) if room and secret else None


def keep_in_link(room: str, secret: str) -> None:
    """Write the class into the presenter's link, so a reload keeps control (this link is the presenter's only)."""
    st.query_params["class"] = room
    st.query_params["key"] = secret


def start_class(step: int) -> None:
    """Start a class at `step` (a button callback)."""
    made = guarded(lambda: store().create(step))
    if made:
        st.session_state["class_room"], st.session_state["class_secret"] = made
        st.session_state["class_show_join"] = True
        st.session_state["presenter_revealed"] = False  # the class starts by answering this step's question


def end_class() -> None:
    """Delete the class and its answers now (a button callback)."""
    room, secret = st.session_state.get("class_room"), st.session_state.get("class_secret")
    if room and secret:
        gone = guarded(lambda: store().end(room, secret))
        if gone is not None:
            st.session_state["class_ended_note"] = f"The class has ended and its answers are deleted ({results.answered(gone)})."
    for key in ("class_room", "class_secret", "class_show_join"):
        st.session_state.pop(key, None)
    st.query_params.pop("class", None)
    st.query_params.pop("key", None)


def class_results(room: str) -> pd.DataFrame:
    """Return the class's results so far (every step's question, its answers, their summary and the evidence)."""
    _, qs, rows = sequence()
    answers = {step: guarded(lambda step=step: store().answers(room, step)) or [] for step in qs}
    return results.results_table(qs, answers, rows)


def sync_step(step: int, revealed: bool) -> bool:
    """Tell the class which step the presenter is on (button callbacks call this after moving); return whether the
    step is revealed: asked to be, or revealed before (a revealed step stays revealed)."""
    room, secret = st.session_state.get("class_room"), st.session_state.get("class_secret")
    if room and secret:
        shown = guarded(lambda: store().set_step(room, secret, step, revealed),
                        "The class did not follow this step; press the button again.")
        return bool(shown) or revealed
    return revealed


def join_panel(room: str, large: bool) -> None:
    """Show how students join: the QR code, the link, and the room code to type."""
    link = join_link(room)
    qr, words = st.columns([1, 1]) if large else (st.container(), st.container())
    qr.image(qr_png(link), width=320 if large else 160,
             caption="Scan to join: it opens the class's page on your phone.")
    words.markdown("**Room code**")
    # Large enough to read from the back of a room. The code comes from ROOM_ALPHABET only (checked here), never
    # from user text, so it may go into this static HTML.
    if re.fullmatch(f"[{cr.ROOM_ALPHABET}]{{{cr.ROOM_LENGTH}}}", room):
        words.html(f'<p style="font-size:{"3.4rem" if large else "1.8rem"};font-weight:700;letter-spacing:0.08em;'
                   f'margin:0;font-family:monospace">{cr.show_room(room)}</p>')
    words.markdown("Or open the *Join a class* page and type the code. The link:")
    words.code(link, language=None, wrap_lines=True)
    words.caption("Answers are anonymous: no name is asked or stored. They are deleted when the class ends, "
                  f"or {cr.SESSION_HOURS} hours after it started.")


@st.dialog("Join this class", width="large")
def join_dialog(room: str) -> None:
    """Show the join panel large, for the projector, in a dialog the presenter closes."""
    join_panel(room, large=True)


def live_answers(room: str, question: Question, key: str) -> None:
    """Show how many have answered, refreshed every couple of seconds; how their answers spread only if the presenter
    asks (by default the room sees the count alone, so late answerers cannot copy the room before the reveal)."""
    # Its words avoid "reveal": the slide's Reveal button is found by that name.
    spread = st.toggle("Show how the answers spread, live", key=f"{key}_spread", value=False,
                       help="Off by default: a projected spread lets those who answer late copy the room.")

    @live_fragment
    def _live() -> None:
        answers = guarded(lambda: store().answers(room, question.step))
        if answers is None:
            return
        summary = results.summarise(question, answers)
        st.markdown(f"**{results.answered(summary.n)} so far** · room `{cr.show_room(room)}`")
        if summary.n and spread:
            fig = charts.class_answers_chart(question, answers, None, summary.median)
            plotly(charts.for_projector(fig, height=300), f"The class's {results.answered(summary.n)} so far.",
                   key=f"{key}_{question.step}")

    _live()


# A revealed step's answers no longer change, and every phone in the class refreshes it every 2 s: one build (and,
# through charts.serialised, one serialisation) per class and step serves them all.
_REVEALS = Shared(32)


def reveal_figure(question: Question, answers: list, rows: pd.DataFrame, compact: bool = False):
    """Return (figure, sentence, evidence rows) for a step's reveal: the class's answers beside the evidence.

    Shared read-only between sessions, keyed by the question, the answers themselves and the evidence rows' object
    (kept in the entry, so its id cannot be reused by other rows while the entry lives)."""
    def build():
        shown = results.reveal_rows(question, rows)
        summary = results.summarise(question, answers)
        fig = charts.class_answers_chart(question, answers, shown, summary.median, compact=compact)
        return fig, results.reveal_sentence(question, summary, shown), shown, rows

    fig, sentence, shown, _ = _REVEALS.get((question, tuple(answers), compact, id(rows)), build)
    return fig, sentence, shown


# --- student ----------------------------------------------------------------------------------------------

def student_token() -> str:
    """Return this device's anonymous token, kept in the page's link so a reload keeps it (and its answers)."""
    token = st.query_params.get("me")
    if not token or not cr.TOKEN_PATTERN.match(token):
        token = cr.new_token()
        st.query_params["me"] = token
    return token


@st.cache_resource(max_entries=2, show_spinner=False)
def _sequence(folder: str, stamp: str) -> tuple[pd.DataFrame, dict[int, Question], pd.DataFrame]:
    dataset, _ = _cached_dataset(folder, stamp)
    seq = read_sequence(evidence=dataset.evidence)
    return seq, questions(seq), ev.with_sources(dataset.evidence, dataset.sources)


def sequence() -> tuple[pd.DataFrame, dict[int, Question], pd.DataFrame]:
    """Return the teaching sequence, each step's Question, and the curated rows joined to their sources (the class
    always reveals the curated evidence, even while the presenter looks at an upload). Raises DataValidationError."""
    return _sequence(str(DATA_DIR), files_stamp(DATA_DIR))


def student_answer_widget(room: str, token: str, q: Question, mine) -> None:
    """Draw the answer widget for `q` and a Send button; store the answer when pressed."""
    key = f"class_answer_{room}_{q.step}"
    if q.kind == "number":
        start = mine if isinstance(mine, (int, float)) else None
        if start is None:
            start = q.lo + round((q.hi - q.lo) / 2 / q.increment) * q.increment
        value = st.slider(q.label, min_value=q.lo, max_value=q.hi, value=float(start), step=q.increment,
                          format=f"%g{'%%' if q.unit == '%' else ' ' + q.unit}", key=key)
    else:
        index = q.choices.index(mine) if mine in q.choices else None
        value = st.radio(q.label, q.choices, index=index, key=key)
    if st.button("Send my answer" if mine is None else "Change my answer", key=f"{key}_send", type="primary",
                 use_container_width=True, icon=":material/send:"):
        if value is None:
            st.warning("Choose an answer first.")
            return
        saved = guarded(lambda: store().answer(room, token, q, value), "Your answer was not saved.")
        if saved is not None:
            st.session_state[f"{key}_saved"] = saved
    saved = st.session_state.get(f"{key}_saved", mine)
    if saved is not None:
        shown = results.fmt(saved, q.unit) if q.kind == "number" else saved
        st.success(f"Your answer: {shown}. You can change it until the presenter reveals the evidence.",
                   icon=":material/check_circle:")
