"""Model JSON in object storage: ``models/match_lr/<version>.json`` and a ``current.json`` pointer.

A model is written first and the pointer (``{"version": ..., "key": ...}``) last, so a reader
never follows the pointer to a half-written model. With no pointer yet, the default model serves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from thera_sdk._exceptions import DataFormatError, ObjectNotFoundError, ValidationError
from thera_sdk.match._model import DEFAULT_MODEL, MatchModel
from thera_sdk.storage import ObjectStore

__all__ = [
    "MODEL_PREFIX",
    "current_model_version",
    "load_model",
    "model_key",
    "save_model",
]

MODEL_PREFIX = "models/match_lr/"
POINTER_KEY = MODEL_PREFIX + "current.json"
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def model_key(version: str) -> str:
    """The object key of one model version.

    Examples
    --------
    >>> model_key("20250203T101500Z")
    'models/match_lr/20250203T101500Z.json'
    """
    if not _VERSION.fullmatch(version) or version == "current":
        raise ValidationError(
            f"Model version {version!r} must be 1-100 letters, digits, '.', '_' or '-' "
            "(and not 'current')."
        )
    return f"{MODEL_PREFIX}{version}.json"


def _read_json(objects: ObjectStore, bucket: str, key: str) -> Any:
    try:
        return json.loads(objects.get(bucket, key))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFormatError(
            f"Object {key!r} in bucket {bucket!r} is not JSON; rewrite it with save_model()."
        ) from exc


def current_model_version(objects: ObjectStore, bucket: str) -> str | None:
    """The version ``current.json`` points to, or ``None`` if no model was promoted yet.

    Examples
    --------
    >>> current_model_version(store, "thera-dev-gold")  # doctest: +SKIP
    '20250203T101500Z'
    """
    try:
        pointer = _read_json(objects, bucket, POINTER_KEY)
    except ObjectNotFoundError:
        return None
    if not isinstance(pointer, dict) or not isinstance(pointer.get("version"), str):
        raise DataFormatError(
            f"{POINTER_KEY!r} in bucket {bucket!r} must be {{\"version\": \"...\"}}; "
            "promote a model again to rewrite it."
        )
    return str(pointer["version"])


def load_model(objects: ObjectStore, bucket: str, version: str | None = None) -> MatchModel:
    """A model version, or (``version=None``) the current one, or the default if none is set.

    Examples
    --------
    >>> load_model(store, "thera-dev-gold").version  # doctest: +SKIP
    'default'
    """
    if version is None:
        version = current_model_version(objects, bucket)
        if version is None:
            return DEFAULT_MODEL
    if version == DEFAULT_MODEL.version:
        return DEFAULT_MODEL
    return MatchModel.from_json(_read_json(objects, bucket, model_key(version)))


def save_model(
    objects: ObjectStore,
    bucket: str,
    model: MatchModel,
    *,
    promote: bool = False,
    now: dt.datetime | None = None,
) -> str:
    """Write a model's JSON and, with ``promote=True``, point ``current.json`` at it.

    Returns the model's key.

    Examples
    --------
    >>> save_model(store, "thera-dev-gold", model, promote=True)  # doctest: +SKIP
    'models/match_lr/20250203T101500Z.json'
    """
    key = model_key(model.version)
    body = json.dumps(model.to_json(), indent=2, sort_keys=True).encode("utf-8")
    objects.put(bucket, key, body, content_type="application/json")
    if promote:
        moment = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        pointer = {"version": model.version, "key": key, "promoted_at": moment}
        objects.put(
            bucket, POINTER_KEY, json.dumps(pointer).encode("utf-8"),
            content_type="application/json",
        )
    return key
