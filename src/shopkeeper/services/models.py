"""Model runs: fit a model, store it as a versioned artifact, make it current, serve it.

A retrain (a job, the CLI, another worker) calls :func:`fit_and_store`; every API worker
holds a :class:`ModelCache` that notices the new current run and swaps it in, so nobody
restarts anything after a retrain.
"""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shopkeeper.ai.base import Model
from shopkeeper.core.errors import InvalidInputError, NotFoundError, ShopkeeperError
from shopkeeper.data.database import transaction
from shopkeeper.data.model_store import ModelStore
from shopkeeper.data.tables import ModelRunRow
from shopkeeper.services.runtime import Runtime

log = logging.getLogger(__name__)

AnyModel = Model[Any, Any, Any]
M = TypeVar("M", bound=AnyModel)
# Capabilities whose models only batch jobs read (their outputs are stored as rows): API
# workers never load them, which keeps a 10,000-series forecaster out of every worker.
BATCH_ONLY_CAPABILITIES = frozenset({"forecast", "replenish.simulation"})


@dataclass(frozen=True, slots=True)
class ModelRun:
    """One fit of one model for one shop: what, with which params, on which data, how good."""

    id: int
    shop_id: int
    capability: str
    model_name: str
    package_version: str
    params: dict[str, Any]
    data_start: datetime | None
    data_end: datetime | None
    metrics: dict[str, Any]
    artifact: str | None
    is_current: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A current model with the run it came from."""

    run: ModelRun
    model: AnyModel

    def as_type(self, cls: type[M]) -> M:
        """The model, checked to be a ``cls`` (a capability may switch model class)."""
        if not isinstance(self.model, cls):
            raise InvalidInputError(
                f"current {self.run.capability} model is {self.run.model_name}, not {cls.name()}"
            )
        return self.model


def _to_run(row: ModelRunRow) -> ModelRun:
    return ModelRun(
        id=row.id,
        shop_id=row.shop_id,
        capability=row.capability,
        model_name=row.model_name,
        package_version=row.package_version,
        params=dict(row.params),
        data_start=row.data_start,
        data_end=row.data_end,
        metrics=dict(row.metrics),
        artifact=row.artifact,
        is_current=row.is_current,
        created_at=row.created_at,
    )


# Runs of one capability whose fitted models stay on disk for a rollback; older ones are
# deleted (pricing refits six times a day: 20 runs are more than three days back).
KEPT_ARTIFACTS = 20


def model_store(runtime: Runtime) -> ModelStore:
    return ModelStore(runtime.model_dir, package_version=runtime.version)


def fit_and_store(
    runtime: Runtime,
    *,
    shop_id: int,
    model: AnyModel,
    data: Any,
    data_start: datetime | None = None,
    data_end: datetime | None = None,
    metrics: dict[str, Any] | None = None,
    make_current: bool = True,
    capability: str | None = None,
) -> ModelRun:
    """Fit ``model`` on ``data`` and record it with :func:`store_fitted`."""
    model.fit(data)
    return store_fitted(
        runtime,
        shop_id=shop_id,
        model=model,
        data_start=data_start,
        data_end=data_end,
        metrics=metrics,
        make_current=make_current,
        capability=capability,
    )


def store_fitted(
    runtime: Runtime,
    *,
    shop_id: int,
    model: AnyModel,
    data_start: datetime | None = None,
    data_end: datetime | None = None,
    metrics: dict[str, Any] | None = None,
    make_current: bool = True,
    capability: str | None = None,
) -> ModelRun:
    """Save a fitted model as the artifact of a new model run, current unless told otherwise.

    ``capability`` defaults to the model's own; a shop serving two models of one capability
    side by side (say ``"recommend"`` and ``"recommend.session"``) names the second slot.
    """
    model.check_fitted()
    capability = capability or model.capability
    store = model_store(runtime)
    artifact: str | None = None
    try:
        with transaction(runtime.sessions) as session:
            row = ModelRunRow(
                shop_id=shop_id,
                capability=capability,
                model_name=model.name(),
                package_version=runtime.version,
                params=model.params(),
                data_start=data_start,
                data_end=data_end,
                metrics=metrics or {},
                is_current=False,
                created_at=runtime.clock.now(),
            )
            session.add(row)
            session.flush()  # the run id names the artifact folder
            artifact = store.save(
                model,
                shop_id=shop_id,
                capability=capability,
                run_id=row.id,
                params=model.params(),
            )
            row.artifact = artifact
            if make_current:
                _clear_current(session, shop_id, capability)
                row.is_current = True
            session.flush()
            run = _to_run(row)
    except BaseException:
        # The run was never recorded, so its artifact would be an orphan nobody loads.
        if artifact is not None:
            store.delete(artifact)
        raise
    log.info("model run %s: %s for shop %s", run.id, run.model_name, shop_id)
    prune_artifacts(runtime, shop_id=shop_id, capability=capability)
    return run


def prune_artifacts(
    runtime: Runtime, *, shop_id: int, capability: str, keep: int | None = None
) -> int:
    """Delete the artifacts of a capability's runs older than its newest ``keep``
    (:data:`KEPT_ARTIFACTS` when ``None``).

    Pricing refits every few hours and forecasting every night: without this, a year of
    runs fills the disk with models nobody will load again. The current run always keeps
    its artifact, so does any run among the newest ``keep`` (the rollback window); older
    rows stay, without artifact, for their metrics. Returns how many artifacts were deleted.
    """
    keep = KEPT_ARTIFACTS if keep is None else keep
    if keep < 1:
        raise InvalidInputError("keep at least one model artifact", keep=keep)
    with transaction(runtime.sessions) as session:
        newest = select(ModelRunRow.id).where(
            ModelRunRow.shop_id == shop_id, ModelRunRow.capability == capability
        )
        kept = set(session.scalars(newest.order_by(ModelRunRow.id.desc()).limit(keep)))
        old = session.scalars(
            select(ModelRunRow).where(
                ModelRunRow.shop_id == shop_id,
                ModelRunRow.capability == capability,
                ModelRunRow.artifact.is_not(None),
                ModelRunRow.is_current.is_(False),
            )
        ).all()
        pruned = [row for row in old if row.id not in kept]
        paths = [str(row.artifact) for row in pruned]
        for row in pruned:
            row.artifact = None
    # Files go after the rows are committed: a crash in between leaves an orphan folder,
    # never a run that points to a missing artifact.
    store = model_store(runtime)
    for path in paths:
        store.delete(path)
    if paths:
        log.info("pruned %d old %s model artifacts for shop %s", len(paths), capability, shop_id)
    return len(paths)


def _clear_current(session: Session, shop_id: int, capability: str) -> None:
    session.execute(
        update(ModelRunRow)
        .where(
            ModelRunRow.shop_id == shop_id,
            ModelRunRow.capability == capability,
            ModelRunRow.is_current.is_(True),
        )
        .values(is_current=False)
    )


def current_run(session: Session, shop_id: int, capability: str) -> ModelRun | None:
    row = session.scalar(
        select(ModelRunRow)
        .where(
            ModelRunRow.shop_id == shop_id,
            ModelRunRow.capability == capability,
            ModelRunRow.is_current.is_(True),
        )
        .order_by(ModelRunRow.id.desc())
        .limit(1)
    )
    return _to_run(row) if row is not None else None


def list_runs(
    session: Session, shop_id: int, capability: str | None = None, *, limit: int = 50
) -> list[ModelRun]:
    query = select(ModelRunRow).where(ModelRunRow.shop_id == shop_id)
    if capability is not None:
        query = query.where(ModelRunRow.capability == capability)
    rows = session.scalars(query.order_by(ModelRunRow.id.desc()).limit(limit))
    return [_to_run(r) for r in rows]


def make_current(runtime: Runtime, *, shop_id: int, run_id: int) -> ModelRun:
    """Serve an earlier run again (a rollback after a bad retrain)."""
    with transaction(runtime.sessions) as session:
        row = session.get(ModelRunRow, run_id)
        if row is None or row.shop_id != shop_id:
            raise NotFoundError(f"no stored model run {run_id}", run_id=run_id)
        if row.artifact is None:
            raise NotFoundError(
                f"model run {run_id} cannot be served again: its model was deleted to save "
                f"space (each capability keeps the models of its last {KEPT_ARTIFACTS} runs)",
                run_id=run_id,
            )
        _clear_current(session, shop_id, row.capability)
        row.is_current = True
        session.flush()
        return _to_run(row)


def load_run(runtime: Runtime, run: ModelRun) -> LoadedModel:
    if run.artifact is None:
        raise NotFoundError(f"model run {run.id} has no artifact", run_id=run.id)
    model: AnyModel = model_store(runtime).load(run.artifact)
    return LoadedModel(run=run, model=model)


def load_current(runtime: Runtime, *, shop_id: int, capability: str) -> LoadedModel:
    """The current model of a capability (``NotFoundError`` when none was fitted yet)."""
    with transaction(runtime.sessions) as session:
        run = current_run(session, shop_id, capability)
    if run is None:
        raise NotFoundError(
            f"no {capability} model has been fitted for this shop yet",
            capability=capability,
        )
    return load_run(runtime, run)


def settle_heap() -> None:
    """Collect once, then exempt every surviving object from later collections.

    Fitted models are millions of long-lived Python objects (session indexes, item maps).
    Each full collection of the cyclic garbage collector walks all of them: measured under
    the serving benchmark, 115-260 ms with the worker's threads stopped, the whole p99 of
    the recommendations. Frozen objects are never walked; they are unfrozen before the
    next reload so that the models it replaces can be freed.
    """
    gc.collect()
    gc.freeze()


class ModelCache:
    """The current models one worker serves, reloaded when another process retrains.

    Looking for a newer run costs one small query, made at most every
    ``check_every_seconds`` (by the runtime's clock) or when :meth:`refresh` is called.

    Examples
    --------
    >>> from shopkeeper.core.config import Settings
    >>> rt = Runtime.from_settings(Settings(database_url="sqlite://"))
    >>> ModelCache(rt, check_every_seconds=10).check_every
    datetime.timedelta(seconds=10)

    A server process sets ``freeze_loaded`` (see :func:`settle_heap`) and
    ``reload_in_background``: :meth:`get` then answers with the model it holds while a
    background thread looks for and loads a newer run, so a retrain never stalls the
    requests (recommendations run on the event loop). Tests and commands leave both off:
    freezing is for the whole process, and they want a retrain seen at once.
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        check_every_seconds: float = 30.0,
        freeze_loaded: bool = False,
        reload_in_background: bool = False,
    ) -> None:
        self.runtime = runtime
        self.check_every = timedelta(seconds=check_every_seconds)
        self.freeze_loaded = freeze_loaded
        self.reload_in_background = reload_in_background
        self._models: dict[tuple[int, str], LoadedModel] = {}
        self._last_check: datetime | None = None
        self._lock = threading.Lock()
        self._reloader: threading.Thread | None = None
        # Not ``_lock``: that one is held for a whole reload, and requests must not wait.
        self._reloader_lock = threading.Lock()

    def _current_ids(self) -> dict[tuple[int, str], int]:
        query = (
            select(ModelRunRow.shop_id, ModelRunRow.capability, func.max(ModelRunRow.id))
            .where(ModelRunRow.is_current.is_(True))
            .where(ModelRunRow.capability.not_in(BATCH_ONLY_CAPABILITIES))
            .group_by(ModelRunRow.shop_id, ModelRunRow.capability)
        )
        with self.runtime.sessions() as session:
            return {(s, c): run_id for s, c, run_id in session.execute(query)}

    def refresh(self, *, force: bool = True) -> list[tuple[int, str]]:
        """Load every current run not yet held; returns the (shop, capability) reloaded."""
        now = self.runtime.clock.now()
        with self._lock:
            if not force and self._last_check and now - self._last_check < self.check_every:
                return []
            self._last_check = now
            newer = {
                key: run_id
                for key, run_id in self._current_ids().items()
                if key not in self._models or self._models[key].run.id != run_id
            }
            if not newer:
                return []
            if self.freeze_loaded:
                # Back into the collector's reach, so the models replaced below are freed.
                gc.unfreeze()
            changed = self._swap_in(newer)
            if self.freeze_loaded:
                # Only here, where no local name holds a replaced model any more; when every
                # load failed there is nothing to free, and freezing again costs no walk.
                settle_heap() if changed else gc.freeze()
            return changed

    def _swap_in(self, newer: dict[tuple[int, str], int]) -> list[tuple[int, str]]:
        changed: list[tuple[int, str]] = []
        for key, run_id in newer.items():
            try:
                self._models[key] = self._load(run_id)
            except ShopkeeperError as exc:
                # Keep serving the model we have rather than none at all.
                log.warning("cannot load model run %s: %s", run_id, exc.message)
                continue
            changed.append(key)
        return changed

    def _load(self, run_id: int) -> LoadedModel:
        with self.runtime.sessions() as session:
            row = session.get(ModelRunRow, run_id)
            if row is None:
                raise NotFoundError(f"model run {run_id} vanished", run_id=run_id)
            run = _to_run(row)
        return load_run(self.runtime, run)

    def warm(self) -> int:
        """Load all current models (at worker start); returns how many are held."""
        self.refresh(force=True)
        return len(self._models)

    def _check_due(self) -> bool:
        last = self._last_check
        return last is None or self.runtime.clock.now() - last >= self.check_every

    def _refresh_in_background(self) -> None:
        with self._reloader_lock:
            if self._reloader is not None and self._reloader.is_alive():
                return
            self._reloader = threading.Thread(
                target=self.refresh, kwargs={"force": False}, name="model-cache-reload"
            )
            self._reloader.start()

    def wait_for_reload(self, timeout: float = 60.0) -> None:
        """Block until a background reload under way is done (tests, shutdown)."""
        reloader = self._reloader
        if reloader is not None:
            reloader.join(timeout)

    def get(self, shop_id: int, capability: str) -> LoadedModel:
        """The current model, reloaded first if a newer run appeared since the last check.

        With ``reload_in_background`` a model already held is returned at once and the
        check runs on a background thread; only a model never loaded is waited for.
        """
        key = (shop_id, capability)
        if self.reload_in_background and key in self._models:
            if self._check_due():
                self._refresh_in_background()
        else:
            self.refresh(force=False)
        loaded = self._models.get(key)
        if loaded is None:
            raise NotFoundError(
                f"no {capability} model has been fitted for this shop yet",
                capability=capability,
            )
        return loaded
