"""The typed release view (openexplorer.views.model, issue #15): it carries today's dict exactly.

For every release of the bundled snapshot, with ``detail`` on and off, ``to_json(from_dict(d))``
is ``d`` and serialises to the same JSON, key order included; every value fits the declared
types (Literal vocabularies included). A second cache adds what the snapshot lacks: Hub
records (gating, base-model chains with a cycle and a base outside the cache, card
completeness), a MOF view resting on a user's correction alone, and logged changes.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import json
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from openexplorer.core.records import Assessment, ImportResult, SourceRecord
from openexplorer.db.cache import Cache
from openexplorer.hub.evidence import record_from_hub
from openexplorer.store.cache_file import open_cache
from openexplorer.store.ingest import ingest
from openexplorer.views import model
from openexplorer.views.model import (
    MofComponent,
    MofView,
    ReleaseView,
    UserCitation,
    from_dict,
    to_json,
)
from openexplorer.views.release import release_view

REPO = Path(__file__).resolve().parent.parent
FETCHED = "2025-03-21T12:00:00Z"


# --- a checker of values against the model's annotations --------------------------------------


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def type_errors(value: Any, hint: Any, path: str = "view") -> list[str]:
    """Where ``value`` does not fit ``hint`` (empty when it fits), recursing into dataclasses,
    tuples and mappings. Literal values must be among the literal's values; ``float`` takes
    an int (as the typing rules do), ``int`` and ``float`` never take a bool."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return []
    if hint is type(None):
        return [] if value is None else [f"{path}: {value!r} is not None"]
    if origin is typing.Literal:
        return [] if value in args and not isinstance(value, bool) else [
            f"{path}: {value!r} not one of {args}"]
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return [] if type(None) in args else [f"{path}: None is not {hint}"]
        errors: list[str] = []
        for arg in args:
            if arg is not type(None):
                errors = type_errors(value, arg, path)
                if not errors:
                    return []
        return [f"{path}: {type(value).__name__} fits none of {hint}", *errors]
    if origin is tuple:
        if not isinstance(value, tuple):
            return [f"{path}: {type(value).__name__} is not a tuple"]
        return [e for i, item in enumerate(value) for e in type_errors(item, args[0],
                                                                       f"{path}[{i}]")]
    if origin is collections.abc.Mapping:
        if not isinstance(value, collections.abc.Mapping):
            return [f"{path}: {type(value).__name__} is not a mapping"]
        return [e for k, v in value.items()
                for e in type_errors(k, args[0], f"{path} key") + type_errors(v, args[1],
                                                                              f"{path}[{k!r}]")]
    if dataclasses.is_dataclass(hint):
        if type(value) is not hint:
            return [f"{path}: {type(value).__name__} is not {hint.__name__}"]
        return [e for name, field_hint in _hints(hint).items()
                for e in type_errors(getattr(value, name), field_hint, f"{path}.{name}")]
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not a number"]
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not an int"]
    if hint in (bool, str):
        return [] if isinstance(value, hint) else [f"{path}: {value!r} is not {hint.__name__}"]
    raise AssertionError(f"{path}: the checker does not know {hint!r}")


def check_round_trip(d: dict[str, Any]) -> ReleaseView:
    """Build the typed view of ``d``, and check it types and gives ``d`` back exactly."""
    view = from_dict(d)
    errors = type_errors(view, ReleaseView)
    assert not errors, f"{d['id']}: {errors[:5]}"
    back = to_json(view)
    assert back == d, d["id"]
    assert json.dumps(back) == json.dumps(d), f"{d['id']}: key order differs"
    assert view.detail == ("evidence" in d)
    return view


def all_views(cache: Cache) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(detail view, summary view) of every release in the cache, as their JSON dicts; the
    typed views release_view builds are checked against the model's annotations on the way."""
    ids = [row[0] for row in cache.conn.execute("SELECT id FROM releases ORDER BY id")]
    out = []
    for release_id in ids:
        full, brief = release_view(cache, release_id), release_view(cache, release_id,
                                                                    detail=False)
        assert full is not None and brief is not None
        for view in (full, brief):
            errors = type_errors(view, ReleaseView)
            assert not errors, f"{release_id}: {errors[:5]}"
        assert full.detail and not brief.detail
        out.append((to_json(full), to_json(brief)))
    return out


# --- the bundled snapshot -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_views(tmp_path_factory: pytest.TempPathFactory
                   ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    with open_cache(tmp_path_factory.mktemp("view-model") / "cache.sqlite") as cache:
        return all_views(cache)


def test_every_snapshot_release_round_trips_with_and_without_detail(snapshot_views):
    assert len(snapshot_views) > 500
    for full, brief in snapshot_views:
        check_round_trip(full)
        check_round_trip(brief)


def test_the_snapshot_covers_both_mof_key_orders_and_the_evidence_outcomes(snapshot_views):
    """The shapes the round trip must keep apart are in the data (else the test above
    would prove less than it says)."""
    mof_orders = {tuple(full["mof"]) for full, _ in snapshot_views}
    assert len(mof_orders) == 2
    rows = [r for full, _ in snapshot_views for r in full["evidence"]]
    assert any("outcome" in r for r in rows) and any("outcome" not in r for r in rows)
    assert any(r["resolved_license"] is None for r in rows if "outcome" in r)
    for part in ("osai_legacy", "epoch", "fmti"):
        assert any(full[part] for full, _ in snapshot_views), part
    assert any(full["osaid"]["osi_published"] for full, _ in snapshot_views)
    assert any(full["license"]["restrictions"] for full, _ in snapshot_views)


def test_field_names_are_the_keys_and_class_is_class_underscore(snapshot_views):
    full = next(f for f, _ in snapshot_views if f["mof"]["class"] is not None)
    view = from_dict(full)
    assert view.mof.class_ == full["mof"]["class"]
    assert view.mof.progress is not None and view.mof.progress["III"] == \
        full["mof"]["progress"]["III"]
    assert view.mof.components is not None
    name, component = next(iter(view.mof.components.items()))
    assert component.class_ == full["mof"]["components"][name]["class"]
    assert view.osaid.verdict == full["osaid"]["verdict"]
    assert view.license.commercial_use == full["license"]["commercial_use"]
    assert view.evidence is not None and len(view.evidence) == len(full["evidence"])
    # Every field but class_ is a key of the dict it comes from.
    assert {f.name for f in dataclasses.fields(ReleaseView)} == set(full)
    assert {f.name for f in dataclasses.fields(MofView)} - {"class_"} | {"class"} == \
        set(full["mof"])


def test_a_summary_view_has_no_detail_parts(snapshot_views):
    _, brief = snapshot_views[0]
    view = from_dict(brief)
    assert not view.detail
    assert view.mof.components is None and "components" not in to_json(view)["mof"]
    assert view.evidence is view.base_chain is view.changes is view.family_size is None
    assert "evidence" not in to_json(view) and "hub" in to_json(view)


def test_the_view_is_frozen():
    view = MofView()
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.total = 1.0  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        view.extra = 1  # type: ignore[attr-defined]  # slots: no new attributes


def test_the_type_checker_of_this_suite_catches_a_wrong_value():
    outcome = MofComponent("included", "MIT", "component", True, None, "III")
    assert type_errors(outcome, MofComponent) == []
    assert type_errors(dataclasses.replace(outcome, state="bogus"), MofComponent)  # type: ignore[arg-type]
    assert type_errors(dataclasses.replace(outcome, class_="IV"), MofComponent)  # type: ignore[arg-type]
    listed = MofView(progress={"III": 1.0}, components={"Model card": outcome})
    assert type_errors(listed, MofView) == []
    assert type_errors(dataclasses.replace(listed, progress={"IV": 1.0}), MofView)
    assert type_errors(dataclasses.replace(listed, provisional=1), MofView)  # type: ignore[arg-type]


# --- what the snapshot lacks: Hub records, lineage, user corrections, changes ----------------------


def hub_record(repo: str, *bases: str, license: str = "apache-2.0",  # noqa: A002
               relation: str = "finetune", gated: Any = False,
               datasets: tuple[str, ...] = (), card: str | None = None) -> SourceRecord:
    tags = [f"base_model:{relation}:{b}" for b in bases] + [f"license:{license}"]
    tags += [f"dataset:{d}" for d in datasets] + ["arxiv:2402.00838"]
    body = {
        "id": repo, "sha": "0" * 40, "gated": gated, "private": False, "tags": tags,
        "cardData": {"license": license, "datasets": list(datasets),
                     "extra_gated_prompt": "Agree" if gated else None},
        "siblings": [{"rfilename": "model.safetensors"}, {"rfilename": "config.json"},
                     {"rfilename": "README.md"}],
        "downloads": 1234, "likes": 5, "library_name": "transformers",
        "createdAt": "2024-01-01T00:00:00.000Z", "pipeline_tag": "text-generation",
    }
    return record_from_hub(body, card, fetched_at=FETCHED)


CARD = "---\nlicense: llama2\n---\n# Model\n## Training data\nWeb text.\n## Evaluation\nGood.\n"


@pytest.fixture(scope="module")
def extended_views(tmp_path_factory: pytest.TempPathFactory
                   ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    with Cache.open(tmp_path_factory.mktemp("view-model-hub") / "cache.sqlite") as cache:
        ingest(cache, ImportResult(records=[
            hub_record("org/chat", "org/instruct", datasets=("org/sft",)),
            hub_record("org/instruct", "org/base", relation="adapter", gated="manual"),
            hub_record("org/base", license="llama2", card=CARD),
            hub_record("cyc/a", "cyc/b"), hub_record("cyc/b", "cyc/a"),
            hub_record("org/orphan", "gone/base", relation="quantized"),
            hub_record("merge/m", "org/base", "org/instruct", relation="merge"),
        ]))
        # A MOF view that rests on the user's correction alone.
        ingest(cache, ImportResult(records=[SourceRecord(
            source="user", key="solo/model/Datasets", name="Solo", hub_id="solo/Model",
            assessed_date="2026-11-01",
            assessments=[Assessment("mof", "Datasets", "present", license="CC-BY-4.0",
                                    license_given=True, urls=("https://example.org/data",))])]))
        # A re-import that changes a rating: logged as a change.
        for status, now in (("partial", "2026-01-01T00:00:00+00:00"),
                            ("open", "2026-02-01T00:00:00+00:00")):
            ingest(cache, ImportResult(records=[SourceRecord(
                source="osai", key="OLMo", name="OLMo", hub_id="org/chat", modality="text",
                assessments=[Assessment("osai", "paper", status)])]), now=now)
        return all_views(cache)


def test_hub_lineage_user_and_change_views_round_trip(extended_views):
    views = {full["id"]: check_round_trip(full) for full, _ in extended_views}
    for _, brief in extended_views:
        check_round_trip(brief)

    chat = views["org/chat"]
    assert chat.hub is not None and chat.hub.gated is False and chat.hub.datasets == ("org/sft",)
    assert chat.base_chain and chat.base_chain[0].relation == "finetune"
    assert chat.inherited_limits and chat.changes
    assert chat.changes[0].field == "osai:paper"
    assert any(row.automated for row in chat.evidence or ())
    instruct = views["org/instruct"]
    assert instruct.hub is not None and instruct.hub.gated == "manual"
    assert instruct.hub.extra_gated_fields
    assert views["org/base"].hub is not None and views["org/base"].hub.card_completeness
    assert any(link.cycle for link in views["cyc/a"].base_chain or ())
    orphan = views["org/orphan"].base_chain or ()
    assert orphan and not orphan[0].known and orphan[0].name is None
    assert any(link.seen for link in views["merge/m"].base_chain or ())
    assert isinstance(views["solo/model"].mof.source, UserCitation)


# --- types ----------------------------------------------------------------------------------------


def test_the_model_passes_mypy_strict():
    pytest.importorskip("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--no-incremental", "--cache-dir", "/dev/null", str(Path(model.__file__))],
        cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
