"""The licence clause matrix (openexplorer.analyses.clauses) and `openexplorer clauses`."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from openexplorer.analyses import clauses
from openexplorer.db.cache import Cache
from openexplorer.cli import main
from openexplorer.analyses.clauses import CLAUSES, REVIEW, USABLE
from openexplorer.hub.evidence import record_from_hub
from openexplorer.core.records import ImportResult
from openexplorer.store.cache_file import open_cache
from openexplorer.store.ingest import ingest

LLAMA_31 = "LicenseRef-scancode-llama-3.1-license-2024"
FETCHED = "2026-06-01T12:00:00Z"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("clauses") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def matrix(cache) -> list[clauses.LicenseClauses]:
    return clauses.clause_matrix(cache)


def row(matrix, license_id) -> clauses.LicenseClauses:
    return next(lc for lc in matrix if lc.license_id == license_id)


def test_llama_31_shows_its_700_million_user_threshold_and_use_policy(matrix):
    llama = row(matrix, LLAMA_31)
    assert llama.name == "Llama 3.1 Community License Agreement"
    thresholds = llama.cell("thresholds")
    assert thresholds.value == "yes"
    assert [r.threshold for r in thresholds.refs] == [700_000_000]
    assert thresholds.text == "yes: 700 million monthly active users"
    assert thresholds.refs[0].clause == "§2 Additional Commercial Terms"
    assert thresholds.refs[0].url.endswith("models/llama3_1/LICENSE")
    policy = llama.cell("acceptable_use")
    assert policy.value == "yes" and policy.restrictive
    assert policy.refs[0].clause.startswith("§1.b.iv")
    assert policy.refs[0].url.endswith("models/llama3_1/USE_POLICY.md")
    assert llama.commercial_use == "restricted"
    assert llama.cell("attribution").value == "yes"  # "Built with Llama"
    assert llama.cell("output_use").value == "no"  # 3.1 dropped Llama 2's output ban
    assert row(matrix, "LicenseRef-scancode-llama-2-license-2023").cell("output_use").value \
        == "yes"
    assert clauses.needs_legal_review(llama)
    assert "a user threshold" in llama.review_reasons()


def test_apache_is_usable_commercially_without_review(matrix):
    apache = row(matrix, "Apache-2.0")
    assert clauses.usable_commercially_without_review(apache)
    assert not clauses.needs_legal_review(apache)
    assert apache.bucket == USABLE
    assert apache.commercial_use == "allowed"
    assert {c: apache.cell(c).value for c in CLAUSES if c not in ("commercial_use",
                                                                   "attribution")} == \
        dict.fromkeys(set(CLAUSES) - {"commercial_use", "attribution"}, "no")
    notice = apache.cell("attribution")  # a notice duty, not a restriction
    assert notice.value == "yes" and not notice.restrictive and notice.text == "notice"
    assert notice.refs[0].clause.startswith("§4")


def test_cc_by_nc_is_not_usable_commercially(matrix):
    nc = row(matrix, "CC-BY-NC-4.0")
    assert nc.commercial_use == "not allowed"
    assert nc.cell("commercial_use").refs[0].clause.startswith("§2(a)(1)")
    assert not clauses.usable_commercially_without_review(nc)
    assert nc.bucket == REVIEW
    assert "non-commercial use only" in nc.review_reasons()


def test_an_unrecognised_licence_needs_review(matrix):
    made_up = clauses.license_clauses("Frobnicator Model Licence 9", releases=1)
    assert not made_up.recognised
    assert clauses.needs_legal_review(made_up)
    assert made_up.bucket == REVIEW
    assert made_up.review_reasons() == ["unrecognised licence text"]
    assert {made_up.cell(c).value for c in CLAUSES} == {"unknown"}
    hunyuan = row(matrix, "Tencent Hunyuan Community License Agreement")  # as sources wrote it
    assert hunyuan.bucket == REVIEW and not hunyuan.recognised


def test_counts_per_licence_equal_release_summary(cache, matrix):
    independent = Counter(r[0] for r in cache.conn.execute(
        "SELECT license_id FROM release_summary"))
    assert {lc.license_id: lc.releases for lc in matrix} == dict(independent)
    assert len(matrix) == len(independent)
    assert sum(lc.releases for lc in matrix) == \
        cache.conn.execute("SELECT count(*) FROM release_summary").fetchone()[0]
    assert matrix[-1].license_id is None and matrix[-1].name == clauses.NO_LICENCE
    assert matrix[-1].bucket == REVIEW
    assert [lc.releases for lc in matrix[:-1]] == sorted((lc.releases for lc in matrix[:-1]),
                                                        reverse=True)


def test_every_restriction_cell_points_at_a_clause_and_url(matrix):
    checked = 0
    for lc in matrix:
        for clause in CLAUSES:
            cell = lc.cell(clause)
            if cell.value in ("yes", "restricted", "not allowed") and cell.restrictive:
                assert cell.refs, (lc.name, clause)
                for ref in cell.refs:
                    assert ref.clause and ref.url.startswith("https://"), (lc.name, clause)
                    checked += 1
    assert checked > 40


def test_no_means_the_terms_are_known(matrix):
    nvidia = row(matrix, "LicenseRef-scancode-nvidia-open-model-2025-04-28")
    assert not nvidia.terms_known  # recognised, but no restrictions recorded from its text
    assert {nvidia.cell(c).value for c in CLAUSES} == {"unknown"}
    assert nvidia.bucket == REVIEW
    rail = row(matrix, "Apache-2.0 AND LicenseRef-openexplorer-openrail")
    assert rail.cell("acceptable_use").value == "yes"
    assert rail.cell("thresholds").value == "unknown"  # OpenRAIL family: variants differ


@pytest.mark.parametrize(("license_id", "usable"), [
    ("MIT", True), ("BSD-3-Clause", True), ("CC-BY-4.0", True), ("CC0-1.0", True),
    ("GPL-3.0-only", False),  # share-alike
    ("LGPL-2.1-only", False),  # copyleft by category, even without a recorded clause
    ("CC-BY-SA-4.0", False),
    ("LicenseRef-scancode-gemma-tou-2024-04-01", False),
    ("LicenseRef-openexplorer-lfm-1.0", False),
    ("Apache-2.0 AND MIT", True),
    ("Apache-2.0 AND CC-BY-NC-4.0", False),
    ("unknown", False),
    (None, False),
])
def test_bucket_rule(license_id, usable):
    lc = clauses.license_clauses(license_id)
    assert clauses.usable_commercially_without_review(lc) is usable, lc.review_reasons()
    assert clauses.needs_legal_review(lc) is not usable


def test_cc0_needs_no_attribution():
    assert clauses.license_clauses("CC0-1.0").cell("attribution").value == "no"


def test_buckets_partition_the_releases(cache, matrix):
    counts = clauses.bucket_counts(matrix)
    usable = clauses.release_ids_in_bucket(cache, USABLE, matrix)
    review = clauses.release_ids_in_bucket(cache, REVIEW, matrix)
    assert len(usable) == counts[USABLE][1] and len(review) == counts[REVIEW][1]
    assert not set(usable) & set(review)
    everything = {r[0] for r in cache.conn.execute("SELECT release_id FROM release_summary")}
    assert set(usable) | set(review) == everything
    assert "allenai/olmo-7b" in usable and "meta-llama/llama-3.1-8b" in review
    assert None in clauses.license_ids_in_bucket(matrix, REVIEW)


def test_hub_gates_excluding_the_eu_are_regional_restrictions(tmp_path):
    def body(repo: str, eu: bool) -> dict:
        return {"id": repo, "gated": "manual" if eu else False, "tags": [],
                "siblings": [{"rfilename": "model.safetensors"}],
                "cardData": {"license": "mit", **({"extra_gated_eu_disallowed": True}
                                                  if eu else {})}}

    with Cache.open(tmp_path / "hub.sqlite") as small:
        ingest(small, ImportResult(records=[
            record_from_hub(body("acme/open", False), fetched_at=FETCHED),
            record_from_hub(body("acme/no-eu", True), fetched_at=FETCHED)]))
        mit = row(clauses.clause_matrix(small), "MIT")
    assert mit.releases == 2 and mit.eu_gated_releases == 1
    regional = mit.cell("regional")
    assert regional.value == "yes"
    assert regional.refs[0].clause == "Hub gating: extra_gated_eu_disallowed"
    assert "acme/no-eu" in regional.refs[0].summary
    assert mit.bucket == REVIEW  # an EU gate on a release needs a look, whatever the licence
    assert any("EU" in reason for reason in mit.review_reasons())


def test_outputs(matrix):
    data = json.loads(clauses.matrix_json(matrix))
    llama = next(r for r in data if r["license_id"] == LLAMA_31)
    assert llama["thresholds"]["clauses"][0]["threshold"] == 700_000_000
    assert llama["bucket"] == REVIEW
    rows = list(csv.DictReader(io.StringIO(clauses.matrix_csv(matrix))))
    assert len(rows) == len(matrix)
    assert next(r for r in rows if r["license_id"] == LLAMA_31)["thresholds"].startswith(
        "yes: 700 million")
    text = clauses.matrix_markdown(matrix, "2026-06-01")
    assert "§2 Additional Commercial Terms" in text
    assert "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/USE_POLICY.md" \
        in text
    assert "Not legal advice" in text and "Data snapshot: 2026-06-01" in text


def test_clauses_command(capsys, cache):
    db = str(cache.path)
    assert main(["--db", db, "clauses", "--format", "json", "--commercial-without-review"]) == 0
    usable = json.loads(capsys.readouterr().out)
    assert usable and all(r["usable_commercially_without_review"] for r in usable)
    assert "Apache-2.0" in {r["license_id"] for r in usable}
    assert "CC-BY-NC-4.0" not in {r["license_id"] for r in usable}
    assert main(["--db", db, "clauses", "--needs-review", "--format", "csv"]) == 0
    review = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["bucket"] for r in review} == {REVIEW}
    assert main(["--db", db, "clauses"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].startswith("licence")
    assert "Llama 3.1 Community License Agreement" in table
    assert main(["--db", db, "clauses", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Licence clause matrix")
    with pytest.raises(SystemExit):
        main(["clauses", "--commercial-without-review", "--needs-review"])
    capsys.readouterr()
