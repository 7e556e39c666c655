"""Who is speaking in a cited span: the article's author, or a person the author quotes.

Commentary mixes the author's own views with the words of people it quotes. A span that
holds a quotation and an attribution ("Trump characterized it as “lengthy and highly
productive”") is the quoted person's words, reported by the author. The attribution may
come before or after the quotation, with a description between the name and the verb
("Peskov, the Kremlin's spokesman, said…"), as "according to X" or "in X's words", or as a
"he said" that points back to the person named last; an institution ("the Kremlin said")
speaks too. A quotation with no attribution is the author's (scare quotes, a word under
discussion).
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
    r"explains|stressed|stresses|dubbed|labell?ed|termed|tweeted|posted|acknowledged|"
    r"acknowledges|admitted|admits|conceded|concedes|observed|observes|recalled|recalls|"
    r"suggested|suggests|concluded|concludes|responded|responds|quipped|joked|boasted|"
    r"complained|complains|predicted|predicts|cautioned|cautions|emphasi[sz]ed|emphasi[sz]es|"
    r"reiterated|reiterates|pledged|pledges|threatened|threatens|maintained|maintains|"
    r"contended|contends|asserted|asserts|lamented|laments|proclaimed|proclaims|"
    r"put it|puts it|likes to say|liked to say)"
)
_CAP = r"[A-Z][\w.’'-]*"
_RUN = rf"((?:{_CAP}\s+){{0,5}}{_CAP})"
# "Putin has repeatedly claimed", "Zelensky later said": auxiliaries and adverbs between
_BETWEEN = r"(?:\s+(?:has|had|have|was|also|later|once|again|then|[a-z]+ly))*"
# "<Name> (has) <verb>", "“…,” <verb> <Name>", "according to <Name>", "<Name>, <who they
# are>, <verb>" and "“…” — <Name>"
_BEFORE = re.compile(rf"{_RUN}{_BETWEEN}\s+{_VERB}\b")
_AFTER = re.compile(rf"[”\"]\s*,?\s*{_VERB}\s+{_RUN}")
_ACCORDING = re.compile(rf"\b(?i:according) to\s+{_RUN}")
_APPOSITIVE = re.compile(rf"{_RUN},\s+[^,;:“”\"]{{1,80}},{_BETWEEN}\s+{_VERB}\b")
_DASH = re.compile(rf"[”\"]\s*[—–]\s*{_RUN}")
# "in Zelensky’s words, “…”", "in the words of Winston Churchill, “…”"
_IN_WORDS = re.compile(rf"\bin\s+{_RUN}[’']s?\s+(?:own\s+)?words\b")
_WORDS_OF = re.compile(rf"\bin\s+the\s+words\s+of\s+{_RUN}")
_PATTERNS = (_BEFORE, _AFTER, _ACCORDING, _APPOSITIVE, _DASH, _IN_WORDS, _WORDS_OF)
# "“This is a betrayal,” she said": the person the article named last before the span
_PRONOUN = re.compile(
    rf"[”\"]\s*,?\s*(?:(?:he|she){_BETWEEN}\s+{_VERB}|{_VERB}\s+(?:he|she))\b"
    rf"|\b(?:He|She){_BETWEEN}\s+{_VERB}\b"
)
# a speaker that is an institution, not a person ("The Kremlin said…")
_INSTITUTIONS = {
    "kremlin": "the Kremlin",
    "white house": "the White House",
    "pentagon": "the Pentagon",
    "state department": "the State Department",
    "nato": "NATO",
    "un": "the UN",
    "eu": "the EU",
}
# words that make the name after them a person's ("Senator Jane Roe"), not a place's
_PERSON_TITLES = frozenset(
    [
        "president",
        "vice",
        "prime",
        "minister",
        "secretary",
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
        "ambassador",
        "spokesman",
        "spokeswoman",
        "spokesperson",
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
        "king",
        "queen",
        "pope",
        "director",
        "chief",
        "ceo",
        "coo",
    ]
)
# ...and the other words before a name that are not part of it ("U.S. Defense Secretary",
# "the Kremlin spokesman")
_TITLES = _PERSON_TITLES | frozenset(
    [
        "defense",
        "defence",
        "state",
        "foreign",
        "former",
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


# titles that are a post ("Prime Minister"), not a form of address ("Mr.")
_POST_TITLES = _PERSON_TITLES - {"mr", "mrs", "ms", "dr"}
_APPOSITIVE_POST = re.compile(r"^[’']?s?\s*,\s+(?:the|a|an|who\s+(?:is|was))\s+\w")


def gives_post(sentence: str, name: str) -> bool:
    """Whether ``sentence`` names ``name`` with a post: a title before the name ("Defense
    Secretary Pete Hegseth") or a description after it ("Peskov, the Kremlin's spokesman").

    >>> gives_post("Comments from Defense Secretary Pete Hegseth.", "Hegseth")
    True
    >>> gives_post("It was “Chamberlain’s peace”, which Chamberlain hailed.", "Chamberlain")
    False
    >>> gives_post("President Trump then met Chamberlain.", "Chamberlain")
    False
    """
    last = name.split()[-1]
    for m in re.finditer(rf"\b{re.escape(last)}\b", sentence):
        # the run of title and name words right before it ("former U.S. President Barack")
        for word in reversed(re.findall(r"[\w.’']+", sentence[: m.start()])):
            key = word.lower().rstrip(".")
            if key in _POST_TITLES:
                return True
            if not (word[:1].isupper() or _is_title(word)):
                break
        if _APPOSITIVE_POST.match(sentence[m.end() :]):
            return True
    return False


def _is_title(token: str) -> bool:
    t = token.lower().rstrip(".,’'s")
    return (
        t in _TITLES
        or t.endswith(("ian", "ese", "ish"))  # nationality adjectives: Ukrainian, Chinese
        or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]?\.?", t))
    )


# capitalised at the start of a sentence, not part of a name ("What Putin calls…")
_LEADING = frozenset(
    [
        "what",
        "when",
        "where",
        "why",
        "how",
        "who",
        "whom",
        "whose",
        "which",
        "as",
        "this",
        "that",
        "these",
        "those",
        "if",
        "but",
        "and",
        "or",
        "while",
        "although",
        "though",
        "even",
        "so",
        "yet",
        "because",
        "since",
        "after",
        "before",
        "then",
        "now",
        "here",
        "there",
    ]
)


def _strip_titles(run: str) -> str:
    tokens = run.split()
    while tokens and (_is_title(tokens[0]) or tokens[0].lower() in _LEADING):
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


def _institution(run: str) -> str:
    low = " ".join(run.lower().split())
    return next((name for key, name in _INSTITUTIONS.items() if low.endswith(key)), "")


def _as_named(name: str, article_text: str) -> str:
    """A speaker as a citation names them: an institution as found ("the Kremlin"), a
    person by the fullest name the article uses."""
    return name if _institution(name) == name else full_name(name, article_text)


def _attributions(text: str) -> list[tuple[int, str]]:
    """(position, name) of every attribution in ``text`` that names someone."""
    found = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            name = _strip_titles(m.group(1)) or _institution(m.group(1))
            if name:
                found.append((m.start(1), name))
    return found


def _last_named(before: str) -> str:
    """Who "he" or "she" is at the end of ``before``: its last attributed speaker, else the
    last person it names with a title ("Senator Jane Roe spoke…" -> "Jane Roe"; "New York"
    is no one); "" when it names no one."""
    found = _attributions(before)
    if found:
        return max(found)[1]
    for m in reversed(list(re.finditer(_RUN, before))):
        titled = any(t.lower().rstrip(".") in _PERSON_TITLES for t in m.group(1).split()[:-1])
        name = _strip_titles(m.group(1))
        if titled and name and not _institution(name):
            return name
    return ""


def _open_at(text: str, para: int, pos: int) -> int:
    """Where the quotation open at ``pos`` opened (-1 when none is open), counting the
    quotation marks of its paragraph, which starts at ``para``."""
    opened = -1
    for m in re.finditer(r"[“”\"]", text[para:pos]):
        # “ opens, ” closes; a straight " opens when none is open, else closes
        opens = m.group() == "“" or (m.group() == '"' and opened < 0)
        opened = para + m.start() if opens else -1
    return opened


def _with_quotation(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``-``end`` widened to the whole quotation when it begins or ends inside one: a
    long quotation runs over several sentences, and its attribution is in only one of them
    ("“We will fight. We will win,” Zelensky said." cites “We will fight.” as Zelensky's)."""
    para = text.rfind("\n\n", 0, start) + 1
    opened = _open_at(text, para, start)
    if opened >= 0:
        # from the sentence the quotation opens in
        start = max(para, text.rfind(". ", para, opened) + 1)
    if _open_at(text, para, end) >= 0:
        close = text.find("”", end)
        stop = text.find("\n\n", end)
        if close >= 0 and (stop < 0 or close < stop):
            # to the end of the sentence the quotation closes in
            dot = text.find(". ", close)
            end = len(text) if dot < 0 else dot + 1
            if stop >= 0:
                end = min(end, stop)
    return start, end


def speaker_of(span: str, article_text: str, author: str, start: int | None = None) -> str:
    """The person whose words ``span`` reports, or ``author`` when they are the author's own.
    ``start`` is where ``span`` starts in ``article_text`` (found when not given).

    >>> text = "U.S. President Donald Trump spoke. It was a call that President Trump characterized as “lengthy.”"
    >>> speaker_of(text.split(". ", 1)[1], text, "Rob Dannenberg")
    'Donald Trump'
    >>> speaker_of("If Putin achieves a “peace agreement” he wins.", text, "Rob Dannenberg")
    'Rob Dannenberg'
    >>> speaker_of("“It is over,” he said.", "Senator Jane Roe spoke. “It is over,” he said.", "Ann")
    'Jane Roe'
    >>> speaker_of("“We will fight.", "“We will fight. We will win,” Zelensky said.", "Ann")
    'Zelensky'
    """
    at = article_text.find(span) if start is None else start
    if at >= 0:
        lo, hi = _with_quotation(article_text, at, at + len(span))
        at, span = lo, article_text[lo:hi]
    if not _QUOTE.search(span):
        return author
    found = _attributions(span)
    if found:
        # the first attribution in the span: "Peskov said X, and Trump called it “Y”" is rare
        # beside "“X,” said Peskov, who had earlier called…"
        return _as_named(min(found)[1], article_text)
    if _PRONOUN.search(span):
        before = article_text[max(0, at - 1500) : at] if at > 0 else ""
        name = _last_named(before)
        if name:
            return _as_named(name, article_text)
    return author
