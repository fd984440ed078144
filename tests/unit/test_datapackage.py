"""The data is versioned: the descriptor matches the CSVs and the schema in code, and no CSV edit goes out
without a new version and a changelog entry."""

import hashlib
import json
import re
from pathlib import Path

import frictionless
import pytest

from ketamine_evidence import vocab
from ketamine_evidence.data import DATA_DIR, EVIDENCE_COLUMNS, SOURCE_COLUMNS

DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
CHANGELOG = (DATA_DIR / "CHANGELOG.md").read_text(encoding="utf-8")


def resource(name):
    return next(r for r in DESCRIPTOR["resources"] if r["name"] == name)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changelog_entries() -> list[tuple[str, str]]:
    """Return (version, body) for each '## X.Y.Z' entry, newest first."""
    parts = re.split(r"^## (\d+\.\d+\.\d+)\b.*$", CHANGELOG, flags=re.M)
    return list(zip(parts[1::2], parts[2::2]))


RESOURCES = [r["name"] for r in DESCRIPTOR["resources"]]


def test_every_csv_in_data_is_a_versioned_resource():
    assert {r["path"] for r in DESCRIPTOR["resources"]} == {p.name for p in DATA_DIR.glob("*.csv")}


@pytest.mark.parametrize("name", RESOURCES)
def test_csv_checksum_matches_recorded_version(name):
    res = resource(name)
    assert res["hash"] == f"sha256:{sha256(DATA_DIR / res['path'])}", (
        f"{res['path']} changed without a new data version: run scripts/stamp_data.py and add a CHANGELOG entry")


def test_newest_changelog_entry_is_the_current_version_and_quotes_every_checksum():
    entries = changelog_entries()
    assert entries, "data/CHANGELOG.md has no '## X.Y.Z' entry"
    version, body = entries[0]
    assert version == DESCRIPTOR["version"]
    for name in RESOURCES:
        digest = resource(name)["hash"].split(":", 1)[1]
        assert digest in body, f"CHANGELOG entry {version} does not quote the {name} checksum"


def test_changelog_versions_are_unique_and_newest_first():
    versions = [tuple(map(int, v.split("."))) for v, _ in changelog_entries()]
    assert versions == sorted(set(versions), reverse=True)


def test_descriptor_fields_match_the_code_schema():
    assert [f["name"] for f in resource("evidence")["schema"]["fields"]] == list(EVIDENCE_COLUMNS)
    assert [f["name"] for f in resource("sources")["schema"]["fields"]] == list(SOURCE_COLUMNS)
    enums = {f["name"]: f.get("constraints", {}).get("enum") for f in resource("evidence")["schema"]["fields"]}
    assert enums["treatment_group"] == list(vocab.TREATMENT_GROUPS)
    assert enums["dimension"] == list(vocab.DIMENSIONS)
    assert enums["unit"] == list(vocab.UNITS)


def test_frictionless_validates_the_package_including_foreign_keys_and_hashes():
    report = frictionless.validate(str(DATA_DIR / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
