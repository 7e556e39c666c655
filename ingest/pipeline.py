"""Incremental, idempotent, crash-safe ingest of articles into the index."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.readers import META_KEYS, Article, read_paths
from ingest.text import BoilerplateFilter, segment
from retrieval.config import ChunkSettings, resolve_index_dir, set_offline_env
from retrieval.embedders import Embedder, embedder_for, get_embedder
from retrieval.errors import CQAError, IndexIncompatibleError, InvalidInputError
from retrieval.store import (
    ArticleRecord,
    check_compatible,
    current_generation,
    index_lock,
    load_generation,
    read_manifest,
    write_generation,
)

# What an article read from a file and an article stored in the index have in common.
_SHARED_FIELDS = ("doc_id", "title", "text", "source", *(k for k in META_KEYS if k != "title"))


@dataclass
class IngestReport:
    """What an ingest did; ``summary()`` is the one line the CLI prints at the end."""

    index_dir: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    sentences_embedded: int = 0
    tokens_embedded: int = 0
    articles_total: int = 0
    chunks_total: int = 0
    generation: str = ""
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        state = f"generation {self.generation}" if self.changed else "already up to date"
        return (
            f"ingest: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed; "
            f"{self.chunks_embedded} chunks embedded in {self.seconds:.1f}s; index has "
            f"{self.articles_total} articles / {self.chunks_total} chunks ({state}) at {self.index_dir}"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Texts per model call at ingest. Smaller batches stay in the 2 cores' caches: ingesting 20
# distinct copies of the seed article took 16.3 s at 16 against 18.9-19.3 s at 64 and 19.0 s
# at 32 (runs alternating, same process); the texts are sorted by length either way.
EMBED_BATCH = 16
# Texts per encode call within one flush: small enough that a single long article reports
# progress a few times a second, large enough to keep every batch full.
PROGRESS_SLICE = 256
# Called with (texts embedded so far, texts to embed in all): how a caller (the chat's upload
# box) shows progress within one long article.
ProgressCallback = Callable[[int, int], None]


def _embed_articles(
    articles: list[Article],
    embedder: Embedder,
    settings: ChunkSettings,
    boilerplate: BoilerplateFilter,
    report: IngestReport,
    progress: bool,
    on_progress: ProgressCallback | None = None,
) -> list[ArticleRecord]:
    from tqdm import tqdm

    # Cut every article first (cheap next to embedding) so progress has a known total.
    segments = [segment(art.text, settings, boilerplate) for art in articles]
    total = sum(len(seg.chunks) + len(seg.sentences) for seg in segments)
    embedded = 0
    if on_progress:
        on_progress(0, total)

    records: list[ArticleRecord] = []
    bar = tqdm(
        total=len(articles),
        unit="article",
        desc="embedding",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    pending: list[tuple[ArticleRecord, list[str], list[str]]] = []

    def flush() -> None:
        # One encode call over many articles keeps batches full, which is what makes CPU
        # ingestion fast; vectors are split back per article afterwards.
        texts = [t for _, cs, ss in pending for t in (*cs, *ss)]
        # A one-sentence chunk is the same text as its sentence: embed each distinct text once.
        nonlocal embedded
        unique = list(dict.fromkeys(texts))
        where = {t: i for i, t in enumerate(unique)}
        parts = [np.zeros((0, embedder.dim), dtype=np.float32)]
        for lo in range(0, len(unique), PROGRESS_SLICE):
            parts.append(embedder.encode(unique[lo : lo + PROGRESS_SLICE], batch_size=EMBED_BATCH))
            if on_progress:
                done = min(lo + PROGRESS_SLICE, len(unique)) / len(unique)
                on_progress(embedded + round(len(texts) * done), total)
        embedded += len(texts)
        vecs = np.vstack(parts)[[where[t] for t in texts]]
        pos = 0
        for rec, cs, ss in pending:
            rec.chunk_vecs = vecs[pos : pos + len(cs)]
            pos += len(cs)
            rec.sent_vecs = vecs[pos : pos + len(ss)]
            pos += len(ss)
            report.chunks_embedded += len(cs)
            report.sentences_embedded += len(ss)
            report.tokens_embedded += sum(len(t.split()) for t in (*cs, *ss))
            records.append(rec)
        bar.update(len(pending))
        bar.set_postfix(chunks=report.chunks_embedded)
        pending.clear()

    for art, seg in zip(articles, segments):
        rec = ArticleRecord(
            **{k: getattr(art, k) for k in _SHARED_FIELDS},
            content_hash=art.content_hash,
            chunks=seg.chunks,
            sentences=seg.sentences,
        )
        pending.append(
            (rec, [art.text[s:e] for s, e in seg.chunks], [art.text[s:e] for s, e in seg.sentences])
        )
        if sum(len(cs) + len(ss) for _, cs, ss in pending) >= 512:
            flush()
    if pending:
        flush()
    bar.close()
    return records


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str] | None = None,
    *,
    prune: bool = False,
    rebuild: bool = False,
    boilerplate_rules: str | os.PathLike[str] | None = None,
    chunk_settings: ChunkSettings | None = None,
    embedder_name: str | None = None,
    progress: bool = False,
    wait_seconds: float = 0.0,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    """Add or update the articles under ``paths`` in the index; return what changed.

    Unchanged articles (same content hash and settings) are skipped, changed ones replaced,
    and with ``prune`` articles whose source file is gone (or no longer holds them) removed.
    The new index becomes visible in one atomic step, so a crash leaves the old one whole.
    ``on_progress(done, total)`` is called as texts (chunks and sentences) are embedded.

    >>> ingest(["corpus/"]).summary()                         # doctest: +SKIP
    'ingest: 1 added, 0 updated, 0 unchanged, 0 removed; ...'
    """
    set_offline_env()
    started = time.perf_counter()
    target = resolve_index_dir(index_dir)
    rules = boilerplate_rules or os.environ.get("CQA_BOILERPLATE") or None
    boilerplate = BoilerplateFilter.with_rules_file(rules)
    settings = chunk_settings or ChunkSettings()
    # Reading and validating every file first means a bad file changes nothing at all.
    articles = read_paths(list(paths))
    requested = embedder_name or os.environ.get("CQA_EMBEDDER") or None
    pipeline = {"chunking": settings.to_dict(), "boilerplate": boilerplate.fingerprint}
    report = IngestReport(index_dir=str(target))

    with index_lock(target, wait_seconds=wait_seconds):
        old: dict[str, ArticleRecord] = {}
        same_pipeline = False
        existing = (
            read_manifest(target)
            if current_generation(target) is not None and not rebuild
            else None
        )
        # adding to an index keeps the model it was built with, unless another is asked for
        embedder = get_embedder(embedder_for(existing[1] if existing else None, requested))
        if existing is not None:
            gen, manifest = existing
            try:
                check_compatible(manifest, embedder.name, embedder.model_id, embedder.dim)
            except IndexIncompatibleError as exc:
                raise IndexIncompatibleError(
                    f"{exc} (this replaces every article with those under the given paths)"
                ) from None
            try:
                old = load_generation(target, gen, manifest).records()
            except CQAError as exc:
                raise type(exc)(
                    f"{exc} (this replaces every article with those under the given paths)"
                ) from None
            same_pipeline = manifest.get("pipeline") == pipeline

        incoming = {a.doc_id: a for a in articles}
        to_embed: list[Article] = []
        keep: dict[str, ArticleRecord] = {}
        for art in articles:
            prev = old.get(art.doc_id)
            if prev is not None and same_pipeline and prev.content_hash == art.content_hash:
                keep[art.doc_id] = prev
                report.unchanged.append(art.doc_id)
            else:
                to_embed.append(art)
                (report.updated if prev is not None else report.added).append(art.doc_id)

        read_sources = {a.source for a in articles}
        for doc_id, prev in old.items():
            if doc_id in incoming:
                continue
            gone = not Path(prev.source.split("#", 1)[0]).exists() or prev.source in read_sources
            if prune and gone:
                report.removed.append(doc_id)
                continue
            if same_pipeline:
                keep[doc_id] = prev
            else:
                # Settings changed: re-cut the stored text so the whole index stays uniform.
                to_embed.append(Article(**{k: getattr(prev, k) for k in _SHARED_FIELDS}))
                report.updated.append(doc_id)

        fresh = _embed_articles(
            to_embed, embedder, settings, boilerplate, report, progress, on_progress
        )
        by_id = {**keep, **{r.doc_id: r for r in fresh}}
        order = [a.doc_id for a in articles] + [d for d in old if d in by_id and d not in incoming]
        final = [by_id[d] for d in dict.fromkeys(order)]
        report.articles_total = len(final)
        report.chunks_total = sum(len(r.chunks) for r in final)
        if report.changed or rebuild or current_generation(target) is None:
            manifest = {
                "embedder": {
                    "name": embedder.name,
                    "model_id": embedder.model_id,
                    "dim": embedder.dim,
                },
                "pipeline": pipeline,
                "boilerplate_rules": list(boilerplate.rules),
            }
            report.generation = write_generation(target, manifest, final, embedder.dim)
        else:
            report.generation = current_generation(target) or ""
    report.seconds = time.perf_counter() - started
    return report


def index_status(index_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The live index's manifest summary (for ``cqa status`` and ``make run``'s staleness check)."""
    target = resolve_index_dir(index_dir)
    gen, manifest = read_manifest(target)
    return {
        "index_dir": str(target),
        "generation": gen,
        **{k: manifest.get(k) for k in ("created", "counts", "embedder", "pipeline")},
        "articles": manifest.get("articles", {}),
    }


def remove_articles(
    doc_ids: Sequence[str],
    index_dir: str | os.PathLike[str] | None = None,
    *,
    wait_seconds: float = 0.0,
) -> IngestReport:
    """Remove articles from the index by id (atomically, like an ingest).

    >>> remove_articles(["some-id"]).removed           # doctest: +SKIP
    ['some-id']
    """
    started = time.perf_counter()
    target = resolve_index_dir(index_dir)
    wanted = [d for d in dict.fromkeys(doc_ids) if d]
    if not wanted:
        raise InvalidInputError("name at least one article id to remove")
    report = IngestReport(index_dir=str(target))
    with index_lock(target, wait_seconds=wait_seconds):
        gen, manifest = read_manifest(target)
        records = load_generation(target, gen, manifest).records()
        unknown = [d for d in wanted if d not in records]
        if unknown:
            raise InvalidInputError(
                f"no article with id {', '.join(map(repr, unknown))} in the index; "
                "`cqa status` lists the ids"
            )
        final = [r for d, r in records.items() if d not in wanted]
        report.removed = wanted
        report.unchanged = [r.doc_id for r in final]
        report.articles_total = len(final)
        report.chunks_total = sum(len(r.chunks) for r in final)
        keep_keys = ("embedder", "pipeline", "boilerplate_rules")
        report.generation = write_generation(
            target,
            {k: manifest[k] for k in keep_keys if k in manifest},
            final,
            int(manifest["embedder"]["dim"]),
        )
    report.seconds = time.perf_counter() - started
    return report
