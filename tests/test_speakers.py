"""Who is speaking in a cited span, over the ways news commentary attributes a quotation.

A quotation the article attributes to someone must not be shown as the author's own
words, and the author's scare quotes must not be credited to anyone else.
"""

from __future__ import annotations

import pytest

from retrieval.speakers import speaker_of

AUTHOR = "Ann Writer"


@pytest.mark.parametrize(
    ("before", "span", "speaker"),
    [
        # the name before or after the verb of saying
        ("", "“We will not surrender,” Zelensky said.", "Zelensky"),
        (
            "",
            "“We will not surrender,” said Ukrainian President Volodymyr Zelensky.",
            "Volodymyr Zelensky",
        ),
        (
            "",
            "Kremlin spokesman Dmitry Peskov said the talks were “constructive.”",
            "Dmitry Peskov",
        ),
        ("", "“It is a mistake,” said Sen. Lindsey Graham, R-S.C.", "Lindsey Graham"),
        ("", "This, Trump said, was “the best deal ever.”", "Trump"),
        ("", "“Peace in our time,” Chamberlain declared in 1938.", "Chamberlain"),
        # auxiliaries and adverbs between the name and the verb
        ("", "Putin has repeatedly claimed that Ukraine is “not a real country.”", "Putin"),
        ("", "Zelensky acknowledged that the war was “far from over.”", "Zelensky"),
        # a description between the name and the verb
        (
            "",
            "Dmitry Peskov, the Kremlin’s spokesman, said the talks were “constructive.”",
            "Dmitry Peskov",
        ),
        ("", "Peskov, who has served Putin since 2000, told reporters it was “useful.”", "Peskov"),
        # other ways of attributing
        (
            "",
            "According to Defense Secretary Pete Hegseth, the 2014 borders are “unrealistic.”",
            "Pete Hegseth",
        ),
        ("", "As Churchill put it, “Never give in.”", "Churchill"),
        ("", "“Never give in.” — Winston Churchill", "Winston Churchill"),
        ("", "It was, in Zelensky’s words, “a lasting peace.”", "Zelensky"),
        ("", "It was, in the words of Winston Churchill, “a riddle.”", "Winston Churchill"),
        ("", "What Putin calls a “special military operation” is a war.", "Putin"),
        # institutions speak too
        ("", "The Kremlin said the talks were “useful.”", "the Kremlin"),
        ("", "In a statement, the White House called the call “productive.”", "the White House"),
        # "he" / "she" is the person the article named last
        (
            "Senator Jane Roe spoke to reporters on Monday.",
            "“This is a betrayal,” she said.",
            "Jane Roe",
        ),
        (
            "“We are ready,” Olaf Scholz told the Bundestag.",
            "“Europe will act,” he added.",
            "Olaf Scholz",
        ),
        ("Talks began under President Donald Trump.", "“We are close,” he said.", "Donald Trump"),
        # a place is no one: with nobody named, the quotation is not credited to anyone else
        ("The summit was held in New York.", "“It went well,” he said.", AUTHOR),
        # the author's own words, with scare quotes or a word under discussion
        ("", "Russia wants a “neutralized” Ukraine.", AUTHOR),
        ("", "The so-called “peace deal” would reward aggression.", AUTHOR),
        ("", "As I said, the “peace” is an illusion.", AUTHOR),
        ("", "We should call this “appeasement.”", AUTHOR),
        ("", "Putin said he wanted peace.", AUTHOR),  # reported, not quoted: the author's words
        # "he said" with no one named before it: nobody to credit, so not invented
        ("", "“It is over,” he said.", AUTHOR),
    ],
)
def test_speaker_of_a_quotation(before: str, span: str, speaker: str) -> None:
    text = f"{before} {span}".strip()
    assert speaker_of(span, text, AUTHOR) == speaker


def test_the_speaker_gets_the_fullest_name_the_article_uses() -> None:
    text = "U.S. President Donald Trump spoke. Trump called the talks “highly productive.”"
    assert speaker_of("Trump called the talks “highly productive.”", text, AUTHOR) == "Donald Trump"


def test_each_sentence_of_a_long_quotation_is_the_speakers() -> None:
    """A quotation over several sentences is attributed in only one of them; a citation of
    any of its sentences is the speaker's words, not the author's."""
    text = (
        "The talks ended on Friday.\n\n"
        "“We will not give up our land. We have fought for every village. Nobody will trade "
        "it away,” Zelensky said. The author thinks otherwise.\n\n"
        "“Peace is close,” said Trump."
    )
    for sentence in (
        "“We will not give up our land.",
        "We have fought for every village.",
        "Nobody will trade it away,” Zelensky said.",
    ):
        assert speaker_of(sentence, text, AUTHOR, text.index(sentence)) == "Zelensky"
    # the sentence after the quotation closes, and the paragraph before it, are the author's
    for sentence in ("The author thinks otherwise.", "The talks ended on Friday."):
        assert speaker_of(sentence, text, AUTHOR, text.index(sentence)) == AUTHOR
    assert speaker_of("“Peace is close,” said Trump.", text, AUTHOR) == "Trump"


@pytest.mark.parametrize(
    ("sentence", "name", "post"),
    [
        ("Comments from Defense Secretary Pete Hegseth came first.", "Hegseth", True),
        ("He read former U.S. President Barack Obama well.", "Obama", True),
        ("Peskov, the Kremlin's spokesman, said so.", "Peskov", True),
        ("Kremlin spokesman Dmitry Peskov said so.", "Peskov", True),
        # named, but with no post: a form of address, or a title that is someone else's
        ("It was “Chamberlain’s peace”, which Chamberlain hailed.", "Chamberlain", False),
        ("Mr. Chamberlain flew home.", "Chamberlain", False),
        ("President Trump then met Chamberlain.", "Chamberlain", False),
    ],
)
def test_gives_post(sentence: str, name: str, post: bool) -> None:
    from retrieval.speakers import gives_post

    assert gives_post(sentence, name) is post
