"""The embedders, with the real models: the int8 ONNX build against the fp32 one."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.embedders import EMBEDDERS, Embedder, get_embedder
from tests.conftest import CORPUS
from tests.test_answers import ANSWERABLE, OFF_TOPIC

# Measured on the seed article's sentences and 200 questions: cosine between the two builds'
# vectors for the same text was 0.9996 on average and never under 0.9991.
MIN_COSINE = 0.998
MEAN_COSINE = 0.999


@pytest.fixture(scope="module")
def fp32() -> Embedder:
    return get_embedder("minilm")


@pytest.fixture(scope="module")
def int8() -> Embedder:
    return get_embedder("minilm-int8")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    article = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md")))
    sentences = [s.strip() for s in article.split(". ") if s.strip()]
    return sentences + [q for q, _ in ANSWERABLE] + OFF_TOPIC


def test_registered_and_cached(int8: Embedder) -> None:
    assert "minilm-int8" in EMBEDDERS
    assert isinstance(int8, Embedder)
    assert (int8.name, int8.dim) == ("minilm-int8", 384)
    assert get_embedder("minilm-int8") is int8
    assert int8.model_id != get_embedder("minilm").model_id  # their indexes must not mix


def test_int8_agrees_with_fp32(fp32: Embedder, int8: Embedder, texts: list[str]) -> None:
    a = fp32.encode(texts)
    b = int8.encode(texts)
    assert b.shape == (len(texts), 384)
    assert b.dtype == np.float32
    assert b.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    cos = (a * b).sum(axis=1)
    assert cos.min() > MIN_COSINE, texts[int(cos.argmin())]
    assert cos.mean() > MEAN_COSINE


def test_long_text_truncated_like_sentence_transformers(fp32: Embedder, int8: Embedder) -> None:
    # Both cut at the folder's max_seq_length (256 tokens); tokenizer.json alone would cut at 128.
    long = " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md")))
    head = " ".join(long.split()[:150])
    a, b = fp32.encode([long]), int8.encode([long])
    assert float((a * b).sum()) > MIN_COSINE
    assert float((int8.encode([head]) * b).sum()) < 0.999  # the tokens past 128 count


def test_order_preserved_across_lengths(int8: Embedder, texts: list[str]) -> None:
    long = " ".join(texts[:20])
    mixed = ["NATO", long, "How long was the phone call?", "", texts[3], long[:300], "Putin"]
    alone = np.vstack([int8.encode([t]) for t in mixed])
    for batch_size in (1, 2, 3, 32):
        together = int8.encode(mixed, batch_size=batch_size)
        np.testing.assert_allclose(together, alone, atol=2e-4)
    # and each row is nearest to its own text's vector, not a neighbour's
    sims = int8.encode(mixed, batch_size=2) @ alone.T
    assert list(sims.argmax(axis=1)) == list(range(len(mixed)))


@pytest.mark.parametrize("name", ["minilm", "minilm-int8"])
def test_empty_input(name: str) -> None:
    out = get_embedder(name).encode([])
    assert out.shape == (0, 384)
    assert out.dtype == np.float32


def test_query_side_follows_the_manifest(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An index built with the int8 model is queried with it, with no setting to repeat; an
    explicit request for the other model is refused with the reason and the fix."""
    from ingest import ingest
    from retrieval import IndexIncompatibleError, ask, get_engine

    monkeypatch.delenv("CQA_EMBEDDER", raising=False)
    ingest([CORPUS], tmp_path / "index", embedder_name="minilm-int8")
    assert get_engine(tmp_path / "index").embedder.name == "minilm-int8"
    ans = ask("How long was the phone call between the two presidents?", tmp_path / "index")
    assert any("90-minute" in c.quote for c in ans.citations)
    monkeypatch.setenv("CQA_EMBEDDER", "minilm")
    # engines are cached per index generation; a new process would start empty
    monkeypatch.setattr("retrieval.api._engines", {})
    with pytest.raises(IndexIncompatibleError, match="built with embedder 'minilm-int8'"):
        get_engine(tmp_path / "index")
