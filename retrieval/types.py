"""Result types. The JSON the CLI prints is exactly ``to_dict()`` of these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Passage:
    """A chunk of an article picked for a question.

    ``text`` is always ``article_text[start:end]``; ``retrievers`` says which retrievers
    (``dense``, ``bm25``) found it, with their ranks and scores beside the fused ``score``.
    """

    doc_id: str
    title: str
    author: str
    start: int
    end: int
    text: str
    score: float
    chunk_id: int = -1
    url: str = ""
    date: str = ""
    publisher: str = ""
    dense_score: float | None = None
    bm25_score: float | None = None
    retrievers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Citation:
    """One cited span: ``quote`` is exactly ``article_text[start:end]`` of article ``doc_id``,
    or of its stored ``author_bio`` / ``author`` / ``title`` / ``publisher`` / ``date`` /
    ``kind`` when ``quoted_from`` says so (who wrote the article, or where and when it
    appeared, is in the front matter, which no sentence states)."""

    n: int
    doc_id: str
    title: str
    author: str
    url: str
    date: str
    start: int
    end: int
    quote: str
    score: float
    publisher: str = ""
    # whose words the quote is: the author, or the person the author quotes
    speaker: str = ""
    # the author reporting a quoted speaker ("" when the speaker is the author)
    quoted_by: str = ""
    # which stored field of the article the span is in: "text", "author_bio", "author",
    # "title", "publisher", "date" or "kind" (the publisher's label: news, opinion…)
    quoted_from: str = "text"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """An answer made of cited source text, or a plain refusal (``abstained``)."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # milliseconds per step (embed, retrieve, answer), for "how this answer was found"
    timings: dict[str, float] = field(default_factory=dict)
    # the best candidate sentence's cosine and overlap: what the refusal rule looked at
    evidence: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape: question, answer, abstained, citations (and notes, if any)."""
        out: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out
