"""What changed in the current data version, read from data/CHANGELOG.md (the curators' own file). No Streamlit.

A returning teacher sees what moved since the last version. Only the newest entry is read; its bullets become
plain sentences (Markdown marks removed), never rendered as Markdown or HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .data import DATA_DIR


@dataclass(frozen=True)
class Changes:
    """The newest changelog entry: its version, the version before it, its date and its points in plain text."""

    version: str
    previous: str | None
    date: str
    summary: str
    points: tuple[str, ...]
    # Each point's bold lead ("Sets removed"), or its first sentence where it has none: what a front page lists.
    topics: tuple[str, ...] = ()


def _plain(text: str) -> str:
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def latest_changes(path: Path = DATA_DIR / "CHANGELOG.md") -> Changes | None:
    """Return the newest entry of the data changelog, or None when it has none."""
    text = path.read_text(encoding="utf-8")
    heads = list(re.finditer(r"^## (\d+\.\d+\.\d+)(?: — (\S+))?.*$", text, flags=re.M))
    if not heads:
        return None
    first = heads[0]
    body = text[first.end(): heads[1].start() if len(heads) > 1 else len(text)]
    # Bullets start a point; indented lines continue it; checksum lines are for the tests, not for readers.
    points, current = [], None
    summary = []
    for line in body.splitlines():
        if re.match(r"^- \S+\.csv sha256:", line):
            continue
        if line.startswith("- "):
            current = [line[2:]]
            points.append(current)
        elif line.startswith("  ") and current is not None:
            part = line.strip()
            current.append(("; " + part[2:]) if part.startswith("- ") else part)
        elif line.strip() and not points:
            summary.append(line.strip())
        elif not line.strip():
            current = None
    plain = tuple(_plain(" ".join(p)).replace(": ; ", ": ").replace(" ; ", "; ") for p in points)
    return Changes(version=first.group(1), previous=heads[1].group(1) if len(heads) > 1 else None,
                   date=first.group(2) or "", summary=_plain(" ".join(summary)), points=plain,
                   topics=tuple(_topic(raw[0], text) for raw, text in zip(points, plain)))


def _topic(raw: str, plain: str) -> str:
    """Return a point's bold lead, or else its first sentence, without a closing stop or colon."""
    lead = re.match(r"\*\*(.+?)\*\*", raw)
    return (_plain(lead.group(1)) if lead else plain.split(". ")[0]).rstrip(".:;, ")
