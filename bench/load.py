"""Bounded load test on loopback: `cqa serve` under 16 concurrent gradio_client chat clients for
60 s, then `cqa batch` on 10,000 questions.

    .venv/bin/python bench/load.py [--clients 16] [--seconds 60] [--batch 10000]

The index is built into a temporary folder from corpus/, the server is started as a
subprocess on a free 127.0.0.1 port, and everything is removed afterwards. Checks (exit 1 if
any fails): zero errors; every answerable question cited with quotes that are exactly the
article's text, every off-topic one refused with no citations; server RSS at the end within
20% of its RSS after warm-up; the 10,000-question batch answers every line with a progress
bar, its peak RSS within 20% of a 1,000-question batch's (memory does not grow with the file).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CQA = [sys.executable, "-m", "ui.cli"]

# Fixed questions: the first group must be answered with citations from the seed article,
# the second refused. They are checked on every reply.
ANSWERABLE = [
    "What does Putin fear most from NATO's expansion?",
    "What are the basic principles of negotiating with Russia?",
    "Why does the author compare the talks to the Munich Agreement?",
    "Why is haste ill-advised in negotiating with Putin?",
]
OFF_TOPIC = [
    "How do I cook borscht?",
    "What is the boiling point of water at sea level?",
    "Who won the 1998 football World Cup?",
    "How do I reset my router password?",
]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    env.pop("CQA_INDEX", None)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status_kb(pid: int, field: str) -> int:
    """VmRSS / VmHWM of a live process in kB (0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _article_texts(index: Path) -> dict[str, str]:
    gen = (index / "CURRENT").read_text(encoding="utf-8").strip()
    db = sqlite3.connect(f"file:{index / gen / 'meta.sqlite'}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT doc_id, text FROM articles").fetchall())
    finally:
        db.close()


def check_reply(question: str, reply: dict[str, Any], texts: dict[str, str]) -> str | None:
    """None if the reply is right for its question, else what is wrong."""
    if question in OFF_TOPIC:
        if not reply.get("abstained") or reply.get("citations"):
            return f"off-topic question answered: {question!r}"
        return None
    if reply.get("abstained") or not reply.get("citations"):
        return f"answerable question refused: {question!r}"
    for c in reply["citations"]:
        if texts.get(c["doc_id"], "")[c["start"] : c["end"]] != c["quote"]:
            return f"quote is not the article's text at its span: {question!r}"
        if f"[{c['n']}]" not in reply["answer"]:
            return f"citation [{c['n']}] missing from the answer: {question!r}"
    return None


def build_index(index: Path) -> None:
    subprocess.run(
        [*CQA, "ingest", str(REPO / "corpus"), "--index", str(index), "--quiet"],
        cwd=REPO,
        env=_env(),
        check=True,
    )


def start_server(index: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [*CQA, "serve", "--host", "127.0.0.1", "--port", str(port), "--index", str(index)],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None:
            raise SystemExit(f"cqa serve exited with code {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/config", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise SystemExit("cqa serve did not come up within 180 s")
        time.sleep(0.5)


def chat_load(url: str, clients: int, seconds: float, texts: dict[str, str], pid: int) -> bool:
    from gradio_client import Client

    questions = [q for pair in zip(ANSWERABLE, OFF_TOPIC) for q in pair]
    # Warm-up: every client connects and asks each question once, so that the server's
    # caches, thread pools and allocator arenas have reached their working size.
    pool = [Client(url, verbose=False) for _ in range(clients)]
    warm_errors: list[str] = []

    def warm(client: Any) -> None:
        for q in questions:
            problem = check_reply(q, client.predict(q, api_name="/ask"), texts)
            if problem:
                warm_errors.append(problem)

    threads = [threading.Thread(target=warm, args=(c,)) for c in pool]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rss_warm = _status_kb(pid, "VmRSS")

    latencies: list[float] = []
    errors: list[str] = list(warm_errors)
    wrong: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(i: int, client: Any) -> None:
        n = i
        while time.monotonic() < deadline:
            q = questions[n % len(questions)]
            n += 1
            started = time.perf_counter()
            try:
                reply = client.predict(q, api_name="/ask")
            except Exception as exc:  # every failure is counted, none ends the run
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            problem = check_reply(q, reply, texts)
            with lock:
                latencies.append(elapsed)
                if problem:
                    wrong.append(problem)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(pool)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    rss_end = _status_kb(pid, "VmRSS")

    growth = (rss_end - rss_warm) / rss_warm if rss_warm else float("inf")
    print(f"chat load: {clients} clients for {wall:.1f} s against {url}")
    print(f"  requests   {len(latencies)} answered, {len(errors)} errors, {len(wrong)} wrong")
    if latencies:
        print(
            f"  latency    p50 {_percentile(latencies, 50) * 1000:.0f} ms, "
            f"p95 {_percentile(latencies, 95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} ms"
        )
        print(f"  throughput {len(latencies) / wall:.1f} answers/s")
    print(
        f"  server RSS {rss_warm / 1024:.0f} MB after warm-up, {rss_end / 1024:.0f} MB at the end "
        f"({growth:+.1%})"
    )
    for problem in (errors + wrong)[:5]:
        print(f"  ! {problem}")
    ok = not errors and not wrong and latencies and abs(growth) <= 0.20
    print(f"  {'PASS' if ok else 'FAIL'}")
    return bool(ok)


def run_batch(index: Path, n: int, folder: Path) -> tuple[int, int, int, str]:
    """`cqa batch` on ``n`` questions; returns (peak RSS kB, answered, wrong, stderr tail)."""
    questions = [q for pair in zip(ANSWERABLE, OFF_TOPIC) for q in pair]
    src = folder / f"batch-{n}.txt"
    src.write_text("".join(questions[i % len(questions)] + "\n" for i in range(n)), "utf-8")
    out = folder / f"answers-{n}.jsonl"
    err_path = folder / f"batch-{n}.err"
    with open(err_path, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [*CQA, "batch", str(src), "--out", str(out), "--index", str(index)],
            cwd=REPO,
            env=_env(),
            stderr=err,
        )
        peak = 0
        # VmHWM is the kernel's own high-water mark; polled until just before the exit.
        while proc.poll() is None:
            peak = max(peak, _status_kb(proc.pid, "VmHWM"))
            time.sleep(0.1)
    stderr = err_path.read_text(encoding="utf-8")
    if proc.returncode != 0:
        raise SystemExit(f"cqa batch failed ({proc.returncode}): {stderr[-500:]}")
    texts = _article_texts(index)
    answered = wrong = 0
    with open(out, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            answered += 1
            if check_reply(row["question"], row, texts):
                wrong += 1
    return peak, answered, wrong, stderr


def batch_check(index: Path, n: int, folder: Path) -> bool:
    base_peak, *_ = run_batch(index, 1000, folder)
    started = time.monotonic()
    peak, answered, wrong, stderr = run_batch(index, n, folder)
    wall = time.monotonic() - started
    bar = f"{n}/{n}" in stderr and "answering" in stderr
    growth = (peak - base_peak) / base_peak
    print(f"batch: {answered} of {n} questions answered in {wall:.1f} s ({n / wall:.0f}/s)")
    print(f"  wrong      {wrong}")
    print(
        f"  peak RSS   {peak / 1024:.0f} MB for {n} questions, {base_peak / 1024:.0f} MB for "
        f"1000 ({growth:+.1%})"
    )
    print(f"  progress   {'shown' if bar else 'MISSING'} on stderr")
    ok = answered == n and wrong == 0 and bar and growth <= 0.20
    print(f"  {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--batch", type=int, default=10_000, help="0 skips the batch check")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 1 <= args.seconds <= 600:
        parser.error("keep the load bounded: 1-64 clients, 1-600 seconds")

    with tempfile.TemporaryDirectory(prefix="cqa-load-") as tmp:
        folder = Path(tmp)
        index = folder / "index"
        build_index(index)
        texts = _article_texts(index)
        port = _free_port()
        server = start_server(index, port)
        try:
            ok = chat_load(
                f"http://127.0.0.1:{port}/", args.clients, args.seconds, texts, server.pid
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if args.batch:
            ok = batch_check(index, args.batch, folder) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
