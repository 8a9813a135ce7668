"""The user's rubric: criterion values, scores, profiles, rankings against MOF and index,
sensitivity, and the ``rubric`` command."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from tests.view_parts import typed_view
from openexplorer.analyses import rubric
from openexplorer.cli import main
from openexplorer.frameworks import mof, osai
from openexplorer.store.cache_file import open_cache
from tests.test_watchlist import snapshot_cache


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = snapshot_cache(tmp_path_factory.mktemp("rubric") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def table(cache):
    return rubric.candidates(cache)


def _view(*, mof_states=None, osai_dims=None, license_text=None, modality="text"):
    """A release view with only what the rubric reads."""
    components = None
    if mof_states is not None:
        components = {c.name: {"state": mof_states.get(c.name, "missing")}
                      for c in mof.COMPONENTS}
    return typed_view({
        "license": {"as_written": license_text, "id": license_text},
        "mof": {"progress": {"III": 0, "II": 0, "I": 0} if components is not None else None,
                "components": components, "provisional": False},
        "osai": ({"source": {"source": "osai"}, "provisional": False, "score": 0.5,
                  "dimensions": {d.ref: osai_dims.get(d.ref) for d in osai.DIMENSIONS}}
                 if osai_dims is not None else {"source": None, "score": None,
                                                 "dimensions": {}}),
        "modality": modality,
    })


# -- criteria and values --------------------------------------------------------------------------


def test_thirty_criteria_licence_mof_index():
    assert len(rubric.CRITERIA) == 30
    frameworks = [c.framework for c in rubric.CRITERIA]
    assert frameworks.count("mof") == 17 and frameworks.count("osai") == 12
    assert frameworks.count("license") == 1
    assert len(set(rubric.KEYS)) == 30
    assert rubric.CRITERIA_BY_KEY["mof.model_parameters_final"].ref == "Model parameters (Final)"
    assert rubric.CRITERIA_BY_KEY["osai.trainingcode"].group == "Index: Availability"
    assert len(rubric.GROUP_KEYS["mof.class_iii"]) == 7
    assert set(rubric.GROUP_KEYS["osai.availability"]) == {
        f"osai.{r}" for r in ("datasources_basemodel", "datasources_endmodel",
                              "weights_basemodel", "weights_endmodel", "trainingcode")}


def test_status_values_mof_index_and_licence():
    view = _view(
        mof_states={"Model architecture": "included", "Training code": "open-with-warning",
                    "Model parameters (Final)": "invalid", "Datasets": "unlicensed"},
        osai_dims={"weights_endmodel": "open", "trainingcode": "partial", "paper": "closed"},
        license_text="Apache-2.0")
    values = rubric.criterion_values(view)
    assert values["mof.model_architecture"] == 1.0
    assert values["mof.training_code"] == 0.5
    assert values["mof.model_parameters_final"] == 0.0  # a licence the MOF does not count
    assert values["mof.datasets"] == 0.0
    assert values["mof.research_paper"] == 0.0  # not listed in the MOT record
    assert values["osai.weights_endmodel"] == 1.0
    assert values["osai.trainingcode"] == 0.5
    assert values["osai.paper"] == 0.0
    assert values["osai.datasheet"] == 0.0  # blank in an assessed record counts 0
    assert values["license"] == 1.0


@pytest.mark.parametrize(("text", "value"), [
    ("Apache-2.0", 1.0), ("MIT", 1.0), ("llama3.1", 0.5), ("cc-by-nc-4.0", 0.5),
    (None, None), ("", None), ("some words nobody knows", None),
])
def test_licence_openness(text, value):
    assert rubric.license_value(text) == value


def test_missing_framework_is_missing_evidence_not_zero():
    view = _view(osai_dims={d.ref: "open" for d in osai.DIMENSIONS})  # no MOT record
    values = rubric.criterion_values(view)
    assert all(values[k] is None for k in rubric.GROUP_KEYS["mof"])
    assert values["license"] is None
    equal = rubric.load_profile(None, "Equal")
    assert rubric.score(view, equal) == 1.0  # judged on what was assessed
    result = rubric.evaluate(values, equal)
    assert math.isclose(result.coverage, 12 / 30)
    assert math.isclose(rubric.score(view, equal, missing="zero"), 12 / 30)


def test_dimension_not_applicable_to_the_modality_is_left_out():
    view = _view(osai_dims={"weights_endmodel": "open"}, modality="text")
    # as if only one applied
    view = dataclasses.replace(view, osai=dataclasses.replace(
        view.osai, dimensions={"weights_endmodel": "open"}))
    values = rubric.criterion_values(view)
    assert values["osai.weights_endmodel"] == 1.0 and values["osai.paper"] is None


def test_score_is_the_weighted_mean():
    view = _view(mof_states={"Model architecture": "included"},
                 osai_dims={"trainingcode": "partial"}, license_text="llama3.1")
    weights = {"mof.model_architecture": 2, "osai.trainingcode": 1, "license": 1}
    assert math.isclose(rubric.score(view, weights), (2 * 1 + 1 * 0.5 + 1 * 0.5) / 4)
    # a precomputed values mapping scores the same
    assert math.isclose(rubric.score(rubric.criterion_values(view), weights),
                        rubric.score(view, weights))
    assert rubric.score(_view(), {"license": 1}) == 0.0  # no evidence at all


def test_score_of_a_summary_row_is_coarse_but_bounded(cache):
    row = cache.conn.execute(
        "SELECT * FROM release_summary WHERE mof_total IS NOT NULL AND osai_score IS NOT NULL "
        "LIMIT 1").fetchone()
    names = [d[0] for d in cache.conn.execute("SELECT * FROM release_summary").description]
    summary = dict(zip(names, row, strict=True))
    only_index = {k: 1.0 for k in rubric.GROUP_KEYS["osai"]}
    # every dimension takes its group's score; weighted like the index's groups
    value = rubric.score(summary, only_index)
    assert 0.0 <= value <= 1.0
    groups = {g.ref: len(g.params) for g in osai.GROUPS}
    expected = sum(summary[f"osai_{g}"] * n for g, n in groups.items()) / sum(groups.values())
    assert math.isclose(value, expected)
    assert math.isclose(value, summary["osai_score"], abs_tol=1e-9)


# -- weights and profiles -------------------------------------------------------------------------


@pytest.mark.parametrize("weights", [
    {"license": -1}, {"license": float("nan")}, {"license": 1000}, {"bogus": 1},
    {"license": 0}, {}, {"license": "many"},
])
def test_bad_weights_are_refused(weights):
    with pytest.raises(rubric.RubricError):
        rubric.check_weights(weights)


def test_parse_weights_keys_names_and_shorthands():
    weights = rubric.parse_weights("license=3, Inference code=2, osai.availability=0, mof=0.5")
    assert weights["license"] == 3
    assert weights["mof.inference_code"] == 0.5  # the later "mof=0.5" wins
    assert rubric.parse_weights("Inference code=2")["mof.inference_code"] == 2
    assert all(weights[k] == 0 for k in rubric.GROUP_KEYS["osai.availability"])
    assert weights["osai.paper"] == 1  # untouched: the Equal profile
    assert rubric.parse_weights("datasets=4")["mof.datasets"] == 4
    with pytest.raises(rubric.RubricError, match="ambiguous"):
        rubric.expand_key("Training Code")  # the MOF component or the index dimension?
    with pytest.raises(rubric.RubricError):
        rubric.parse_weights("license")
    with pytest.raises(rubric.RubricError):
        rubric.parse_weights("license=x")


def test_builtin_profiles():
    assert list(rubric.BUILTIN_PROFILES) == ["Equal", "Data first", "Developer"]
    equal = rubric.load_profile(None, "equal")
    assert set(equal.values()) == {1.0} and len(equal) == 30
    data = rubric.load_profile(None, "Data first")
    assert data["mof.datasets"] > data["mof.model_architecture"]
    assert data["osai.datasources_basemodel"] > data["osai.paper"]
    developer = rubric.load_profile(None, "Developer")
    assert developer["license"] > developer["mof.inference_code"] > developer["mof.datasets"]
    assert developer["mof.model_parameters_final"] > developer["mof.datasets"]
    with pytest.raises(rubric.RubricError):
        rubric.load_profile(None, "Nope")


def test_saved_profiles_round_trip(tmp_path):
    path = tmp_path / "p.sqlite"
    with open_cache(path, seed=False) as cache:
        weights = rubric.parse_weights("license=5")
        rubric.save_profile(cache, "Mine", weights)
        with pytest.raises(rubric.RubricError):
            rubric.save_profile(cache, "developer", weights)  # a built-in name
        with pytest.raises(rubric.RubricError):
            rubric.save_profile(cache, "  ", weights)
    with open_cache(path, seed=False) as cache:
        assert rubric.profile_names(cache)[-1] == "Mine"
        assert rubric.load_profile(cache, "mine")["license"] == 5
        assert rubric.profile_name(cache, "MINE") == "Mine"
        rubric.save_profile(cache, "Mine", rubric.parse_weights("license=2"))  # replaces
        assert rubric.load_profile(cache, "Mine")["license"] == 2
        assert rubric.delete_profile(cache, "Mine") is True
        assert rubric.delete_profile(cache, "Mine") is False
        with pytest.raises(rubric.RubricError):
            rubric.delete_profile(cache, "Equal")


# -- ranking --------------------------------------------------------------------------------------


def test_ranking_covers_the_assessed_releases_with_competition_ranks(cache, table):
    assessed = cache.conn.execute(
        "SELECT count(*) FROM release_summary WHERE origin = 'curated' AND "
        "(mof_total IS NOT NULL OR osai_score IS NOT NULL)").fetchone()[0]
    rows = rubric.rank_table(table, rubric.load_profile(None, "Equal"))
    assert len(rows) == len(table) == assessed
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)
    for before, after in zip(rows, rows[1:], strict=False):
        assert before.score >= after.score - 1e-12
        if math.isclose(before.score, after.score, abs_tol=1e-9):
            assert before.rank == after.rank  # ties share a rank
        else:
            assert after.rank == rows.index(after) + 1  # 1, 2, 2, 4
    assert rubric.ranking(cache, rubric.load_profile(None, "Equal"), limit=5) == rows[:5]


def test_mof_and_index_ranks_are_the_frameworks_own(cache, table):
    rows = rubric.rank_table(table, rubric.load_profile(None, "Equal"))
    totals = sorted((r.mof_total for r in rows if r.mof_total is not None), reverse=True)
    for row in rows:
        if row.mof_total is None:
            assert row.mof_rank is None and row.change_vs_mof is None
        else:
            assert row.mof_rank == 1 + sum(1 for t in totals if t > row.mof_total + 1e-9)
            assert row.change_vs_mof == row.mof_rank - row.rank_among_mof
    scores = {r[0]: r[1] for r in cache.conn.execute(
        "SELECT release_id, osai_score FROM release_summary WHERE osai_score IS NOT NULL")}
    for row in rows:
        if row.osai_score is not None:
            assert math.isclose(row.osai_score, scores[row.release_id])


def test_index_only_weights_reproduce_the_index_ranking(table):
    """Weighing the index's 12 dimensions equally is the index's own score and ranking."""
    weights = dict.fromkeys(rubric.GROUP_KEYS["osai"], 1.0)
    rows = rubric.rank_table(table, weights)
    checked = 0
    for row in rows:
        if row.osai_score is not None:
            assert math.isclose(row.score, row.osai_score, abs_tol=1e-9), row.name
            assert row.change_vs_osai == 0, row.name
            checked += 1
    assert checked > 200


def test_licence_only_weights(table):
    rows = rubric.rank_table(table, {"license": 1.0})
    olmo = next(r for r in rows if r.release_id == "allenai/olmo-7b")
    llama = next(r for r in rows if r.release_id == "meta-llama/llama-3.1-8b-instruct")
    assert olmo.score == 1.0 and llama.score == 0.5
    assert olmo.rank < llama.rank


def test_weights_move_the_ranking(table):
    equal = rubric.rank_table(table, rubric.load_profile(None, "Equal"))
    data = rubric.rank_table(table, rubric.load_profile(None, "Data first"))
    assert [r.release_id for r in equal[:30]] != [r.release_id for r in data[:30]]
    zero = rubric.rank_table(table, rubric.load_profile(None, "Equal"), missing="zero")
    # counting missing evidence as 0 favours releases both frameworks assessed
    assert zero[0].coverage > equal[0].coverage


def test_limit_must_be_positive(cache):
    with pytest.raises(rubric.RubricError):
        rubric.ranking(cache, {"license": 1}, limit=0)


# -- sensitivity ----------------------------------------------------------------------------------


def test_sensitivity_is_reproducible_and_bounded(table):
    first = rubric.sensitivity(table=table, samples=25, seed=3, watch=12)
    again = rubric.sensitivity(table=table, samples=25, seed=3, watch=12)
    assert first.as_dict() == again.as_dict()
    assert len(first.rows) == 12
    base = rubric.rank_table(table, rubric.load_profile(None, "Equal"))
    assert [r.release_id for r in first.rows] == [r.release_id for r in base[:12]]
    for row in first.rows:
        assert 0 <= row.top_share <= 1
        assert row.best_rank <= row.median_rank <= row.worst_rank
        assert row.order_share is None or 0 <= row.order_share <= 1
    assert first.rows[-1].above_next_share is None
    other = rubric.sensitivity(table=table, samples=25, seed=4, watch=12)
    assert other.as_dict() != first.as_dict()


def test_without_variation_every_conclusion_holds(table):
    result = rubric.sensitivity(table=table, samples=5, seed=0, spread=1.0, watch=10)
    base = rubric.rank_table(table, rubric.load_profile(None, "Equal"))
    for row, ranked in zip(result.rows, base, strict=False):
        assert row.best_rank == row.worst_rank == ranked.rank
        assert row.top_share == (1.0 if ranked.rank <= 10 else 0.0)
    assert result.conclusions and all(c.robust for c in result.conclusions)


def test_sensitivity_on_a_hand_built_table():
    """Three releases: A open everywhere, B open on the licence only, C a copy of B."""
    def candidate(name, values):
        return rubric.Candidate(name, name, None, None, None,
                                tuple(values.get(k) for k in rubric.KEYS), None, None, None,
                                False)
    a = candidate("A", dict.fromkeys(rubric.KEYS, 1.0))
    b = candidate("B", {**dict.fromkeys(rubric.KEYS, 0.0), "license": 1.0})
    c = candidate("C", {**dict.fromkeys(rubric.KEYS, 0.0), "license": 1.0})
    result = rubric.sensitivity(table=[a, b, c], samples=30, seed=1, top=1)
    by_name = {r.name: r for r in result.rows}
    assert by_name["A"].top_share == 1.0 and by_name["B"].top_share == 0.0
    texts = [x.text for x in result.conclusions]
    assert "A is in the top 1 under every weighting tried (always rank 1)" in texts
    assert any(t.startswith("B and C are tied under every weighting") for t in texts)
    assert "A stays ahead of B under every weighting tried" in texts


def test_sensitivity_arguments():
    with pytest.raises(rubric.RubricError):
        rubric.sensitivity(table=[], samples=0)
    with pytest.raises(rubric.RubricError):
        rubric.sensitivity(table=[], spread=0.5)
    assert rubric.sensitivity(table=[], samples=3).rows == []


# -- the command ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db(cache):
    return str(cache.path)


def test_cli_rubric_json(capsys, db):
    assert main(["--db", db, "rubric", "--profile", "developer", "--weights", "license=5",
                 "--limit", "5", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["profile"] == "Developer" and document["weights"]["license"] == 5
    assert len(document["ranking"]) == 5
    assert [r["rank"] for r in document["ranking"]] == sorted(r["rank"] for r in
                                                              document["ranking"])
    first = document["ranking"][0]
    assert {"id", "name", "score", "coverage", "mof_rank", "change_vs_mof", "osai_rank",
            "change_vs_osai"} <= first.keys()


def test_cli_rubric_table_sensitivity_and_saved_profile(capsys, db):
    assert main(["--db", db, "rubric", "--weights", "mof=2", "--save", "Mof heavy",
                 "--limit", "3", "--sensitivity", "--samples", "10"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Rubric: Mof heavy (changed)")
    assert "MOF rank (move)" in out and "Sensitivity: 10 weightings" in out
    assert "[holds ]" in out or "[varies]" in out
    assert main(["--db", db, "rubric", "--profile", "mof heavy", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "mof.datasets" in listing and "Mof heavy" in listing
    assert main(["--db", db, "rubric", "--delete", "Mof heavy"]) == 0


@pytest.mark.parametrize("args", [
    ["--weights", "bogus=1"], ["--profile", "Nope"], ["--limit", "0"],
    ["--weights", "license=0,mof=0,osai=0"], ["--delete", "Equal"], ["--save", "Equal"],
])
def test_cli_rubric_bad_arguments_exit_2(capsys, db, args):
    assert main(["--db", db, "rubric", *args]) == 2
    assert "openexplorer rubric:" in capsys.readouterr().err
