"""Fitted models saved, refused when incompatible, made current and reloaded across processes."""

from __future__ import annotations

import gc
import json
import weakref
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shopkeeper.ai.recommend import Interaction, InteractionLog, PopularityRecommender
from shopkeeper.ai.recommend import RecommendQuery as Query
from shopkeeper.core.config import Settings
from shopkeeper.core.errors import (
    ErrorCode,
    IncompatibleArtifactError,
    InvalidInputError,
    NotFoundError,
)
from shopkeeper.data.database import make_engine, make_session_factory, transaction
from shopkeeper.data.model_store import MANIFEST, PAYLOAD, ModelStore
from shopkeeper.data.pii import PiiCipher
from shopkeeper.domain.shops import Shop
from shopkeeper.services import models
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def log_favouring(sku: str) -> InteractionLog:
    return InteractionLog.from_records(
        [Interaction(sku, NOW - timedelta(days=1), 5.0), Interaction("OTHER", NOW, 1.0)]
    )


def fitted(sku: str = "A") -> PopularityRecommender:
    return PopularityRecommender(half_life_days=7).fit(log_favouring(sku))


def save(store: ModelStore, model: PopularityRecommender, run_id: int = 1) -> str:
    return store.save(model, shop_id=1, capability="recommend", run_id=run_id, params={})


def test_round_trip_keeps_predictions_and_writes_a_manifest(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, package_version="1.4.2")
    model = fitted()
    path = save(store, model)
    manifest = store.manifest(path)
    assert manifest.model_class == "shopkeeper.ai.recommend.popularity.PopularityRecommender"
    assert manifest.package_version == "1.4.2"
    loaded = ModelStore(tmp_path, package_version="1.4.9").load(path)
    assert loaded.predict(Query(k=2)) == model.predict(Query(k=2))


@pytest.mark.parametrize("reader_version", ["1.5.0", "2.4.2"])
def test_another_minor_or_major_release_refuses_the_artifact(
    tmp_path: Path, reader_version: str
) -> None:
    path = save(ModelStore(tmp_path, package_version="1.4.2"), fitted())
    with pytest.raises(IncompatibleArtifactError) as caught:
        ModelStore(tmp_path, package_version=reader_version).load(path)
    assert caught.value.code is ErrorCode.INCOMPATIBLE_ARTIFACT


def test_another_format_version_or_a_damaged_payload_is_refused(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    path = save(store, fitted())
    manifest_path = tmp_path / path / MANIFEST
    raw = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**raw, "format_version": 999}))
    with pytest.raises(IncompatibleArtifactError):
        store.load(path)
    manifest_path.write_text(json.dumps(raw))
    payload = tmp_path / path / PAYLOAD
    payload.write_bytes(payload.read_bytes()[:-1] + b"\x00")
    with pytest.raises(IncompatibleArtifactError):
        store.load(path)


def test_missing_artifact_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        ModelStore(tmp_path).load("shop-1/recommend/run-9")


@pytest.mark.postgres
def test_fit_and_store_records_a_current_run(runtime: Runtime, shop: Shop) -> None:
    first = models.fit_and_store(
        runtime,
        shop_id=shop.id,
        model=PopularityRecommender(),
        data=log_favouring("A"),
        data_end=NOW,
        metrics={"rows": 2},
    )
    second = models.fit_and_store(
        runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("B")
    )
    with transaction(runtime.sessions) as session:
        runs = models.list_runs(session, shop.id, "recommend")
    assert [(r.id, r.is_current) for r in runs] == [(second.id, True), (first.id, False)]
    assert runs[1].metrics == {"rows": 2}
    assert runs[1].params["half_life_days"] == 14.0
    assert runs[1].package_version == runtime.version
    current = models.load_current(runtime, shop_id=shop.id, capability="recommend")
    assert current.run.id == second.id
    assert current.as_type(PopularityRecommender).predict(Query(k=1))[0].sku == "B"
    # Rolling back serves the first model again.
    models.make_current(runtime, shop_id=shop.id, run_id=first.id)
    rolled = models.load_current(runtime, shop_id=shop.id, capability="recommend")
    assert rolled.model.predict(Query(k=1))[0].sku == "A"


def test_old_artifacts_are_pruned_but_the_current_and_newest_runs_keep_theirs(
    runtime: Runtime, shop: Shop
) -> None:
    def store(sku: str) -> models.ModelRun:
        return models.fit_and_store(
            runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring(sku)
        )

    first = store("A")
    store("B")
    third = store("C")
    # The first run is served again: pruning must spare it however old it gets.
    models.make_current(runtime, shop_id=shop.id, run_id=first.id)
    store_root = runtime.model_dir
    assert models.prune_artifacts(runtime, shop_id=shop.id, capability="recommend", keep=1) == 1
    with transaction(runtime.sessions) as session:
        runs = {r.id: r for r in models.list_runs(session, shop.id, "recommend")}
    assert len(runs) == 3  # rows stay for their metrics
    assert runs[first.id].artifact is not None
    assert runs[third.id].artifact is not None
    second = next(r for r in runs.values() if r.id not in (first.id, third.id))
    assert second.artifact is None
    assert not (store_root / f"shop-{shop.id}" / "recommend" / f"run-{second.id}").exists()
    assert (store_root / f"shop-{shop.id}" / "recommend" / f"run-{third.id}").exists()
    with pytest.raises(NotFoundError, match="deleted to save space"):
        models.make_current(runtime, shop_id=shop.id, run_id=second.id)
    served = models.load_current(runtime, shop_id=shop.id, capability="recommend")
    assert served.model.predict(Query(k=1))[0].sku == "A"


def test_storing_a_run_prunes_beyond_the_kept_number(
    runtime: Runtime, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "KEPT_ARTIFACTS", 2)
    stored = [
        models.fit_and_store(
            runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring(sku)
        )
        for sku in "ABC"
    ]
    with transaction(runtime.sessions) as session:
        runs = {r.id: r for r in models.list_runs(session, shop.id, "recommend")}
    # Storing the third run deleted the first one's model; the two newest keep theirs.
    assert [runs[r.id].artifact is not None for r in stored] == [False, True, True]
    with pytest.raises(InvalidInputError):
        models.prune_artifacts(runtime, shop_id=shop.id, capability="recommend", keep=0)


def test_load_current_without_any_run_is_not_found(runtime: Runtime, shop: Shop) -> None:
    with pytest.raises(NotFoundError):
        models.load_current(runtime, shop_id=shop.id, capability="recommend")


@pytest.mark.postgres
def test_a_retrain_in_another_runtime_is_picked_up_without_restart(
    runtime: Runtime, settings: Settings, shop: Shop, clock: FakeClock
) -> None:
    # A second process: its own engine and sessions, the same database and model folder.
    engine = make_engine(settings.database_url)
    trainer = Runtime(
        engine=engine,
        sessions=make_session_factory(engine),
        cipher=PiiCipher(settings.pii_key.get_secret_value()),
        model_dir=settings.model_dir,
        clock=clock,
    )
    try:
        models.fit_and_store(
            trainer, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("A")
        )
        cache = models.ModelCache(runtime, check_every_seconds=60)
        assert cache.warm() == 1
        assert cache.get(shop.id, "recommend").model.predict(Query(k=1))[0].sku == "A"

        retrained = models.fit_and_store(
            trainer, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("B")
        )
        # Within the check interval the worker keeps serving what it holds, without a query.
        clock.advance(seconds=30)
        assert cache.get(shop.id, "recommend").run.id != retrained.id
        clock.advance(seconds=31)
        served = cache.get(shop.id, "recommend")
        assert served.run.id == retrained.id
        assert served.model.predict(Query(k=1))[0].sku == "B"
        assert cache.refresh() == []  # nothing newer: nothing reloaded
    finally:
        engine.dispose()


def test_cache_keeps_the_old_model_when_the_new_artifact_is_unreadable(
    runtime: Runtime, shop: Shop
) -> None:
    models.fit_and_store(
        runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("A")
    )
    cache = models.ModelCache(runtime)
    cache.warm()
    newer = models.fit_and_store(
        runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("B")
    )
    assert newer.artifact is not None
    (runtime.model_dir / newer.artifact / PAYLOAD).write_bytes(b"garbage")
    assert cache.refresh() == []
    assert cache.get(shop.id, "recommend").model.predict(Query(k=1))[0].sku == "A"


def test_a_server_cache_keeps_its_models_out_of_full_collections_yet_frees_replaced_ones(
    runtime: Runtime, shop: Shop
) -> None:
    models.fit_and_store(
        runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("A")
    )
    cache = models.ModelCache(runtime, freeze_loaded=True)
    try:
        cache.warm()
        assert gc.get_freeze_count() > 0
        first = cache.get(shop.id, "recommend").model
        # A reference cycle: only the collector can free it, and it never walks frozen objects.
        first.__dict__["itself"] = first
        gone = weakref.ref(first)
        del first
        models.fit_and_store(
            runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("B")
        )
        assert cache.refresh() == [(shop.id, "recommend")]
        assert gone() is None
        assert cache.get(shop.id, "recommend").model.predict(Query(k=1))[0].sku == "B"
    finally:
        gc.unfreeze()


def test_a_server_cache_serves_the_old_model_while_the_retrained_one_loads_behind(
    runtime: Runtime, shop: Shop, clock: FakeClock
) -> None:
    models.fit_and_store(
        runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("A")
    )
    cache = models.ModelCache(runtime, check_every_seconds=30, reload_in_background=True)
    # Nothing held yet: the first ask waits for the load.
    assert cache.get(shop.id, "recommend").model.predict(Query(k=1))[0].sku == "A"
    models.fit_and_store(
        runtime, shop_id=shop.id, model=PopularityRecommender(), data=log_favouring("B")
    )
    clock.advance(seconds=31)
    # The check is due: it starts behind the request, which gets the model held. Holding
    # the lock a reload takes keeps the reload from finishing first.
    with cache._lock:
        assert cache.get(shop.id, "recommend").model.predict(Query(k=1))[0].sku == "A"
    cache.wait_for_reload()
    assert cache.get(shop.id, "recommend").model.predict(Query(k=1))[0].sku == "B"
