"""Benchmark: ingest throughput and ``ask`` latency on this machine, one warm process.

    python bench/bench.py --corpus corpus --copies 40

Speed is reported as measured numbers and ratios from this one run (never asserted in tests).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import ingest  # noqa: E402
from ingest.readers import read_paths  # noqa: E402
from retrieval import ask, ask_batch, get_engine  # noqa: E402
from retrieval.embedders import get_embedder  # noqa: E402
from tests.test_answers import ANSWERABLE, OFF_TOPIC  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[str], object], questions: list[str], rounds: int) -> list[float]:
    """Seconds per call of ``fn`` on each question, ``rounds`` passes."""
    out = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            fn(q)
            out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--copies", type=int, default=40, help="copies of the corpus to ingest")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the questions for latency")
    ap.add_argument(
        "--embed-texts", type=int, default=128, help="texts for the minilm vs minilm-int8 rows"
    )
    args = ap.parse_args()

    embedder = get_embedder("minilm")  # load once, outside every timing
    embedder_int8 = get_embedder("minilm-int8")
    tokenizer = embedder.tokenizer  # type: ignore[attr-defined]
    articles = read_paths([args.corpus])
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        with open(feed, "w", encoding="utf-8") as fh:
            for i in range(args.copies):
                for a in articles:
                    # every sentence made distinct, or ingest would embed the copies only once
                    text = a.text.replace(". ", f". ({i}) ")
                    row = {
                        "id": f"{a.doc_id}-{i}",
                        "title": a.title,
                        "author": a.author,
                        "text": text,
                    }
                    fh.write(json.dumps(row) + "\n")
        report = ingest([feed], Path(tmp) / "idx")
        idx = get_engine(Path(tmp) / "idx").index
        texts = [idx.chunk_text(i) for i in range(idx.n_chunks)]
        texts += [
            idx.articles[int(a)]["text"][int(s) : int(e)]
            for a, s, e in zip(idx.sent_article, idx.sent_start, idx.sent_end)
        ]
        model_tokens = sum(len(ids) for ids in tokenizer(texts)["input_ids"])
        # An even sample of what ingest embeds (chunks and sentences), for the embedder rows.
        sample = texts[:: max(1, len(texts) // args.embed_texts)][: args.embed_texts]
        again = ingest([feed], Path(tmp) / "idx")

    embed_rate: dict[str, float] = {}
    for emb in (embedder, embedder_int8):
        emb.encode(sample[:32], batch_size=32)  # warm
        t = time.perf_counter()
        emb.encode(sample, batch_size=32)
        embed_rate[emb.name] = len(sample) / (time.perf_counter() - t)
    sample_tokens = sum(len(ids) for ids in tokenizer(sample)["input_ids"])

    with tempfile.TemporaryDirectory() as tmp:
        ingest([args.corpus], tmp)
        questions = [q for q, _ in ANSWERABLE] + OFF_TOPIC
        ask(questions[0], index_dir=tmp)  # warm: engine, BM25, caches
        single = timed(lambda q: ask(q, index_dir=tmp), questions, args.rounds)
        embed_only = timed(lambda q: embedder.encode([q]), questions, args.rounds)
        # after the torch loops, so the two runtimes never share the cores mid-measurement
        embed_only_int8 = timed(lambda q: embedder_int8.encode([q]), questions, args.rounds)
        t = time.perf_counter()
        ask_batch(questions * args.rounds, index_dir=tmp)
        batch_per_q = (time.perf_counter() - t) / (len(questions) * args.rounds)

    # The same asks against an index built with the int8 model (the query side follows it).
    with tempfile.TemporaryDirectory() as tmp:
        ingest([args.corpus], tmp, embedder_name="minilm-int8")
        ask(questions[0], index_dir=tmp)
        single_int8 = timed(lambda q: ask(q, index_dir=tmp), questions, args.rounds)

    rows = [
        (
            "machine",
            f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        ),
        (
            "ingest articles / chunks / sentences",
            f"{len(report.added)} / {report.chunks_embedded} / {report.sentences_embedded}",
        ),
        ("ingest wall time (model warm)", f"{report.seconds:.2f} s"),
        ("ingest chunks/s", f"{report.chunks_embedded / report.seconds:.1f}"),
        ("ingest model tokens/s (chunks + sentences)", f"{model_tokens / report.seconds:,.0f}"),
        (
            "re-ingest unchanged (skip by hash)",
            f"{again.seconds:.2f} s ({again.seconds / report.seconds:.1%} of first)",
        ),
        (
            "ask latency p50 / p95 (warm, one question)",
            f"{pct(single, 50) * 1000:.1f} / {pct(single, 95) * 1000:.1f} ms",
        ),
        ("query embedding alone p50", f"{pct(embed_only, 50) * 1000:.1f} ms"),
        ("ask p50 / embedding p50", f"{pct(single, 50) / pct(embed_only, 50):.2f}x"),
        (
            "ask_batch per question",
            f"{batch_per_q * 1000:.1f} ms ({pct(single, 50) / batch_per_q:.1f}x faster than one by one)",
        ),
        ("mean ask latency", f"{statistics.mean(single) * 1000:.1f} ms over {len(single)} asks"),
        (
            "embedding texts/s minilm / minilm-int8",
            f"{embed_rate['minilm']:.1f} / {embed_rate['minilm-int8']:.1f} ({len(sample)} ingest "
            f"texts, {sample_tokens / len(sample):.0f} tokens avg, batch 32)",
        ),
        (
            "embedding speed minilm-int8 / minilm",
            f"{embed_rate['minilm-int8'] / embed_rate['minilm']:.2f}x",
        ),
        (
            "ask latency p50 / p95 on a minilm-int8 index",
            f"{pct(single_int8, 50) * 1000:.1f} / {pct(single_int8, 95) * 1000:.1f} ms",
        ),
        (
            "query embedding alone p50 minilm / minilm-int8",
            f"{pct(embed_only, 50) * 1000:.1f} / {pct(embed_only_int8, 50) * 1000:.1f} ms",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'metric':<{width}}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
