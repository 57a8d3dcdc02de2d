"""Fitted models on disk: one folder per shop, capability and model run.

::

    <model_dir>/shop-<id>/<capability>/run-<run id>/
        model.pkl        the pickled model
        manifest.json    format version, package version, class path, params, sha256

Artifacts are pickles, so the model folder must be as trusted as the code: only this
deployment writes it. A payload is loaded only when its manifest says it was written by
the same format and the same ``major.minor`` package version, and its hash matches; a model
pickled by another release may carry attributes that release's code no longer has.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from shopkeeper import __version__
from shopkeeper.core.errors import IncompatibleArtifactError, NotFoundError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOAD = "model.pkl"


@dataclass(frozen=True)
class ArtifactManifest:
    """What a saved model is and which code wrote it."""

    format_version: int
    package_version: str
    model_class: str
    params: dict[str, Any]
    shop_id: int
    capability: str
    run_id: int
    sha256: str
    extra: dict[str, Any] = field(default_factory=dict)


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def _class_path(obj: object) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


class ModelStore:
    """Saves and loads fitted models under ``root``.

    ``package_version`` is the version this process runs (tests pass another to simulate
    an upgrade).

    Examples
    --------
    >>> import tempfile
    >>> store = ModelStore(Path(tempfile.mkdtemp()))
    >>> path = store.save({"w": 1}, shop_id=1, capability="recommend", run_id=7, params={})
    >>> path
    'shop-1/recommend/run-7'
    >>> store.load(path)
    {'w': 1}
    """

    def __init__(self, root: Path, *, package_version: str = __version__) -> None:
        self.root = Path(root)
        self.package_version = package_version

    def relative_path(self, *, shop_id: int, capability: str, run_id: int) -> str:
        return f"shop-{shop_id}/{capability}/run-{run_id}"

    def save(
        self,
        model: object,
        *,
        shop_id: int,
        capability: str,
        run_id: int,
        params: dict[str, Any],
        extra: dict[str, Any] | None = None,
    ) -> str:
        """Write ``model`` and its manifest; returns the artifact path relative to ``root``."""
        relative = self.relative_path(shop_id=shop_id, capability=capability, run_id=run_id)
        final = self.root / relative
        payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        manifest = ArtifactManifest(
            format_version=FORMAT_VERSION,
            package_version=self.package_version,
            model_class=_class_path(model),
            params=params,
            shop_id=shop_id,
            capability=capability,
            run_id=run_id,
            sha256=hashlib.sha256(payload).hexdigest(),
            extra=extra or {},
        )
        final.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the final folder and renamed into place, so a worker reloading at
        # the same moment sees either no artifact or a complete one.
        staging = Path(tempfile.mkdtemp(prefix=f".run-{run_id}-", dir=final.parent))
        try:
            (staging / PAYLOAD).write_bytes(payload)
            (staging / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True))
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return relative

    def manifest(self, relative: str) -> ArtifactManifest:
        """Read an artifact's manifest (``NotFoundError`` if there is none)."""
        path = self.root / relative / MANIFEST
        if not path.is_file():
            raise NotFoundError(f"no model artifact at {relative!r}", artifact=relative)
        raw = json.loads(path.read_text())
        try:
            return ArtifactManifest(**raw)
        except TypeError as exc:
            raise IncompatibleArtifactError(
                f"the manifest of {relative!r} has an unknown layout", artifact=relative
            ) from exc

    def check_compatible(self, manifest: ArtifactManifest, relative: str) -> None:
        if manifest.format_version != FORMAT_VERSION:
            raise IncompatibleArtifactError(
                f"artifact {relative!r} uses format {manifest.format_version}, "
                f"this release reads format {FORMAT_VERSION}; retrain the model",
                artifact=relative,
                format_version=manifest.format_version,
            )
        if _major_minor(manifest.package_version) != _major_minor(self.package_version):
            raise IncompatibleArtifactError(
                f"artifact {relative!r} was written by shopkeeper {manifest.package_version}, "
                f"this is {self.package_version}; retrain the model",
                artifact=relative,
                package_version=manifest.package_version,
            )

    def load(self, relative: str) -> Any:
        """The model saved at ``relative``, after checking it is safe to unpickle here."""
        manifest = self.manifest(relative)
        self.check_compatible(manifest, relative)
        payload = (self.root / relative / PAYLOAD).read_bytes()
        if hashlib.sha256(payload).hexdigest() != manifest.sha256:
            raise IncompatibleArtifactError(
                f"artifact {relative!r} does not match its manifest (damaged or edited)",
                artifact=relative,
            )
        model = pickle.loads(payload)  # trusted: written by this deployment, hash checked
        if _class_path(model) != manifest.model_class:
            raise IncompatibleArtifactError(
                f"artifact {relative!r} holds {_class_path(model)}, not {manifest.model_class}",
                artifact=relative,
            )
        return model

    def delete(self, relative: str) -> None:
        """Remove an artifact folder (missing ones are ignored)."""
        shutil.rmtree(self.root / relative, ignore_errors=True)
