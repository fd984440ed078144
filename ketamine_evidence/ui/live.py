"""The live class on screen: the presenter's join panel, live count and reveal; the student's question and answer.

Storage and rules live in `ketamine_evidence.classroom` (no Streamlit); this module only draws and calls it.
Every refusal or fault reaches the user as the store's plain sentence, never a traceback.
"""

from __future__ import annotations

import functools
import hashlib
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
from .. import housekeeping
from ..data import DATA_DIR, files_stamp
from ..teaching import Question, parse_sequence, questions, read_sequence, view_function
from .cache import Context, Shared, _cached_dataset, view
from .frame import report_failure
from .widgets import download_csv, lazy_table, md_escape, plotly, table

STUDENT_PATH = "Join_class"
REFRESH_SECONDS = 2.0
PUBLIC_URL_ENV = "KETAMINE_PUBLIC_URL"  # e.g. https://class.example.org when the app sits behind a proxy
TRUST_PROXY_ENV = "KETAMINE_TRUST_PROXY"  # "1" behind our nginx: the client is the address nginx appended


def store() -> cr.ClassStore:
    """Return this process's class store (one engine and connection pool per process)."""
    housekeeping.start()  # once per process: expired classes are deleted on a schedule, not only at a class start
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
    """Start a class at `step` (a button callback), following the presenter's own sequence if one is in use."""
    made = guarded(lambda: store().create(step, st.session_state.get(CUSTOM_KEY)))
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


def _class_answers(room: str) -> tuple[dict[int, Question], dict[int, list], pd.DataFrame]:
    _, qs, rows = class_sequence(room)
    answers = {step: guarded(lambda step=step: store().answers(room, step)) or [] for step in qs}
    return qs, answers, rows


def class_results(room: str) -> pd.DataFrame:
    """Return the class's results so far (every step's question, its answers, their summary and the evidence)."""
    return results.results_table(*_class_answers(room))


def class_results_html(room: str) -> bytes:
    """Return the class's results so far as one self-contained HTML page (see class_results.results_html); a step
    whose evidence is a whole view draws it over all the curated figures (the presenter's filters do not apply)."""
    _, meta = _cached_dataset(str(DATA_DIR), files_stamp(DATA_DIR))
    seq, qs, rows = class_sequence(room)
    answers = {step: guarded(lambda step=step: store().answers(room, step)) or [] for step in qs}
    whole = {}
    for r in seq.itertuples():
        fn = view_function(r.view)
        if fn is not None and not qs[int(r.step)].reveal_rows:
            whole[int(r.step)] = fn(rows)
    return results.results_html(qs, answers, rows, data_version=str(meta.get("version", "")),
                                step_views=whole).encode("utf-8")


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


def step_view(name: str, ctx: Context):
    """Return a step's view over the reader's rows (cached), or None for a step that shows its figures alone."""
    fn = view_function(name)
    return None if fn is None else view(fn, ctx)


def has_content(v) -> bool:
    """Whether a step's view has something to show: a chart, or a table (the after-stopping list)."""
    return v is not None and (v.fig is not None or (v.counts is not None and len(v.counts) > 0))


def evidence_supports(question: Question) -> None:
    """Say in words which option the evidence supports, and why (a choice step, once revealed)."""
    if question.kind == "choice" and question.answer:
        st.info(md_escape(f"{results.supported(question)} {question.reason}".strip()), icon=":material/check_circle:")


# The after-stopping list on a slide: what stopped, the figure and its trial's other arm, what differs.
TABLE_VIEW_COLUMNS = ["side", "study", "what", "figure", "other_arm", "what_stopped", "differs"]


def draw_view(v, key: str, height: int = 460) -> None:
    """Draw a step's view on a slide: its chart in projector type with its figures folded below, or its table."""
    if v.fig is not None:
        plotly(charts.for_projector(v.fig, height=height), v.alt, key=f"{key}_chart")
        lazy_table(f"Table of the {len(v.rows)} figures", f"{key}_table_open", v.rows, key=f"{key}_table")
    elif v.counts is not None and len(v.counts):
        st.dataframe(v.counts[[c for c in TABLE_VIEW_COLUMNS if c in v.counts.columns]], hide_index=True,
                     key=f"{key}_list")


def reveal_slide(question: Question, answers: list | None, rows: pd.DataFrame, v, key: str) -> None:
    """Draw the reveal's half of a slide. With a class (`answers` a list): its answers beside the evidence on the first
    tab (a step whose evidence is a whole view shows it there too), the step's view on a second. Without one: the
    step's chart, or its figures alone when it has none."""
    shown = results.reveal_rows(question, rows)
    if answers is None:
        if v is not None and v.fig is not None:
            draw_view(v, key)
            return
        if len(shown):
            fig = charts.for_projector(charts.evidence_chart(question, shown, compact=True), height=300)
            plotly(fig, f"{len(shown)} published figures: {results.figures_said(shown)}.", key=f"{key}_figures")
            table(shown, key=f"{key}_figures_table",
                  columns=["study", "treatment_group", "outcome_label", "time_reported", "value", "unit", "n",
                           "population", "link"])
        if has_content(v):
            draw_view(v, key)
        return
    fig, sentence, shown = reveal_figure(question, answers, rows, compact=True)
    second = has_content(v) and len(shown) > 0
    tabs = st.tabs([f"Your class ({results.answered(len(answers))}) and the evidence",
                    *(["The evidence chart" if v.fig is not None else "The evidence list"] if second else [])])
    with tabs[0]:
        # The tab's label names the chart, so the slide gives its title's room to the chart itself.
        slide = charts.for_projector(fig, height=int(fig.layout.height or 460))
        slide.update_layout(title_text="", margin_t=24, height=slide.layout.height - 50)
        plotly(slide, f"The class's {results.answered(len(answers))} beside {len(shown)} published figures. {sentence}",
               key=key)
        st.markdown(md_escape(sentence))
        if not len(shown) and has_content(v):  # the evidence is the whole view: beside the class, on this tab
            draw_view(v, f"{key}_view", height=360)
    if second:
        with tabs[1]:
            draw_view(v, f"{key}_view")


def results_downloads(room: str) -> None:
    """Offer the class's results before it ends: a spreadsheet-safe CSV and one self-contained HTML page."""
    # One under the other: side by side, a slide's narrow column cut both labels short.
    download_csv(class_results(room), "Download the class's results (CSV)", f"class_{room}_results.csv",
                 key="presenter_class_results")
    # Written when clicked (it holds its own chart library, a few MB), not on every run of the page.
    st.download_button("Download the results as a web page", data=lambda: class_results_html(room),
                       file_name=f"class_{room}_results.html", mime="text/html", key="presenter_class_results_html",
                       on_click="ignore", icon=":material/download:",
                       help="One page that opens offline: every question, the class's answers, and the evidence "
                            "beside them, with charts.")


# --- student ----------------------------------------------------------------------------------------------

def student_token() -> str:
    """Return this device's anonymous token, kept in the page's link so a reload keeps it (and its answers)."""
    token = st.query_params.get("me")
    if not token or not cr.TOKEN_PATTERN.match(token):
        token = cr.new_token()
        st.query_params["me"] = token
    return token


@st.cache_resource(max_entries=2, show_spinner=False)
def _curated_rows(folder: str, stamp: str) -> pd.DataFrame:
    dataset, _ = _cached_dataset(folder, stamp)
    return ev.with_sources(dataset.evidence, dataset.sources)


def curated_rows() -> pd.DataFrame:
    """Return the curated figures joined to their sources: what every class reveals (shared, read-only)."""
    return _curated_rows(str(DATA_DIR), files_stamp(DATA_DIR))


@st.cache_resource(max_entries=2, show_spinner=False)
def _sequence(folder: str, stamp: str) -> tuple[pd.DataFrame, dict[int, Question], pd.DataFrame]:
    dataset, _ = _cached_dataset(folder, stamp)
    seq = read_sequence(evidence=dataset.evidence)
    return seq, questions(seq), _curated_rows(folder, stamp)


def sequence() -> tuple[pd.DataFrame, dict[int, Question], pd.DataFrame]:
    """Return the teaching sequence, each step's Question, and the curated rows joined to their sources (the class
    always reveals the curated evidence, even while the presenter looks at an upload). Raises DataValidationError."""
    return _sequence(str(DATA_DIR), files_stamp(DATA_DIR))


# The presenter's own sequence in this session (CSV text, checked), used for the slides and the next class started.
CUSTOM_KEY = "presenter_own_sequence"
# A lecturer's sequence, checked once per version of its text and of the data, shared by every session and phone.
_CUSTOM = Shared(16)


def custom_sequence(text: str) -> tuple[pd.DataFrame, dict[int, Question], pd.DataFrame]:
    """Return a lecturer's own sequence (CSV text) like `sequence()`: its steps, Questions and the curated rows it
    reveals. Raises DataValidationError (each problem by line and column)."""
    stamp = files_stamp(DATA_DIR)

    def make():
        dataset, _ = _cached_dataset(str(DATA_DIR), stamp)
        seq = parse_sequence(text.encode("utf-8"), "your sequence", evidence=dataset.evidence)
        return seq, questions(seq), curated_rows()
    return _CUSTOM.get((hashlib.sha256(text.encode("utf-8")).hexdigest(), stamp), make)


def class_sequence(room: str) -> tuple[pd.DataFrame, dict[int, Question], pd.DataFrame]:
    """Return the sequence a class follows: the lecturer's own if the class was started with one, else the curated
    one. Raises DataValidationError."""
    kept = guarded(lambda: store().sequence(room))
    return custom_sequence(kept[1]) if kept else sequence()


def presenter_sequence(running: tuple[str, str] | None) -> tuple[pd.DataFrame, dict[int, Question], pd.DataFrame]:
    """Return the sequence the presenter's slides follow: the running class's, else the session's own, else the
    curated one. Raises DataValidationError."""
    if running is not None:
        return class_sequence(running[0])
    own = st.session_state.get(CUSTOM_KEY)
    return custom_sequence(own) if own else sequence()


def use_sequence(text: str | None) -> None:
    """Make the slides (and the next class started) follow `text`, a checked sequence, or the curated one (None);
    the slides start again at the first step (a button callback)."""
    if text:
        st.session_state[CUSTOM_KEY] = text
    else:
        st.session_state.pop(CUSTOM_KEY, None)
    st.session_state["presenter_step"] = 0
    st.session_state["presenter_revealed"] = False
    st.session_state["presenter_revealed_steps"] = set()


def student_answer_widget(room: str, token: str, q: Question, mine) -> None:
    """Draw the answer widget for `q` and a Send button; store the answer when pressed."""
    key = f"class_answer_{room}_{q.step}"
    if q.kind == "number":
        start = mine if isinstance(mine, (int, float)) else None
        if start is None:
            start = q.lo + round((q.hi - q.lo) / 2 / q.increment) * q.increment
        # A lecturer may have written the label: it is shown as text, never as Markdown.
        value = st.slider(md_escape(q.label), min_value=q.lo, max_value=q.hi, value=float(start), step=q.increment,
                          format=f"%g{'%%' if q.unit == '%' else ' ' + q.unit}", key=key)
    else:
        index = q.choices.index(mine) if mine in q.choices else None
        value = st.radio(md_escape(q.label), q.choices, index=index, key=key, format_func=md_escape)
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
        st.success(f"Your answer: {md_escape(shown)}. You can change it until the presenter reveals the evidence.",
                   icon=":material/check_circle:")
