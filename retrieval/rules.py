"""Refusal rules: what a question asks for decides what a sentence must contain to answer it.

A sentence can be very similar to a question and still not answer it: "How many troops…"
needs a count, "when" a date, "where" a place, and a question about a named person the
corpus never mentions cannot be answered from it. These checks are pure functions of text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from retrieval.lexical import (
    STOPWORDS,
    alias_country,
    country_of,
    country_words,
    light_terms,
    tokenize,
    words,
)

_YEAR_DIGITS = r"(?:1[5-9]\d\d|20\d\d)"
_YEAR = rf"{_YEAR_DIGITS}s?"
_YEAR_ALONE = re.compile(rf"\b{_YEAR}\b")
# what a reader calls the text, and its writer
_PIECE = r"(?:article|piece|commentary|op-?ed|essay|column|analysis|opinion|text)"
_WRITER = r"(?:author|writer|columnist)"
# A count: digits that are not a year, or a number word. "two of his objectives" is a count.
# List markers ("1) the ends justify the means") are not counts.
_COUNT = re.compile(
    rf"(?<![\w.])(?!{_YEAR}\b)\d[\d,.]*\b(?!\s?\))|\b(one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|"
    r"million|millions|billion|billions|trillion|dozens?|half)\b",
    re.I,
)
_PERCENT = re.compile(r"%|\bper ?cent\b|\bpercentage\b", re.I)
_DATE = re.compile(
    rf"\b{_YEAR}\b|\b(january|february|march|april|may|june|july|august|september|october|"
    r"november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|"
    r"today|tomorrow|tonight|ago|century|decade|last (week|month|year)|next (week|month|year)|"
    r"season|episode|[ap]\.m|o'clock|noon|midnight|morning|evening|night|spring|summer|autumn|"
    r"winter|age of|era|period|during|until|after|before|once|whenever|since|later|earlier|"
    r"afterwards?|previously|recently|shortly)\b",
    re.I,
)
_MAGNITUDE = re.compile(
    r"\b(significant|substantial|massive|huge|enormous|vast|sizable|modest|slight|major|minor|"
    r"dramatic|sharp|global|full-scale|large-scale|small-scale|sweeping)\b",
    re.I,
)
_PERIOD = re.compile(r"\b(ago|days?|weeks?|months?|years?|decades?|centur(y|ies))\b", re.I)
# "On what day…" needs a day or a month, not just a year.
_DAY = re.compile(
    r"\b(january|february|march|april|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"tomorrow|tonight|\d{1,2}(st|nd|rd|th))\b|\bmay \d|\d may\b|"
    r"\b\d{1,4}[/-]\d{1,2}([/-]\d{1,4})?\b",
    re.I,
)
# A place is often not a proper name ("in nuclear reactors", "within the bones"): any
# locative phrase counts; the asked-word rule keeps it about the right thing.
# "in his speech" reads past the possessive, so the question's own "speech" is no new place.
_PLACE = re.compile(
    r"\b(in|at|near|from|into|across|outside|inside|within|throughout|along|off|beneath|"
    r"under|between|onto|on)\s+(the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|its\s+)?"
    # a time is no place: "on February 12", "in recent days", "on Monday morning"
    r"(?!(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|"
    r"yesterday|time|recent|days?|weeks?|months?|years?|morning|evening|night|afternoon|"
    r"weekend|future|past)\b)"
    r"[^\W\d_]{3,}|\bto the [^\W\d_]{3,}|"
    r"\bby (?-i:[A-Z][a-z])",
    re.I,
)
_PLACE_NOUNS = (
    r"(cit(y|ies)|towns?|villages?|countr(y|ies)|nations?|regions?|provinces?|states?|"
    r"capitals?|places?|locations?|continents?|islands?|venues?)"
)
_PROPER = re.compile(r"\b[A-Z][a-z][\w’'-]*")
_PLACE_NAME = re.compile(
    r"\b(?:in|at|near|into|outside|across|between|throughout|within|to|and)\s+(?:the\s+)?"
    r"((?-i:[A-Z][a-z][\w’'-]*)(?:\s+(?-i:[A-Z][a-z][\w’'-]*))*)",
    re.I,
)
_TIMES = re.compile(
    r"\b(?:once|twice|thrice|(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|"
    r"multiple|numerous|dozens? of|hundreds? of)\s+times)\b",
    re.I,
)
_HOW_MANY = re.compile(
    r"^\s*(?:(?:in|within|for|by|at|after|over)\s+)?how (many|much)\s+(.*)", re.I
)
# "What does the author recommend?", "What should the U.S. do?": advice, which commentary gives
# in prescriptive sentences
_ADVICE_QUESTION = re.compile(
    r"^\s*what\s+(?:does|did|do|would)\s+(?:the\s+)?(?:author|writer|columnist|he|she|they|"
    r"(?-i:[A-Z][\w.’'-]*)(?:\s+(?-i:[A-Z][\w.’'-]*)){0,3})\s+(?:recommend|propose|suggest|"
    r"advise|urge|prescribe|advocate|call\s+for)\b|"
    r"^\s*what\s+(?:should|must|ought)\s+.{1,60}?\s+do\b|"
    r"^\s*what\s+(?:is|are)\s+(?:the\s+)?(?:author['’]s\s+|his\s+|her\s+|their\s+)?"
    r"(?:advice|recommendations?|proposals?|prescriptions?|suggestions?)\b",
    re.I,
)
_PRESCRIPTIVE = re.compile(
    r"\b(?:should|must|needs?\s+to|ought\s+to|has\s+to|have\s+to|never|cannot\s+be\s+allowed|"
    r"it\s+is\s+important|it[’']s\s+important|would\s+be\s+wise|better\s+course|"
    r"recommend\w*|urge\w*)\b",
    re.I,
)
# "how much were the actors paid" counts money, not actors: only the word right after
# "how many/much" names the counted thing.


# "where" questions that ask no place (matched against the lower-cased question)
_NOT_A_PLACE = re.compile(
    # "where does the word come from" asks for an origin, which is an explanation
    r"\b(?:come|came|comes) from\b|\borigin|from\W*$"
    # "where would Putin be getting his read on Trump?" asks for a source ("where do you get
    # an AT HOP card" asks where one can, a place)
    r"|^where\s+(?:do|does|did|would|will|could|can|might)\s+(?!(?:you|i|we|one|people)\b)"
    r".*\b(?:get|gets|getting|got|gotten|obtain\w*|learn\w*|hear|heard|hears)\b"
    # "where does appeasement lead?" asks what it leads to ("to war"): a figure of speech
    r"|^where\s+(?:does|do|did|will|would|could|can|might)\s+"
    r".*\b(?:lead|leads|led|end up|take us|going|headed|heading)\b"
)
# "For my IR seminar: how many…", "On deadline — where…": the reader's lead-in, not the question
_LEAD_IN = re.compile(r"^[^:?—–]{1,60}(?::|\s[—–-])\s+(?=\S)")


def without_lead_in(question: str) -> str:
    """The question after a reader's lead-in ("Podcast prep: what became of the KGB?").

    >>> without_lead_in("For my IR seminar: how many NATO states border Russia?")
    'how many NATO states border Russia?'
    >>> without_lead_in("What happened at 10:30?")
    'What happened at 10:30?'
    """
    return _LEAD_IN.sub("", question, count=1)


# a statement before a later question: the reader's context (not cut at an initial or a
# title's abbreviation: "Does Dannenberg cite Gen. Mark Milley's suggestion?")
_TITLE_ABBREVIATIONS = (
    "Gen Sen Rep Gov Col Maj Capt Lt Sgt Adm Dr Mr Ms Mrs Prof Rev Amb Pres Jr Sr St vs No"
)
# (looked behind only at a full stop: asked_part runs on every rule's question)
_NOT_AN_ABBREVIATION = r"(?<!\b[A-Z]\.)" + "".join(
    rf"(?<!\b{a}\.)" for a in _TITLE_ABBREVIATIONS.split()
)
_CONTEXT_SENTENCE = re.compile(
    rf"^[^?]*?(?:\.{_NOT_AN_ABBREVIATION}|!)[\"”’']?\s+(?=[A-Z\"“‘'][^?]*\?)"
)


def asked_part(question: str) -> str:
    """The question without the reader's lead-in or the statements before it.

    >>> asked_part("I work on a Senate staff. What does the op-ed say? Briefly.")
    'What does the op-ed say? Briefly.'
    >>> asked_part("What did the U.S. team say?")
    'What did the U.S. team say?'
    >>> asked_part("My guide bans the word 'blunder.' What's his phrase?")
    "What's his phrase?"
    >>> asked_part("Does the op-ed cite Gen. Mark Milley or John F. Kennedy?")
    'Does the op-ed cite Gen. Mark Milley or John F. Kennedy?'
    """
    question = without_lead_in(question.strip())
    while True:
        m = _CONTEXT_SENTENCE.match(question)
        if not m:
            return question
        question = question[m.end() :]


_SCENE = re.compile(
    r"(?:when|where|while|as|after|before|once|since|given|if|though|although|"
    r"according\s+to|per|in|under|going\s+by|based\s+on)\s+[^,?]+,[\"”’']?\s*"
    r"(?=(?:(?:in|for|by|at|within|after|over|on|to|from)\s+)?(?:do|does|did|is|are|was|were|"
    r"can|could|would|will|should|has|have|had|what|which|who|whom|why|how|where|when)\b)"
)


_SCENE_ANY_CASE = re.compile(_SCENE.pattern, re.I)


def without_scene(question: str) -> str:
    """The asked part of a question past a scene the reader sets ("Given that…, what…").

    >>> without_scene("Given that he ran the CIA's Eurasia Division, what does he say?")
    'what does he say?'
    """
    return _SCENE_ANY_CASE.sub("", asked_part(question).strip(), count=1)


_WHEN_IT_SAYS = re.compile(
    r"when\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:says|said|writes|wrote|argues|calls|"
    r"claims|mentions|refers|talks|warns|describes|notes)\b[^,?]*,\s*"
)


_EMBEDDED = re.compile(
    r"\s*(?:does|did|do|can|could|will)\s+(?:the\s+|this\s+|that\s+)?"
    r"[\w'’-]+\s+(?:ever\s+|actually\s+|also\s+|even\s+)?(?:say|says|said|mention|give|gives|tell|tells|state|specify|note|report|"
    r"reveal|indicate|explain|offer|provide|include|put)\s+(?:[\w'’-]+\s+){0,4}?"
    r"(?=(?:how\s+(?:many|much)|when|where|who|(?:in\s+)?what\s+year|which\s+(?:city|country)|"
    r"(?:on\s+|in\s+)?(?:what|which)\s+(?:day|date|month))\b)"
)


_IF_SO = re.compile(r",?\s+(?:and\s+)?if\s+so,?\s+(?=(?:where|when|how|which|what)\b)")


# asked once per candidate sentence of the same question: remember the last few questions
@lru_cache(maxsize=1024)
def question_needs(question: str) -> str | None:
    """The kind of fact a question asks for: count, percent, date, day, year, place,
    place name, measure, span (of time between two dates), advice or None.

    >>> [question_needs(q) for q in ("How many troops?", "When is it?", "Where?", "Who?")]
    ['count', 'date', 'place', None]
    >>> [question_needs(q) for q in ("Within how many days?", "By how much?")]
    ['count', 'count']
    >>> [question_needs(q) for q in ("Which Russian cities were hit?", "What city is it?")]
    ['place name', 'place name']
    >>> question_needs("Which group of countries heard the comments?") is None
    True
    >>> [question_needs(q) is None for q in ("Which states' leaders met?", "What state of mind?")]
    [True, True]
    >>> [question_needs(q) for q in ("On what exact day was it?", "What precise year?")]
    ['day', 'date']
    >>> [question_needs(q) for q in ("When he calls Russia weak, does he mean it?",
    ...                              "When Putin invaded, how many troops went in?")]
    [None, 'count']
    >>> [question_needs(q) for q in ("According to the op-ed, how long did it take?",
    ...                              "Since he says so, does he say how many troops died?")]
    ['measure', 'count']
    >>> question_needs("when the author says aid should go up, up from whose level?")
    >>> question_needs("Under a neutral status, for how many years must it wait?")
    'count'
    >>> question_needs("By what date should the troops leave?")
    'date'
    >>> question_needs("Since it cites 1945, does it say in which month World War II ended?")
    'day'
    >>> question_needs("What inflation rate does the piece cite?")
    'count'
    >>> question_needs("what's ukraine's population according to the article")
    'count'
    >>> question_needs("Did they agree to meet, and if so where?")
    'place'
    >>> question_needs("Does the op-ed give any figure for how many Ukrainians back NATO?")
    'count'
    >>> [question_needs(q) for q in ("How many years separate 1919 and 2021?",
    ...                              "Where does appeasement lead?")]
    ['span', None]
    """
    q = without_lead_in(question.strip()).lower()
    # "When Dannenberg calls Russia weaker, does he mean…": a clause that sets the scene, not
    # a question about time; the question is the one after the comma
    scene = _SCENE.match(q)
    if scene:
        return question_needs(q[scene.end() :])
    # "when the author says aid should go up, up from whose level?": the text's words set
    # the scene whatever follows the comma
    quoting = _WHEN_IT_SAYS.match(q)
    if quoting:
        return question_needs(q[quoting.end() :])
    # "Did Trump and Putin agree to meet, and if so where?": a yes that needs a place
    then = _IF_SO.search(q)
    if then:
        return question_needs(q[then.end() :])
    # "Does the op-ed give any figure for how many Ukrainians back NATO?": a yes/no wrapper
    # around the question it asks
    embedded = _EMBEDDED.match(q)
    if embedded:
        return question_needs(q[embedded.end() :])
    if _ADVICE_QUESTION.match(question):
        return "advice"
    if re.match(r"((by|at|to) )?(what|which) (percentage|percent|share|proportion)\b", q):
        return "percent"
    # "Within how many days…" counts as surely as "How many days…" ("In what year…" is left
    # untyped: "Over what time frame…" is answered by "now and in the future")
    # "How many years separate 1919 from 2021?" is answered by the two dates themselves
    # ("How long after the Soviet regime was established did Chamberlain sign at Munich?"
    # too: the two dates answer it)
    if re.match(r"how (many (years|months|weeks|days|decades|centuries)|long)\b", q) and re.search(
        r"\b(separate[sd]?|between|elapsed|passed|apart)\b|^how long (after|before)\b",
        q,
    ):
        return "span"
    if re.match(r"((in|within|for|by|at|after|over) )?(how (many|much)|what (number|amount))\b", q):
        return "count"
    # "What inflation rate does the piece cite?" asks for a figure
    if re.match(r"(at )?(what|which) (\w+ )?rates?\b", q):
        return "count"
    # "what's ukraine's population" asks for a number, as "how many people" does
    if re.match(
        r"what(?:['’]s| is| was| are| were)? (?:(?:the|its|their|[\w-]+['’]s?) ){0,2}"
        r"(?:\w+ )?(population|death toll|budget|gdp|salary|turnout|headcount)\b",
        q,
    ):
        return "count"
    # "How large is Russia's army?" is not answered by "Russia is weaker": a size is a number
    if re.match(r"how (long|large|big|old|tall|far|high|deep|wide|heavy|fast)\b", q):
        return "measure"
    # "On what day and month…": a year alone does not say
    # ("what exact day" asks the same)
    exact = r"(?:(?:exact|precise|specific|particular) )?"
    if re.match(rf"((on|in|during) )?(what|which) {exact}(date|day|month)\b", q):
        return "day"
    # "By what date should troops leave?" sets a deadline, which is a date of any kind
    if re.match(
        rf"(when|((by|until|before) )?(what|which) {exact}(year|date|month|day|time))\b", q
    ):
        return "date"
    # "In what year did Putin leave the KGB?" needs a year; unlike "when", not one the
    # sentence must tie to the question's own names ("In what year did Russia invade?" is
    # answered by "In 2022, … Putin … launched")
    if re.match(rf"(in|during|by) (what|which) {exact}year\b", q):
        return "year"
    # "Which Russian cities were shelled?" asks for places by name ("Which group of
    # countries…?" for a group: "NATO members")
    if re.match(
        rf"((in|at|to|from) )?(what|which) ((?!of\b)\w+ ){{0,2}}{_PLACE_NOUNS}\b(?!['’]| of\b)", q
    ):
        return "place name"
    if re.match(r"where\b", q) and not _NOT_A_PLACE.search(q):
        return "place"
    # "…followed an attack on what date, per the piece?" asks a day wherever it stands
    if re.search(rf"\b(on|by) (what|which) {exact}(date|day)\b", q):
        return "day"
    return None


def prescriptive(sentence: str) -> bool:
    """Whether a sentence says what should or must be done: how commentary gives advice.

    >>> prescriptive("Never concede any key objectives before talks start.")
    True
    >>> prescriptive("Putin correctly assessed the character of Barack Obama.")
    False
    """
    return bool(_PRESCRIPTIVE.search(sentence))


def satisfies_type(question: str, sentence: str) -> bool:
    """Whether ``sentence`` holds the kind of fact the question asks for.

    >>> satisfies_type("How many troops are there?", "Russia is weaker than the West.")
    False
    >>> satisfies_type("How many troops are there?", "It has two objectives.")
    False
    >>> satisfies_type("How many objectives does he have?", "He has two objectives.")
    True
    >>> satisfies_type("How many people died?", "Destruction not seen since 1945.")
    False
    >>> satisfies_type("How many officers trained him?", "Officers taught him: 1) lie, 2) wait")
    False
    >>> satisfies_type("When did they talk?", "They talked on February 12.")
    True
    >>> satisfies_type("How many times did they talk?", "They held a 90-minute call.")
    False
    >>> satisfies_type("How many times did they talk?", "They have spoken twice.")
    True
    >>> satisfies_type("Which countries split Poland?", "It split Poland between Germany and…")
    True
    >>> satisfies_type("Which cities did Russia shell?", "Russia shelled the capital.")
    False
    >>> satisfies_type("In which city did Hegseth speak?", "He spoke to NATO, said Hegseth.")
    False
    >>> satisfies_type("Where did they talk?", "They talked on February 12.")
    False
    """
    needs = question_needs(question)
    if needs is None:
        return True
    asked = set(words(question))

    def new_fact(pattern: re.Pattern[str]) -> bool:
        # the date, number or place must be one the question did not already give
        return any(not set(words(m.group(0))) <= asked for m in pattern.finditer(sentence))

    if needs == "percent":
        return bool(_PERCENT.search(sentence))
    if needs == "advice":
        return prescriptive(sentence)
    if needs == "date":
        return new_fact(_DATE)
    if needs == "year":
        return new_fact(_YEAR_ALONE)
    if needs == "place":
        # the matched words beyond the preposition must say something the question did not
        return any((set(words(m.group(0))) - STOPWORDS) - asked for m in _PLACE.finditer(sentence))
    if needs == "place name":
        # a name the question does not give, where a place stands ("in Munich", "between
        # Germany and…"), not any name ("comments from Defense Secretary Pete Hegseth")
        # (or a capital standing for its government, wherever it stands: "Moscow should be
        # told…" answers "which capital should be put on notice?")
        # (a capital, not a country: "Which countries would sign the treaty?" is not
        # answered by "Moscow")
        # (and a country named anywhere answers "which country": "Ukraine was armed enough
        # not to lose")
        if any(not set(words(m.group(1))) <= asked for m in _PLACE_NAME.finditer(sentence)):
            return True
        capital = bool(asked & {"capital", "capitals", "city", "cities"})
        country = bool(asked & {"country", "countries", "nation", "nations"})
        return (capital or country) and any(
            w not in asked
            and (
                (capital and alias_country(w))
                or (country and country_of(w) == w and bool(country_words(w)))
            )
            for w in (m.lower() for m in _PROPER.findall(sentence))
        )
    if needs == "day":
        # "On what day in February…" is answered by a day of February, not by "December 7"
        # ("On what date in 2022…" by a day of 2022, not by "July 2021")
        years = _YEAR_ALONE.findall(question)
        if years and not any(y in sentence for y in years):
            return False
        months = [m for m in MONTHS if m in asked]
        if months:
            named = "|".join(months)
            return bool(
                re.search(
                    rf"\b(?:{named})\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{named})\b",
                    sentence,
                    re.I,
                )
            )
        return new_fact(_DAY)
    if needs == "span":
        # a length of time between two events is given by their dates ("in 1919", "of
        # 1938") or a period ("a few weeks ago"), not by "later" or "shortly afterward"
        return new_fact(_COUNT) or new_fact(_YEAR_ALONE) or new_fact(_DAY) or new_fact(_PERIOD)
    if needs == "measure":
        # a length of time may be given by its start ("since 1919"); and a size in words
        # ("How big was the move in Russian shares?" → "a significant rise")
        return (
            new_fact(_COUNT)
            or new_fact(_DATE)
            or bool(re.search(r"\bhow\s+(?:big|large)\b", question, re.I) and new_fact(_MAGNITUDE))
        )
    # "how many times have they spoken" counts occasions, not minutes
    question = without_lead_in(question)
    if re.match(r"\s*how many times\b", question, re.I):
        return bool(_TIMES.search(sentence))
    if not new_fact(_COUNT):
        return False
    # "how many troops": the counted thing itself must be in the sentence
    m = _HOW_MANY.match(question)
    if m:
        head = words(m.group(2))[:1]
        if head and head[0] not in STOPWORDS and head[0] not in {"more", "times", "long", "often"}:
            counted = tokenize(head[0])
            return not counted or counted[0] in tokenize(sentence)
    return True


_ROLE = re.compile(
    r"^\s*[Ww]ho\s+(?:is|was|are|were)\s+(?:the\s+|(?:[A-Z][\w-]*\s+)*[A-Z][\w-]*['’]s\s+)"
    r"((?:[A-Za-z][\w.-]*\s*){1,3}?)(?=\s+(?:of|in|on|at|for|that|who|when|from|to|with)\b|"
    r",\s+(?:according|per|in)\b|\W*$)"
)


# "Which Russian general commanded…" asks for the holder of a title, as "Who is the
# general…" does
_TITLE_NOUNS = (
    r"(generals?|ministers?|secretar(?:y|ies)|"
    r"ambassadors?|envoys?|spokes(?:man|men|woman|person)|senators?|chancellors?|governors?|"
    r"mayors?|admirals?|commanders?|negotiators?|diplomats?|presidents?)"
)
_WHICH_TITLE = re.compile(
    rf"^\s*(?:which|what)\s+(?:[\w.-]+\s+){{0,2}}?{_TITLE_NOUNS}\s+(?!of\b)",
    re.I,
)
# "Does Dannenberg name the U.S. ambassador to Ukraine?" asks the same
_NAME_TITLE = re.compile(
    r"^\s*(?:does|did|do)\s+[^?,]{1,40}?\s+(?:name|identify)\s+(?:the\s+|any\s+|a\s+)?"
    rf"(?:[\w.-]+\s+){{0,2}}?{_TITLE_NOUNS}\b(?!\s+(?:of\b|(?-i:[A-Z])))",
    re.I,
)


def role_terms(question: str) -> set[str]:
    """The role a "who is the X" question asks to fill: its head noun, inflection-free.

    "Who is Russia's foreign minister?" is answered only by a sentence about a minister;
    one that merely mentions Russia and a person is not the answer.

    >>> sorted(role_terms("Who is Russia's foreign minister?"))
    ['minister']
    >>> sorted(role_terms("Who are the three judges on American Idol?"))
    ['judge']
    >>> sorted(role_terms("Who was the coach of the Cleveland Browns?"))
    ['coach']
    >>> sorted(role_terms("Who is the defense secretary mentioned in the piece?"))
    ['secretary']
    >>> sorted(role_terms("Who is the Russian negotiator?"))
    ['negotiator']
    >>> sorted(role_terms("Who is the current U.S. ambassador to Russia, per the piece?"))
    ['ambassador']
    >>> role_terms("Who tried to repair the damage?")
    set()
    >>> sorted(role_terms("Which Russian general commanded the assault on Kyiv?"))
    ['general']
    >>> role_terms("Which wartime leader saw through Hitler?")
    set()
    >>> sorted(role_terms("Since it names Japan, does it say who was Japan's prime minister?"))
    ['minister']
    >>> sorted(role_terms("Does Dannenberg name the U.S. ambassador to Ukraine?"))
    ['ambassador']
    >>> role_terms("Does the piece name President Trump's advisers?")
    set()
    """
    # ("…, does it say who was Japan's prime minister?" asks the same)
    question = without_lead_in(question.strip())
    scene = _SCENE_ANY_CASE.match(question)
    question = question[scene.end() :] if scene else question
    embedded = _EMBEDDED.match(question)
    question = question[embedded.end() :] if embedded else question
    m = _ROLE.match(question)
    phrase = m.group(1).split() if m else []
    if not phrase:
        t = _WHICH_TITLE.match(question) or _NAME_TITLE.match(question)
        if t:
            return light_terms(t.group(1))
    # "the defense secretary mentioned in…": a trailing participle modifies the head noun
    while len(phrase) > 1 and phrase[-1].endswith("ed"):
        phrase.pop()
    return light_terms(phrase[-1]) if phrase else set()


# (a name may be joined by "of": "the House of Commons", "the Secretary of State")
_NAME = re.compile(r"\b([A-Z][\w’'-]+(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'-]+)+)")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_COUNTRY_HOMOGRAPHS = frozenset({"china", "turkey", "georgia"})
# Countries the tokenizer does not fold a demonym into (changing its table would change
# every stored index's terms), with the words that name each. Common words and given names
# ("jordan", "chad") are left out.
_MORE_COUNTRIES = {
    name: frozenset(forms.split())
    for name, forms in {
        "saudi arabia": "saudi arabia saudis riyadh",
        "poland": "poland polish warsaw poles",
        "qatar": "qatar qatari doha",
        "slovakia": "slovakia slovak",
        "czech republic": "czech czechia prague",
        "kazakhstan": "kazakhstan kazakh",
        "uzbekistan": "uzbekistan uzbek",
        "north korea": "korea korean pyongyang",
        "south korea": "korea korean seoul",
        "south africa": "africa african",
        "nigeria": "nigeria nigerian",
        "indonesia": "indonesia indonesian",
        "philippines": "philippines filipino",
        "thailand": "thailand thai",
        "malaysia": "malaysia malaysian",
        "singapore": "singapore",
        "bangladesh": "bangladesh",
        "yemen": "yemen yemeni",
        "kosovo": "kosovo",
        "bosnia": "bosnia bosnian",
        "albania": "albania albanian",
        "slovenia": "slovenia slovenian",
        "cyprus": "cyprus cypriot",
        "iceland": "iceland icelandic",
        "luxembourg": "luxembourg",
        "new zealand": "zealand",
        "colombia": "colombia colombian",
        "chile": "chile chilean",
        "peru": "peru peruvian",
        "ethiopia": "ethiopia ethiopian",
        "kenya": "kenya kenyan",
        "sudan": "sudan sudanese",
        "somalia": "somalia somali",
        "mongolia": "mongolia mongolian",
        "myanmar": "myanmar burma burmese",
    }.items()
}
_MORE_COUNTRY = re.compile(
    r"\b(" + "|".join(sorted(_MORE_COUNTRIES, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def countries_named(text: str) -> list[str]:
    """The countries a text names, by name or adjective, capitalised as names are.

    >>> countries_named("The treaty partitioned Poland after the Japanese attack on China.")
    ['poland', 'japan', 'china']
    """
    found = [
        (m.start(), country_of(m.group(0).lower()))
        for m in _CAPITALISED.finditer(text)
        if country_words(m.group(0).lower())
    ]
    found += [
        (m.start(), m.group(0).lower())
        for m in _MORE_COUNTRY.finditer(text)
        if m.group(0)[:1].isupper()
    ]
    return [country for _, country in sorted(found)]


def years_named(text: str) -> list[str]:
    """The years a text gives ("in 1938", "the 1930s").

    >>> years_named("The Munich Agreement of 1938 led to war in 1939, not $1850.")
    ['1938', '1939']
    """
    return _YEAR_WORD.findall(text)


# "what's the earliest year the op-ed mentions?": the first or last of the text's years
_EXTREME_YEAR = re.compile(
    r"\b(?P<end>earliest|oldest|first|latest|most\s+recent|last|newest)\s+(?:year|date)s?\b"
    r"(?=.*\b(?:mention|mentions|cite|cites|give|gives|name|names|bring|brings|refer|refers|"
    r"appear|appears|come|comes|show|shows|is\s+mentioned|is\s+cited|in\s+the\s+(?:op-?ed|"
    r"piece|article|text|column)))",
    re.I,
)


def year_extreme(question: str) -> str | None:
    """Whether a question asks for the earliest ("first") or latest ("last") year the text
    gives, or None.

    >>> year_extreme("For a timeline: what's the earliest year the op-ed mentions?")
    'first'
    >>> year_extreme("What is the most recent year cited in the piece?")
    'last'
    >>> year_extreme("In what year did the war start?") is None
    True
    """
    m = _EXTREME_YEAR.search(question)
    if m is None:
        return None
    return "first" if m.group("end").lower() in ("earliest", "oldest", "first") else "last"


# kinds that are anyone holding a post, named with its title ("Defense Secretary Pete
# Hegseth"), not a word of the name
_OFFICE_HOLDERS = frozenset({"official", "officeholder", "politician", "policymaker", "figure"})
# (not speakers.POST_TITLES: its abbreviations have no dot, and "Col" or "Gov" before the
# letters a kind may run on with would read "Cold War" and "Government" as titles)
_POST_TITLE_WORDS = (
    "President",
    "Secretary",
    "Minister",
    "Senator",
    "Sen\\.",
    "Representative",
    "Rep\\.",
    "General",
    "Gen\\.",
    "Admiral",
    "Chancellor",
    "Governor",
    "Mayor",
    "Ambassador",
    "Spokesman",
    "Spokeswoman",
    "Director",
    "Chief",
)


def kind_named(noun: str) -> Callable[[str], list[str]]:
    """What names a sentence gives things of a kind ("presidents"): a name after the kind
    as a title ("President Joe Biden") or before it as a name's last word ("the Munich
    Agreement"). A kind in lower case ("an agreement") names nothing, nor does a country's
    title ("the U.S. President", "Russian President").

    >>> kind_named("presidents")("U.S. President Donald Trump met former President Joe Biden")
    ['Donald Trump', 'Joe Biden']
    >>> kind_named("agreements")("It recalls the Munich Agreement, not an agreement.")
    ['Munich']
    >>> kind_named("officials")("Defense Secretary Pete Hegseth spoke; Vice President JD Vance did not.")
    ['Pete Hegseth', 'JD Vance']
    """
    kind = next(iter(light_terms(noun)), noun)
    title = re.escape(kind[:1].upper() + kind[1:])
    if kind in _OFFICE_HOLDERS:
        # "Which U.S. officials does the op-ed name?": anyone named with a post's title
        title = "(?:" + "|".join(_POST_TITLE_WORDS) + ")"
    named = re.compile(
        rf"\b{title}\w*\s+(?P<after>{_ONE_NAME})|"
        rf"(?P<before>{_ONE_NAME})\s+{title}\w*\b(?!\s+[A-Z])"
    )

    def names(text: str) -> list[str]:
        out = []
        for m in named.finditer(text):
            name = re.sub(r"^The\s+|['’]s$", "", m.group("after") or m.group("before"))
            if not re.fullmatch(r"(?:[A-Z]\.)+", name) and not any(
                country_words(w) or alias_country(w) for w in words(name)
            ):
                out.append(name)
        return out

    return names


def unknown_names(question: str, known_words: set[str]) -> list[str]:
    """Multi-word proper names in the question with a word the corpus never uses, and the
    countries and years it never names.

    A question about "Emmanuel Macron" cannot be answered by a corpus that never names him,
    however close its sentences are in meaning. Single capitalised words are let through:
    they are often synonyms the embedding handles ("Kremlin" for Russia, "Kyiv" for Ukraine).

    >>> unknown_names("What did Emmanuel Macron say about Putin?", {"putin"})
    ['Emmanuel Macron']
    >>> unknown_names("What did Vladimir Putin say?", {"vladimir", "putin"})
    []
    >>> unknown_names("What opened the Second World War?", {"world", "war"})
    []
    >>> unknown_names("Why was Kyiv's NATO bid a blunder?", {"nato"})
    []
    >>> unknown_names("What did Donald Tusk say?", {"donald"})
    ['Donald Tusk']
    >>> unknown_names("What role should China play?", {"russia"})
    ['China']
    >>> unknown_names("putin's essay. anything on belarus?", {"putin", "russia"})
    ['belarus']
    >>> unknown_names("would saudi arabia host the talks?", {"russia"})
    ['saudi arabia']
    >>> unknown_names("Did it start in 2023 or in 2022?", {"2022"})
    []
    >>> unknown_names("What does it make of the 2023 mutiny?", {"2022"})
    ['2023']
    >>> unknown_names("Was it as bad as the Korean War, or worse?", {"war"})
    []
    >>> unknown_names("Did Emmanuel Macron or Olaf Scholz react?", {"react"})
    ['Emmanuel Macron', 'Olaf Scholz']
    >>> unknown_names("Is this another 9/11?", {"12"})
    ['9/11']
    >>> unknown_names("Did Putin size up the man in the White House?", {"putin", "american"})
    []
    """
    # the question's first word is capitalised anyway ("What", "Did"): not part of a name
    # (nor are the names in the reader's own context: "I work on a Senate Foreign Relations
    # staff. What does the op-ed say…?")
    body = asked_part(question).strip()
    first = re.match(r"\S+\s*", body)
    if first:
        body = " " * first.end() + body[first.end() :]
    # "the White House" is the U.S. government, as "the Kremlin" is Russia's: known when the
    # corpus names that country
    for seat, country in _SEAT_OF_GOVERNMENT.items():
        if country & known_words:
            body = re.sub(rf"\b{seat}\b", lambda m: " " * len(m.group(0)), body, flags=re.I)
    out = []
    for m in _NAME.finditer(body):
        # "Kyiv's NATO bid" is two names, each checked alone (and a single word is let through)
        for name in re.split(r"['’]s\s+", re.sub(r"['’]s$", "", m.group(1))):
            name_words = [w for w in words(name) if w not in STOPWORDS]
            unknown = sum(w not in known_words for w in name_words)
            # "the Second World War" is known from "World War II": a name is unknown when at
            # least half its words are ("Emmanuel Macron", "Donald Tusk")
            if len(name_words) > 1 and 2 * unknown >= len(name_words):
                out.append(name)

    # a single word is let through as a possible synonym ("Kremlin"), but no country is
    # another's: a question about China is not answered by a text that never names it
    # (the country itself: "British wartime leader" describes Churchill, whom the text names)
    def unnamed_country(word: str) -> bool:
        forms = country_words(word) if country_of(word) == word else frozenset()
        return bool(forms) and not forms & known_words

    for m in _CAPITALISED.finditer(body):
        if unnamed_country(m.group(0).lower()) and m.group(0) not in out:
            out.append(m.group(0))
    # A reader typing in lower case names countries in lower case ("anything on belarus?").
    # The corpus's own words have their capitals back by now (``Engine.truecase``), so a
    # country still in lower case is one it never names. ("china", "turkey" and "georgia"
    # are common words too.)
    for m in _LOWER_WORD.finditer(body):
        if m.group(0) not in _COUNTRY_HOMOGRAPHS and unnamed_country(m.group(0)):
            out.append(m.group(0))
    for m in _MORE_COUNTRY.finditer(body):
        if not _MORE_COUNTRIES[m.group(0).lower()] & known_words and m.group(0) not in out:
            out.append(m.group(0))
    # a year names a time as surely as a name names a person: "the 2023 Wagner mutiny" is
    # not in a text that never writes 2023
    for m in _YEAR_WORD.finditer(body):
        if m.group(0) not in known_words and m.group(0) not in out:
            out.append(m.group(0))
    # and so does a day written with a slash ("9/11"), unless the corpus has its numbers
    for m in _SLASH_DAY.finditer(body):
        if not set(m.group(0).split("/")) <= known_words and m.group(0) not in out:
            out.append(m.group(0))
    # One capitalised word the corpus never uses may be its synonym ("Kremlin"); several
    # are things it never names ("Patriot batteries, HIMARS or Abrams tanks", "Donetsk,
    # Luhansk and Kherson"). (Not a word opening a sentence; "Kyiv" is Ukraine's, and
    # "Japan" is known from "Japanese".)
    singles = [
        m.group(1)
        for m in _MID_CAPITAL.finditer(body)
        if not any(m.group(1) in name for name in out)
        and not set(words(m.group(1))) & known_words
        and not (alias_country(m.group(1).lower()) | country_words(m.group(1).lower()))
        & known_words
    ]
    if len(set(singles)) >= 2:
        out.extend(dict.fromkeys(singles))
    # "…to the end of the Cold War, or further back?" offers the name as one guess beside
    # another: the answer may be the other one, so only a question whose every guess is
    # unknown ("Macron or Olaf Scholz") is unanswerable for it. (Not beside another word the
    # corpus never uses: "Tokyo's stance…, such as its sanctions or the Kuril Islands
    # dispute" names two things it never does.)
    if singles and out:
        return out
    options = _options(body)
    return [
        name
        for name in out
        if not _guessed_beside_known(name, body, out, known_words)
        and not _one_of_options(name, options, out, known_words)
    ]


# verbs of bringing something up: "mention", "bring up", "say anything about"…
_MENTION_VERBS = (
    r"mention(?:s|ed)?|brings?\s+up|discuss(?:es|ed)?|cites?|cited|raise[sd]?|"
    r"address(?:es|ed)?|talks?\s+about|says?\s+anything\s+(?:about|on)|touch(?:es)?\s+on|"
    r"include[sd]?|reference[sd]?|invoke[sd]?|covers?"
)
# "Does the op-ed bring up X?", "Is there any mention of X?": asks whether the text has X
# (said by anyone: words no text in the corpus uses are no one's there)
_TOPIC = re.compile(
    rf"(?:does|did|do|is\s+there|has|have)\b.*?\b(?:mention(?:s|ed)?\s+of|{_MENTION_VERBS}|"
    r"points?\s+to|quote[sd]?|says?\s+whether|names?|draws?\s+on|leans?\s+on|"
    r"acknowledge[sd]?|explore[sd]?|examine[sd]?|get\s+into|go(?:es)?\s+into|deals?\s+with|"
    r"weighs?\s+in\s+on|offers?|provides?|reports?|note[sd]?|considers?|"
    r"speaks?\s+(?:to|about|of)|comments?\s+on|"
    # ("Does the op-ed propose OSCE monitors…?" asks whether the text has them; "propose
    # that…" states a claim to check, not a thing to find)
    r"(?:propose[sd]?|recommend(?:s|ed)?|calls?\s+for|urge[sd]?|advocate[sd]?|endorse[sd]?|"
    # ("does the author want nato to enforce a no-fly zone?")
    r"wants?|favou?rs?|"
    # ("Does the piece credit Ukraine's Territorial Defense Forces with…?")
    r"credit(?:s|ed)?|blame[sd]?)"
    r"(?!\s+that\b))\s+(.+)",
    re.I | re.S,
)
# X ends where the reader says why they ask ("…as evidence of his hostility", "…when
# discussing the war", ", such as…"): those words are the reader's, not what is looked for
_TOPIC_END = re.compile(
    r"\s(?<!such\s)(?:as|when|while|to\s+(?:argue|back|support|show|explain))\s.*|"
    # (the reader's examples are what is looked for too: "…, such as NotPetya")
    r",(?!\s*(?:such\s+as|like|including|e\.g\.)\s).*|[;:?!(].*",
    re.I | re.S,
)
# "Does Congress come up anywhere?", "Is Munich mentioned?": X before the verb
_TOPIC_BEFORE = re.compile(
    # ("where does the word sanctions come up?" asks where the text has it, too)
    r"(?:where\s+(?:in\s+the\s+\w+\s+)?)?(?:does|do|did)\s+(?:the\s+(?:words?|terms?|names?)\s+)?"
    r"(.+?)\s+(?:ever\s+)?(?:come\s+up|show\s+up|appear|feature|figure)\b|"
    r"(?:is|are|was|were)\s+(.+?)\s+(?:ever\s+|even\s+|actually\s+)?(?:mentioned|discussed|"
    r"cited|named|brought\s+up|referenced|raised|addressed)\b",
    re.I | re.S,
)
_TOPIC_FILLER = frozenset(
    # ("…talk about Ukrainian 'territory' or use another word?" names no second thing)
    {"any", "anything", "all", "at", "whether", "anywhere", "piece", "op", "ed", "article"}
    | {"another", "else"}
)


def topic_words(question: str) -> list[str] | None:
    """The content words of X in "Does the text mention X?" ("Is X mentioned?", "Does X
    come up?"); None for any other question.

    >>> topic_words("Does the piece bring up drone strikes on oil refineries as leverage?")
    ['drone', 'strikes', 'oil', 'refineries']
    >>> topic_words("does congress come up anywhere in this op-ed? in what context?")
    ['congress']
    >>> topic_words("What does the op-ed say about drone strikes?") is None
    True
    """
    topic = _topic_text(question)
    return None if topic is None else _topic_content(topic)


def _topic_text(question: str) -> str | None:
    """X in "Does the text mention X?" as written, or None."""
    # (past a scene the reader sets: "Since the op-ed brings up Churchill, does it…")
    part = _SCENE_ANY_CASE.sub("", asked_part(question).strip(), count=1)
    m = _TOPIC.match(part)
    if m:
        return _TOPIC_END.sub("", m.group(1))
    m = _TOPIC_BEFORE.match(part)
    if not m:
        return None
    return m.group(1) or m.group(2)


def _topic_content(topic: str) -> list[str]:
    """The words of a topic that say what it is, once each (no digits: a year is checked
    as a year)."""
    # (a typed shorthand is its word: "the feb 12 call w trump" says February, not "w")
    return [
        w
        for w in dict.fromkeys(
            _MONTH_ABBREVIATIONS.get(w, w) for w in words(_LONE_LETTER.sub(" ", topic))
        )
        if w not in STOPWORDS and w not in _TOPIC_FILLER and not w.isdigit()
    ]


# a letter standing alone, not one of a compound's ("D-Day") or an abbreviation's ("U.S.")
_LONE_LETTER = re.compile(r"(?<![\w.'’-])[a-z](?![\w.'’-])", re.I)


# the text itself (or its writer) as the one mentioning: "Does Putin's essay say anything
# about Crimea?" asks what another text says
_PIECE_TOPIC = re.compile(
    rf"(?:(?:does|did|do|has|have)\s+(?:(?:the|this|that)\s+(?:{_PIECE}|{_WRITER})|it|he|she|"
    r"(?P<name>(?-i:[A-Z])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+)?))\s+(?:ever\s+|actually\s+|even\s+|"
    rf"also\s+)?(?:{_MENTION_VERBS}|refer(?:s|red)?\s+to)|is\s+there\s+(?:any\s+)?mention\s+of)"
    r"\s+(?P<topic>.+)",
    re.I | re.S,
)


def piece_topic(question: str) -> tuple[list[str], str | None] | None:
    """X's content words in "Does the op-ed mention X?" asked of the text itself or of a
    name (which the caller checks is its writer), with that name; None for any other
    question.

    >>> piece_topic("Does the piece bring up Congress, and in what context?")
    (['congress'], None)
    >>> piece_topic("Does Dannenberg mention the Munich Agreement as a lesson?")
    (['munich', 'agreement'], 'Dannenberg')
    >>> piece_topic("Does Putin's essay say anything about Crimea?") is None
    True
    >>> piece_topic("does congress come up anywhere in this op-ed?")
    (['congress'], None)
    """
    part = _SCENE_ANY_CASE.sub("", asked_part(question).strip(), count=1)
    m = _PIECE_TOPIC.match(part)
    if m:
        name = m.group("name")
        topic = _TOPIC_END.sub("", m.group("topic"))
    else:
        # "does congress come up anywhere in this op-ed?": the text is implied
        m = _TOPIC_BEFORE.match(part)
        if not m:
            return None
        name, topic = None, m.group(1) or m.group(2)
    return _topic_content(topic), name


# "the word 'key'", "the term appeasement": a word the reader names as a word
_WORD_NAMED = re.compile(
    r"\bthe\s+(?:word|term|adjective|verb|noun|label)\s+[“\"'‘]?(?P<word>[A-Za-z][\w-]*)[”\"'’]?(?!\w)",
    re.I,
)
# …and asks for every place the text uses it
_EACH_USE = re.compile(
    r"\b(?:each|every|all)\s+(?:of\s+)?(?:the\s+|its\s+|those\s+|these\s+)?(?:instance|time|use|usage|"
    r"occurrence|case|place|spot|appearance)s?\b|\bhow\s+many\s+times\b|"
    r"\bin\s+(?:what|which)\s+(?:contexts?|places|passages|sentences)\b|"
    r"\bhow\s+(?:is|does)\s+(?:it|the\s+(?:op-?ed|piece|article|author)\s+use)\b",
    re.I,
)


def word_uses(question: str) -> str | None:
    """The word a question asks every use of ("The op-ed leans on the word 'key' four
    times. What is called key in each instance?" → "key"), or None.

    >>> word_uses("The op-ed leans on the word 'key' four times. What is called key in each instance?")
    'key'
    >>> word_uses("How many times does the term appeasement appear?")
    'appeasement'
    >>> word_uses("What does the word 'infamy' mean here?") is None
    True
    """
    m = _WORD_NAMED.search(question)
    if m is None or not _EACH_USE.search(question):
        return None
    return m.group("word").lower()


# "Whose words does the op-ed quote first?", "What's the last quotation in the piece?"
_QUOTE_ORDER = re.compile(
    r"\b(?:quote[sd]?|cite[sd]?)\s+(?:\w+\s+)?(?P<a>first|last|earliest|latest)\b|"
    r"\b(?P<b>first|last|opening|final|closing|earliest)\s+(?:direct\s+|outside\s+)?"
    r"(?:quote|quotation|person\s+(?:quoted|cited)|voice\s+quoted)s?\b",
    re.I,
)


# "Which people does the op-ed quote directly?", "Who is quoted in the piece?": every one
_QUOTES_ALL = re.compile(
    r"^\s*(?:who|whom|which\s+(?:people|persons|figures|leaders|officials|speakers|voices)|"
    r"whose\s+(?:words|statements|remarks))\s+(?:does|do|did)\s+(?:the\s+|this\s+)?"
    rf"(?:{_PIECE}|{_WRITER}|it|he|she)\s+quote\b(?:\s+(?:directly|verbatim|by\s+name|at\s+all))?"
    r"(?:\s*,?\s*(?:putting|with|in)\b[^?]*)?\s*\?|"
    r"^\s*(?:who|which\s+(?:people|persons|figures|leaders|officials))\s+(?:is|are|gets?)\s+"
    rf"quoted(?:\s+directly)?(?:\s+in\s+(?:the\s+|this\s+)?{_PIECE})?\s*\?",
    re.I,
)


# "Dannenberg gives the pace of the talks a paragraph all to itself", "a couple of
# one-sentence paragraphs", "a stand-alone line": asked of the paragraphs of one sentence
_LONE_PARAGRAPH = re.compile(
    r"\b(?:one|single)[- ](?:sentence|line)\s+(?P<p1>paragraphs?)\b|"
    r"\b(?P<p2>paragraphs?)\s+(?:all\s+)?(?:to\s+(?:itself|themselves)|of\s+(?:its|their)\s+own|"
    r"on\s+(?:its|their)\s+own|by\s+(?:itself|themselves))\b|"
    r"\bstand-?\s?alone\s+(?P<p3>lines?|sentences?|paragraphs?)\b",
    re.I,
)
_SEVERAL = re.compile(r"\b(?:couple|several|few|two|three|four|each|every|both)\b", re.I)


def lone_paragraph(question: str) -> str | None:
    """Whether a question asks for the article's one-sentence paragraphs: "one" (the one
    it describes) or "all"; None for any other question.

    >>> lone_paragraph("He gives the pace of the talks a paragraph all to itself. What's it say?")
    'one'
    >>> lone_paragraph("He uses a couple of one-sentence paragraphs for emphasis. What do they say?")
    'all'
    >>> lone_paragraph("There's a stand-alone line about inaction. What does it say?")
    'one'
    >>> lone_paragraph("What does the closing paragraph say?") is None
    True
    """
    m = _LONE_PARAGRAPH.search(question)
    if m is None:
        return None
    word = m.group("p1") or m.group("p2") or m.group("p3")
    return "all" if word.lower().endswith("s") or _SEVERAL.search(question) else "one"


def quote_order(question: str) -> str | None:
    """Whether a question asks for the text's first or last quotation of someone's words
    ("Whose description of the call does the op-ed quote first?" → "first"), or for every
    one ("Which people does the op-ed quote directly?" → "all"), or None.

    >>> quote_order("Whose description of a phone call does the op-ed quote first?")
    'first'
    >>> quote_order("What is the last quotation in the piece?")
    'last'
    >>> quote_order("Who is quoted first?")
    'first'
    >>> quote_order("Who first said the talks were productive?") is None
    True
    >>> quote_order("Does the writer ever speak in the first person?") is None
    True
    >>> quote_order("Which people does the op-ed quote directly, in quotation marks?")
    'all'
    >>> quote_order("Who does the op-ed quote on the phone call?") is None
    True
    """
    if _QUOTES_ALL.search(asked_part(question)):
        return "all"
    m = _QUOTE_ORDER.search(question)
    if m is None:
        return None
    word = (m.group("a") or m.group("b")).lower()
    return "first" if word in ("first", "opening", "earliest") else "last"


def unmentioned_topic(question: str, knows: Callable[[str], bool]) -> list[str]:
    """The words of X in "Does the text mention X?" that the corpus never uses, when they
    are at least two and at least half of X's words; else none.

    A reader asking whether the commentary brings up "Ukraine's long-range drone strikes on
    Russian oil refineries" is told it never does, rather than shown the closest sentence
    about Ukraine. One unknown word is let through (a synonym: "NATO enlargement" for the
    text's "expansion"), and so is a topic in words the text uses.

    >>> known = {"putin", "ukraine", "russian", "nato", "war"}.__contains__
    >>> unmentioned_topic("Does the piece bring up drone strikes on oil refineries?", known)
    ['drone', 'strikes', 'oil', 'refineries']
    >>> unmentioned_topic("Does the op-ed discuss NATO enlargement at all?", known)
    []
    >>> unmentioned_topic("What does the op-ed say about drone strikes?", known)
    []
    >>> unmentioned_topic("Does the op-ed mention Kaliningrad as a flashpoint?", known)
    ['kaliningrad']
    >>> unmentioned_topic("Does the piece mention Zelensky's 10-point peace plan?", known)
    ['10']
    >>> unmentioned_topic("Does the op-ed propose OSCE monitors along the front?", known)
    ['osce', 'monitors', 'along', 'front']
    >>> unmentioned_topic("Does it mention Putin's war in Ukraine and NATO swapping prisoners?", known)
    ['swapping', 'prisoners']
    >>> typed = {"february", "12", "call", "putin"}.__contains__
    >>> unmentioned_topic("Does it mention the feb 12 call w Putin?", typed)
    []
    """
    topic = _topic_text(question)
    if topic is None:
        return []
    # a number is no synonym either: "Zelensky's 10-point peace formula" is not in a text
    # that never writes 10 (a year is checked as a year, by ``unknown_names``)
    numbers = [
        w
        for w in dict.fromkeys(words(topic))
        if w.isdigit() and not _YEAR_WORD.fullmatch(w) and not knows(w)
    ]
    return numbers or _unused(_topic_content(topic), asked_part(question), knows)


def _unused(content: list[str], text: str, knows: Callable[[str], bool]) -> list[str]:
    """The words of ``content`` (from ``text``) the corpus never uses, when they are a name
    or at least two and half of them; else none."""
    unknown = [w for w in content if not knows(w)]
    # a name is no synonym: "Does the op-ed mention Kaliningrad?" of a text that never does
    named = {w.lower() for w in _MID_CAPITAL.findall(text)}
    if any(w in named for w in unknown):
        return unknown
    # the names the text does use are who the question is about, not what it asks of them:
    # "Churchill losing the general election that July" asks after three words, not four
    asked = [w for w in content if w not in named]
    return unknown if len(unknown) >= 2 and 2 * len(unknown) >= len(asked) else []


# "Does Dannenberg describe Russia's conduct as genocide?": asks whether the text uses
# the label
_LABELLED_AS = re.compile(
    r"\s*(?:does|did|do|has|have)\b.*?\b(?:describe[sd]?|label(?:s|l?ed)?|characteri[sz]e[sd]?|"
    r"brand(?:s|ed)?|portray(?:s|ed)?|depict(?:s|ed)?|cast(?:s)?|frame[sd]?)\b.*?\bas\s+"
    # (not a comparison: "…describe their reaction as more than annoyance?")
    r"(?:an?\s+|the\s+)?(?!(?:more|less|anything|something|other|rather|merely|just|only|"
    r"simply|mere|much|little|nothing|no)\b)(?P<label>[^?,.;:]+?)\s*\??\s*$",
    re.I | re.S,
)


def unused_label(question: str, knows: Callable[[str], bool]) -> list[str]:
    """The words of the label in "Does the text describe X as Y?" when the corpus uses none
    of them (a label partly in its words may be its own, reworded); else none.

    >>> known = {"war", "aggression", "russia"}.__contains__
    >>> unused_label("Does Dannenberg describe Russia's conduct in Ukraine as genocide?", known)
    ['genocide']
    >>> unused_label("Does the op-ed describe the war as a war of aggression?", known)
    []
    """
    m = _LABELLED_AS.match(asked_part(question))
    if not m:
        return []
    content = [w for w in dict.fromkeys(words(m.group("label"))) if w not in STOPWORDS]
    return content if content and not any(knows(w) for w in content) else []


# "What is Zelensky's approval rating at home?": an attribute of someone the text names
_POSSESSED = re.compile(
    r"\s*(?i:what(?:['’]s|\s+(?:is|was|are|were))\s+(?:the\s+)?)"
    r"(?P<owner>(?:[A-Z][\w.-]*\s+){0,2}[A-Z][\w.-]*)['’]s?\s+"
    r"(?P<attr>[a-z][a-z -]*?)\s*(?:[,?!.]|\s+(?:at|in|according|per|as|for|on|after|before)\b|$)"
)


def unused_attribute(
    question: str, knows: Callable[[str], bool], is_author: Callable[[str], bool]
) -> list[str]:
    """The words of the attribute in "What is X's Y?" when they are two or more and the
    corpus uses none of them ("approval rating"); else none. (One unknown word may be a
    synonym: "What is Putin's goal?" of a text saying "objectives"; and what a writer
    thinks is in words of the reader's choosing: "What is Dannenberg's blunt verdict?")

    >>> known = {"zelensky", "putin", "end"}.__contains__
    >>> unused_attribute("What is Zelensky's approval rating at home?", known, {"Rob"}.__contains__)
    ['approval', 'rating']
    >>> unused_attribute("What is Putin's end game?", known, {"Rob"}.__contains__)
    []
    >>> unused_attribute("What is Rob's blunt verdict?", known, {"Rob"}.__contains__)
    []
    """
    m = _POSSESSED.match(asked_part(question))
    if not m or is_author(m.group("owner")):
        return []
    content = [w for w in dict.fromkeys(words(m.group("attr"))) if w not in STOPWORDS]
    return content if len(content) >= 2 and not any(knows(w) for w in content) else []


# "Bill Browder campaigned for the Magnitsky Act. Does the op-ed bring up that law?",
# "…Does Dannenberg cite that as a precedent?": what is asked about is the reader's own
# statement (a word after "that" is a noun in lower case: "mention that Putin lied" is a
# claim, not a pointer)
_POINTS_BACK = re.compile(
    rf"(?:does|did|do|has|have)\b.*?\b(?:{_MENTION_VERBS}|brings?|quote[sd]?|uses?|used|"
    r"names?|draws?\s+on|leans?\s+on|repeats?|echo(?:es)?)\s+"
    r"(?:(?:that|this|those|these)(?:\s+(?!as\b|when\b|up\b|anywhere\b|at\b)(?-i:[a-z])[\w'’-]*){0,2}"
    r"|it)(?:\s+(?:up|anywhere|at\s+all|as|when|to)\b|\s*[,?!.]|\s*$)",
    re.I | re.S,
)


# asked by several rules of the same question
@lru_cache(maxsize=1024)
def pointed_context(question: str) -> str:
    """The reader's statements before a question asking whether the text has what they
    said ("…Does the op-ed bring that up?"), or "" for any other question.

    >>> pointed_context("Khrushchev met Kennedy in Vienna. Does Dannenberg cite that as a precedent?")
    'Khrushchev met Kennedy in Vienna.'
    >>> pointed_context("Churchill fed a crocodile. Does the op-ed use that line?")
    'Churchill fed a crocodile.'
    >>> pointed_context("Does the op-ed bring that up?")
    ''
    >>> pointed_context("Trump called it productive. Does the op-ed agree with that?")
    ''
    >>> pointed_context("Some doubt it. Does the op-ed mention that Putin lied?")
    ''
    """
    body = without_lead_in(question.strip())
    asked = asked_part(question)
    context = body[: len(body) - len(asked)].strip()
    return context if context and _POINTS_BACK.match(asked) else ""


def unmentioned_context(question: str, knows: Callable[[str], bool]) -> list[str]:
    """The words of the reader's statement a question points back at ("Churchill said an
    appeaser feeds a crocodile hoping it eats him last. Does the op-ed use that line?") that
    the corpus never uses, by the rule for a topic (``unmentioned_topic``).

    >>> known = {"churchill", "said", "appeasement", "putin"}.__contains__
    >>> unmentioned_context("Churchill said an appeaser feeds a crocodile. Does the op-ed use that line?", known)
    ['appeaser', 'feeds', 'crocodile']
    >>> unmentioned_context("Churchill said it. Does the op-ed use that line?", known)
    []
    """
    context = pointed_context(question)
    return _unused(_topic_content(context), context, knows) if context else []


# seats of government named for the country's government, with the words for that country
_SEAT_OF_GOVERNMENT = {
    seat: country_words(country)
    for seat, country in {
        "white house": "america",
        "oval office": "america",
        "capitol hill": "america",
        "downing street": "britain",
        "number 10": "britain",
        "elysee palace": "france",
        "bankova street": "ukraine",
    }.items()
}
_SLASH_DAY = re.compile(r"(?<![\w/])\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\w/])")
_MID_CAPITAL = re.compile(r"(?<![.:;!?—–]\s)(?<![.:;!?—–])\b([A-Z][\w-]*)")
# a year as a word of its own: not "1990s", "$1850", "2,023" or "2022.5", nor a percentage
_YEAR_WORD = re.compile(rf"(?<![\d.,$£€])\b{_YEAR_DIGITS}\b(?![.,]\d|\s*(?:%|percent))")
_OR_ASKS = re.compile(
    r"(?:says?|tells?|gives?|explains?|describes?|mentions?|names?|notes?|discuss(?:es)?|"
    r"offers?|suggests?|what|how|why|whether|does|did|do|is|was|are|were|has|have)\b",
    re.I,
)
_OR_AFTER = re.compile(r"\s*,?\s+or\s+([^,.;:?!]+)")
_OR_BEFORE = re.compile(r"([^,.;:?!]+?)\s*,?\s+or\s+(?:the\s+|a\s+)?$")


# a quiz's choices: "(a) …, (b) …, (c) …", or "1917, 1919 or 1922?"
_LETTERED = re.compile(r"\(\s*[a-e]\s*\)\s*|(?<![\w(])[a-e]\)\s*", re.I)
_LIST_OR = re.compile(r"(?:[^,.;:?!]+,\s*)+[^,.;:?!]+?,?\s+or\s+[^,.;:?!]+")


def _options(body: str) -> list[str]:
    """The choices a question offers, if it offers three or more."""
    marks = list(_LETTERED.finditer(body))
    if len(marks) >= 2:
        ends = [m.start() for m in marks[1:]] + [len(body)]
        return [body[m.end() : end] for m, end in zip(marks, ends)]
    # (a list closing the question, of short items: "Per the op-ed, what role did Merkel
    # or Hollande play…" and "…such as Syrskyi, or say what he thinks?" offer no choices)
    m = _LIST_OR.search(body)
    if not m or body[m.end() :].strip(" ?!.\"”'’"):
        return []
    items = re.split(r",\s*(?:or\s+)?|\s+or\s+", m.group(0))
    short = all(len(item.split()) <= 4 for item in items[1:])
    return items if len(items) >= 3 and short and not any(_OR_ASKS.match(i) for i in items) else []


def _one_of_options(
    name: str, options: list[str], unknown: list[str], known_words: set[str]
) -> bool:
    """Whether ``name`` is in one of a quiz's choices and another choice names nothing
    unknown: the answer may be that one ("1917, 1919 or 1922?" of a text giving 1919)."""
    if not any(name in option for option in options):
        return False
    return any(
        name not in option
        and not any(u in option for u in unknown)
        and all(w.lower() in known_words for w in _CAPITALISED.findall(option))
        for option in options
    )


def _guessed_beside_known(name: str, body: str, unknown: list[str], known_words: set[str]) -> bool:
    """Whether ``name`` is one side of an "X or Y" whose other side names nothing unknown
    (no unknown name, nor a capitalised word the corpus never uses: "Chechnya or Syria")."""
    for m in re.finditer(re.escape(name), body):
        after = _OR_AFTER.match(body, m.end())
        before = _OR_BEFORE.search(body[: m.start()])
        sides = [before.group(1)] if before else []
        # ("…name his commander, such as Oleksandr Syrskyi, or say what he thinks?" joins two
        # questions, not two guesses)
        if after and not _OR_ASKS.match(after.group(1)):
            sides.append(after.group(1))
        for other in sides:
            if any(u in other for u in unknown if u != name):
                continue
            if all(w.lower() in known_words for w in _CAPITALISED.findall(other)):
                return True
    return False


# "Who wrote…", "who is the author", "the author's background": asked of the byline, which
# no sentence of the text states.
# "Who wrote the Molotov-Ribbentrop pact?" asks the text, so the thing written must be the
# article itself, or nothing ("who wrote this?").
_THIS_PIECE = rf"(?:this|that|it|(?:the|this|that)\s+{_PIECE}(?:\s+(?:about|on)\s+.+)?)"
_BYLINE = re.compile(
    rf"\bwho\s+(?:wrote|writes|has\s+written|authored|penned)(?:\s+{_THIS_PIECE})?\W*$|"
    rf"\bwho\s+(?:is|was)\s+(?:the|its|this)\s+(?:author|writer|columnist)"
    rf"(?:\s+of\s+{_THIS_PIECE})?\W*$|"
    r"\b(?:author|writer|columnist)(?:['’]s)?\s+(?:background|bio|biography|career|"
    r"experience|credentials|expertise)\b|\babout\s+the\s+(?:author|writer)\W*$",
    re.I,
)
# "Who is Rob Dannenberg?", "Rob Dannenberg's background": the name is then looked up among
# the authors, one dictionary lookup however many there are
_ABOUT_NAMED = re.compile(
    r"^\s*(?:who\s+is|who's|who\s+was|tell\s+me\s+about|what\s+do\s+(?:we|you)\s+know\s+"
    r"about|what\s+is\s+the\s+background\s+of)\s+(.+?)\W*$",
    re.I,
)
_NAME_BACKGROUND = re.compile(
    r"((?:[\w.’'-]+\s+){0,3}[\w.-]+)['’]s\s+(?:background|bio|biography|career|experience|"
    r"credentials|expertise)\b",
    re.I,
)


# An author's working life ("Did Dannenberg work at Goldman Sachs?", "Which CIA posts does
# the author's bio list?") is in the publisher's note on the author, not in the article.
_BIO = r"(?:bio|biography|r[ée]sum[ée]|cv)"
_AUTHOR_REFERENCE = re.compile(
    rf"\b(?:the|this|its|an?)\s+(?:{_PIECE}['’]s\s+)?{_WRITER}\b|\b{_WRITER}['’]s|"
    rf"\b(?:his|her|their|the)\s+(?:{_WRITER}\s+)?{_BIO}\b",
    re.I,
)
_CAREER = re.compile(
    rf"\b(?:{_BIO}|careers?|jobs?|posts?|positions?|roles?|works?|worked|working|served|"
    r"serves?|employ(?:ed|er|ers|ment)|professions?|retire[sd]?|retirement|retiring|"
    r"credentials|experience|expertise|background|for\s+a\s+living)\b",
    re.I,
)
_CAREER_VERB = (
    r"(?:work(?:s|ed)?|serve[sd]?|hold|held|holds|ran|run|runs|led|lead|leads|head(?:s|ed)?|"
    r"retire[sd]?|have|has|had)"
)
# "Does he invoke the agency's 'Moscow Rules'?" asks what the author does in the article
_DOES_HE = re.compile(
    rf"\s*(?:does|did|do|would|will|can)\s+(?:he|she|they|the\s+{_WRITER}|"
    # (the whole name: "Did Ann Lee work…" is not asking what "Lee work…" does)
    r"(?>(?-i:[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})))\s+"
    rf"(?!(?:(?:ever|also|still|once)\s+)?{_CAREER_VERB}\b)\w",
    re.I,
)
# ...unless it asks what the author wrote: "What does the author say about NATO?"
_ABOUT_WRITING = re.compile(
    r"\b(?:say|says|said|think|thinks|argue[sd]?|argues|write|writes|wrote|warn(?:s|ed)?|"
    r"believes?|recommend(?:s|ed)?|means?|call(?:s|ed)?|describe[sd]?|suggest(?:s|ed)?|"
    r"claim(?:s|ed)?|views?|propose[sd]?|urge[sd]?|fears?|wants?|compare[sd]?|quote[sd]?|"
    r"cite[sd]?|mention(?:s|ed)?|op-?eds?|articles?|pieces?|columns?)\b",
    re.I,
)
_BIO_WORD = re.compile(rf"\b{_BIO}\b", re.I)


def author_referred(question: str, names: dict[str, list[str]]) -> tuple[bool, list[str]]:
    """Whether the question is about an author as a person (not about what they wrote),
    and the indexed authors it names (``names`` as for ``named_authors``). Asking what the
    author wrote is not, unless it asks what the author's biography says.

    >>> names = {"rob dannenberg": ["Rob Dannenberg"], "dannenberg": ["Rob Dannenberg"]}
    >>> author_referred("Did Dannenberg work at Goldman Sachs?", names)
    (True, ['Rob Dannenberg'])
    >>> author_referred("Which posts does the author's bio list?", names)
    (True, [])
    >>> author_referred("The author once ran a CIA division. What does he say of Putin?", names)
    (False, [])
    >>> author_referred("What does his bio say about how he left?", names)
    (True, [])
    >>> author_referred("Dannenberg is ex-CIA. Does he invoke the 'Moscow Rules'?", names)
    (False, [])
    >>> author_referred("Did Dannenberg ever work at BP?", names)
    (True, ['Rob Dannenberg'])
    """
    named: list[str] = []
    tokens = re.findall(r"[\w’'-]+", question)
    for i in range(len(tokens)):
        for n in (2, 1):
            for author in names.get(author_key(" ".join(tokens[i : i + n])), []):
                if author not in named:
                    named.append(author)
    if not named and not _AUTHOR_REFERENCE.search(question):
        return False, []
    asked = asked_part(question)
    if (_ABOUT_WRITING.search(asked) or _DOES_HE.match(asked)) and not _BIO_WORD.search(question):
        return False, []
    return True, named


def asks_biography(question: str) -> bool:
    """Whether the question asks what an author's biography says.

    >>> asks_biography("What does his bio say about how he left the CIA?")
    True
    """
    return bool(_BIO_WORD.search(question))


_WHEN = re.compile(r"\b(?:when|(?:what|which)\s+(?:years?|dates?|decades?)|how\s+long)\b", re.I)


def asks_when(question: str) -> bool:
    """Whether a question asks when, in any words (of an author's working life, which a
    biography answers only with a year).

    >>> asks_when("In what years did he serve at the CIA?"), asks_when("Where did he serve?")
    (True, False)
    """
    return bool(_WHEN.search(question))


def asks_career(question: str, biography_terms: set[str]) -> bool:
    """Whether a question about an author asks after their working life: in words of
    careers, or in the words only their biography uses (``biography_terms``, stems).

    >>> asks_career("Did Dannenberg work at Goldman Sachs?", set())
    True
    >>> asks_career("Was the author ever in the CIA?", {"cia", "agenc"})
    True
    >>> asks_career("Is the author optimistic?", {"cia", "agenc"})
    False
    """
    return bool(_CAREER.search(question)) or not biography_terms.isdisjoint(tokenize(question))


def career_content(question: str) -> list[str]:
    """The words a question about an author's working life asks after, besides the
    working life itself: what the biography must mention to answer it.

    >>> career_content("Where did the author go to university, per his bio?")
    ['university']
    >>> career_content("Which posts did Dannenberg hold at the CIA?")
    ['dannenberg', 'cia']
    """
    rest = _BIO_WORD.sub(" ", _CAREER.sub(" ", question))
    return [
        w
        for w in dict.fromkeys(words(rest))
        if w not in STOPWORDS and w not in _CAREER_FILLER and not w.isdigit()
    ]


_CAREER_FILLER = frozenset(
    {"author", "writer", "columnist", "per", "according", "say", "says", "list", "lists", "go"}
    | {"article", "piece", "commentary", "op", "ed", "essay", "column", "text", "ever", "still"}
    | {"hold", "held", "holds", "ran", "run", "runs", "led", "lead", "leads", "head", "headed"}
    | {"exactly", "besides", "apart", "else", "another", "now", "today", "these", "days"}
)


# "What is this article about?", "What's the main argument?", "Who published it?": asked of
# the article as a whole or of its front matter, which no single sentence answers.
_S = r"(?:['’]s|\s+is|\s+are|\s+was)"
_ARTICLE_QUESTIONS = [
    (
        "overview",
        re.compile(
            rf"^\s*(?:what{_S}|tell\s+me\s+what)\s+{_THIS_PIECE}\s+(?:is\s+|was\s+)?"
            rf"(?:about|saying|arguing|says|argues)\W*$|"
            rf"^\s*(?:please\s+)?(?:summari[sz]e|sum\s+up|give\s+(?:me\s+)?(?:a\s+)?"
            rf"(?:short\s+|brief\s+)?(?:summary|overview|gist)(?:\s+of)?|tl;?dr)"
            rf"(?:\s+(?:of\s+)?{_THIS_PIECE})?\W*$|"
            rf"^\s*(?:what{_S}\s+)?(?:the\s+)?(?:(?:author|writer|{_PIECE}|its)['’]?s?\s+)?"
            rf"(?:main|key|central|core|overall|big)\s+(?:argument|point|idea|thesis|message|"
            rf"claim|takeaway|conclusion)s?(?:\s+(?:of|in)\s+{_THIS_PIECE})?\W*$|"
            rf"^\s*what{_S}\s+the\s+gist(?:\s+of\s+{_THIS_PIECE})?\W*$",
            re.I,
        ),
    ),
    (
        "title",
        re.compile(
            rf"^\s*what{_S}\s+(?:the\s+)?(?:title|headline)(?:\s+of\s+{_THIS_PIECE})?\W*$|"
            rf"^\s*what{_S}\s+(?:its|{_THIS_PIECE}['’]s)\s+(?:title|headline)\W*$|"
            rf"^\s*what\s+is\s+{_THIS_PIECE}\s+(?:called|titled)\W*$",
            re.I,
        ),
    ),
    (
        "publisher",
        re.compile(
            rf"^\s*(?:who|which\s+\w+)\s+(?:published|publishes|ran|printed)\s+{_THIS_PIECE}\W*$|"
            rf"^\s*where\s+(?:was|is)\s+{_THIS_PIECE}\s+published\W*$|"
            rf"^\s*who{_S}\s+(?:the|its)\s+publisher(?:\s+of\s+{_THIS_PIECE})?\W*$|"
            rf"^\s*what\s+(?:publication|outlet|site|website|magazine|newspaper)\s+"
            rf"(?:is|was)\s+{_THIS_PIECE}\s+(?:from|in|published\s+(?:in|by))\W*$",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            rf"^\s*when\s+(?:was|is)\s+{_THIS_PIECE}\s+(?:published|written|posted|dated|from)\W*$|"
            rf"^\s*(?:what{_S}\s+)?(?:the|its|{_THIS_PIECE}['’]s)\s+(?:publication\s+)?date"
            rf"(?:\s+of\s+{_THIS_PIECE})?\W*$|"
            rf"^\s*how\s+old\s+is\s+{_THIS_PIECE}\W*$",
            re.I,
        ),
    ),
]


# "Is this news or opinion?", "How is the piece labeled?": its kind, which a question may
# ask in a sentence of its own ("Is this piece news or commentary? How is it labeled?")
_KIND_GENRES = r"(?:news|reporting|report|opinion|commentary|an?\s+op-?ed|analysis|editorial|essay)"
_KIND_QUESTION = re.compile(
    rf"\b(?:is|was)\s+{_THIS_PIECE}\s+(?:an?\s+)?(?:(?:straight|plain|a)\s+)?{_KIND_GENRES}\b"
    rf"[^?]*\bor\b[^?]*{_KIND_GENRES}|"
    rf"\bwhat\s+(?:kind|type|sort|genre)\s+of\s+(?:{_PIECE}|writing|piece)\s+is\s+(?:this|it)\b|"
    rf"\bhow\s+is\s+{_THIS_PIECE}\s+(?:labell?ed|categori[sz]ed|classified|billed|tagged)\b|"
    # (the piece's own label, not the one it gives something: "What label does the op-ed
    # give Putin's system?")
    rf"\bwhat\s+(?:label|category|section|rubric|tag)\s+(?:does|is)\s+{_THIS_PIECE}"
    r"(?:\s+(?:carry|have|bear|get|run\s+under|appear\s+under|filed\s+under))?\s*\?",
    re.I,
)


def article_question(question: str) -> str | None:
    """What a question asks of the article as a whole: "overview", its "title",
    "publisher", "date" or "kind" (news, opinion…); None for a question about what it says.

    >>> [article_question(q) for q in ("What is this article about?", "Summarize it.",
    ...     "What are the key takeaways?", "What's the headline?", "Who published this?",
    ...     "When was the piece written?", "Is this news or opinion?")]
    ['overview', 'overview', 'overview', 'title', 'publisher', 'date', 'kind']
    >>> article_question("What kind of article is this? How is it labelled?")
    'kind'
    >>> article_question("Is this war a news story or a tragedy?") is None
    True
    >>> article_question("What label does the op-ed give Putin's regime?") is None
    True
    >>> article_question("What is the main threat Putin fears?") is None
    True
    >>> article_question("What is the restaurant at the end of the universe about?") is None
    True
    """
    for kind, pattern in _ARTICLE_QUESTIONS:
        if pattern.search(question):
            return kind
    return "kind" if _KIND_QUESTION.search(question) else None


def author_key(name: str) -> str:
    """An author's name as compared everywhere: case and spacing do not matter.

    >>> author_key("  Rob   DANNENBERG ")
    'rob dannenberg'
    """
    return " ".join(name.split()).casefold()


def author_keys(authors: list[str]) -> dict[str, str]:
    """Authors by ``author_key``, for ``byline_question``."""
    return {author_key(a): a for a in authors if a.strip()}


# "What does Dannenberg think…", "according to Rob Dannenberg", "Dannenberg's op-ed": the
# reader asks for what that author wrote, so only that author's articles answer
_AUTHOR_BEFORE = re.compile(
    r"(?:\b(?:according\s+to|per|does|did|do|would|will|has|had|is|was|by|for|in)\s+|^)$", re.I
)
_AUTHOR_AFTER = re.compile(
    rf"^(?:['’]s?\s+(?:{_PIECE}|view|views|argument|case|take|point|words|opinion|advice|"
    r"recommendations?|warning|conclusion|position|thesis)\b|"
    r"\s+(?:\w+ly\s+)?(?:thinks?|believes?|argues?|writes?|wrote|says?|said|claims?|"
    r"recommends?|suggests?|proposes?|describes?|sees?|views?|calls?|concludes?|warns?|"
    r"means?|contends?|predicts?|expects?|compares?|feels?|fears?|worr(?:y|ies)|sums?|"
    r"makes?|blames?|praises?|criticizes?|criticises?|wants?|urges?|insists?)\b)",
    re.I,
)


def named_authors(question: str, names: dict[str, list[str]]) -> list[str]:
    """The indexed authors a question names as the one whose writing it asks about.

    ``names`` maps an ``author_key`` of a full name, and of a surname, to the authors who
    have it. Being named is not enough: "What does Dannenberg think…", "according to
    Dannenberg" or "Dannenberg's op-ed" asks for his writing; "Who criticised Dannenberg?"
    asks about him.

    >>> names = {"rob dannenberg": ["Rob Dannenberg"], "dannenberg": ["Rob Dannenberg"]}
    >>> named_authors("What does Dannenberg think of NATO?", names)
    ['Rob Dannenberg']
    >>> named_authors("according to rob dannenberg, why is haste ill-advised?", names)
    ['Rob Dannenberg']
    >>> named_authors("What did Dannenberg's op-ed say about Crimea?", names)
    ['Rob Dannenberg']
    >>> named_authors("Who criticised Dannenberg?", names)
    []
    >>> named_authors("Why wait, according to Dannenberg.", names)
    ['Rob Dannenberg']
    """
    # initials keep their dots ("J.D."), a sentence's full stop is not part of the name
    tokens = [
        (m.group(0), m.start(), m.end())
        for m in re.finditer(r"[\w-]+(?:\.[\w-]+)*\.?(?<!\w\w\.)", question)
    ]
    found: list[str] = []
    for i in range(len(tokens)):
        for n in (3, 2, 1):
            span = tokens[i : i + n]
            if len(span) < n:
                continue
            key = author_key(" ".join(t for t, _, _ in span))
            if key not in names:
                continue
            start, end = span[0][1], span[-1][2]
            if _AUTHOR_BEFORE.search(question[:start]) or _AUTHOR_AFTER.match(question[end:]):
                found += [a for a in names[key] if a not in found]
            break
    return found


_AUTHORS_VIEW = re.compile(
    # "the author of Beloved" asks about a book's author, "the author of the piece" does not;
    # "the article" or "the text" may be a reference page: only words for commentary count
    r"\b(?:the|this|that)\s+(?:author|writer|columnist|commentator|op-?ed|essay|column|"
    r"commentary|opinion\s+piece|piece)(?:['’]s)?\b"
    rf"(?!\s+of\b(?!\s+(?:the|this|that)\s+{_PIECE}\b))",
    re.I,
)


def asks_authors_view(question: str) -> bool:
    """Whether a question asks what the author of a piece of commentary says or thinks,
    without naming the author ("What does the author fear?", "…, in the writer's view?").

    >>> asks_authors_view("What caused the war, according to the author?")
    True
    >>> asks_authors_view("Does the past matter for these talks, in the author's view?")
    True
    >>> asks_authors_view("Which leaders does this op-ed hold up as examples?")
    True
    >>> asks_authors_view("Who is the author of the book of Ruth?")
    False
    >>> asks_authors_view("Who is the author of the piece?")
    True
    >>> asks_authors_view("How many people died in the war?")
    False
    >>> asks_authors_view("What does the article on sanctions relief say?")
    False
    """
    return bool(_AUTHORS_VIEW.search(question))


def byline_question(question: str, authors: dict[str, str]) -> tuple[bool, list[str]]:
    """Whether the question asks about an article's author rather than what it says, and
    which authors (``author_keys`` of the index) it names as the person asked about.

    >>> keys = author_keys(["Rob Dannenberg", "Ann Lee"])
    >>> byline_question("Who wrote this article?", keys)
    (True, [])
    >>> byline_question("Who is Rob Dannenberg?", keys)
    (True, ['Rob Dannenberg'])
    >>> byline_question("What is Ann Lee's background?", keys)
    (True, ['Ann Lee'])
    >>> byline_question("What does Rob Dannenberg think of NATO?", keys)
    (False, [])
    >>> byline_question("Who wrote the Molotov-Ribbentrop pact?", keys)
    (False, [])
    >>> byline_question("Who is the author of the piece?", keys)
    (True, [])
    """
    names = []
    about = _ABOUT_NAMED.match(question)
    if about:
        names.append(about.group(1))
    owner = _NAME_BACKGROUND.search(question)
    if owner:
        ws = owner.group(1).split()
        names += [" ".join(ws[i:]) for i in range(len(ws))]
    named: list[str] = []
    for name in names:
        author = authors.get(author_key(name))
        if author and author not in named:
            named.append(author)
    return bool(named or _BYLINE.search(question)), named


# "What did Chamberlain say…", "What kind of peace did Zelensky say…": asked of a person's words
_SAID_BY = re.compile(
    # ("had Washington tell Putin", with the bare verb, is what someone has another do)
    r"\b(?:[Dd]id|[Dd]oes|[Dd]o|[Ww]ill|[Ww]ould)\s+((?:[A-Z][\w’'-]*\s+){0,3}[A-Z][\w’'-]*?)"
    # "What did Putin's July 2021 essay say…" asks for Putin's words in his essay
    r"(?:['’]s(?:\s+[\w’'-]+){1,4})?\s+"
    r"(?:say|tell|claim|argue|write|declare|state|announce|call|describe|characteri[sz]e|"
    r"propose|promise|warn)\b"
    # "Has Trump said whether…", "Have they claimed…"
    r"|\b(?:[Hh]as|[Hh]ave|[Hh]ad)\s+((?:[A-Z][\w’'-]*\s+){0,3}[A-Z][\w’'-]*?)\s+(?:ever\s+|publicly\s+)?"
    r"(?:said|told|claimed|argued|written|declared|stated|announced|called|described|"
    r"characteri[sz]ed|proposed|promised|warned)\b"
)
# "What exact words did Trump use…", "Which phrase did Zelensky choose…" ask for words too
_WORDS_USED = re.compile(
    r"\b(?:words?|phrases?|terms?|language|expressions?)\b.*?\bdid\s+"
    r"((?:[A-Z][\w’'-]*\s+){0,3}[A-Z][\w’'-]*?)\s+(?:use|choose|pick)\b"
)
_SPEECH = re.compile(
    r"\b(said|says|say|saying|told|tells|characteri[sz]\w*|called|calls|described|describes|"
    r"hailed|hails|declared|declares|stated|statement|wrote|writes|written|warned|"
    r"warns|insisted|argued|argues|claimed|claims|announced|comments?|commented|remarks?|"
    r"speech|spoke|spoken|promised|promises?|proposed|proposal|vowed|urged|tweeted|interview|"
    r"letter|"
    r"essay)\b",
    re.I,
)


def said_by(question: str) -> str | None:
    """The person whose words a question asks for, if it asks what someone said.

    >>> said_by("What did Hitler say to Churchill?")
    'Hitler'
    >>> said_by("What kind of peace did Zelensky say he discussed with Trump?")
    'Zelensky'
    >>> said_by("What did the author say?") is None
    True
    >>> said_by("What did Putin's July 2021 essay say about NATO?")
    'Putin'
    >>> said_by("What exact words did Trump use to back Hegseth?")
    'Trump'
    >>> said_by("What tools did Ukraine use?") is None
    True
    >>> said_by("Has Trump said whether he read the essay?")
    'Trump'
    >>> said_by("Is it a fallback, or what he'd have had Washington tell Putin?") is None
    True
    """
    m = _SAID_BY.search(question) or _WORDS_USED.search(question)
    return next((g for g in m.groups() if g), None) if m else None


def reports_speech(sentence: str) -> bool:
    """Whether a sentence reports someone's words (a verb of saying, a speech, a comment).

    >>> reports_speech("Churchill understood this about Hitler.")
    False
    >>> reports_speech("Chamberlain hailed it as “peace in our time.”")
    True
    """
    return bool(_SPEECH.search(sentence))


_SOURCE = re.compile(r"[^.;:]{0,60}?\b(?:from|by)\s+((?:[A-Z][\w.’'-]*\s*){1,5})")


# capitalised words that do not speak: pronouns, calendar words, sentence openers
_NOT_SPEAKERS = STOPWORDS | {
    "he", "she", "they", "it", "this", "that", "these", "those", "we", "i", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}  # fmt: skip


def speaks(sentence: str, speaker: str) -> bool:
    """Whether ``sentence`` reports words of ``speaker``: the name comes before a verb or
    noun of saying ("Chamberlain hailed", "Putin's essay"), or after one as its source
    ("comments … from Pete Hegseth"). Being spoken to or about is not speaking.

    >>> speaks("Zelensky said he had spoken with President Trump.", "Zelensky")
    True
    >>> speaks("Zelensky said he had spoken with President Trump.", "Trump")
    False
    >>> speaks("It was preceded by comments to NATO members from Pete Hegseth.", "Hegseth")
    True
    >>> speaks("Churchill understood this about Hitler.", "Churchill")
    False
    >>> speaks("The Trump-Putin call was preceded by comments from Pete Hegseth.", "Putin")
    False
    >>> speaks("Trump and Putin held a call that Trump characterized as long.", "Putin")
    False
    >>> speaks("In Putin’s infamous July 2021 essay, he laid out his aims.", "Putin")
    True
    >>> speaks("Later, Ukrainian President Volodymyr Zelensky said he spoke.", "Ukraine")
    True
    >>> speaks("Later, Ukrainian President Volodymyr Zelensky said he spoke.", "Russia")
    False
    """
    names = [re.escape(w) for w in speaker.split() if w.lower() not in STOPWORDS]
    if not names:
        return reports_speech(sentence)
    countries = {
        country_of(w.lower()) for w in speaker.split() if country_words(country_of(w.lower()))
    }
    name = re.compile(rf"\b(?:{'|'.join(names)})\b", re.I)
    for m in _SPEECH.finditer(sentence):
        # words "from / by" someone are theirs, whoever is named before them
        source = _SOURCE.match(sentence, m.end())
        if source is not None:
            if name.search(source.group(1)):
                return True
        else:
            # the one speaking is the nearest name before ("Trump and Putin held a call that
            # Trump characterized…" is Trump's word, not Putin's)
            found = [
                w
                for w in _PROPER.finditer(sentence, 0, m.start())
                if w.group(0).lower() not in _NOT_SPEAKERS
            ]
            before = [re.sub(r"['’]s$", "", w.group(0)) for w in found]
            if before and name.fullmatch(before[-1]):
                return True
            # a country speaks through the one its title names: "Ukrainian President
            # Volodymyr Zelensky said" is Ukraine's president speaking
            if found and countries:
                run = [found[-1]]
                for w in reversed(found[:-1]):
                    if sentence[w.end() : run[0].start()].strip():
                        break
                    run.insert(0, w)
                if any(country_of(w.group(0).lower()) in countries for w in run):
                    return True
    return False


# "Who is Pete Hegseth?", "hegseth's job?", "What does Vance do?": who a named person is,
# which the text says where it names them ("Defense Secretary Pete Hegseth")
_NAME_WORDS = r"((?-i:[A-Z])[\w.’'-]*(?:\s+(?-i:[A-Z])[\w.’'-]*){0,3})"
# "Hegseth and Vance", "Obama, Biden and Trump"
_ONE_NAME = r"(?-i:[A-Z])[\w.’'-]*(?:\s+(?-i:[A-Z])[\w.’'-]*){0,3}"
_NAMES = rf"({_ONE_NAME}(?:\s*,\s*{_ONE_NAME})*(?:,?\s+and\s+{_ONE_NAME})?)"
_POST = r"(?:job|role|title|position|post|office|capacity|capacities)s?"
# "…in this piece?", "…, according to the article?": where to look, not more of the question
_SCOPE = rf"(?:,?\s+(?:in|within|according\s+to|per)\s+(?:the|this|that)\s+{_PIECE}\W*)?"
_IDENTITY = re.compile(
    rf"^\s*(?:who\s+(?:is|was|are|were)|who['’]s|what\s+(?:is|was|are|were)\s+the\s+{_POST}"
    rf"\s+of)\s+{_NAMES}{_SCOPE}\W*$|"
    # "Hegseth's job?", "what's hegseth's job title in this piece"
    rf"^\s*(?:what\s+(?:is|was)\s+|what['’]s\s+)?{_NAME_WORDS}['’]s?\s+(?:\w+\s+)?{_POST}"
    rf"{_SCOPE}\W*$|"
    rf"^\s*what\s+(?:does|did)\s+{_NAME_WORDS}\s+do(?:\s+for\s+a\s+living)?{_SCOPE}\W*$|"
    # "In what capacity does the op-ed identify Zelensky?", "How does it introduce Vance?"
    rf"^\s*(?:(?:in|as|by)\s+)?(?:(?:what|which)\s+{_POST}|how)\s+(?:does|do|did)\s+"
    rf"(?:(?:the|this)\s+(?:{_PIECE}|{_WRITER})|it|he|she)\s+(?:identify|introduce|present|"
    rf"refer\s+to|name)\s+{_NAMES}{_SCOPE}\W*$|"
    # "What government posts do Hegseth and Vance hold, as the article has it?"
    rf"^\s*(?:what|which)\s+(?:\w+\s+)?{_POST}\s+(?:does|do|did)\s+{_NAMES}"
    rf"\s+(?:hold|have|occupy|fill)\b[^?]*?(?:,[^?]*)?\W*$|"
    # "What does the op-ed say about Hegseth, Vance and Zelensky?", "…pair each name with
    # what the op-ed says about them: Hegseth, Vance, Zelensky, Chamberlain."
    rf"^.*\b(?:say|says|said|write|writes|wrote)\s+about(?:\s+(?:them|each(?:\s+of\s+them)?))?"
    rf"\s*:?\s+({_ONE_NAME}(?:\s*,\s*{_ONE_NAME}){{2,}}|{_ONE_NAME}(?:\s*,\s*{_ONE_NAME})+"
    rf",?\s+and\s+{_ONE_NAME}){_SCOPE}\W*$",
    re.I,
)


def identity_question(question: str) -> str | None:
    """The name a question asks to identify ("Who is X?", "X's job?"), if it asks that;
    several names as the question joins them ("Hegseth and Vance"; see ``split_names``).

    >>> [identity_question(q) for q in ("Who is Pete Hegseth?", "Hegseth's job?",
    ...     "What does JD Vance do?", "What is the role of Vance?")]
    ['Pete Hegseth', 'Hegseth', 'JD Vance', 'Vance']
    >>> identity_question("Who is the Russian negotiator?") is None
    True
    >>> identity_question("Who tried to repair the damage?") is None
    True
    >>> identity_question("What posts do Hegseth and Vance hold, as the article has it?")
    'Hegseth and Vance'
    >>> identity_question("what's Hegseth's job title in this piece")
    'Hegseth'
    >>> identity_question("What does the op-ed say about Hegseth, Vance and Zelensky?")
    'Hegseth, Vance and Zelensky'
    >>> identity_question("What does the op-ed say about Hegseth and Vance?") is None
    True
    >>> identity_question("In what capacity does the op-ed identify Zelensky?")
    'Zelensky'
    >>> identity_question("Going by the piece, which cabinet post does Pete Hegseth hold?")
    'Pete Hegseth'
    """
    # "Sidebar: what posts do Hegseth and Vance hold?": past the reader's lead-in (and
    # the scene: "Going by the title the piece gives him, which post does Hegseth hold?")
    m = _IDENTITY.match(_SCENE_ANY_CASE.sub("", without_lead_in(question).strip(), count=1))
    if not m:
        return None
    return next(g for g in m.groups() if g)


_ASKS_POST = re.compile(
    rf"\b{_POST}\b|^\s*what\s+(?:does|did)\s+.+\s+do(?:\s+for\s+a\s+living)?\W*$", re.I
)


def asks_post(question: str) -> bool:
    """Whether an identity question asks for a post ("What office did Chamberlain hold?",
    "Hegseth's job?"), which a sentence naming the person without one does not give.

    >>> [asks_post(q) for q in ("Hegseth's job?", "What does JD Vance do?", "Who is Vance?")]
    [True, True, False]
    """
    return bool(_ASKS_POST.search(without_lead_in(question)))


def split_names(names: str) -> list[str]:
    """The names in "Hegseth and Vance" or "Obama, Biden and Trump".

    >>> split_names("Obama, Biden and Trump")
    ['Obama', 'Biden', 'Trump']
    """
    return [n for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", names) if n]


# a phrase the reader quotes: “…”, "…", ‘…’ or '…' (an apostrophe inside a word neither
# opens nor closes one: "Russia's border 'doesn't end anywhere'")
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]|(?<!\w)[‘']((?:[^’']|(?<=\w)[’'](?=\w))+?)[’'](?!\w)")


# "…does it talk about Ukrainian 'territory' or use another word?": the quoted word is the
# reader's guess, and the text's own word is what is asked
_OTHER_WORDING = re.compile(
    r"\b(?:another|a\s+different|some\s+other|other|its\s+own)\s+(?:word|term|phrase|wording|"
    r"expression|label|name)s?\b|\b(?:word|term|phrase)\s+(?:does\s+\w+\s+use\s+)?instead\b",
    re.I,
)


def asks_other_wording(question: str) -> bool:
    """Whether a question asks for the text's own word in place of the one it quotes.

    >>> asks_other_wording("Does the op-ed say Ukrainian 'territory' or use another word?")
    True
    >>> asks_other_wording("Did Zelensky call the talks 'a betrayal'?")
    False
    """
    return bool(_OTHER_WORDING.search(question))


# "…quote that line", "use those words": the question points back at the reader's quote
_THAT_QUOTE = re.compile(
    r"\b(?:that|this|the|those|these|such\s+a)\s+(?:exact\s+|famous\s+|same\s+)?(?:line|quote|"
    r"quotation|phrase|remark|description|wording|words|sentence|saying|formula|quip)s?\b",
    re.I,
)


def points_back_at_quote(question: str) -> bool:
    """Whether the asked part of a question points back at a quote in the reader's context.

    >>> points_back_at_quote("Churchill called Russia 'a riddle.' Does Dannenberg quote that line?")
    True
    >>> points_back_at_quote("Trump called it 'productive.' Who else does the op-ed quote?")
    False
    """
    return bool(_THAT_QUOTE.search(asked_part(question)))


# "Does the op-ed use the Kremlin's label 'special military operation'?": asks whether the
# text has the words
_ASKS_WHETHER = re.compile(r"\s*(?:does|did|do|has|have|had|is|are|was|were)\b", re.I)


def asks_whether(question: str) -> bool:
    """Whether the asked part of a question is a yes-or-no question.

    >>> asks_whether("Trump met Putin. Does the op-ed call it 'a betrayal'?")
    True
    >>> asks_whether("Who called the talks 'productive'?")
    False
    """
    return bool(_ASKS_WHETHER.match(asked_part(question)))


_PICKS_LINE = re.compile(
    r"\s*(?:which|what)\s+(?:one\s+)?(?:line|sentence|passage|phrase|part|bit|paragraph)s?\b", re.I
)


def picks_a_line(question: str) -> bool:
    """Whether the asked part of a question asks to pick a line of the text ("Which line
    near the end shares that worry?"), whatever its words.

    >>> picks_a_line("Zelensky wants peace. Which line near the end shares that worry?")
    True
    >>> picks_a_line("What does the first paragraph say?")
    False
    """
    return bool(_PICKS_LINE.match(asked_part(question)))


def quoted_phrases(question: str) -> list[str]:
    """The phrases a question quotes, normalised for lookup (``normalize_quote``).

    >>> quoted_phrases("Who called the call “lengthy and highly productive”?")
    ['lengthy and highly productive']
    >>> quoted_phrases("whose saying is 'what is ours is ours'?")
    ['what is ours is ours']
    >>> quoted_phrases("What is Putin's aim?")
    []
    """
    out = []
    for m in _QUOTED.finditer(question):
        phrase = normalize_quote(m.group(1) or m.group(2))
        if len(phrase) >= 5:
            out.append(phrase)
    return out


_FIRST_PERSON_QUESTION = re.compile(
    # ("the first person to sign" is the earliest one)
    r"\bfirst[- ]person\b(?!\s+(?:to|who|whom|that|ever|of|in\s+history)\b)|\bin\s+(?:his|her|their|the\s+author['’]s)\s+own\s+voice\b|"
    r"\b(?:speak|speaks|write|writes|talk|talks)\s+(?:for\s+(?:him|her|them)sel(?:f|ves)|"
    r"personally)\b|\bsay\s+[“\"']I[”\"']",
    re.I,
)
# "I", "my", "me" in the writer's own words (the pronoun "I" is always capitalised)
_FIRST_PERSON = re.compile(r"\b(?:I|I['’](?:m|ve|d|ll)|(?i:me|my|myself|mine))\b")
_QUOTATION = re.compile(r"“[^”]*”?|\"[^\"]*\"?")


def asks_first_person(question: str) -> bool:
    """Whether a question asks where the writer speaks in the first person.

    >>> asks_first_person("Does Dannenberg ever slip into the first person in this piece?")
    True
    >>> asks_first_person("Who is the first person to sign?")
    False
    >>> asks_first_person("What does the author think?")
    False
    """
    return bool(_FIRST_PERSON_QUESTION.search(question))


def first_person(sentence: str) -> bool:
    """Whether a sentence says "I", "me" or "my" outside a quotation.

    >>> first_person("I can understand the desire to end the war.")
    True
    >>> first_person("He said: “I will not give up my land.”")
    False
    """
    text = _QUOTATION.sub(" ", sentence)
    for m in _FIRST_PERSON.finditer(text):
        before = text[: m.start()].split()
        # "World War I", "Elizabeth I": a numeral after a name, not the writer
        if m.group(0) == "I" and len(before) > 1 and before[-1][:1].isupper():
            continue
        return True
    return False


_QUOTED_PRONOUN = re.compile(
    r"(?<!\w)[‘'\"“](this|that|these|those|it|they|them|he|him|she|her)[’'\"”](?!\w)", re.I
)


def quoted_pronoun(question: str) -> str | None:
    """A pronoun the question quotes to ask what it stands for, lower-cased.

    >>> quoted_pronoun("When it says 'Churchill understood this', what is the 'this'?")
    'this'
    >>> quoted_pronoun("What is 'Chamberlain's peace'?") is None
    True
    """
    m = _QUOTED_PRONOUN.search(question)
    return m.group(1).lower() if m else None


def normalize_quote(text: str) -> str:
    """Text as compared for a quoted phrase: case, quote marks, spacing and the punctuation
    at its ends do not matter.

    >>> normalize_quote("  “Lasting,  reliable peace.” ")
    'lasting, reliable peace'
    """
    text = text.translate(_QUOTE_MARKS).casefold()
    return " ".join(text.split()).strip(" .,;:!?\"'")


_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# A place in the article ("the opening sentence", "in the closing paragraphs", "How does
# the piece end?"), which no embedding reads. "The first line of defense" and "at the end of
# the war" are not the article's; "in the end" means "finally".
_THE_PIECE = rf"(?:(?:the|this|that|its|his|her)\s+)?{_PIECE}"
_NOT_OF_ANOTHER = rf"(?!\s+of\s+(?!{_THE_PIECE}))(?!['’]s)"
_UNIT = r"(?:sentences?|lines?|paragraphs?|grafs?|sections?|passages?|words)"
# "in the opening, …" or "…of the piece", not "in the opening moves of the invasion"
_ALONE = rf"(?=\s+of\s+{_THE_PIECE}|\s*[^\w\s]|\s*$)"
_PLACES = {
    "first": re.compile(
        rf"\b(?:opening|first|introductory|lead|top)\s+{_UNIT}\b{_NOT_OF_ANOTHER}|"
        rf"\b(?:in|at|near)\s+the\s+(?:opening|start|beginning|top){_ALONE}|"
        rf"\b{_THE_PIECE}\s+(?:opens|starts|begins|kicks\s+off|leads)\b|"
        rf"\bhow\s+does\s+(?:{_THE_PIECE}|it)\s+(?:open|start|begin|kick\s+off)\b|"
        rf"\b(?:the|its|his)\s+(?:intro|introduction|lede)\b(?!\s+of\b|\s+{_UNIT})|"
        # ("going by the op-ed's opening?")
        rf"\b{_THE_PIECE}['’]s\s+(?:opening|start|beginning|intro|introduction|lede|top){_ALONE}",
        re.I,
    ),
    "last": re.compile(
        rf"\b(?:closing|final|last|concluding|ending)\s+{_UNIT}\b{_NOT_OF_ANOTHER}|"
        rf"\b(?:at|near|toward|towards|by)\s+the\s+(?:end|close|bottom){_ALONE}|"
        rf"\b{_THE_PIECE}\s+(?:ends|closes|concludes|wraps\s+up|signs\s+off)\b|"
        rf"\bhow\s+does\s+(?:{_THE_PIECE}|it)\s+(?:end|close|conclude|wrap\s+up|sign\s+off)\b|"
        rf"\b(?:the|its|his)\s+(?:conclusion|closing|kicker)\b(?!\s+of\b|\s+{_UNIT})|"
        rf"\b{_THE_PIECE}['’]s\s+(?:end|ending|close|conclusion|closing|kicker|finale){_ALONE}",
        re.I,
    ),
}


_AUTHORS_PIECE = re.compile(
    rf"\b((?-i:[A-Z])[\w.’'-]*(?:\s+(?-i:[A-Z])[\w.’'-]*)?)['’]s\s+(?={_PIECE}\b)", re.I
)


def as_the_piece(text: str, is_author: Callable[[str], bool]) -> str:
    """``text`` with an author's possessive before a word for the piece read as "the"
    ("near the end of Dannenberg's piece" → "near the end of the piece"); another person's
    piece ("Putin's essay") is left as it is.

    >>> as_the_piece("Which line near the end of Dannenberg's piece?", {"Dannenberg"}.__contains__)
    'Which line near the end of the piece?'
    >>> as_the_piece("the first line of Putin's essay", {"Dannenberg"}.__contains__)
    "the first line of Putin's essay"
    """
    return _AUTHORS_PIECE.sub(lambda m: "the " if is_author(m.group(1)) else m.group(0), text)


def article_place(question: str) -> dict[str, str]:
    """Where in the article the question points: "first" and/or "last", each with how much
    of it ("sentence" for a line, "paragraph" for one, "paragraphs" for a section, "around"
    for "near the top" or "How does it end?").

    >>> article_place("Per the opening sentence, which two countries are talking?")
    {'first': 'sentence'}
    >>> article_place("How does the piece end?")
    {'last': 'around'}
    >>> article_place("Where does it come up near the top, and in the closing line?")
    {'first': 'around', 'last': 'sentence'}
    >>> article_place("Is NATO the first line of defense? In the end, who pays?")
    {}
    >>> article_place("Is Kyiv at the table, going by the op-ed's opening?")
    {'first': 'around'}
    """
    out = {}
    for where, pattern in _PLACES.items():
        m = pattern.search(question)
        if m:
            unit = re.search(rf"\b{_UNIT}\b", m.group(0), re.I)
            word = unit.group(0).lower() if unit else ""
            out[where] = (
                "sentence"
                if word in ("sentence", "line")
                else "paragraph"
                if word in ("paragraph", "graf", "passage", "words")
                else "paragraphs"
                if word
                else "around"
            )
    return out


def without_place(question: str) -> str:
    """The question without the words pointing at a place in the article, which the place
    itself need not use.

    >>> without_place("What does the opening paragraph say about sanctions?")
    'What does the   say about sanctions?'
    """
    for pattern in _PLACES.values():
        question = pattern.sub(" ", question)
    return question


# "feb" is February ("may" abbreviates nothing); "sept" too
_MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS if m != "may"} | {"sept": "september"}
_EVENT_ON = re.compile(
    r"^\s*what\s+(?:happened|occurred|took\s+place|was\s+(?:said|done|agreed|announced))\s+"
    r"(?:on|in|during|around|at|by)\s+(.+?)\W*$",
    re.I,
)


def event_date(question: str) -> str | None:
    """The date a "What happened on <date>?" question asks about, normalised for lookup
    ("feb 12th" is "february 12"); None for any other question, or a "date" that is none.

    >>> event_date("what happened on feb 12th?")
    'february 12'
    >>> event_date("What happened in 2014?")
    '2014'
    >>> event_date("What happened in Crimea?") is None
    True
    """
    m = _EVENT_ON.match(question)
    if not m:
        return None
    phrase = normalize_date(m.group(1))
    if not (_DAY.search(phrase) or re.fullmatch(rf"{_YEAR}", phrase)):
        return None
    return phrase


def normalize_date(text: str) -> str:
    """Text with dates written one way: lower case, months in full, no ordinal suffixes or
    commas ("Feb. 12th, 2025" is "february 12 2025").

    >>> normalize_date("On Feb. 12th, 2025 they met.")
    'on february 12 2025 they met'
    """
    text = text.casefold().replace(".", " ").replace(",", " ")
    text = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"\b[a-z]+\b", lambda w: _MONTH_ABBREVIATIONS.get(w.group(0), w.group(0)), text)
    return " ".join(text.split())


# "…, according to the op-ed", "in the author's view": every answer is the text's view, so
# these words are not what a question asks
_ATTRIBUTION = re.compile(
    r"\b(?:according\s+to|in|per)\s+(?:the|this)\s+(?:author|writer|article|piece|op-?ed|"
    r"commentary|columnist|column|essay)(?:['’]s\s+(?:view|telling|opinion|words|account))?|"
    r"\b(?:does|did|do)\s+(?:the|this)\s+(?:author|writer|columnist|column|article|piece|"
    r"op-?ed|essay|commentary|text)\s+"
    r"(?:say|think|argue|believe|claim|write|suggest|give|cite|mention|put|offer|state)\b",
    re.I,
)


def without_attribution(question: str) -> str:
    """The question without words that attribute it to the text.

    >>> without_attribution("when did russia take crimea according to the op-ed")
    'when did russia take crimea '
    >>> without_attribution("What does the author say Putin weighs up?")
    'What  Putin weighs up?'
    """
    return _ATTRIBUTION.sub("", question)


# verbs that ask for the time or place of whatever the question names, not of an act
_EVENT_VERBS = frozenset({"happen", "occur", "occurr", "held", "hold"})
_TAKE_PLACE = re.compile(r"\b(?:take|takes|took|taken|taking)\s+place\b", re.I)


_TYPE_WORDS = re.compile(
    r"^\s*(?:(?:in|on|during|by|at)\s+)?(?:what|which)\s+"
    r"(?:(?:exact|precise|specific|particular)\s+)?(?:year|date|day|month|time)s?\b",
    re.I,
)


def asked_terms(question: str) -> set[str]:
    """What a typed question asks about, as inflection-free terms: its lower-case words past
    the first (names are the topic, not what is asked), without words that only ask for the
    time of what it names ("happen", "take place"), years and other numbers (conditions, like
    names), and attributions to the text ("according to the op-ed").

    >>> sorted(asked_terms("Where will Trump and Putin meet?"))
    ['meet']
    >>> asked_terms("When did the Munich Agreement happen?")
    set()
    >>> sorted(asked_terms("when did Russia take Crimea in 2014 according to the op-ed"))
    ['take']
    >>> sorted(asked_terms("In what exact year did Putin leave the KGB?"))
    ['leave']
    >>> asked_terms("What year does the column give for the Munich Agreement?")
    set()
    >>> sorted(asked_terms("When does the op-ed's author say talks started?"))
    ['start', 'talk']
    """
    # "In what year…", "What exact date…": the words naming the type are not what is asked
    question = without_lead_in(question)
    typeless = _TYPE_WORDS.sub("", question, count=1)
    if typeless == question:
        typeless = " ".join(question.split()[1:])
    rest = " ".join(w for w in typeless.split() if not w[:1].isupper())
    return {
        t
        for t in light_terms(_TAKE_PLACE.sub(" ", without_attribution(rest)))
        # ("What does the op-ed's opening line say?" asks nothing of the words "op", "ed")
        if t not in _EVENT_VERBS and not t[:1].isdigit() and t not in ("op", "ed", "oped")
    }


_NUMBER_WORDS = {
    w: i + 1
    for i, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    )
}
_ORDINAL_WORDS = {
    w: i + 1
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
        ]
    )
}
_LIST_WORDS = [
    "rule",
    "principle",
    "point",
    "item",
    "lesson",
    "attribute",
    "tenet",
    "guideline",
    "recommendation",
    "reason",
    "condition",
    "step",
]
_LIST_NOUN = rf"(?:{'|'.join(w + 's?' for w in _LIST_WORDS)})"
# "how many precepts…": a question about a list's items, though no item is named so
_LIST_NOUN_PLURAL = rf"(?:{'|'.join(w + 's' for w in [*_LIST_WORDS, 'precept', 'maxim'])})"
_NUMBER = rf"(?:\d{{1,2}}|{'|'.join(_NUMBER_WORDS)})"
_ORDINAL_ITEM = re.compile(
    # "the second principle", "the 3rd key rule", "the last point"
    rf"\b(?P<ord>{'|'.join(_ORDINAL_WORDS)}|\d{{1,2}}(?:st|nd|rd|th)|last|final)\s+"
    rf"(?:[a-z-]+\s+){{0,2}}?{_LIST_NOUN}\b"
    # "What's the last of Dannenberg's three rules?" (asked for: "Read against the first of
    # his rules, why…" points at the list, and the question is the why)
    # (or opening the question: "The second of the old rules warns against what?", or
    # after a request: "Spell out the second of the old rules")
    r"|(?:\b(?:what|which)(?:['’]s|\s+(?:is|was|are|were))?\s+|^\s*|"
    r"^\s*(?:please\s+)?(?:spell\s+out|give|name|quote|state|recite|cite|tell\s+me)\s+)the\s+"
    rf"(?P<of>{'|'.join(_ORDINAL_WORDS)}|\d{{1,2}}(?:st|nd|rd|th)|last|final)\s+of\s+"
    r"(?:(?:the|his|her|their|these|those)\s+)?(?:[\w’'-]+['’]s\s+)?"
    rf"(?:[a-z-]+\s+){{0,2}}?{_LIST_NOUN}\b"
    # "Which maxim heads Dannenberg's list…?", "…rounds out the list?"
    r"|\b(?:(?P<head>heads?|tops?|opens?|leads?\s+off|comes?\s+first\s+(?:on|in))|"
    r"(?P<tail>ends?|closes?|rounds?\s+out|comes?\s+last\s+(?:on|in)))\s+"
    r"(?:(?:the|his|her|their|that|this)\s+|[\w’'-]+['’]s\s+)list\b"
    # "rule number two", "principle #3", "point 2", "number two on the list"
    rf"|\b(?:{_LIST_NOUN}\s*(?:number|no\.?|#)?|(?:number|no\.|#))\s*(?P<num>{_NUMBER})\b"
    rf"(?(num)(?!\s*(?:%|per|percent|years?|days?|months?|weeks?|times)))",
    re.I,
)


def numbered_item(question: str) -> int | None:
    """Which item of a numbered list a question asks for ("rule number two" → 2; "the
    last principle" → -1), or None when it asks for none.

    >>> numbered_item("What's rule number two on the author's list of principles?")
    2
    >>> numbered_item("whats rule #3 for negotiating with the russians")
    3
    >>> numbered_item("What is the second key principle of negotiating with Russia?")
    2
    >>> numbered_item("What's the last rule?")
    -1
    >>> numbered_item("What's the last of Dannenberg's three rules for bargaining?")
    -1
    >>> numbered_item("What is the second of the author's principles?")
    2
    >>> numbered_item("Read against the first of Dannenberg's rules, why is that bad?")
    >>> numbered_item("The second of the old rules for Russia warns against giving away what?")
    2
    >>> numbered_item("Which maxim heads Dannenberg's list of KGB lessons?")
    1
    >>> numbered_item("Spell out the second of the old rules for bargaining with Russia.")
    2
    >>> numbered_item("Who first said the talks were productive?")
    >>> numbered_item("What is the first step toward infamy?")
    1
    >>> numbered_item("How many points did the plan have?")
    >>> numbered_item("What is rule 0?")
    >>> numbered_item("What is the 0th rule?")
    """
    m = _ORDINAL_ITEM.search(question)
    if m is None:
        return None
    if m.group("head") or m.group("tail"):
        return 1 if m.group("head") else -1
    if m.group("num"):
        word = m.group("num").lower()
        return _NUMBER_WORDS.get(word) or int(word) or None  # "rule 0" is no item
    word = (m.group("ord") or m.group("of")).lower()
    if word in ("last", "final"):
        return -1
    return _ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word)) or None


_LIST_QUESTION = re.compile(
    rf"\b(?:(?P<count>how\s+many)\s+(?:[\w-]+\s+){{0,3}}?{_LIST_NOUN_PLURAL}|"
    rf"(?:which|what)\s+(?:one\s+)?of\s+(?:the|his|her|their|these|those|[\w’'-]+['’]s?)\s+"
    rf"(?:[\w’'-]+\s+){{0,3}}?{_LIST_NOUN_PLURAL}|"
    # "What KGB maxim does the author cite on that?": one item of a list of precepts
    r"(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:maxim|precept|tenet|rule|principle)\s+"
    r"(?:does|did|do)\b|"
    # "Is there a matching rule in Dannenberg's list?": the item that matches
    rf"is\s+there\s+(?:a|an|any)\s+(?:[\w-]+\s+)?{_LIST_NOUN}\s+(?:in|on|among)\s+"
    r"(?:the|his|her|their|[\w’'-]+['’]s?)\s+(?:[\w’'-]+\s+)?(?:list|rules|principles)\b)\b",
    re.I,
)


def list_question(question: str) -> str | None:
    """Whether a question asks about a list's items: "count" for how many there are,
    "which" for the one it describes; None for any other question (and for one asking an
    item by its number: see ``numbered_item``).

    >>> list_question("How many core precepts does the author list?")
    'count'
    >>> list_question("Which of the author's rules did the NATO concession break?")
    'which'
    >>> list_question("trump's threat fits which of the author's negotiating rules?")
    'which'
    >>> list_question("What rules does the author lay out?") is None
    True
    >>> list_question("What KGB maxim does the author cite on that?")
    'which'
    >>> list_question("What is the second rule?") is None
    True
    >>> list_question("Is there a matching rule in Dannenberg's list for Russia?")
    'which'
    >>> list_question("Is there a similar rule in the author's list?")
    'which'
    """
    if numbered_item(question) is not None:
        return None
    m = _LIST_QUESTION.search(question)
    if not m:
        return None
    return "count" if m.group("count") else "which"


_PIECE_OR_WRITER = rf"(?:(?:the|this|that)\s+)?(?:{_PIECE}|{_WRITER})|he|she|it|[A-Z][\w'’-]+"
_ENUMERATED = re.compile(
    r"^(?:[^,?]+,\s*)?(?:which|what|how\s+many)\s+(?:[\w'’.-]+\s+){0,3}?"
    # ("Apart from Trump, which administration figure gets named?" lists them too)
    r"(?P<noun>(?!(?:us|does|is|was|has|this|his|its)\b)[a-z][\w-]*[^s\W]s"
    r"|(?:official|figure|politician|policymaker)(?=\s+(?:gets|is)\s))"
    r"(?:,?\s+(?:other\s+than|besides|apart\s+from|except|beyond|from|of|in|past\s+or\s+"
    r"present)\b[^?]*?|,[^,?]+,)?,?\s+(?:"
    rf"(?:does|do|did|has|have)\s+(?:{_PIECE_OR_WRITER})\s+(?:\w+\s+)?"
    r"(?:mention|name|bring\s+up|cite|invoke|list|refer\s+to|point\s+to|reference|single\s+out|"
    r"hold\s+up|draw\s+on|bring\s+in)|"
    r"(?:\w+\s+)?(?:come\s+up|show\s+up|appear|gets?\s+(?:a\s+)?mention|gets?\s+named|"
    r"(?:are|is)\s+(?:mentioned|named|cited|invoked|brought\s+up|referred\s+to)))\b",
    re.I,
)


def enumerated_noun(question: str) -> str | None:
    """The kind of thing a question asks the text to list by name ("Which U.S. presidents
    does the op-ed bring up?" → "presidents"), or None.

    >>> enumerated_noun("Which American presidents other than Trump does the op-ed bring up?")
    'presidents'
    >>> enumerated_noun("Apart from Putin, which non-American leaders does it mention by name?")
    'leaders'
    >>> enumerated_noun("which us presidents show up in this piece?")
    'presidents'
    >>> enumerated_noun("Which presidents met in Helsinki?") is None
    True
    >>> enumerated_noun("How many U.S. presidents, sitting or former, does the op-ed name?")
    'presidents'
    >>> enumerated_noun("Apart from Trump, which administration figure gets named?")
    'figure'
    """
    m = _ENUMERATED.match(asked_part(question).strip())
    return m.group("noun").lower() if m else None


def list_markers(sentence: str) -> list[int]:
    """The numbers of the numbered-list items a sentence holds: "1) … 2) …" and "(1) …"
    anywhere, "1. …" at its start.

    >>> list_markers("Three rules: 1) never concede, 2) never trust, 3) never rush.")
    [1, 2, 3]
    >>> list_markers("2. Never concede anything.")
    [2]
    >>> list_markers("In 1919, if not before. Costs (in 2024) rose.")
    []
    """
    found = [int(n) for n in re.findall(r"(?:^|[\s:;,])\(?(\d{1,2})\)\s+(?=[^\W\d])", sentence)]
    start = re.match(r"\s*(\d{1,2})\.\s+(?=[A-Za-z])", sentence)
    if start and not found:
        found.append(int(start.group(1)))
    return found


def mentions_ordinal(sentence: str, n: int) -> bool:
    """Whether a sentence names item ``n`` in words ("The first of those principles is…";
    -1 for "last" / "final") rather than by a list marker.

    >>> mentions_ordinal("The first of those principals is to understand your adversary.", 1)
    True
    >>> mentions_ordinal("The 2nd rule is patience.", 2)
    True
    >>> mentions_ordinal("The first of those principals is to understand your adversary.", 2)
    False
    """
    if n < 0:
        pattern = r"\b(?:last|final)\b"
    else:
        word = next((w for w, i in _ORDINAL_WORDS.items() if i == n), None)
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n not in (11, 12, 13) else 0, "th")
        pattern = rf"\b(?:{word}|{n}{suffix})\b" if word else rf"\b{n}{suffix}\b"
    return re.search(pattern, sentence, re.I) is not None
