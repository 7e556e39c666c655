"""Who is speaking in a cited span: the article's author, or a person the author quotes.

Commentary mixes the author's own views with the words of people it quotes. A span that
holds a quotation and an attribution ("Trump characterized it as “lengthy and highly
productive”") is the quoted person's words, reported by the author.
"""

from __future__ import annotations

import re
from collections import Counter

_QUOTE = re.compile(r"[“\"]([^”\"]{3,})[”\"]")
_VERB = (
    r"(?:said|says|told|tells|characteri[sz]ed|characteri[sz]es|called|calls|described|"
    r"describes|hailed|hails|declared|declares|stated|states|wrote|writes|warned|warns|insisted|"
    r"insists|argued|argues|claimed|claims|announced|announces|added|adds|noted|notes|asked|"
    r"asks|replied|replies|promised|promises|vowed|vows|urged|urges|remarked|explained|"
    r"explains|stressed|stresses|dubbed|labell?ed|termed|insisted|tweeted|posted)"
)
_CAP = r"[A-Z][\w.’'-]*"
# "<Name> (has|had) <verb>" and "“…,” <verb> <Name>" and "according to <Name>"
_BEFORE = re.compile(
    rf"((?:{_CAP}\s+){{0,5}}{_CAP})\s+(?:has\s+|had\s+|later\s+|also\s+)?{_VERB}\b"
)
_AFTER = re.compile(rf"[”\"]\s*,?\s*{_VERB}\s+((?:{_CAP}\s+){{0,5}}{_CAP})")
_ACCORDING = re.compile(rf"\baccording to\s+((?:{_CAP}\s+){{0,5}}{_CAP})")
_TITLES = frozenset(
    [
        "president",
        "vice",
        "prime",
        "minister",
        "secretary",
        "defense",
        "defence",
        "state",
        "foreign",
        "senator",
        "sen",
        "rep",
        "representative",
        "general",
        "gen",
        "admiral",
        "adm",
        "chancellor",
        "governor",
        "gov",
        "mayor",
        "dr",
        "mr",
        "mrs",
        "ms",
        "former",
        "chief",
        "director",
        "ceo",
        "coo",
        "king",
        "queen",
        "pope",
        "ambassador",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "minister",
        "leader",
        "commander",
        "colonel",
        "col",
        "lt",
        "captain",
        "capt",
        "sergeant",
        "judge",
        "justice",
        "professor",
        "prof",
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "and",
        "of",
        "u.s",
        "u.s.",
        "us",
        "uk",
        "u.k.",
        "eu",
        "un",
        "nato",
        "white",
        "house",
        "kremlin",
    ]
)
_NOT_PEOPLE = frozenset(
    ["he", "she", "they", "it", "we", "i", "you", "this", "that", "which", "who"]
)


def _is_title(token: str) -> bool:
    t = token.lower().rstrip(".,’'s")
    return (
        t in _TITLES
        or t.endswith(("ian", "ese", "ish"))  # nationality adjectives: Ukrainian, Chinese
        or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]?\.?", t))
    )


def _strip_titles(run: str) -> str:
    tokens = run.split()
    while tokens and _is_title(tokens[0]):
        tokens.pop(0)
    # "President Trump" -> "Trump": keep what follows the last title word
    for i in range(len(tokens) - 1, -1, -1):
        if _is_title(tokens[i]):
            tokens = tokens[i + 1 :]
            break
    name = " ".join(tokens).strip(" ,.’'")
    if not name or name.lower() in _NOT_PEOPLE:
        return ""
    return name


def full_name(name: str, article_text: str) -> str:
    """The fullest form of ``name`` used in the article ("Trump" -> "Donald Trump").

    >>> full_name("Trump", "U.S. President Donald Trump met. President Trump said so.")
    'Donald Trump'
    """
    if " " in name:
        return name
    forms: Counter[str] = Counter()
    for m in re.finditer(rf"((?:{_CAP}\s+){{1,3}}){re.escape(name)}\b", article_text):
        given = _strip_titles(m.group(1))
        if given and given[0].isupper():
            forms[f"{given} {name}"] += 1
    return forms.most_common(1)[0][0] if forms else name


def speaker_of(span: str, article_text: str, author: str) -> str:
    """The person whose words ``span`` reports, or ``author`` when they are the author's own.

    >>> text = "U.S. President Donald Trump spoke. It was a call that President Trump characterized as “lengthy.”"
    >>> speaker_of(text.split(". ", 1)[1], text, "Rob Dannenberg")
    'Donald Trump'
    >>> speaker_of("If Putin achieves a “peace agreement” he wins.", text, "Rob Dannenberg")
    'Rob Dannenberg'
    """
    if not _QUOTE.search(span):
        return author
    for pattern in (_BEFORE, _AFTER, _ACCORDING):
        for m in pattern.finditer(span):
            name = _strip_titles(m.group(1))
            if name:
                return full_name(name, article_text)
    return author
