"""The local embedder: deterministic, unit-length float32, state round trip."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from thera_sdk import DataFormatError, ValidationError
from thera_sdk.embed import LocalConfig, LocalEmbedder

DOCS = [
    "Riskwire. Fintech. Real-time scoring that stops card-not-present fraud.",
    "Haulmate. Logistics. Digital freight matching so trucks stop driving empty.",
    "DripWise. Agriculture. Precision irrigation controllers that save water.",
]
SMALL = LocalConfig(dim=256)


def test_vectors_are_unit_float32_rows_of_the_configured_dimension() -> None:
    result = LocalEmbedder.fit(DOCS, SMALL).embed(DOCS)
    assert result.vectors.dtype == np.float32 and result.vectors.shape == (3, 256)
    assert np.allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-6)
    assert result.model == "thera-local-tfidf-v1" and result.dim == 256
    assert all(count > 0 for count in result.token_counts)


def test_same_corpus_and_text_give_identical_bytes_across_instances_and_batches() -> None:
    first = LocalEmbedder.fit(DOCS, SMALL)
    second = LocalEmbedder.fit(list(DOCS), SMALL)
    alone = second.embed([DOCS[1]]).vectors[0]
    assert np.array_equal(first.embed(DOCS).vectors, second.embed(DOCS).vectors)
    assert np.array_equal(first.embed(DOCS).vectors[1], alone)  # batch-independent


def test_vectors_do_not_depend_on_the_process() -> None:
    # GIVEN the embedding computed here WHEN another interpreter computes it (its own string
    # hash salt) THEN the bytes are the same: feature hashing does not use Python's hash()
    code = textwrap.dedent(
        f"""
        import hashlib
        from thera_sdk.embed import LocalEmbedder, LocalConfig
        e = LocalEmbedder.fit({DOCS!r}, LocalConfig(dim=256))
        print(hashlib.sha256(e.embed({DOCS!r}).vectors.tobytes()).hexdigest())
        """
    )
    here = LocalEmbedder.fit(DOCS, SMALL).embed(DOCS).vectors.tobytes()
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    ).stdout.strip()
    import hashlib

    assert other == hashlib.sha256(here).hexdigest()


def test_a_different_seed_gives_a_different_projection() -> None:
    one = LocalEmbedder.fit(DOCS, SMALL).embed(DOCS).vectors
    other = LocalEmbedder.fit(DOCS, LocalConfig(dim=256, seed=7)).embed(DOCS).vectors
    assert not np.array_equal(one, other)


def test_state_round_trip_rebuilds_the_same_embedder() -> None:
    embedder = LocalEmbedder.fit(DOCS, SMALL)
    copy = LocalEmbedder.from_state(embedder.spec(), embedder.state_files())
    query = ["we lose money to fraudulent online card payments"]
    assert np.array_equal(copy.embed(query).vectors, embedder.embed(query).vectors)
    spec = embedder.spec()
    assert spec["fitted_docs"] == 3 and spec["config"]["dim"] == 256


def test_tampered_or_missing_state_is_refused() -> None:
    embedder = LocalEmbedder.fit(DOCS, SMALL)
    with pytest.raises(DataFormatError, match="SHA-256"):
        LocalEmbedder.from_state(embedder.spec(), {"embedder.npz": b"not the state"})
    with pytest.raises(DataFormatError, match="missing"):
        LocalEmbedder.from_state(embedder.spec(), {})


def test_unseen_terms_get_the_default_idf_and_rare_terms_weigh_more() -> None:
    embedder = LocalEmbedder.fit([*DOCS, "fraud fraud", "fraud checks"], SMALL)
    ids, _ = embedder.sparse("fraud")
    unseen, _ = embedder.sparse("zyxwvut")
    assert embedder.idf_of(unseen[:1])[0] == pytest.approx(np.log(1 + 5) + 1)
    assert embedder.idf_of(ids[:1])[0] < embedder.idf_of(unseen[:1])[0]


def test_related_texts_score_higher_than_unrelated_ones() -> None:
    embedder = LocalEmbedder.fit(DOCS, SMALL)
    exact = embedder.similarity("fraudulent card payments online", DOCS)
    assert exact.argmax() == 0 and exact[0] > 0.1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValidationError, match="dim"):
        LocalConfig(dim=4)
    with pytest.raises(ValidationError, match="weights"):
        LocalConfig(weights=(0.0, 0.0, 0.0))
    with pytest.raises(ValidationError, match="sequence"):
        LocalEmbedder().embed("one text")  # type: ignore[arg-type]
