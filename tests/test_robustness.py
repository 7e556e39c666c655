"""Issue 4: bad input, damaged indexes, concurrent writers, a live server during an ingest, and
hostile markup in a real browser. Every test does the damage for real and checks what a user
would see: a one-line error with exit code 2, an unchanged index, or a correct answer.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest import ingest
from retrieval import (
    IndexCorruptError,
    IndexLockedError,
    InvalidInputError,
    ask,
    get_engine,
    search,
)
from retrieval.engine import REFUSAL
from retrieval.store import CHUNKS_FAISS, CURRENT, MANIFEST, META_DB, SENTENCES_FAISS
from ui.cli import main

from .conftest import CHROMIUM_ARGS, CORPUS, REPO, SEED_ID, free_port

ON = "What does Putin fear most from NATO's expansion?"
OFF = "How do I cook borscht?"
REBUILD = "cqa ingest --rebuild"


# ---------------------------------------------------------------------------------------------
# helpers


def _copy_index(seed_index: str, dst: Path) -> Path:
    """A private copy: each case gets its own path, so the engine cache (keyed by path and
    generation) can never hand back an engine loaded from another case's files."""
    shutil.copytree(seed_index, dst)
    return dst


def _snapshot(path: Path) -> dict[str, bytes]:
    """Every file of an index folder, byte for byte."""
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


def _live(path: Path) -> Path:
    return path / (path / CURRENT).read_text(encoding="utf-8").strip()


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, err
    assert out == ""
    assert err.startswith("cqa") and ": error: " in err, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)


def _assert_cited_or_refused(answer: Any, texts: dict[str, str]) -> None:
    """The answer invariant: a refusal has no citations; otherwise every quote is exactly the
    article's text at its span and its marker is in the answer."""
    if answer.abstained:
        assert answer.answer == REFUSAL and answer.citations == []
        return
    assert answer.citations
    for c in answer.citations:
        assert c.quote and c.quote == texts[c.doc_id][c.start : c.end]
        assert f"[{c.n}]" in answer.answer


def _spans(answer: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [(c["doc_id"], c["start"], c["end"]) for c in answer["citations"]]


def _texts(index: str | Path) -> dict[str, str]:
    return {a["doc_id"]: a["text"] for a in get_engine(index).index.articles}


@pytest.fixture(scope="module")
def on_answer(seed_index: str) -> dict[str, Any]:
    return ask(ON, index_dir=seed_index).to_dict()


# ---------------------------------------------------------------------------------------------
# questions


@pytest.mark.parametrize("question", ["", " \t\r\n ", "\x00\x00\x1b", "\u3000\u00a0"])
def test_empty_questions_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], seed_index: str, question: str
) -> None:
    with pytest.raises(InvalidInputError, match="the question is empty"):
        ask(question, index_dir=seed_index)
    code, out, err = _cli(capsys, "ask", question, "--index", seed_index)
    _assert_one_line_error(code, out, err, "the question is empty")


def test_a_100kb_question_is_truncated_with_a_note(
    capsys: pytest.CaptureFixture[str], seed_index: str, seed_text: str
) -> None:
    filler = " Please also explain the wider context of the sanctions regime in detail."
    question = ON + filler * (100_000 // len(filler) + 1)
    assert len(question) > 100_000
    answer = ask(question, index_dir=seed_index)
    assert len(answer.question) <= 1000 and answer.question.startswith(ON)
    assert any(f"{len(question)} characters long" in n for n in answer.notes), answer.notes
    _assert_cited_or_refused(answer, {SEED_ID: seed_text})
    code, out, err = _cli(capsys, "ask", question, "--index", seed_index, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["question"] == answer.question and data["notes"] == answer.notes
    code, out, _ = _cli(capsys, "ask", question, "--index", seed_index)
    assert code == 0 and f"note: the question was {len(question)} characters long" in out


@pytest.mark.parametrize(
    "question",
    [
        # NUL cannot reach a real argv (execve ends strings at it), but it can reach ask(),
        # the batch reader and the chat box.
        "What\x00 does Putin\x07 fear most\x1b from NATO's\x7f expansion?\x0b",
        "What does Putin fear most from NATO's expansion?\ud800",  # a lone surrogate
        "\x1b[31mWhat does Putin fear most from NATO's expansion?\x1b[0m",
    ],
)
def test_control_characters_are_dropped_and_the_answer_is_unchanged(
    capsys: pytest.CaptureFixture[str], seed_index: str, on_answer: dict[str, Any], question: str
) -> None:
    answer = ask(question, index_dir=seed_index)
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in answer.question)
    got = answer.to_dict()
    if "[31m" not in question:
        assert got == on_answer
    else:
        # the escape sequence's printable tail ("[31m") stays; the same sentences are cited
        assert _spans(got) == _spans(on_answer)
    code, out, err = _cli(capsys, "ask", question, "--index", seed_index, "--json")
    assert code == 0, err
    assert _spans(json.loads(out)) == _spans(on_answer)


@pytest.mark.parametrize(
    "question",
    [
        "Чего больше всего боится Путин от расширения НАТО?",
        "普京最害怕北约扩张的什么？",
        "ما الذي يخشاه بوتين أكثر من توسع الناتو؟",
        "🙂🚀🔥",
        "👍 What does Putin fear most from NATO's expansion? 🇺🇦",
    ],
)
def test_other_scripts_and_emoji_answer_or_refuse_cleanly(
    capsys: pytest.CaptureFixture[str],
    seed_index: str,
    seed_text: str,
    on_answer: dict[str, Any],
    question: str,
) -> None:
    answer = ask(question, index_dir=seed_index)
    assert answer.question == question
    _assert_cited_or_refused(answer, {SEED_ID: seed_text})
    if question == "🙂🚀🔥":
        assert answer.abstained  # nothing to look up must not produce a quote
    if "What does Putin" in question:
        assert _spans(answer.to_dict()) == _spans(on_answer)
    code, out, err = _cli(capsys, "ask", question, "--index", seed_index, "--json")
    assert code == 0, err
    assert json.loads(out)["question"] == question  # the script survives the round trip
    code, out, err = _cli(capsys, "search", question, "--index", seed_index, "--k", "2")
    assert code == 0, err


# ---------------------------------------------------------------------------------------------
# articles: every bad file is refused before anything is written


GOOD_ARTICLE = (
    "---\nid: good-arctic\ntitle: Arctic shipping\nauthor: Ann Analyst\n---\n"
    "Arctic shipping lanes are opening as the sea ice retreats earlier every summer.\n"
)
GOOD_LINE = json.dumps({"id": "feed-1", "title": "Feed one", "text": "Ports in Norway expand."})


def _sparse_50mb(path: Path) -> None:
    # Sparse: 50 MB by size, no blocks written, created instantly.
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)


BAD_ARTICLES: dict[str, tuple[str, Callable[[Path], None], tuple[str, ...]]] = {
    "empty file": ("empty.md", lambda p: p.write_bytes(b""), ("empty.md", "no article text")),
    "binary file": (
        "image.md",
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
        ("image.md", "binary file"),
    ),
    "binary without NUL": (
        "noise.txt",
        lambda p: p.write_bytes(bytes(range(128, 256)) * 4),
        ("noise.txt:1", "not valid UTF-8"),
    ),
    "latin-1 text": (
        "latin1.md",
        lambda p: p.write_bytes("Title\n\nA caf\xe9 in Z\xfcrich.\n".encode("latin-1")),
        ("latin1.md:3", "not valid UTF-8", "re-save the file as UTF-8"),
    ),
    "50 MB file": (
        "huge.md",
        _sparse_50mb,
        ("huge.md", "50.0 MiB, over the 25 MiB limit", "CQA_MAX_FILE_MB"),
    ),
    "unclosed front matter": (
        "open.md",
        lambda p: p.write_text("---\ntitle: Never closed\n\nBody text here.\n", "utf-8"),
        ("open.md:1", "front matter opened with '---' is never closed"),
    ),
    "broken YAML": (
        "yaml.md",
        lambda p: p.write_text("---\ntitle: [unclosed\nauthor: x\n---\nBody.\n", "utf-8"),
        ("yaml.md", "broken YAML front matter"),
    ),
    "jsonl with one malformed line": (
        "feed.jsonl",
        lambda p: p.write_text(
            GOOD_LINE
            + '\n{"id": "feed-2", "title": "Two", "text": "unterminated\n'
            + json.dumps({"id": "feed-3", "text": "Fine."})
            + "\n",
            "utf-8",
        ),
        ("feed.jsonl:2: not valid JSON", "Nothing was ingested"),
    ),
    "jsonl line without text": (
        "feed.jsonl",
        lambda p: p.write_text(
            GOOD_LINE + "\n" + json.dumps({"id": "feed-2", "title": "No body"}) + "\n", "utf-8"
        ),
        ("feed.jsonl:2: missing or empty 'text'",),
    ),
    "duplicate ids in a jsonl": (
        "feed.jsonl",
        lambda p: p.write_text(GOOD_LINE + "\n" + GOOD_LINE.replace("one", "two") + "\n", "utf-8"),
        ("duplicate article id 'feed-1'",),
    ),
    "duplicate ids across files": (
        "twin.md",
        lambda p: p.write_text(GOOD_ARTICLE.replace("Arctic shipping\n", "Twin\n"), "utf-8"),
        ("duplicate article id 'good-arctic'", "twin.md"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_ARTICLES))
def test_a_bad_article_file_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    seed_index: str,
    tmp_path: Path,
    on_answer: dict[str, Any],
    case: str,
) -> None:
    name, write, needles = BAD_ARTICLES[case]
    index = _copy_index(seed_index, tmp_path / "idx")
    before = _snapshot(index)
    articles = tmp_path / "articles"
    articles.mkdir()
    # A good article beside the bad one: the documented choice is that nothing from the run
    # is ingested, so the good one must not appear either.
    (articles / "good.md").write_text(GOOD_ARTICLE, encoding="utf-8")
    write(articles / name)
    code, out, err = _cli(capsys, "ingest", str(articles), "--index", str(index), "--quiet")
    _assert_one_line_error(code, out, err, *needles)
    assert _snapshot(index) == before
    assert (index / CURRENT).read_bytes() == before[CURRENT]
    # loaded from disk (a new path, so not from the engine cache) and answering the same
    assert ask(ON, index_dir=index).to_dict() == on_answer
    assert [a["doc_id"] for a in get_engine(index).index.articles] == [SEED_ID]


# ---------------------------------------------------------------------------------------------
# batch files (the basic cases are in test_cli.py)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("questions", b"What?\n", "unsupported batch file type '(none)'"),
        ("qs.json", b'["What?"]', "unsupported batch file type '.json'"),
        ("qs.csv", b"", "the batch file is empty"),
        ("qs.jsonl", b"\n\n", "the batch file is empty"),
        ("qs.csv", b"id,question\n", "the batch file has no questions"),
        ("qs.txt", "Où est la Crimée ?\n".encode("latin-1"), "cannot read as UTF-8"),
        ("qs.csv", b"\x00\x01\x02\xff\xfe", "cannot read as UTF-8"),
    ],
)
def test_bad_batch_files_leave_no_output(
    capsys: pytest.CaptureFixture[str],
    seed_index: str,
    tmp_path: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    src = tmp_path / name
    src.write_bytes(content)
    out_file = tmp_path / "answers.jsonl"
    code, out, err = _cli(
        capsys, "batch", str(src), "--out", str(out_file), "--index", seed_index, "--quiet"
    )
    _assert_one_line_error(code, out, err, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no output, no .partial


def test_batch_file_that_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = _cli(capsys, "batch", str(tmp_path / "nope.txt"), "--quiet")
    _assert_one_line_error(code, out, err, "nope.txt: no such file")


def test_csv_batch_with_failing_rows_answers_the_others(
    capsys: pytest.CaptureFixture[str], seed_index: str, seed_text: str, tmp_path: Path
) -> None:
    long_q = ON + " and the sanctions" * 8000
    src = tmp_path / "qs.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        import csv

        w = csv.writer(fh)
        w.writerow(["id", "question"])
        w.writerows(
            [["a", ON], ["b", ""], ["c", "What\x00 does Putin fear?"], ["d", long_q], ["e", OFF]]
        )
    code, out, err = _cli(capsys, "batch", str(src), "--index", seed_index, "--quiet")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and "4 answered, 1 failed" in err
    assert [r["id"] for r in rows] == ["a", "b", "c", "d", "e"]
    assert "error" in rows[1] and "empty" in rows[1]["error"] and "citations" not in rows[1]
    assert rows[0]["citations"] and rows[4]["abstained"] is True
    assert rows[2]["question"] == "What does Putin fear?"
    assert any("characters long" in n for n in rows[3]["notes"])
    for r in (rows[0], rows[2], rows[3]):
        for c in r["citations"]:
            assert c["quote"] == seed_text[c["start"] : c["end"]]


# ---------------------------------------------------------------------------------------------
# damaged indexes: a clear error naming how to rebuild, never a silent wrong answer


def _truncate(name: str, keep: float) -> Callable[[Path], None]:
    def damage(gen: Path) -> None:
        data = (gen / name).read_bytes()
        (gen / name).write_bytes(data[: int(len(data) * keep)])

    return damage


def _scramble_vectors(gen: Path) -> None:
    # Same size, still a valid FAISS file: the chunk vectors are rotated by one row, so every
    # search would land on the wrong passage.
    n = json.loads((gen / MANIFEST).read_text("utf-8"))["counts"]["chunks"]
    data = bytearray((gen / CHUNKS_FAISS).read_bytes())
    row = 384 * 4  # float32 vectors of all-MiniLM-L6-v2, stored last in an IndexFlatIP file
    body = data[-n * row :]
    data[-n * row :] = body[row:] + body[:row]
    (gen / CHUNKS_FAISS).write_bytes(bytes(data))


def _sqlite_garbage(gen: Path) -> None:
    data = bytearray((gen / META_DB).read_bytes())
    data[4096:] = bytes((b * 7 + 13) % 256 for b in data[4096:])
    (gen / META_DB).write_bytes(bytes(data))


def _manifest(edit: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def damage(gen: Path) -> None:
        manifest = json.loads((gen / MANIFEST).read_text("utf-8"))
        edit(manifest)
        (gen / MANIFEST).write_text(json.dumps(manifest), "utf-8")

    return damage


def _legacy_sql(statement: str) -> Callable[[Path], None]:
    """Edit meta.sqlite of an index that has no checksums (written before they existed), so
    that only the consistency checks stand between the damage and an answer."""

    def damage(gen: Path) -> None:
        _manifest(lambda m: m.pop("files", None))(gen)
        db = sqlite3.connect(gen / META_DB)
        db.execute(statement)
        db.commit()
        db.close()

    return damage


def _counts(key: str, delta: int) -> Callable[[dict[str, Any]], None]:
    def edit(m: dict[str, Any]) -> None:
        m["counts"][key] += delta

    return edit


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "chunks.faiss truncated": (_truncate(CHUNKS_FAISS, 0.5), "chunks.faiss is truncated"),
    "sentences.faiss cut short": (_truncate(SENTENCES_FAISS, 0.99), "sentences.faiss is trunc"),
    "sentences.faiss empty": (_truncate(SENTENCES_FAISS, 0), "sentences.faiss is truncated"),
    "chunks.faiss missing": (lambda g: (g / CHUNKS_FAISS).unlink(), "chunks.faiss"),
    "chunk vectors scrambled in place": (_scramble_vectors, "chunks.faiss differs from the"),
    "meta.sqlite pages garbage": (_sqlite_garbage, "meta.sqlite differs from the checksum"),
    "meta.sqlite not a database": (
        lambda g: (g / META_DB).write_bytes(b"garbage" * 100),
        "meta.sqlite",
    ),
    "meta.sqlite damaged, no checksums": (
        lambda g: (_manifest(lambda m: m.pop("files"))(g), _sqlite_garbage(g)),
        "cannot read meta.sqlite (database disk image is malformed)",
    ),
    "chunk span past the text": (
        _legacy_sql("UPDATE chunks SET end = end + 100000 WHERE id = 3"),
        "chunk 3 lies outside its article's text",
    ),
    "sentence spans past the text": (
        _legacy_sql("UPDATE sentences SET start = start + 99999, end = end + 99999"),
        "sentence 0 lies outside its article's text",
    ),
    "article text cut": (
        _legacy_sql("UPDATE articles SET text = substr(text, 1, 200)"),
        "lies outside its article's text",
    ),
    "chunk of no article": (
        _legacy_sql("UPDATE chunks SET article = 7 WHERE id = 0"),
        "chunk 0 belongs to no stored article",
    ),
    "content hash differs": (
        _legacy_sql("UPDATE articles SET content_hash = 'x'"),
        "another content hash than the manifest's",
    ),
    "manifest chunk count": (_manifest(_counts("chunks", 1)), "chunks in meta.sqlite"),
    "manifest sentence count": (_manifest(_counts("sentences", -3)), "sentences in meta.sqlite"),
    "manifest lists a ghost": (
        _manifest(lambda m: m["articles"].update(ghost="0" * 64)),
        "the manifest's article list disagrees with meta.sqlite",
    ),
    "manifest not JSON": (lambda g: (g / MANIFEST).write_text("{nope", "utf-8"), "manifest.json"),
    "manifest missing": (lambda g: (g / MANIFEST).unlink(), "manifest.json is missing"),
    "CURRENT points nowhere": (
        lambda g: (g.parent / CURRENT).write_text("gen-424242\n", "utf-8"),
        "gen-424242",
    ),
    "CURRENT garbage": (lambda g: (g.parent / CURRENT).write_bytes(b"\xff\xfe\x00"), "CURRENT"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_index_is_refused_with_how_to_rebuild(
    capsys: pytest.CaptureFixture[str], seed_index: str, tmp_path: Path, case: str
) -> None:
    damage, needle = DAMAGE[case]
    index = _copy_index(seed_index, tmp_path / "idx")
    damage(_live(index))
    with pytest.raises(IndexCorruptError) as info:
        ask(ON, index_dir=index)
    assert needle in str(info.value) and REBUILD in str(info.value)
    code, out, err = _cli(capsys, "ask", ON, "--index", str(index))
    _assert_one_line_error(code, out, err, needle, REBUILD)
    code, out, err = _cli(capsys, "search", "NATO", "--index", str(index))
    _assert_one_line_error(code, out, err, REBUILD)


def test_ingest_refuses_a_damaged_index_and_rebuild_repairs_it(
    capsys: pytest.CaptureFixture[str], seed_index: str, tmp_path: Path, on_answer: dict[str, Any]
) -> None:
    index = _copy_index(seed_index, tmp_path / "idx")
    _scramble_vectors(_live(index))
    before = _snapshot(index)
    code, out, err = _cli(capsys, "ingest", str(CORPUS), "--index", str(index), "--quiet")
    _assert_one_line_error(code, out, err, "chunks.faiss differs", REBUILD)
    assert _snapshot(index) == before
    code, out, err = _cli(
        capsys, "ingest", str(CORPUS), "--index", str(index), "--quiet", "--rebuild"
    )
    assert code == 0, err
    assert ask(ON, index_dir=index).to_dict() == on_answer


# ---------------------------------------------------------------------------------------------
# flags


@pytest.mark.parametrize("k", [0, -1, True, 2.5, "3"])
def test_search_k_must_be_a_positive_whole_number(seed_index: str, k: Any) -> None:
    with pytest.raises(InvalidInputError, match="k must be"):
        search(ON, k=k, index_dir=seed_index)


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["search", ON, "--k", "0"], ["--k: must be at least 1, got 0"]),
        (["search", ON, "--k", "-3"], ["--k: must be at least 1, got -3"]),
        (["search", ON, "--k", "2.5"], ["--k: must be a whole number, got '2.5'"]),
        (["ask", ON, "--k", "3"], ["unrecognized arguments: --k 3", "--author, --doc, --index"]),
        (["search", ON, "--top-k", "3"], ["--top-k", "valid options for `cqa search`", "--k"]),
        (["ingest", "corpus", "--force"], ["--force", "--prune", "--rebuild", "--wait"]),
        (["batch", "x.txt", "--format", "csv"], ["--format", "--out", "--quiet"]),
        (["status", "--verbose"], ["--verbose", "valid options for `cqa status`: --index"]),
        (["serve", "--port", "70000"], ["must be a port from 1 to 65535"]),
        (["frobnicate"], ["invalid choice: 'frobnicate'", "'ingest', 'ask', 'search'"]),
        ([], ["required: COMMAND; commands: ingest, ask, search, batch, serve", "status"]),
    ],
)
def test_bad_flags_name_the_valid_values(
    capsys: pytest.CaptureFixture[str], argv: list[str], needles: list[str]
) -> None:
    code, out, err = _cli(capsys, *argv)
    _assert_one_line_error(code, out, err, *needles)


# ---------------------------------------------------------------------------------------------
# concurrent writers and a live server during an ingest (real processes)

# Runs `cqa ingest` (ui.cli.main) in a child process whose embedding step blocks until the
# test creates the "go" file: the child then holds the index lock for as long as the test
# needs, at a known point.
PAUSED_INGEST = """
import pathlib, sys, time
sys.path.insert(0, {repo!r})
reached, go = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
from retrieval import embedders
original = embedders.MiniLMEmbedder.encode
def encode(self, texts, batch_size=32):
    reached.touch()
    deadline = time.monotonic() + 120
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return original(self, texts, batch_size)
embedders.MiniLMEmbedder.encode = encode
from ui.cli import main
sys.exit(main(sys.argv[3:]))
"""

# `cqa ingest --wait` in a child that marks the moment it starts waiting for the lock (the
# store sleeps only while another process holds it).
WAITING_INGEST = """
import pathlib, sys, time, types
sys.path.insert(0, {repo!r})
waiting = pathlib.Path(sys.argv[1])
from retrieval import store
def sleep(seconds):
    waiting.touch()
    time.sleep(seconds)
store.time = types.SimpleNamespace(monotonic=time.monotonic, sleep=sleep)
from ui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _child(script: str, tmp_path: Path, name: str, *args: str) -> subprocess.Popen[str]:
    path = tmp_path / f"{name}.py"
    path.write_text(script.format(repo=str(REPO)), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path: Path, proc: subprocess.Popen[str], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"{what}: the child ended early: {proc.communicate()}")
        assert time.monotonic() < deadline, f"{what}: timed out"
        time.sleep(0.05)


def _article_dir(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


ARCTIC = (
    "---\nid: arctic\ntitle: The opening Arctic\nauthor: Ann Analyst\n---\n"
    "Arctic shipping lanes are opening because the sea ice retreats earlier every summer.\n\n"
    "Insurers still price the northern sea route as a frontier risk.\n"
)
BALTIC = (
    "---\nid: baltic\ntitle: Baltic cables\nauthor: Ben Writer\n---\n"
    "Undersea cables in the Baltic Sea have been cut by anchors dragged from passing ships.\n"
)


def test_two_ingests_at_once_refuse_or_wait_and_never_interleave(
    capsys: pytest.CaptureFixture[str], seed_index: str, tmp_path: Path, on_answer: dict[str, Any]
) -> None:
    index = _copy_index(seed_index, tmp_path / "idx")
    arctic = _article_dir(tmp_path, "arctic", ARCTIC)
    baltic = _article_dir(tmp_path, "baltic", BALTIC)
    reached, go, waiting = tmp_path / "reached", tmp_path / "go", tmp_path / "waiting"
    first = _child(
        PAUSED_INGEST,
        tmp_path,
        "first",
        str(reached),
        str(go),
        "ingest",
        str(arctic),
        "--index",
        str(index),
        "--quiet",
    )
    waiter: subprocess.Popen[str] | None = None
    try:
        _wait_for(reached, first, "first ingest")
        live_before = (index / CURRENT).read_bytes()
        # a second writer without --wait is refused at once, clearly, and changes nothing
        started = time.monotonic()
        code, out, err = _cli(capsys, "ingest", str(baltic), "--index", str(index), "--quiet")
        _assert_one_line_error(code, out, err, f"another ingest (pid {first.pid})")
        assert time.monotonic() - started < 30
        with pytest.raises(IndexLockedError, match=f"pid {first.pid}"):
            ingest([baltic], index)
        assert (index / CURRENT).read_bytes() == live_before
        # readers are not blocked by the writer and see the old index
        assert ask(ON, index_dir=index).to_dict() == on_answer
        # a third writer with --wait blocks on the lock, then builds on the first one's result
        waiter = _child(
            WAITING_INGEST,
            tmp_path,
            "waiter",
            str(waiting),
            "ingest",
            str(baltic),
            "--index",
            str(index),
            "--quiet",
            "--json",
            "--wait",
            "120",
        )
        _wait_for(waiting, waiter, "waiting ingest")
        assert waiter.poll() is None
        go.touch()
        out1, err1 = first.communicate(timeout=120)
        assert first.returncode == 0, err1
        out2, err2 = waiter.communicate(timeout=120)
        assert waiter.returncode == 0, err2
    finally:
        go.touch()
        for proc in (first, waiter):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    report = json.loads(out2)
    # the waiter started from the first ingest's generation: nothing was lost or interleaved
    assert report["added"] == ["baltic"]
    assert report["articles_total"] == 3
    texts = _texts(index)
    assert set(texts) == {SEED_ID, "arctic", "baltic"}
    assert not [p for p in index.iterdir() if p.name.startswith((".tmp-", ".CURRENT."))]
    assert ask(ON, index_dir=index).to_dict() == on_answer
    cables = ask("What has been cutting the undersea cables in the Baltic Sea?", index_dir=index)
    assert [c.doc_id for c in cables.citations] == ["baltic"]


def test_server_answers_during_an_ingest_and_picks_up_the_new_article(
    seed_index: str, tmp_path: Path, on_answer: dict[str, Any]
) -> None:
    from gradio_client import Client

    from ui.app import launch

    index = _copy_index(seed_index, tmp_path / "idx")
    arctic = _article_dir(tmp_path, "arctic", ARCTIC)
    new_q = "Why are Arctic shipping lanes opening?"
    port = free_port()
    demo = launch(str(index), host="127.0.0.1", port=port, block=False)
    reached, go = tmp_path / "reached", tmp_path / "go"
    child: subprocess.Popen[str] | None = None
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        assert client.predict(new_q, api_name="/ask")["abstained"] is True
        child = _child(
            PAUSED_INGEST,
            tmp_path,
            "ingest",
            str(reached),
            str(go),
            "ingest",
            str(arctic),
            "--index",
            str(index),
            "--quiet",
        )
        _wait_for(reached, child, "ingest")

        def hammer() -> None:
            # Its own client, asking until the ingest has finished: through the embedding,
            # the write and the switch of CURRENT.
            c = Client(f"http://127.0.0.1:{port}/", verbose=False)
            while not stop.is_set():
                try:
                    results.append(c.predict(ON, api_name="/ask"))
                except BaseException as exc:  # noqa: BLE001 - every failure is the finding
                    errors.append(exc)
                    return

        thread = threading.Thread(target=hammer, daemon=True)
        thread.start()
        time.sleep(1.0)  # some answers while the ingest holds the lock mid-embedding
        assert results, "no answers while the ingest was running"
        go.touch()
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        time.sleep(0.5)
        stop.set()
        thread.join(timeout=60)
        assert not errors, errors
        # every answer during the ingest was whole and right, from the old or the new index
        assert len(results) >= 5
        for r in results:
            assert r["citations"] == on_answer["citations"]
        # no restart: the next question sees the new generation
        fresh = client.predict(new_q, api_name="/ask")
        assert fresh["abstained"] is False
        assert {c["doc_id"] for c in fresh["citations"]} == {"arctic"}
        assert "sea ice retreats" in fresh["answer"]
    finally:
        stop.set()
        go.touch()
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        demo.close()


# ---------------------------------------------------------------------------------------------
# hostile content in a real browser

HOSTILE = """---
id: hostile-arctic
title: "Arctic <script>alert('title')</script> Outlook"
author: "Mallory <img src=x onerror=alert('author')>"
url: "javascript:alert('url')"
---
Glaciologists now expect the Arctic sea ice to vanish in summer by 2040 <script>alert(1)</script> because warming is faster than modelled.

Shipping insurers say the northern sea route <img src=x onerror=alert(2)> will carry container traffic within a decade.

Read [the melt report](javascript:alert(3)) on Arctic &amp; Antarctic ice &lt;b&gt;loss&lt;/b&gt; and &#60;script&#62; tags.
"""
HOSTILE_QUESTION = (
    "<script>alert(5)</script> <img src=x onerror=alert(6)> When will the Arctic sea ice "
    "vanish in summer? [x](javascript:alert(7)) &amp; &lt;b&gt;"
)


@pytest.fixture
def hostile_server(seed_index: str, tmp_path: Path) -> Iterator[str]:
    index = _copy_index(seed_index, tmp_path / "idx")
    ingest([_article_dir(tmp_path, "hostile", HOSTILE)], index)
    # the hostile passages are really what this question cites
    answer = ask(HOSTILE_QUESTION, index_dir=index)
    assert {c.doc_id for c in answer.citations} == {"hostile-arctic"}
    assert any("<script>alert(1)</script>" in c.quote for c in answer.citations)
    port = free_port()
    from ui.app import launch

    demo = launch(str(index), host="127.0.0.1", port=port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Debian chromium missing")
def test_hostile_markup_is_shown_as_text_never_run(hostile_server: str) -> None:
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()

            def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.goto(hostile_server, wait_until="domcontentloaded", timeout=60_000)
            box = page.get_by_placeholder("Ask a question about the commentary…")
            if box.count() == 0:
                box = page.get_by_role("textbox")
            box.first.wait_for(state="visible", timeout=60_000)
            box.first.fill(HOSTILE_QUESTION)
            box.first.press("Enter")
            page.wait_for_function(
                "() => document.body.innerText.includes('Glaciologists now expect')",
                timeout=60_000,
            )
            page.wait_for_timeout(1500)  # give any injected handler time to fire
            injected = page.evaluate(
                """() => ({
                    scripts: [...document.querySelectorAll('script')]
                        .filter(s => s.textContent.includes('alert(')).length,
                    imgs: document.querySelectorAll('img[onerror], img[src="x"]').length,
                    links: document.querySelectorAll('a[href^="javascript:" i]').length,
                    handlers: [...document.querySelectorAll('*')].filter(
                        el => [...el.attributes].some(a => /^on/i.test(a.name)
                            && /alert/.test(a.value))).length,
                })"""
            )
            shown = " ".join(page.evaluate("() => document.body.innerText").split())
        finally:
            browser.close()
    assert dialogs == []
    assert injected == {"scripts": 0, "imgs": 0, "links": 0, "handlers": 0}
    # the markup is visible as the characters it is made of: in the question, the quote,
    # and the sources panel's title and author
    for text in (
        "<script>alert(5)</script> <img src=x onerror=alert(6)>",
        "[x](javascript:alert(7)) &amp; &lt;b&gt;",
        "by 2040 <script>alert(1)</script> because",
        "[the melt report](javascript:alert(3)) on Arctic &amp; Antarctic",
        "Arctic <script>alert('title')</script> Outlook",
        "Mallory <img src=x onerror=alert('author')>",
    ):
        assert text in shown, text
