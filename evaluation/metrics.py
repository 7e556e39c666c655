"""Retrieval and answer metrics; pure functions, unit-tested with tiny inputs."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence


def dedupe(ranked: Iterable[str]) -> list[str]:
    """Article ids in first-seen order (an article counts once, at its best chunk's rank)."""
    return list(dict.fromkeys(ranked))


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant articles found in the top ``k``.

    >>> recall_at(["a", "b", "c"], {"a", "c", "d", "e"}, 2)
    0.25
    """
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def mrr_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Reciprocal rank of the first relevant article in the top ``k`` (0 if none).

    >>> mrr_at(["x", "a"], {"a"})
    0.5
    """
    for i, doc in enumerate(ranked[:k]):
        if doc in relevant:
            return 1.0 / (i + 1)
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Binary-relevance nDCG@k.

    >>> round(ndcg_at(["a", "x", "b"], {"a", "b"}), 3)
    0.92
    """
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


_TOKEN = re.compile(r"\w+")


def norm_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def normalized(text: str) -> str:
    return " ".join(norm_tokens(text))


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two half-open character spans share at least one character.

    >>> spans_overlap((0, 5), (4, 9)), spans_overlap((0, 5), (5, 9))
    (True, False)
    """
    return a[0] < b[1] and b[0] < a[1]


def token_recall(answer: str, gold: str) -> float:
    """Share of the gold answer's distinct words that the answer contains.

    >>> token_recall("the cat sat on the mat", "a cat on a mat")
    0.75
    """
    gold_tokens = set(norm_tokens(gold))
    if not gold_tokens:
        return 0.0
    return len(gold_tokens & set(norm_tokens(answer))) / len(gold_tokens)
