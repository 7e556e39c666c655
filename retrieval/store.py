"""The index folder: FAISS vectors, SQLite metadata and a manifest, written atomically.

Layout of an index folder::

    CURRENT            name of the live generation (replaced atomically)
    .lock              held by the one process writing
    gen-000007/        one complete, immutable generation
        manifest.json  format version, embedder, chunking, per-article content hash, counts
        meta.sqlite    articles (with their full text), chunks and sentences
        chunks.faiss   one normalised vector per chunk (row = chunk id)
        sentences.faiss one normalised vector per sentence (row = sentence id)

A writer builds a new generation in a temporary folder and only then points ``CURRENT`` at
it, so a crash or kill at any moment leaves the previous generation whole, and readers never
see a half-written one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from retrieval.config import INDEX_FORMAT_VERSION
from retrieval.errors import (
    IndexCorruptError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexNotFoundError,
)

CURRENT = "CURRENT"
LOCK = ".lock"
MANIFEST = "manifest.json"
META_DB = "meta.sqlite"
CHUNKS_FAISS = "chunks.faiss"
SENTENCES_FAISS = "sentences.faiss"
ARTICLE_FIELDS = (
    "doc_id",
    "title",
    "author",
    "author_bio",
    "publisher",
    "kind",
    "date",
    "url",
    "source",
    "content_hash",
    "text",
)


@dataclass
class ArticleRecord:
    """One article as stored: metadata, full text, its chunk and sentence spans and vectors."""

    doc_id: str
    title: str
    text: str
    author: str = ""
    author_bio: str = ""
    publisher: str = ""
    kind: str = ""
    date: str = ""
    url: str = ""
    source: str = ""
    content_hash: str = ""
    chunks: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    chunk_vecs: np.ndarray | None = None
    sent_vecs: np.ndarray | None = None

    def meta(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in ARTICLE_FIELDS if f != "text"}


REBUILD_HINT = (
    "rebuild it with `cqa ingest --rebuild PATH...` (e.g. `cqa ingest --rebuild corpus/`)"
)


DATA_FILES = (META_DB, CHUNKS_FAISS, SENTENCES_FAISS)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def index_lock(index_dir: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the index's writer lock; raise ``IndexLockedError`` if another writer has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    fh = open(path, "a+")  # noqa: SIM115 - held for the whole lock scope
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "unknown"
                    raise IndexLockedError(
                        f"another ingest (pid {holder}) is writing the index at {index_dir}; "
                        "wait for it to finish and run this again"
                    ) from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()


def current_generation(index_dir: Path) -> str | None:
    """The live generation's folder name, or None when there is no index."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(
            f"index at {index_dir} is damaged: cannot read {CURRENT} ({exc}); {REBUILD_HINT}"
        ) from exc
    return name or None


def _flat_index(vecs: np.ndarray, dim: int) -> faiss.Index:
    index = faiss.IndexFlatIP(dim)
    if len(vecs):
        index.add(np.ascontiguousarray(vecs, dtype=np.float32))
    return index


def write_generation(
    index_dir: Path, manifest: dict[str, Any], articles: list[ArticleRecord], dim: int
) -> str:
    """Write ``articles`` as a new generation and make it live. Call with the lock held.

    Returns the new generation's name. Nothing is visible to readers until the final
    atomic rename of ``CURRENT``.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        chunk_parts: list[np.ndarray] = []
        sent_parts: list[np.ndarray] = []
        db = sqlite3.connect(tmp / META_DB)
        try:
            db.executescript(
                """
                CREATE TABLE articles (
                    idx INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL, title TEXT,
                    author TEXT, author_bio TEXT, publisher TEXT, kind TEXT, date TEXT, url TEXT,
                    source TEXT, content_hash TEXT, text TEXT NOT NULL);
                CREATE TABLE chunks (
                    id INTEGER PRIMARY KEY, article INTEGER NOT NULL, start INTEGER NOT NULL,
                    end INTEGER NOT NULL, sent_lo INTEGER NOT NULL, sent_hi INTEGER NOT NULL);
                CREATE TABLE sentences (
                    id INTEGER PRIMARY KEY, article INTEGER NOT NULL, start INTEGER NOT NULL,
                    end INTEGER NOT NULL);
                """
            )
            chunk_id = 0
            sent_id = 0
            for a_idx, art in enumerate(articles):
                if art.chunk_vecs is None or art.sent_vecs is None:
                    raise ValueError(f"article {art.doc_id} has no vectors")
                if len(art.chunk_vecs) != len(art.chunks) or len(art.sent_vecs) != len(
                    art.sentences
                ):
                    raise ValueError(f"article {art.doc_id}: vectors and spans disagree")
                db.execute(
                    f"INSERT INTO articles (idx, {', '.join(ARTICLE_FIELDS)}) "
                    f"VALUES (?, {', '.join('?' * len(ARTICLE_FIELDS))})",
                    (a_idx, *(getattr(art, f) or "" for f in ARTICLE_FIELDS)),
                )
                first_sent = sent_id
                starts = [s for s, _ in art.sentences]
                db.executemany(
                    "INSERT INTO sentences VALUES (?, ?, ?, ?)",
                    [(first_sent + i, a_idx, s, e) for i, (s, e) in enumerate(art.sentences)],
                )
                rows = []
                for c_start, c_end in art.chunks:
                    lo = int(np.searchsorted(starts, c_start, side="left"))
                    hi = int(np.searchsorted(starts, c_end, side="left"))
                    rows.append((chunk_id, a_idx, c_start, c_end, first_sent + lo, first_sent + hi))
                    chunk_id += 1
                db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)", rows)
                sent_id += len(art.sentences)
                chunk_parts.append(art.chunk_vecs)
                sent_parts.append(art.sent_vecs)
            db.commit()
        finally:
            db.close()
        chunk_vecs = np.concatenate(chunk_parts) if chunk_parts else np.zeros((0, dim), np.float32)
        sent_vecs = np.concatenate(sent_parts) if sent_parts else np.zeros((0, dim), np.float32)
        faiss.write_index(_flat_index(chunk_vecs, dim), str(tmp / CHUNKS_FAISS))
        faiss.write_index(_flat_index(sent_vecs, dim), str(tmp / SENTENCES_FAISS))
        manifest = dict(manifest)
        manifest.update(
            # Checksums let a reader refuse a data file damaged in place (same size, other
            # bytes), which the count checks cannot see and which would answer wrongly.
            files={name: _sha256(tmp / name) for name in DATA_FILES},
            format_version=INDEX_FORMAT_VERSION,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            articles={a.doc_id: a.content_hash for a in articles},
            counts={"articles": len(articles), "chunks": chunk_id, "sentences": sent_id},
        )
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), "utf-8")
        for name in (META_DB, CHUNKS_FAISS, SENTENCES_FAISS, MANIFEST):
            _fsync_file(tmp / name)
        _fsync_dir(tmp)

        prev = current_generation(index_dir)
        number = 1
        if prev and prev.startswith("gen-"):
            with contextlib.suppress(ValueError):
                number = int(prev.split("-")[1]) + 1
        gen = f"gen-{number:06d}"
        while (index_dir / gen).exists():
            number += 1
            gen = f"gen-{number:06d}"
        os.rename(tmp, index_dir / gen)
        pointer = index_dir / f".{CURRENT}.{uuid.uuid4().hex}"
        pointer.write_text(gen + "\n", encoding="utf-8")
        _fsync_file(pointer)
        os.replace(pointer, index_dir / CURRENT)
        _fsync_dir(index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    cleanup(index_dir, keep={gen, prev} if prev else {gen})
    return gen


def cleanup(index_dir: Path, keep: set[str]) -> None:
    """Remove generations not in ``keep`` and leftovers of killed writers. Lock must be held."""
    for child in index_dir.iterdir():
        name = child.name
        if name.startswith(".tmp-") or name.startswith(f".{CURRENT}."):
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        elif name.startswith("gen-") and name not in keep and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)


@dataclass
class LoadedIndex:
    """A whole generation in memory, so that readers never depend on files a writer removes."""

    index_dir: Path
    generation: str
    manifest: dict[str, Any]
    articles: list[dict[str, str]]
    chunk_index: faiss.Index
    sent_vecs: np.ndarray
    chunk_article: np.ndarray
    chunk_start: np.ndarray
    chunk_end: np.ndarray
    chunk_sent_lo: np.ndarray
    chunk_sent_hi: np.ndarray
    sent_article: np.ndarray
    sent_start: np.ndarray
    sent_end: np.ndarray

    @property
    def n_chunks(self) -> int:
        return int(self.chunk_index.ntotal)

    def chunk_text(self, chunk_id: int) -> str:
        art = self.articles[int(self.chunk_article[chunk_id])]
        return art["text"][int(self.chunk_start[chunk_id]) : int(self.chunk_end[chunk_id])]

    def sentence_text(self, sent_id: int) -> str:
        art = self.articles[int(self.sent_article[sent_id])]
        return art["text"][int(self.sent_start[sent_id]) : int(self.sent_end[sent_id])]

    def records(self) -> dict[str, ArticleRecord]:
        """Every article with its spans and vectors, for an ingest to carry over unchanged."""
        chunk_vecs = (
            self.chunk_index.reconstruct_n(0, self.n_chunks)
            if self.n_chunks
            else np.zeros((0, self.sent_vecs.shape[1]), np.float32)
        )
        out: dict[str, ArticleRecord] = {}
        for a_idx, meta in enumerate(self.articles):
            c_sel = np.flatnonzero(self.chunk_article == a_idx)
            s_sel = np.flatnonzero(self.sent_article == a_idx)
            out[meta["doc_id"]] = ArticleRecord(
                **{f: meta[f] for f in ARTICLE_FIELDS},
                chunks=[(int(self.chunk_start[i]), int(self.chunk_end[i])) for i in c_sel],
                sentences=[(int(self.sent_start[i]), int(self.sent_end[i])) for i in s_sel],
                chunk_vecs=np.asarray(chunk_vecs[c_sel], dtype=np.float32),
                sent_vecs=np.asarray(self.sent_vecs[s_sel], dtype=np.float32),
            )
        return out


def read_manifest(index_dir: Path) -> tuple[str, dict[str, Any]]:
    """The live generation and its manifest; raises if there is no index or it is unreadable."""
    if not index_dir.exists():
        raise IndexNotFoundError(
            f"no index at {index_dir}; build one with `cqa ingest corpus/` "
            "(or point --index / CQA_INDEX at an existing one)"
        )
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexNotFoundError(
            f"no index at {index_dir} (the folder has no {CURRENT} file); "
            "build one with `cqa ingest corpus/`"
        )
    path = index_dir / gen / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except FileNotFoundError as exc:
        raise IndexCorruptError(
            f"index at {index_dir} is damaged: {path} is missing; {REBUILD_HINT}"
        ) from exc
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            f"index at {index_dir} is damaged: {path}: {exc}; {REBUILD_HINT}"
        ) from exc
    return gen, manifest


def check_compatible(manifest: dict[str, Any], embedder_name: str, model_id: str, dim: int) -> None:
    """Refuse an index of another format version or embedding model, saying how to rebuild."""
    version = manifest.get("format_version")
    if version != INDEX_FORMAT_VERSION:
        raise IndexIncompatibleError(
            f"the index has format version {version!r} but this cqa reads version "
            f"{INDEX_FORMAT_VERSION}; {REBUILD_HINT}"
        )
    emb = manifest.get("embedder") or {}
    if emb.get("name") != embedder_name or emb.get("model_id") != model_id or emb.get("dim") != dim:
        raise IndexIncompatibleError(
            f"the index was built with embedder {emb.get('name')!r} ({emb.get('model_id')}, "
            f"dim {emb.get('dim')}) but cqa is using {embedder_name!r} ({model_id}, dim {dim}); "
            f"{REBUILD_HINT}"
        )


def load_generation(index_dir: Path, gen: str, manifest: dict[str, Any]) -> LoadedIndex:
    """Load and cross-check one generation; any damage raises ``IndexCorruptError``."""
    base = index_dir / gen
    counts = manifest.get("counts") or {}

    def damaged(what: str) -> IndexCorruptError:
        return IndexCorruptError(f"index at {index_dir} is damaged: {what}; {REBUILD_HINT}")

    def read_faiss(name: str) -> faiss.Index:
        try:
            return faiss.read_index(str(base / name))
        except Exception as exc:  # faiss raises RuntimeError with C++ text for any bad file
            # The C++ text names a template function; the file and the failed check are enough.
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            detail = detail.rsplit("Error: ", 1)[-1][:160]
            raise damaged(f"{name} is truncated or unreadable ({detail})") from exc

    chunk_index = read_faiss(CHUNKS_FAISS)
    sent_index = read_faiss(SENTENCES_FAISS)
    # A file that still parses can be damaged in place. Indexes written before checksums
    # were recorded have no "files" entry; the count and span checks below still apply.
    for name, expected in (manifest.get("files") or {}).items():
        if name not in DATA_FILES:
            continue
        try:
            actual = _sha256(base / name)
        except OSError as exc:
            raise damaged(f"cannot read {name} ({exc.strerror or exc})") from exc
        if actual != expected:
            raise damaged(f"{name} differs from the checksum in the manifest (changed or damaged)")
    dim = (manifest.get("embedder") or {}).get("dim")
    if chunk_index.d != dim or sent_index.d != dim:
        raise damaged(f"FAISS dimension {chunk_index.d} differs from the manifest's {dim}")
    try:
        db = sqlite3.connect(f"file:{base / META_DB}?mode=ro", uri=True)
        try:
            arts = db.execute(
                f"SELECT {', '.join(ARTICLE_FIELDS)} FROM articles ORDER BY idx"
            ).fetchall()
            chunks = np.array(
                db.execute(
                    "SELECT article, start, end, sent_lo, sent_hi FROM chunks ORDER BY id"
                ).fetchall(),
                dtype=np.int64,
            ).reshape(-1, 5)
            sents = np.array(
                db.execute("SELECT article, start, end FROM sentences ORDER BY id").fetchall(),
                dtype=np.int64,
            ).reshape(-1, 3)
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise damaged(f"cannot read {META_DB} ({exc})") from exc
    articles = [dict(zip(ARTICLE_FIELDS, (v or "" for v in row))) for row in arts]
    if len(articles) != counts.get("articles") or set(a["doc_id"] for a in articles) != set(
        manifest.get("articles") or {}
    ):
        raise damaged("the manifest's article list disagrees with meta.sqlite")
    if not (len(chunks) == chunk_index.ntotal == counts.get("chunks")):
        raise damaged(
            f"{len(chunks)} chunks in meta.sqlite, {chunk_index.ntotal} vectors in "
            f"{CHUNKS_FAISS}, {counts.get('chunks')} in the manifest"
        )
    if not (len(sents) == sent_index.ntotal == counts.get("sentences")):
        raise damaged(
            f"{len(sents)} sentences in meta.sqlite, {sent_index.ntotal} vectors in "
            f"{SENTENCES_FAISS}, {counts.get('sentences')} in the manifest"
        )
    _check_spans(articles, chunks, sents, manifest, damaged)
    sent_vecs = (
        sent_index.reconstruct_n(0, sent_index.ntotal)
        if sent_index.ntotal
        else np.zeros((0, chunk_index.d), np.float32)
    )
    return LoadedIndex(
        index_dir=index_dir,
        generation=gen,
        manifest=manifest,
        articles=articles,
        chunk_index=chunk_index,
        sent_vecs=np.ascontiguousarray(sent_vecs, dtype=np.float32),
        chunk_article=chunks[:, 0],
        chunk_start=chunks[:, 1],
        chunk_end=chunks[:, 2],
        chunk_sent_lo=chunks[:, 3],
        chunk_sent_hi=chunks[:, 4],
        sent_article=sents[:, 0],
        sent_start=sents[:, 1],
        sent_end=sents[:, 2],
    )


def _check_spans(
    articles: list[dict[str, str]],
    chunks: np.ndarray,
    sents: np.ndarray,
    manifest: dict[str, Any],
    damaged: Any,
) -> None:
    """Every span must point inside its own article: a span past the text would be cited as
    an empty or wrong quote, which is a silent wrong answer rather than an error."""
    hashes = manifest.get("articles") or {}
    for a in articles:
        if hashes.get(a["doc_id"]) != a["content_hash"]:
            raise damaged(f"article {a['doc_id']!r} has another content hash than the manifest's")
    n_arts = len(articles)
    lengths = np.array([len(a["text"]) for a in articles], dtype=np.int64)
    for what, rows in (("chunk", chunks), ("sentence", sents)):
        if not len(rows):
            continue
        art, start, end = rows[:, 0], rows[:, 1], rows[:, 2]
        bad_art = (art < 0) | (art >= n_arts)
        if bad_art.any():
            raise damaged(f"{what} {int(np.argmax(bad_art))} belongs to no stored article")
        bad = (start < 0) | (end <= start) | (end > lengths[art])
        if bad.any():
            raise damaged(f"{what} {int(np.argmax(bad))} lies outside its article's text")
    if len(chunks):
        lo, hi = chunks[:, 3], chunks[:, 4]
        bad = (lo < 0) | (hi < lo) | (hi > len(sents))
        if len(sents) and not bad.any():
            # a chunk's sentences must belong to the chunk's own article
            first = np.minimum(lo, len(sents) - 1)
            bad = (hi > lo) & (sents[first, 0] != chunks[:, 0])
        if bad.any():
            raise damaged(f"chunk {int(np.argmax(bad))} points at sentences outside its article")
