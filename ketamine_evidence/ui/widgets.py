"""The widgets pages draw with: a chart with its alt text and tables of what it draws, read-only tables, lazy
expanders, a view or comparison set with its key message, the side-by-side answer, natural frequencies, messages
for empty results, capped text input, CSV downloads, and Markdown escaping for data text.
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from .. import findings, views
from ..charts import serialised
from ..comparison_sets import curated, row_ids
from ..data import DataValidationError
from ..evidence import filters_removing
from ..safe import spreadsheet_safe
from .cache import Context, Shared, view
from .filters import FILTER_WIDGETS, _reset_filters, plain_mode


# A word joiner (U+2060) breaks the patterns that Markdown turns into links by itself ("https://", "www.", an
# e-mail address) without changing what a reader sees.
_AUTOLINKS = ((re.compile(r"(?i)\b(https?|ftp|mailto):"), "\\1\u2060:"), (re.compile(r"(?i)\bwww\."), "www\u2060."),
              (re.compile(r"@"), "\u2060@\u2060"))


def md_escape(text: str) -> str:
    """Return text with Markdown (and LaTeX dollar) syntax escaped and bare addresses unlinked, so data shows as plain
    text and never as a link."""
    text = str(text)
    for pattern, repl in _AUTOLINKS:
        text = pattern.sub(repl, text)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


# The figure itself comes straight after what it is, so a 1366 px screen shows it without sideways scrolling.
TABLE_COLUMNS = [
    "study", "treatment_group", "outcome_label", "value", "unit", "ci_low", "ci_high", "n", "time_reported",
    "population", "treatment", "outcome_definition", "design", "regimen", "control_type",
    "certainty", "certainty_reason", "caveats", "read_in", "location", "link", "row_id",
]


PLAIN_COLUMNS = ["study", "treatment_group", "population", "outcome_label", "time_reported", "value", "unit", "n",
                 "certainty", "read_in", "caveats", "link"]


# A table under a chart or on a topic page lists up to this many figures; the explorer lists them all.
TABLE_LIMIT = 400


# A table's columns as Arrow, converted once per frame and column list: the explorer's 354 x 21 figures were
# converted on every run of the page (a fifth of its script time). Each entry keeps its frame, so an id is not reused
# while its entry lives.
_ARROW = Shared(64)


def _as_arrow(rows: pd.DataFrame, cols: list[str]):
    def make():
        try:
            return rows, pa.Table.from_pandas(rows[cols], preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError):  # a column Arrow cannot type: Streamlit converts it
            return rows, rows[cols]
    return _ARROW.get((id(rows), tuple(cols)), make)[1]


def table(rows: pd.DataFrame, key: str, columns: list[str] | None = None, limit: int | None = TABLE_LIMIT) -> None:
    """Show rows as a read-only table with sources linked (text is never rendered as HTML).

    Beyond `limit` rows the first ones are shown and a caption says how many more the explorer lists.
    """
    cols = [c for c in (columns or (PLAIN_COLUMNS if plain_mode() else TABLE_COLUMNS)) if c in rows.columns]
    if limit and len(rows) > limit:
        st.caption(f"The first {limit} of {len(rows):,} figures; the evidence explorer lists and downloads them all.")
        rows = rows.head(limit)
    st.dataframe(
        _as_arrow(rows, cols), hide_index=True, key=key,
        column_config={
            "link": st.column_config.LinkColumn("Source link", display_text=r"https://(?:doi\.org|pubmed\.ncbi\.nlm\.nih\.gov)/(.*)"),
            "value": st.column_config.NumberColumn("Value", format="%g"),
            "study": "Study", "treatment": "Treatment", "treatment_group": "Group", "population": "Population",
            "outcome_label": "Outcome", "outcome_definition": "Definition", "time_reported": "Time point",
            "unit": "Unit", "ci_low": "CI low", "ci_high": "CI high", "n": "n", "design": "Design",
            "regimen": "Regimen", "control_type": "Control", "certainty": "Certainty",
            "certainty_reason": "Why this certainty", "caveats": "Caveats", "location": "Where in source",
            "read_in": "Where the figure was read",
            "row_id": "Row id", "short_citation": "Source", "citation": "Citation", "year": "Year",
            "figures_shown": st.column_config.NumberColumn("Figures shown"), "identifier": "Identifier",
            "read_at": st.column_config.LinkColumn("Where it was read"),
            "match_score": st.column_config.NumberColumn("Match score"), "match_reason": "Matched on",
            "claim_id": "Claim",
        },
    )


def lazy_expander(label: str, key: str):
    """Return an expander whose content a page builds only while it is open (check `.open`).

    Closed, it sends and draws nothing but its label, so a page with many tables loads sooner; opening it reruns
    the page, which is quick because every view is cached.
    """
    return st.expander(label, key=key, on_change="rerun")


def lazy_table(label: str, open_key: str, rows: pd.DataFrame, key: str, columns: list[str] | None = None,
               caption: str | None = None) -> None:
    """A lazy expander holding a table of rows (with an optional caption), built only while it is open."""
    box = lazy_expander(label, key=open_key)
    if box.open:
        with box:
            if caption:
                st.caption(caption)
            table(rows, key=key, columns=columns)


def chart(fig: go.Figure, alt: str, rows: pd.DataFrame, key: str, warnings: list[str] | None = None,
          counts: pd.DataFrame | None = None, list_rows: bool = True, title: str = "") -> None:
    """Show a chart with its alt text, any like-for-like warnings, and expandable tables of what it draws.

    `counts` holds the numbers drawn when they are summaries (counts, medians, scores). A chart of counts passes
    `list_rows=False`: it points to the explorer for the figures counted instead of listing them all.
    """
    if warnings:
        st.warning(md_escape("Not like-for-like: these figures mix " + "; ".join(warnings)
                             + ". Compare within a study, and check each row in the table."), icon=":material/compare_arrows:")
    chart_title(title)
    plotly(fig, alt, key=f"{key}_chart")
    if counts is None and not list_rows:
        return
    # One folded box a chart for both its tables: each box is a message to send and a widget to keep, per chart.
    if counts is not None and list_rows:
        label = f"Table of the numbers drawn and the {len(rows)} figures in this chart"
    elif counts is not None:
        label = "Table of the numbers drawn in this chart"
    else:
        label = f"Table of the {len(rows)} figures in this chart"
    box = lazy_expander(label, key=f"{key}_table_open")
    if not box.open:
        return
    with box:
        if counts is not None:
            if list_rows:
                st.caption("The numbers drawn:")
            st.dataframe(counts, hide_index=True, key=f"{key}_numbers", column_config=SUMMARY_COLUMNS)
            if not list_rows:
                st.caption(f"These count {len(rows)} figures; each one, with its source, is listed in the "
                           "evidence explorer.")
                st.page_link("pages/5_Evidence_explorer.py", label="Open the evidence explorer",
                             icon=":material/table_view:")
                return
            st.caption(f"The {len(rows)} figures, each with its source:")
        table(rows, key=f"{key}_table")


SUMMARY_COLUMNS = {
    "dimension_label": "Question", "family": "Family", "certainty": "Certainty", "treatment_group": "Group",
    "figures": st.column_config.NumberColumn("Figures"), "year": st.column_config.NumberColumn("Year", format="%d"),
    "response_median": st.column_config.NumberColumn("Response, median (%)", format="%g"),
    "response_min": st.column_config.NumberColumn("Response, lowest (%)", format="%g"),
    "response_max": st.column_config.NumberColumn("Response, highest (%)", format="%g"),
    "response_figures": st.column_config.NumberColumn("Response figures"),
    "burden_median": st.column_config.NumberColumn("Side effects, median (%)", format="%g"),
    "burden_min": st.column_config.NumberColumn("Side effects, lowest (%)", format="%g"),
    "burden_max": st.column_config.NumberColumn("Side effects, highest (%)", format="%g"),
    "burden_figures": st.column_config.NumberColumn("Side-effect figures"),
    "weighted_burden": st.column_config.NumberColumn("Weighted burden", format="%.1f"),
    "categories_with_data": st.column_config.NumberColumn("Kinds with data"),
    "categories_weighted": st.column_config.NumberColumn("Kinds weighted"), "missing": "Kinds missing",
    # A comparison set's table: one row per study effect and per pooled side, as the forest plot draws them.
    "side": "Side", "study": "Study", "sample": "Sample (trial or pool)", "group": "Group", "n": "n",
    "value": st.column_config.NumberColumn("Value", format="%.2f"),
    "ci_low": st.column_config.NumberColumn("95% CI low", format="%.2f"),
    "ci_high": st.column_config.NumberColumn("95% CI high", format="%.2f"),
    "weight_pct": st.column_config.NumberColumn("Weight in pool (%)", format="%.1f"), "how": "How it was obtained",
    # The side-effect profile's table.
    "effect": "Side effect", "median": st.column_config.NumberColumn("Median (%)", format="%g"),
    "lowest": st.column_config.NumberColumn("Lowest (%)", format="%g"),
    "highest": st.column_config.NumberColumn("Highest (%)", format="%g"), "sources": "Sources",
    "difference_vs_control": st.column_config.NumberColumn("Difference from the control arm, same source (points)",
                                                           format="%+g"),
    "pairs": st.column_config.NumberColumn("Sources with a control arm"),
    "reason": "Why it is in this set", "read_in": "Where the figure was read",
    "link": st.column_config.LinkColumn("Source link", display_text=r"https://(?:doi\.org|pubmed\.ncbi\.nlm\.nih\.gov)/(.*)"),
}


def show_view(view, ctx: Context, key: str | None = None, heading: bool = True, expert: bool = False) -> None:
    """Draw a View: its heading, then its key message, warnings, chart and table, or a sentence if it is empty.

    An `expert` view (ratios, effect sizes) is replaced in plain-language mode by a line saying where to find it.
    """
    if heading:
        st.subheader(view.heading)
    if expert and plain_mode():
        st.caption("Ratios and effect sizes are shown when 'Plain language' is switched off in the sidebar.")
        return
    if view.empty:
        empty(view.empty_what, ctx)
        return
    key_message(view.message)
    if view.note:
        st.caption(view.note)
    chart(view.screen_fig, view.alt, view.rows, key=key or view.name, warnings=view.warnings, counts=view.counts,
          list_rows=view.list_rows, title=view.title)


def show_comparison(v, key: str, heading: bool = True, ctx: Context | None = None) -> None:
    """Draw a comparison-set view: its plain sentence, then GRADE's with the numbers (a line below, or one click below
    with the plain-language switch on), what is not like-for-like, the forest plot, its tables and how much
    the pooled studies disagree; or, when a side has no figure, which filter removed it and a button to clear them."""
    if heading:
        st.subheader(v.heading)
    if v.empty:
        st.warning(md_escape(v.message), icon=":material/compare_arrows:")
        if ctx is not None:
            _which_filters(v, ctx, key)
        return
    # The plain answer first (people per 100, who, how sure), for the hurried reader; GRADE's sentence with its
    # numbers one line below it, or one click below with the plain-language switch on.
    key_message(v.plain or v.message)
    if v.plain:
        if plain_mode():
            with st.expander("In GRADE's words, with the numbers", key=f"{key}_words"):
                st.text(v.message)
        else:
            st.caption(md_escape("In GRADE's words: " + v.message))
    if v.warnings:
        st.warning(md_escape("Not like-for-like: " + " ".join(v.warnings)), icon=":material/compare_arrows:")
    chart(v.screen_fig, v.alt, v.rows, key=key, counts=v.counts, title=v.title)
    if v.note:
        st.caption(md_escape(v.note))


def _which_filters(v, ctx: Context, key: str) -> None:
    """Say which active filters removed the answer's figures, and offer to clear them."""
    ids = row_ids(curated().members, *v.set_ids)
    culprits = filters_removing(ctx.all_rows[ctx.all_rows["row_id"].isin(ids)], ctx.filters)
    if not culprits:
        return
    labels = {attr: label.lower() for attr, label, _ in FILTER_WIDGETS} | {"years": "publication year"}
    st.caption("Removed by the " + ", ".join(labels[c] for c in culprits) + f" filter{'s' if len(culprits) > 1 else ''}.")
    st.button("Clear the filters", key=f"{key}_clear", on_click=_reset_filters, icon=":material/filter_alt_off:")


def answer(ctx: Context, dimension: str) -> None:
    """Open a question page with its side-by-side answer: the headline set, then any other set the reader picks."""
    st.header("The answer, side by side")
    if ctx.source_key and ctx.source_key[0] == "upload":
        st.info("Comparison sets are curated for the published dataset, so they are not drawn for uploaded data. "
                "Every uploaded figure is shown below.", icon=":material/upload_file:")
        return
    try:
        choices = dict(views.set_choices(dimension))
    except DataValidationError as err:
        st.error("The comparison sets did not pass their checks, so no side-by-side answer is drawn. "
                 f"{len(err.problems)} problem(s) were found; each is listed below.")
        st.dataframe(err.as_frame(), hide_index=True)
        return
    head = view(views.headline, ctx, dimension, wait="Comparing like with like…")
    show_comparison(head, key=f"{dimension}_headline", heading=False, ctx=ctx)
    st.subheader("Each comparison in detail")
    st.caption("Each set holds only figures that measure the same thing: the same outcome, population class, time "
               "window, kind of comparator and effect measure.")
    pick = st.selectbox("Comparison", list(choices), format_func=choices.get, key=f"{dimension}_set")
    detail = view(views.comparison, ctx, pick)
    if _same_drawing(detail, head):
        # The headline set, when the dashboard pools nothing in it: its full forest plot is the one above, row for row.
        # Drawing it again made a reader scroll past a duplicate (and sent it twice).
        st.caption("This is the comparison drawn above, row for row. Pick another comparison to see it here.")
        return
    show_comparison(detail, key=f"{dimension}_set_detail", heading=False, ctx=ctx)


def _same_drawing(a, b) -> bool:
    """Whether two comparison views would draw the same thing (the same sentence and the same chart)."""
    if a.message != b.message or a.empty != b.empty:
        return False
    return a.empty or serialised(a.screen_fig).to_dict() == serialised(b.screen_fig).to_dict()


SOF_TABLE_COLUMNS = {"outcome": "Outcome", "studies": "Evidence (figures, people or studies)",
                     "ketamine": "Ketamine against its control", "traditional": "Traditional against its control",
                     "direct": "Ketamine against an established treatment (same trials)",
                     "indirect": "Indirect comparison (not randomised)", "certainty": "Certainty (GRADE)",
                     "why": "Why (GRADE's five domains)", "technical": "In GRADE's words", "plain": "In plain words",
                     "read_in": "Where its figures were read"}
SOF_PAGES = {"onset": "Onset", "durability": "Durability", "non_response": "Non_response",
             "side_effects": "Side_effects"}


def summary_of_findings(ctx: Context, key: str, dimension: str | None = None) -> None:
    """The summary of findings: each outcome's plain answer first (people per 100, who, how sure), then the GRADE
    table with relative and absolute effects, certainty and reasons one click below; `dimension` keeps one question's
    rows."""
    if ctx.source_key and ctx.source_key[0] == "upload":
        st.caption("The summary of findings is curated for the published dataset, not drawn for uploads.")
        return
    table = view(findings.summary_of_findings, ctx, wait="Summarising the findings…")
    if dimension is not None:
        table = table[table["dimension"] == dimension]
    if table.empty:
        st.caption("No outcome of the summary of findings has figures in the current selection.")
        return
    for r in table.itertuples():
        st.markdown(f"**{md_escape(r.outcome)}.** {md_escape(r.plain)}")
    st.caption(findings.CERTAINTY_KEY)
    with st.expander("The summary-of-findings table: effects, certainty and reasons, in GRADE's words", key=f"{key}_open"):
        shown = table[list(SOF_TABLE_COLUMNS)].rename(columns=SOF_TABLE_COLUMNS)
        # Each row links to its question's page, where its forest plot is drawn with one labelled row per study.
        shown.insert(1, "Forest plot", table["dimension"].map(SOF_PAGES))
        st.dataframe(shown, hide_index=True, key=f"{key}_table", column_config={
            "Forest plot": st.column_config.LinkColumn("Forest plot", display_text="Open its page")})
        st.caption("Each row's forest plot, with one labelled row per study, is on its question's page (the link "
                   "in its row); pick the row's comparison under 'Each comparison in detail'.")
        download_csv(shown, "Download the summary of findings (CSV)", "summary_of_findings.csv", key=f"{key}_csv")


def what_changed(key: str) -> None:
    """A folded panel listing what the current data version changed since the one before, in plain text."""
    from ..changes import latest_changes

    changes = latest_changes()
    if changes is None:
        return
    since = f" (since {changes.previous})" if changes.previous else ""
    with st.expander(f"What changed in data version {changes.version}{since}", key=key):
        if changes.summary:
            st.text(changes.summary)
        for point in changes.points:
            st.text("• " + point)
        st.caption("From data/CHANGELOG.md, which also gives each file's checksum.")


def chart_title(title: str) -> None:
    """Set a chart's title above it as page text, which wraps on a narrow screen (a Plotly title does not)."""
    if title:
        st.markdown(f"**{md_escape(title)}**")


def plotly(fig: go.Figure, alt: str, key: str) -> None:
    """Draw a Plotly figure with its alt text, keeping our own colour-blind-safe styling (no Streamlit theme)."""
    # No toolbar: on touch screens it sat over legend titles, and its eight small buttons each took a Tab stop.
    # Charts download as PNG images from the Briefing page instead.
    # `serialised`: a cached view's figure is turned into what is sent once, not once per session and rerun.
    st.plotly_chart(serialised(fig), alt=alt, key=key, theme=None,
                    config={"displaylogo": False, "responsive": True, "displayModeBar": False})


def natural_frequency(rows: pd.DataFrame, key: str, filled: str, other: str) -> None:
    """In plain-language mode, let the reader pick one percentage and see it as 'out of 100 people'."""
    if not plain_mode() or rows.empty:
        return
    with st.container(border=True):
        st.markdown("**Out of 100 people**")
        labels = (rows["study"] + " · " + rows["treatment_group"] + " · " + rows["outcome_label"]).tolist()
        pick = st.selectbox("Figure to picture", range(len(rows)), format_func=lambda i: labels[i], key=key)
        r = rows.iloc[pick]
        from ..charts import COLOURS, icon_array, untitled

        fig = icon_array(float(r["value"]), filled, other, COLOURS[r["treatment_group"]])
        chart_title(fig.layout.title.text)
        plotly(untitled(fig), f"Picture of 100 people: {round(float(r['value']))} {filled}, from {r['study']} "
                    f"({r['treatment_group']}, {r['population']}).", key=f"{key}_chart")
        st.caption(md_escape(f"{r['value']:g}% rounded to whole people. {r['population'].capitalize()}; "
                             f"{r['certainty']} certainty. Source: {r['study']}."))


def within(text: str, limit: int) -> str:
    """Return the first `limit` characters of a typed text, saying so when more was typed or pasted.

    Used instead of a box's own character limit, which empties the box when a longer text is pasted into it."""
    text = text or ""
    if len(text) > limit:
        st.caption(f"Only the first {limit} characters are used.")
        return text[:limit]
    return text


def key_message(text: str) -> None:
    """Show a computed one-line message for a chart (data text escaped)."""
    st.success(md_escape(text), icon=":material/lightbulb:")


def empty(what: str, ctx: Context) -> None:
    """Say that the filters leave nothing to show, and what to widen."""
    active = [label.lower() for attr, label, _ in FILTER_WIDGETS if getattr(ctx.filters, attr)]
    if ctx.filters.years is not None:
        active.append("publication year")
    hint = ("Widen or clear these filters: " + ", ".join(active) + ".") if active else "No figures of this kind are in the dataset yet."
    st.warning(f"No {what} match the current filters. {hint}", icon=":material/filter_alt_off:")


def download_csv(rows: pd.DataFrame, label: str, filename: str, key: str, leave_out: tuple[str, ...] = ()) -> None:
    """Offer rows, less the `leave_out` columns, as a CSV that is safe to open in a spreadsheet (formula cells
    neutralised).

    The file is written when the button is clicked, not on every run of the page (it was half of the evidence
    explorer's rerun), and the click does not rerun the page."""
    def write() -> bytes:
        return spreadsheet_safe(rows.drop(columns=list(leave_out), errors="ignore")).to_csv(index=False).encode(
            "utf-8-sig")
    st.download_button(label, data=write, file_name=filename, mime="text/csv", key=key, on_click="ignore")
