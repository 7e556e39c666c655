"""Ingest with the real model: offsets, idempotence, updates, prune, crashes, locks, manifest."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest import ingest
from retrieval import IndexIncompatibleError, IndexLockedError, IndexNotFoundError, ask, get_engine
from retrieval.store import CURRENT, MANIFEST, index_lock, load_generation, read_manifest

from .conftest import CORPUS, REPO, SEED_ID

PROMOS = ("Are you subscribed", "Listen to", "Read more expert", "Related Articles", "Tagged with")


def _copy_index(src: str, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _load(path: Path):
    gen, manifest = read_manifest(path)
    return load_generation(path, gen, manifest)


def test_offsets_round_trip_and_promos_are_never_indexed(seed_index: str) -> None:
    idx = _load(Path(seed_index))
    (art,) = idx.articles
    for cid in range(idx.n_chunks):
        s, e = int(idx.chunk_start[cid]), int(idx.chunk_end[cid])
        text = idx.chunk_text(cid)
        assert text == art["text"][s:e] and text.strip() == text
        for promo in PROMOS:
            assert promo not in text
    for s, e in zip(idx.sent_start, idx.sent_end):
        sentence = art["text"][int(s) : int(e)]
        assert sentence and not any(p in sentence for p in PROMOS)
    manifest = idx.manifest
    assert manifest["embedder"] == {
        "name": "minilm",
        "model_id": "sentence-transformers/all-MiniLM-L6-v2",
        "dim": 384,
    }
    assert manifest["articles"] == {SEED_ID: art["content_hash"]}
    assert manifest["pipeline"]["chunking"]["max_tokens"] > 0


def test_reingest_is_idempotent(seed_index: str, tmp_path: Path) -> None:
    path = _copy_index(seed_index, tmp_path / "idx")
    before = (path / CURRENT).read_text()
    report = ingest([CORPUS], path)
    assert (report.added, report.updated, report.unchanged) == ([], [], [SEED_ID])
    assert report.chunks_embedded == 0 and not report.changed
    assert (path / CURRENT).read_text() == before
    # a second copy of the same article under another name is refused, not duplicated
    assert _load(path).n_chunks == _load(Path(seed_index)).n_chunks


def test_changed_article_replaces_its_chunks(
    seed_index: str, tmp_path: Path, corpus_copy: Path
) -> None:
    path = _copy_index(seed_index, tmp_path / "idx")
    md = next(corpus_copy.glob("*.md"))
    text = md.read_text(encoding="utf-8")
    old_sentence = "Haste in this matter is ill-advised."
    new_sentence = "Patience with the Kremlin is a strategic asset, not a weakness."
    md.write_text(text.replace(old_sentence, new_sentence), encoding="utf-8")
    report = ingest([corpus_copy], path)
    assert report.updated == [SEED_ID] and report.added == []
    idx = _load(path)
    assert len(idx.articles) == 1
    all_text = " ".join(idx.chunk_text(i) for i in range(idx.n_chunks))
    assert new_sentence in all_text and old_sentence not in all_text
    ans = ask("Why is patience with the Kremlin a strategic asset?", index_dir=path)
    assert any(new_sentence in c.quote for c in ans.citations)


def test_prune_removes_articles_whose_source_is_gone(
    seed_index: str, tmp_path: Path, corpus_copy: Path
) -> None:
    path = _copy_index(seed_index, tmp_path / "idx")
    extra = corpus_copy / "extra.md"
    extra.write_text(
        "---\ntitle: Arctic shipping\nauthor: Ann Analyst\n---\n"
        "Arctic shipping lanes are opening as the ice retreats. Insurers are wary.\n",
        encoding="utf-8",
    )
    assert ingest([corpus_copy], path).added == ["extra"]
    extra.unlink()
    kept = ingest([corpus_copy], path)
    assert kept.removed == [] and kept.articles_total == 2
    pruned = ingest([corpus_copy], path, prune=True)
    assert pruned.removed == ["extra"] and pruned.articles_total == 1
    assert [a["doc_id"] for a in _load(path).articles] == [SEED_ID]


CHILD = """
import pathlib, sys, time
sys.path.insert(0, {repo!r})
signal_file = pathlib.Path(sys.argv[3])
stage = sys.argv[4]
if stage == "embed":
    from retrieval import embedders
    original = embedders.MiniLMEmbedder.encode
    def encode(self, texts, batch_size=32):
        signal_file.touch(); time.sleep(120); return original(self, texts, batch_size)
    embedders.MiniLMEmbedder.encode = encode
else:
    from retrieval import store
    original = store.faiss.write_index
    def write_index(index, path):
        original(index, path); signal_file.touch(); time.sleep(120)
    store.faiss.write_index = write_index
from ingest import ingest
ingest([sys.argv[1]], sys.argv[2])
"""


@pytest.mark.parametrize("stage", ["embed", "write"])
def test_killed_ingest_leaves_the_previous_index_whole(
    seed_index: str, tmp_path: Path, corpus_copy: Path, stage: str
) -> None:
    path = _copy_index(seed_index, tmp_path / "idx")
    question = "What does Putin fear most from NATO's expansion?"
    before = ask(question, index_dir=path).to_dict()
    (corpus_copy / "new.md").write_text("---\ntitle: New\n---\nA new article body.\n", "utf-8")
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(repo=str(REPO)), encoding="utf-8")
    signal_file = tmp_path / "reached"
    child = subprocess.Popen(
        [sys.executable, str(script), str(corpus_copy), str(path), str(signal_file), stage]
    )
    try:
        deadline = time.monotonic() + 120
        while not signal_file.exists():
            assert child.poll() is None, "the child ingest ended before reaching the stage"
            assert time.monotonic() < deadline, "the child ingest never reached the stage"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    # the old generation is still the live one, loads from disk and answers the same
    gen, _ = read_manifest(path)
    assert [a["doc_id"] for a in _load(path).articles] == [SEED_ID]
    from retrieval import api

    api._engines.clear()
    assert ask(question, index_dir=path).to_dict() == before
    # the lock died with the child; a rerun completes and cleans the leftovers
    report = ingest([corpus_copy], path)
    assert report.added == ["new"] and report.articles_total == 2
    assert not [p for p in path.iterdir() if p.name.startswith(".tmp-")]
    assert read_manifest(path)[0] != gen


def test_second_writer_is_refused_clearly(seed_index: str, tmp_path: Path) -> None:
    path = _copy_index(seed_index, tmp_path / "idx")
    with index_lock(path), pytest.raises(IndexLockedError, match="another ingest"):
        ingest([CORPUS], path)


def test_query_side_refuses_other_models_and_formats(seed_index: str, tmp_path: Path) -> None:
    for i, change in enumerate(
        [{"embedder": {"name": "other", "model_id": "x/y", "dim": 768}}, {"format_version": 99}]
    ):
        path = _copy_index(seed_index, tmp_path / f"idx{i}")
        gen = (path / CURRENT).read_text().strip()
        manifest_path = path / gen / MANIFEST
        manifest = json.loads(manifest_path.read_text())
        manifest.update(change)
        manifest_path.write_text(json.dumps(manifest))
        with pytest.raises(IndexIncompatibleError, match="cqa ingest --rebuild"):
            get_engine(path)
        # and ingest without --rebuild refuses too, leaving it as it was
        with pytest.raises(IndexIncompatibleError):
            ingest([CORPUS], path)
        report = ingest([CORPUS], path, rebuild=True)
        assert report.articles_total == 1
        assert not ask("What does Putin fear most?", index_dir=path).abstained


def test_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="cqa ingest"):
        ask("Anything?", index_dir=tmp_path / "nothing-here")


def test_remove_articles_by_id(seed_index: str, tmp_path: Path, corpus_copy: Path) -> None:
    from ingest import remove_articles
    from retrieval import InvalidInputError

    path = _copy_index(seed_index, tmp_path / "idx")
    (corpus_copy / "extra.md").write_text("---\ntitle: Extra\n---\nArctic ice.\n", "utf-8")
    ingest([corpus_copy], path)
    with pytest.raises(InvalidInputError, match="no article with id 'ghost'"):
        remove_articles(["ghost"], path)
    report = remove_articles(["extra"], path)
    assert report.removed == ["extra"] and report.articles_total == 1
    assert [a["doc_id"] for a in _load(path).articles] == [SEED_ID]
    # the remaining article still answers, and a later ingest sees it unchanged
    assert not ask("What does Putin fear most?", index_dir=path).abstained
    assert ingest([CORPUS], path).unchanged == [SEED_ID]


def test_ingest_reports_progress_within_one_long_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import pipeline

    monkeypatch.setattr(pipeline, "PROGRESS_SLICE", 16)
    src = tmp_path / "long.md"
    paragraphs = [
        f"Paragraph {p} makes point {p}. It adds a second sentence. And a third one on item {p}."
        for p in range(20)
    ]
    src.write_text('---\ntitle: "Long"\n---\n' + "\n\n".join(paragraphs), encoding="utf-8")
    steps: list[tuple[int, int]] = []
    report = ingest([src], tmp_path / "index", on_progress=lambda d, t: steps.append((d, t)))
    total = report.chunks_embedded + report.sentences_embedded
    assert steps[0] == (0, total) and steps[-1] == (total, total)
    assert all(t == total for _, t in steps)
    done = [d for d, _ in steps]
    assert done == sorted(done) and len(set(done)) >= 4, steps
