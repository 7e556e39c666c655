"""Shared fixtures: the real bundled model and the real seed article, indexed once a session."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
# A developer's own CQA_INDEX must never be touched by the tests.
os.environ.pop("CQA_INDEX", None)

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEED_ID = "cipherbrief-dannenberg-negotiating-with-putin"
# Debian's chromium, headless; without the background-networking flags it tries to reach
# Google's hosts at every start, which this offline machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A free TCP port on the loopback address, for a test server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A read-only index of corpus/ built with the real model (tests must not modify it)."""
    from ingest import ingest

    path = tmp_path_factory.mktemp("seed-index")
    report = ingest([CORPUS], path)
    assert report.added == [SEED_ID]
    return str(path)


@pytest.fixture(scope="session")
def seed_text(seed_index: str) -> str:
    from retrieval import get_engine

    (article,) = get_engine(seed_index).index.articles
    return article["text"]


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of corpus/ for tests that edit or delete articles."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst
