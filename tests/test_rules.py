"""Refusal rules and the strict answerer's calibration: pure logic, no model."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.calibrate import FEATURES, Question, cross_validate, fit, rates
from retrieval.config import AnswerSettings
from retrieval.engine import Candidate
from retrieval.lexical import light_terms, tokenize
from retrieval.rules import question_needs, role_terms, satisfies_type


@pytest.mark.parametrize(
    ("question", "needs"),
    [
        ("Where will Trump and Putin meet?", "place"),
        # origin questions want an explanation, not a place
        ("Where does the term cherry picker come from?", None),
        ("Where does Doctor Strange get his powers from?", None),
        ("What is the origin of the phrase cold feet?", None),
        ("When will the ceasefire take effect?", "date"),
        ("How much were the actors in Friends paid?", "count"),
        # a size or a length is a number
        ("How large is Russia's army?", "measure"),
        ("How long was the phone call?", "measure"),
        ("How often do they meet?", None),
        ("What does the author recommend?", "advice"),
        ("What should the U.S. do about NATO?", "advice"),
        ("What are the author's recommendations?", "advice"),
        ("What should Russia never be allowed to believe?", None),
        ("On what day and month was the agreement signed?", "day"),
        ("What date did they speak?", "day"),
        ("What year was it signed?", "date"),
        # a place asked for by its kind is answered by its name
        ("Which Russian cities were shelled in 2022?", "place name"),
        ("What country hosted the talks?", "place name"),
        ("Which states' leaders were consulted?", None),
        ("What state of mind was he in?", None),
        # a yes/no question around the one it asks; "state" there is no verb of saying
        ("Does the op-ed give any figure for how many Ukrainians back NATO?", "count"),
        ("Does Putin ever say when he would stop?", "date"),
        ("Was Moscow's state press upbeat when reports came out, or more than that?", None),
    ],
)
def test_question_needs(question: str, needs: str | None) -> None:
    assert question_needs(question) == needs


@pytest.mark.parametrize(
    ("question", "sentence", "ok"),
    [
        # a place need not be a proper name
        ("Where is cobalt-60 produced?", "It is produced artificially in nuclear reactors.", True),
        ("Where is the Dead Sea?", "It is a salt lake bordered by Jordan to the east.", True),
        ("Where will they meet?", "They will talk soon.", False),
        # "how much were the actors paid" counts money, not actors
        ("How much were the actors paid?", "Cast members were paid $22,500 per episode.", True),
        ("How many troops are there?", "There are 5 tanks.", False),
        ("How many troops are there?", "There are 5,000 troops.", True),
        ("When do the ducks march?", "Every day at 11 : 00 a.m. , the ducks are escorted.", True),
        ("When did they talk?", "They talked at length.", False),
        # list markers are not counts
        ("How many officers trained Putin?", "KGB training: 1) the ends justify the means", False),
        ("How many officers trained Putin?", "Three officers trained him.", True),
        ("How large is Russia's army?", "Russia is weaker than the West.", False),
        ("How large is Russia's army?", "Russia's army has 1.3 million soldiers.", True),
        ("How long was the call?", "They held a 90-minute conversation.", True),
        ("How long have these rules held?", "They have been true since 1919.", True),
        # a year does not give the day asked for
        ("On what day was the agreement signed?", "The agreement of 1938 was signed.", False),
        ("On what day did they speak?", "They spoke on February 12.", True),
        ("What date did they speak?", "They spoke on 12/2/2025.", True),
        # "in his speech" is no new place when the question asks where the speech was
        ("Where did Vance give his speech?", "Roosevelt used it in his speech.", False),
        ("Where did Vance give his speech?", "He gave his speech in Munich.", True),
        ("Where does she live?", "She lives at her home in Brooklyn.", True),
        ("Which countries split Poland?", "It was divided between Germany and Russia.", True),
        ("Which countries split Poland?", "Poland was divided by two states.", False),
        ("Which cities did Russia shell?", "Russia shelled the capital.", False),
        # a name where a place stands, not any name
        ("In which city did Hegseth speak?", "He spoke, said Secretary Pete Hegseth.", False),
        ("In which city did Hegseth speak?", "Hegseth spoke in Brussels.", True),
    ],
)
def test_satisfies_type(question: str, sentence: str, ok: bool) -> None:
    assert satisfies_type(question, sentence) is ok


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Who is Russia's foreign minister?", {"minister"}),
        ("Who was the coach of the Cleveland Browns when they moved?", {"coach"}),
        ("Who are the three judges on American Idol 2018", {"judge"}),
        ("Who is the highest paid footballer of all time", {"footballer"}),
        # a capitalised adjective is part of the role, not a name
        ("Who is the Russian negotiator?", {"negotiator"}),
        # not a role: who did something, or who a named person is
        ("Who tried to repair some of the damage?", set()),
        ("Who is Vladimir Putin?", set()),
    ],
)
def test_role_terms(question: str, role: set[str]) -> None:
    assert role_terms(question) == role


def test_light_terms_drop_inflections_not_derivations() -> None:
    assert "effect" not in light_terms("an effective reaction")
    assert light_terms("the meetings") == light_terms("they meet") == {"meet"}
    assert light_terms("the ceasefire takes effect") == {"ceasefire", "take", "effect"}


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("What did Hitler say to Churchill?", "Hitler"),
        ("What did Emmanuel Macron propose?", "Emmanuel Macron"),
        ("How did Trump characterize the call?", "Trump"),
        # a view is not a statement, and the author is not a name
        ("What flaws does Putin think he can exploit?", None),
        ("What did the author say about NATO?", None),
    ],
)
def test_said_by(question: str, person: str | None) -> None:
    from retrieval.rules import said_by

    assert said_by(question) == person


@pytest.mark.parametrize(
    ("sentence", "speaker", "ok"),
    [
        ("President Trump characterized it as “lengthy and highly productive.”", "Trump", True),
        ("Zelensky said he had spoken with President Trump.", "Zelensky", True),
        # spoken with, or about, is not speaking
        ("Zelensky said he had spoken with President Trump.", "Trump", False),
        (
            "It was preceded by comments to NATO members from Secretary Pete Hegseth.",
            "Hegseth",
            True,
        ),
        ("Putin’s infamous July 2021 essay laid out his aims.", "Putin", True),
        # the speaker is the nearest name before the verb, or the one the words come from
        ("Trump and Putin held a call that Trump characterized as long.", "Putin", False),
        ("Trump-Putin talks were preceded by comments from Pete Hegseth.", "Putin", False),
        # "states" is a noun far more often than a verb of saying
        ("It divided Europe between the two states of Molotov and Ribbentrop.", "Molotov", False),
    ],
)
def test_speaks(sentence: str, speaker: str, ok: bool) -> None:
    from retrieval.rules import speaks

    assert speaks(sentence, speaker) is ok


def test_a_country_and_its_adjective_are_one_term() -> None:
    assert tokenize("Ukraine's president") == tokenize("the Ukrainian President")
    assert light_terms("Russians") == light_terms("Russia") == {"russia"}
    # ambiguous adjectives keep their own meaning
    assert tokenize("polish") != tokenize("Poland")


class _Engine:
    def __init__(self, **settings: float) -> None:
        self.settings = AnswerSettings(**settings)


def _cand(cos: float, context_coverage: float, support: float) -> Candidate:
    return Candidate(0, cos, 0.0, 0.0, context_coverage, 0.0, 0.0, support)


def test_default_answers_a_paraphrase_on_cosine_but_not_a_covered_unsupported_topic() -> None:
    from retrieval.engine import ExtractiveAnswerer, StrictAnswerer

    default = ExtractiveAnswerer(_Engine())  # type: ignore[arg-type]
    strict = StrictAnswerer(_Engine())  # type: ignore[arg-type]
    paraphrase = _cand(cos=0.5, context_coverage=0.2, support=-3.0)
    on_topic = _cand(cos=0.5, context_coverage=0.8, support=-3.0)
    supported = _cand(cos=0.3, context_coverage=0.8, support=0.0)
    assert default.answerable(paraphrase, [paraphrase])
    # the question's words are all there and still nothing supports an answer
    assert not default.answerable(on_topic, [on_topic])
    assert default.answerable(on_topic, [on_topic, supported])
    assert not strict.answerable(paraphrase, [paraphrase])
    off = ExtractiveAnswerer(_Engine(max_paraphrase_coverage=1.0))  # type: ignore[arg-type]
    assert off.answerable(on_topic, [on_topic])


def test_paraphrase_coverage_setting_is_validated() -> None:
    with pytest.raises(ValueError, match="max_paraphrase_coverage must be between 0 and 1"):
        AnswerSettings(max_paraphrase_coverage=1.5)
    with pytest.raises(ValueError, match="advice_min_cosine is a cosine: between -1 and 1"):
        AnswerSettings(advice_min_cosine=3)


def test_support_weights_match_the_candidate_features() -> None:
    cand = Candidate(
        sid=0,
        cos=0.5,
        overlap=0.5,
        idf_coverage=0.5,
        context_coverage=0.5,
        article_peak=0.1,
        margin=0.0,
    )
    assert len(cand.features()) == len(FEATURES)
    assert len(AnswerSettings().support_weights) == len(FEATURES) + 1


def _synthetic(n: int, seed: int) -> list[Question]:
    """Questions whose gold sentence has a high first feature; unanswerable ones have none."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        answerable = i % 2 == 0
        feats = rng.normal(0.0, 0.1, size=(4, len(FEATURES)))
        labels = np.zeros(4, dtype=bool)
        if answerable:
            feats[0, 0] += 1.0
            labels[0] = True
        out.append(Question("clapnq", answerable, feats, labels, top_label=answerable))
    return out


def test_fit_finds_the_informative_feature() -> None:
    qs = _synthetic(80, 0)
    x = np.vstack([q.features for q in qs])
    y = np.concatenate([q.labels for q in qs]).astype(float)
    beta = fit(x, y, np.ones(len(y)))
    assert beta[0] > 3 * np.abs(beta[1:-1]).max()


def test_cross_validated_rates_separate_the_synthetic_classes() -> None:
    qs = _synthetic(100, 1)
    picks = cross_validate(qs, folds=5)
    r = rates(qs, picks, "clapnq", t=0.0)
    assert r["wrongly refused"] <= 0.05
    assert r["unanswerable refused"] >= 0.95
    assert r["first quote right (of answered)"] >= 0.95


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is this article about?", "overview"),
        ("Give me a short summary of the piece", "overview"),
        ("What are the main points of the article?", "overview"),
        ("What is the author's main argument?", "overview"),
        ("What is this article called?", "title"),
        ("Where was this published?", "publisher"),
        ("What is the article's date?", "date"),
        # about what the article says, not about the article
        ("What is the main argument for sanctions?", None),
        ("Who published the Munich Agreement?", None),
        ("When was the treaty signed?", None),
        ("What is the key attribute of an operations officer?", None),
    ],
)
def test_article_question(question: str, kind: str | None) -> None:
    from retrieval.rules import article_question

    assert article_question(question) == kind


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("What did Emmanuel Macron say?", ["Emmanuel Macron"]),
        ("What did Donald Tusk say?", ["Donald Tusk"]),
        # one unfamiliar word of three is a way of saying a known name
        ("What opened the Second World War?", []),
        # two names joined by a possessive are checked one by one; one word is let through
        ("Why was Kyiv's NATO bid a blunder?", []),
        # a country is no synonym of another; a country's adjective may describe a person
        ("What role should China play?", ["China"]),
        ("What did the British leader say?", []),
        # "the U.S." and "Washington" are America
        ("What does America want?", []),
        # names in the reader's own context are not what is asked about
        ("I work on a Senate Foreign Relations staff. What does Putin want?", []),
        ("For my Cold War elective: what did the KGB teach Putin?", []),
        ("Jane Roe asked me this. What did Donald Tusk say?", ["Donald Tusk"]),
        # typed in lower case: a country the corpus would have given its capital back
        ("putin's essay. anything on belarus?", ["belarus"]),
        ("what does washington want from america?", []),
        # "china" and "turkey" are also common words
        ("what about the china and turkey dinner?", []),
        # countries the tokenizer's demonym table lacks, in either case, alone or in two words
        ("would saudi arabia host the talks?", ["saudi arabia"]),
        ("What did Poland say?", ["Poland"]),
        # a name offered as one guess beside a known one, unless every guess is unknown
        ("Does he date it to the end of the Cold War, or further back?", []),
        ("Is it Putin or Emmanuel Macron?", []),
        ("Did Emmanuel Macron or Olaf Scholz react?", ["Emmanuel Macron", "Olaf Scholz"]),
        ("Does he cite wars in Chechnya or Syria?", ["Syria"]),
        # a name joined by "of" is one name ("the House of Commons")
        ("What did critics in the House of Commons say?", ["House of Commons"]),
        ("What did the Secretary of State say?", []),
        # one unknown capitalised word may be a synonym; several are things never named
        (
            "Does it mention Patriot batteries, HIMARS or Abrams tanks?",
            ["Patriot", "HIMARS", "Abrams"],
        ),
        ("Does the Kremlin fear Putin?", []),
        # (Kyiv is Ukraine's and Washington is America's; "Need" opens a sentence)
        ("Need it fast. Will Kyiv sit with Washington?", []),
        # a year the corpus never writes, unless in the reader's own context or as one guess
        ("What does it make of the 2023 mutiny?", ["2023"]),
        ("Historians say 1917. What year does he give?", []),
        ("Did it begin in 1917, or later?", []),
        ("Did they pay $1850 or 2,023 dollars?", []),
        # "or" joining two questions is not two guesses; nor is a guess beside another
        # word the corpus never uses
        ("Does it name his aide, such as Andriy Yermak, or say why?", ["Andriy Yermak"]),
        ("Does it cover Tokyo's view, such as sanctions or the Kuril Islands?", ["Kuril Islands"]),
        # a quiz's choices are guesses: one the corpus knows may be the answer
        ("Quiz: what year did it begin? 1917, 1919 or 1922?", []),
        ("Who warned? (a) Emmanuel Macron, (b) NATO, (c) Olaf Scholz", []),
        ("Who? (a) Emmanuel Macron, (b) Olaf Scholz", ["Emmanuel Macron", "Olaf Scholz"]),
    ],
)
def test_unknown_names(question: str, unknown: list[str]) -> None:
    from retrieval.rules import unknown_names

    known = {
        "donald",
        "world",
        "war",
        "nato",
        "putin",
        "u",
        "s",
        "washington",
        "secretary",
        "state",
        "1919",
    }
    assert unknown_names(question, known) == unknown


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("Which American presidents other than Trump does the op-ed bring up?", "presidents"),
        ("Which countries other than the U.S., Russia and Ukraine come up?", "countries"),
        ("Building a sidebar: which events from the 1930s does the op-ed cite?", "events"),
        ("which us presidents show up in this piece?", "presidents"),
        ("Which agreements, historical or hoped-for, does the op-ed bring up?", "agreements"),
        # asking about them, not for their names in the text
        ("Which presidents met in Helsinki?", None),
        ("Which of the author's rules does NATO break?", None),
    ],
)
def test_enumerated_noun(question: str, noun: str | None) -> None:
    from retrieval.rules import enumerated_noun

    assert enumerated_noun(question) == noun


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("Per the opening sentence, which two countries are talking?", {"first": "sentence"}),
        ("What does the first paragraph say?", {"first": "paragraph"}),
        ("In the closing paragraphs, how does he size up Putin?", {"last": "paragraphs"}),
        ("How does the op-ed end?", {"last": "around"}),
        ("What's the last line of the piece?", {"last": "sentence"}),
        ("near the top, and in its conclusion?", {"first": "around", "last": "around"}),
        # another thing's start or end, or an idiom, is no place in the article
        ("What's the first line of Putin's essay?", {}),
        ("Is NATO the first line of defense?", {}),
        ("Who pays at the end of the war?", {}),
        ("In the end, who pays?", {}),
        ("What must the ending of the war avoid?", {}),
        ("What did Russia do in the opening moves of the invasion?", {}),
        ("In the opening, are the talks final?", {"first": "around"}),
        ("What does it say at the end of the op-ed?", {"last": "around"}),
    ],
)
def test_article_place(question: str, place: dict[str, str]) -> None:
    from retrieval.rules import article_place

    assert article_place(question) == place


@pytest.mark.parametrize(
    ("question", "unused"),
    [
        (
            "Does the piece bring up Ukraine's long-range drone strikes on oil refineries?",
            ["long", "range", "drone", "strikes", "oil", "refineries"],
        ),
        # the reader's reason for asking is not what is looked for
        ("Did he cite sabotage and arson as evidence of hostility?", ["sabotage", "arson"]),
        ("Is there any mention of grain corridors?", ["grain", "corridors"]),
        ("I cover energy. Does the op-ed say anything about gas pipelines?", ["gas", "pipelines"]),
        ("Does it say whether embassy staff return to Ukraine?", ["embassy", "staff", "return"]),
        ("Does the author quote Putin on the Soviet collapse?", ["soviet", "collapse"]),
        # the reader's examples are looked for too
        (
            "Does it cover cyberattacks, such as NotPetya, as hostility?",
            ["cyberattacks", "notpetya"],
        ),
        ("Where does the word sabotage come up, and how?", []),
        (
            "Since he brings up Putin, does it mention the Atlantic Charter?",
            ["atlantic", "charter"],
        ),
        ("Where do the words grain corridor come up?", ["grain", "corridor"]),
        # a name is no synonym
        ("Does the op-ed mention Kaliningrad as a flashpoint?", ["kaliningrad"]),
        # "name" asks whether the text has X too
        (
            "Does the piece name the airfield, such as Hostomel airport outside the capital?",
            ["airfield", "hostomel", "airport", "outside", "capital"],
        ),
        ("Does the piece name who should have briefed Putin?", []),
        # one word the text lacks may be its synonym; half the topic known is a topic it has
        ("Does the op-ed discuss NATO enlargement at all?", []),
        ("Does the op-ed mention Putin's drone war?", []),
        # not asking whether the text has something
        ("What does the op-ed say about drone strikes on refineries?", []),
    ],
)
def test_unmentioned_topic(question: str, unused: list[str]) -> None:
    from retrieval.rules import unmentioned_topic

    known = {"ukraine", "nato", "putin", "war", "evidence", "hostility"}
    assert unmentioned_topic(question, known.__contains__) == unused


@pytest.mark.parametrize(
    ("question", "word"),
    [
        (
            "The op-ed leans on the word 'key' four times. What is called key in each instance?",
            "key",
        ),
        ("The word 'path' turns up three times. What path is meant each time?", "path"),
        ("How many times does the term appeasement appear?", "appeasement"),
        ("In what contexts does the author use the word “infamy”?", "infamy"),
        # asking about the word, not for every use of it
        ("What does the word 'infamy' mean here?", None),
        ("Who used the word 'infamy' first?", None),
        ("What is called key each time?", None),
    ],
)
def test_word_uses(question: str, word: str | None) -> None:
    from retrieval.rules import word_uses

    assert word_uses(question) == word


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Who is Pete Hegseth?", "Pete Hegseth"),
        ("Hegseth's job?", "Hegseth"),
        ("What does JD Vance do?", "JD Vance"),
        ("What is the role of Vance?", "Vance"),
        # several names, and a reader's lead-in and aside around the question
        ("Who are Hegseth and Vance?", "Hegseth and Vance"),
        (
            "Sidebar: what government posts do Hegseth and Vance hold, as named here?",
            "Hegseth and Vance",
        ),
        ("What position does Hegseth hold?", "Hegseth"),
        # a two-word post, and where to look
        ("what's Hegseth's job title in this piece", "Hegseth"),
        ("Who is JD Vance, according to the article?", "JD Vance"),
        # any question form after a lead-in, as every other rule reads it
        ("Quick q: who is Hegseth?", "Hegseth"),
        ("For my class — what does JD Vance do?", "JD Vance"),
        # a role to fill, or an act: not who a named person is
        ("Who is the Russian negotiator?", None),
        ("Who is Russia's foreign minister?", None),
        ("Who tried to repair the damage?", None),
    ],
)
def test_identity_question(question: str, name: str | None) -> None:
    from retrieval.rules import identity_question

    assert identity_question(question) == name


def test_truecase_restores_only_words_the_text_always_capitalises(seed_index: str) -> None:
    from retrieval.api import get_engine

    engine = get_engine(seed_index)
    assert engine.truecase("what did putin tell the kgb?") == "what did Putin tell the KGB?"
    # "march" is a verb as well as a month; a sentence-case question is restored too, but
    # one with a capital past its first letter is taken as typed
    assert engine.truecase("will they march?") == "will they march?"
    assert engine.truecase("What did putin say?") == "What did Putin say?"
    assert engine.truecase("What did putin tell Trump?") == "What did putin tell Trump?"


def test_attributions_to_the_text_are_not_what_is_asked() -> None:
    from retrieval.rules import without_attribution

    assert light_terms(without_attribution("when did they meet, according to the op-ed")) == {
        "meet"
    }
    assert "author" not in without_attribution("What does the author say Putin fears?")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many core precepts from Putin's spy training does the author list?", "count"),
        ("Which of the author's rules did the early NATO concession break?", "which"),
        ("what of his principles is about strength", "which"),
        # one precept, asked for by what it is about
        ("Any scruples? What KGB maxim does the author cite on that?", "which"),
        ("What reason does the author give for haste?", None),
        # the list in general, an item by its number, and "conditions" that are no list
        ("What rules does the author lay out?", None),
        ("What's rule #3?", None),
        ("Under what conditions could Trump match Churchill?", None),
    ],
)
def test_list_question(question: str, kind: str | None) -> None:
    from retrieval.rules import list_question

    assert list_question(question) == kind


@pytest.mark.parametrize(
    ("question", "post"),
    [
        ("What office did Chamberlain hold when he signed the pact?", True),
        ("Hegseth's job?", True),
        ("What does JD Vance do?", True),
        ("Quick q: what post does Hegseth hold?", True),
        ("Who is Pete Hegseth?", False),
        ("Who are Hegseth and Vance?", False),
    ],
)
def test_asks_post(question: str, post: bool) -> None:
    from retrieval.rules import asks_post

    assert asks_post(question) is post


@pytest.mark.parametrize(
    ("question", "pronoun"),
    [
        ("When it says 'Churchill understood this', what is the 'this'?", "this"),
        ("Who are “they” in “they understand this better than most”?", "they"),
        # a quoted phrase, or a pronoun in the question's own words, is no quoted pronoun
        ("What is 'Chamberlain's peace'?", None),
        ("What does it say about this?", None),
    ],
)
def test_quoted_pronoun(question: str, pronoun: str | None) -> None:
    from retrieval.rules import quoted_pronoun

    assert quoted_pronoun(question) == pronoun


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Does Dannenberg ever slip into the first person in this piece?", True),
        ("Where does the author speak personally?", True),
        ("Does he ever write in his own voice?", True),
        # the earliest person, not a grammatical person
        ("Who was the first person to eat an apple?", False),
        ("What does the author think?", False),
    ],
)
def test_asks_first_person(question: str, asks: bool) -> None:
    from retrieval.rules import asks_first_person

    assert asks_first_person(question) is asks


@pytest.mark.parametrize(
    ("sentence", "own"),
    [
        ("I can understand and applaud the desire to end the war.", True),
        ("In my view, the talks are premature.", True),
        # someone else's "I", quoted
        ("He said: “I will not give up my land.”", False),
        # a numeral after a name; and the pronoun after a sentence's first word
        ("World War I ended in 1918.", False),
        ("When I met him, he lied.", True),
    ],
)
def test_first_person(sentence: str, own: bool) -> None:
    from retrieval.rules import first_person

    assert first_person(sentence) is own
