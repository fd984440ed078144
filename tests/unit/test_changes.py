"""The 'what changed' panel reads the newest data-changelog entry, as plain sentences for a returning reader."""

import json

from ketamine_evidence import briefing, evidence as ev
from ketamine_evidence.changes import latest_changes
from ketamine_evidence.data import DATA_DIR, load_dataset


def test_latest_changes_is_the_current_data_version_in_plain_words():
    changes = latest_changes()
    version = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert changes.version == version and changes.previous and changes.previous != version
    assert changes.points
    assert not [p for p in changes.points if "sha256" in p or "**" in p or "`" in p]


def test_changes_of_a_made_up_changelog(tmp_path):
    (tmp_path / "CHANGELOG.md").write_text(
        "# Data changelog\n\nIntro.\n\n## 3.1.0 — 2030-01-02\n\n- evidence.csv sha256: abc\n\nOne line.\n\n"
        "- **Added** two rows (`x-1`, `x-2`),\n  read in table 2.\n- Fixed a label.\n\n## 3.0.0 — 2029-01-01\n\n- Old.\n",
        encoding="utf-8")
    c = latest_changes(tmp_path / "CHANGELOG.md")
    assert (c.version, c.previous, c.date, c.summary) == ("3.1.0", "3.0.0", "2030-01-02", "One line.")
    assert c.points == ("Added two rows (x-1, x-2), read in table 2.", "Fixed a label.")
    assert c.topics == ("Added", "Fixed a label")  # a bold lead, or the first sentence, for a front page


def test_briefing_says_what_changed_in_this_data_version():
    d = load_dataset()
    rows = ev.with_sources(d.evidence, d.sources)
    doc = briefing.build_html(rows, d.sources, {"version": latest_changes().version}, "All figures", "http://x")
    assert f"What changed in data version {latest_changes().version}" in doc


def test_evidence_over_time_counts_every_figure_once_by_year_and_family():
    d = load_dataset()
    rows = ev.with_sources(d.evidence, d.sources)
    by_year = ev.evidence_by_year(rows)
    assert by_year["figures"].sum() == len(rows)
    assert {"Ketamine", "Traditional antidepressants"} <= set(by_year["family"])
