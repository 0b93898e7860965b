"""Choosing an embedder from settings (environment variables or explicit arguments).

==============================  ==============================================================
variable                        meaning (default)
==============================  ==============================================================
``THERA_EMBEDDER``              ``local`` (default), ``bedrock`` or ``neural``
``THERA_LOCAL_EMBED_DIM``       dimension of the local embedder (4096)
``THERA_BEDROCK_MODEL``         Bedrock model id (``amazon.titan-embed-text-v2:0``)
``THERA_BEDROCK_DIM``           Titan output dimensions: 256, 512 or 1024 (1024)
``THERA_BEDROCK_CONCURRENCY``   Bedrock requests in flight (4)
==============================  ==============================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from thera_sdk._exceptions import ConfigurationError
from thera_sdk.embed._bedrock import TITAN_V2, BedrockTitanEmbedder
from thera_sdk.embed._local import DEFAULT_LOCAL_DIM, LocalConfig, LocalEmbedder
from thera_sdk.embed._models import KINDS, Embedder
from thera_sdk.embed._neural import NeuralEmbedder

__all__ = ["embedder_kind", "make_embedder"]


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number.") from exc


def embedder_kind(kind: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The embedder kind asked for (argument, else ``THERA_EMBEDDER``, else ``local``).

    Examples
    --------
    >>> embedder_kind(environ={"THERA_EMBEDDER": "Bedrock"})
    'bedrock'
    """
    env = os.environ if environ is None else environ
    chosen = (kind or env.get("THERA_EMBEDDER") or "local").strip().lower()
    if chosen not in KINDS:
        raise ConfigurationError(f"THERA_EMBEDDER is {chosen!r}; use one of {', '.join(KINDS)}.")
    return chosen


def make_embedder(
    kind: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    bedrock_client: Any = None,
    region: str | None = None,
) -> Embedder:
    """A fresh embedder of ``kind`` configured from ``environ`` (the local one is unfitted).

    Examples
    --------
    >>> make_embedder("local", environ={"THERA_LOCAL_EMBED_DIM": "384"}).dim
    384
    """
    env = os.environ if environ is None else environ
    chosen = embedder_kind(kind, env)
    if chosen == "local":
        return LocalEmbedder(LocalConfig(dim=_int(env, "THERA_LOCAL_EMBED_DIM", DEFAULT_LOCAL_DIM)))
    if chosen == "bedrock":
        return BedrockTitanEmbedder(
            bedrock_client,
            model_id=env.get("THERA_BEDROCK_MODEL") or TITAN_V2,
            dim=_int(env, "THERA_BEDROCK_DIM", 1024),
            region=region,
            max_workers=_int(env, "THERA_BEDROCK_CONCURRENCY", 4),
        )
    return NeuralEmbedder()
