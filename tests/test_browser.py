"""The chat in a real browser: Debian's chromium driven by Playwright, against the real app.

The steps run in file order on one page, like a reader's session: an example question, a
citation opened, an off-topic question, an upload asked about, and a filter by author.
Screenshots of each step go to artifacts/screenshots/ (git-ignored) for a human look.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM_ARGS, REPO, free_port

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("chromium is not installed (make browser)", allow_module_level=True)

ARGS = CHROMIUM_ARGS
SHOTS = REPO / "artifacts" / "screenshots"
EXAMPLE = "What does Putin fear most from NATO's expansion?"
NEW_AUTHOR = "Zofia Marchetti-Okafor"
NEW_TITLE = "Lighthouses of the Baltic Deterrence"
NEW_ARTICLE = f"""---
title: "{NEW_TITLE}"
author: "{NEW_AUTHOR}"
publisher: "Test Quarterly"
date: "2025-04-01"
---
The Suwalki corridor is guarded by exactly 17 lighthouse radar stations, according to
{NEW_AUTHOR}. Each lighthouse radar station watches the gap between Kaliningrad and Belarus.

{NEW_AUTHOR} argues that Putin fears NATO's expansion because it brings free elections and an
independent press to the very edge of Russia, which threatens his rule at home.
"""
# The last bot message, once streaming has finished (a streamed prefix ends with " …").
_ANSWER_DONE = """(n) => {
  const bots = document.querySelectorAll('#cqa-chat [data-testid="bot"]');
  if (bots.length < n) return false;
  const t = bots[bots.length - 1].textContent.trim();
  return t.length > 0 && !t.endsWith('…');
}"""


@pytest.fixture(scope="module")
def index(seed_index: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A writable copy of the seed index: these tests upload into it."""
    dst = tmp_path_factory.mktemp("browser") / "index"
    shutil.copytree(seed_index, dst)
    return str(dst)


@pytest.fixture(scope="module")
def page(index: str) -> Iterator[Any]:
    from ui.app import launch

    SHOTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    demo = launch(index, host="127.0.0.1", port=port, block=False)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 860})
            pg = context.new_page()
            pg.set_default_timeout(20_000)
            pg.goto(f"http://127.0.0.1:{port}/")
            pg.locator("#cqa-input textarea").wait_for()
            yield pg
            browser.close()
    finally:
        demo.close()


def _shot(page: Any, name: str, *, phone: bool = False) -> None:
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 860})
        page.wait_for_timeout(200)
    else:
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def _ask(page: Any, question: str, turn: int) -> Any:
    page.locator("#cqa-input textarea").fill(question)
    page.locator("#cqa-input textarea").press("Enter")
    page.wait_for_function(_ANSWER_DONE, arg=turn)
    return page.locator('#cqa-chat [data-testid="bot"]').last


def _active_cards(page: Any) -> Any:
    return page.locator("#cqa-sources .cqa-turn.cqa-active .cqa-source")


def test_example_question_streams_a_cited_answer(page: Any) -> None:
    chat_box = page.locator("#cqa-chat").bounding_box()
    # Record the bubble's length at every change: a streamed answer grows in pieces.
    page.evaluate("""() => {
      window.cqaLens = [];
      new MutationObserver(() => {
        const b = document.querySelectorAll('#cqa-chat [data-testid="bot"]');
        if (b.length) window.cqaLens.push(b[b.length - 1].textContent.length);
      }).observe(document.querySelector('#cqa-chat'),
                 {subtree: true, childList: true, characterData: true});
    }""")
    page.get_by_role("button", name=EXAMPLE, exact=True).click()
    page.wait_for_function(_ANSWER_DONE, arg=1)
    bot = page.locator('#cqa-chat [data-testid="bot"]').last
    assert bot.locator("a.cqa-cite").count() >= 1
    assert "proximity of western principles" in bot.inner_text()
    lens = [n for n in page.evaluate("window.cqaLens") if n]
    assert len(set(lens)) >= 2, f"answer did not stream: {lens}"
    # the chat keeps its size while the answer streams in: no layout jump
    assert page.locator("#cqa-chat").bounding_box()["height"] == chat_box["height"]
    assert _active_cards(page).count() == bot.locator("a.cqa-cite").count()
    _shot(page, "01-example-answer")


def test_citation_opens_the_highlighted_quote(page: Any, index: str) -> None:
    from retrieval import ask

    expected = ask(EXAMPLE, index).citations[0]
    page.locator('#cqa-chat [data-testid="bot"]').last.locator("a.cqa-cite").first.click()
    card = page.locator("#cqa-sources .cqa-source.cqa-open")
    card.wait_for()
    assert card.get_attribute("id") == "cqa-t1-c1"
    mark = card.locator("blockquote mark")
    assert mark.is_visible()
    assert mark.text_content() == expected.quote
    assert "Rob Dannenberg" in card.inner_text() and "The Cipher Brief" in card.inner_text()
    # the whole article opens with the same span highlighted
    card.get_by_text("Read the whole article").click()
    assert card.locator(".cqa-article mark").text_content() == expected.quote
    _shot(page, "02-citation-open")
    _shot(page, "02-citation-open", phone=True)


def test_off_topic_question_is_refused_plainly(page: Any) -> None:
    from retrieval.engine import REFUSAL

    bot = _ask(page, "How do I cook borscht?", turn=2)
    assert bot.inner_text().strip() == REFUSAL
    assert bot.locator("a.cqa-cite").count() == 0
    assert _active_cards(page).count() == 0
    _shot(page, "03-off-topic-refusal")


def test_upload_an_article_and_ask_about_it(page: Any, tmp_path: Path) -> None:
    article = tmp_path / "lighthouses.md"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    page.get_by_role("tab", name="Corpus").click()
    page.locator("#cqa-upload input[type=file]").set_input_files(str(article))
    page.locator("#cqa-upload-status", has_text="Done:").wait_for(timeout=60_000)
    page.locator("#cqa-corpus-list", has_text=NEW_TITLE).wait_for()
    page.locator("#cqa-corpus-search input, #cqa-corpus-search textarea").fill("marchetti")
    page.locator("#cqa-corpus-list", has_text="1 of 2 articles").wait_for()
    _shot(page, "04-upload-done")
    bot = _ask(page, "How many lighthouse radar stations guard the Suwalki corridor?", turn=3)
    assert bot.locator("a.cqa-cite").count() >= 1
    titles = _active_cards(page).locator(".cqa-title").all_inner_texts()
    assert NEW_TITLE in titles
    page.get_by_role("tab", name="Sources").click()
    _shot(page, "05-upload-answer")


def test_strict_checkbox_refuses_a_near_miss(page: Any) -> None:
    from retrieval.engine import REFUSAL

    near_miss = "Why did Putin fire his defence minister?"
    strict = page.locator("#cqa-strict input[type=checkbox]")
    strict.check()
    bot = _ask(page, near_miss, turn=4)
    text = bot.inner_text().strip()
    # the refusal, and a note saying why strict mode refused
    assert text.startswith(REFUSAL) and "strict mode" in text
    assert bot.locator("a.cqa-cite").count() == 0
    _shot(page, "06-strict-refusal")
    _shot(page, "06-strict-refusal", phone=True)
    strict.uncheck()


def test_filter_to_one_author_cites_only_that_author(page: Any) -> None:
    page.locator("#cqa-author-filter input").click()
    page.get_by_role("option", name=NEW_AUTHOR).click()
    page.keyboard.press("Escape")
    bot = _ask(page, EXAMPLE, turn=5)
    assert bot.locator("a.cqa-cite").count() >= 1
    cards = _active_cards(page)
    authors = [
        cards.nth(i).locator("dt:text-is('Author') + dd").inner_text() for i in range(cards.count())
    ]
    assert authors and set(authors) == {NEW_AUTHOR}
    _shot(page, "07-author-filter")
    _shot(page, "07-author-filter", phone=True)


def test_who_wrote_it_is_answered_from_the_byline(page: Any) -> None:
    # the author filter from the step before is still on: "this article" is the uploaded one
    bot = _ask(page, "Who wrote this article?", turn=6)
    assert bot.inner_text().startswith(f'{NEW_AUTHOR} wrote "{NEW_TITLE}" (Test Quarterly).')
    bot.locator("a.cqa-cite").first.click()
    card = page.locator("#cqa-sources .cqa-source.cqa-open")
    card.wait_for()
    assert card.locator("dt:text-is('Quoted from') + dd").inner_text() == "the byline"
    assert card.locator("blockquote mark").text_content() == NEW_AUTHOR
    # a byline is not in the article's text, so there is no "whole article" view of it
    assert card.get_by_text("Read the whole article").count() == 0
    _shot(page, "08-byline")


def test_what_is_it_about_quotes_the_filtered_articles_opening(page: Any) -> None:
    # still filtered to the uploaded article's author
    bot = _ask(page, "What is this article about?", turn=7)
    assert bot.locator("a.cqa-cite").count() >= 1
    assert set(_active_cards(page).locator(".cqa-title").all_inner_texts()) == {NEW_TITLE}
    # the bubble says it is an overview, not an answer to a narrower question
    assert "overview" in bot.inner_text()
    _shot(page, "09-overview")
