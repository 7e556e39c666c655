"""Unit tests of the pure text logic: paragraphs, boilerplate, sentences, chunks."""

from __future__ import annotations

import pytest

from ingest.text import BoilerplateFilter, approx_tokens, paragraphs, segment, sentences
from retrieval.config import ChunkSettings
from retrieval.errors import InvalidInputError

from .conftest import CORPUS


def _seed_body() -> str:
    raw = next(CORPUS.glob("*.md")).read_text(encoding="utf-8")
    return raw.split("---\n", 2)[2]


def test_sentences_respect_abbreviations_and_initials() -> None:
    t = "The U.S. and Russia met. Gen. J. Smith (Ret.) spoke! Did he? 1) Never concede. 2) Never."
    got = [t[s:e] for s, e in sentences(t, (0, len(t)))]
    assert got == [
        "The U.S. and Russia met.",
        "Gen. J. Smith (Ret.) spoke!",
        "Did he?",
        "1) Never concede.",
        "2) Never.",
    ]


def test_paragraph_spans_are_trimmed_slices() -> None:
    t = "  First para.\nstill first.\n\n\n Second one.  \n"
    assert [t[s:e] for s, e in paragraphs(t)] == ["First para.\nstill first.", "Second one."]


@pytest.mark.parametrize(
    "line",
    [
        "Are you subscribed to The Daily Brief on YouTube? Listen to our podcast.",
        "Listen to Jane Doe as she explains the options on our channel.",
        "Read more expert-driven insights in The Brief because it matters.",
        "Categorized as:Putin Russia UkraineTagged with:",
        "Related Articles",
        "Search",
        "Close",
        "Subscribe now for full access",
    ],
)
def test_promo_and_navigation_are_boilerplate(line: str) -> None:
    assert BoilerplateFilter().is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Putin will use his experience and training to manipulate the U.S. President.",
        "Searching for peace, the envoys closed the talks without a deal.",
        "Related issues were raised at the summit, which closed early.",
    ],
)
def test_commentary_is_not_boilerplate(line: str) -> None:
    assert not BoilerplateFilter().is_boilerplate(line)


def test_user_rules_extend_the_defaults(tmp_path) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text("# our site's footer\n^This story first appeared\n", encoding="utf-8")
    f = BoilerplateFilter.with_rules_file(rules)
    assert f.is_boilerplate("This story first appeared in the Weekly.")
    assert f.is_boilerplate("Related Articles")
    assert f.fingerprint != BoilerplateFilter().fingerprint


def test_bad_user_rule_is_a_clear_error(tmp_path) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text("([unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="bad boilerplate rule"):
        BoilerplateFilter.with_rules_file(rules)


def test_seed_segmentation_drops_promos_and_never_cuts_sentences() -> None:
    body = _seed_body()
    settings = ChunkSettings()
    seg = segment(body, settings, BoilerplateFilter())
    dropped = " ".join(body[s:e] for s, e in seg.dropped)
    assert "Are you subscribed" in dropped and "Listen to Bill Browder" in dropped
    assert "Related Articles" in dropped and "Categorized as" in dropped
    starts = {s for s, _ in seg.sentences}
    ends = {e for _, e in seg.sentences}
    for s, e in seg.chunks:
        chunk = body[s:e]
        assert s in starts and e in ends, "a chunk must begin and end on sentence boundaries"
        for promo in ("subscribed", "Listen to", "Read more", "Related Articles", "Tagged with"):
            assert promo not in chunk
    # the kicker label is not part of the first sentence
    first = body[seg.sentences[0][0] : seg.sentences[0][1]]
    assert first.startswith("As talks move forward")


def test_chunks_overlap_by_one_sentence_and_fit_the_budget() -> None:
    body = _seed_body()
    settings = ChunkSettings(max_tokens=120, overlap_sentences=1)
    seg = segment(body, settings, BoilerplateFilter())
    assert len(seg.chunks) > 5
    for (s1, e1), (s2, _e2) in zip(seg.chunks, seg.chunks[1:]):
        assert s2 < e1 or body[e1:s2].strip(), (
            "consecutive chunks overlap unless a promo split them"
        )
        sents_in = [sp for sp in seg.sentences if s1 <= sp[0] and sp[1] <= e1]
        if len(sents_in) > 1:
            assert approx_tokens(body[s1:e1]) <= settings.max_tokens + 5


def test_chunk_settings_are_validated() -> None:
    with pytest.raises(InvalidInputError, match="max_tokens must be at least 16, got 3"):
        ChunkSettings(max_tokens=3)
