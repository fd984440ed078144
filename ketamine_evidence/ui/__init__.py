"""The Streamlit side of the dashboard, one module per concern; pages call it as `ui.<name>`.

- frame.py    the page frame every page calls: page config, sidebar, the notice, the error boundary (run_page)
- filters.py  the sidebar's filter widgets, the choices kept across pages, URL state and the share link
- cache.py    cached access: the dataset, each page's Context, filtered rows, shared views, claims, upload slots
- widgets.py  charts with their tables, tables, lazy expanders, views and answers, messages, downloads

This package is the only part of ketamine_evidence that imports Streamlit.

The names below are re-exported so pages need not know which module holds what. A test that monkeypatches a
name must patch the module that looks it up (e.g. `ui.widgets.plain_mode` for a table), not this package.
"""

from .cache import Context, claim_cards, claim_figures, claim_verdict, load, load_claims, source_table, upload_slot, view
from .filters import (DATA_CHOICES, FILTER_WIDGETS, MAIN_FILTERS, URL_KEYS, current_upload, filters_to_params,
                      plain_mode, share_link, term_help)
from .frame import ASSETS, DISCLAIMER, FOCUS_CSS, PAGES, page_frame, run_page, sidebar, slow_work
from .widgets import (PLAIN_COLUMNS, SUMMARY_COLUMNS, TABLE_COLUMNS, TABLE_LIMIT, answer, chart, chart_title,
                      download_csv, empty, key_message, lazy_expander, lazy_table, md_escape, natural_frequency,
                      plotly, show_comparison, show_view, summary_of_findings, table, what_changed, within)

__all__ = [
    "ASSETS", "DATA_CHOICES", "DISCLAIMER", "FILTER_WIDGETS", "FOCUS_CSS", "MAIN_FILTERS", "PAGES", "PLAIN_COLUMNS",
    "SUMMARY_COLUMNS", "TABLE_COLUMNS", "TABLE_LIMIT", "URL_KEYS", "Context", "answer", "chart", "chart_title",
    "claim_cards", "claim_figures", "claim_verdict", "current_upload", "download_csv", "empty", "filters_to_params", "key_message",
    "lazy_expander", "lazy_table", "load", "load_claims", "md_escape", "natural_frequency", "page_frame",
    "plain_mode", "plotly", "run_page", "share_link", "show_comparison", "show_view", "sidebar", "slow_work",
    "source_table", "summary_of_findings", "table", "term_help", "upload_slot", "view", "what_changed", "within",
]
