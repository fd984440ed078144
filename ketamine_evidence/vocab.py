"""Controlled vocabularies for the evidence dataset.

One place for every allowed value, so the pandera models, the Frictionless
descriptor test, the filters and the charts all agree.
"""

DIMENSIONS = ("onset", "durability", "non_response", "side_effects")

DIMENSION_LABELS = {
    "onset": "Onset speed",
    "durability": "Durability",
    "non_response": "Response and non-response",
    "side_effects": "Side effects",
}

OUTCOMES = (
    "response",
    "remission",
    "non_response",
    "relapse",
    "sustained_response",
    "time_to_response",
    "time_to_relapse",
    "duration_of_benefit",
    "symptom_change",
    "effect_size",
    "adverse_event",
    "discontinuation_adverse_events",
    "discontinuation_any",
    "vital_sign_change",
    "cognition",
    "prognostic",  # how well early improvement predicts later outcome; not a response rate
)

SCALES = ("MADRS", "HAM-D", "QIDS-SR", "BDI", "CADSS", "CGI", "other", "none")

# Order matters: it is the legend order on every chart.
TREATMENT_GROUPS = (
    "IV ketamine",
    "Esketamine",
    "Other ketamine",
    "SSRI",
    "SNRI",
    "TCA",
    "Other antidepressant",
    "Antidepressants (pooled)",
    # The comparator arm of the esketamine trials: an oral antidepressant (newly started in TRANSFORM, continued in
    # SUSTAIN-1) plus a placebo nasal spray. It is an antidepressant arm, not a placebo arm.
    "Antidepressant + placebo spray",
    "Placebo",
    "Active placebo",
    "ECT",
    "Other comparator",
)

KETAMINE_GROUPS = ("IV ketamine", "Esketamine", "Other ketamine")
TRADITIONAL_GROUPS = ("SSRI", "SNRI", "TCA", "Other antidepressant", "Antidepressants (pooled)",
                      "Antidepressant + placebo spray")
COMPARATOR_GROUPS = ("Placebo", "Active placebo", "ECT", "Other comparator")

FAMILIES = ("Ketamine", "Traditional antidepressants", "Placebo and comparators")

ROUTES = ("intravenous", "intranasal", "oral", "intramuscular", "subcutaneous", "mixed", "not applicable")
REGIMENS = ("monotherapy", "add-on", "mixed or not reported")
POPULATIONS = (
    "treatment-resistant depression",
    "major depression",
    "bipolar depression",
    "depression with suicidal ideation",
    "mixed unipolar and bipolar depression",
    "antidepressant users, mixed diagnoses",
)
DESIGNS = (
    "RCT",
    "meta-analysis",
    "network meta-analysis",
    "open-label trial",
    "case series",
    "observational cohort",
    "product label",
    "secondary analysis",
    "systematic review",  # a review that reports weighted averages or ranges, with no pooled model
)
# Designs whose figure sums up several studies (their n is everyone in them; they may give a number of studies).
REVIEW_DESIGNS = ("meta-analysis", "network meta-analysis", "systematic review")
CONTROL_TYPES = (
    "saline placebo",
    "active placebo",
    "pill placebo",
    "placebo + oral antidepressant",
    "active treatment",
    "none (uncontrolled)",
    "no treatment (observational comparison)",  # people not prescribed the drug, in the same cohort
    "mixed",
)
TIME_UNITS = ("minutes", "hours", "days", "weeks", "months")
HOURS_PER = {"minutes": 1 / 60, "hours": 1.0, "days": 24.0, "weeks": 168.0, "months": 730.5}
TIME_ANCHORS = ("first dose", "last dose", "randomisation")
UNITS = (
    "%",
    "patients",
    "hours",
    "days",
    "weeks",
    "odds ratio",
    "risk ratio",
    "hazard ratio",
    "rate ratio",
    "relative reduction (%)",  # (1 - ratio) x 100 as a source prints it: not a share of patients
    "% of events",  # a share of events (e.g. of all relapses), not of patients
    "SMD",
    "mean difference",
    "percentage points",
    "points",
    "mmHg",
    "NNT",
)
RATIO_UNITS = ("odds ratio", "risk ratio", "hazard ratio", "rate ratio")
RELATIVE_UNITS = RATIO_UNITS + ("relative reduction (%)", "SMD", "mean difference", "percentage points", "NNT")
AE_COURSES = ("acute/transient", "persistent", "not applicable")
CERTAINTY = ("high", "moderate", "low", "very low")

# Where a figure was read (its provenance level), most direct first. The codes are stored; the labels are shown.
PROVENANCE_LABELS = {
    "full_text": "The paper (full text or table)",
    "abstract": "The paper's abstract",
    "label_registry": "Official label or registry",
    "secondary": "Secondary report",
}
PROVENANCE = tuple(PROVENANCE_LABELS)


def counted(n: int, word: str, plural: str | None = None) -> str:
    """Return '1 figure', '2 figures': a count with its noun in the right number."""
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def family_of(group: str) -> str:
    """Return the family (ketamine, traditional, comparator) a treatment group belongs to."""
    if group in KETAMINE_GROUPS:
        return FAMILIES[0]
    if group in TRADITIONAL_GROUPS:
        return FAMILIES[1]
    return FAMILIES[2]
