"""The Gradio chat: a thin presentation layer over ``retrieval`` and ``ingest``.

Everything shown in the browser that comes from a user or an article is escaped here, and
nothing here decides what the answer is: retrieval owns that. Citation clicks, the source
view and "copy as Markdown" run in the page (a small script in ``HEAD``) over HTML this module
renders, so they need no round trip and never lose their place.
"""

from __future__ import annotations

import html
import os
import queue
import re
import shutil
import sys
import time
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.config import resolve_index_dir, set_offline_env

# Before gradio is imported: it reads GRADIO_ANALYTICS_ENABLED at import time.
set_offline_env()

import gradio as gr  # noqa: E402

from ingest.readers import SUPPORTED_SUFFIXES  # noqa: E402

if TYPE_CHECKING:
    from ingest import IngestReport
from retrieval import (  # noqa: E402
    Answer,
    Citation,
    CQAError,
    Passage,
    ask,
    get_engine,
    list_articles,
)

EXAMPLES = [
    "What does Putin fear most from NATO's expansion?",
    "What are the basic principles of negotiating with Russia?",
    "Why does the author compare the talks to the Munich Agreement?",
    "What about NATO?",
]
CONTEXT_CHARS = 600
# questions answered at once per server (see the event wiring in build_app)
ASK_CONCURRENCY = 8
# The whole-article view of a very long article shows this much around the quote.
ARTICLE_WINDOW_CHARS = 40_000
MAX_UPLOAD_MB = float(os.environ.get("CQA_MAX_UPLOAD_MB", "10"))
MAX_UPLOAD_FILES = 20
# Seconds between streamed pieces: enough for the browser to paint each one, short enough
# that a five-sentence answer is complete in well under a second.
STREAM_PAUSE = 0.06
_WARM_UP_QUESTION = "What does Putin fear most from NATO's expansion?"

# System fonts only: the page must render without reaching Google Fonts or any CDN.
THEME = gr.themes.Default(
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)
CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#cqa-title h2 { margin-bottom: 0.1em; }
#cqa-chat { height: min(62vh, 600px) !important; }
#cqa-chat .message a.cqa-cite, a.cqa-cite {
  font-family: var(--font-mono); font-size: 0.85em; text-decoration: none; white-space: nowrap;
  padding: 0 0.15em; border-radius: 4px; color: var(--color-accent); cursor: pointer;
}
a.cqa-cite:hover, a.cqa-cite:focus-visible {
  background: var(--color-accent-soft); outline: 2px solid var(--color-accent);
}
#cqa-examples button { white-space: normal; text-align: left; }
#cqa-sources, #cqa-corpus-list { overflow-wrap: anywhere; }
#cqa-sources .cqa-turn { display: none; }
#cqa-sources .cqa-turn.cqa-active { display: block; }
.cqa-turn-head { display: flex; flex-wrap: wrap; gap: 0.4em 0.8em; align-items: baseline;
  margin-bottom: 0.6em; }
.cqa-turn-head .cqa-q { flex: 1 1 12em; font-style: italic; color: var(--body-text-color-subdued); }
.cqa-btn { font: inherit; font-size: var(--text-sm); padding: 0.2em 0.7em; cursor: pointer;
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-sm);
  background: var(--background-fill-secondary); color: var(--body-text-color); }
.cqa-btn:focus-visible { outline: 2px solid var(--color-accent); }
.cqa-source { margin: 0 0 0.9em 0; padding: 0.6em 0.8em; border-radius: var(--radius-md);
  border: 1px solid var(--border-color-primary); scroll-margin: 0.5em; }
.cqa-source.cqa-open { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.cqa-source:focus { outline: none; }
.cqa-head { font-weight: 600; }
.cqa-n { font-family: var(--font-mono); margin-right: 0.35em; color: var(--color-accent); }
.cqa-meta { display: grid; grid-template-columns: max-content 1fr; gap: 0 0.8em; margin: 0.3em 0;
  font-size: var(--text-sm); color: var(--body-text-color-subdued); }
.cqa-meta dt { font-weight: 600; } .cqa-meta dd { margin: 0; }
.cqa-passage { margin: 0.4em 0; padding: 0.4em 0.8em; line-height: 1.55;
  border-left: 3px solid var(--border-color-accent); background: var(--background-fill-secondary); }
.cqa-source mark, .cqa-article mark { background: #fde68a; color: #111; padding: 0 0.1em; }
.cqa-article { position: relative; white-space: pre-wrap; max-height: 24em; overflow-y: auto; line-height: 1.55;
  padding: 0.4em 0.6em; background: var(--background-fill-secondary); font-size: var(--text-sm); }
.cqa-source summary, .cqa-how summary { cursor: pointer; font-size: var(--text-sm);
  color: var(--color-accent); }
.cqa-how { margin-top: 0.8em; }
.cqa-table-wrap { overflow-x: auto; }
.cqa-table { width: 100%; border-collapse: collapse; font-size: var(--text-sm); }
.cqa-table th, .cqa-table td { text-align: left; vertical-align: top; padding: 0.25em 0.4em;
  border-bottom: 1px solid var(--border-color-primary); }
.cqa-table td.cqa-num { font-family: var(--font-mono); white-space: nowrap; }
.cqa-badge { display: inline-block; font-size: 0.8em; padding: 0 0.4em; margin: 0 0.2em 0.1em 0;
  border-radius: 999px; background: var(--color-accent-soft); white-space: nowrap; }
.cqa-empty { color: var(--body-text-color-subdued); }
.cqa-corpus { list-style: none; padding: 0; margin: 0; }
.cqa-corpus li { padding: 0.45em 0; border-bottom: 1px solid var(--border-color-primary); }
.cqa-corpus .cqa-title { font-weight: 600; }
.cqa-corpus .cqa-sub { font-size: var(--text-sm); color: var(--body-text-color-subdued); }
.cqa-error { color: var(--error-text-color, #b91c1c); }
.cqa-ok { color: #15803d; }
@media (max-width: 640px) {
  #cqa-chat { height: 60vh !important; }
  .gradio-container { padding: 0 6px !important; }
}
"""

# Runs once in the page. Clicks are handled on the document so that content Gradio re-renders
# (every answer replaces the sources panel) never needs re-wiring.
HEAD = r"""
<script>
(() => {
  function openSource(turn, n) {
    const tab = document.getElementById("cqa-tab-sources-button") ||
      [...document.querySelectorAll('[role="tab"]')].find(b => b.textContent.trim() === "Sources");
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
    const show = (tries) => {
      const card = document.getElementById(`cqa-t${turn}-c${n}`);
      if (!card) { if (tries > 0) setTimeout(() => show(tries - 1), 50); return; }
      document.querySelectorAll("#cqa-sources .cqa-turn").forEach(
        s => s.classList.toggle("cqa-active", s.dataset.turn === String(turn)));
      document.querySelectorAll("#cqa-sources .cqa-source.cqa-open").forEach(
        c => c.classList.remove("cqa-open"));
      card.classList.add("cqa-open");
      // Scroll only when the card is out of sight, so the chat does not jump on a laptop;
      // on a phone the sources sit below the chat and this brings them into view.
      const r = card.getBoundingClientRect();
      const box = card.closest("#cqa-sources").getBoundingClientRect();
      if (r.top < Math.max(0, box.top) || r.top > Math.min(innerHeight, box.bottom) - 40)
        card.scrollIntoView({block: "start"});
      card.focus({preventScroll: true});
    };
    show(20);
  }
  async function copyText(text, button) {
    try { await navigator.clipboard.writeText(text); }
    catch (e) {
      const t = document.createElement("textarea");
      t.value = text; document.body.appendChild(t); t.select();
      document.execCommand("copy"); t.remove();
    }
    if (button) {
      const label = button.textContent;
      button.textContent = "Copied"; setTimeout(() => { button.textContent = label; }, 1500);
    }
  }
  window.cqaCopyLatest = (button) => {
    const turns = document.querySelectorAll("#cqa-sources .cqa-turn .cqa-md");
    if (turns.length) copyText(turns[turns.length - 1].value, button);
  };
  // Filtering the corpus list happens in the page: instant, and no request per keystroke.
  document.addEventListener("input", (e) => {
    const box = e.target instanceof Element && e.target.closest("#cqa-corpus-search");
    if (!box) return;
    const words = e.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    const items = document.querySelectorAll("#cqa-corpus-list li[data-search]");
    let shown = 0;
    items.forEach(li => {
      const hit = words.every(w => li.dataset.search.includes(w));
      li.hidden = !hit; shown += hit;
    });
    const count = document.querySelector("#cqa-corpus-list .cqa-count");
    if (count) count.textContent = `${shown} of ${items.length} articles`;
  }, true);
  // "Read the whole article" opens at the quote, not at the top of a long article.
  document.addEventListener("toggle", (e) => {
    const d = e.target;
    if (!(d instanceof HTMLDetailsElement) || !d.open || !d.classList.contains("cqa-full")) return;
    const box = d.querySelector(".cqa-article"), mark = box && box.querySelector("mark");
    if (mark) box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - 48);
  }, true);
  document.addEventListener("click", (e) => {
    const el = e.target instanceof Element ? e.target : null;
    const cite = el && el.closest("a.cqa-cite");
    if (cite) {
      // The chat's sanitiser drops data-* attributes; the href carries turn and number.
      const m = /#cqa-t(\d+)-c(\d+)$/.exec(cite.getAttribute("href") || "");
      e.preventDefault(); e.stopPropagation();
      if (m) openSource(m[1], m[2]);
      return;
    }
    const copy = el && el.closest("button.cqa-copy");
    if (copy) {
      const md = copy.closest(".cqa-turn").querySelector(".cqa-md");
      if (md) copyText(md.value, copy);
    }
  }, true);
})();
</script>
"""
_SOURCES_PLACEHOLDER = (
    '<p class="cqa-empty">Ask a question: its sources appear here. '
    "Click a citation such as [1] in an answer to open the quote in its article.</p>"
)

# Markdown syntax that counts anywhere in a line, and what counts only at its start (headings,
# lists, setext underlines); a backslash makes each render as itself. ``>`` needs no rule: it
# becomes ``&gt;``, which markdown never reads as a quote.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^([ \t]*\d*)([#+=.)-])", re.MULTILINE)
_MARKER = re.compile(r"\[(\d+)\]")
# Where a streamed answer may be cut: after a sentence end or a citation marker.
_PIECE_END = re.compile(r"(?<=[.!?…\]”\"’])\s+")


def chat_text(text: str) -> str:
    """``text`` made safe to show verbatim in a markdown chat bubble.

    >>> chat_text("<b>1.</b> *not* [a](link)")
    '&lt;b&gt;1.&lt;/b&gt; \\\\*not\\\\* \\\\[a\\\\](link)'
    """
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    return html.escape(text, quote=False)


def _safe_url(url: str) -> str:
    """The URL if it is plain http(s); anything else (``javascript:``...) is not linked."""
    url = (url or "").strip()
    return url if re.match(r"^https?://", url, re.IGNORECASE) else ""


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    before = text.rfind("\n\n", 0, start)
    after = text.find("\n\n", end)
    return (0 if before < 0 else before + 2), (len(text) if after < 0 else after)


def passage_bounds(
    text: str, start: int, end: int, context: int = CONTEXT_CHARS
) -> tuple[int, int]:
    """The span ``start:end`` widened by up to ``context`` characters either side, kept
    inside its paragraph and cut at whitespace so that no word is split.

    >>> t = "First para.\\n\\nAlpha beta gamma delta.\\n\\nLast."
    >>> s, e = passage_bounds(t, t.index("gamma"), t.index("gamma") + 5, context=7)
    >>> t[s:e]
    'beta gamma delta.'
    """
    para_start, para_end = _paragraph(text, start, end)
    lo, hi = max(para_start, start - context), min(para_end, end + context)
    if lo > para_start and not text[lo - 1].isspace():
        gap = re.search(r"\s", text[lo:start])
        lo = lo + gap.end() if gap else start
    if hi < para_end and not text[hi].isspace():
        gap = re.search(r"\s\S*$", text[end:hi])
        hi = end + gap.start() if gap else end
    return lo, hi


def _speaker(c: Citation) -> str:
    # a citation made without a speaker (an older caller, a test) is the author's words
    return c.speaker or c.author or ""


def _whole_article(text: str, start: int, end: int) -> str:
    lo = max(0, start - ARTICLE_WINDOW_CHARS // 2)
    hi = min(len(text), end + ARTICLE_WINDOW_CHARS // 2)
    return (
        ("… " if lo else "")
        + html.escape(text[lo:start])
        + f"<mark>{html.escape(text[start:end])}</mark>"
        + html.escape(text[end:hi])
        + (" …" if hi < len(text) else "")
    )


# a byline answer quotes the stored author fields, not the article's text
_QUOTED_FROM = {
    "author_bio": "the author's biography",
    "author": "the byline",
    "title": "the article's title",
    "publisher": "the article's publisher",
    "date": "the article's date",
    "kind": "the article's label",
}


def _citation_html(c: Citation, article_text: str | None, turn: int = 0) -> str:
    title = html.escape(c.title or c.doc_id)
    url = _safe_url(c.url)
    fields = [
        ("Author", c.author),
        ("Speaker", _speaker(c)),
        ("Publisher", c.publisher),
        ("Date", c.date),
        ("Quoted from", _QUOTED_FROM.get(c.quoted_from, "")),
    ]
    meta = "".join(
        f"<dt>{k}</dt><dd>{html.escape(str(v))}</dd>" for k, v in fields if str(v or "").strip()
    )
    # The article may have been re-ingested since the answer was made; then the stored quote
    # is all that is known to be right.
    full = ""
    if (
        c.quoted_from == "text"
        and article_text is not None
        and article_text[c.start : c.end] == c.quote
    ):
        lo, hi = passage_bounds(article_text, c.start, c.end)
        before, after = article_text[lo : c.start], article_text[c.end : hi]
        para_start, para_end = _paragraph(article_text, c.start, c.end)
        prefix = "… " if lo > para_start else ""
        suffix = " …" if hi < para_end else ""
        full = (
            '<details class="cqa-full"><summary>Read the whole article</summary>'
            f'<div class="cqa-article" tabindex="0">'
            f"{_whole_article(article_text, c.start, c.end)}</div></details>"
        )
    else:
        before = after = prefix = suffix = ""
    passage = (
        f"{prefix}{html.escape(before)}<mark>{html.escape(c.quote)}</mark>"
        f"{html.escape(after)}{suffix}"
    )
    link = (
        f' <a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">original ↗</a>'
        if url
        else ""
    )
    return (
        f'<article class="cqa-source" id="cqa-t{turn}-c{c.n}" data-n="{c.n}" tabindex="-1">'
        f'<div class="cqa-head"><span class="cqa-n">[{c.n}]</span>'
        f'<span class="cqa-title">{title}</span>{link}</div>'
        f'<dl class="cqa-meta">{meta}</dl>'
        f'<blockquote class="cqa-passage">{passage}</blockquote>'
        f"{full}</article>"
    )


def sources_html(
    citations: Iterable[Citation], article_texts: Mapping[str, str], turn: int = 0
) -> str:
    """The source cards of one answer: each citation with its metadata, its surrounding
    passage with the cited span in ``<mark>``, and the whole article; ``article_texts`` maps
    doc_id to full article text.

    Every piece of text is HTML-escaped, so an article or title containing markup shows as text.
    """
    cards = [_citation_html(c, article_texts.get(c.doc_id), turn) for c in citations]
    return f'<div class="cqa-source-list">{"".join(cards)}</div>' if cards else ""


def _fmt(score: float | None) -> str:
    return "–" if score is None else f"{score:.3f}"


def how_found_html(passages: Sequence[Passage], timings: Mapping[str, float]) -> str:
    """ "How this answer was found": the step timings and the retrieved passages with the
    retrievers that found each and their scores (all text escaped)."""
    steps = [("embed", "embed_ms"), ("retrieve", "retrieve_ms"), ("answer", "answer_ms")]
    parts = [f"{name} {timings[k]:.0f} ms" for name, k in steps if k in timings]
    total = sum(timings.get(k, 0.0) for _, k in steps)
    timing = f"<p>{' · '.join(parts)} · total {total:.0f} ms</p>" if parts else ""
    if not passages:
        return timing + '<p class="cqa-empty">No passages were retrieved.</p>'
    rows = []
    for i, p in enumerate(passages, start=1):
        found = "".join(
            f'<span class="cqa-badge">{"BM25" if r == "bm25" else html.escape(r)}</span>'
            for r in p.retrievers
        )
        snippet = p.text if len(p.text) <= 220 else p.text[:220].rsplit(" ", 1)[0] + " …"
        rows.append(
            f'<tr><td class="cqa-num">{i}</td><td><b>{html.escape(p.title or p.doc_id)}</b>'
            f"<br>{html.escape(snippet)}</td><td>{found}</td>"
            f'<td class="cqa-num">{p.score:.4f}</td><td class="cqa-num">{_fmt(p.dense_score)}</td>'
            f'<td class="cqa-num">{_fmt(p.bm25_score)}</td></tr>'
        )
    return (
        f'{timing}<div class="cqa-table-wrap"><table class="cqa-table"><thead><tr><th>#</th>'
        "<th>Passage</th><th>Found by</th><th>Fused</th><th>Dense</th><th>BM25</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def answer_markdown(answer: Answer) -> str:
    """The answer with its numbered sources as Markdown, for pasting elsewhere."""
    out = [answer.answer.strip()]
    if answer.citations:
        out.append("**Sources**")
        for c in answer.citations:
            by = ", ".join(x for x in (c.author, f"*{c.title or c.doc_id}*") if x)
            where = ", ".join(x for x in (c.publisher, c.date) if x)
            line = f"[{c.n}] {by}" + (f" ({where})" if where else "")
            url = _safe_url(c.url)
            if url:
                line += f" <{url}>"
            quote = " ".join(c.quote.split())
            out.append(f"{line}\n> {quote}")
    return "\n\n".join(out) + "\n"


def answer_bubble(text: str, cited: Iterable[int], turn: int, notes: Sequence[str] = ()) -> str:
    """The chat bubble for (a prefix of) an answer: escaped text, with each ``[n]`` of a
    known citation turned into a link that opens that source."""
    known = set(cited)
    out: list[str] = []
    pos = 0
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if n not in known:
            continue
        out.append(chat_text(text[pos : m.start()]))
        out.append(
            f'<a class="cqa-cite" href="#cqa-t{turn}-c{n}" title="Open source {n}">[{n}]</a>'
        )
        pos = m.end()
    out.append(chat_text(text[pos:]))
    body = "".join(out)
    return "\n\n".join([body, *(f"*Note: {chat_text(note)}*" for note in notes)])


def stream_pieces(text: str) -> list[str]:
    """Growing prefixes of ``text``, cut after sentences and citation markers, ending with
    the whole text.

    >>> stream_pieces("One [1]. Two [2]")
    ['One [1].', 'One [1]. Two [2]']
    """
    ends = [m.start() for m in _PIECE_END.finditer(text)]
    return [text[:e] for e in ends if e > 0] + [text]


def _article_texts(index_dir: str | None) -> dict[str, str]:
    try:
        return {a["doc_id"]: a["text"] for a in get_engine(index_dir).index.articles}
    except CQAError:
        return {}


@dataclass
class Reply:
    """One chat turn, rendered: the bubble, its sources-panel section, and the text to keep in
    the conversation history; ``answer`` is None when the question raised an error."""

    bubble: str
    section: str
    plain: str
    answer: Answer | None = None


def _section(turn: int, question: str, body: str, markdown: str = "") -> str:
    copy = (
        '<button type="button" class="cqa-btn cqa-copy">Copy as Markdown</button>'
        f'<textarea class="cqa-md" hidden readonly>{html.escape(markdown)}</textarea>'
        if markdown
        else ""
    )
    return (
        f'<section class="cqa-turn" id="cqa-t{turn}" data-turn="{turn}">'
        f'<div class="cqa-turn-head"><b>Answer {turn}</b>'
        f'<span class="cqa-q">{html.escape(question)}</span>{copy}</div>{body}</section>'
    )


def chat_reply(
    question: str,
    index_dir: str | None = None,
    history: list[dict[str, str]] | None = None,
    *,
    turn: int = 1,
    doc_ids: Sequence[str] | None = None,
    authors: Sequence[str] | None = None,
    strict: bool = False,
) -> Reply:
    """One chat turn, numbered ``turn``: ask, then render the bubble and the sources section.

    Errors meant for the user (no index, a bad question) become the reply; refusals and
    errors have no source cards.
    """
    try:
        answer = ask(
            question,
            index_dir,
            history=history,
            doc_ids=doc_ids,
            authors=authors,
            answerer="strict" if strict else "extractive",
        )
    except CQAError as exc:
        body = f'<p class="cqa-error">{html.escape(str(exc))}</p>'
        return Reply(f"⚠️ {chat_text(str(exc))}", _section(turn, question, body), str(exc))
    if answer.citations:
        cards = sources_html(answer.citations, _article_texts(index_dir), turn)
    else:
        cards = '<p class="cqa-empty">No sources: the commentary does not address this.</p>'
    how = (
        '<details class="cqa-how"><summary>How this answer was found</summary>'
        f"{how_found_html(answer.passages, answer.timings)}</details>"
    )
    markdown = answer_markdown(answer) if answer.citations else ""
    bubble = answer_bubble(answer.answer, (c.n for c in answer.citations), turn, answer.notes)
    return Reply(bubble, _section(turn, question, cards + how, markdown), answer.answer, answer)


def _panel(sections: Sequence[str]) -> str:
    """All answers' sections, the latest shown; a citation click shows its own answer's."""
    if not sections:
        return _SOURCES_PLACEHOLDER
    *older, last = sections
    return "".join(older) + last.replace('class="cqa-turn"', 'class="cqa-turn cqa-active"', 1)


# --- the corpus: listing, uploading and removing articles -------------------------------------


def _articles(index_dir: str | None) -> list[dict[str, Any]]:
    try:
        return list_articles(index_dir)
    except CQAError:
        return []


def _searchable(article: Mapping[str, Any]) -> str:
    return f"{article.get('title') or ''} {article.get('author') or ''}".lower()


def corpus_html(articles: Sequence[Mapping[str, Any]], query: str = "") -> str:
    """The article list, filtered by ``query`` on title and author (case-insensitive)."""
    words = query.lower().split()
    shown = {a["doc_id"] for a in articles if all(w in _searchable(a) for w in words)}
    if not articles:
        return '<p class="cqa-empty">The index is empty: add articles below.</p>'
    head = f'<p class="cqa-empty cqa-count">{len(shown)} of {len(articles)} articles</p>'
    items = []
    for a in articles:
        sub = [
            a.get("author"),
            a.get("publisher"),
            a.get("date"),
            f"{a.get('passages', 0)} passages",
        ]
        items.append(
            f'<li data-doc="{html.escape(str(a["doc_id"]))}" '
            f'data-search="{html.escape(_searchable(a))}"{"" if a["doc_id"] in shown else " hidden"}>'
            f'<div class="cqa-title">{html.escape(str(a.get("title") or a["doc_id"]))}</div>'
            f'<div class="cqa-sub">{" · ".join(html.escape(str(s)) for s in sub if s)}</div></li>'
        )
    return f'{head}<ul class="cqa-corpus">{"".join(items)}</ul>'


def _article_choices(articles: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    return [
        (
            f"{a.get('title') or a['doc_id']}" + (f" — {a['author']}" if a.get("author") else ""),
            str(a["doc_id"]),
        )
        for a in articles
    ]


def _author_choices(articles: Sequence[Mapping[str, Any]]) -> list[str]:
    return sorted({str(a["author"]) for a in articles if a.get("author")}, key=str.lower)


def uploads_dir(index_dir: str | None) -> Path:
    """Where uploaded files are kept: ``<index>.uploads`` beside the index folder."""
    target = resolve_index_dir(index_dir).resolve()
    return target.parent / f"{target.name}.uploads"


def safe_upload_name(name: str) -> str:
    """A file name made from an uploaded file's name that cannot leave its folder.

    >>> safe_upload_name("../../etc/pass wd.md")
    'pass-wd.md'
    >>> safe_upload_name("..\\\\evil\\\\.bashrc.txt")
    'bashrc.txt'
    """
    base = re.split(r"[\\/]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


def _ingest_with_steps(
    path: Path, index_dir: str | None
) -> Generator[tuple[int, int], None, IngestReport]:
    """Ingest one file in a worker thread, yielding its (done, total) embedding steps as
    they come; returns the ingest report (or raises its error)."""
    from ingest import ingest

    steps: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()

    def step(done: int, total: int) -> None:
        steps.put((done, total))

    with ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(ingest, [path], index_dir, on_progress=step)
        while not job.done() or not steps.empty():
            try:
                yield steps.get(timeout=0.25)
            except queue.Empty:
                continue
        return job.result()


def add_uploads(
    files: Sequence[str], index_dir: str | None, names: Sequence[str] | None = None
) -> Iterator[tuple[str, float]]:
    """Ingest uploaded files one by one; yields (status message, fraction done), also while
    a long file is being embedded.

    Each file is checked (type, size), copied into the uploads folder under a safe name and
    ingested alone, so a bad file is reported and the others still go in; an ingest that
    fails writes nothing and its copy is removed.
    """

    folder = uploads_dir(index_dir)
    done: list[str] = []
    total = len(files)
    if total > MAX_UPLOAD_FILES:
        yield (
            f"<b class='cqa-error'>Failed:</b> at most {MAX_UPLOAD_FILES} files at a time, got {total}.",
            1.0,
        )
        return
    for i, src in enumerate(files):
        shown = (names[i] if names else None) or Path(src).name
        name = safe_upload_name(shown)
        yield f"Adding {html.escape(shown)} ({i + 1} of {total})…", i / total
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            done.append(
                f"<b class='cqa-error'>Failed:</b> {html.escape(shown)}: unsupported type; use {', '.join(SUPPORTED_SUFFIXES)}"
            )
            continue
        size = Path(src).stat().st_size
        if size > MAX_UPLOAD_MB * 1024 * 1024:
            done.append(
                f"<b class='cqa-error'>Failed:</b> {html.escape(shown)}: {size / 1e6:.1f} MB is over the "
                f"{MAX_UPLOAD_MB:g} MB upload limit"
            )
            continue
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / name
        # Defence in depth: the sanitised name has no separators, but never write elsewhere.
        if dest.resolve().parent != folder.resolve():
            done.append(f"<b class='cqa-error'>Failed:</b> {html.escape(shown)}: bad file name")
            continue
        # A re-upload of the same name replaces the article; keep the old copy until it works.
        backup = dest.with_name(f".{name}.bak") if dest.exists() else None
        if backup:
            dest.replace(backup)
        shutil.copyfile(src, dest)
        try:
            # A long article takes a while to embed: show how far it is, rather than one
            # message for the whole file.
            steps = _ingest_with_steps(dest, index_dir)
            while True:
                try:
                    d, t = next(steps)
                except StopIteration as finished:
                    report = finished.value
                    break
                if t and d < t:
                    yield (
                        f"Adding {html.escape(shown)} ({i + 1} of {total}): "
                        f"embedded {d} of {t} passages and sentences…",
                        (i + d / t) / total,
                    )
        except CQAError as exc:
            dest.unlink(missing_ok=True)
            if backup:
                backup.replace(dest)
            done.append(
                f"<b class='cqa-error'>Failed:</b> {html.escape(shown)}: {html.escape(str(exc))}"
            )
            continue
        if backup:
            backup.unlink(missing_ok=True)
        verb = "added" if report.added else "updated" if report.updated else "unchanged"
        ids = report.added + report.updated + report.unchanged
        done.append(
            f"<b class='cqa-ok'>Done:</b> {html.escape(shown)}: {verb} ({html.escape(', '.join(ids))})"
        )
    yield "<br>".join(done), 1.0


def remove_article(doc_id: str, index_dir: str | None) -> str:
    """Remove one article from the index (and its uploaded copy, if it was uploaded)."""
    from ingest import remove_articles

    source = next((a.get("source", "") for a in _articles(index_dir) if a["doc_id"] == doc_id), "")
    remove_articles([doc_id], index_dir)
    path = Path(str(source).split("#", 1)[0])
    folder = uploads_dir(index_dir)
    if source and path.parent == folder and path.exists():
        path.unlink()
    return f"<b class='cqa-ok'>Removed</b> {html.escape(doc_id)}."


# --- the app ----------------------------------------------------------------------------------


def build_app(index_dir: str | None = None) -> gr.Blocks:
    """The chat UI for the index at ``index_dir`` (default: ``$CQA_INDEX`` or ``.cqa-index``),
    plus the public API endpoint ``/ask``."""

    def respond(
        question: str,
        chat: list[dict[str, Any]],
        raw: list[dict[str, str]],
        sections: list[str],
        doc_ids: list[str] | None,
        authors: list[str] | None,
        strict: bool = False,
    ) -> Iterator[tuple[Any, ...]]:
        if not isinstance(question, str) or not question.strip():
            yield chat, raw, sections, gr.skip(), ""
            return
        # Show the question at once; the answer follows in the same event.
        chat = [*chat, {"role": "user", "content": chat_text(question)}]
        yield chat, raw, sections, gr.skip(), ""
        turn = len(sections) + 1
        # The displayed chat is escaped markdown; follow-ups need the questions as typed.
        reply = chat_reply(
            question,
            index_dir,
            history=raw,
            turn=turn,
            doc_ids=doc_ids,
            authors=authors,
            strict=bool(strict),
        )
        raw = [
            *raw,
            {"role": "user", "content": question},
            {"role": "assistant", "content": reply.plain},
        ]
        sections = [*sections, reply.section]
        panel = _panel(sections)
        answer = reply.answer
        if answer is None or len(answer.answer) < 2:
            yield [*chat, {"role": "assistant", "content": reply.bubble}], raw, sections, panel, ""
            return
        # The answer is composed before the first piece is shown, so every streamed prefix
        # already links its markers to the complete sources.
        cited = [c.n for c in answer.citations]
        pieces = stream_pieces(answer.answer)
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            bubble = reply.bubble if last else answer_bubble(piece + " …", cited, turn)
            yield (
                [*chat, {"role": "assistant", "content": bubble}],
                raw,
                sections,
                panel if i == 0 or last else gr.skip(),
                "",
            )
            if not last:
                time.sleep(STREAM_PAUSE)

    def api_ask(question: str, strict: bool = False) -> dict:
        """Answer one question about the indexed commentary.

        ``strict`` answers only when the quoted sentence and its neighbours also use the
        question's own terms (more refusals). Returns the answer JSON: question, answer
        (with [n] markers), abstained, citations (n, doc_id, title, author, url, date, start,
        end, quote, score, publisher, speaker, quoted_by, quoted_from) where each quote is
        exactly the article text from start to end (or, when ``quoted_from`` is
        "author_bio", "author", "title", "publisher" or "date", that stored field: a question
        about who wrote the article or where and when it appeared), and notes when there are
        any. "What is this article about?" is answered with its opening and most
        representative sentences.
        """
        try:
            return ask(question, index_dir, answerer="strict" if strict else "extractive").to_dict()
        except CQAError as exc:
            # gr.Error reaches the client as a readable message instead of a bare failure.
            raise gr.Error(str(exc), print_exception=False) from None

    def clear() -> tuple[list[Any], list[Any], list[str], str, str]:
        return [], [], [], _SOURCES_PLACEHOLDER, ""

    def refresh(query: str, doc_sel: list[str] | None, author_sel: list[str] | None) -> tuple:
        arts = _articles(index_dir)
        docs = _article_choices(arts)
        authors = _author_choices(arts)
        ids = {d for _, d in docs}
        return (
            corpus_html(arts, query or ""),
            gr.update(choices=docs, value=[d for d in doc_sel or [] if d in ids]),
            gr.update(choices=authors, value=[a for a in author_sel or [] if a in authors]),
            gr.update(choices=docs, value=None),
        )

    def upload(
        files: list[Any] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - gradio injects the tracker
    ) -> Iterator[tuple]:
        if not files:
            yield gr.skip(), gr.skip()
            return
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files]
        # Gradio keeps an upload as <random dir>/<original name>; that name is only shown and
        # used sanitised.
        names = [Path(p).name for p in paths]
        for message, frac in add_uploads(paths, index_dir, names):
            progress(frac, desc="Ingesting")
            yield f'<div role="status">{message}</div>', None

    def remove(doc_id: str | None) -> str:
        if not doc_id:
            return '<div role="status">Choose an article to remove first.</div>'
        try:
            return f'<div role="status">{remove_article(doc_id, index_dir)}</div>'
        except CQAError as exc:
            return (
                f'<div role="status" class="cqa-error"><b>Failed:</b> {html.escape(str(exc))}</div>'
            )

    with gr.Blocks(title="Commentary Q&A", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Commentary Q&A\n"
            "Ask about the indexed commentary. Every answer quotes the source's own words with "
            "numbered citations — click one to read it in its article. If the commentary does "
            "not cover a question, it says so.",
            elem_id="cqa-title",
        )
        raw = gr.State([])
        sections = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(
                    label="Chat",
                    show_label=False,
                    elem_id="cqa-chat",
                    height=560,
                    sanitize_html=True,
                    latex_delimiters=[],
                    buttons=[],
                    feedback_options=None,
                    allow_tags=False,
                    placeholder="Ask a question below, or try an example.",
                )
                with gr.Row():
                    textbox = gr.Textbox(
                        placeholder="Ask about the commentary…",
                        show_label=False,
                        lines=1,
                        max_lines=4,
                        scale=5,
                        autofocus=True,
                        elem_id="cqa-input",
                    )
                    send = gr.Button("Send", variant="primary", scale=1, min_width=80)
                with gr.Row(elem_id="cqa-filters"):
                    doc_filter = gr.Dropdown(
                        label="Only these articles",
                        choices=[],
                        multiselect=True,
                        scale=1,
                        min_width=200,
                        elem_id="cqa-doc-filter",
                    )
                    author_filter = gr.Dropdown(
                        label="Only these authors",
                        choices=[],
                        multiselect=True,
                        scale=1,
                        min_width=200,
                        elem_id="cqa-author-filter",
                    )
                    strict_box = gr.Checkbox(
                        label="Strict mode",
                        info="Answer only when the source uses the question's own terms",
                        value=False,
                        scale=1,
                        min_width=200,
                        elem_id="cqa-strict",
                    )
                with gr.Row():
                    copy_button = gr.Button(
                        "Copy last answer as Markdown", size="sm", elem_id="cqa-copy-last"
                    )
                    clear_button = gr.Button("Clear chat", size="sm", elem_id="cqa-clear")
                gr.Markdown("Try one of these (the last is a follow-up to the one before):")
                with gr.Row(elem_id="cqa-examples"):
                    example_buttons = [
                        gr.Button(q, size="sm", variant="secondary", min_width=160)
                        for q in EXAMPLES
                    ]
            with gr.Column(scale=2, min_width=300), gr.Tabs():
                with gr.Tab("Sources", elem_id="cqa-tab-sources"):
                    sources = gr.HTML(
                        _SOURCES_PLACEHOLDER,
                        elem_id="cqa-sources",
                        js_on_load=None,
                        max_height=720,
                        padding=True,
                    )
                with gr.Tab("Corpus", elem_id="cqa-tab-corpus"):
                    corpus_search = gr.Textbox(
                        label="Search by title or author",
                        placeholder="e.g. Dannenberg",
                        elem_id="cqa-corpus-search",
                    )
                    corpus = gr.HTML("", elem_id="cqa-corpus-list", js_on_load=None, max_height=360)
                    files = gr.File(
                        label=(
                            f"Add articles ({', '.join(SUPPORTED_SUFFIXES)}; up to "
                            f"{MAX_UPLOAD_MB:g} MB each)"
                        ),
                        file_count="multiple",
                        file_types=list(SUPPORTED_SUFFIXES),
                        elem_id="cqa-upload",
                        height=120,
                    )
                    upload_status = gr.HTML("", elem_id="cqa-upload-status", js_on_load=None)
                    with gr.Row():
                        to_remove = gr.Dropdown(
                            label="Remove an article",
                            choices=[],
                            scale=3,
                            min_width=200,
                            elem_id="cqa-remove-choice",
                        )
                        remove_button = gr.Button(
                            "Remove", variant="stop", scale=1, min_width=90, elem_id="cqa-remove"
                        )

        # The chat events stay private so that /ask is the whole public API. They share one
        # concurrency group with it. Several run at once: a streamed reply mostly waits
        # between sentences, and the engine serialises the one step that must be (the
        # embedder's lock), so one slot would make every user wait for everyone's stream.
        outputs = [chatbot, raw, sections, sources, textbox]
        ask_inputs = [chatbot, raw, sections, doc_filter, author_filter, strict_box]
        gr.on(
            [textbox.submit, send.click],
            respond,
            inputs=[textbox, *ask_inputs],
            outputs=outputs,
            api_visibility="private",
            concurrency_id="ask",
            concurrency_limit=ASK_CONCURRENCY,
        )
        for button in example_buttons:
            button.click(
                respond,
                inputs=[button, *ask_inputs],
                outputs=outputs,
                api_visibility="private",
                concurrency_id="ask",
                concurrency_limit=ASK_CONCURRENCY,
            )
        clear_button.click(clear, outputs=outputs, api_visibility="private", queue=False)
        chatbot.clear(clear, outputs=outputs, api_visibility="private", queue=False)
        copy_button.click(None, js="() => window.cqaCopyLatest && window.cqaCopyLatest()")

        refresh_io: dict[str, Any] = {
            "fn": refresh,
            "inputs": [corpus_search, doc_filter, author_filter],
            "outputs": [corpus, doc_filter, author_filter, to_remove],
            "api_visibility": "private",
        }
        demo.load(**refresh_io)
        files.upload(
            upload,
            files,
            [upload_status, files],
            api_visibility="private",
            concurrency_id="ingest",
        ).then(**refresh_io)
        remove_button.click(
            remove, to_remove, upload_status, api_visibility="private", concurrency_id="ingest"
        ).then(**refresh_io)
        gr.api(api_ask, api_name="ask", concurrency_id="ask", concurrency_limit=ASK_CONCURRENCY)
    return demo


def launch(
    index_dir: str | None = None,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: Any = None,
    *,
    block: bool = True,
) -> gr.Blocks:
    """Serve the chat on ``http://host:port``; blocks until interrupted unless ``block=False``
    (then the caller closes the returned app with ``.close()``).

    The engine is loaded first so the first question is fast; without an index the server
    still starts, and the chat shows the error until one is built.
    """
    try:
        ask(_WARM_UP_QUESTION, index_dir)
    except CQAError as exc:
        print(f"warning: {exc}", file=sys.stderr)
    demo = build_app(index_dir)
    demo.queue()
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        prevent_thread_lock=not block,
        ssr_mode=False,
        theme=THEME,
        css=CSS,
        head=HEAD,
        max_file_size=f"{MAX_UPLOAD_MB:g}mb",
        footer_links=["api", "settings"],
    )
    return demo
