"""The ``cqa`` command line: JSON output, batch formats, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.engine import STRICT_NOTE
from ui.cli import main

from .conftest import REPO, SEED_ID

ON = "What does Putin fear most from NATO's expansion?"
OFF = "How do I cook borscht?"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_is_answer_to_dict(capsys, seed_index: str, seed_text: str) -> None:
    code, out, _ = _run(capsys, "ask", ON, "--json", "--index", seed_index)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"question", "answer", "abstained", "citations"}
    assert data["abstained"] is False
    c = data["citations"][0]
    assert set(c) >= {
        "n",
        "doc_id",
        "title",
        "author",
        "url",
        "date",
        "start",
        "end",
        "quote",
        "score",
    }
    assert c["quote"] == seed_text[c["start"] : c["end"]]


def test_ask_strict_refuses_a_near_miss(capsys, seed_index: str) -> None:
    question = "Why did Putin fire his defence minister?"
    code, out, _ = _run(capsys, "ask", question, "--strict", "--json", "--index", seed_index)
    assert code == 0
    assert json.loads(out) == {
        "question": question,
        "answer": "The indexed commentary does not address this question.",
        "abstained": True,
        "citations": [],
        "notes": [STRICT_NOTE],
    }


def test_ask_text_output_lists_sources(capsys, seed_index: str) -> None:
    code, out, _ = _run(capsys, "ask", ON, "--index", seed_index)
    assert code == 0 and "[1]" in out and "Rob Dannenberg" in out


def test_search_json_has_doc_ids(capsys, seed_index: str) -> None:
    code, out, _ = _run(
        capsys, "search", "appeasement Munich", "--k", "3", "--json", "--index", seed_index
    )
    assert code == 0
    passages = json.loads(out)
    assert 1 <= len(passages) <= 3 and all(p["doc_id"] == SEED_ID for p in passages)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("qs.txt", f"{ON}\n\n{OFF}\n"),
        (
            "qs.jsonl",
            json.dumps({"id": "a", "question": ON}) + "\n" + json.dumps({"question": OFF}) + "\n",
        ),
        ("qs.csv", f'id,question\na,"{ON}"\nb,{OFF}\n'),
    ],
)
def test_batch_formats_answer_in_input_order(
    capsys, seed_index: str, tmp_path: Path, name: str, content: str
) -> None:
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    out_file = tmp_path / "out.jsonl"
    code, _, err = _run(
        capsys, "batch", str(src), "--out", str(out_file), "--index", seed_index, "--quiet"
    )
    assert code == 0, err
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in rows] == [ON, OFF]
    assert [r["abstained"] for r in rows] == [False, True]
    assert all("id" in r for r in rows)
    if name != "qs.txt":
        assert rows[0]["id"] == "a"


def test_batch_reports_a_bad_question_in_its_own_line(
    capsys, seed_index: str, tmp_path: Path
) -> None:
    src = tmp_path / "qs.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps({"question": ON}),
                json.dumps({"question": "   "}),
                "{broken",
                json.dumps({"question": OFF}),
            ]
        ),
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "batch", str(src), "--index", seed_index, "--quiet")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and "2 answered, 2 failed" in err
    assert "citations" in rows[0] and rows[3]["abstained"] is True
    assert "empty" in rows[1]["error"] and "not valid JSON" in rows[2]["error"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("qs.xlsx", "x", "unsupported batch file type '.xlsx'"),
        ("qs.csv", "id,text\n1,hello\n", "no 'question' column"),
        ("qs.txt", "\n  \n", "the batch file is empty"),
    ],
)
def test_bad_batch_files_are_one_line_errors(
    capsys, seed_index: str, tmp_path: Path, name: str, content: str, message: str
) -> None:
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "batch", str(src), "--index", seed_index)
    assert code == 2 and out == ""
    assert err.startswith("cqa: error:") and message in err and err.count("\n") == 1


def test_user_mistakes_exit_2_without_traceback(tmp_path: Path) -> None:
    cases = [
        (["ask", "   "], "the question is empty"),
        (["ask", "hi", "--index", str(tmp_path / "none")], "cqa ingest"),
        (["search", "x", "--k", "0"], "must be at least 1, got 0"),
        (["ingest", str(tmp_path / "missing")], "no such file or folder"),
        (["frobnicate"], "invalid choice"),
    ]
    for argv, message in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "ui.cli", *argv],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 2, (argv, proc.stderr)
        assert message in proc.stderr and "Traceback" not in proc.stderr


def test_a_reader_that_stops_reading_gets_no_traceback(seed_index: str) -> None:
    """`cqa search … | head -1`: the pipe closes before the output is written."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "search", "appeasement", "--index", seed_index],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # nobody reads: the first write fails with a broken pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_ingest_cli_prints_a_summary_and_json(capsys, tmp_path: Path) -> None:
    code, out, _ = _run(
        capsys, "ingest", str(REPO / "corpus"), "--index", str(tmp_path / "i"), "--quiet"
    )
    assert code == 0 and out.startswith("ingest: 1 added")
    code, out, _ = _run(
        capsys, "ingest", str(REPO / "corpus"), "--index", str(tmp_path / "i"), "--json"
    )
    assert json.loads(out)["unchanged"] == [SEED_ID]


def test_ingest_cli_embedder_is_kept_when_adding(capsys, tmp_path: Path, monkeypatch) -> None:
    """Built with --embedder minilm-int8, the index keeps that model when articles are added
    with a plain `cqa ingest`, and questions use it too; a bad name is a one-line error."""
    from retrieval import get_engine

    monkeypatch.delenv("CQA_EMBEDDER", raising=False)
    index = str(tmp_path / "i")
    code, _, _ = _run(
        capsys, "ingest", str(REPO / "corpus"), "--index", index, "--embedder", "minilm-int8"
    )
    assert code == 0
    extra = tmp_path / "extra.md"
    extra.write_text("---\ntitle: Arctic\nauthor: Ann Author\n---\nThe ice is thin.\n", "utf-8")
    code, out, _ = _run(capsys, "ingest", str(extra), "--index", index, "--json")
    assert code == 0 and len(json.loads(out)["added"]) == 1
    engine = get_engine(index)
    assert engine.embedder.name == "minilm-int8" and len(engine.index.articles) == 2
    code, out, _ = _run(capsys, "ask", ON, "--json", "--index", index)
    assert code == 0 and json.loads(out)["citations"]
    code, _, err = _run(capsys, "ingest", str(extra), "--index", index, "--embedder", "bogus")
    assert code == 2 and "invalid choice: 'bogus' (choose from 'minilm', 'minilm-int8')" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("host", "auth", "expected"),
    [
        ("127.0.0.1", None, None),
        ("localhost", None, None),
        ("::1", None, None),
        ("0.0.0.0", "u:p", ("u", "p")),
    ],
)
def test_serve_auth_accepts_loopback_or_a_login(host: str, auth: str | None, expected) -> None:
    from ui.cli import serve_auth

    assert serve_auth(host, auth) == expected


@pytest.mark.parametrize(
    ("host", "auth", "message"),
    [
        ("0.0.0.0", None, "give --auth USER:PASSWORD"),
        ("192.168.1.5", None, "exposes the chat beyond this machine"),
        ("127.0.0.1", "nopassword", "USER:PASSWORD"),
        ("127.0.0.1", ":p", "USER:PASSWORD"),
    ],
)
def test_serve_refuses_open_non_loopback_binds(host: str, auth: str | None, message: str) -> None:
    from retrieval import InvalidInputError
    from ui.cli import serve_auth

    with pytest.raises(InvalidInputError, match=message):
        serve_auth(host, auth)
