"""The sequence builder in presenter mode: a lecturer's own questions, each revealing figures the data holds, previewed
as the presenter shows them, saved as a CSV and loaded back. Drawing only: the rules and the file are in
`ketamine_evidence.sequence_builder` and `teaching` (no Streamlit).

Everything a lecturer types is shown as text (st.text, tables, or escaped), never as Markdown or HTML.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from .. import sequence_builder as sb
from ..comparison_sets import curated
from ..data import DataValidationError
from ..teaching import FIGURES_VIEW, UNIT_MATCHES, parse_sequence, questions, split_rows
from . import live
from .cache import Context
from .widgets import lazy_expander, md_escape, plotly, within

STEPS_KEY = "builder_steps"
SOURCES = ("A comparison set", "A row of the summary of findings", "Figures by id")
# The new step's text boxes, emptied once the step is added.
TEXT_KEYS = ("builder_title", "builder_question", "builder_label", "builder_choices", "builder_reason", "builder_after")
PROBLEM_COLUMNS = ["column", "value", "problem"]


def panel(ctx: Context, rows: pd.DataFrame, running: bool) -> None:
    """Draw the builder in a folded box under the slide (built only while open). `rows` are the curated figures
    joined to their sources; `running`: a class is on, so its questions cannot change until it ends."""
    box = lazy_expander("Your own questions: build, save or load a sequence", key="builder_open")
    if not box.open:
        return
    with box:
        st.caption("This box shows each question's answer: keep it folded while the room can see the screen.")
        _in_use(running)
        _load(rows)
        st.divider()
        _steps(rows, running)
        st.divider()
        _new_step(ctx, rows)


def _in_use(running: bool) -> None:
    own = st.session_state.get(live.CUSTOM_KEY)
    if own:
        st.caption("The slides follow your own sequence; a class you start asks its questions.")
        st.button("Go back to the built-in sequence", key="builder_builtin", on_click=live.use_sequence, args=(None,),
                  disabled=running, help="End the class first: a running class keeps the questions it started with."
                  if running else None)
    else:
        st.caption("Write your own questions, each revealing figures the data holds; save them as a CSV file and "
                   "load them again next time. A class you start after pressing 'Use this sequence' asks them.")


def _load(rows: pd.DataFrame) -> None:
    up = st.file_uploader("Load a sequence (a CSV file saved from here)", type=["csv"], key="builder_upload")
    if up is None:
        return
    raw = up.getvalue()
    try:
        seq = sb.load(raw, rows, name="the file")
    except DataValidationError as err:
        st.error(f"The file was not loaded: {len(err.problems)} problem{'s' if len(err.problems) != 1 else ''}, each "
                 "named by line and column below. Fix them in the file and load it again.", icon=":material/error:")
        st.dataframe(err.as_frame().drop(columns=["file"]), hide_index=True, key="builder_load_problems")
        return
    digest = hashlib.sha256(raw).hexdigest()
    if st.session_state.get("builder_loaded") != digest:  # a new file: its steps become the list to work on
        st.session_state[STEPS_KEY] = sb.steps_of(seq)
        st.session_state["builder_loaded"] = digest
    st.success(f"Loaded {len(seq)} step{'s' if len(seq) != 1 else ''}: they are the list below. Use them as they "
               "are, change them, or save them again.", icon=":material/upload_file:")


def _set_steps(steps: list[dict]) -> None:
    st.session_state[STEPS_KEY] = sb.renumbered(steps)
    st.session_state.pop("builder_use_problems", None)


def _from_builtin() -> None:
    _set_steps(sb.steps_of(live.sequence()[0]))


def _remove(step: str) -> None:
    _set_steps([s for s in st.session_state.get(STEPS_KEY, []) if s["step"] != step])


def _use(rows: pd.DataFrame) -> None:
    text = sb.text_of(st.session_state.get(STEPS_KEY, []))
    try:
        parse_sequence(text.encode("utf-8"), "your sequence", evidence=rows)
    except DataValidationError as err:
        st.session_state["builder_use_problems"] = err.as_frame()
        return
    st.session_state.pop("builder_use_problems", None)
    live.use_sequence(text)


def _steps(rows: pd.DataFrame, running: bool) -> None:
    steps = st.session_state.get(STEPS_KEY, [])
    st.markdown("**Your sequence**")
    start = st.columns(2)
    start[0].button("Start from the built-in sequence", key="builder_from_builtin", on_click=_from_builtin)
    start[1].button("Start empty", key="builder_empty", on_click=_set_steps, args=([],))
    if not steps:
        st.caption("No steps yet: add one below, or load a file.")
        return
    st.dataframe(pd.DataFrame([{
        "Step": int(s["step"]), "Title": s["title"], "Question": s["question"], "Answer": s["answer_type"],
        "Reveals": s["reveal_rows"] or s["view"], "The evidence supports": s["evidence_choice"]} for s in steps]),
        hide_index=True, key="builder_list")
    remove = st.columns([2, 1], vertical_alignment="bottom")
    which = remove[0].selectbox("Step to remove", [s["step"] for s in steps], key="builder_remove_which")
    remove[1].button("Remove it", key="builder_remove", on_click=_remove, args=(which,))
    act = st.columns(2)
    act[0].download_button("Save the sequence (CSV)", data=lambda: sb.to_csv(steps),
                           file_name="my_teaching_sequence.csv", mime="text/csv", key="builder_download",
                           on_click="ignore", icon=":material/download:")
    act[1].button("Use this sequence for the slides and the next class", key="builder_use", on_click=_use,
                  args=(rows,), type="primary", disabled=running,
                  help="End the class first: a running class keeps the questions it started with." if running else
                  "The slides start again at its first step.")
    problems = st.session_state.get("builder_use_problems")
    if problems is not None:
        st.error("The sequence cannot be used yet; each problem is named by line and column.", icon=":material/error:")
        st.dataframe(problems.drop(columns=["file"]), hide_index=True, key="builder_use_problem_list")


def _add(step: dict) -> None:
    _set_steps([*st.session_state.get(STEPS_KEY, []), step])
    for key in TEXT_KEYS:
        st.session_state[key] = ""
    st.session_state["builder_preview"] = False


def _reveal_choice(rows: pd.DataFrame) -> tuple[list[str], str]:
    """Draw how the reveal is picked; return the figures it shows and the view beside them."""
    source = st.radio("The reveal shows", SOURCES, key="builder_source", horizontal=True)
    if source == SOURCES[2]:
        typed = within(st.text_input("Figure ids (row_id), separated by ';'", key="builder_ids",
                                     placeholder="e.g. han2016-1",
                                     help="The evidence explorer lists each figure's id in its first column."), 300)
        picked = list(split_rows(typed))
        found = rows.set_index("row_id")
        for rid in picked:
            st.text(sb.figure_label(found.loc[rid].to_dict() | {"row_id": rid}) if rid in found.index
                    else f"{rid}: no figure has this id")
        return picked, FIGURES_VIEW
    sets = curated()
    menu = sb.set_menu(sets) if source == SOURCES[0] else sb.sof_menu(sets)
    names = dict(menu)
    set_id = st.selectbox("Comparison set" if source == SOURCES[0] else "Row of the summary of findings",
                          [m[0] for m in menu], format_func=names.get,
                          key="builder_set" if source == SOURCES[0] else "builder_sof")
    figures = sb.set_figures(set_id, sets, rows)
    labels = {r["row_id"]: sb.figure_label(r) for r in figures.to_dict("records")}
    picked = st.multiselect("Figures shown beside the class's answers (at most 3, one outcome and time point)",
                            list(labels), default=sb.default_figures(figures), format_func=labels.get,
                            max_selections=3, key=f"builder_rows_{set_id}")
    return picked, sb.set_view(set_id)


NUMBER_DEFAULTS = {"builder_type": "number", "builder_min": 0.0, "builder_max": 100.0, "builder_increment": 1.0,
                   "builder_unit": "%"}


def _fit_answer(shown: pd.DataFrame) -> None:
    """When the figures picked change, set the answer's type and range to fit them (before its widgets are drawn,
    so the lecturer may still change them)."""
    for key, value in NUMBER_DEFAULTS.items():
        st.session_state.setdefault(key, value)
    picked = tuple(shown["row_id"])
    if not picked or st.session_state.get("builder_fitted_for") == picked:
        return
    st.session_state["builder_fitted_for"] = picked
    fit = sb.suggested_answer(shown)
    st.session_state["builder_type"] = fit["answer_type"]
    if fit["answer_type"] == "number":
        st.session_state.update(builder_min=float(fit["answer_min"]), builder_max=float(fit["answer_max"]),
                                builder_increment=float(fit["answer_step"]), builder_unit=fit["answer_unit"])


def _new_step(ctx: Context, rows: pd.DataFrame) -> None:
    steps = st.session_state.get(STEPS_KEY, [])
    st.markdown("**Add a step**")
    picked, view = _reveal_choice(rows)
    shown = rows[rows["row_id"].isin(picked)]
    _fit_answer(shown)
    title = within(st.text_input("Title", key="builder_title"), 80)
    question = within(st.text_area("Question: one thing, and any number in it taken from the figures it reveals",
                                   key="builder_question", height=80), 300)
    label = within(st.text_input("What a student's answer is, in a few words", key="builder_label",
                                 placeholder="e.g. Responders per 100 at 24 hours"), 120)
    kinds = {"number": "A number on a slider", "choice": "One of a few choices"}
    kind = st.radio("Students answer with", list(kinds), format_func=kinds.get, horizontal=True, key="builder_type")
    number: dict = {}
    choices: list[str] = []
    pick, reason = "", ""
    if kind == "number":
        units = list(UNIT_MATCHES)
        c = st.columns(4)
        number = {
            "answer_min": c[0].number_input("From", key="builder_min"),
            "answer_max": c[1].number_input("To", key="builder_max"),
            "answer_step": c[2].number_input("In steps of", min_value=0.0, key="builder_increment"),
            "answer_unit": c[3].selectbox("Unit", units, key="builder_unit"),
        }
        if len(shown) and shown["unit"].iloc[0] not in UNIT_MATCHES:
            st.caption(md_escape(f"These figures are in {shown['unit'].iloc[0]}, not a unit a class answers in on a "
                                 "slider: ask a choice question about them."))
    else:
        text = within(st.text_area("Choices, one per line (2 to 6)", key="builder_choices", height=110), 500)
        choices = [line.strip() for line in text.splitlines() if line.strip()]
        pick = st.selectbox("The option the evidence supports", choices, index=None, key="builder_pick",
                            placeholder="Choose one of the choices") or ""
        reason = within(st.text_area("Why the evidence supports it, in a sentence", key="builder_reason", height=80),
                        400)
    after = within(st.text_area("For discussion after the reveal (optional)", key="builder_after", height=80), 600)
    draft = sb.make_step(len(steps) + 1, title, question, view, picked, label, kind, after_reveal=after,
                         choices=choices, evidence_choice=pick, evidence_reason=reason, **number)
    problems = sb.check_step(draft, rows)
    act = st.columns(2)
    preview = act[0].toggle("Preview the slide", key="builder_preview", help="As the presenter shows it once revealed.")
    act[1].button("Add this step", key="builder_add", on_click=_add, args=(draft,), disabled=bool(problems),
                  type="primary", icon=":material/add:")
    if problems and (title or question):
        st.warning(f"Before it can be added: {len(problems)} thing{'s' if len(problems) != 1 else ''} to fix.",
                   icon=":material/edit_note:")
        shown_problems = pd.DataFrame([{"column": p.column, "value": p.value, "problem": p.message} for p in problems],
                                      columns=PROBLEM_COLUMNS)
        st.dataframe(shown_problems, hide_index=True, key="builder_step_problems")
    elif problems:
        st.caption("Write a title, a question and what the answer is; then preview and add the step.")
    if preview and not problems:
        _preview(ctx, draft, rows)


def _preview(ctx: Context, draft: dict, rows: pd.DataFrame) -> None:
    """Draw the step once revealed, before anyone has answered: as the presenter's slide shows it, and as the phones
    show it."""
    seq = parse_sequence(sb.to_csv([draft]), "new step", evidence=rows)
    q = questions(seq)[1]
    with st.container(border=True, key="builder_preview_slide"):
        st.caption("Preview: the step after Reveal, before anyone has answered.")
        st.subheader(md_escape(f"{q.step} · {q.title}"))
        st.markdown(f"**Predict first:** {md_escape(q.text)}")
        live.evidence_supports(q)
        slide, phones = st.tabs(["On the slide", "On the phones"])
        with slide:
            v = live.step_view(draft["view"], ctx)
            if v is not None and live.has_content(v):
                st.caption(md_escape(f"Beside it: {v.heading}."))
            live.reveal_slide(q, [], rows, v, key="builder_preview_reveal")
        with phones:
            st.caption(md_escape(f"Students answer: {q.label}, {q.describe()}."))
            fig, sentence, shown = live.reveal_figure(q, [], rows)
            plotly(fig, f"The step's reveal on a phone, beside {len(shown)} published figures. {sentence}",
                   key="builder_preview_phone")
