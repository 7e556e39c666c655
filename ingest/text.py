"""Pure text logic: paragraphs, boilerplate, sentences and chunks, all as character spans.

Every span is a ``(start, end)`` pair into the article text, so any piece of any chunk can be
shown to a reader as ``text[start:end]`` — the words exactly as the author wrote them.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from retrieval.config import ChunkSettings
from retrieval.errors import InvalidInputError

Span = tuple[int, int]

# Promo, subscription and navigation lines that sites wrap around commentary. Matched against
# a whole paragraph (whitespace-trimmed), case-insensitively. Users add their own with a rules
# file (one regular expression a line) via --boilerplate or $CQA_BOILERPLATE.
DEFAULT_BOILERPLATE_RULES: tuple[str, ...] = (
    # calls to action that open a paragraph
    r"^(are you (subscribed|signed up|following)|subscribe (now|today|to|for|here)|sign up"
    r"|listen (to|now)|watch (now|the|our)|read (more|next|also)\b|click here|follow us"
    r"|download (our|the)|join (our|us|the conversation)|share this|support our"
    r"|don[’']t miss|get (our|the) (newsletter|app|latest)|become a (member|subscriber))",
    # taxonomy footers
    r"^(categori[sz]ed as|tagged with|filed under|tags?\s*:|categor(y|ies)\s*:|topics?\s*:)",
    # lone navigation and widget labels
    r"^(related (articles|posts|stories|content|reading)|search|close|menu|share|home|next"
    r"|previous|comments?|print|e-?mail|back to top|skip to (main )?content|log ?in|sign in"
    r"|log ?out|subscribe|newsletter|advertisement|sponsored( content)?|more from .{1,40}"
    r"|trending|most (read|popular)|you may also like|recommended( for you)?)[\s:.!]*$",
    r"^(copyright|©|\(c\))\s.{0,120}$",
)
# A kicker such as "OPINION / EXPERT PERSPECTIVE –" or "WASHINGTON —" is a label, not prose.
_KICKER = re.compile(r"^(?:[A-Z][A-Z.'’&/]*[ /]*){1,6}\s*[–—-]\s+(?=[A-Z“\"‘'])")


@dataclass(frozen=True)
class BoilerplateFilter:
    """Decides which paragraphs are commentary; the rule list is part of the index manifest."""

    rules: tuple[str, ...] = DEFAULT_BOILERPLATE_RULES

    def __post_init__(self) -> None:
        for rule in self.rules:
            try:
                re.compile(rule)
            except re.error as exc:
                raise InvalidInputError(f"bad boilerplate rule {rule!r}: {exc}") from exc

    @classmethod
    def with_rules_file(cls, path: str | os.PathLike[str] | None) -> BoilerplateFilter:
        """The default rules plus those in ``path`` (one regex a line, ``#`` comments)."""
        if not path:
            return cls()
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"cannot read boilerplate rules file {path}: {exc}") from exc
        extra = tuple(ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))
        return cls(DEFAULT_BOILERPLATE_RULES + extra)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256("\n".join(self.rules).encode()).hexdigest()[:16]

    def is_boilerplate(self, paragraph: str) -> bool:
        para = " ".join(paragraph.split())
        return any(re.search(rule, para, flags=re.IGNORECASE) for rule in self.rules)


def paragraphs(text: str) -> list[Span]:
    """Spans of blank-line-separated paragraphs, trimmed of surrounding whitespace."""
    spans = []
    for m in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text, flags=re.DOTALL):
        spans.append((m.start(), m.end()))
    return spans


def trim_kicker(text: str, span: Span) -> Span:
    """Move a paragraph's start past a leading all-caps label like ``OPINION –``."""
    start, end = span
    m = _KICKER.match(text, start, end)
    if m and m.end() < end:
        return (m.end(), end)
    return span


_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "gen",
        "ret",
        "col",
        "lt",
        "capt",
        "sgt",
        "adm",
        "gov",
        "sen",
        "rep",
        "pres",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "u.s.a",
        "e.u",
        "no",
        "nos",
        "inc",
        "co",
        "corp",
        "ltd",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "al",
        "approx",
        "dept",
        "est",
        "mt",
        "ft",
        "u.s.s.r",
        "d.c",
        "a.m",
        "p.m",
    ]
)
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+)")


def sentences(text: str, span: Span) -> list[Span]:
    """Sentence spans inside one paragraph ``span`` (abbreviation- and initial-aware).

    >>> t = "The U.S. and Russia met. Gen. Smith spoke! Then what?"
    >>> [t[s:e] for s, e in sentences(t, (0, len(t)))]
    ['The U.S. and Russia met.', 'Gen. Smith spoke!', 'Then what?']
    """
    start, end = span
    out: list[Span] = []
    seg_start = start
    for m in _BOUNDARY.finditer(text, start, end):
        cut = m.end()
        nxt = re.match(r"\s+(\S)", text[cut:end])
        if not nxt:
            continue
        following = nxt.group(1)
        if not (following.isupper() or following.isdigit() or following in "\"“‘'([—–"):
            continue
        if text[m.start()] == ".":
            word = re.search(r"([\w.]+)$", text[seg_start : m.start()])
            token = word.group(1).lower() if word else ""
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        out.append((seg_start, cut))
        seg_start = cut + len(nxt.group(0)) - 1
    if seg_start < end:
        out.append((seg_start, end))
    return [_strip(text, s) for s in out if text[s[0] : s[1]].strip()]


def _strip(text: str, span: Span) -> Span:
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e)


def approx_tokens(text: str) -> int:
    """A cheap word-piece estimate (words and punctuation, long words counted twice)."""
    return sum(2 if len(w) > 8 else 1 for w in re.findall(r"\w+|[^\w\s]", text))


@dataclass(frozen=True)
class Segmented:
    """An article cut into commentary sentences and chunks; everything else is left out."""

    sentences: list[Span]
    chunks: list[Span]
    dropped: list[Span]


def segment(
    text: str,
    settings: ChunkSettings,
    boilerplate: BoilerplateFilter,
    count_tokens: Callable[[str], int] = approx_tokens,
) -> Segmented:
    """Split ``text`` into sentence spans and sentence-aligned, overlapping chunk spans.

    Chunks never cross a dropped (boilerplate) paragraph, so no chunk slice contains promo text.
    """
    sections: list[list[Span]] = [[]]
    sents: list[Span] = []
    dropped: list[Span] = []
    for para in paragraphs(text):
        if boilerplate.is_boilerplate(text[para[0] : para[1]]):
            dropped.append(para)
            if sections[-1]:
                sections.append([])
            continue
        para_sents = sentences(text, trim_kicker(text, para))
        sents.extend(para_sents)
        sections[-1].extend(para_sents)
    chunks: list[Span] = []
    for section in sections:
        chunks.extend(_pack(text, section, settings, count_tokens))
    return Segmented(sentences=sents, chunks=chunks, dropped=dropped)


def _pack(
    text: str, sents: list[Span], settings: ChunkSettings, count: Callable[[str], int]
) -> Iterable[Span]:
    i = 0
    n = len(sents)
    while i < n:
        j = i
        tokens = 0
        while j < n:
            t = count(text[sents[j][0] : sents[j][1]])
            if j > i and tokens + t > settings.max_tokens:
                break
            tokens += t
            j += 1
        yield (sents[i][0], sents[j - 1][1])
        if j >= n:
            break
        # step back for overlap, but always move forward by at least one sentence
        i = max(i + 1, j - settings.overlap_sentences)
