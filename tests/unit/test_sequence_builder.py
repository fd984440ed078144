"""A lecturer's own sequence: built from the evidence, saved as CSV, loaded back by the teaching sequence's own loader,
and kept with the class that follows it (SQLite and PostgreSQL)."""

import hashlib

import pandas as pd
import pytest

from ketamine_evidence import classroom as cr
from ketamine_evidence import evidence as ev
from ketamine_evidence import sequence_builder as sb
from ketamine_evidence.comparison_sets import curated
from ketamine_evidence.data import DataValidationError, load_dataset
from ketamine_evidence.teaching import FIGURES_VIEW, questions, read_sequence
from tests.pgserver import throwaway_postgres


@pytest.fixture(scope="module")
def rows():
    ds = load_dataset()
    return ev.with_sources(ds.evidence, ds.sources)


def _built(rows) -> list[dict]:
    """Three steps as a lecturer builds them: a set's figures, a summary-of-findings row, and figures by id."""
    sets = curated()
    addon = sb.set_figures("addon-remission-day28", sets, rows)
    picked = sb.default_figures(addon)
    number = sb.suggested_answer(addon[addon["row_id"].isin(picked)])
    sof_id = sb.sof_menu(sets)[0][0]
    sof = sb.set_figures(sof_id, sets, rows)
    steps = [
        sb.make_step(1, "=Added to a new antidepressant", "Out of every 100 patients starting esketamine with a new "
                     "antidepressant, how many do you expect to be in remission at day 28?", sb.set_view(
                         "addon-remission-day28"), picked, "Remissions per 100 at day 28", number["answer_type"],
                     answer_min=number["answer_min"], answer_max=number["answer_max"],
                     answer_step=number["answer_step"], answer_unit=number["answer_unit"],
                     after_reveal="-Each trial's arms, read against its own control arm."),
        sb.make_step(2, "Head to head", "Did more patients reach remission on esketamine than on the comparator?",
                     sb.set_view(sof_id), sb.default_figures(sof)[:1], "More remission on esketamine?", "choice",
                     choices=["Yes", "No", "Cannot tell"], evidence_choice="Yes",
                     evidence_reason="Its arms in the same trial are shown beside the class."),
        sb.make_step(3, "One figure", "Out of every 100 patients, how many respond within 24 hours?", FIGURES_VIEW,
                     ["han2016-1"], "Responders per 100 at 24 hours", "number", answer_min=0, answer_max=100,
                     answer_step=1, answer_unit="%"),
    ]
    for s in steps:
        assert not sb.check_step(s, rows), (s["title"], sb.check_step(s, rows))
    return steps


def test_a_built_sequence_saved_as_csv_loads_back_as_the_same_sequence(rows):
    steps = _built(rows)
    raw = sb.to_csv(steps)
    # Spreadsheet-safe: a title or text starting with = or - cannot run as a formula in the file ...
    assert b"\n1,'=Added" in raw and b",\"'-Each trial" in raw
    loaded = sb.load(raw, rows)
    # ... and loads back exactly as it was written.
    assert sb.steps_of(loaded) == steps
    qs = questions(loaded)
    assert qs[1].title == "=Added to a new antidepressant" and qs[2].answer == "Yes" and qs[3].reveal_rows == (
        "han2016-1",)


def test_the_curated_sequence_round_trips_through_the_builder(rows):
    seq = read_sequence(evidence=rows)
    again = sb.load(sb.to_csv(sb.steps_of(seq)), rows)
    pd.testing.assert_frame_equal(again, seq)


def test_a_broken_file_names_every_problem_by_line_and_column(rows):
    steps = _built(rows)
    steps[1]["evidence_choice"] = "Maybe"  # not one of its choices (line 3)
    steps[2]["answer_max"] = "lots"  # not a number (line 4)
    steps[2]["question"] = "How many respond within 24 hours? And within 48?"  # two questions (line 4)
    steps[0]["reveal_rows"] += ";nosuch-1"  # no such figure (line 2)
    with pytest.raises(DataValidationError) as info:
        sb.load(sb.to_csv(steps), rows, name="my.csv")
    found = {(p.line, p.column) for p in info.value.problems}
    assert {(3, "evidence_choice"), (4, "answer_max"), (4, "question"), (2, "reveal_rows")} <= found
    assert all(p.file == "my.csv" for p in info.value.problems)
    frame = info.value.as_frame()
    assert list(frame.columns[:4]) == ["file", "line", "row_id", "column"]


@pytest.mark.parametrize("raw, message", [
    (b"", "the file is empty"),
    (b"\x00\x01", "not text"),
    (b"step,title\n1,Only two columns\n", "this required column is missing"),
    (b"x" * (sb.MAX_UPLOAD_BYTES + 1), "at most 100 KB"),
])
def test_a_file_that_is_not_a_sequence_is_refused_in_words(rows, raw, message):
    with pytest.raises(DataValidationError) as info:
        sb.load(raw, rows)
    assert any(message in p.message for p in info.value.problems), info.value.problems


def test_an_unknown_column_is_named():
    steps = sb.to_frame([])
    raw = steps.assign(colour="").to_csv(index=False).encode()
    with pytest.raises(DataValidationError) as info:
        sb.load(raw, pd.DataFrame(columns=["row_id"]))
    assert any(p.column == "colour" and p.line == 1 for p in info.value.problems)


def test_a_set_offers_its_figures_treatment_arms_first_and_one_outcome_and_time_by_default(rows):
    sets = curated()
    menu = dict(sb.set_menu(sets))
    assert set(menu) == set(sets.sets["set_id"])
    assert [s for s, _ in sb.sof_menu(sets)] == list(sets.sets.dropna(subset=["sof_order"]).sort_values(
        "sof_order")["set_id"])
    for set_id in menu:
        figures = sb.set_figures(set_id, sets, rows)
        roles = list(figures["role"])
        assert roles == sorted(roles, key=lambda r: r != "treatment"), set_id
        picked = figures[figures["row_id"].isin(sb.default_figures(figures))]
        assert 1 <= len(picked) <= 3, set_id
        assert picked["outcome"].nunique() == 1 and picked["unit"].nunique() == 1, set_id
        assert picked["time_hours"].nunique(dropna=False) == 1, set_id
    assert sb.set_view("escape-remission-week8") == "set_escape_remission"  # a named view where one exists
    assert sb.set_view("harm-sexual") == "set:harm-sexual"


# --- kept with the class ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_url():
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'class.sqlite'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    engine = cr.make_engine(url)
    yield cr.ClassStore(engine)
    cr.metadata.drop_all(engine)
    engine.dispose()


def test_a_class_keeps_its_own_sequence_until_it_ends(store, rows):
    text = sb.text_of(_built(rows))
    room, secret = store.create(1, sequence=text)
    assert store.sequence(room) == (hashlib.sha256(text.encode()).hexdigest(), text)
    plain, _ = store.create(1)  # the old call: a class that follows the curated sequence
    assert store.sequence(plain) is None
    store.end(room, secret)
    assert store.sequence(room) is None


def test_an_expired_class_loses_its_sequence_with_it(store, rows):
    from datetime import timedelta

    now = [cr.utcnow()]
    store.clock = lambda: now[0]
    room, _ = store.create(1, sequence=sb.text_of(_built(rows)))
    now[0] += timedelta(hours=cr.SESSION_HOURS, minutes=1)
    store.purge_expired()
    assert store.sequence(room) is None


def test_a_sequence_too_long_to_keep_is_refused_in_words(store):
    with pytest.raises(cr.ClassError, match="too long"):
        store.create(1, sequence="x" * (cr.MAX_SEQUENCE_CHARS + 1))
