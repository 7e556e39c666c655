"""End to end: the real bundled model on the real article, index in a tmp folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval import ask, ask_batch, search
from retrieval.engine import REFUSAL

from .conftest import SEED_ID


def _index(tmp_path: Path, articles: dict[str, str]) -> Path:
    """Write ``articles`` (file name to text) into ``tmp_path`` and ingest them all into
    ``tmp_path / "index"``, which is returned."""
    from ingest import ingest

    for name, text in articles.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest([tmp_path], tmp_path / "index")
    return tmp_path / "index"


# (question as a reader would ask it, a fact the cited quote must contain). Several are
# paraphrases that share few words with the text.
ANSWERABLE = [
    ("How long was the phone call between the two presidents?", "90-minute"),
    ("How did Trump characterize his talk with Putin?", "lengthy and highly productive"),
    ("What kind of peace did Zelensky say he discussed with Trump?", "lasting, reliable peace"),
    (
        "What did the Pentagon chief signal to the alliance about Kyiv's membership?",
        "unlikely that Ukraine would join NATO",
    ),
    ("How did the stock market in Moscow respond?", "significant rise in the Russian stock market"),
    ("Which president used the word infamy about Pearl Harbor?", "Franklin Roosevelt"),
    ("Is it wise to hurry?", "Haste in this matter is ill-advised"),
    ("What does history teach us about giving in to aggressors?", "appeasement leads to war"),
    (
        "Why did the Kremlin believe grabbing Crimea was low-risk?",
        "safe for him to invade and annex Crimea",
    ),
    ("Why couldn't Kyiv win on the battlefield?", "armed enough not to lose"),
    ("What does Putin fear most from NATO's expansion?", "proximity of western principles"),
    ("What did Putin's spy training teach him about compromise?", "all compromise is tactical"),
    ("What is the old Russian saying about negotiating?", "what is ours is ours"),
    ("Is Russia's economy or army stronger than the West's?", "economically and militarily weaker"),
    ("Which official has offered some remediation?", "JD Vance"),
    ("What did Trump threaten to do a few weeks earlier?", "destroy Russia’s economy"),
    ("Which document reveals Putin's imperial ambition?", "July 2021 essay"),
    ("What is needed to avoid infamy?", "preparation, resolve, unity of purpose and allies"),
    ("Since when has the world not seen destruction on this scale?", "1945"),
    ("What treaty divided Poland between Germany and the Soviet Union?", "Molotov-Ribbentrop"),
    # a date asked in other words than the source's ("talk" for "held a conversation")
    ("When did Trump and Putin talk?", "February 12"),
    # "Ukraine's" is the source's "Ukrainian"
    ("Who is Ukraine's president?", "Volodymyr Zelensky"),
    # asked for someone's words: the sentence reporting them
    ("What did Chamberlain say about the Munich Agreement?", "peace in our time"),
    ("What did Zelensky say about his talk with Trump?", "lasting, reliable peace"),
    # "happen" asks only the date of what the question names
    ("When did the Munich Agreement happen?", "1938"),
    # close in meaning (0.67), though other sentences use the question's words
    ("What words does the author use to describe the war Putin began?", "brutal, unnecessary"),
    # "Hawaii" is not in the article: left to the embedding, not asked of the quote
    ("When did Japan carry out its surprise strike on the American fleet in Hawaii?", "1941"),
    # the best match restates the claim; the reason is the next sentence, quoted with it
    ("Why is Moscow in a weak position to bargain?", "economically and militarily weaker"),
    # "later" places a remark in time as a date does
    ("When did Zelensky comment?", "In a later comment"),
    # who someone is: where the text names them, whatever the cosine (0.14 here)
    ("Who is Pete Hegseth?", "Defense Secretary Pete Hegseth"),
    ("hegseth's job?", "Defense Secretary Pete Hegseth"),
    # typed in lower case, asked of Zelensky's words all the same
    ("what did zelensky say about his talk with trump?", "lasting, reliable peace"),
    # "British" describes Churchill, whom the text names, though it never names Britain
    ("Which British leader avoided infamy?", "Churchill avoided infamy"),
    # what happened on a date: the sentence giving that date (cosine 0.09 here)
    ("what happened on feb 12?", "90-minute conversation on February 12"),
    # "his campaign promise" is Trump's word: a promise is reported speech
    ("What did Trump promise during his campaign?", "campaign promise to end the war"),
    ("What did Zelensky's comment say about peace?", "lasting, reliable peace"),
    ("Which words did Trump use for the call?", "lengthy and highly productive"),
    # the year of what is asked ("annex"), whoever the sentence names as its actor
    ("In what year did Russia annex Crimea?", "Obama in 2014"),
    # the author's name: all of his article is his words, not only sentences saying "said"
    ("What does Dannenberg say about the Munich Agreement?", "Munich Agreement of 1938"),
    ("Has Trump described the call?", "lengthy and highly productive"),
    ("When did Trump call his talk with Putin “lengthy and highly productive”?", "February 12"),
    # a "when" clause quoting the text sets the scene; the question is the "who"
    (
        'When the author says you can\'t trust "anything the man says," who is meant?',
        "cannot trust anything",
    ),
    # "where does X get Y" asks for a source, not a place
    (
        "Where does Putin get his information about Trump, in the author's account?",
        "intelligence services",
    ),
]

# Near misses: the right people and topics, but the article does not give the fact.
NEAR_MISSES = [
    # named only in the publisher's podcast promos, which are not indexed as commentary
    "What does David Petraeus say about Ukraine's options?",
    "What did Bill Browder say about seized Russian assets?",
    # the article says where Roosevelt gave a speech, not where Vance did
    "Where did JD Vance give his speech?",
    # a year (1938) is not the day asked for
    "On what day was the Munich Agreement signed?",
    # "1) the ends justify the means" is a list, not a count of officers
    "How many KGB officers trained Putin?",
    # the article names them, but never reports their words
    "What did Obama say about Putin?",
    "What did Hitler tell Chamberlain?",
    # Zelensky's words are reported, but not about Hegseth (named only in the next sentence)
    "What did Zelensky say about Pete Hegseth?",
    # the 90-minute call was Trump's with Putin; Zelensky is only in the next sentence
    "How many minutes did Putin speak with Zelensky?",
    # Zelensky speaks in that sentence; Trump is only spoken with
    "What did Trump promise Zelensky?",
    # "two totalitarian states" is not a verb of saying
    "What did Molotov say about Poland?",
    # the capital is not named, and nothing is said of shelling
    "Which Russian cities were shelled in 2022?",
    # "negotiations" is not a negotiator
    "Who is the Russian negotiator?",
    # Trump characterized the call; Putin is only named before him
    "What did Putin say publicly about his call with Trump?",
    # a place is asked for by name; the sentence names Hegseth, not where he spoke
    "In which city did Hegseth speak to NATO?",
    # lower case is no way around the rules: Trump characterized the call, not Putin
    "what did putin say about trump?",
    # "Within how many days" counts days; the 90-minute call is no answer
    "Within how many days will the war end?",
    # the text never names China or France: no country stands in for another
    "What should China do about the war?",
    "How did France react to the call?",
    # a 90-minute call is not a number of calls
    "How many times have Trump and Putin spoken?",
    # no sentence gives that date
    "What happened on March 3?",
    # Putin's words in his essay, about NATO: the sentence naming the essay does not say
    "What did Putin's July 2021 essay say about NATO?",
    # asks for Putin's own words: the sentences quote Trump and Zelensky, not Putin
    "What exact words did Putin use about the call?",
    # "In what year…" needs a year: the KGB sentence gives none
    "In which year did Putin join the KGB?",
    # "and if so where" asks a place of the call, and the text gives none
    "Did Trump and Putin plan a summit, and if so, where?",
    # a yes/no question about someone's words asks for them as "what did X say" does
    "Did Putin say anything about the call?",
    "Has Putin publicly said what he wants from the talks?",
    # quoting the text does not lift the question's type: no place is given ("on February
    # 12" is a time)
    "Where did Trump say the call was “lengthy and highly productive”?",
    # a reader's lead-in does not hide the type: a count, and the text gives none
    "Quick question: how many NATO members border Russia?",
]

OFF_TOPIC = [
    "How do I cook borscht?",
    "What is the capital of France?",
    "Who won the 2022 football World Cup?",
    "How do I reset my router password?",
    "What is a good recipe for chocolate cake?",
    "Explain quantum entanglement in simple terms.",
    "What did Xi Jinping say about Taiwan?",
]


@pytest.fixture(scope="module")
def answers(seed_index: str):
    questions = [q for q, _ in ANSWERABLE] + OFF_TOPIC + NEAR_MISSES
    return dict(zip(questions, ask_batch(questions, index_dir=seed_index)))


@pytest.mark.parametrize(("question", "fact"), ANSWERABLE)
def test_answerable_questions_cite_the_fact_verbatim(
    answers, seed_text: str, question: str, fact: str
) -> None:
    ans = answers[question]
    assert not ans.abstained, f"refused an answerable question: {question}"
    assert ans.citations, "an answer must carry citations"
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    for c in ans.citations:
        assert c.doc_id == SEED_ID and c.author == "Rob Dannenberg"
        assert c.quote == seed_text[c.start : c.end], (
            "a quote must be an exact slice of the article"
        )
        assert f"[{c.n}]" in ans.answer
    assert any(fact in c.quote for c in ans.citations), (
        f"{question!r}: no citation contains {fact!r}; got {[c.quote for c in ans.citations]}"
    )


@pytest.mark.parametrize("question", NEAR_MISSES)
def test_near_misses_are_refused(answers, question: str) -> None:
    ans = answers[question]
    assert ans.abstained and ans.citations == [] and ans.answer == REFUSAL, ans.answer


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_abstain(answers, question: str) -> None:
    ans = answers[question]
    assert ans.abstained and ans.citations == [] and ans.answer == REFUSAL
    # a plain refusal, or one that names the name the commentary never uses ("France")
    out = ans.to_dict()
    notes = out.pop("notes", [])
    assert out == {"question": question, "answer": REFUSAL, "abstained": True, "citations": []}
    assert all(n.startswith("the indexed commentary never mentions “") for n in notes), notes
    if "France" in question:
        assert notes == ["the indexed commentary never mentions “France”"]


def test_ask_is_ask_batch_of_one(seed_index: str, answers) -> None:
    q = ANSWERABLE[0][0]
    assert ask(q, index_dir=seed_index).to_dict() == answers[q].to_dict()


def test_batch_keeps_input_order(seed_index: str) -> None:
    qs = [OFF_TOPIC[0], ANSWERABLE[5][0], OFF_TOPIC[1]]
    got = ask_batch(qs, index_dir=seed_index)
    assert [a.question for a in got] == qs
    assert [a.abstained for a in got] == [True, False, True]


def test_follow_up_uses_the_conversation(seed_index: str, seed_text: str) -> None:
    history = [
        {"role": "user", "content": "What are the KGB principles Putin was taught?"},
        {"role": "assistant", "content": "..."},
    ]
    ans = ask("And what do they mean for trust?", index_dir=seed_index, history=history)
    assert not ans.abstained
    assert any("cannot trust anything the man says" in c.quote for c in ans.citations)


def test_search_returns_passages_from_both_retrievers(seed_index: str, seed_text: str) -> None:
    passages = search("Molotov-Ribbentrop partition of Poland", k=3, index_dir=seed_index)
    assert 1 <= len(passages) <= 3
    top = passages[0]
    assert top.doc_id == SEED_ID and "Molotov-Ribbentrop" in top.text
    assert top.text == seed_text[top.start : top.end]
    assert set(top.retrievers) == {"dense", "bm25"}
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    d = top.to_dict()
    assert {"doc_id", "title", "author", "start", "end", "text", "score"} <= d.keys()


@pytest.mark.parametrize("k", [0, -3])
def test_search_rejects_bad_k(seed_index: str, k: int) -> None:
    with pytest.raises(ValueError, match=f"k must be at least 1, got {k}"):
        search("Putin", k=k, index_dir=seed_index)


def test_long_and_noisy_questions_are_cleaned_not_rejected(seed_index: str) -> None:
    noisy = "What does Putin\x00 fear\x07 most from NATO's expansion? " + "x" * 5000
    ans = ask(noisy, index_dir=seed_index)
    assert ans.notes and "only its first" in ans.notes[0]
    assert "\x00" not in ans.question


def test_filters_restrict_to_chosen_articles_and_authors(seed_index: str) -> None:
    from retrieval import InvalidInputError, list_articles

    q = "What does Putin fear most from NATO's expansion?"
    by_author = ask(q, index_dir=seed_index, authors=["rob dannenberg"])
    assert not by_author.abstained and all(
        c.author == "Rob Dannenberg" for c in by_author.citations
    )
    assert ask(q, index_dir=seed_index, doc_ids=[SEED_ID]).citations
    with pytest.raises(
        InvalidInputError, match="no article by 'jane doe'; known authors: Rob Dannenberg"
    ):
        ask(q, index_dir=seed_index, authors=["Jane Doe"])
    with pytest.raises(InvalidInputError, match="no article with id 'nope'"):
        search(q, index_dir=seed_index, doc_ids=["nope"])
    (art,) = list_articles(seed_index)
    assert art["doc_id"] == SEED_ID and art["passages"] > 5 and "text" not in art


def test_answers_carry_step_timings(seed_index: str) -> None:
    ans = ask("Why is haste ill-advised?", index_dir=seed_index)
    assert set(ans.timings) == {"embed_ms", "retrieve_ms", "answer_ms"}
    assert all(v >= 0 for v in ans.timings.values())
    assert "timings" not in ans.to_dict()


@pytest.mark.parametrize(
    ("question", "fact", "speaker"),
    [
        (
            "How did Trump characterize his talk with Putin?",
            "lengthy and highly productive",
            "Donald Trump",
        ),
        (
            "What kind of peace did Zelensky say he discussed with Trump?",
            "lasting, reliable peace",
            "Volodymyr Zelensky",
        ),
        ("What did Chamberlain claim the 1938 deal achieved?", "peace in our time", "Chamberlain"),
        (
            "What is the old Russian saying about negotiating?",
            "what is ours is ours",
            "Rob Dannenberg",
        ),
        (
            "What lesson does history teach about appeasement?",
            "appeasement leads to war",
            "Rob Dannenberg",
        ),
    ],
)
def test_citations_name_who_is_speaking(
    seed_index: str, question: str, fact: str, speaker: str
) -> None:
    ans = ask(question, index_dir=seed_index)
    (cited,) = [c for c in ans.citations if fact in c.quote]
    assert cited.speaker == speaker
    assert cited.quoted_by == ("" if speaker == "Rob Dannenberg" else "Rob Dannenberg")
    assert cited.to_dict()["speaker"] == speaker


# The article never mentions a defence minister; the default answerer quotes a loosely
# related sentence about Putin, the strict one refuses.
NEAR_MISS = "Why did Putin fire his defence minister?"


def test_strict_answerer_refuses_a_near_miss_and_answers_in_the_sources_words(
    seed_index: str, seed_text: str
) -> None:
    strict = ask_batch(
        [NEAR_MISS, "What does Putin fear most from NATO's expansion?"],
        index_dir=seed_index,
        answerer="strict",
    )
    assert strict[0].abstained and strict[0].answer == REFUSAL
    assert strict[0].evidence["support"] < 0
    assert not strict[1].abstained
    assert any("proximity of western principles" in c.quote for c in strict[1].citations)
    for c in strict[1].citations:
        assert c.quote == seed_text[c.start : c.end]


def test_default_answer_flags_an_indirect_match(seed_index: str) -> None:
    from retrieval.engine import INDIRECT_NOTE

    loose, direct = ask_batch(
        [NEAR_MISS, "What does Putin fear most from NATO's expansion?"], index_dir=seed_index
    )
    # the default answerer may quote something for the near miss, but then says it is
    # indirect, in the JSON too; a direct answer carries no such note
    if not loose.abstained:
        assert INDIRECT_NOTE in loose.to_dict()["notes"]
    assert not direct.abstained and INDIRECT_NOTE not in direct.notes


def test_default_answers_whatever_strict_answers(seed_index: str, seed_text: str) -> None:
    """The default answerer is never the stricter one: a wordy question whose cosine is low
    but whose terms the source uses is answered by both, with the supported sentence."""
    from evaluation.run import SEED_GOLD, SEED_HELDOUT

    questions = [
        json.loads(line)["question"]
        for path in (SEED_GOLD, SEED_HELDOUT)
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    questions.append("Who is the defense secretary mentioned in the piece?")
    default = ask_batch(questions, index_dir=seed_index)
    strict = ask_batch(questions, index_dir=seed_index, answerer="strict")
    for q, d, s in zip(questions, default, strict):
        assert d.abstained <= s.abstained, q
    wordy = default[-1]
    assert wordy.evidence["cosine"] < 0.36 and not wordy.abstained
    assert any("Pete Hegseth" in c.quote for c in wordy.citations)
    assert all(c.quote == seed_text[c.start : c.end] for c in wordy.citations)


def test_unknown_answerer_names_the_choices(seed_index: str) -> None:
    from retrieval import InvalidInputError

    with pytest.raises(InvalidInputError, match="answerer must be one of extractive, strict"):
        ask("What does Putin fear?", index_dir=seed_index, answerer="lenient")


TWO_VOICES = {
    "ann.md": (
        '---\ntitle: "Drones over the line"\nauthor: "Ann Author"\n---\n'
        "Drones should monitor the ceasefire line day and night. Unarmed drones watching the "
        "ceasefire line would deter violations. A ceasefire without drone monitoring will "
        "collapse within weeks. Monitoring by drones is cheap compared with peacekeepers. "
        "The weather in the region is often cold.\n"
    ),
    "ben.md": (
        '---\ntitle: "Who watches the truce"\nauthor: "Ben Writer"\n---\n'
        "Drone surveillance of the ceasefire line is the only monitoring both armies will "
        "accept. Sanctions should stay in place until the occupied land is returned. "
        "Negotiators must prepare for a long process.\n"
    ),
    # a close candidate with no author at all: must neither break the selection nor count
    # as anyone's namesake
    "notes.txt": "Field notes\n\nPeace talks need monitoring by drones, some say.\n",
}


def test_close_quotes_go_to_a_second_voice(tmp_path) -> None:
    """Author-diverse selection: three close sentences from one article and one from another
    author (and an authorless note); without the diversity penalty all three quotes are Ann's,
    with it Ben is heard."""
    import dataclasses

    from retrieval.api import _query, get_engine
    from retrieval.engine import Engine

    engine = get_engine(_index(tmp_path, TWO_VOICES))
    question = "Should drones monitor the ceasefire?"
    off = Engine(
        engine.index, engine.embedder, dataclasses.replace(engine.settings, diversity_penalty=0)
    )
    (plain,) = off.answer_batch([_query(question)])
    (diverse,) = engine.answer_batch([_query(question)])
    # (the lead quote runs on into the next sentence of Ann's paragraph, which can merge
    # two picks into one citation)
    assert {c.author for c in plain.citations} == {"Ann Author"}
    assert {c.author for c in diverse.citations} == {"Ann Author", "Ben Writer"}
    # the best sentence still leads, and every quote is the stored text
    assert diverse.citations[0].quote == plain.citations[0].quote
    texts = {a["doc_id"]: a["text"] for a in engine.index.articles}
    for c in diverse.citations:
        assert c.quote == texts[c.doc_id][c.start : c.end]


@pytest.mark.parametrize(
    "question",
    ["Who wrote this article?", "What is the author's background?", "Who is Rob Dannenberg?"],
)
def test_questions_about_the_author_quote_the_byline(seed_index: str, question: str) -> None:
    from .conftest import REPO

    source = (REPO / "corpus" / "dannenberg-negotiating-with-putin.md").read_text(encoding="utf-8")
    (ans,) = ask_batch([question], index_dir=seed_index)
    assert not ans.abstained and ans.answer.startswith("Rob Dannenberg wrote")
    (c,) = ans.citations
    assert c.quoted_from == "author_bio" and c.to_dict()["quoted_from"] == "author_bio"
    # the stored biography, exactly as the front matter gives it
    assert c.quote.startswith("Rob Dannenberg served as chief of operations") and c.quote in source
    assert c.quote[c.start : c.end] == c.quote and f"[{c.n}]" in ans.answer


def test_a_question_about_who_wrote_something_else_reads_the_text(seed_index: str) -> None:
    (ans,) = ask_batch(["Who wrote the Molotov-Ribbentrop pact?"], index_dir=seed_index)
    assert "Rob Dannenberg wrote" not in ans.answer
    assert all(c.quoted_from == "text" for c in ans.citations)


def test_who_wrote_it_picks_the_article_by_topic_among_many(tmp_path) -> None:
    index = _index(tmp_path, TWO_VOICES)
    vague, topical, named = ask_batch(
        [
            "Who wrote this?",
            "Who wrote the article on sanctions and the truce?",
            "Who is Ben Writer?",
        ],
        index_dir=index,
    )
    # three articles and nothing to tell them apart: say how to ask, do not guess
    assert vague.abstained and any("3 articles are indexed" in n for n in vague.notes)
    assert [c.author for c in topical.citations] == ["Ben Writer"]
    # no biography stored: the byline itself is quoted
    (c,) = named.citations
    assert (c.quoted_from, c.quote, c.author) == ("author", "Ben Writer", "Ben Writer")
    assert named.answer.startswith('Ben Writer wrote "Who watches the truce"')
    # "who wrote that?" follows the conversation; the article filter settles it too
    follow = ask(
        "Who wrote that?", index_dir=index, history=["Are drones cheaper than peacekeepers?"]
    )
    assert [c.author for c in follow.citations] == ["Ann Author"]
    (chosen,) = ask_batch(
        ["Who wrote this?"], index_dir=index, doc_ids=[topical.citations[0].doc_id]
    )
    assert [c.author for c in chosen.citations] == ["Ben Writer"]


@pytest.mark.parametrize(
    "question",
    ["What is this article about?", "Summarize the article.", "What is the main argument?"],
)
def test_questions_about_the_whole_article_quote_its_opening_and_core(
    seed_index: str, seed_text: str, question: str
) -> None:
    from retrieval.engine import OVERVIEW_NOTE

    ans = ask(question, index_dir=seed_index)
    assert not ans.abstained and OVERVIEW_NOTE in ans.notes
    assert len(ans.citations) == 3
    # the opening sentence leads, the rest follow in the article's order
    assert "basic fundamentals of negotiating" in ans.citations[0].quote
    starts = [c.start for c in ans.citations]
    assert starts == sorted(starts)
    for c in ans.citations:
        assert c.quoted_from == "text" and c.quote == seed_text[c.start : c.end]
        assert f"[{c.n}]" in ans.answer


def test_title_publisher_and_date_come_from_the_front_matter(seed_index: str) -> None:
    title, publisher, date = ask_batch(
        ["What is the title of this article?", "Who published it?", "When was it published?"],
        index_dir=seed_index,
    )
    (c,) = title.citations
    assert (c.quoted_from, c.quote) == ("title", "The Art of Negotiating with Vladimir Putin")
    assert c.quote in title.answer and not title.abstained
    (c,) = publisher.citations
    assert (c.quoted_from, c.quote) == ("publisher", "The Cipher Brief")
    assert "published by The Cipher Brief" in publisher.answer
    # the seed article's front matter has no date: say so rather than guess
    assert date.abstained and date.citations == []
    assert any("does not record its date" in n for n in date.notes)


def test_overview_picks_the_article_by_topic_among_many(tmp_path) -> None:
    index = _index(tmp_path, TWO_VOICES)
    vague, topical = ask_batch(
        ["What is this article about?", "Summarize the article on sanctions and the truce."],
        index_dir=index,
    )
    assert vague.abstained and any("to ask what it says" in n for n in vague.notes)
    assert {c.author for c in topical.citations} == {"Ben Writer"}
    assert not topical.abstained


def test_advice_questions_quote_what_the_author_says_should_be_done(
    seed_index: str, seed_text: str
) -> None:
    from retrieval.engine import ADVICE_NOTE
    from retrieval.rules import prescriptive

    general, told, off_topic, unknown = ask_batch(
        [
            "What does the author recommend?",
            "What should Moscow be told?",
            "What should I cook for dinner?",
            # the article never mentions China: no advice about it to quote
            "What should NATO do about China?",
        ],
        index_dir=seed_index,
    )
    assert not general.abstained and ADVICE_NOTE in general.notes
    assert general.citations and all(prescriptive(c.quote) for c in general.citations)
    assert all(c.quote == seed_text[c.start : c.end] for c in general.citations)
    assert any("better course" in c.quote for c in general.citations)
    # a topic goes through retrieval: the advice on it
    assert any("given the tools" in c.quote for c in told.citations)
    assert ADVICE_NOTE not in told.notes
    assert off_topic.abstained and unknown.abstained


def test_an_it_that_points_ahead_does_not_pull_in_the_sentence_before(seed_index: str) -> None:
    """ "It’s important to remember that…" refers to nothing before it: the quote starts
    there, not with the unrelated sentence about JD Vance."""
    answer = ask("Why is Russia not negotiating from strength?", index_dir=seed_index)
    lead = answer.citations[0].quote
    assert lead.startswith("It’s important to remember") and "Vance" not in lead
    assert "economically and militarily weaker" in lead


def test_a_chain_of_pointing_sentences_is_quoted_back_to_what_they_name(seed_index: str) -> None:
    """ "This was the beginning of World War II in Europe." follows "This treaty
    partitioned Poland…", which follows the sentence naming the treaty: the quote starts
    there, so it says which treaty."""
    answer = ask("What marked the beginning of World War II in Europe?", index_dir=seed_index)
    lead = answer.citations[0].quote
    assert lead.startswith("Shortly afterward, the Molotov-Ribbentrop Agreement was signed.")
    assert "This was the beginning of World War II in Europe." in lead


def test_a_lower_case_question_keeps_its_own_words_in_the_answer(seed_index: str) -> None:
    """Restoring "Hegseth" for the rules does not rewrite what the reader asked."""
    answer = ask("who is hegseth?", index_dir=seed_index)
    assert answer.question == "who is hegseth?" and not answer.abstained


def test_who_someone_is_comes_from_each_article_that_names_them(tmp_path) -> None:
    """Two authors introduce the same official differently: each article's first mention is
    quoted, under its own author; a name no article uses is refused."""

    articles = {
        "ann.md": (
            '---\ntitle: "Talks in Geneva"\nauthor: "Ann Author"\n---\n'
            "The talks opened on Monday. Chief negotiator Maria Kovac set out the terms. "
            "Kovac later said the terms were final.\n"
        ),
        "ben.md": (
            '---\ntitle: "A hard line"\nauthor: "Ben Writer"\n---\n'
            "Sanctions should stay in place. Deputy foreign minister Maria Kovac has led "
            "three rounds of talks. Grain exports fell sharply.\n"
        ),
    }
    _index(tmp_path, articles)
    answer = ask("who is kovac?", index_dir=tmp_path / "index")
    assert not answer.abstained
    quotes = {c.author: c.quote for c in answer.citations}
    assert quotes["Ann Author"].startswith("Chief negotiator Maria Kovac set out the terms.")
    assert "Deputy foreign minister Maria Kovac" in quotes["Ben Writer"]
    assert ask("Who is Anna Petrova?", index_dir=tmp_path / "index").abstained


@pytest.mark.parametrize("answerer", ["extractive", "strict"])
def test_a_quoted_phrase_is_found_and_its_speaker_named(seed_index: str, answerer: str) -> None:
    """A reader quoting the text gets the sentence holding those words, with who said them,
    from either answerer (it is the source's own wording)."""
    answer = ask(
        "Who called the conversation with the Kremlin leader “highly productive”?",
        index_dir=seed_index,
        answerer=answerer,
    )
    assert not answer.abstained
    lead = answer.citations[0]
    assert "highly productive" in lead.quote and lead.speaker == "Donald Trump"


def test_each_of_several_quoted_words_is_quoted(seed_index: str) -> None:
    """Two quoted words, one used once and one often: the closest sentence for each leads,
    so the often-used word's sentences do not crowd the other out."""
    ans = ask(
        "A student says the op-ed uses 'infamous' once and 'appeasement' more than once. "
        "Where does each come from?",
        index_dir=seed_index,
    )
    quotes = [c.quote for c in ans.citations]
    assert any("infamous July 2021 essay" in q for q in quotes)
    assert any("appeasement" in q for q in quotes)


def test_quoted_words_the_text_never_uses_are_refused_with_a_note(seed_index: str) -> None:
    answer = ask('Did Zelensky call the talks "a betrayal"?', index_dir=seed_index)
    assert answer.abstained and not answer.citations
    assert any("“a betrayal”" in n for n in answer.notes)
    # a misquote of words the text does use goes through the usual rules
    misquoted = ask('Who called the call a "highly productive talk"?', index_dir=seed_index)
    assert not misquoted.abstained
    # quoting only stop-words is no claim about the text's words
    assert not any("never uses" in n for n in ask('"the the the"', index_dir=seed_index).notes)
    # nor is another form of a word it uses ("Translated, those principles…")
    form = ask(
        "Dannenberg 'translates' the KGB precepts into plain English. What's his translation?",
        index_dir=seed_index,
    )
    assert not form.abstained and not any("never uses" in n for n in form.notes)
    assert any("you cannot trust anything" in c.quote for c in form.citations)
    # words the reader quotes in their own context are theirs, not a claim about the text
    banned = ask(
        "Our style guide bans the word 'blunder.' What's the author's own phrase for"
        " writing off Ukraine's NATO hopes before talks began?",
        index_dir=seed_index,
    )
    assert not banned.abstained and not any("never uses" in n for n in banned.notes)
    assert any("tactical negotiating error" in c.quote for c in banned.citations)
    # ...unless the question points back at them: "Does Dannenberg quote that line?"
    line = ask(
        "Kennan wrote of 'long-term, patient but firm and vigilant containment.' Does the op-ed "
        "quote that line?",
        index_dir=seed_index,
    )
    assert line.abstained, line.answer
    assert any("“long-term, patient but firm and vigilant containment”" in n for n in line.notes)


def test_a_year_the_corpus_never_writes_is_refused_unless_it_dates_an_article(tmp_path) -> None:
    """A year is a name for a time: the 2023 mutiny is not in a text that never writes 2023,
    but an article dated 2025 that says only "February 12" does answer for February 2025."""
    call = (
        "---\ntitle: The Call\nauthor: Ann Author\ndate: 2025-02-14\n---\n"
        "Trump and Putin spoke by phone on February 12 for ninety minutes. "
        "Trump called the talks productive, and Kyiv was not consulted.\n"
    )
    _index(tmp_path, {"call.md": call})
    dated, unknown, guess = ask_batch(
        [
            "How long did Trump and Putin talk in February 2025?",
            "How long did Trump and Putin talk in February 2023?",
            "Was Kyiv consulted in 2023, or not at all?",
        ],
        index_dir=tmp_path / "index",
    )
    assert not dated.abstained and "ninety minutes" in dated.citations[0].quote
    assert unknown.abstained and "the indexed commentary never mentions “2023”" in unknown.notes
    assert not guess.abstained and "not consulted" in guess.citations[0].quote


def test_quoted_words_asked_of_a_role_the_text_never_names_are_refused(seed_index: str) -> None:
    """The text gives "what is ours is ours" as an old Russian adage, naming no diplomat;
    asked of a president, the quoted words are Trump's and the sentence names him."""
    adage = "what is ours is ours, what is yours is negotiable"
    diplomat = ask(f"Which Soviet-era diplomat coined '{adage}'?", index_dir=seed_index)
    assert diplomat.abstained and not diplomat.citations
    assert "the commentary has the quoted words but names no diplomat" in diplomat.notes
    president = ask("Which President called the talks 'highly productive'?", index_dir=seed_index)
    assert not president.abstained and president.citations[0].speaker == "Donald Trump"


def test_asking_whether_the_text_brings_up_something_it_never_words_is_refused(
    seed_index: str,
) -> None:
    """A reader asking "Does the op-ed mention X?" wants to know whether the text has X;
    when most of X's words are nowhere in it, the reader is told which, not shown the
    closest sentence about Europe. A topic in the text's words, or in one word it lacks
    (a synonym), is still answered."""
    grids, call, airfield, pipeline, peacekeepers, guarantees, storm = ask_batch(
        [
            "Does the op-ed mention cyberattacks on European power grids?",
            "does the piece bring up the phone call between trump and putin?",
            "Does the piece name the airfield Russia targeted, such as Hostomel airport?",
            "Does he draw on pipeline sabotage and gas blackmail to show how Moscow bargains?",
            # what the text proposes is what it has, too
            "Does Dannenberg propose UN peacekeepers along the front line?",
            "Does the op-ed call for guarantees by treaty for Ukraine?",
            "Does the author credit western sanctions with crippling the ruble?",
        ],
        index_dir=seed_index,
    )
    assert storm.abstained and "“ruble”" in storm.notes[0]
    assert peacekeepers.abstained and "“peacekeepers”" in peacekeepers.notes[0]
    assert not guarantees.abstained
    assert "guarantees by treaty" in " ".join(c.quote for c in guarantees.citations)
    assert grids.abstained and not grids.citations
    assert grids.notes == ["the indexed commentary never uses the words “cyberattacks”, “grids”"]
    assert airfield.abstained and "“hostomel”" in airfield.notes[0]
    assert pipeline.abstained and "“pipeline”" in pipeline.notes[0]
    assert not call.abstained and "Trump-Putin call" in call.citations[0].quote


def test_a_question_asking_for_names_of_a_kind_quotes_each_one_named(seed_index: str) -> None:
    """ "Which presidents…?" is closer in meaning to sentences about Trump than to the ones
    naming the others: each one named is quoted where first named, in the text's order,
    leaving out the ones the question names itself."""
    presidents, countries, years = ask_batch(
        [
            "Which American presidents other than Trump does the op-ed bring up?",
            "Which countries besides Russia and Ukraine come up in the piece?",
            "Which years does the op-ed mention?",
        ],
        index_dir=seed_index,
    )
    quoted = " ".join(c.quote for c in years.citations)
    for year in ("1938", "2014", "2022"):
        assert year in quoted, (year, quoted)
    quoted = " ".join(c.quote for c in presidents.citations)
    for name in ("Franklin Roosevelt", "Barack Obama", "Joe Biden"):
        assert name in quoted, (name, quoted)
    starts = [c.start for c in presidents.citations]
    assert starts == sorted(starts)
    quoted = " ".join(c.quote for c in countries.citations)
    for country in ("Japanese", "Poland", "Germany"):
        assert country in quoted, (country, quoted)


def test_what_the_text_says_about_several_names_quotes_each(seed_index: str) -> None:
    """ "What does the op-ed say about Hegseth, Vance and Zelensky?" is answered as "Who are
    they?" is: the sentence introducing each, not the one sentence closest to all three."""
    ans = ask("What does the op-ed say about Hegseth, Vance and Zelensky?", index_dir=seed_index)
    quoted = " ".join(c.quote for c in ans.citations)
    for name in ("Pete Hegseth", "JD Vance", "Volodymyr Zelensky"):
        assert name in quoted, (name, quoted)


def test_a_place_in_the_article_is_quoted_from_there(seed_index: str) -> None:
    """An embedding does not read position: "the opening sentence" is 0.25 from the opening
    sentence. A question pointing at a place is answered from that place, unless what it
    asks is not there."""
    first, last, countries, figure = ask_batch(
        [
            "What does the first paragraph say?",
            "How does the op-ed end?",
            "Per the opening sentence, which two countries are the talks between?",
            "What figure does the opening paragraph give for casualties?",
        ],
        index_dir=seed_index,
    )
    assert first.citations[0].quote.startswith("As talks move forward between the U.S. and")
    assert any("Infamy can be avoided but it takes" in c.quote for c in last.citations)
    assert "between the U.S. and Russia" in countries.citations[0].quote
    # casualties are nowhere near the top: the place is not quoted as if it answered
    assert not any(c.quote.startswith("As talks move forward") for c in figure.citations)


def test_which_line_near_the_end_of_the_authors_piece_is_picked_from_there(
    seed_index: str,
) -> None:
    """ "Which sentence near the end of Dannenberg's op-ed…" points at the end of the
    author's own piece, past words the reader quotes from someone else; the lines there
    answer, whatever their words."""
    ans = ask(
        "Zelensky hopes for a 'lasting, reliable peace.' Which sentence near the end of "
        "Dannenberg's op-ed warns that a bad ending could bring another war?",
        index_dir=seed_index,
    )
    quoted = " ".join(c.quote for c in ans.citations)
    assert "sets the stage for a future war" in quoted
    assert "Zelensky" not in quoted


def test_a_place_is_read_in_the_article_the_question_is_about(tmp_path) -> None:
    """Among many articles, "the closing paragraph" is the best retrieved article's."""
    index = _index(
        tmp_path,
        {
            "grain.md": "---\ntitle: Grain\nauthor: Ann Author\n---\nWheat prices rose in "
            "May as ports closed.\n\nFarmers stored their harvest.\n\nExports should resume "
            "once the ports reopen.\n",
            "chess.md": "---\ntitle: Chess openings\nauthor: Bo Writer\n---\nThe Sicilian "
            "defence suits aggressive players.\n\nBeginners should learn one chess opening "
            "well, not ten badly.\n",
        },
    )
    ans = ask("What does the closing paragraph say about learning chess openings?", index)
    assert ans.citations[0].quote.startswith("Beginners should learn one chess opening")
    assert ans.citations[0].title == "Chess openings"


def test_asking_whether_the_text_mentions_something_it_does_quotes_where(
    seed_index: str,
) -> None:
    """ "Is Congress mentioned?" wants the word found, not the meaning matched: the one
    sentence naming Congress is far in meaning from the question. Another text's words
    ("Putin's essay") are not the article's."""
    congress, office, essay, where = ask_batch(
        [
            "Is Congress mentioned in the piece?",
            "does it bring up the oval office?",
            "Does Putin's essay say anything about Crimea?",
            "Where does the term Congress appear in the piece?",
        ],
        index_dir=seed_index,
    )
    assert "speech to Congress" in " ".join(c.quote for c in congress.citations)
    assert "speech to Congress" in " ".join(c.quote for c in where.citations)
    assert "in the Oval Office" in office.citations[0].quote
    assert essay.abstained, essay.answer


def test_every_use_of_a_word_is_quoted_in_the_texts_order(seed_index: str) -> None:
    """ "The op-ed leans on the word 'key' four times. What is called key in each instance?"
    wants the four sentences using it, which are far apart in meaning; a word the text
    never uses is refused as before."""
    key, absent = ask_batch(
        [
            "The op-ed leans on the word 'key' four times. What is called key in each instance?",
            "How many times does the word 'blunder' appear?",
        ],
        index_dir=seed_index,
    )
    quotes = [c.quote for c in key.citations]
    uses = ["a key attribute", "key attributes his", "key negotiating", "these key points"]
    assert not key.abstained
    found = [next(i for i, q in enumerate(quotes) if use in q) for use in uses]
    assert found == sorted(found)
    assert absent.abstained, absent.answer


def test_the_first_or_last_quotation_is_found_by_its_place(seed_index: str) -> None:
    """ "Whose words does the op-ed quote first?" asks for an order a bi-encoder cannot
    read: the first sentence reporting someone else's words answers, with its speaker."""
    first, last = ask_batch(
        [
            "Whose description of the talks does the op-ed quote first, and in what words?",
            "What is the final quotation in the piece?",
        ],
        index_dir=seed_index,
    )
    assert "“lengthy and highly productive.”" in first.citations[0].quote
    assert first.citations[0].speaker == "Donald Trump"
    assert "“peace in our time.”" in last.citations[0].quote
    assert last.citations[0].speaker == "Chamberlain"


def test_a_population_asks_for_a_number(seed_index: str) -> None:
    """ "what's ukraine's population" is a number the article never gives; the sentence
    closest in meaning ("The Ukrainians understand this better than most.") is no answer."""
    ans = ask("what's ukraine's population according to the article", index_dir=seed_index)
    assert ans.abstained, ans.answer


def test_officials_named_are_the_people_named_with_a_post(seed_index: str) -> None:
    """ "Which officials does the op-ed name?" asks for people named with a title, a
    kind no name carries as its own word ("Defense Secretary Pete Hegseth"); "Does it name
    the U.S. ambassador?" asks for an ambassador, whom the text never names."""
    officials, ambassador = ask_batch(
        [
            "Apart from Trump, which administration officials does the piece name?",
            "Does Dannenberg name the U.S. ambassador to Ukraine?",
        ],
        index_dir=seed_index,
    )
    quoted = " ".join(c.quote for c in officials.citations)
    assert not officials.abstained
    assert "Defense Secretary Pete Hegseth" in quoted
    assert ambassador.abstained, ambassador.answer


def test_a_guessed_word_asks_for_the_texts_own(seed_index: str) -> None:
    """ "…is it Ukrainian 'territory', or does it use another word?" quotes a guess, not the
    text: the sentence with the text's own word ("Ukrainian terrain") answers. Quoted
    words the text never uses are still refused when they are a claim about it."""
    guess, claim = ask_batch(
        [
            "Among Putin's goals, is it Ukrainian 'territory' the op-ed names, or does it use "
            "another word?",
            "Does the op-ed call Putin's goal the 'subjugation' of Ukraine?",
        ],
        index_dir=seed_index,
    )
    assert "Ukrainian terrain" in guess.citations[0].quote
    assert claim.abstained and "subjugation" in claim.notes[0]


def test_which_month_asks_for_a_day_or_month(seed_index: str) -> None:
    """ "…does it say in which month X happened?" needs a month in the quote: the
    sentence about Munich gives only a year."""
    ans = ask("Does the op-ed say in which month the Munich Agreement was signed?", seed_index)
    assert ans.abstained, ans.answer


def test_the_earliest_or_latest_year_is_found_by_comparing_years(seed_index: str) -> None:
    """A bi-encoder cannot compare numbers: "the earliest year the op-ed gives" is as
    close to 2022 as to 1919. The years are compared, and the sentence giving the earliest
    (or latest) is quoted."""
    first, last = ask_batch(
        [
            "Timeline question: which is the earliest year mentioned in the op-ed?",
            "What's the latest year the piece gives, and for what?",
        ],
        index_dir=seed_index,
    )
    assert "Soviet regime in 1919" in first.citations[0].quote
    assert "2022" in last.citations[0].quote


def test_a_name_one_article_uses_is_found_among_many_that_sound_alike(tmp_path) -> None:
    """In a large corpus, "Who is Pete Hegseth?" sounds like every profile of an official,
    and the embedding ranks dozens of those above the one article naming him; his name is
    BM25's first hit, and that hit is kept among the passages, so the answer cites him."""
    import shutil

    from ingest import ingest

    from .conftest import CORPUS

    shutil.copytree(CORPUS, tmp_path / "corpus")
    firsts = ["Anna", "Tom", "Lena", "Omar", "Mia", "Jon", "Eva", "Raj", "Ida", "Leo", "Zoe", "Max"]
    lasts = ["Berg", "Reyes", "Novak", "Haddad", "Larsen", "Ortiz", "Kowal", "Mehta", "Strand"]
    lasts += ["Duarte", "Petrov", "Holm"]
    for i, (first, last) in enumerate((f, la) for f in firsts for la in lasts):
        (tmp_path / "corpus" / f"profile-{i}.md").write_text(
            f'---\ntitle: "Who is {first} {last}?"\nauthor: "Staff Writer"\n---\n'
            f"Who is {first} {last}? {first} {last} is a defense official and former army "
            f"officer. {last} has served as a senior adviser on security policy.\n",
            encoding="utf-8",
        )
    index = tmp_path / "index"
    ingest([tmp_path / "corpus"], index)
    passages = search("Who is Pete Hegseth?", k=6, index_dir=index)
    assert SEED_ID in [p.doc_id for p in passages]
    answer = ask("Who is Pete Hegseth?", index_dir=index)
    assert not answer.abstained
    assert [c.doc_id for c in answer.citations] == [SEED_ID]
    assert "Defense Secretary Pete Hegseth" in answer.citations[0].quote


def test_a_question_naming_an_author_reads_only_their_articles(tmp_path) -> None:
    """ "What does Ben Writer think…" quotes Ben Writer, never a closer sentence by someone
    else, and says so; when the named author does not address it, that is a refusal."""
    _index(tmp_path, TWO_VOICES)
    ben, ann, anyone = ask_batch(
        [
            "What does Writer think about drones watching the ceasefire line?",
            "What does Ann Author think about sanctions?",
            "What do the authors think about sanctions?",
        ],
        index_dir=tmp_path / "index",
    )
    assert not ben.abstained and {c.author for c in ben.citations} == {"Ben Writer"}
    assert "Only articles by Ben Writer were searched." in ben.notes
    # Ben's article is the one on sanctions; Ann's says nothing of them
    assert ann.abstained and "Only articles by Ann Author were searched." in ann.notes
    assert not anyone.abstained and anyone.citations[0].author == "Ben Writer"
    assert not any("Only articles by" in n for n in anyone.notes)


def test_a_question_about_the_authors_view_skips_texts_without_an_author(tmp_path) -> None:
    """Among op-eds and reference pages without a byline, "what does the writer think"
    asks for an author's view: a reference page's closer sentence (which even mentions an
    author) is not quoted as that view. A question that asks for no view reads everything."""
    _index(
        tmp_path,
        {
            "op-ed.md": '---\ntitle: "Relief Must Wait"\nauthor: "Ann Lee"\n---\n'
            "The West should not ease its sanctions on Moscow until the guns have been silent "
            "for a full year. Lifting them sooner rewards aggression.\n",
            "glossary.md": "# Sanctions relief\n\nSanctions relief is the lifting of sanctions "
            "on a country. The author of the standard handbook says sanctions relief should "
            "come as soon as a ceasefire is signed.\n",
        },
    )
    questions = [
        "What does the writer think about sanctions relief?",
        "In the author's view, what should happen to sanctions?",
        "What is sanctions relief?",
    ]
    *views, plain = ask_batch(questions, index_dir=tmp_path / "index")
    for view in views:
        assert not view.abstained and {c.author for c in view.citations} == {"Ann Lee"}
        assert any("Only articles with a named author were searched" in n for n in view.notes)
    assert not plain.abstained and plain.citations[0].doc_id == "glossary"
    assert not any("named author" in n for n in plain.notes)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("whats rule #3 for negotiating with the russians", "3) Make apparent before"),
        ("Which is the second principle for bargaining with Moscow?", "2) Never concede"),
        ("What's the last rule for negotiating with Russia?", "3) Make apparent before"),
        (
            "Which is the last of the author's three principles for bargaining with Moscow?",
            "3) Make",
        ),
        ("What is the 2nd attribute of Putin's KGB training?", "2) all compromise is tactical"),
        # asked for as a request
        ("Quote the third of the old rules for dealing with Moscow.", "3) Make apparent"),
        # the item heading the list
        ("which lesson from his KGB schooling heads the list?", "1) the ends justify"),
        # the item opening the question, as its subject
        (
            "the third of the basic principles for talks with moscow asks what of washington?",
            "3) Make",
        ),
        # named in prose, not by a list marker: the prose answers
        ("What is the first principle of dealing with an adversary?", "understand your adv"),
    ],
)
def test_a_numbered_item_is_quoted_by_its_number(seed_index: str, question: str, fact: str) -> None:
    """A bi-encoder cannot count: "rule #3" is closer to the list's introduction than to
    its third item. The item asked for leads the answer, with the list's introduction."""
    answer = ask(question, index_dir=seed_index)
    assert not answer.abstained
    assert fact in answer.citations[0].quote


def test_who_several_people_are_quotes_where_each_is_introduced(seed_index: str) -> None:
    """ "What titles do Vance and Hegseth have?" is answered by the sentence introducing
    each; a name the text never uses makes it a question the text does not answer."""
    both, unknown = ask_batch(
        ["What titles do Vance and Hegseth have?", "Who are Vance and Lavrov?"],
        index_dir=seed_index,
    )
    assert not both.abstained
    quotes = " ".join(c.quote for c in both.citations)
    assert "Vice President JD Vance" in quotes and "Defense Secretary Pete Hegseth" in quotes
    assert unknown.abstained


def test_a_quoted_pronoun_is_answered_by_what_it_stands_for(seed_index: str) -> None:
    """ "What is the 'this' in 'Churchill understood this about Hitler'?" had quoted the
    sentence itself. The sentences before it are quoted back to the first that does not say
    "this", which leads: there the text says what "this" is."""
    answer = ask(
        "When the op-ed says 'Churchill understood this about Hitler,' what is the 'this'?",
        index_dir=seed_index,
    )
    assert not answer.abstained
    quotes = [c.quote for c in answer.citations]
    assert "you cannot trust anything the man says" in quotes[0]
    assert any("Churchill understood this about Hitler" in q for q in quotes[1:])


def test_the_writers_first_person_is_quoted(seed_index: str, tmp_path) -> None:
    """ "Does the author ever write in the first person?" had been refused: no sentence is
    close in meaning to it. The writer's own "I" sentences are quoted; an "I" inside a
    quotation is someone else's, and an article without one is refused with a note."""
    answer = ask(
        "Does Dannenberg ever slip into the first person? What does he personally think?",
        index_dir=seed_index,
    )
    assert not answer.abstained
    assert answer.citations[0].quote.startswith("I can understand and applaud")
    news = (
        '---\ntitle: "Talks Resume"\nauthor: "Ann Lee"\n---\n'
        "Talks resumed in Geneva on Monday. “I will not give up my land,” the president "
        "said. Negotiators expect a draft by Friday.\n"
    )
    _index(tmp_path, {"news.md": news})
    none = ask("Does the writer ever speak in the first person?", index_dir=tmp_path / "index")
    assert none.abstained and not none.citations
    assert '"Talks Resume" never says “I” outside a quotation' in none.notes


def test_names_in_the_readers_context_do_not_refuse_the_question(seed_index: str) -> None:
    """ "I work on a Senate Foreign Relations staff. What does the op-ed say…?" was refused:
    "Senate Foreign Relations" is a name the text never uses, but it is the reader's, not
    what is asked about. A name the question itself asks about still refuses it."""
    staff, unknown = ask_batch(
        [
            "I work on a Senate Foreign Relations staff. Stripped to its thesis, what does the "
            "op-ed say Trump's team needs to keep in mind going into these talks?",
            "I work in Paris. What did Emmanuel Macron say about the talks?",
        ],
        index_dir=seed_index,
    )
    assert not staff.abstained
    assert any("basic principles of negotiating" in c.quote for c in staff.citations)
    assert unknown.abstained
    # the refusal says which name it is, in case the reader misspelt it or has the wrong corpus
    assert "the indexed commentary never mentions “Emmanuel Macron”" in unknown.notes


def test_asking_whether_the_text_brings_up_what_the_reader_just_said(seed_index: str) -> None:
    """ "Reagan called the Soviet Union an evil empire in 1983. Does the op-ed bring that
    up?" asks about the reader's own statement, which names a year and a name the text never
    gives: it was answered with the closest sentence, since names in the reader's context
    are let through. A statement the text does make is still answered."""
    reagan, saying, munich = ask_batch(
        [
            "Reagan called the Soviet Union an evil empire in 1983. Does the op-ed bring that up?",
            "Lenin supposedly spoke of capitalists selling the rope for their own hanging. "
            "Does Dannenberg quote that line?",
            "Chamberlain hailed the Munich Agreement as peace in our time. Does the op-ed "
            "bring that up?",
        ],
        index_dir=seed_index,
    )
    assert reagan.abstained and not reagan.citations
    assert reagan.notes == ["the indexed commentary never mentions “1983”"]
    assert saying.abstained and "“hanging”" in saying.notes[0]
    assert not munich.abstained and "Munich Agreement of 1938" in munich.citations[0].quote


def test_quoted_words_the_text_never_has_together_are_refused_when_asked_whether(
    seed_index: str,
) -> None:
    """ "Does the op-ed call the invasion a 'special military operation'?" asks whether the
    text has that label; it uses "military" and "operations", never together, and was
    answered with the closest sentence about the invasion. A misquote whose words one
    sentence has ("lengthy and productive"), or all but one of three, is still answered."""
    label, misquote, wording = ask_batch(
        [
            "Does Dannenberg call the war a 'special military operation' anywhere?",
            "Did Trump call the talks 'lengthy and productive'?",
            "Someone told me the op-ed says 'Churchill avoided war.' Is that the wording?",
        ],
        index_dir=seed_index,
    )
    assert label.abstained and not label.citations
    assert label.notes == [
        "the indexed commentary never uses the words of “special military operation” together"
    ]
    assert not misquote.abstained and "lengthy and highly productive" in misquote.citations[0].quote
    assert not wording.abstained
    assert any("Churchill avoided infamy" in c.quote for c in wording.citations)


def test_a_number_or_slashed_day_the_text_never_writes_is_refused(seed_index: str) -> None:
    """A number is no synonym: "Does the piece bring up Kyiv's 15-point peace plan?" was
    answered with the sentence on a "lasting, reliable peace", and "9/11" read as no name at
    all. A number the text writes still counts as mentioned."""
    plan, day, minutes = ask_batch(
        [
            "Does the piece bring up Kyiv's 15-point peace plan?",
            "Is Trump's call with Putin compared to 9/11 in the piece?",
            "Does the op-ed mention the 90 minutes the two presidents spent on the phone?",
        ],
        index_dir=seed_index,
    )
    assert plan.abstained and plan.notes == ["the indexed commentary never uses the words “15”"]
    assert day.abstained and day.notes == ["the indexed commentary never mentions “9/11”"]
    assert not minutes.abstained and "90-minute conversation" in minutes.citations[0].quote


def test_a_compound_names_only_its_capitalised_part(seed_index: str) -> None:
    """A typed answer must name the people and places the question names. "a U.S.-brokered
    deal" read as naming "brokered" too, which no sentence has, so "how many objectives"
    was refused; the compound names the U.S."""
    (objectives,) = ask_batch(
        ["How many of his goals would Putin get from a U.S.-backed peace deal, per the piece?"],
        index_dir=seed_index,
    )
    assert not objectives.abstained
    assert "two of his objectives" in objectives.citations[0].quote


def test_how_many_of_a_kind_the_text_names_lists_each_one(seed_index: str) -> None:
    """ "How many presidents does the op-ed name?" is answered by naming them, as "Which
    presidents…?" is; typed as a count it was refused, as no sentence counts them."""
    (presidents,) = ask_batch(
        ["How many presidents, past or present, does the piece mention?"], index_dir=seed_index
    )
    assert not presidents.abstained
    quoted = " ".join(c.quote for c in presidents.citations)
    for name in ("Donald Trump", "Franklin Roosevelt", "Barack Obama", "Joe Biden"):
        assert name in quoted, name


def test_a_capital_standing_for_its_government_answers_which_capital(seed_index: str) -> None:
    """ "Moscow should be told that Ukraine will be given the tools…" names the capital as
    the one told, not after "in" or "to": "which capital…" was refused. A question asking
    for countries is not answered by a capital."""
    capital, countries = ask_batch(
        [
            "Which capital should hear that Ukraine will get the tools to defend itself, per the author?",
            "Which countries would sign the treaty guaranteeing Ukraine's security that the "
            "author proposes?",
        ],
        index_dir=seed_index,
    )
    assert not capital.abstained and capital.citations[0].quote.startswith("Moscow should be told")
    assert countries.abstained


def test_a_group_of_countries_is_no_question_for_a_place(seed_index: str) -> None:
    """ "Which group of countries…?" asks for a group ("NATO members"), not a place named
    after "in" or "to": typed as a place name it was refused."""
    (group,) = ask_batch(
        ["Which group of nations was Hegseth addressing when he spoke about Ukraine and NATO?"],
        index_dir=seed_index,
    )
    assert not group.abstained and "comments to NATO members" in group.citations[0].quote


def test_a_title_abbreviation_does_not_end_the_readers_statement(seed_index: str) -> None:
    """ "Does the op-ed quote Adm. James Stavridis…?" was read as the statement "Does the
    op-ed quote Adm." before the question "James Stavridis on Russia?", whose first word is
    no name, so the unknown name was let through and the closest sentence answered."""
    (admiral,) = ask_batch(
        ["Does the op-ed quote Adm. James Stavridis on Russia?"], index_dir=seed_index
    )
    assert admiral.abstained
    assert admiral.notes == ["the indexed commentary never mentions “James Stavridis”"]


def test_a_place_in_the_readers_statement_is_where_the_question_looks(seed_index: str) -> None:
    """ "The opening sentence is unsure whether one country will take part in the talks.
    Which country…?": the place is in the reader's statement, not in the question after it,
    and was ignored."""
    (opening,) = ask_batch(
        [
            "The opening sentence is unsure whether one country will take part in the talks. "
            "Which country, and how is that put?"
        ],
        index_dir=seed_index,
    )
    assert not opening.abstained
    assert "with or without Ukraine’s involvement" in opening.citations[0].quote


def test_a_quote_runs_on_through_sentences_pointing_back(seed_index: str) -> None:
    """The lead quote runs on to the next sentence; "This treaty…" and "This was the
    beginning of World War II in Europe." each point back at the one before, so it runs on
    through them, and the answer to "the start of what?" is in it."""
    (start,) = ask_batch(
        ["The treaty signed soon after Munich was the start of what, per the op-ed?"],
        index_dir=seed_index,
    )
    assert not start.abstained
    # (Chamberlain's words, then the author's: one citation each)
    assert "World War II in Europe" in " ".join(c.quote for c in start.citations[:2])


def test_in_what_capacity_a_person_is_named_is_an_identity_question(seed_index: str) -> None:
    """ "In what capacity does the op-ed identify Hegseth?" asks who he is, as "Hegseth's
    job?" does: the sentence introducing him with his post. It was refused."""
    capacity, figure = ask_batch(
        [
            "In what capacity does the piece identify Hegseth?",
            "Besides Trump and Hegseth, which administration figure is named?",
        ],
        index_dir=seed_index,
    )
    assert not capacity.abstained
    assert "Defense Secretary Pete Hegseth" in capacity.citations[0].quote
    assert not figure.abstained
    assert any("Vice President JD Vance" in c.quote for c in figure.citations)


def test_the_white_house_is_the_us_government_as_the_kremlin_is_russias(seed_index: str) -> None:
    """ "The White House" is two words the text never uses, so a question naming it was
    refused as asking about someone the text never names; the text names the U.S. (and
    its "Oval Office"). A seat of government of a country it never names still refuses."""
    white_house, elysee = ask_batch(
        [
            "Who sat in the White House when Putin annexed Crimea, per the op-ed?",
            "What did the Elysee Palace say about the call?",
        ],
        index_dir=seed_index,
    )
    assert not white_house.abstained and "Barack Obama" in white_house.citations[0].quote
    assert elysee.abstained and "“Elysee Palace”" in elysee.notes[0]


def test_how_long_between_two_events_quotes_their_dates(seed_index: str) -> None:
    """ "How long after the Soviet regime was founded did Chamberlain sign at Munich?" is
    answered by the two dates (1919, 1938), not typed as a size; "later" alone gives no
    length of time ("How long after the call did Zelensky speak?" stays refused)."""
    span, later = ask_batch(
        [
            "How long after the Soviet regime was founded did Chamberlain make his Munich deal?",
            "How long after the February 12 call did Zelensky comment on a lasting peace?",
        ],
        index_dir=seed_index,
    )
    assert not span.abstained
    assert "Munich Agreement of 1938" in span.citations[0].quote
    assert later.abstained


def test_a_day_in_a_named_month_is_a_day_of_that_month(seed_index: str) -> None:
    """ "On what day in February…" was answered by "December 7, 1941", a day but not one of
    February, or refused, as "February 12" gave no day the question had not named; only a
    day of the month named counts."""
    february, talk = ask_batch(
        [
            "On which day in February did Trump and Putin hold their 90-minute conversation?",
            "on what day in february did the two presidents talk, says the piece?",
        ],
        index_dir=seed_index,
    )
    assert not february.abstained and "February 12" in february.citations[0].quote
    assert not any("December 7" in c.quote for c in talk.citations)


def test_a_country_speaks_through_the_official_its_title_names(seed_index: str) -> None:
    """ "What did Ukraine's president say…?" asks for words of the one "Ukrainian President
    Volodymyr Zelensky said" names: read as asking Ukraine's own words, no sentence had
    them and it was refused."""
    (ukraine,) = ask_batch(
        ["What did Ukraine's president say he had talked over with Trump?"], index_dir=seed_index
    )
    assert not ukraine.abstained and "lasting, reliable peace" in ukraine.citations[0].quote
    assert ukraine.citations[0].speaker == "Volodymyr Zelensky"


def test_an_elliptical_sentence_is_quoted_with_the_one_it_leaves_out(seed_index: str) -> None:
    """ "President Trump can as well if he deals with Putin from a position of strength"
    leaves out what he can do; the sentence before says it ("Churchill avoided infamy.")."""
    (example,) = ask_batch(
        ["per the author, trump can do what as well if he deals with putin from strength?"],
        index_dir=seed_index,
    )
    assert not example.abstained
    assert "Churchill avoided infamy. President Trump can as well" in " ".join(
        " ".join(c.quote.split()) for c in example.citations
    )


def test_a_label_the_text_never_uses_is_refused_and_a_size_in_words_answers(
    seed_index: str,
) -> None:
    """ "Does Dannenberg describe the invasion as ethnic cleansing?" asks whether the text
    uses that label; it was answered with the closest sentence about Russian aggression.
    "How big was the jump in Russian stocks?" is answered by "a significant rise": typed as
    a measure, it needed a number. An identity question after the reader's scene ("Going by
    the piece, which cabinet post…") is still one."""
    label, size, post = ask_batch(
        [
            "Does Dannenberg describe the invasion as ethnic cleansing?",
            "How big was the jump in Russian stocks after the call, per the op-ed?",
            "Going by the piece, which cabinet post does Pete Hegseth hold?",
        ],
        index_dir=seed_index,
    )
    assert label.abstained and label.notes == [
        "the indexed commentary never uses the words “ethnic”, “cleansing”"
    ]
    assert not size.abstained and "significant rise" in size.citations[0].quote
    assert not post.abstained and "Defense Secretary Pete Hegseth" in post.citations[0].quote


def test_a_quote_with_an_apostrophe_and_a_day_in_a_named_year(seed_index: str) -> None:
    """'doesn't end anywhere' was read as no quote at all (the apostrophe closed it), so
    the closest sentence about Russia's border answered; and "On what date in 2022…" was
    answered by "July 2021", a day of another year."""
    border, date = ask_batch(
        [
            "Does the op-ed quote Putin saying Russia's border 'doesn't end anywhere'?",
            "On what date in 2022 did the full-scale invasion start, per the op-ed?",
        ],
        index_dir=seed_index,
    )
    assert border.abstained
    assert border.notes == [
        "the indexed commentary never uses the words of “doesn't end anywhere” together"
    ]
    assert date.abstained


def test_what_the_text_is_asked_to_want_or_an_attribute_it_never_words(
    seed_index: str,
) -> None:
    """ "Does the author want NATO to impose a naval blockade?" asks whether the text wants
    it, and "What is Zelensky's net worth?" an attribute of someone it names: in words the
    corpus never uses, both were answered with the closest sentence. What the writer thinks
    is in words of the reader's choosing ("What is Dannenberg's blunt verdict…?")."""
    blockade, worth, verdict = ask_batch(
        [
            "does the author want nato to impose a naval blockade on russia?",
            "What is Zelensky's net worth, per the piece?",
            "What is Dannenberg's blunt verdict on how Trump's advisers are serving him?",
        ],
        index_dir=seed_index,
    )
    assert blockade.abstained and "“blockade”" in blockade.notes[0]
    assert worth.abstained and worth.notes == [
        "the indexed commentary never uses the words “net”, “worth”"
    ]
    assert not verdict.abstained


def test_a_country_named_as_the_subject_and_a_date_asked_after_a_quoted_word(
    seed_index: str,
) -> None:
    """ "Which country ended up armed enough not to lose?" is answered by "Ukraine was armed
    enough not to lose", which names it with no "in" or "to" before it: typed as a place
    name, it was refused. "Roosevelt's 'infamy' speech came after an attack on what date?"
    asks a day (the question did not open with it, so it was untyped and the uses of
    "infamy" answered), found in the sentence after the quoted word, which points back at
    it ("That's the word that President Franklin Roosevelt used…")."""
    country, date = ask_batch(
        [
            "According to the op-ed, which country was armed enough not to lose?",
            "Roosevelt's 'infamy' speech came after an attack on what date, per the op-ed?",
        ],
        index_dir=seed_index,
    )
    assert not country.abstained
    assert "Ukraine was armed enough not to lose" in country.citations[0].quote
    assert not date.abstained and "December 7, 1941" in date.citations[0].quote
    assert "step toward infamy" in date.citations[0].quote


def test_a_sentence_following_on_in_time_is_quoted_with_the_one_before(seed_index: str) -> None:
    """ "Shortly afterward, the Molotov-Ribbentrop Agreement was signed." is after the
    Munich Agreement: a quote of it that leaves out the sentence before cannot say after
    what. The scoring is unchanged: it is not read as Chamberlain's words."""
    (after,) = ask_batch(
        ["The piece says the Molotov-Ribbentrop pact came 'shortly afterward'. After which event?"],
        index_dir=seed_index,
    )
    assert not after.abstained
    assert after.citations[0].quote.startswith("A useful reminder")
    # (Chamberlain's words, then the author's: one citation each)
    assert after.citations[0].speaker == "Chamberlain"
    assert after.citations[1].quote.startswith("Shortly afterward, the Molotov-Ribbentrop")
    assert after.citations[1].start > after.citations[0].end


def test_a_post_the_text_does_not_give_is_refused(seed_index: str) -> None:
    """ "What office did Chamberlain hold?" had quoted the first sentence naming him
    ("“Chamberlain’s peace”…"), which gives no office. A question asking for a post quotes
    a sentence giving one, or is refused with a note saying the text gives none."""
    office, job = ask_batch(
        ["What office did Chamberlain hold when he signed the Munich Agreement?", "hegseth's job?"],
        index_dir=seed_index,
    )
    assert office.abstained and not office.citations
    assert "the commentary names Chamberlain but gives no post or title" in office.notes
    assert not job.abstained and "Defense Secretary Pete Hegseth" in job.citations[0].quote


def test_a_readers_lead_in_does_not_change_the_answer(seed_index: str) -> None:
    """ "Quick check: how many years…" is typed by its question, not its lead-in; a span of
    years between two events is answered by the sentences dating each; "where does
    appeasement lead" asks what it leads to, not a place."""
    span, lead = ask_batch(
        [
            "Quick check: how many years separate the Munich Agreement from Pearl Harbor?",
            "tl;dr: where does appeasement lead, in the author's view?",
        ],
        index_dir=seed_index,
    )
    assert not span.abstained
    quoted = " ".join(c.quote for c in span.citations)
    assert "Munich Agreement of 1938" in quoted and "December 7, 1941" in quoted
    assert not lead.abstained and "appeasement leads to war" in lead.citations[0].quote


def test_a_when_clause_that_sets_the_scene_does_not_ask_for_a_date(seed_index: str) -> None:
    """ "When the author says Russia is weaker, does he…" asks a yes/no question; the "when"
    clause only sets the scene. Read as a "when" question it needed a date and was refused."""
    answer = ask(
        "When the author says Russia is weaker, does he compare it with the U.S. alone?",
        index_dir=seed_index,
    )
    assert not answer.abstained
    assert "weaker than the U.S. and the West in aggregate" in answer.citations[0].quote


def test_a_question_about_a_lists_items_quotes_them(seed_index: str) -> None:
    """A list's items are short imperatives that rarely rank first among the article's
    longer sentences on the same topic. "How many rules…" quotes the whole list after its
    introduction; "Which of the rules is about X" quotes the item about X, then the
    introduction."""
    count, which = ask_batch(
        [
            "How many rules for negotiating with Russia does the author give?",
            "Which of the author's rules for dealing with Moscow is about showing what failed "
            "talks would cost?",
        ],
        index_dir=seed_index,
    )
    assert not count.abstained
    assert "basic principles of negotiating" in count.citations[0].quote
    quoted = " ".join(c.quote for c in count.citations)
    assert all(f"{n}) " in quoted for n in (1, 2, 3))
    assert not which.abstained
    assert which.citations[0].quote.startswith("3) Make apparent before negotiations begin")
    # one precept asked for by what it is about, in the singular
    maxim = ask(
        "Would Putin have any scruples about how he gets what he wants? What KGB maxim does "
        "the author cite on that?",
        index_dir=seed_index,
    )
    assert not maxim.abstained
    assert "the ends justify the means" in maxim.citations[0].quote
    # "Is there a similar rule in the author's list?" after the reader's own rule
    similar = ask(
        "In my chess club we never give away our opponent's main goals before a game. Is "
        "there a similar rule in the author's list?",
        index_dir=seed_index,
    )
    assert similar.citations[0].quote.startswith("2) Never concede")
    assert any("basic principles of negotiating" in c.quote for c in similar.citations)


def test_an_item_of_each_list_quotes_it_from_every_list(seed_index: str) -> None:
    """ "What is item two on each list?" names no topic to be close to, so no list cleared
    the cosine floor and it was refused. Item two of both of the article's lists is quoted,
    each after its introduction; one list alone is still picked by meaning."""
    each, one = ask_batch(
        ["What is item two on each list?", "What is the second item of the negotiating rules?"],
        index_dir=seed_index,
    )
    assert not each.abstained
    quoted = " ".join(c.quote for c in each.citations)
    assert "2) all compromise is tactical" in quoted and "2) Never concede" in quoted
    assert not one.abstained and one.citations[0].quote.startswith("2) Never concede")
    assert "all compromise" not in " ".join(c.quote for c in one.citations)


def test_an_item_past_the_end_of_the_list_is_refused(seed_index: str) -> None:
    """Both of the article's lists stop at 3. "Rule #99" had fallen through to the usual
    rules, which quoted items 2 and 3 as the closest sentences: an answer to a question the
    text does not answer. The refusal says how far the closest list goes."""
    ninety_nine, fourth, kgb = ask_batch(
        [
            "what's rule #99 of negotiating",
            "What's the fourth principle of negotiating with Russia?",
            "what is the 4th attribute from his KGB training",
        ],
        index_dir=seed_index,
    )
    for answer, n in ((ninety_nine, 99), (fourth, 4), (kgb, 4)):
        assert answer.abstained and not answer.citations
        assert any(f"has 3 items, no item {n}" in note for note in answer.notes), answer.notes
    assert any("basic principles of" in note for note in fourth.notes)
    assert any("someone on President Trump’s team should have" in note for note in kgb.notes)


def test_a_typing_slip_is_read_as_the_word_the_text_uses(seed_index: str) -> None:
    """The rules match words exactly: "vice presdient" found no vice president and was
    refused. A word neither the text nor the dictionary knows, one slip from exactly one
    word the text uses, is read as that word, and the answer says so."""
    vp, zelensky, china = ask_batch(
        [
            "who is the vice presdient in the article",
            "What did Zelenksy say after his call with Trump?",
            "what did china say about the call",
        ],
        index_dir=seed_index,
    )
    assert not vp.abstained and "Vice President JD Vance" in vp.citations[0].quote
    assert "Read “presdient” as “president”." in vp.notes
    assert vp.question == "who is the vice president in the article"
    assert not zelensky.abstained and "Zelensky said" in zelensky.citations[0].quote
    assert "Read “Zelenksy” as “Zelensky”." in zelensky.notes
    # a real word the text does not use is not a slip for one it does
    assert not any(n.startswith("Read “") for n in china.notes)
    assert "china" in china.question


def test_a_mention_question_about_named_people_is_judged_on_what_it_asks_of_them(
    seed_index: str,
) -> None:
    """The names the text uses (Churchill, Roosevelt, Putin, Trump) made up half of what
    was looked for, so two words the text never uses ("charter … sea") were let through as
    a synonym and the closest sentence about Churchill answered. A typed shorthand ("w",
    "feb") is no unused word, and "another word" names nothing to find."""
    charter, prisoners, shorthand, wording = ask_batch(
        [
            "Does the op-ed mention Churchill and Roosevelt signing a charter at sea?",
            "Does the op-ed mention Putin and Trump exchanging prisoners in February?",
            "did the op-ed mention the feb 12 call w putin",
            "When listing Putin's war aims, does the op-ed speak of Ukrainian 'land' or use another word?",
        ],
        index_dir=seed_index,
    )
    assert charter.abstained
    assert charter.notes == ["the indexed commentary never uses the words “charter”, “sea”"]
    assert prisoners.abstained and "“prisoners”" in prisoners.notes[0]
    assert not shorthand.abstained and "call" in shorthand.citations[0].quote
    assert not wording.abstained and "Ukrainian terrain" in wording.citations[0].quote


def test_a_question_about_the_authors_working_life_quotes_the_biography(seed_index: str) -> None:
    """ "Did Dannenberg work at Goldman Sachs?" was refused as naming what the commentary
    never mentions, though the author's biography says so; "Was the author ever in the
    CIA?" was answered from the article. Both quote the biography now. What the biography
    never says is refused with a note, and a question about what he wrote is still read
    from the article."""
    goldman, cia, university, retired, invoked = ask_batch(
        [
            "Did Dannenberg work at Goldman Sachs?",
            "Was the author ever in the CIA?",
            "Where did the author go to university, according to his bio?",
            "When did Dannenberg retire from the CIA?",
            "Dannenberg is ex-CIA. Does he bring up Putin's KGB training?",
        ],
        index_dir=seed_index,
    )
    for ans in (goldman, cia):
        assert not ans.abstained and ans.answer.startswith("Rob Dannenberg wrote")
        (c,) = ans.citations
        assert c.quoted_from == "author_bio" and c.speaker == "The Cipher Brief"
    assert "Goldman Sachs" in goldman.citations[0].quote
    assert "CIA" in cia.citations[0].quote
    assert university.abstained
    assert university.notes == ["the author's biography never mentions “university”"]
    assert retired.abstained and retired.notes == ["the author's biography gives no date"]
    assert not invoked.abstained
    assert all(c.quoted_from == "text" for c in invoked.citations)
    assert "KGB" in invoked.citations[0].quote


def test_the_biography_answered_is_the_named_authors(tmp_path) -> None:
    """Among several authors, the one named is the one whose biography answers."""
    articles = {
        "ann.md": (
            '---\ntitle: "Drones over the line"\nauthor: "Ann Author"\n'
            'author_bio: "Ann Author reported for the BBC from Kyiv for a decade."\n---\n'
            "Drones should monitor the ceasefire line day and night.\n"
        ),
        "ben.md": (
            '---\ntitle: "Who watches the truce"\nauthor: "Ben Writer"\n'
            'author_bio: "Ben Writer served as a diplomat at NATO headquarters."\n---\n'
            "Sanctions should stay in place until the occupied land is returned.\n"
        ),
    }
    ann, ben = ask_batch(
        ["Did Ann Author ever work for the BBC?", "Where did Ben Writer serve?"],
        index_dir=_index(tmp_path, articles),
    )
    assert [c.quote for c in ann.citations] == [
        "Ann Author reported for the BBC from Kyiv for a decade."
    ]
    assert [c.quote for c in ben.citations] == [
        "Ben Writer served as a diplomat at NATO headquarters."
    ]


def test_asked_whether_the_piece_is_news_or_opinion_quotes_its_label(seed_index: str) -> None:
    """The label at the top of the text ("OPINION / EXPERT PERSPECTIVE – As talks…") is
    not part of its first sentence, so "Is this news or opinion?" was answered with a
    sentence about the news of the call."""
    from retrieval.api import get_engine

    labelled, kind = ask_batch(
        [
            "Is this op-ed straight news or commentary? How is it labeled?",
            "What kind of article is this?",
        ],
        index_dir=seed_index,
    )
    text = get_engine(seed_index).index.articles[0]["text"]
    for ans in (labelled, kind):
        (c,) = ans.citations
        assert c.quote == "OPINION / EXPERT PERSPECTIVE" == text[c.start : c.end]
        assert c.quoted_from == "text"
        assert "is labelled Opinion / Expert Perspective. [1]" in ans.answer


def test_who_the_op_ed_quotes_and_each_quote_has_one_speaker(seed_index: str) -> None:
    """ "Which people does the op-ed quote?" was refused: no single sentence is about
    quoting. And the lead quote that ran on from Trump's "highly productive" into the next
    sentence cited Zelensky's "lasting, reliable peace" as Trump's words; a quote now gets
    a citation per speaker."""
    quoted, trump = ask_batch(
        ["Whom does the op-ed quote directly?", "How did Trump characterize his talk with Putin?"],
        index_dir=seed_index,
    )
    speakers = [c.speaker for c in quoted.citations]
    assert speakers[:3] == ["Donald Trump", "Volodymyr Zelensky", "Chamberlain"]
    assert all("“" in c.quote for c in quoted.citations)
    assert [c.start for c in quoted.citations] == sorted(c.start for c in quoted.citations)
    lead, *rest = trump.citations
    assert lead.speaker == "Donald Trump" and "highly productive" in lead.quote
    assert "Zelensky" not in lead.quote
    for c in rest:
        assert ("Zelensky said" in c.quote) == (c.speaker == "Volodymyr Zelensky")


def test_a_name_the_reader_recalls_from_the_biography_is_known(seed_index: str) -> None:
    """ "Given that Dannenberg ran the CIA's Central Eurasia Division, what does he say…"
    was refused as naming what the commentary never mentions: the biography names it. A
    question asking whether the op-ed itself names it is still told it does not."""
    recalled, asked = ask_batch(
        [
            "Since the author once worked at Goldman Sachs, what does he say the Russian stock "
            "market did after the call?",
            "Does the op-ed mention Goldman Sachs?",
        ],
        index_dir=seed_index,
    )
    assert not recalled.abstained
    assert "significant rise in the Russian stock market" in recalled.citations[0].quote
    assert asked.abstained and asked.notes == [
        "the indexed commentary never mentions “Goldman Sachs”"
    ]


def test_what_the_op_eds_opening_line_says(seed_index: str) -> None:
    """ "What does the op-ed's opening line say?" was refused: "op" and "ed" were read as
    what it asks, and the opening sentence has neither."""
    (opening,) = ask_batch(["What does the op-ed's opening line say?"], index_dir=seed_index)
    assert not opening.abstained
    assert opening.citations[0].quote.startswith("As talks move forward between the U.S.")


def test_lines_the_author_sets_apart_as_paragraphs_of_their_own(seed_index: str) -> None:
    """ "He gives the pace of the talks a paragraph all to itself" asks about layout, which
    a bi-encoder does not see: the one-sentence paragraphs past the opening are quoted, the
    closest first (asked of several, in the text's order)."""
    one, several = ask_batch(
        [
            "The author gives his warning about hurrying a one-line paragraph. What does it say?",
            "Which lines does the op-ed set as paragraphs of their own?",
        ],
        index_dir=seed_index,
    )
    quotes = [c.quote for c in one.citations]
    assert "Haste in this matter is ill-advised." in quotes
    assert not any(q.startswith("As talks move forward") for q in quotes)
    ordered = [c.quote for c in several.citations]
    assert ordered[-2:] == [
        "Haste in this matter is ill-advised.",
        "Inaction will be remembered by history with infamy and the path taken as appeasement.",
    ]
    assert [c.start for c in several.citations] == sorted(c.start for c in several.citations)
