"""Read article files (.md, .txt, .jsonl, .html, .pdf) into ``Article`` objects, with clear errors."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from retrieval.errors import IngestError, InvalidInputError

TEXT_SUFFIXES = (".md", ".markdown", ".txt")
JSONL_SUFFIXES = (".jsonl",)
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES
MAX_FILE_BYTES = int(float(os.environ.get("CQA_MAX_FILE_MB", "25")) * 1024 * 1024)
META_KEYS = ("title", "author", "author_bio", "publisher", "kind", "date", "url")


@dataclass
class Article:
    """An article as read from its source: metadata and the exact body text."""

    doc_id: str
    title: str
    text: str
    source: str
    author: str = ""
    author_bio: str = ""
    publisher: str = ""
    kind: str = ""
    date: str = ""
    url: str = ""

    @property
    def content_hash(self) -> str:
        payload = json.dumps(
            [self.doc_id, self.text, *(getattr(self, k) for k in META_KEYS)], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _clean_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_clean_str(v) for v in value if v is not None)
    return str(value).strip()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._/-]+", "-", text).strip("-") or "article"


def _read_bytes(path: Path, *, binary: bool = False) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if size > MAX_FILE_BYTES:
        raise IngestError(
            f"{path}: file is {size / 2**20:.1f} MiB, over the {MAX_FILE_BYTES / 2**20:.0f} MiB limit "
            "(split it, or raise CQA_MAX_FILE_MB)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not binary and b"\x00" in data[:8192]:
        raise IngestError(f"{path}: looks like a binary file, not UTF-8 text")
    return data


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IngestError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); re-save the file as UTF-8"
        ) from exc
    # Offsets are into this normalised text; CRLF files would otherwise double-count breaks.
    return text.replace("\r\n", "\n").replace("\r", "\n")


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_BYLINE = re.compile(r"^By\s+([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})\s*$")


def read_text_article(path: Path, doc_id: str) -> Article:
    """A Markdown or text article, with optional YAML front matter.

    Without front matter, a short first line is taken as the title and a following
    ``By Name`` line as the author; the rest is the body.
    """
    text = _decode(path, _read_bytes(path))
    meta: dict[str, Any] = {}
    if text.startswith("---"):
        m = _FRONT.match(text)
        if not m:
            raise IngestError(f"{path}:1: front matter opened with '---' is never closed")
        try:
            loaded = yaml.safe_load(m.group(1) or "") or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 2}" if mark is not None else ""
            raise IngestError(f"{path}{line}: broken YAML front matter ({exc})") from None
        if not isinstance(loaded, dict):
            raise IngestError(f"{path}:2: front matter must be 'key: value' lines")
        meta = loaded
        body = text[m.end() :]
    else:
        body = text
        lines = body.split("\n")
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        if first is not None:
            head = lines[first].strip()
            heading = head.startswith("#")
            rest_blank = first + 1 >= len(lines) or not lines[first + 1].strip()
            if heading or (len(head) <= 150 and rest_blank and not head.endswith((".", "?", "!"))):
                meta["title"] = head.lstrip("#").strip()
                consumed = first + 1
                nxt = next((i for i in range(consumed, len(lines)) if lines[i].strip()), None)
                if nxt is not None and nxt - consumed <= 2:
                    by = _BYLINE.match(lines[nxt].strip())
                    if by:
                        meta["author"] = by.group(1)
                        consumed = nxt + 1
                body = "\n".join(lines[consumed:])
    if not body.strip():
        raise IngestError(f"{path}: no article text (the file is empty or only front matter)")
    title = _clean_str(meta.get("title")) or path.stem.replace("_", " ").replace("-", " ")
    fields = {k: _clean_str(meta.get(k)) for k in META_KEYS if k != "title"}
    return Article(
        doc_id=_clean_str(meta.get("id")) or doc_id,
        title=title,
        text=body,
        source=str(path.resolve()),
        **fields,
    )


def read_jsonl(path: Path) -> Iterator[Article]:
    """Articles from a JSON-lines file: ``id``, ``title``, ``text`` and optional metadata.

    Any bad line raises ``IngestError`` naming ``file:line``; the caller then writes nothing.
    """
    text = _decode(path, _read_bytes(path))
    problems: list[str] = []
    articles: list[Article] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{lineno}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
            continue
        body = obj.get("text")
        if not isinstance(body, str) or not body.strip():
            problems.append(f"{path}:{lineno}: missing or empty 'text'")
            continue
        doc_id = _clean_str(obj.get("id")) or (
            f"{_slug(path.stem)}-{hashlib.sha1(body.encode('utf-8')).hexdigest()[:12]}"
        )
        title = _clean_str(obj.get("title")) or doc_id
        articles.append(
            Article(
                doc_id=doc_id,
                title=title,
                text=body.replace("\r\n", "\n"),
                source=f"{path.resolve()}",
                **{k: _clean_str(obj.get(k)) for k in META_KEYS if k != "title"},
            )
        )
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise IngestError(
            "; ".join(problems[:5]) + more + ". Nothing was ingested; fix the lines and rerun"
        )
    if not articles:
        raise IngestError(f"{path}: no articles (the file is empty)")
    yield from articles


# Page furniture, not article text: everything inside these is dropped.
_HTML_DROP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "dialog",
        "menu",
    ]
)
# Elements that end a paragraph of running text.
_HTML_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "figure",
        "figcaption",
        "hr",
        "br",
        "address",
    ]
)
_HTML_VOID = frozenset(
    [
        "br",
        "hr",
        "img",
        "meta",
        "link",
        "input",
        "area",
        "base",
        "col",
        "embed",
        "source",
        "track",
        "wbr",
    ]
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


class _HTMLText(HTMLParser):
    """Collects the readable paragraphs of a page and its title/author metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.drop_depth = 0
        self.stack: list[str] = []
        self.main_depth = 0
        self.buf: list[str] = []
        self.in_main_buf = False
        self.paragraphs: list[tuple[str, bool]] = []  # (text, inside <article>/<main>)
        self.title = ""
        self.h1 = ""
        self.in_title = False
        self.in_h1 = False
        self.h1_buf: list[str] = []
        self.meta: dict[str, str] = {}

    def _flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        if text:
            self.paragraphs.append((text, self.in_main_buf))
        self.buf = []
        self.in_main_buf = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            key = (a.get("name") or a.get("property") or "").lower()
            if key and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"].strip()
            return
        if tag in _HTML_VOID:
            if tag in _HTML_BLOCK and not self.drop_depth:
                self._flush()
            return
        self.stack.append(tag)
        if tag in _HTML_DROP:
            self.drop_depth += 1
        elif tag == "title":
            self.in_title = True
        if self.drop_depth:
            return
        if tag in ("article", "main"):
            self.main_depth += 1
        if tag in _HTML_BLOCK:
            self._flush()
        if tag == "h1" and not self.h1:
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return  # a stray end tag: ignore rather than unbalance the stack
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag in _HTML_DROP:
                self.drop_depth -= 1
            elif not self.drop_depth:
                self._close(open_tag)
            if open_tag == "title":
                self.in_title = False
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in _HTML_BLOCK:
            if tag == "h1" and self.in_h1:
                self.in_h1 = False
                self.h1 = " ".join("".join(self.h1_buf).split())
                # The headline is the title, not a paragraph of the body.
                self.buf = []
                return
            self._flush()
        if tag in ("article", "main"):
            self.main_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.drop_depth:
            return
        if self.in_h1:
            self.h1_buf.append(data)
        self.buf.append(data)
        if self.main_depth and data.strip():
            self.in_main_buf = True

    def close(self) -> None:
        super().close()
        self._flush()


def _decode_html(path: Path, data: bytes) -> str:
    """UTF-8, else the charset the page declares; offsets are into the text made from it."""
    try:
        return _decode(path, data)
    except IngestError:
        m = _CHARSET.search(data[:4096])
        if not m:
            raise
        try:
            return data.decode(m.group(1).decode("ascii")).replace("\r\n", "\n")
        except (LookupError, UnicodeDecodeError):
            raise IngestError(
                f"{path}: cannot decode the page as UTF-8 or as its declared charset "
                f"{m.group(1).decode('ascii', 'replace')!r}"
            ) from None


def read_html_article(path: Path, doc_id: str) -> Article:
    """An HTML page: its main text as plain paragraphs separated by blank lines.

    Scripts, styles, navigation, headers, footers, asides and forms are dropped; when the page
    has an ``<article>`` or ``<main>`` element only its text is kept. The title comes from the
    first ``<h1>`` (else ``<title>``), the author from ``<meta name="author">``.
    """
    parser = _HTMLText()
    try:
        parser.feed(_decode_html(path, _read_bytes(path)))
        parser.close()
    except AssertionError as exc:  # html.parser's way of giving up on broken markup
        raise IngestError(f"{path}: cannot parse the HTML ({exc})") from None
    paras = parser.paragraphs
    if any(in_main for _, in_main in paras):
        paras = [p for p in paras if p[1]]
    body = "\n\n".join(text for text, _ in paras)
    if not body.strip():
        raise IngestError(f"{path}: no article text found in the page")
    meta = parser.meta
    title = parser.h1 or " ".join(parser.title.split()) or meta.get("og:title", "")
    return Article(
        doc_id=doc_id,
        title=title or path.stem.replace("_", " ").replace("-", " "),
        text=body + "\n",
        source=str(path.resolve()),
        author=meta.get("author", "") or meta.get("article:author", ""),
        publisher=meta.get("og:site_name", ""),
        date=(meta.get("article:published_time") or meta.get("date") or "")[:10],
        url=_clean_str(meta.get("og:url")),
    )


def _pdf_paragraphs(page_text: str) -> list[str]:
    """Lines of one PDF page joined into paragraphs.

    PDFs carry lines, not paragraphs: a blank line, or a line that ends a sentence well short
    of the page's usual line length, ends a paragraph; a hyphen at a line end joins the word.
    """
    lines = [ln.strip() for ln in page_text.replace("\r", "\n").split("\n")]
    widths = sorted(len(ln) for ln in lines if ln)
    full = widths[int(len(widths) * 0.8)] if widths else 0
    paras: list[str] = []
    cur = ""
    for ln in lines:
        if not ln:
            if cur:
                paras.append(cur)
            cur = ""
            continue
        if cur.endswith("-") and ln[:1].islower():
            cur = cur[:-1] + ln
        else:
            cur = f"{cur} {ln}" if cur else ln
        if ln.endswith((".", "?", "!", ":", "”", '"')) and len(ln) < 0.7 * full:
            paras.append(cur)
            cur = ""
    if cur:
        paras.append(cur)
    return [" ".join(p.split()) for p in paras if p.strip()]


def read_pdf_article(path: Path, doc_id: str) -> Article:
    """A PDF's text (it must have a text layer), with title and author from its metadata."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = _read_bytes(path, binary=True)
    if not data.startswith(b"%PDF"):
        raise IngestError(f"{path}: not a PDF file (it does not start with %PDF)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"{path}: the PDF is encrypted; save an unprotected copy")
        paras = [p for page in reader.pages for p in _pdf_paragraphs(page.extract_text() or "")]
        info = reader.metadata
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path}: cannot read the PDF ({exc})") from None
    if not paras:
        raise IngestError(f"{path}: the PDF has no text layer (scanned pages?); nothing to index")
    return Article(
        doc_id=doc_id,
        title=_clean_str(info.title if info else None)
        or path.stem.replace("_", " ").replace("-", " "),
        text="\n\n".join(paras) + "\n",
        source=str(path.resolve()),
        author=_clean_str(info.author if info else None),
    )


def discover(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[Path, Path]]:
    """Expand files and folders (recursively) into (file, root) pairs of supported files.

    A file named directly must have a supported extension; inside folders other files and
    hidden folders are skipped.
    """
    if not paths:
        raise InvalidInputError("no paths given; name article files or folders to ingest")
    out: list[tuple[Path, Path]] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            raise InvalidInputError(f"{p}: no such file or folder")
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    f = Path(dirpath) / name
                    if f.suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("."):
                        out.append((f, p))
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            out.append((p, p.parent))
        else:
            raise InvalidInputError(
                f"{p}: unsupported file type {p.suffix or '(none)'!r}; "
                f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
            )
    return out


def read_paths(paths: Sequence[str | os.PathLike[str]]) -> list[Article]:
    """Read every article under ``paths``; raise one ``IngestError`` listing all bad files."""
    articles: list[Article] = []
    problems: list[str] = []
    for path, root in discover(paths):
        try:
            if path.suffix.lower() in JSONL_SUFFIXES:
                articles.extend(read_jsonl(path))
            else:
                rel = path.relative_to(root).with_suffix("").as_posix()
                suffix = path.suffix.lower()
                reader = (
                    read_html_article
                    if suffix in HTML_SUFFIXES
                    else read_pdf_article
                    if suffix in PDF_SUFFIXES
                    else read_text_article
                )
                articles.append(reader(path, _slug(rel)))
        except IngestError as exc:
            problems.append(str(exc))
    seen: dict[str, str] = {}
    for art in articles:
        if art.doc_id in seen:
            problems.append(
                f"duplicate article id {art.doc_id!r} in {seen[art.doc_id]} and {art.source}"
            )
        seen.setdefault(art.doc_id, art.source)
    if problems:
        raise IngestError(
            "; ".join(problems[:8])
            + (f" (and {len(problems) - 8} more)" if len(problems) > 8 else "")
        )
    return articles
