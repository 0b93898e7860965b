"""The neural embedder (local-ml extra); skipped when the extra is not installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

from thera_sdk.embed import EmbedderUnavailableError, NeuralEmbedder, neural_available

needs_extra = pytest.mark.skipif(
    not neural_available(), reason="local-ml extra not installed (pip install -e '.[local-ml]')"
)


@needs_extra
def test_minilm_embeds_offline_from_the_packaged_files() -> None:
    embedder = NeuralEmbedder()
    result = embedder.embed(
        [
            "Real-time scoring that stops card-not-present fraud.",
            "Our bank loses money to fraudulent online card payments.",
            "Precision irrigation controllers for farms.",
        ]
    )
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert result.vectors.shape == (3, 384) and result.vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)
    sims = result.vectors @ result.vectors[1]
    assert sims[0] > sims[2] and all(0 < t <= 256 for t in result.token_counts)


def test_a_missing_model_folder_names_the_install_command(tmp_path: object) -> None:
    if not neural_available():
        with pytest.raises(EmbedderUnavailableError, match=r"pip install -e '\.\[local-ml\]'"):
            NeuralEmbedder().embed(["x"])
    else:
        with pytest.raises(EmbedderUnavailableError, match="local-ml"):
            NeuralEmbedder(model_path=str(tmp_path)).embed(["x"])
