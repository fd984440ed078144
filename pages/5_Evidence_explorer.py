"""Evidence explorer and sources: every filtered row, searchable and downloadable, and every source with its link."""

import streamlit as st

from ketamine_evidence import evidence as ev, ui
from ketamine_evidence.vocab import DIMENSION_LABELS, counted


def body(ctx: ui.Context) -> None:
    st.header("All figures")
    c1, c2 = st.columns([2, 1])
    query = c1.text_input("Search the figures", key="explorer_query",
                          placeholder="e.g. dissociation, STAR*D, relapse, sertraline",
                          help="Matches words in the study, treatment, outcome, definition and caveats (plain text, not a pattern).")
    query = ui.within(query, 200)
    dims = c2.multiselect("Question", list(DIMENSION_LABELS), format_func=DIMENSION_LABELS.get,
                          key="explorer_dimensions", placeholder="All")
    rows = ev.search_rows(ctx.rows, query)
    if dims:
        rows = rows[rows["dimension"].isin(dims)]
    st.text(f"{len(rows):,} of {counted(len(ctx.all_rows), 'figure')} shown.")
    if rows.empty and query.strip() and not ev.search_rows(ctx.all_rows, query).empty:
        st.warning("No figure in the current filters contains every word of the search; some do once the filters "
                   "are cleared. Widen the filters or change the search.", icon=":material/search_off:")
    elif rows.empty and query.strip():
        st.warning("No figure in the dataset contains every word of the search. Try fewer or other words.",
                   icon=":material/search_off:")
    elif rows.empty:
        ui.empty("figures", ctx)
    else:
        # Each figure's id first: a lecturer's own question in presenter mode reveals figures by this id.
        columns = ["row_id", *[c for c in (ui.PLAIN_COLUMNS if ui.plain_mode() else ui.TABLE_COLUMNS) if c != "row_id"]]
        ui.table(rows, key="explorer_table", limit=None, columns=columns)
        ui.download_csv(rows, "Download these figures (CSV)",
                        "ketamine_evidence_filtered.csv", key="explorer_download", leave_out=("citation",))

    st.header("Sources")
    src = ui.source_table(ctx, rows)
    st.text(f"{len(src)} sources; {int((src['figures_shown'] > 0).sum())} have figures in the current view.")
    ui.table(src, key="explorer_sources", limit=None,
             columns=["short_citation", "citation", "year", "design", "population", "n", "figures_shown", "identifier", "link", "read_at"])


ui.run_page("Evidence explorer and sources", "Every figure in the dataset, with its source.", body)
