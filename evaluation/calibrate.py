"""Fit the strict answerer's support score: ``python -m evaluation.calibrate``.

The features of every candidate sentence come from the answerer itself
(``ExtractiveAnswerer.candidates``), so what is fitted is exactly what runs. A sentence is a
positive when it overlaps a ClapNQ gold supporting sentence, or holds a seed gold fact; every
candidate of an unanswerable question is a negative. A logistic regression (Newton's method,
small L2) gives the weights; five-fold cross-validation by question gives honest numbers for
each threshold, and the threshold printed is the one refusing the most unanswerable ClapNQ
questions while wrongly refusing under 10% of the answerable ones (strictly under, so the
threshold keeps a margin below the target rather than sitting on it).

Paste the printed ``support_weights`` and ``strict_min_support`` into ``AnswerSettings``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.metrics import spans_overlap
from evaluation.run import SEED_GOLD, _gold_spans, _jsonl, build_index, load_beir

FEATURES = ("cosine", "overlap", "idf_coverage", "context_coverage", "article_peak", "margin")


@dataclass
class Question:
    """One question's candidate features and labels."""

    source: str  # "clapnq" or "seed"
    answerable: bool
    features: np.ndarray  # (candidates, features)
    labels: np.ndarray  # (candidates,) bool: this sentence answers it
    # whether the sentence the answerers quote first (their shared ranking) answers it
    top_label: bool = False
    top_cos: float = 0.0


def collect(index: Path, items: list[dict[str, Any]], source: str) -> list[Question]:
    """Run retrieval and candidate generation for ``items`` (question, answerable, and
    ``gold`` = a function from (doc_id, start, end, text) to bool)."""
    from retrieval.api import _query, get_engine

    engine = get_engine(index)
    answerer = engine.answerers["extractive"]
    queries = [_query(it["question"]) for it in items]
    qvecs = engine.embedder.encode([q.retrieval_text for q in queries], batch_size=64)
    retrieved = engine.retrieve(queries, qvecs, engine.settings.passages)
    out = []
    idx = engine.index
    for it, q, qv, passages in zip(items, queries, qvecs, retrieved):
        cands = answerer.candidates(q, qv, passages)
        labels = []
        for c in cands:
            art = idx.articles[int(idx.sent_article[c.sid])]
            start, end = int(idx.sent_start[c.sid]), int(idx.sent_end[c.sid])
            labels.append(bool(it["answerable"] and it["gold"](art, start, end)))
        feats = np.array([c.features() for c in cands]).reshape(len(cands), len(FEATURES))
        top = answerer.rank(cands)[0][1] if cands else None
        top_label = bool(top is not None and labels[cands.index(top)])
        out.append(
            Question(
                source,
                it["answerable"],
                feats,
                np.array(labels, dtype=bool),
                top_label,
                top.cos if top is not None else 0.0,
            )
        )
    return out


GoldTest = Callable[[dict[str, str], int, int], bool]


def _span_gold(docs: set[str], sentences: list[str]) -> GoldTest:
    def gold(art: dict[str, str], start: int, end: int) -> bool:
        if art["doc_id"] not in docs:
            return False
        return any(spans_overlap((start, end), sp) for sp in _gold_spans(art["text"], sentences))

    return gold


def _fact_gold(facts: list[str]) -> GoldTest:
    def gold(art: dict[str, str], start: int, end: int) -> bool:
        return any(f in art["text"][start:end] for f in facts)

    return gold


def clapnq_items(folder: Path) -> tuple[Any, list[dict[str, Any]]]:
    """ClapNQ questions; a sentence is gold when it overlaps a gold supporting sentence."""
    rset = load_beir(folder, "clapnq")
    items = []
    for q in rset.extra["queries"].values():
        sentences = [s for group in q.get("gold_sentences") or [] for s in group]
        gold = _span_gold(rset.qrels.get(str(q["_id"]), set()), sentences)
        items.append({"question": q["text"], "answerable": bool(q.get("answerable")), "gold": gold})
    return rset, items


def seed_items() -> list[dict[str, Any]]:
    """Seed gold questions; a sentence is gold when it holds one of the expected facts."""
    return [
        {
            "question": g["question"],
            "answerable": g["answerable"],
            "gold": _fact_gold(g.get("facts") or []),
        }
        for g in _jsonl(SEED_GOLD)
    ]


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Weighted L2 logistic regression by Newton's method; returns weights then the bias."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(xb @ beta)))
        grad = xb.T @ (w * (p - y)) + reg * beta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def _stack(qs: list[Question], seed_weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs = [q.features for q in qs if len(q.features)]
    ys = [q.labels for q in qs if len(q.features)]
    ws = [
        np.full(len(q.labels), seed_weight if q.source == "seed" else 1.0)
        for q in qs
        if len(q.features)
    ]
    return np.vstack(xs), np.concatenate(ys).astype(float), np.concatenate(ws)


def best_of(q: Question, beta: np.ndarray) -> tuple[float, bool]:
    """The question's best support score (the strict answerer's gate) and whether the
    sentence quoted first answers it."""
    if not len(q.features):
        return -np.inf, False
    scores = q.features @ beta[:-1] + beta[-1]
    return float(scores.max()), q.top_label


def cross_validate(
    qs: list[Question], folds: int = 5, seed_weight: float = 5.0
) -> list[tuple[float, bool]]:
    """Out-of-fold (best score, best is right) per question, folds drawn per source."""
    rng = np.random.default_rng(0)
    fold_of = np.zeros(len(qs), dtype=int)
    for source in {q.source for q in qs}:
        members = [i for i, q in enumerate(qs) if q.source == source]
        for k, i in enumerate(rng.permutation(members)):
            fold_of[i] = k % folds
    out: list[tuple[float, bool]] = [(-np.inf, False)] * len(qs)
    for k in range(folds):
        train = [q for q, f in zip(qs, fold_of) if f != k]
        beta = fit(*_stack(train, seed_weight))
        for i, q in enumerate(qs):
            if fold_of[i] == k:
                out[i] = best_of(q, beta)
    return out


def rates(
    qs: list[Question], picks: list[tuple[float, bool]], source: str, t: float
) -> dict[str, float]:
    """Decision metrics at support threshold ``t`` (top sentence only)."""
    sel = [(q, p) for q, p in zip(qs, picks) if q.source == source]
    ans = [(s, ok) for q, (s, ok) in sel if q.answerable]
    una = [s for q, (s, _) in sel if not q.answerable]
    answered = [ok for s, ok in ans if s >= t]
    return {
        "wrongly refused": 1 - len(answered) / max(len(ans), 1),
        "first quote right (of answered)": sum(answered) / max(len(answered), 1),
        "unanswerable refused": sum(s < t for s in una) / max(len(una), 1),
    }


def coverage_scan(qs: list[Question], beta: np.ndarray, strict_min: float) -> None:
    """Print the default answerer's decisions for each ``max_paraphrase_coverage``: it
    answers on support, or on cosine alone while no candidate covers that much of the
    question's terms (``context_coverage``, the fourth feature)."""
    from retrieval.config import AnswerSettings

    min_cos = AnswerSettings().min_sentence_score
    for c in (0.3, 0.4, 0.5, 0.6, 0.7, 1.0):
        cells = []
        for source in ("clapnq", "seed"):
            ans = una = answered = right = refused = 0
            for q in (q for q in qs if q.source == source):
                if not len(q.features):
                    says = False
                else:
                    supported = (q.features @ beta[:-1] + beta[-1]).max() >= strict_min
                    paraphrase = q.top_cos >= min_cos and (c >= 1.0 or q.features[:, 3].max() < c)
                    says = bool(supported or paraphrase)
                if q.answerable:
                    ans += 1
                    answered += says
                    right += says and q.top_label
                else:
                    una += 1
                    refused += not says
            cells.append(
                f"{source}: wrongly refused {1 - answered / max(ans, 1):.3f}, first quote "
                f"right {right / max(answered, 1):.3f}, unanswerable refused "
                f"{refused / max(una, 1):.3f}"
            )
        print(f"max_paraphrase_coverage={c:.1f}  " + " | ".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--work", type=Path, default=Path(".cqa-eval"))
    parser.add_argument("--seed-weight", type=float, default=5.0)
    parser.add_argument("--max-wrongly-refused", type=float, default=0.10)
    parser.add_argument("--json", type=Path, help="also write the table here")
    args = parser.parse_args(argv)

    from ingest import ingest

    rset, citems = clapnq_items(args.data / "clapnq" / "derived_beir")
    clap_index = build_index(rset, args.work)
    seed_index = args.work / "seed-index"
    ingest([args.corpus], seed_index)
    qs = collect(clap_index, citems, "clapnq") + collect(seed_index, seed_items(), "seed")
    picks = cross_validate(qs, seed_weight=args.seed_weight)
    table = []
    for t in np.arange(-3.0, -0.99, 0.05):
        row = {"threshold": round(float(t), 2)}
        for source in ("clapnq", "seed"):
            row.update(
                {f"{source} {k}": round(v, 3) for k, v in rates(qs, picks, source, t).items()}
            )
        table.append(row)
        print(
            f"t={t:+.2f}  clapnq: wrongly refused {row['clapnq wrongly refused']:.3f}, "
            f"unanswerable refused {row['clapnq unanswerable refused']:.3f}, first quote right "
            f"{row['clapnq first quote right (of answered)']:.3f} | seed: wrongly refused "
            f"{row['seed wrongly refused']:.3f}, near misses refused "
            f"{row['seed unanswerable refused']:.3f}"
        )
    feasible = [r for r in table if r["clapnq wrongly refused"] < args.max_wrongly_refused]
    chosen = max(feasible, key=lambda r: r["clapnq unanswerable refused"]) if feasible else table[0]
    beta = fit(*_stack(qs, args.seed_weight))
    print("cross-validated (5 folds by question); chosen:", json.dumps(chosen))
    print(f"support_weights = {tuple(round(float(b), 2) for b in beta)}  # {FEATURES} + bias")
    print(f"strict_min_support = {chosen['threshold']}")
    coverage_scan(qs, beta, chosen["threshold"])
    if args.json:
        args.json.write_text(
            json.dumps({"cv": table, "chosen": chosen, "weights": beta.tolist()}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
