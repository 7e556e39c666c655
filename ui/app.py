"""The Gradio chat: a thin presentation layer over ``retrieval.ask``.

Everything shown in the browser that comes from a user or an article is escaped here, and
nothing here decides what the answer is: retrieval owns that.
"""

import html
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from retrieval.config import set_offline_env

# Before gradio is imported: it reads GRADIO_ANALYTICS_ENABLED at import time.
set_offline_env()

import gradio as gr  # noqa: E402

from retrieval import Answer, Citation, CQAError, ask, get_engine  # noqa: E402

EXAMPLES = [
    "What does Putin fear most from NATO's expansion?",
    "What are the basic principles of negotiating with Russia?",
    "Why does the author compare the talks to the Munich Agreement?",
    "What about NATO?",
]
CONTEXT_CHARS = 300
_WARM_UP_QUESTION = "What does Putin fear most from NATO's expansion?"

# System fonts only: the page must render without reaching Google Fonts or any CDN.
THEME = gr.themes.Default(
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)
CSS = """
#cqa-sources .cqa-source { margin: 0 0 1em 0; }
#cqa-sources .cqa-head { font-weight: 600; }
#cqa-sources .cqa-n { font-family: var(--font-mono); margin-right: 0.25em; }
#cqa-sources .cqa-meta { font-size: var(--text-sm); color: var(--body-text-color-subdued); }
#cqa-sources .cqa-passage {
  margin: 0.4em 0 0 0; padding: 0.4em 0.8em; line-height: 1.5;
  border-left: 3px solid var(--border-color-accent); background: var(--background-fill-secondary);
}
#cqa-sources mark { background: #fde68a; color: #111; padding: 0 0.1em; }
#cqa-sources .cqa-empty { color: var(--body-text-color-subdued); }
"""
_SOURCES_PLACEHOLDER = '<p class="cqa-empty">The sources of the latest answer appear here.</p>'

# Markdown syntax that counts anywhere in a line, and what counts only at its start (headings,
# lists, setext underlines); a backslash makes each render as itself. ``>`` needs no rule: it
# becomes ``&gt;``, which markdown never reads as a quote.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^([ \t]*\d*)([#+=.)-])", re.MULTILINE)


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


def _citation_html(c: Citation, article_text: str | None) -> str:
    meta = [m for m in (c.author, c.publisher, c.date) if m]
    title = html.escape(c.title or c.doc_id)
    url = _safe_url(c.url)
    if url:
        title = (
            f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
        )
    # The article may have been re-ingested since the answer was made; then the stored quote
    # is all that is known to be right.
    if article_text is not None and article_text[c.start : c.end] == c.quote:
        lo, hi = passage_bounds(article_text, c.start, c.end)
        before, after = article_text[lo : c.start], article_text[c.end : hi]
        para_start, para_end = _paragraph(article_text, c.start, c.end)
        prefix = "… " if lo > para_start else ""
        suffix = " …" if hi < para_end else ""
    else:
        before = after = prefix = suffix = ""
    passage = (
        f"{prefix}{html.escape(before)}<mark>{html.escape(c.quote)}</mark>"
        f"{html.escape(after)}{suffix}"
    )
    return (
        f'<div class="cqa-source" id="cqa-source-{c.n}">'
        f'<div class="cqa-head"><span class="cqa-n">[{c.n}]</span>{title}</div>'
        f'<div class="cqa-meta">{" · ".join(html.escape(m) for m in meta)}</div>'
        f'<blockquote class="cqa-passage">{passage}</blockquote>'
        "</div>"
    )


def sources_html(citations: Iterable[Citation], article_texts: Mapping[str, str]) -> str:
    """The sources panel for one answer: each citation with its surrounding passage and the
    cited span in ``<mark>``; ``article_texts`` maps doc_id to full article text.

    Every piece of text is HTML-escaped, so an article or title containing markup shows as text.
    """
    cards = [_citation_html(c, article_texts.get(c.doc_id)) for c in citations]
    return f'<div class="cqa-source-list">{"".join(cards)}</div>' if cards else ""


def _article_texts(index_dir: str | None) -> dict[str, str]:
    try:
        return {a["doc_id"]: a["text"] for a in get_engine(index_dir).index.articles}
    except CQAError:
        return {}


def _answer_markdown(answer: Answer) -> str:
    parts = [chat_text(answer.answer)]
    parts += [f"*Note: {chat_text(note)}*" for note in answer.notes]
    return "\n\n".join(parts)


def chat_reply(
    question: str, index_dir: str | None = None, history: list[dict[str, str]] | None = None
) -> tuple[str, str, str]:
    """One chat turn: the bubble's markdown, the sources panel's HTML, and the plain reply
    text to keep in the conversation history.

    Errors meant for the user (no index, a bad question) become the reply; refusals and
    errors leave the sources panel empty.
    """
    try:
        answer = ask(question, index_dir, history=history)
    except CQAError as exc:
        return f"⚠️ {chat_text(str(exc))}", "", str(exc)
    sources = sources_html(answer.citations, _article_texts(index_dir)) if answer.citations else ""
    return _answer_markdown(answer), sources, answer.answer


def build_app(index_dir: str | None = None) -> gr.Blocks:
    """The chat UI for the index at ``index_dir`` (default: ``$CQA_INDEX`` or ``.cqa-index``),
    plus the public API endpoint ``/ask``."""

    def respond(
        question: str, chat: list[dict[str, Any]], raw: list[dict[str, str]]
    ) -> Iterator[tuple[Any, ...]]:
        if not isinstance(question, str) or not question.strip():
            yield chat, raw, gr.skip(), ""
            return
        # Show the question at once; the answer follows in the same event.
        chat = [*chat, {"role": "user", "content": chat_text(question)}]
        yield chat, raw, "", ""
        # The displayed chat is escaped markdown; follow-ups need the questions as typed.
        reply, sources, shown = chat_reply(question, index_dir, history=raw)
        raw = [*raw, {"role": "user", "content": question}, {"role": "assistant", "content": shown}]
        yield [*chat, {"role": "assistant", "content": reply}], raw, sources, ""

    def api_ask(question: str) -> dict:
        """Answer one question about the indexed commentary.

        Returns the answer JSON: question, answer (with [n] markers), abstained, and
        citations (n, doc_id, title, author, url, date, start, end, quote, score, publisher)
        where each quote is exactly the article text from start to end.
        """
        try:
            return ask(question, index_dir).to_dict()
        except CQAError as exc:
            # gr.Error reaches the client as a readable message instead of a bare failure.
            raise gr.Error(str(exc), print_exception=False) from None

    def clear() -> tuple[list[Any], list[Any], str, str]:
        return [], [], _SOURCES_PLACEHOLDER, ""

    with gr.Blocks(title="Commentary Q&A", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Commentary Q&A\n"
            "Ask about the indexed commentary. Every answer quotes the source's own words, "
            "with numbered citations; if the commentary does not cover a question, it says so."
        )
        raw = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    height=520,
                    sanitize_html=True,
                    latex_delimiters=[],
                    buttons=["copy", "copy_all"],
                    feedback_options=None,
                    allow_tags=False,
                )
                with gr.Row():
                    textbox = gr.Textbox(
                        placeholder="Ask a question about the commentary…",
                        show_label=False,
                        lines=1,
                        max_lines=4,
                        scale=5,
                        autofocus=True,
                    )
                    send = gr.Button("Send", variant="primary", scale=1, min_width=80)
                gr.Markdown("Try one of these (the last is a follow-up to the one before):")
                with gr.Row():
                    example_buttons = [
                        gr.Button(q, size="sm", variant="secondary") for q in EXAMPLES
                    ]
                clear_button = gr.Button("Clear", variant="stop", size="sm")
            with gr.Column(scale=2):
                # A heading of its own: the HTML block's floating label covered the first entry.
                gr.Markdown("### Sources")
                sources = gr.HTML(
                    _SOURCES_PLACEHOLDER,
                    label="Sources",
                    show_label=False,
                    container=True,
                    elem_id="cqa-sources",
                    js_on_load=None,
                    max_height=640,
                )

        # The chat events stay private so that /ask is the whole public API. They share one
        # concurrency group with it: the engine is shared, and a question takes milliseconds
        # once the model is loaded.
        outputs = [chatbot, raw, sources, textbox]
        gr.on(
            [textbox.submit, send.click],
            respond,
            inputs=[textbox, chatbot, raw],
            outputs=outputs,
            api_visibility="private",
            concurrency_id="ask",
        )
        for button in example_buttons:
            button.click(
                respond,
                inputs=[button, chatbot, raw],
                outputs=outputs,
                api_visibility="private",
                concurrency_id="ask",
            )
        clear_button.click(clear, outputs=outputs, api_visibility="private", queue=False)
        chatbot.clear(clear, outputs=outputs, api_visibility="private", queue=False)
        gr.api(api_ask, api_name="ask", concurrency_id="ask")
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
        footer_links=["api", "settings"],
    )
    return demo
