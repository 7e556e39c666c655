"""Unit tests of reading article files: formats, ids and every kind of bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.readers import discover, read_paths
from retrieval.errors import IngestError, InvalidInputError

from .conftest import CORPUS, SEED_ID


def test_seed_article_front_matter() -> None:
    (art,) = read_paths([CORPUS])
    assert art.doc_id == SEED_ID
    assert art.title == "The Art of Negotiating with Vladimir Putin"
    assert art.author == "Rob Dannenberg"
    assert art.publisher == "The Cipher Brief"
    assert art.kind == "Opinion / Expert Perspective"
    assert art.date == ""  # the source gives none; never invented
    assert art.author_bio.startswith("Rob Dannenberg served as chief of operations")
    assert art.text.startswith("OPINION / EXPERT PERSPECTIVE")


def test_plain_text_title_and_byline(tmp_path: Path) -> None:
    f = tmp_path / "piece.txt"
    f.write_text("A Title\n\nBy Jane Q. Doe\n\nThe body. More body.\n", encoding="utf-8")
    (art,) = read_paths([f])
    assert (art.title, art.author, art.doc_id) == ("A Title", "Jane Q. Doe", "piece")
    assert art.text.strip() == "The body. More body."


def test_jsonl_ids_are_kept_and_derived_ids_are_stable(tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    rows = [{"id": "a1", "title": "A", "text": "Alpha text."}, {"title": "B", "text": "Beta text."}]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    first = [a.doc_id for a in read_paths([f])]
    assert first[0] == "a1" and first[1].startswith("feed-")
    assert [a.doc_id for a in read_paths([f])] == first


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.md", b"", "no article text"),
        ("only-front.md", b"---\ntitle: x\n---\n", "no article text"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("latin1.txt", "Caf\u00e9 talk.".encode("latin-1"), "not valid UTF-8"),
        ("open.md", b"---\ntitle: x\nbody without end\n", "never closed"),
        ("yaml.md", b"---\ntitle: [unclosed\n---\nBody.\n", "broken YAML front matter"),
        ("list.md", b"---\n- a\n- b\n---\nBody.\n", "key: value"),
    ],
)
def test_bad_text_files_are_named_in_a_clear_error(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(IngestError, match=message) as err:
        read_paths([path])
    assert name in str(err.value)


def test_jsonl_bad_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    good = json.dumps({"id": "ok", "title": "T", "text": "Fine."})
    path = _write(
        tmp_path,
        "feed.jsonl",
        "\n".join([good, "{not json", json.dumps({"id": "x", "title": "no text"})]).encode(),
    )
    with pytest.raises(IngestError) as err:
        read_paths([path])
    msg = str(err.value)
    assert "feed.jsonl:2: not valid JSON" in msg
    assert "feed.jsonl:3: missing or empty 'text'" in msg
    assert "Nothing was ingested" in msg


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        _write(tmp_path, name, json.dumps({"id": "same", "title": "T", "text": "X."}).encode())
    with pytest.raises(IngestError, match="duplicate article id 'same'"):
        read_paths([tmp_path])


def test_discover_rejects_missing_and_unsupported_paths(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such file or folder"):
        discover([tmp_path / "nope"])
    docx = _write(tmp_path, "x.docx", b"PK")
    with pytest.raises(InvalidInputError, match=r"unsupported file type '\.docx'.*\.md"):
        discover([docx])
    # inside a folder, other files are skipped rather than failing the run
    _write(tmp_path, "ok.md", b"Body.\n")
    assert [p.name for p, _ in discover([tmp_path])] == ["ok.md"]
