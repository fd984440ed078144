"""Write data/datapackage.json (Frictionless Data Package) from the schema in code, with the CSVs' checksums.

Usage:  python scripts/stamp_data.py 1.1.0
Then add a "## 1.1.0" entry to data/CHANGELOG.md that quotes every checksum printed here.
tests/unit/test_datapackage.py fails until both are done, so no CSV edit goes out unversioned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ketamine_evidence import vocab  # noqa: E402
from ketamine_evidence.comparison_sets import MEMBER_COLUMNS, OVERLAP_COLUMNS, SET_COLUMNS  # noqa: E402
from ketamine_evidence.data import EVIDENCE_COLUMNS, SOURCE_COLUMNS  # noqa: E402
from ketamine_evidence.after_stopping import COLUMNS as AFTER_STOPPING_COLUMNS  # noqa: E402
from ketamine_evidence.grade import GRADE_COLUMNS  # noqa: E402
from ketamine_evidence.teaching import SEQUENCE_COLUMNS  # noqa: E402

DATA = ROOT / "data"

EVIDENCE_FIELDS = {
    "row_id": ("string", "Unique id: source id, a hyphen, a number.", {"required": True, "unique": True}),
    "source_id": ("string", "The source the figure was read in (sources.csv).", {"required": True}),
    "dimension": ("string", "Which of the four questions the figure answers.", {"required": True, "enum": list(vocab.DIMENSIONS)}),
    "outcome": ("string", "Kind of outcome.", {"required": True, "enum": list(vocab.OUTCOMES)}),
    "outcome_label": ("string", "Short label for charts.", {"required": True}),
    "outcome_definition": ("string", "Outcome as the source defines it (scale, threshold).", {"required": True}),
    "scale": ("string", "Rating scale behind the outcome.", {"required": True, "enum": list(vocab.SCALES)}),
    "treatment": ("string", "Treatment as the source names it (drug, dose, schedule).", {"required": True}),
    "treatment_group": ("string", "Treatment group used for colour and comparison.", {"required": True, "enum": list(vocab.TREATMENT_GROUPS)}),
    "route": ("string", "Route of administration.", {"required": True, "enum": list(vocab.ROUTES)}),
    "regimen": ("string", "Given alone or added to an antidepressant.", {"required": True, "enum": list(vocab.REGIMENS)}),
    "population": ("string", "Who was studied.", {"required": True, "enum": list(vocab.POPULATIONS)}),
    "design": ("string", "Study design of the source.", {"required": True, "enum": list(vocab.DESIGNS)}),
    "control_type": ("string", "What the study compared against.", {"required": True, "enum": list(vocab.CONTROL_TYPES)}),
    "compared_with": ("string", "For relative effects: the comparator.", {}),
    "time_reported": ("string", "Time point in the source's words.", {}),
    "time_value": ("number", "Time point as a number, in time_unit.", {"minimum": 0}),
    "time_unit": ("string", "Unit of time_value.", {"enum": list(vocab.TIME_UNITS)}),
    "time_hours": ("number", "time_value in hours (minutes/60, days x24, weeks x168, months x730.5).", {"minimum": 0}),
    "time_anchor": ("string", "What the time is counted from.", {"enum": list(vocab.TIME_ANCHORS)}),
    "value": ("number", "The figure as reported.", {"required": True}),
    "unit": ("string", "Unit or effect measure of value.", {"required": True, "enum": list(vocab.UNITS)}),
    "ci_low": ("number", "Lower confidence limit, where given.", {}),
    "ci_high": ("number", "Upper confidence limit, where given.", {}),
    "ci_level": ("number", "Confidence level in percent.", {"minimum": 1, "maximum": 99.9}),
    "n": ("integer", "Participants the figure rests on.", {"minimum": 1}),
    "n_studies": ("integer", "Studies pooled (meta-analyses).", {"minimum": 1}),
    "adverse_effect_course": ("string", "Side effects: acute/transient or persistent.", {"enum": list(vocab.AE_COURSES)}),
    "certainty": ("string", "Certainty rating (GRADE wording).", {"required": True, "enum": list(vocab.CERTAINTY)}),
    "certainty_reason": ("string", "One line on why.", {"required": True}),
    "caveats": ("string", "What a reader must know before comparing.", {}),
    "location": ("string", "Where in the source the figure stands.", {"required": True}),
    "provenance": ("string", "Where the figure was read: full_text = the paper itself (full text or one of its tables); "
                   "abstract = the paper's own abstract; label_registry = an official product label or a trial registry; "
                   "secondary = a secondary report (news, a summary site, another paper quoting it).",
                   {"required": True, "enum": list(vocab.PROVENANCE)}),
    "read_at_url": ("string", "Address where the figure was read.", {"required": True, "pattern": r"https?://\S+"}),
}
SOURCE_FIELDS = {
    "source_id": ("string", "Unique id: first author and year.", {"required": True, "unique": True}),
    "short_citation": ("string", "Author year, for charts.", {"required": True}),
    "citation": ("string", "Full citation.", {"required": True}),
    "year": ("integer", "Publication year.", {"required": True, "minimum": 1950, "maximum": 2030}),
    "doi": ("string", "DOI.", {"pattern": r"10\.\d{4,9}/\S+"}),
    "pmid": ("string", "PubMed id.", {"pattern": r"\d{1,9}"}),
    "other_id": ("string", "Regulatory label number or official record, only where no DOI/PMID could be verified.", {}),
    "identifier_gap": ("string", "For a journal source without both a DOI and a PMID: which is missing and why (where it "
                       "was looked for). Empty when both are given; labels carry other_id instead.", {}),
    "design": ("string", "Study design.", {"required": True}),
    "population": ("string", "Population studied.", {"required": True}),
    "n": ("integer", "Participants in the source.", {"minimum": 1}),
    "url": ("string", "Address where the source was read.", {"required": True, "pattern": r"https?://\S+"}),
    "date_read": ("date", "Date the source was read.", {"required": True}),
    "notes": ("string", "Curator's notes.", {}),
}


def sha256(path: Path) -> str:
    """Return the file's SHA-256 hex digest."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fields(spec: dict, order: tuple[str, ...]) -> list[dict]:
    assert list(spec) == list(order), "field list out of step with ketamine_evidence.data"
    out = []
    for name in order:
        ftype, desc, cons = spec[name]
        field = {"name": name, "type": ftype, "description": desc}
        if cons:
            field["constraints"] = cons
        out.append(field)
    return out


# Curated text tables beside the evidence: versioned with it, so an edit to a claim or a teaching step is released too.
AUX_RESOURCES = {
    "claims": ("claims.csv", "Claims from the 2014 story, each with a verdict and the evidence rows it cites.",
               {"claim_id": "string", "claim": "string", "from": "string", "dimension": "string", "verdict": "string",
                "explanation": "string", "row_ids": "string"}, ["claim_id"]),
    "context": ("context.csv", "How each treatment is given, each statement with its source.",
                {"context_id": "string", "treatment_group": "string", "aspect": "string", "statement": "string",
                 "source_citation": "string", "source_id_type": "string", "source_id": "string",
                 "read_at_url": "string", "date_read": "date"}, ["context_id"]),
    "glossary": ("glossary.csv", "Plain and expert definitions of the terms used.",
                 {"term": "string", "plain": "string", "expert": "string"}, ["term"]),
    "teaching_sequence": ("teaching_sequence.csv", "The steps presenter mode follows, each with how a live class "
                          "answers it (a number in a range, or one of a few choices), the evidence rows its reveal "
                          "shows beside the class's answers, and for a choice step the option the evidence supports "
                          "(evidence_choice, with its reason in evidence_reason).",
                          {c: ("integer" if c == "step" else "number" if c in ("answer_min", "answer_max", "answer_step")
                               else "string") for c in SEQUENCE_COLUMNS}, ["step"]),
    "comparison_sets": ("comparison_sets.csv", "Comparison sets: groups of figures that measure the same thing "
                        "(outcome, population, time window, comparator, effect measure), one headline per question; "
                        "each is head-to-head (ketamine against an established treatment in the same trials), side "
                        "by side (each side against its own control, with an indirect comparison where the control "
                        "is common) or a harm, with its minimal important difference, eligibility rule and its row "
                        "of the summary of findings.",
                        {c: ("integer" if c in ("rank", "sof_order") else
                             "number" if c.startswith("window_m") or c == "mid" else "string")
                         for c in SET_COLUMNS}, ["set_id"]),
    "grade": ("grade.csv", "GRADE certainty of each body of evidence in each comparison set (a side, the direct "
              "contrast or the indirect comparison): where it starts and, for each of the five domains, a rating "
              "(not serious, serious, very serious) with a one-line reason.",
              {c: "string" for c in GRADE_COLUMNS}, ["set_id", "target"]),
    "after_stopping": ("after_stopping.csv", "Figures on what happens after treatment stops (how long benefit lasts, "
                       "relapse after stopping), each with what stopped and what differs, listed side by side and "
                       "never set against each other.", {c: "string" for c in AFTER_STOPPING_COLUMNS}, ["row_id"]),
    "comparison_members": ("comparison_members.csv", "The evidence rows in each comparison set, each with its side, "
                           "sample and the reason it fits.", {c: "string" for c in MEMBER_COLUMNS}, ["member_id"]),
    "sample_overlaps": ("sample_overlaps.csv", "Samples that share patients, never pooled together.",
                        {c: "string" for c in OVERLAP_COLUMNS}, ["sample_a", "sample_b"]),
}


# Keys between the curated tables that frictionless checks too (the loader checks them, and much more, in code).
AUX_FOREIGN_KEYS = {
    "comparison_members": [{"fields": ["set_id"], "reference": {"resource": "comparison_sets", "fields": ["set_id"]}}],
    "grade": [{"fields": ["set_id"], "reference": {"resource": "comparison_sets", "fields": ["set_id"]}}],
}


def _aux(name: str) -> dict:
    path, desc, fields, key = AUX_RESOURCES[name]
    f = DATA / path
    schema = {"fields": [{"name": k, "type": v} for k, v in fields.items()], "primaryKey": key, "missingValues": [""]}
    if name in AUX_FOREIGN_KEYS:
        schema["foreignKeys"] = AUX_FOREIGN_KEYS[name]
    return {"name": name, "path": path, "description": desc, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "hash": f"sha256:{sha256(f)}", "bytes": f.stat().st_size,
            "schema": schema}


def descriptor(version: str) -> dict:
    """Return the Data Package descriptor for the CSVs as they are now."""
    ev, src = DATA / "evidence.csv", DATA / "sources.csv"
    return {
        "name": "ketamine-vs-antidepressants-evidence",
        "title": "Ketamine vs traditional antidepressants: curated published figures",
        "version": version,
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "description": "One row per published figure (onset, durability, response/non-response, side effects), "
                       "each traced to its source and the address where it was read.",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0 (our curation; figures belong to their sources)"}],
        "resources": [
            {
                "name": "evidence", "path": "evidence.csv", "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "hash": f"sha256:{sha256(ev)}", "bytes": ev.stat().st_size,
                "schema": {
                    "fields": _fields(EVIDENCE_FIELDS, EVIDENCE_COLUMNS),
                    "primaryKey": ["row_id"],
                    "foreignKeys": [{"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}],
                    "missingValues": [""],
                },
            },
            {
                "name": "sources", "path": "sources.csv", "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "hash": f"sha256:{sha256(src)}", "bytes": src.stat().st_size,
                "schema": {"fields": _fields(SOURCE_FIELDS, SOURCE_COLUMNS), "primaryKey": ["source_id"],
                           "missingValues": [""]},
            },
            *[_aux(name) for name in AUX_RESOURCES],
        ],
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    desc = descriptor(argv[1])
    (DATA / "datapackage.json").write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"data/datapackage.json written for version {argv[1]}")
    for res in desc["resources"]:
        print(f"  {res['path']}: {res['hash']}")
    print("Now add this version, with these checksums, to data/CHANGELOG.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
