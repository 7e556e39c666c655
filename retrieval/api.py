"""The public question-side functions: ``ask``, ``ask_batch`` and ``search``.

The CLI and the Gradio app are thin layers over these three.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.config import AnswerSettings, resolve_index_dir, set_offline_env
from retrieval.embedders import embedder_for, get_embedder
from retrieval.engine import ANSWERERS, Engine, Query, contextualize
from retrieval.errors import InvalidInputError
from retrieval.lexical import tokenize
from retrieval.store import check_compatible, current_generation, load_generation, read_manifest
from retrieval.types import Answer, Passage

MAX_QUESTION_CHARS = 1000
_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")
_engines: dict[Path, Engine] = {}
_lock = threading.Lock()


def get_engine(index_dir: str | os.PathLike[str] | None = None) -> Engine:
    """The engine for ``index_dir``, reloaded whenever an ingest has published a new generation.

    Checking ``CURRENT`` on every call is one small file read; it lets a running chat server
    pick up a finished ingest without a restart, and never a half-written one.
    """
    set_offline_env()
    target = resolve_index_dir(index_dir).resolve()
    # The hot path reads only the pointer; the manifest (one hash per article) is parsed
    # when the generation changes.
    engine = _engines.get(target)
    if engine is not None and current_generation(target) == engine.generation:
        return engine
    gen, manifest = read_manifest(target)
    with _lock:
        engine = _engines.get(target)
        if engine is not None and engine.generation == gen:
            return engine
        # query with the model the index was built with, unless CQA_EMBEDDER asks for
        # another (then the check below says why that cannot work)
        embedder = get_embedder(embedder_for(manifest, os.environ.get("CQA_EMBEDDER")))
        check_compatible(manifest, embedder.name, embedder.model_id, embedder.dim)
        engine = Engine(load_generation(target, gen, manifest), embedder, AnswerSettings())
        _engines[target] = engine
        return engine


def clean_question(question: Any) -> tuple[str, list[str]]:
    """Validate and normalise one question; returns it with notes about any changes made.

    >>> clean_question("  What about\\x00 NATO?  ")
    ('What about NATO?', [])
    >>> clean_question("   ")
    Traceback (most recent call last):
    ...
    retrieval.errors.InvalidInputError: the question is empty; type a question about the commentary
    """
    if not isinstance(question, str):
        raise InvalidInputError(f"a question must be text, got {type(question).__name__}")
    # Terminal colour codes (pasted from a shell) are markup, not words: drop them whole.
    question = _ANSI.sub("", question)
    # Control characters (NUL included) carry no meaning in a question and break tokenizers.
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n" else ch
        for ch in question
    )
    text = " ".join(text.split())
    if not text:
        raise InvalidInputError("the question is empty; type a question about the commentary")
    notes: list[str] = []
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUESTION_CHARS]
        notes.append(
            f"the question was {len(question)} characters long; only its first "
            f"{len(text)} were used"
        )
    return text, notes


def _history_questions(history: Any) -> list[str]:
    """Earlier user questions from a list of strings, (user, bot) pairs or role/content dicts."""
    if not history:
        return []
    out: list[str] = []
    for turn in history:
        if isinstance(turn, str):
            out.append(turn)
        elif isinstance(turn, dict) and turn.get("role") == "user":
            content = turn.get("content")
            if isinstance(content, str):
                out.append(content)
            elif isinstance(content, list):
                out.extend(c.get("text", "") for c in content if isinstance(c, dict))
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            out.append(turn[0])
    return [q for q in (" ".join(h.split()) for h in out) if q]


def _query(question: Any, history: Any = None) -> Query:
    text, notes = clean_question(question)
    past = _history_questions(history)
    return Query(
        question=text,
        retrieval_text=contextualize(text, past),
        terms=tokenize(text),
        notes=notes,
    )


def ask_batch(
    questions: Sequence[str],
    index_dir: str | os.PathLike[str] | None = None,
    histories: Sequence[Any] | None = None,
    *,
    doc_ids: Sequence[str] | None = None,
    authors: Sequence[str] | None = None,
    retrieval_mode: str = "hybrid",
    answerer: str = "extractive",
    progress: bool = False,
) -> list[Answer]:
    """Answer many questions at once (one embedding batch), in input order.

    Questions are embedded and answered in slices of 256, so working memory stays flat for
    any number of questions; ``progress`` shows a bar on standard error.

    ``doc_ids`` / ``authors`` restrict every question to those articles or authors;
    ``retrieval_mode`` "dense" or "bm25" runs one retriever alone (evaluation baselines).
    ``answerer`` "strict" also asks the quoted sentence and its neighbours to use the
    question's own terms: fewer answers to related-but-unanswered questions, more refusals
    of questions worded very differently from the source.

    >>> [a.abstained for a in ask_batch(["What does Putin fear most?", "How do I cook borscht?"])]  # doctest: +SKIP
    [False, True]
    """
    if isinstance(questions, str):
        raise InvalidInputError("ask_batch takes a list of questions; use ask() for one question")
    if answerer not in ANSWERERS:
        raise InvalidInputError(f"answerer must be one of {', '.join(ANSWERERS)}, got {answerer!r}")
    if histories is not None and len(histories) != len(questions):
        raise InvalidInputError(
            f"histories must match questions in length: {len(histories)} != {len(questions)}"
        )
    queries = []
    for i, q in enumerate(questions):
        try:
            queries.append(_query(q, histories[i] if histories is not None else None))
        except InvalidInputError as exc:
            if len(questions) == 1:
                raise
            raise InvalidInputError(f"question {i + 1}: {exc}") from None
    if not queries:
        return []
    engine = get_engine(index_dir)
    allowed = engine.allowed_chunks(_names(doc_ids, "doc_ids"), _names(authors, "authors"))
    for query in queries:
        query.allowed = allowed
        engine.correct_spelling(query)
        # "What does Dannenberg think…" reads Dannenberg, not whoever sounds closest
        engine.named_author_filter(query)
    from tqdm import tqdm

    answers: list[Answer] = []
    step = 256
    with tqdm(total=len(queries), unit="q", desc="answering", disable=not progress) as bar:
        for lo in range(0, len(queries), step):
            answers.extend(engine.answer_batch(queries[lo : lo + step], retrieval_mode, answerer))
            bar.update(min(step, len(queries) - lo))
    return answers


def ask(
    question: str,
    index_dir: str | os.PathLike[str] | None = None,
    history: Any = None,
    *,
    doc_ids: Sequence[str] | None = None,
    authors: Sequence[str] | None = None,
    answerer: str = "extractive",
) -> Answer:
    """Answer one question, citing the exact source sentences, or refuse plainly.

    ``history`` is the conversation so far (earlier questions, or Gradio messages), used to
    understand follow-ups such as "what about NATO?".

    >>> ask("What does Putin fear most from NATO's expansion?").citations[0].quote  # doctest: +SKIP
    'It is the proximity of western principles to Russia’s border – not military power – ...'
    """
    return ask_batch(
        [question],
        index_dir,
        histories=[history],
        doc_ids=doc_ids,
        authors=authors,
        answerer=answerer,
    )[0]


def search(
    question: str,
    k: int = 10,
    index_dir: str | os.PathLike[str] | None = None,
    *,
    doc_ids: Sequence[str] | None = None,
    authors: Sequence[str] | None = None,
    retrieval_mode: str = "hybrid",
) -> list[Passage]:
    """The ``k`` best passages for a question (dense + BM25, fused by reciprocal rank).

    >>> [p.doc_id for p in search("appeasement", k=1)]  # doctest: +SKIP
    ['cipherbrief-dannenberg-negotiating-with-putin']
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise InvalidInputError(f"k must be a whole number, got {k!r}")
    if k < 1:
        raise InvalidInputError(f"k must be at least 1, got {k}")
    query = _query(question)
    engine = get_engine(index_dir)
    engine.correct_spelling(query)
    query.allowed = engine.allowed_chunks(_names(doc_ids, "doc_ids"), _names(authors, "authors"))
    qvecs = engine.embedder.encode([query.retrieval_text])
    return engine.retrieve([query], qvecs, k, retrieval_mode)[0]


def _names(values: Sequence[str] | None, what: str) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    if not all(isinstance(v, str) for v in values):
        raise InvalidInputError(f"{what} must be a list of strings, got {values!r}")
    cleaned = [v.strip() for v in values if v.strip()]
    return cleaned or None


def list_articles(index_dir: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """The indexed articles with their metadata and passage counts, in index order.

    >>> [a["author"] for a in list_articles()]        # doctest: +SKIP
    ['Rob Dannenberg']
    """
    engine = get_engine(index_dir)
    idx = engine.index
    counts = np.bincount(idx.chunk_article, minlength=len(idx.articles))
    return [
        {
            **{k: v for k, v in art.items() if k not in ("text", "content_hash")},
            "passages": int(counts[i]),
            "chars": len(art["text"]),
        }
        for i, art in enumerate(idx.articles)
    ]
