"""The question side: hybrid retrieval over one loaded index and the extractive answerer."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import faiss
import numpy as np

from retrieval.config import AnswerSettings
from retrieval.embedders import Embedder
from retrieval.errors import InvalidInputError
from retrieval.lexical import (
    STOPWORDS,
    BM25Index,
    alias_country,
    country_words,
    dictionary_words,
    light_terms,
    spelling_fix,
    tokenize,
    words,
)
from retrieval.rules import (
    MONTHS,
    article_place,
    article_question,
    as_the_piece,
    asked_part,
    asked_terms,
    asks_authors_view,
    asks_biography,
    asks_career,
    asks_first_person,
    asks_other_wording,
    asks_post,
    asks_when,
    asks_whether,
    author_key,
    author_keys,
    author_referred,
    byline_question,
    career_content,
    countries_named,
    enumerated_noun,
    event_date,
    first_person,
    identity_question,
    kind_named,
    list_markers,
    list_question,
    lone_paragraph,
    mentions_ordinal,
    named_authors,
    normalize_date,
    normalize_quote,
    numbered_item,
    picks_a_line,
    piece_topic,
    pointed_context,
    points_back_at_quote,
    prescriptive,
    question_needs,
    quote_order,
    quoted_phrases,
    quoted_pronoun,
    role_terms,
    said_by,
    satisfies_type,
    speaks,
    split_names,
    unknown_names,
    unmentioned_context,
    unmentioned_topic,
    unused_attribute,
    unused_label,
    without_lead_in,
    without_place,
    without_scene,
    word_uses,
    year_extreme,
    years_named,
)
from retrieval.speakers import gives_post, speaker_of
from retrieval.store import LoadedIndex
from retrieval.types import Answer, Citation, Passage

REFUSAL = "The indexed commentary does not address this question."
_QUOTE_MARK = re.compile(r"[“”\"]")
# the words of "who wrote the article?" or "what is it about?" themselves: what is left
# names the article's topic
_ARTICLE_WORDS = frozenset(
    tokenize(
        "who wrote write writes written authored penned author writer columnist article "
        "piece commentary op-ed oped essay column analysis opinion text background bio "
        "biography career experience credentials expertise tell know about summarize "
        "summarise summary sum up overview gist tl dr main key central core overall big "
        "argument point idea thesis message claim takeaway conclusion saying says argues "
        "arguing title headline called titled published publishes publisher publication "
        "outlet site website magazine newspaper ran printed date dated posted old give please"
    )
)
# ...and of "what does the author recommend?", with the article words
_ADVICE_WORDS = _ARTICLE_WORDS | frozenset(
    tokenize(
        "what does did do would should must ought recommend recommends recommendation "
        "recommendations propose proposal proposals suggest suggestion suggestions advise "
        "advice urge prescribe prescription advocate call for solution solutions author "
        "writer columnist he she they his her their"
    )
)
ADVICE_NOTE = (
    "recommendations: the article's most representative sentences saying what should or "
    "must be done, quoted; ask about a topic to get the advice on it"
)
OVERVIEW_NOTE = (
    "overview: the article's opening and its most representative sentences, quoted; "
    "ask about a point to get the sentences that answer it"
)
INDIRECT_NOTE = (
    "indirect match: the quotes are close in meaning but do not use the question's terms; "
    "check that they answer it (strict mode would refuse)"
)
STRICT_NOTE = (
    "strict mode: a passage is close in meaning but does not use the question's terms; "
    "without strict mode it may be quoted"
)
# Words that make a question lean on the conversation before it ("what about NATO?").
_FOLLOW_UP_START = re.compile(
    r"^\s*(and|but|so|also|what about|how about|what else|why|why not|how so|then)\b", re.I
)
# A sentence opening with "This treaty ..." only makes sense with the one before it, which
# usually holds the name the reader asked about; such quotes are widened to include it.
# An "it" that points ahead ("It’s important to remember that…", "It was an error to…")
# refers to nothing before.
_ANAPHORA = re.compile(
    r"^[\"“‘']?(?!it(?:['’]s|\s+is|\s+was)\s+(?:\S+\s+){0,4}?(?:to|that)\b)"
    r"(this|that|these|those|it|he|she|they|such|both|the latter|the former)\b",
    re.I,
)
# "Shortly afterward, the Molotov-Ribbentrop Agreement was signed." is after the sentence
# before it, which a quote of it takes along ("After what?" is answered there). Scored
# alone all the same: its own words say what happened.
_AFTER_THAT = re.compile(
    r"^[\"“‘']?(?:shortly\s+|soon\s+|not\s+long\s+)?(?:afterwards?|thereafter|subsequently)\b",
    re.I,
)


# "President Trump can as well if…" leaves out what he can do: the sentence before says
_ELLIPSIS = re.compile(
    r"\b(?:can|could|will|would|should|must|did|does|do|has|have)\s+(?:as\s+well|too|likewise)\b"
    r"(?!\s+(?:as|many|much|little|few|late|early|soon|far|long)\b)",
    re.I,
)


def _pointing(sentence: str) -> bool:
    """Whether a sentence points back at the one before it ("This treaty…", "Shortly
    afterward, …", "Trump can as well"), so that a quote of it needs that one too."""
    return bool(
        _ANAPHORA.match(sentence) or _AFTER_THAT.match(sentence) or _ELLIPSIS.search(sentence)
    )


_TOKEN = re.compile(r"[^\W_]+")
_PRONOUNS = frozenset(
    [
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "it",
        "its",
        "that",
        "this",
        "those",
        "these",
        "there",
    ]
)


@dataclass
class Query:
    """A question ready for retrieval: the text to embed and the terms it must cover."""

    question: str
    retrieval_text: str
    terms: list[str]
    notes: list[str] = field(default_factory=list)
    # chunk ids the question is restricted to (chosen articles or authors); None = all
    allowed: np.ndarray | None = None


def contextualize(question: str, history: list[str]) -> str:
    """Fold the previous question into a follow-up, so "what about NATO?" keeps its topic.

    >>> contextualize("What about NATO?", ["What does Putin fear most?"])
    'What does Putin fear most? What about NATO?'
    >>> contextualize("Who is Putin?", ["Anything"])
    'Who is Putin?'
    """
    if not history:
        return question
    content = [w for w in words(question) if w not in STOPWORDS]
    leans = _FOLLOW_UP_START.search(question) or any(w in _PRONOUNS for w in words(question))
    if leans and len(content) <= 4:
        return f"{history[-1]} {question}"
    return question


RETRIEVAL_MODES = ("hybrid", "dense", "bm25")


class Answerer(Protocol):
    """Turns retrieved passages into an ``Answer``; chosen by name in the engine."""

    name: str

    def answer(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer: ...


class Engine:
    """Everything needed to answer questions against one loaded index generation."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: AnswerSettings) -> None:
        # One OpenMP thread: a query is a tiny search, and faiss's spinning worker threads
        # slow everything down badly when the two cores are busy (measured 200+ ms a query).
        faiss.omp_set_num_threads(1)
        self.index = index
        self.embedder = embedder
        self.settings = settings
        arts = index.articles
        chunk_tokens = [
            tokenize(
                f"{arts[int(index.chunk_article[i])]['title']} "
                f"{arts[int(index.chunk_article[i])]['author']} {index.chunk_text(i)}"
            )
            for i in range(index.n_chunks)
        ]
        self.bm25 = BM25Index(chunk_tokens)
        # Chunk-level document frequencies weight the answerer's coverage features: covering
        # "paratroopers" says more than covering "said".
        df: dict[str, int] = {}
        for toks in chunk_tokens:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        n_docs = max(index.n_chunks, 1)
        self._idf = {t: float(np.log((n_docs + 1) / (c + 0.5))) for t, c in df.items()}
        self._idf_unseen = float(np.log((n_docs + 1) / 0.5))
        # the stems of every word the index holds, as the rules compare words ("translates"
        # is "translated"): the terms the document frequencies were counted for
        self.known_terms = self._idf.keys()
        self.title_terms = [set(tokenize(a["title"])) for a in arts]
        # the byline names who speaks in every sentence of the article
        self.byline_terms = [t | set(tokenize(a["author"])) for t, a in zip(self.title_terms, arts)]
        # each article's sentence ids, found once here rather than by a pass over every
        # sentence of the index for each question that looks sentences up by what they say
        order = np.argsort(index.sent_article, kind="stable")
        ends = np.cumsum(np.bincount(index.sent_article, minlength=len(arts)))
        self.article_sentence_ids = [
            order[start:end] for start, end in zip(np.concatenate(([0], ends[:-1])), ends)
        ]
        self.article_sentences = np.maximum(
            np.bincount(index.sent_article, minlength=len(arts)), 1
        ).astype(np.float64)
        # Every word the quotable text uses (with titles and authors): a question naming
        # someone outside it is refused rather than answered with a look-alike sentence.
        # Boilerplate (a promo for a podcast naming its guests) is in the article but never
        # quoted, so its names do not count.
        self.known_words: set[str] = set()
        for art in arts:
            # (the date's year too: "What did Trump say in February 2025?" asks of an article
            # dated 2025-02-14 that writes only "February 12")
            self.known_words.update(words(f"{art['title']} {art['author']} {art['date'][:4]}"))
        # How the text writes each word inside a sentence: "hegseth" typed into a chat box is
        # the "Hegseth" the rules look for (``truecase``).
        forms: dict[str, dict[str, int]] = {}
        for sid in range(len(index.sent_article)):
            text = index.sentence_text(sid)
            self.known_words.update(words(text))
            for m in _TOKEN.finditer(text, 1):
                w = m.group(0)
                counts = forms.setdefault(w.lower(), {})
                counts[w] = counts.get(w, 0) + 1
        self._cased = {
            low: form
            for low, counts in forms.items()
            for form in [max(counts, key=counts.__getitem__)]
            # never written in lower case ("march" is also a verb), and no month: a date
            # is not a name the rules should ask of a quote
            if form != low and low not in counts and low not in MONTHS
        }
        # the words of the authors' biographies: quoted only when asked about an author
        self.biography_words: set[str] = set()
        for art in arts:
            self.biography_words.update(words(art["author_bio"]))
        self.author_keys = author_keys([a["author"] for a in arts])
        # each author by full name and by surname, for questions that name whose writing
        # they ask about ("What does Dannenberg think…")
        self.author_names: dict[str, list[str]] = {}
        self._named_chunks: dict[tuple[str, ...], np.ndarray | None] = {}
        # "What does the author fear?" is asked of commentary, and a text without a byline
        # (a reference page, a wire report) has no author's view to give: when the index
        # mixes the two, such questions read only the articles with an author
        has_author = np.array([bool(a["author"]) for a in arts], dtype=bool)
        self._authored_chunks = (
            np.flatnonzero(has_author[index.chunk_article]).astype(np.int64)
            if has_author.any() and not has_author.all()
            else None
        )
        for key, author in self.author_keys.items():
            parts = key.split()
            for k in {key, parts[-1]} if len(parts[-1]) > 2 else {key}:
                self.author_names.setdefault(k, []).append(author)
        self.support_weights = np.asarray(settings.support_weights, dtype=np.float64)
        self.answerers = {name: cls(self) for name, cls in ANSWERERS.items()}
        # Tokenizing candidate sentences was most of an answer's time; the same sentences
        # come back question after question, so their terms are cached (bounded).
        self.sentence_terms = lru_cache(maxsize=200_000)(self._sentence_terms)
        self.sentence_light_terms = lru_cache(maxsize=200_000)(self._sentence_light_terms)

    def _sentence_terms(self, sid: int) -> frozenset[str]:
        return frozenset(tokenize(self.index.sentence_text(sid)))

    def _sentence_light_terms(self, sid: int) -> frozenset[str]:
        return frozenset(light_terms(self.index.sentence_text(sid)))

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term over the chunks."""
        return self._idf.get(term, self._idf_unseen)

    @property
    def generation(self) -> str:
        return self.index.generation

    def passage(self, chunk_id: int, score: float) -> Passage:
        idx = self.index
        art = idx.articles[int(idx.chunk_article[chunk_id])]
        start, end = int(idx.chunk_start[chunk_id]), int(idx.chunk_end[chunk_id])
        return Passage(
            doc_id=art["doc_id"],
            title=art["title"],
            author=art["author"],
            start=start,
            end=end,
            text=art["text"][start:end],
            score=score,
            chunk_id=chunk_id,
            url=art["url"],
            date=art["date"],
            publisher=art["publisher"],
        )

    def correct_spelling(self, query: Query) -> None:
        """Read a typing slip as the indexed word it stands for ("who is the vice
        presdient" asks about the vice president), in everything the question is matched
        by, with a note saying so. The rules match words exactly, so a slip otherwise
        refuses a question the text answers. See ``spelling_fix`` for what counts as one.
        """
        dictionary = dictionary_words()
        fixes = {
            w: fix
            for w in dict.fromkeys(words(query.question))
            for fix in [spelling_fix(w, self.known_words, dictionary)]
            if fix is not None
        }
        if not fixes:
            return
        typo = re.compile(rf"\b(?:{'|'.join(map(re.escape, fixes))})\b", re.I)

        read: dict[str, str] = {}

        def repl(m: re.Match[str]) -> str:
            fix = fixes[m.group(0).lower()]
            if m.group(0)[0].isupper():
                fix = self._cased.get(fix, fix.capitalize())
            read.setdefault(m.group(0), fix)
            return fix

        query.question = typo.sub(repl, query.question)
        query.retrieval_text = typo.sub(repl, query.retrieval_text)
        query.terms = tokenize(query.question)
        if read:
            query.notes.append(
                "Read " + ", ".join(f"“{w}” as “{f}”" for w, f in read.items()) + "."
            )

    def named_author_filter(self, query: Query) -> None:
        """Restrict ``query`` to the articles of the authors it names as the ones whose
        writing it asks about, with a note saying so; nothing when that is every article.
        A question asking for an unnamed author's view reads the articles that have an
        author, when some texts have none."""
        if query.allowed is not None or not self.author_names:
            return
        named = named_authors(query.question, self.author_names)
        if not named:
            if self._authored_chunks is not None and asks_authors_view(query.question):
                query.allowed = self._authored_chunks
                query.notes.append(
                    "Only articles with a named author were searched: the question asks "
                    "for an author's view."
                )
            return
        # one pass over the articles per author named, not per question (a batch may name
        # the same author thousands of times)
        key = tuple(named)
        allowed = self._named_chunks.get(key)
        if allowed is None:
            allowed = self._named_chunks[key] = self.allowed_chunks(authors=named)
        if allowed is not None and len(allowed) < self.index.n_chunks:
            query.allowed = allowed
            query.notes.append(f"Only articles by {' and '.join(named)} were searched.")

    def allowed_chunks(
        self, doc_ids: list[str] | None = None, authors: list[str] | None = None
    ) -> np.ndarray | None:
        """Chunk ids of the chosen articles and/or authors (None when nothing is chosen).

        Unknown names are an error that lists what exists, so a typo never silently
        widens or empties the search.
        """
        if not doc_ids and not authors:
            return None
        arts = self.index.articles
        keep = np.ones(len(arts), dtype=bool)
        if doc_ids:
            known = {a["doc_id"] for a in arts}
            unknown = [d for d in doc_ids if d not in known]
            if unknown:
                raise InvalidInputError(
                    f"no article with id {', '.join(map(repr, unknown))}; "
                    f"known ids: {', '.join(sorted(known)[:20])}"
                )
            keep &= np.array([a["doc_id"] in set(doc_ids) for a in arts])
        if authors:
            wanted = {author_key(a) for a in authors}
            known_authors = {author_key(a["author"]) for a in arts if a["author"]}
            unknown = sorted(w for w in wanted if w not in known_authors)
            if unknown:
                raise InvalidInputError(
                    f"no article by {', '.join(map(repr, unknown))}; known authors: "
                    f"{', '.join(sorted({a['author'] for a in arts if a['author']})[:20])}"
                )
            keep &= np.array([author_key(a["author"]) in wanted for a in arts])
        return np.flatnonzero(keep[self.index.chunk_article]).astype(np.int64)

    def retrieve(
        self, queries: list[Query], qvecs: np.ndarray, k: int, mode: str = "hybrid"
    ) -> list[list[Passage]]:
        """Dense and BM25 candidates fused by reciprocal rank; the best ``k`` per query.

        ``mode`` "dense" or "bm25" uses one retriever alone (the evaluation's baselines).
        """
        if mode not in RETRIEVAL_MODES:
            raise InvalidInputError(
                f"retrieval mode must be one of {', '.join(RETRIEVAL_MODES)}, got {mode!r}"
            )
        use_dense, use_bm25 = mode != "bm25", mode != "dense"
        n = self.index.n_chunks
        results: list[list[Passage]] = [[] for _ in queries]
        if n == 0:
            return results
        depth = min(max(self.settings.candidates, k), n)
        plain = [i for i, q in enumerate(queries) if q.allowed is None]
        if plain:
            d_scores, d_ids = (
                self.index.chunk_index.search(np.ascontiguousarray(qvecs[plain]), depth)
                if use_dense
                else (np.zeros((len(plain), 0)), np.zeros((len(plain), 0), dtype=np.int64))
            )
            lexical = (
                self.bm25.search([tokenize(queries[i].retrieval_text) for i in plain], depth)
                if use_bm25
                else [[] for _ in plain]
            )
            for row, qi in enumerate(plain):
                results[qi] = self._fuse(d_ids[row], d_scores[row], lexical[row], k)
        for qi, q in enumerate(queries):
            if q.allowed is None:
                continue
            if len(q.allowed) == 0:
                continue
            # Filtered questions search only the chosen chunks, so a small author's articles
            # are never crowded out of the candidate list by everyone else's.
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(q.allowed))  # type: ignore[call-arg]
            sub_depth = min(depth, len(q.allowed))
            d_scores, d_ids = self.index.chunk_index.search(
                np.ascontiguousarray(qvecs[qi : qi + 1]), sub_depth, params=params
            )
            lexical = self.bm25.search([tokenize(q.retrieval_text)], sub_depth, q.allowed)
            results[qi] = self._fuse(
                d_ids[0] if use_dense else np.zeros(0, dtype=np.int64),
                d_scores[0],
                lexical[0] if use_bm25 else [],
                k,
            )
        return results

    def _fuse(
        self, d_ids: np.ndarray, d_scores: np.ndarray, lexical: list[tuple[int, float]], k: int
    ) -> list[Passage]:
        rrf_k = self.settings.rrf_k
        fused: dict[int, dict[str, Any]] = {}
        for rank, (cid, score) in enumerate(zip(d_ids, d_scores)):
            if cid < 0:
                continue
            entry = fused.setdefault(int(cid), {"rrf": 0.0})
            entry["rrf"] += 1.0 / (rrf_k + rank + 1)
            entry["dense"] = float(score)
        for rank, (cid, score) in enumerate(lexical):
            entry = fused.setdefault(int(cid), {"rrf": 0.0})
            entry["rrf"] += self.settings.bm25_weight / (rrf_k + rank + 1)
            entry["bm25"] = float(score)
        best = sorted(fused.items(), key=lambda kv: -kv[1]["rrf"])[:k]
        # Each retriever's best hit is kept: a name only one article uses ("Who is Pete
        # Hegseth?") is BM25's first hit, yet rank fusion puts it under ten dense hits that
        # merely sound alike once the corpus is large.
        if lexical and k > 1 and lexical[0][0] not in {cid for cid, _ in best}:
            best[-1] = (lexical[0][0], fused[lexical[0][0]])
        passages = []
        for cid, entry in best:
            p = self.passage(cid, round(entry["rrf"], 6))
            p.dense_score = entry.get("dense")
            p.bm25_score = entry.get("bm25")
            p.retrievers = [r for r in ("dense", "bm25") if r in entry]
            passages.append(p)
        return passages

    def knows(self, word: str) -> bool:
        """Whether the quotable text uses ``word``, in any inflection ("refineries" of
        "refinery"), or names its country ("Kyiv", "Americans").

        >>> engine.knows("kyiv")  # doctest: +SKIP
        True
        """
        return (
            word in self.known_words
            or not self.known_terms.isdisjoint(tokenize(word))
            or bool((alias_country(word) | country_words(word)) & self.known_words)
        )

    def truecase(self, question: str) -> str:
        """A question typed all in lower case, with the words the text only ever writes
        capitalised restored, so name rules see names: "what did putin say" asks about Putin.
        A question with any capital past its first letter is taken as typed.

        >>> engine.truecase("what did putin tell the kgb?")  # doctest: +SKIP
        'what did Putin tell the KGB?'
        """
        if any(ch.isupper() for ch in question[1:]):
            return question
        return _TOKEN.sub(lambda m: self._cased.get(m.group(0), m.group(0)), question)

    def answer_batch(
        self, queries: list[Query], mode: str = "hybrid", answerer: str = "extractive"
    ) -> list[Answer]:
        if answerer not in self.answerers:
            raise InvalidInputError(
                f"answerer must be one of {', '.join(self.answerers)}, got {answerer!r}"
            )
        chosen = self.answerers[answerer]
        t0 = time.perf_counter()
        qvecs = self.embedder.encode([q.retrieval_text for q in queries], batch_size=64)
        t1 = time.perf_counter()
        retrieved = self.retrieve(queries, qvecs, self.settings.passages, mode)
        t2 = time.perf_counter()
        answers = []
        for i, q in enumerate(queries):
            t = time.perf_counter()
            ans = chosen.answer(q, qvecs[i], retrieved[i])
            # embed and retrieve ran once for the whole batch: each answer gets its share
            ans.timings = {
                "embed_ms": round((t1 - t0) * 1000 / len(queries), 2),
                "retrieve_ms": round((t2 - t1) * 1000 / len(queries), 2),
                "answer_ms": round((time.perf_counter() - t) * 1000, 2),
            }
            answers.append(ans)
        return answers


@dataclass
class Candidate:
    """One sentence that might answer a question, with the features the answerer scores."""

    sid: int
    cos: float
    # share of the question's terms in the sentence, and the same weighted by rarity (IDF)
    overlap: float
    idf_coverage: float
    # IDF-weighted coverage by the sentence, its neighbours and the article title together
    context_coverage: float
    # cosine above the article's mean sentence cosine: a peak, not a topic-wide similarity
    article_peak: float
    # cosine above the next best candidate's
    margin: float
    # the strict answerer's logistic support score over the features above (0 is even odds),
    # fitted by `python -m evaluation.calibrate`; computed once in ``candidates``
    support: float = 0.0
    # the cosine that lets the default answerer quote it without support: the same for
    # every candidate of a question, lower for advice questions
    min_cos: float = 0.36

    def features(self) -> np.ndarray:
        return np.array(
            [
                self.cos,
                self.overlap,
                self.idf_coverage,
                self.context_coverage,
                self.article_peak,
                self.margin,
            ]
        )


class ExtractiveAnswerer:
    """Answers with the source's own sentences: no generative model, so nothing is invented.

    Each sentence in the retrieved passages (plus the best single sentences anywhere) is
    scored by cosine similarity to the question plus a bonus for covering the question's
    content words; the best ones above the calibrated threshold are quoted verbatim with
    ``[n]`` markers. Below it: a refusal, unless a sentence has the strict answerer's
    support (it is never the stricter of the two). The threshold was set on paraphrased
    questions, so a reader's own wording is answered; a question whose words the candidates
    already use needs that support, since their closeness is then topic, not answer.
    """

    name = "extractive"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # an article's lists never change while its index is loaded; list questions would
        # otherwise scan every sentence of every retrieved article each time
        self.numbered_lists = lru_cache(maxsize=4096)(self._numbered_lists)
        self._bio_vectors: dict[int, np.ndarray] = {}
        # (asked of the same few articles question after question)
        self.biography_terms = lru_cache(maxsize=4096)(self._biography_terms)
        self.article_terms = lru_cache(maxsize=4096)(self._article_terms)

    def candidates(
        self, query: Query, qvec: np.ndarray, passages: list[Passage]
    ) -> list[Candidate]:
        """The sentences that pass the question's type rules, with their features.

        Empty when nothing can answer: no passages, an unknown name, or no sentence holding
        the kind of fact asked for.
        """
        idx = self.engine.index
        settings = self.engine.settings
        sent_ids: dict[int, int] = {}
        for rank, p in enumerate(passages):
            for sid in range(
                int(idx.chunk_sent_lo[p.chunk_id]), int(idx.chunk_sent_hi[p.chunk_id])
            ):
                sent_ids.setdefault(sid, rank)
        # "what did putin say" is asked of Putin's words, as "What did Putin say" is
        question = self.engine.truecase(query.question)
        if not sent_ids or self._never_used(question):
            return []
        # Sentence-level dense search over the whole index (or the chosen articles) adds the
        # best single sentences whose chunk missed the passage cut: a bi-encoder reranker.
        all_cos = idx.sent_vecs @ qvec
        if query.allowed is not None:
            ok = np.isin(idx.sent_article, np.unique(idx.chunk_article[query.allowed]))
            all_cos = np.where(ok, all_cos, -1.0)
        extra = np.argsort(-all_cos)[: settings.sentence_candidates]
        for sid in extra:
            if all_cos[sid] > -1.0:
                sent_ids.setdefault(int(sid), len(passages))
        ids = np.fromiter(sent_ids, dtype=np.int64)
        dense = all_cos[ids]
        arts_of = idx.sent_article[ids]
        # mean cosine of each article over all its sentences, in one pass over the index
        art_mean = (
            np.bincount(idx.sent_article, weights=all_cos, minlength=len(idx.articles))
            / self.engine.article_sentences
        )
        order = np.sort(dense)[::-1]
        terms = set(query.terms)
        idf = self.engine.idf
        total_idf = sum(idf(t) for t in terms) or 1.0
        needs = question_needs(question)
        typed = needs is not None
        # a year asked for must be about what is asked, but need not name the question's
        # people in the sentence itself (see question_needs); nor need one of the two dates
        # a span of time is counted between ("from the Soviet regime to Putin's essay")
        tied = typed and needs not in ("year", "span")
        # "What should the U.S. do?" asks in generic words: no asked word to share, and a
        # prescriptive sentence is the answer at a lower cosine than a fact is
        advice = needs == "advice"
        min_cos = settings.advice_min_cosine if advice else settings.min_sentence_score
        # In "Where will Trump and Putin meet?" the names are the topic and "meet" is what is
        # asked: a typed answer must share one of the question's lower-case (non-name) words.
        # Inflections only: "effective" is not the "effect" a ceasefire takes.
        # (the question's first word is capitalised anyway: not a name)
        asked = asked_terms(question)
        # "Who is Russia's foreign minister?" needs a sentence about a foreign minister
        role = role_terms(question)
        # ...and a typed answer is about the question's names: "Where did JD Vance give his
        # speech?" is not answered by where Roosevelt gave his
        # (a name the corpus never uses cannot be in the quote: "Hawaii" for "Pearl Harbor" is
        # left to the embedding, as ``unknown_names`` leaves single words)
        # (only capitals the reader typed: on ClapNQ's lower-case questions, restored ones
        # wrongly refuse more, as places are named otherwise: "America", "United States")
        known = self.engine.known_words
        # (of a compound, its capitalised parts: "a U.S.-brokered deal" names the U.S.)
        named = set(
            tokenize(
                " ".join(
                    part
                    for w in query.question.split()[1:]
                    for part in re.split(r"(?<=\w[.’'])-|(?<=\w)-(?=\w)", w)
                    if part[:1].isupper() and set(words(part)) & known
                )
            )
        )

        # "What did Hitler say to Churchill?" needs a sentence reporting Hitler's words
        speaker = said_by(question)
        if (
            speaker
            and author_key(speaker) in self.engine.author_names
            and named_authors(question, self.engine.author_names)
        ):
            # "What does Dannenberg say about NATO?" of Dannenberg's own article: all of it is
            # his words (and only his articles are read), not a sentence reporting his speech
            speaker = None
        speaker_terms = set(tokenize(speaker)) if speaker else set()
        out = []
        for sid, cos, a_idx in zip(ids, dense, arts_of):
            text = idx.sentence_text(int(sid))
            if not satisfies_type(question, text):
                continue
            toks = self.engine.sentence_terms(int(sid))
            if (
                typed
                and not advice
                # a span's asked words ("years", "separate") name the type, not the events
                and needs != "span"
                and asked
                and cos < settings.asked_word_cosine
                and not (asked & self.engine.sentence_light_terms(int(sid)))
            ):
                # a date or number about something else is not the date or number asked for
                continue
            anaphoric = bool(
                sid > 0 and idx.sent_article[sid - 1] == a_idx and _ANAPHORA.match(text)
            )
            if anaphoric:
                # "It was recorded by The Kingston Trio" means what it says only with the
                # sentence before it, which the quote then includes: score them together
                cos = max(cos, (cos + all_cos[sid - 1]) / 2)
            neighbours = self._neighbours(int(sid))
            if role and not role <= self._near_terms(int(sid)):
                continue
            context = set(toks) | self.engine.title_terms[int(a_idx)]
            for nb in neighbours:
                context.update(self.engine.sentence_terms(nb))
            # who the quote itself is about: the sentence (with the one before, for "He
            # said…") and the title, not the neighbours it merely sits beside
            own = set(toks) | self.engine.byline_terms[int(a_idx)]
            spoken = text
            if anaphoric:
                own |= self.engine.sentence_terms(int(sid) - 1)
                spoken = f"{idx.sentence_text(int(sid) - 1)} {text}"
            # ("What did Zelensky say about Hegseth?" needs both in the quote, too)
            if (tied or speaker) and not named <= own:
                continue
            if speaker and not (speaker_terms <= own and speaks(spoken, speaker)):
                continue
            second = order[1] if cos >= order[0] and len(order) > 1 else order[0]
            out.append(
                Candidate(
                    sid=int(sid),
                    cos=float(cos),
                    overlap=len(terms & toks) / len(terms) if terms else 0.0,
                    idf_coverage=sum(idf(t) for t in terms & toks) / total_idf,
                    context_coverage=sum(idf(t) for t in terms & context) / total_idf,
                    article_peak=float(cos - art_mean[int(a_idx)]),
                    margin=float(cos - second),
                    min_cos=min_cos,
                )
            )
        if out:
            weights = self.engine.support_weights
            scores = np.array([c.features() for c in out]) @ weights[:-1] + weights[-1]
            for cand, score in zip(out, scores):
                cand.support = float(score)
        return out

    def rank(self, cands: list[Candidate]) -> list[tuple[float, Candidate]]:
        """Candidates with their ranking score, best first."""
        # the sentence's own words and its neighbourhood's both count: the answer to "what
        # do they mean for trust?" says "trust", its neighbours say who "they" are
        scored = [(c.cos + _WORD_WEIGHT * (c.overlap + c.context_coverage), c) for c in cands]
        scored.sort(key=lambda sc: -sc[0])
        return scored

    def answerable(self, best: Candidate, cands: list[Candidate]) -> bool:
        """Whether the question is answered at all, given the best-ranked candidate and all
        the candidates."""
        settings = self.engine.settings
        # Never stricter than the strict answerer: a sentence that uses the question's own
        # terms answers it even when a wordy question keeps the cosine low ("Who is the
        # defense secretary mentioned in the piece?" is 0.26 from "Defense Secretary Pete
        # Hegseth").
        if max(c.support for c in cands) >= settings.strict_min_support:
            return True
        if best.cos < best.min_cos:
            return False
        # Cosine alone answers a question asked in other words than the source's. When the
        # source's sentences already use the question's words and none is supported, they
        # are about the topic without answering it (ClapNQ's unanswerable questions), unless
        # the best sentence is as close as a restatement.
        coverage = max(c.context_coverage for c in cands)
        return (
            settings.max_paraphrase_coverage >= 1.0
            or coverage < settings.max_paraphrase_coverage
            or best.cos >= settings.asked_word_cosine
        )

    def quotable(self, cand: Candidate) -> bool:
        """Whether a candidate may be quoted once the question is answerable."""
        settings = self.engine.settings
        return cand.cos >= cand.min_cos or cand.support >= settings.strict_min_support

    def select(self, scored: list[tuple[float, Candidate]]) -> list[tuple[float, Candidate]]:
        """The sentences to quote: the best ones within ``relative_cutoff`` of the best,
        spread over articles and authors when scores are close (``diversity_penalty``)."""
        settings = self.engine.settings
        best_score = scored[0][0]
        eligible = [
            (score, c)
            for score, c in scored
            if self.quotable(c) and score >= best_score * settings.relative_cutoff
        ]
        if not eligible:
            # answerable on support alone, by a sentence ranked well below the best
            return [_most_supported(scored)]
        idx = self.engine.index
        article = {id(c): int(idx.sent_article[c.sid]) for _, c in eligible}
        author = {id(c): idx.articles[article[id(c)]]["author"] for _, c in eligible}
        # MMR keyed on article and author: the best sentence leads, and each later pick pays
        # for every quote already taken from its article (half for another article by the
        # same author), so a close call goes to a voice not yet heard.
        chosen = [eligible.pop(0)]
        lam = settings.diversity_penalty

        def adjusted(sc: tuple[float, Candidate]) -> float:
            key = id(sc[1])
            penalty = 0.0
            for _, c in chosen:
                if article[id(c)] == article[key]:
                    penalty += 1.0
                elif author[key] and author[id(c)] == author[key]:
                    penalty += 0.5  # an unknown author is nobody's namesake
            return sc[0] - lam * penalty

        while eligible and len(chosen) < settings.max_sentences:
            pick = max(eligible, key=adjusted)
            eligible.remove(pick)
            chosen.append(pick)
        return chosen

    def _pool(self, query: Query) -> list[int]:
        """The articles a question may be about: the filter's, or all of them."""
        idx = self.engine.index
        if query.allowed is not None:
            return list(dict.fromkeys(int(a) for a in idx.chunk_article[query.allowed]))
        return list(range(len(idx.articles)))

    def _article_asked_about(
        self, query: Query, pool: list[int], refusal: Answer, to_ask: str
    ) -> list[int]:
        """The one article a question about "this article" means: the only one in ``pool``,
        or the one whose sentence is closest to the rest of the question ("who wrote the
        piece on appeasement?", or "who wrote that?" after a question). [] when nothing tells
        them apart, with a note on ``refusal`` saying how to ask."""
        idx = self.engine.index
        if len(pool) == 1:
            return pool
        topic = " ".join(
            w
            for w in words(query.retrieval_text)
            if w not in STOPWORDS and not set(tokenize(w)) <= _ARTICLE_WORDS
        )
        if not topic:
            refusal.notes.append(
                f"{len(pool)} articles are indexed: name the article's topic, or choose "
                f"it with the article filter, to ask {to_ask}"
            )
            return []
        sims = idx.sent_vecs @ self.engine.embedder.encode([topic])[0]
        if query.allowed is not None:
            sims = np.where(np.isin(idx.sent_article, pool), sims, -np.inf)
        if not len(sims) or not np.isfinite(sims.max()):
            return []
        return [int(idx.sent_article[int(np.argmax(sims))])]

    def byline(self, query: Query, passages: list[Passage]) -> Answer | None:
        """The answer to a question about who wrote an article (or about a named author),
        quoted from the stored byline and author biography; None for any other question."""
        asks, named = byline_question(query.question, self.engine.author_keys)
        if not asks:
            return None
        refusal = self._refusal(query, passages)
        picks = self._authors_articles(query, named, refusal, "who wrote it")
        if not picks:
            return refusal
        return self._bylines(query, passages, picks, refusal)

    def _authors_articles(
        self, query: Query, named: list[str], refusal: Answer, to_ask: str
    ) -> list[int]:
        """The articles a question about an author means: the ``named`` authors' in the
        question's pool, or else the one article it is about (``_article_asked_about``)."""
        pool = self._pool(query)
        if not named:
            return self._article_asked_about(query, pool, refusal, to_ask)
        arts = self.engine.index.articles
        wanted = {author_key(n) for n in named}
        return [i for i in pool if author_key(arts[i]["author"]) in wanted]

    def _bylines(
        self, query: Query, passages: list[Passage], picks: list[int], refusal: Answer
    ) -> Answer:
        """Who wrote each of the ``picks`` (article indices), quoting each author's
        biography; ``refusal`` (with a note) when none names its author."""
        arts = self.engine.index.articles
        # one citation per author: the biography from their first article that has one
        by_author: dict[str, int] = {}
        count: dict[str, int] = {}
        for i in picks:
            key = author_key(arts[i]["author"])
            count[key] = count.get(key, 0) + 1
            if key not in by_author or (
                arts[i]["author_bio"] and not arts[by_author[key]]["author_bio"]
            ):
                by_author[key] = i
        citations: list[Citation] = []
        parts: list[str] = []
        for i in list(by_author.values())[: self.engine.settings.max_sentences]:
            art = arts[i]
            if not art["author"]:
                refusal.notes.append(f'"{art["title"] or art["doc_id"]}" does not name its author')
                continue
            field_name = "author_bio" if art["author_bio"] else "author"
            quote = art[field_name]
            n = len(citations) + 1
            others = count[author_key(art["author"])] - 1
            more = f" and {others} other indexed article{'s' * (others > 1)}" if others else ""
            pub = f" ({art['publisher']})" if art["publisher"] else ""
            bio = f" {' '.join(quote.split())}" if field_name == "author_bio" else ""
            parts.append(f'{art["author"]} wrote "{art["title"]}"{pub}{more}.{bio} [{n}]')
            citations.append(
                _citation(
                    art,
                    n,
                    0,
                    quote,
                    1.0,
                    # a biography is the publisher's note on the author, not the author's words
                    speaker=art["publisher"] if field_name == "author_bio" else art["author"],
                    quoted_from=field_name,
                )
            )
        if not citations:
            return refusal
        return Answer(
            query.question, "\n".join(parts), False, citations, passages, list(query.notes)
        )

    def biography(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to a question about an author's working life ("Did Dannenberg work
        at Goldman Sachs?"), quoted from the author's biography; a refusal when it asks
        after something the biography never mentions; None for any other question."""
        question = self.engine.truecase(query.question)
        refers, named = author_referred(question, self.engine.author_names)
        if not refers:
            return None
        arts = self.engine.index.articles
        refusal = self._refusal(query, passages)
        picks = self._authors_articles(query, named, refusal, "about its author")
        picks = [i for i in picks if arts[i]["author_bio"]]
        if not picks:
            return None
        bio_terms = set().union(*(self.biography_terms(i) for i in picks))
        own = bio_terms - self.article_terms(picks[0]) - self.engine.byline_terms[picks[0]]
        if not asks_career(question, own):
            return None
        asked = asked_part(question)
        # unless it says "bio", the biography must be closer to the question than anything
        # the article says: "Dannenberg is ex-CIA. Does he invoke the 'Moscow Rules'?" asks
        # what he wrote
        if not asks_biography(question):
            idx = self.engine.index
            body = idx.sent_vecs[self.engine.article_sentence_ids[picks[0]]] @ qvec
            if len(body) and float(self.biography_vector(picks[0]) @ qvec) < float(body.max()):
                return None
        bio = " ".join(arts[i]["author_bio"] for i in picks)
        # what else it asks after must be in the biography: "Where did he go to university?"
        # is not answered by a list of his jobs
        words_asked = [w for w in career_content(asked) if w not in self.engine.author_names]
        in_bio = [w for w in words_asked if not bio_terms.isdisjoint(tokenize(w))]
        unused = [w for w in words_asked if w not in in_bio and not self.engine.knows(w)]
        # ...and "Which CIA award or medal did he receive?" asks more it never mentions than
        # it does
        if unused and (not in_bio or len(unused) >= 2 * len(in_bio)):
            listed = ", ".join(f"“{w}”" for w in unused)
            refusal.notes.append(f"the author's biography never mentions {listed}")
            return refusal
        needs = question_needs(asked)
        # ("before retiring" is no answer to when he retired: a biography's dates are years)
        if asks_when(asked):
            needs = "date"
        if (needs == "date" and not years_named(bio)) or not satisfies_type(asked, bio):
            refusal.notes.append(f"the author's biography gives no {needs or 'answer'}")
            return refusal
        return self._bylines(query, passages, picks, refusal)

    def biography_vector(self, a_idx: int) -> np.ndarray:
        """The embedding of an article's author biography (computed once)."""
        if a_idx not in self._bio_vectors:
            bio = self.engine.index.articles[a_idx]["author_bio"]
            self._bio_vectors[a_idx] = self.engine.embedder.encode([bio])[0]
        return self._bio_vectors[a_idx]

    def _biography_terms(self, a_idx: int) -> frozenset[str]:
        """The stems of the words of an article's author biography."""
        return frozenset(tokenize(self.engine.index.articles[a_idx]["author_bio"]))

    def _article_terms(self, a_idx: int) -> frozenset[str]:
        """The stems of the words of an article's quotable text."""
        return frozenset().union(
            *(
                self.engine.sentence_terms(int(sid))
                for sid in self.engine.article_sentence_ids[a_idx]
            )
        )

    def about_article(self, query: Query, passages: list[Passage]) -> Answer | None:
        """The answer to a question about the article as a whole: an overview quoted from
        its opening and most representative sentences, or its title, publisher or date from
        the front matter; None for any other question."""
        kind = article_question(query.question)
        if kind is None:
            return None
        refusal = self._refusal(query, passages)
        what = "what it says" if kind == "overview" else f"its {kind}"
        picks = self._article_asked_about(query, self._pool(query), refusal, what)
        if not picks:
            return refusal
        (a_idx,) = picks
        art = self.engine.index.articles[a_idx]
        if kind == "overview":
            answer = self._compose(query, passages, self._overview(a_idx))
            answer.notes.append(OVERVIEW_NOTE)
            return answer
        value = " ".join(str(art[kind] or "").split())
        if not value:
            refusal.notes.append(f'"{art["title"] or art["doc_id"]}" does not record its {kind}')
            return refusal
        title = art["title"] or art["doc_id"]
        text = {
            "title": f'The article by {art["author"] or "an unnamed author"} is "{value}"',
            "publisher": f'"{title}" was published by {value}',
            "date": f'"{title}" is dated {value}',
            "kind": f'"{title}" is labelled {value}',
        }[kind]
        citation = _citation(
            art, 1, 0, str(art[kind]), 1.0, speaker=art["publisher"], quoted_from=kind
        )
        if kind == "kind" and art["text"][: len(art[kind])].casefold() == art[kind].casefold():
            # the label the reader sees at the top of the text ("OPINION / EXPERT
            # PERSPECTIVE – As talks…") is the source's own words for it
            citation = _citation(
                art, 1, 0, art["text"][: len(art[kind])], 1.0, speaker=art["publisher"]
            )
        return Answer(
            query.question, f"{text}. [1]", False, [citation], passages, list(query.notes)
        )

    def first_person(
        self, query: Query, qvec: np.ndarray, passages: list[Passage]
    ) -> Answer | None:
        """The answer to "Does the author ever write in the first person?": the sentences
        of the article asked about where its writer says "I", "me" or "my" outside a
        quotation, closest to the question first; a refusal saying so when there are none.
        None for any other question."""
        if not asks_first_person(query.question):
            return None
        refusal = self._refusal(query, passages)
        picks = self._article_asked_about(
            query, self._pool(query), refusal, "where its writer says “I”"
        )
        if not picks:
            return refusal
        (a_idx,) = picks
        idx = self.engine.index
        chosen = [
            _found(int(sid), qvec, idx)
            for sid in self.engine.article_sentence_ids[a_idx]
            if first_person(idx.sentence_text(int(sid)))
        ]
        if not chosen:
            art = idx.articles[a_idx]
            refusal.notes.append(
                f'"{art["title"] or art["doc_id"]}" never says “I” outside a quotation'
            )
            return refusal
        return self._quote_closest(query, passages, chosen)

    def recommendations(self, query: Query, passages: list[Passage]) -> Answer | None:
        """ "What does the author recommend?" about one article, naming no topic: its most
        representative prescriptive sentences. None for any other question (a topic, or
        several articles, goes through retrieval like any question)."""
        if question_needs(query.question) != "advice":
            return None
        pool = self._pool(query)
        arts = self.engine.index.articles
        names = {t for i in pool for t in tokenize(arts[i]["author"])} if len(pool) == 1 else set()
        topic = [
            t
            for t in tokenize(query.question)
            if len(t) > 2 and t not in _ADVICE_WORDS and t not in names
        ]
        if topic or len(pool) != 1:
            return None
        chosen = self._overview(pool[0], advice=True)
        if not chosen:
            return None
        answer = self._compose(query, passages, chosen)
        answer.notes.append(ADVICE_NOTE)
        return answer

    def quoted(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to a question quoting the text ("Who called the talks “lengthy and
        highly productive”?", "What does the author mean by “Chamberlain’s peace”?"): the
        sentences of the retrieved articles that hold the quoted words, whose citations say
        who is speaking. None when nothing is quoted, or the words are not found (a reader
        may misquote), for the usual rules to answer or refuse.
        """
        phrases = quoted_phrases(query.question)
        # (words quoted in the reader's context are no place to look when the question
        # points at one: "Zelensky wants a 'lasting, reliable peace.' Which line near the
        # end of the piece shares that worry?")
        if not phrases or (
            not quoted_phrases(asked_part(query.question)) and self._asked_place(query.question)
        ):
            return None
        # "When it says 'Churchill understood this', what is the 'this'?": a quoted pronoun
        # is what is asked about, found in the sentences before the quoted words
        pronoun = quoted_pronoun(query.question)
        if pronoun:
            return self._referent(query, qvec, passages, phrases, pronoun)
        typed = question_needs(query.question) not in (None, "advice")
        chosen = self._sentences_where(
            qvec,
            passages,
            # "Where did Trump post his 'lengthy and highly productive' verdict?" asks a place:
            # the sentence holding the words must give one, as any answer to "where" must
            lambda text: (
                any(p in normalize_quote(text) for p in phrases)
                and (not typed or satisfies_type(query.question, text))
            ),
        )
        if not chosen and typed:
            # "Roosevelt's 'infamy' address followed an attack on what date?": the date is in
            # the next sentence, which points back at the quoted word ("That's the word that
            # President Franklin Roosevelt used… on December 7, 1941.")
            chosen = self._pointing_after(
                qvec,
                passages,
                lambda text: any(p in normalize_quote(text) for p in phrases),
                lambda text: satisfies_type(query.question, text),
            )
            if not chosen:
                return None
        if not chosen:
            # words the text never uses at all were not said in it ("Did Zelensky call the
            # talks “a betrayal”?"); a misquote of words it does use is left to the rules
            # (only content words count: "the" is in every text, and says nothing)
            # ("translates" is misquoted from "Translated": a word's stem counts as used)
            # (only words quoted in the question itself: "My style guide bans the word
            # 'blunder.' What's the author's phrase?" quotes the reader, not the text)
            # (nor a word the reader offers as a guess at the text's: "…or use another word?")
            # (but "Churchill called Russia 'a riddle…'. Does Dannenberg quote that line?"
            # asks of the reader's quote)
            asked = (
                []
                if asks_other_wording(query.question)
                else phrases
                if points_back_at_quote(query.question)
                else quoted_phrases(asked_part(query.question))
            )
            content = {p: set(words(p)) - STOPWORDS for p in phrases}
            unused = [
                p
                for p in phrases
                if p in asked
                and content[p]
                and not content[p] & self.engine.known_words
                and self.engine.known_terms.isdisjoint(tokenize(" ".join(content[p])))
            ]
            # "Does the op-ed use the label 'special military operation'?" asks whether the
            # text has those words: "military" and "operations" apart are not the label
            # (a phrase of common words by all its words: 'nothing about Ukraine without
            # Ukraine')
            apart = [
                p
                for p in phrases
                if p in asked
                and p not in unused
                and (len(content[p]) > 1 or len(set(words(p))) >= 3)
                and asks_whether(query.question)
                and not self._said_together(
                    qvec, passages, content[p] if len(content[p]) > 1 else set(words(p))
                )
            ]
            if not unused and not apart:
                return None
            why = []
            if unused:
                why.append(
                    "the indexed commentary never uses the quoted words "
                    + ", ".join(f"“{p}”" for p in unused)
                )
            if apart:
                why.append(
                    "the indexed commentary never uses the words of "
                    + ", ".join(f"“{p}”" for p in apart)
                    + " together"
                )
            return self._refusal(query, passages, *why)
        # "Which Soviet-era diplomat coined 'what is ours is ours'?" asks for a diplomat: words
        # the text gives as "an old Russian adage" do not name one
        role = role_terms(query.question)
        if role and not any(role <= self._near_terms(c.sid) for _, c in chosen):
            return self._refusal(
                query,
                passages,
                f"the commentary has the quoted words but names no {' or '.join(sorted(role))}",
            )
        if len(phrases) > 1:
            # "…borrows 'infamy' from an address and calls one document 'infamous.' Which
            # address, and which document?": the closest sentence for each quoted phrase
            # leads, so one phrase's many uses do not crowd out the other's
            ranked = sorted(chosen, key=lambda sc: -sc[0])
            said = [normalize_quote(self.engine.index.sentence_text(c.sid)) for _, c in ranked]
            lead = list(
                dict.fromkeys(
                    next(i for i, text in enumerate(said) if p in text)
                    for p in phrases
                    if any(p in text for text in said)
                )
            )
            order = lead + [i for i in range(len(ranked)) if i not in lead]
            keep = max(self.engine.settings.max_sentences, len(lead))
            return self._quote(query, passages, [ranked[i] for i in order[:keep]])
        return self._quote_closest(query, passages, chosen)

    def _pointing_after(
        self,
        qvec: np.ndarray,
        passages: list[Passage],
        holds: Callable[[str], bool],
        gives: Callable[[str], bool],
    ) -> list[tuple[float, Candidate]]:
        """The sentences that point back at one that ``holds`` the words asked about and
        themselves ``give`` what is asked (a quote of them takes the one before along)."""
        idx = self.engine.index
        found = []
        for _, cand in self._sentences_where(qvec, passages, holds):
            nxt = cand.sid + 1
            if (
                nxt < len(idx.sent_article)
                and idx.sent_article[nxt] == idx.sent_article[cand.sid]
                and _pointing(idx.sentence_text(nxt))
                and gives(idx.sentence_text(nxt))
            ):
                found.append(_found(nxt, qvec, idx))
        return found

    def _said_together(self, qvec: np.ndarray, passages: list[Passage], used: set[str]) -> bool:
        """Whether one sentence of the retrieved articles has the words ``used`` (any
        inflection): all of them, or all but one of three or more, as a misquote keeps
        them ("Churchill avoided war" for "…avoided infamy")."""
        forms = [light_terms(w) or {w} for w in used]
        need = len(forms) - (len(forms) >= 3)
        return bool(
            self._sentences_where(
                qvec, passages, lambda text: sum(bool(f & light_terms(text)) for f in forms) >= need
            )
        )

    def _asked_place(self, question: str) -> dict[str, str]:
        """Where in the article the asked part of a question (or else the reader's statement
        before it) points, reading an indexed author's piece ("near the end of Dannenberg's
        piece") as the piece."""
        return self._place_and_words(question)[0]

    def _place_and_words(self, question: str) -> tuple[dict[str, str], str]:
        """``_asked_place``, with the words that say what is asked of that place: the asked
        part, and the reader's statement when that is what points there."""
        names = self.engine.author_names
        asked = asked_part(question)
        place = article_place(as_the_piece(asked, lambda name: author_key(name) in names))
        if not place:
            # "The first sentence hedges on whether one country will take part in the talks.
            # Which country, and what's the hedge?": the reader's statement says where, and
            # what is there ("the talks")
            body = without_lead_in(question.strip())
            place = article_place(as_the_piece(body, lambda name: author_key(name) in names))
            return place, body
        return place, asked

    def _neighbours(self, sid: int) -> list[int]:
        """The sentences just before and after ``sid`` in its article."""
        art = self.engine.index.sent_article
        return [n for n in (sid - 1, sid + 1) if 0 <= n < len(art) and art[n] == art[sid]]

    def _near_terms(self, sid: int) -> set[str]:
        """The light terms of a sentence and its neighbours in the same article."""
        return set().union(
            *(self.engine.sentence_light_terms(n) for n in (sid, *self._neighbours(sid)))
        )

    def _referent(
        self,
        query: Query,
        qvec: np.ndarray,
        passages: list[Passage],
        phrases: list[str],
        pronoun: str,
    ) -> Answer | None:
        """What a quoted pronoun refers to: the sentence holding the quoted words, and the
        ones before it back to the first that does not use the pronoun itself ("Translated,
        … you cannot trust anything the man says." before "The Ukrainians understand this…
        Churchill understood this about Hitler."), that first one leading."""
        idx = self.engine.index
        found = self._sentences_where(
            qvec, passages, lambda text: all(p in normalize_quote(text) for p in phrases)
        )
        if not found:
            return None
        sid = max(found, key=lambda sc: sc[0])[1].sid
        article = idx.sent_article[sid]
        sids = [sid]
        while len(sids) < self.engine.settings.max_sentences:
            prev = sids[0] - 1
            if prev < 0 or idx.sent_article[prev] != article:
                break
            sids.insert(0, prev)
            if pronoun not in words(idx.sentence_text(prev)):
                break
        return self._quote(query, passages, [_found(s, qvec, idx) for s in sids])

    def dated(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to "What happened on February 12?" (or "in 2014"): the sentences of the
        retrieved articles that give that date, closest in meaning first. A bi-encoder barely
        reads dates: that question is 0.09 from "…held a 90-minute conversation on February
        12". None for any other question, or a date no retrieved sentence gives.
        """
        date = event_date(query.question)
        if date is None:
            return None
        pattern = re.compile(rf"(?<![\w]){re.escape(date)}(?![\w])")
        chosen = self._sentences_where(
            qvec, passages, lambda text: bool(pattern.search(normalize_date(text)))
        )
        return self._quote_closest(query, passages, chosen) if chosen else None

    def mentioned(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to "Does the op-ed mention X?" ("Does Congress come up anywhere?")
        when the text uses every word of X: the sentences of the retrieved articles that
        use them all, closest in meaning first. None for any other question, or an X no
        sentence has whole, which the usual rules then answer or refuse.

        "does congress come up anywhere in this op-ed?" is 0.35 from the only sentence
        naming Congress: what the reader wants found is the word, not the meaning.
        """
        question = self.engine.truecase(query.question)
        asked = piece_topic(question)
        if asked is None:
            return None
        topic, name = asked
        if (
            not topic
            or not all(self.engine.knows(w) for w in topic)
            or (name and not named_authors(name, self.engine.author_names))
            or unknown_names(question, self.engine.known_words)
        ):
            return None
        wanted = [light_terms(w) or {w} for w in topic]
        chosen = self._sentences_where(
            qvec,
            passages,
            lambda text: all(t & light_terms(text) for t in wanted),
        )
        return self._quote_closest(query, passages, chosen) if chosen else None

    def each_use(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to "The op-ed leans on the word 'key' four times. What is called key in
        each instance?": every sentence of the retrieved articles using the word, in the
        text's order (up to twice an answer's usual length). None for any other question,
        or a word the corpus never uses, which the usual rules then answer or refuse.

        Uses of one word are far apart in meaning: ranked by closeness, the question's own
        sentence about "the word" wins and the uses fall below the line.
        """
        word = word_uses(query.question)
        if word is None or not self.engine.knows(word):
            return None
        forms = light_terms(word) or {word}
        chosen = self._sentences_where(qvec, passages, lambda text: bool(forms & light_terms(text)))
        if not chosen:
            return None
        chosen.sort(key=lambda sc: sc[1].sid)
        return self._quote(query, passages, chosen[: 2 * self.engine.settings.max_sentences])

    def in_quote_order(
        self, query: Query, qvec: np.ndarray, passages: list[Passage]
    ) -> Answer | None:
        """The answer to "Whose description of the call does the op-ed quote first?": the
        first (or last) sentence of the best retrieved article that reports someone else's
        words, with its speaker; to "Who does the op-ed quote?", each one in quotation
        marks, in the text's order. None for any other question, or an article quoting no
        one.

        Order is no meaning: a bi-encoder ranks the question's "quote first" nearest to
        sentences about words and speeches, wherever they stand.
        """
        which = quote_order(query.question)
        if which is None or not passages:
            return None
        idx = self.engine.index
        a_idx = self._retrieved_articles(passages)[0]
        art = idx.articles[a_idx]
        quoting = [
            sid
            for sid in self._article_sids(a_idx)
            if speaker_of(
                idx.sentence_text(sid), art["text"], art["author"], int(idx.sent_start[sid])
            )
            != art["author"]
        ]
        if not quoting:
            return None
        if which == "all":
            # (asked who is quoted: the sentences giving someone's own words in quotation marks)
            quoted = [sid for sid in quoting if _QUOTE_MARK.search(idx.sentence_text(sid))]
            if not quoted:
                return None
            limit = 2 * self.engine.settings.max_sentences
            return self._quote(query, passages, [_found(sid, qvec, idx) for sid in quoted[:limit]])
        sid = quoting[0] if which == "first" else quoting[-1]
        return self._quote(query, passages, [_found(sid, qvec, idx)])

    def lone(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to "He gives the pace of the talks a paragraph all to itself. What's
        his verdict?": the best retrieved article's one-sentence paragraphs past its
        opening, the closest in meaning first (asked of several, in the text's order). None
        for any other question, or an article with no such paragraph.

        A bi-encoder does not see layout: "a paragraph to itself" is as close to any
        sentence about the talks' pace.
        """
        which = lone_paragraph(query.question)
        if which is None or not passages:
            return None
        idx = self.engine.index
        a_idx = self._retrieved_articles(passages)[0]
        # (past the opening paragraph: a lede of one sentence is the article's opening, not
        # a line set apart)
        found = [_found(p[0], qvec, idx) for p in self._paragraphs(a_idx)[1:] if len(p) == 1]
        if not found:
            return None
        if which == "one":
            # ("the pace of the talks" is no closer to "Haste in this matter is ill-advised."
            # than to the other lines set apart: each, the closest first)
            return self._quote_closest(query, passages, found)
        return self._quote(query, passages, found[: 2 * self.engine.settings.max_sentences])

    def extreme_year(
        self, query: Query, qvec: np.ndarray, passages: list[Passage]
    ) -> Answer | None:
        """The answer to "What's the earliest year the op-ed mentions, and what does it tie
        to it?": the first sentence of the best retrieved article giving its earliest (or
        latest) year. None for any other question, or an article giving no year.

        A bi-encoder cannot compare numbers: "earliest year" is as close to 2022 as to 1919.
        """
        end = year_extreme(query.question)
        if end is None or not passages:
            return None
        idx = self.engine.index
        a_idx = self._retrieved_articles(passages)[0]
        dated = [
            (int(year), sid)
            for sid in self._article_sids(a_idx)
            for year in years_named(idx.sentence_text(sid))
        ]
        if not dated:
            return None
        want = min(y for y, _ in dated) if end == "first" else max(y for y, _ in dated)
        sid = next(sid for y, sid in dated if y == want)
        return self._quote(query, passages, [_found(sid, qvec, idx)])

    def enumerated(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to "Which presidents does the op-ed bring up?": the first sentence
        naming each one ("President Franklin Roosevelt", "the Munich Agreement"; for
        "countries", each country), in the order the retrieved articles name them, leaving
        out the ones the question itself names ("other than Trump"). None for any other
        question, or a kind the articles never name, which the usual rules then answer or
        refuse.

        A list of names is far in meaning from the question asking for it: "Which American
        presidents other than Trump does the op-ed bring up?" is closer to sentences about
        Trump than to the ones naming Roosevelt, Obama and Biden.
        """
        noun = enumerated_noun(query.question)
        question = self.engine.truecase(query.question)
        if noun is None or self._never_used(question):
            return None
        names = (
            countries_named
            if noun in ("countries", "nations")
            else years_named
            if noun in ("years", "dates")
            else kind_named(noun)
        )
        asked = set(words(question))
        idx = self.engine.index
        seen: set[str] = set()
        chosen: list[tuple[float, Candidate]] = []
        for a_idx in self._retrieved_articles(passages):
            for sid in self._article_sids(a_idx):
                new = [
                    name
                    for name in names(idx.sentence_text(sid))
                    if name not in seen and not set(words(name)) & asked
                ]
                if new:
                    seen.update(new)
                    chosen.append(_found(sid, qvec, idx))
        if not chosen:
            return None
        return self._quote(query, passages, chosen[: 2 * self.engine.settings.max_sentences])

    def placed(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to a question pointing at a place in the article ("Per the opening
        sentence, which two countries are talking?", "What does the closing paragraph say
        about allies?"): that place in the best retrieved article, its sentences closest in
        meaning first. None when the question points nowhere, names what the corpus never
        does, or asks a kind of fact (a date, a number…) the place does not give.

        A bi-encoder does not read position: the opening sentence is 0.25 from "per the
        opening sentence, which two countries are the talks between?".
        """
        places, wording = self._place_and_words(query.question)
        question = self.engine.truecase(query.question)
        if not places or not passages or self._never_used(question):
            return None
        idx = self.engine.index
        paragraphs = self._paragraphs(self._retrieved_articles(passages)[0])
        if not paragraphs:
            return None
        typed = question_needs(question) not in (None, "advice")
        # the place is only where to look: what is asked must be there ("What figure does
        # the opening paragraph give for casualties?" is not answered by that paragraph)
        asked = asked_terms(without_place(self.engine.truecase(wording)))
        # "Which line near the end shares that worry…?" asks for one of the lines there,
        # whatever its words
        picks_line = picks_a_line(question)
        per_place = -(-self.engine.settings.max_sentences // len(places))
        chosen: list[tuple[float, Candidate]] = []
        for where, size in places.items():
            ordered = paragraphs if where == "first" else paragraphs[::-1]
            # a section is two paragraphs; "near the top" of an article whose lede is one
            # sentence runs on into the next paragraph, and "which line near the end…"
            # picks from the last two
            wide = size == "paragraphs" or (
                size == "around" and (picks_line or len(ordered[0]) == 1)
            )
            region = [sid for para in ordered[: 2 if wide else 1] for sid in para]
            if (
                asked
                and not picks_line
                and not any(asked & self.engine.sentence_light_terms(s) for s in region)
            ):
                return None
            if size == "sentence":
                region = [ordered[0][0] if where == "first" else ordered[0][-1]]
            found = [
                _found(sid, qvec, idx)
                for sid in region
                if not typed or satisfies_type(question, idx.sentence_text(sid))
            ]
            chosen += sorted(found, key=lambda sc: -sc[0])[:per_place]
        if not chosen:
            return None
        return self._quote(query, passages, chosen[: self.engine.settings.max_sentences])

    def _never_used(self, question: str) -> str:
        """Why no sentence can answer the question, or "": it names someone, a country or a
        year the corpus never does, or asks whether the text mentions something (perhaps
        what the reader just said: "…Does the op-ed bring that up?") in words it never
        uses."""
        known, knows = self.engine.known_words, self.engine.knows
        context = pointed_context(question)
        # (what the reader recalls from an author's biography is known: "Given that
        # Dannenberg once ran the CIA's Central Eurasia Division, what does he say…")
        asked = without_scene(question)
        unknown = [
            name
            for name in unknown_names(question, known)
            if name in asked or not set(words(name)) <= self.engine.biography_words
        ] or (context and unknown_names(context, known))
        if unknown:
            return "the indexed commentary never mentions " + ", ".join(f"“{n}”" for n in unknown)
        unused = (
            unmentioned_topic(question, knows)
            or unmentioned_context(question, knows)
            or unused_label(question, knows)
            or unused_attribute(
                question, knows, lambda name: bool(named_authors(name, self.engine.author_names))
            )
        )
        if unused:
            return "the indexed commentary never uses the words " + ", ".join(
                f"“{w}”" for w in unused
            )
        return ""

    def _paragraphs(self, a_idx: int) -> list[list[int]]:
        """An article's quotable sentences, grouped by paragraph (a blank line between)."""
        idx = self.engine.index
        text = idx.articles[a_idx]["text"]
        paragraphs: list[list[int]] = []
        for sid in self._article_sids(a_idx):
            if (
                paragraphs
                and "\n\n"
                not in text[int(idx.sent_end[paragraphs[-1][-1]]) : int(idx.sent_start[sid])]
            ):
                paragraphs[-1].append(sid)
            else:
                paragraphs.append([sid])
        return paragraphs

    def _refusal(self, query: Query, passages: list[Passage], *notes: str) -> Answer:
        """The plain refusal, with the query's notes and any saying why."""
        return Answer(query.question, REFUSAL, True, [], passages, [*query.notes, *notes])

    def _sentences_where(
        self, qvec: np.ndarray, passages: list[Passage], test: Callable[[str], bool]
    ) -> list[tuple[float, Candidate]]:
        """Every sentence of the retrieved articles whose text passes ``test``, with its
        cosine to the question: candidates found by what they say, not by their score."""
        idx = self.engine.index
        return [
            _found(int(sid), qvec, idx)
            for a_idx in self._retrieved_articles(passages)
            for sid in self.engine.article_sentence_ids[a_idx]
            if test(idx.sentence_text(int(sid)))
        ]

    def _article_sids(self, a_idx: int) -> list[int]:
        """An article's sentence ids, in the text's order (``article_sentence_ids`` is
        built by a stable sort, so each article's ids already ascend)."""
        return [int(s) for s in self.engine.article_sentence_ids[a_idx]]

    def _retrieved_articles(self, passages: list[Passage]) -> list[int]:
        """The articles of the retrieved passages, best first, each once."""
        chunk_article = self.engine.index.chunk_article
        return list(dict.fromkeys(int(chunk_article[p.chunk_id]) for p in passages))

    def _quote(
        self, query: Query, passages: list[Passage], chosen: list[tuple[float, Candidate]]
    ) -> Answer:
        """An answer quoting ``chosen`` (found by what they say, so fully covered)."""
        answer = self._compose(query, passages, chosen)
        answer.evidence = {"cosine": round(chosen[0][0], 4), "overlap": 1.0}
        return answer

    def _quote_closest(
        self, query: Query, passages: list[Passage], chosen: list[tuple[float, Candidate]]
    ) -> Answer:
        """An answer quoting the closest in meaning of ``chosen`` first, as many as an
        answer quotes."""
        chosen = sorted(chosen, key=lambda sc: -sc[0])[: self.engine.settings.max_sentences]
        return self._quote(query, passages, chosen)

    def identity(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to "Who is X?" (or "X's job?") for a name the text uses: the first
        sentence naming X in each retrieved article, where articles introduce people
        ("Defense Secretary Pete Hegseth"). None for any other question, or a name the
        retrieved articles never use, which the usual rules then answer or refuse.

        A bi-encoder knows little of a name: "Who is Pete Hegseth?" is 0.14 from the only
        sentence naming him.
        """
        asked = identity_question(self.engine.truecase(query.question))
        if asked is None:
            return None
        names = split_names(asked)
        # every name must be one the text uses: "Who are Hegseth and Lavrov?" is not half
        # answered by Hegseth's sentence (the usual rules then answer or refuse)
        if not all(set(words(name)) <= self.engine.known_words for name in names):
            return None
        # "What office did Chamberlain hold?" is not answered by "Chamberlain hailed…": a
        # question asking for a post quotes where the text gives one
        post = asks_post(query.question)
        untitled: list[str] = []
        chosen: list[tuple[float, Candidate]] = []
        for name in names:
            terms = set(tokenize(name))
            # every retrieved article is looked at, not just the first few: in a large corpus
            # the one naming X may come last (its name is BM25's hit, not the embedding's)
            for a_idx in self._retrieved_articles(passages):
                if len(chosen) >= self.engine.settings.max_sentences:
                    break
                first = next(
                    (
                        int(sid)
                        for sid in self.engine.article_sentence_ids[a_idx]
                        if terms <= self.engine.sentence_terms(int(sid))
                        and (
                            not post or gives_post(self.engine.index.sentence_text(int(sid)), name)
                        )
                    ),
                    None,
                )
                if first is not None and all(first != c.sid for _, c in chosen):
                    chosen.append(_found(first, qvec, self.engine.index))
                    if len(names) > 1:
                        break  # one introduction per name when several are asked
            else:
                if post and not any(terms <= self.engine.sentence_terms(c.sid) for _, c in chosen):
                    untitled.append(name)
        if untitled:
            note = f"the commentary names {' and '.join(untitled)} but gives no post or title"
            if not chosen:
                return self._refusal(query, passages, note)
            answer = self._quote(query, passages, chosen)
            answer.notes.append(note)
            return answer
        return self._quote(query, passages, chosen) if chosen else None

    def _numbered_lists(self, a_idx: int) -> list[tuple[int, dict[int, int], int]]:
        """The numbered lists of an article: (the sentence introducing it, {item number:
        sentence}, its last sentence)."""
        idx = self.engine.index
        sids = self._article_sids(a_idx)
        marks = [list_markers(idx.sentence_text(s)) for s in sids]
        lists = []
        i = 0
        while i < len(sids):
            if not marks[i] or marks[i][0] != 1:
                i += 1
                continue
            # a list runs on while each sentence's items continue the count
            items: dict[int, int] = {}
            j = i
            while j < len(sids) and marks[j] and marks[j][0] == len(items) + 1:
                for k in marks[j]:
                    items.setdefault(k, sids[j])
                j += 1
            # a list whose items are sentences of their own is introduced by the one before
            # ("…the basic principles of negotiating with Russia… 1) Never let…")
            first = idx.sentence_text(sids[i]).lstrip()
            intro = sids[i - 1] if i > 0 and first[:1] in "(0123456789" else sids[i]
            lists.append((intro, items, sids[j - 1]))
            i = j
        return lists

    def listed(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to "Which of the author's rules is about X?" or "How many principles
        does he set out?": from the numbered list closest in meaning to the question, the
        item closest to it (or, to count them, every item), with the list's introduction.
        None for any other question, or when no retrieved list is about the question.

        A list's items are short imperatives ("2) Never concede…"): beside the article's
        longer sentences on the same topic they rarely rank first for a question about them.
        """
        kind = list_question(query.question)
        if kind is None:
            return None
        idx = self.engine.index
        best: tuple[float, int, dict[int, int], int] | None = None
        for a_idx in self._retrieved_articles(passages):
            for intro, items, last in self.numbered_lists(a_idx):
                score = float((idx.sent_vecs[intro : last + 1] @ qvec).max())
                if best is None or score > best[0]:
                    best = (score, intro, items, last)
        if best is None or best[0] < self.engine.settings.min_sentence_score:
            return None
        _, intro, items, _ = best
        sids = sorted(set(items.values()))
        if kind == "which":
            # ranked as the usual rules rank sentences, by meaning plus the question's own
            # words ("what failed talks would cost" is item 3's "cost of failed negotiations")
            terms = set(query.terms)

            def fit(sid: int) -> float:
                shared = len(terms & self.engine.sentence_terms(sid)) / len(terms) if terms else 0.0
                return float(idx.sent_vecs[sid] @ qvec) + _WORD_WEIGHT * shared

            sids = [max(sids, key=fit)]
        chosen = [_found(sid, qvec, idx) for sid in sids]
        if intro not in sids:
            # the item asked for leads; a count reads in the list's own order
            chosen.insert(len(chosen) if kind == "which" else 0, _found(intro, qvec, idx))
        return self._quote(query, passages, chosen)

    def numbered(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer | None:
        """The answer to "What's rule number two?": that item of the numbered list closest
        in meaning to the question in the retrieved articles, then the sentence that
        introduces the list. None for any other question, or when no retrieved list has
        that item and is about the question; the usual rules then answer or refuse.

        A bi-encoder cannot count: "rule #3 for negotiating with the russians" is closer to
        the list's introduction than to its third item.
        """
        n = numbered_item(query.question)
        if n is None:
            return None
        idx = self.engine.index
        floor = self.engine.settings.min_sentence_score
        # the lists about the question that stop short of item n: (score, items, intro sid)
        short: tuple[float, int, int] | None = None
        # "What is the first principle…?" is answered by "The first of those principles is
        # to understand your adversary" when that (or the sentence introducing it, as a
        # list's introduction counts for the list) is closer than any list
        prose = -np.inf
        # every list that has item n: (score, item sid, intro sid)
        found: list[tuple[float, int, int]] = []
        for a_idx in self._retrieved_articles(passages):
            sids = self._article_sids(a_idx)
            for k, sid in enumerate(sids):
                text = idx.sentence_text(sid)
                if mentions_ordinal(text, n) and not list_markers(text):
                    prose = max(
                        prose, float((idx.sent_vecs[sids[max(k - 1, 0)] : sid + 1] @ qvec).max())
                    )
            for intro, items, last in self.numbered_lists(a_idx):
                item = items.get(n if n > 0 else max(items))
                score = float((idx.sent_vecs[intro : last + 1] @ qvec).max())
                if item is not None:
                    found.append((score, item, intro))
                elif short is None or score > short[0]:
                    short = (score, max(items), intro)
        # the list closest to the question (the first of equals)
        best = max(found, key=lambda f: f[0], default=None)
        if (best is None or best[0] < floor) and short is not None and floor <= short[0] > prose:
            # "What's rule #99 of negotiating?" when the lists about negotiating stop at 3:
            # quoting items 2 and 3 as the closest sentences would answer a question the text
            # does not, so refuse and say how far the list goes
            return self._refusal(
                query,
                passages,
                f"the closest numbered list in the commentary has {short[1]} items, no item {n}"
                f" (it follows “{_clip(idx.sentence_text(short[2]))}”)",
            )
        if len(found) > 1 and _EACH_LIST.search(query.question):
            # "What is item two on each list?" names no topic to be close to: item n of
            # every list that has one, each after its introduction, in the text's order
            chosen = []
            for _, item, intro in sorted(found, key=lambda f: f[2]):
                chosen += [_found(s, qvec, idx) for s in dict.fromkeys((intro, item))]
            return self._quote(query, passages, chosen)
        if best is None or best[0] < floor or prose >= best[0]:
            return None
        chosen = [_found(best[1], qvec, idx)]
        if best[2] != best[1]:
            chosen.append(_found(best[2], qvec, idx))
        return self._quote(query, passages, chosen)

    def _overview(self, a_idx: int, advice: bool = False) -> list[tuple[float, Candidate]]:
        """The article's opening sentence and the ones closest to its centroid (its most
        representative), in the article's order: an extractive overview. With ``advice``,
        its most representative prescriptive sentences instead ("should", "never"…)."""
        idx = self.engine.index
        sids = self.engine.article_sentence_ids[a_idx]
        if not len(sids):
            return []
        vecs = idx.sent_vecs[sids]
        centroid = vecs.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        sims = vecs @ centroid
        texts = [idx.sentence_text(int(s)) for s in sids]
        lengths = np.array([len(t.split()) for t in texts])
        # short lines ("Haste in this matter is ill-advised.") say little out of context
        usable = lengths >= 8
        if advice:
            usable &= np.array([prescriptive(t) for t in texts])
            if not usable.any():
                return []
        sims = np.where(usable, sims, -np.inf)
        ranked = [int(i) for i in np.argsort(-sims) if np.isfinite(sims[i])]
        if advice:
            order = ranked
        else:
            lead = int(np.argmax(usable)) if usable.any() else 0
            order = [lead] + [i for i in ranked if i != lead]
        chosen = sorted(order[: self.engine.settings.max_sentences])
        return [
            (float(sims[i]), Candidate(int(sids[i]), float(sims[i]), 0.0, 0.0, 0.0, 0.0, 0.0))
            for i in chosen
        ]

    def answer(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer:
        settings = self.engine.settings
        # questions a ranked sentence answers badly, each with its own rule; the first that
        # applies answers (or refuses), in this order
        rules: tuple[Callable[[], Answer | None], ...] = (
            lambda: self.biography(query, qvec, passages),
            lambda: self.byline(query, passages),
            lambda: self.about_article(query, passages),
            lambda: self.numbered(query, qvec, passages),
            lambda: self.listed(query, qvec, passages),
            lambda: self.first_person(query, qvec, passages),
            lambda: self.recommendations(query, passages),
            lambda: self.each_use(query, qvec, passages),
            lambda: self.in_quote_order(query, qvec, passages),
            lambda: self.lone(query, qvec, passages),
            lambda: self.quoted(query, qvec, passages),
            lambda: self.dated(query, qvec, passages),
            lambda: self.identity(query, qvec, passages),
            lambda: self.extreme_year(query, qvec, passages),
            lambda: self.enumerated(query, qvec, passages),
            lambda: self.mentioned(query, qvec, passages),
            lambda: self.placed(query, qvec, passages),
        )
        for rule in rules:
            special = rule()
            if special is not None:
                return special
        refusal = self._refusal(query, passages)
        cands = self.candidates(query, qvec, passages)
        if not cands:
            # say why when it is a name: the reader may have the wrong corpus, or a misspelling
            if why := self._never_used(self.engine.truecase(query.question)):
                refusal.notes.append(why)
            return refusal
        scored = self.rank(cands)
        best = scored[0][1]
        best_support = max(c.support for c in cands)
        refusal.evidence = {
            "cosine": round(best.cos, 4),
            "overlap": round(best.overlap, 4),
            "support": round(best_support, 4),
        }
        if not self.answerable(best, cands):
            return refusal
        chosen = self.select(scored)
        answer = self._compose(query, passages, chosen)
        answer.evidence = dict(refusal.evidence)
        if max(c.support for _, c in chosen) < settings.strict_min_support:
            # Answered, but the strict answerer would not have: say so rather than present
            # a paraphrase match with the same confidence as a direct one.
            answer.notes.append(INDIRECT_NOTE)
        return answer

    def _by_speaker(self, a_idx: int, start: int, end: int) -> list[tuple[int, int]]:
        """``text[start:end]`` of article ``a_idx`` cut where the speaker changes: a citation
        has one speaker, and Zelensky's "lasting, reliable peace" in the sentence after
        Trump's "highly productive" is not Trump's."""
        idx = self.engine.index
        art = idx.articles[a_idx]
        # (an article's sentences are in text order: the span's are one slice of them, found
        # by bisection rather than a pass over the article for every citation)
        ids = self.engine.article_sentence_ids[a_idx]
        starts = idx.sent_start[ids]
        lo, hi = np.searchsorted(starts, [start, end])
        sids = [int(sid) for sid in ids[lo:hi] if int(idx.sent_end[sid]) <= end]
        if len(sids) < 2:
            return [(start, end)]
        speakers = [
            speaker_of(idx.sentence_text(sid), art["text"], art["author"], int(idx.sent_start[sid]))
            for sid in sids
        ]
        pieces = [[start, int(idx.sent_end[sids[0]])]]
        for prev, sid, who in zip(speakers, sids[1:], speakers[1:]):
            if who == prev:
                pieces[-1][1] = int(idx.sent_end[sid])
            else:
                pieces.append([int(idx.sent_start[sid]), int(idx.sent_end[sid])])
        pieces[-1][1] = end
        return [(a, b) for a, b in pieces]

    def _compose(
        self, query: Query, passages: list[Passage], chosen: list[tuple[float, Candidate]]
    ) -> Answer:
        idx = self.engine.index
        # The best sentence leads, so the direct answer comes first; each article's quotes
        # stay together, articles in the order of their best sentence.
        first_seen: dict[int, int] = {}
        for rank, (_, cand) in enumerate(chosen):
            first_seen.setdefault(int(idx.sent_article[cand.sid]), rank)
        ordered = sorted(
            enumerate(chosen), key=lambda r: (first_seen[int(idx.sent_article[r[1][1].sid])], r[0])
        )
        spans: list[list[Any]] = []  # [article, start, end, score]
        for _, (total, cand) in ordered:
            sid = cand.sid
            a_idx = int(idx.sent_article[sid])
            start, end = int(idx.sent_start[sid]), int(idx.sent_end[sid])
            text = idx.articles[a_idx]["text"]
            # ("This was the beginning of the war." after "This treaty partitioned Poland."
            # needs the sentence naming the treaty too: a chain of two is followed)
            back = sid
            while (
                back > 0
                and sid - back < 2
                and int(idx.sent_article[back - 1]) == a_idx
                and _pointing(text[int(idx.sent_start[back]) : int(idx.sent_end[back])])
            ):
                back -= 1
            start = int(idx.sent_start[back])
            nxt = sid + 1
            if (
                (len(text[start:end].split()) < 6 or not spans)
                and nxt < len(idx.sent_article)
                and int(idx.sent_article[nxt]) == a_idx
                and "\n\n" not in text[end : int(idx.sent_start[nxt])]
            ):
                # "Churchill avoided infamy." says little alone; its point is in the next one.
                # And commentary states a claim, then its reason or its upshot: the best match
                # for "Why is Russia weak?" restates the claim, the next sentence says why, so
                # the lead quote runs on to the end of the next sentence in its paragraph.
                end = int(idx.sent_end[nxt])
                # (and on through a chain of up to two more pointing sentences: "Shortly
                # afterward, the Molotov-Ribbentrop Agreement was signed. This treaty
                # essentially partitioned Poland… This was the beginning of World War II…")
                last = nxt
                while (
                    last - nxt < 2
                    and last + 1 < len(idx.sent_article)
                    and int(idx.sent_article[last + 1]) == a_idx
                    and "\n\n" not in text[end : int(idx.sent_start[last + 1])]
                    and _pointing(idx.sentence_text(last))
                    and _ANAPHORA.match(idx.sentence_text(last + 1))
                ):
                    last += 1
                    end = int(idx.sent_end[last])
            # widened quotes can overlap one already taken: merge rather than cite twice
            same = next(
                (sp for sp in spans if sp[0] == a_idx and start < sp[2] and sp[1] < end), None
            )
            if same is not None:
                same[1], same[2], same[3] = (
                    min(same[1], start),
                    max(same[2], end),
                    max(same[3], total),
                )
            else:
                spans.append([a_idx, start, end, total])
        citations: list[Citation] = []
        parts: list[str] = []
        current_article = -1
        for a_idx, span_start, span_end, total in spans:
            art = idx.articles[a_idx]
            for start, end in self._by_speaker(a_idx, span_start, span_end):
                n = len(citations) + 1
                speaker = speaker_of(art["text"][start:end], art["text"], art["author"], start)
                citations.append(
                    _citation(
                        art,
                        n,
                        start,
                        art["text"][start:end],
                        round(total, 4),
                        speaker=speaker,
                        quoted_by=art["author"] if speaker != art["author"] else "",
                    )
                )
                if a_idx != current_article:
                    who = art["author"] or "the source"
                    parts.append(
                        f'{"" if not parts else chr(10)}According to {who} in "{art["title"]}":'
                    )
                    current_article = a_idx
                parts.append(f"{' '.join(art['text'][start:end].split())} [{n}]")
        return Answer(
            question=query.question,
            answer=" ".join(parts).replace(" \n", "\n"),
            abstained=False,
            citations=citations,
            passages=passages,
            notes=list(query.notes),
        )


# how much the question's own words add to a sentence's cosine when ranking answers
# (README "Evaluation": 0.15 of overlap plus context coverage)
_WORD_WEIGHT = 0.15


def _clip(text: str, n_words: int = 12) -> str:
    """The first ``n_words`` words of ``text``, to name a sentence in a note."""
    parts = text.split()
    return " ".join(parts[:n_words]) + ("…" if len(parts) > n_words else "")


# "item two on each list", "the second point of both lists", "in every list"
_EACH_LIST = re.compile(
    # ("in all cases" is no list: "every" and "all" need the word "list")
    r"\b(?:on|of|in|from|for)\s+(?:each|both)\b|"
    r"\b(?:each|both|every|all)\s+(?:of\s+(?:the\s+)?)?(?:\w+\s+)?lists?\b",
    re.I,
)


def _found(sid: int, qvec: np.ndarray, idx: LoadedIndex) -> tuple[float, Candidate]:
    """A sentence found by what it says (a quoted phrase, a date, a name), with its cosine."""
    cos = float(idx.sent_vecs[sid] @ qvec)
    return cos, Candidate(sid, cos, 1.0, 1.0, 1.0, 0.0, 0.0)


def _most_supported(scored: list[tuple[float, Candidate]]) -> tuple[float, Candidate]:
    return max(scored, key=lambda sc: sc[1].support)


def _citation(
    art: dict[str, Any],
    n: int,
    start: int,
    quote: str,
    score: float,
    speaker: str,
    quoted_by: str = "",
    quoted_from: str = "text",
) -> Citation:
    """Citation ``n``: ``quote`` starts at ``start`` in the article's ``quoted_from`` field."""
    return Citation(
        n=n,
        doc_id=art["doc_id"],
        title=art["title"],
        author=art["author"],
        url=art["url"],
        date=art["date"],
        start=start,
        end=start + len(quote),
        quote=quote,
        score=score,
        publisher=art["publisher"],
        speaker=speaker,
        quoted_by=quoted_by,
        quoted_from=quoted_from,
    )


class StrictAnswerer(ExtractiveAnswerer):
    """Answers only when the sentence and its neighbours also use the question's own terms.

    Calibrated on ClapNQ, where a related passage that lacks the answer is the usual trap:
    it refuses far more of those, at the price of refusing questions asked in very
    different words from the source's.
    """

    name = "strict"

    def answerable(self, best: Candidate, cands: list[Candidate]) -> bool:
        # One supported sentence makes the question answerable; the quotes are then chosen
        # by the same ranking as the default answerer's, which cites gold sentences more
        # often than ranking by support does (ClapNQ 0.923 vs 0.882 of answered).
        return max(c.support for c in cands) >= self.engine.settings.strict_min_support

    def quotable(self, cand: Candidate) -> bool:
        # the support score already weighs the cosine: no separate cosine floor
        return True

    def select(self, scored: list[tuple[float, Candidate]]) -> list[tuple[float, Candidate]]:
        chosen = super().select(scored)
        # a strict answer always quotes a supported sentence, even if it ranks lower
        if all(c.support < self.engine.settings.strict_min_support for _, c in chosen):
            chosen = [*chosen[: self.engine.settings.max_sentences - 1], _most_supported(scored)]
        return chosen

    def answer(self, query: Query, qvec: np.ndarray, passages: list[Passage]) -> Answer:
        ans = super().answer(query, qvec, passages)
        if (
            ans.abstained
            and ans.evidence.get("cosine", 0.0) >= self.engine.settings.min_sentence_score
        ):
            # say why, so a reader who asked in their own words knows what to try
            ans.notes.append(STRICT_NOTE)
        return ans


ANSWERERS = {cls.name: cls for cls in (ExtractiveAnswerer, StrictAnswerer)}
