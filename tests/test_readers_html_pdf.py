"""The HTML and PDF readers: main text kept, page furniture dropped, bad files named clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers import SUPPORTED_SUFFIXES, discover, read_paths
from retrieval.errors import IngestError

PAGE = """<!doctype html>
<html><head>
<title>Deterrence in the Baltic | Example Review</title>
<meta name="author" content="Ada Lovelace">
<meta property="og:site_name" content="Example Review">
<meta property="article:published_time" content="2025-03-04T10:00:00Z">
<style>p { color: red }</style>
<script>var tracking = "should never be indexed";</script>
</head><body>
<header><a href="/">Example Review</a><nav><a href="/a">World</a> <a href="/b">Opinion</a></nav></header>
<aside>Trending now: ten other stories</aside>
<article>
<h1>Deterrence in the Baltic</h1>
<p>The first paragraph says that deterrence &amp; reassurance
   go together.</p>
<p>The second paragraph has <b>bold</b> and <a href="#x">a link</a> inline.</p>
<form><input name="email"> Sign up for our newsletter</form>
<ul><li>A listed point.</li><li>Another point.</li></ul>
</article>
<footer>Copyright 2025 Example Review. All rights reserved.</footer>
</body></html>
"""


def _pdf(lines: list[str], title: str = "", author: str = "") -> bytes:
    """A minimal valid one-page PDF with a text layer (no PDF-writing library is needed)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT /F1 11 Tf 14 TL 72 720 Td"] + [f"({esc(ln)}) Tj T*" for ln in lines] + ["ET"]
    stream = "\n".join(ops).encode("latin-1")
    info = f"<< /Title ({esc(title)}) /Author ({esc(author)}) >>".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_new_suffixes_are_registered() -> None:
    assert {".html", ".htm", ".pdf"} <= set(SUPPORTED_SUFFIXES)


def test_html_keeps_main_text_and_metadata(tmp_path: Path) -> None:
    f = tmp_path / "baltic.html"
    f.write_text(PAGE, encoding="utf-8")
    (art,) = read_paths([f])
    assert art.doc_id == "baltic"
    assert art.title == "Deterrence in the Baltic"
    assert art.author == "Ada Lovelace"
    assert art.publisher == "Example Review"
    assert art.date == "2025-03-04"
    paras = art.text.strip().split("\n\n")
    assert paras == [
        "The first paragraph says that deterrence & reassurance go together.",
        "The second paragraph has bold and a link inline.",
        "A listed point.",
        "Another point.",
    ]
    for junk in ("tracking", "color", "Trending", "newsletter", "Copyright", "Opinion"):
        assert junk not in art.text


def test_html_without_article_element_uses_body_and_title_tag(tmp_path: Path) -> None:
    f = tmp_path / "plain.htm"
    f.write_text(
        "<html><head><title>  Plain   Page </title></head><body>"
        "<nav>Home</nav><div>One para.</div><div>Two para.<br>Line two.</div>"
        "<script>x()</script></body></html>",
        encoding="utf-8",
    )
    (art,) = read_paths([f])
    assert art.title == "Plain Page"
    assert art.author == ""
    assert art.text.strip().split("\n\n") == ["One para.", "Two para.", "Line two."]


def test_html_in_declared_charset(tmp_path: Path) -> None:
    f = tmp_path / "latin.html"
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9 talk.</p></body>'
    f.write_bytes(page.encode("latin-1"))
    (art,) = read_paths([f])
    assert art.text.strip() == "Caf\u00e9 talk."


def test_html_without_text_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "empty.html"
    f.write_text("<html><body><nav>Menu</nav><script>x()</script></body></html>")
    with pytest.raises(IngestError, match=r"empty\.html: no article text"):
        read_paths([f])


def test_pdf_text_title_author_and_paragraphs(tmp_path: Path) -> None:
    f = tmp_path / "report.pdf"
    lines = [
        "Sanctions have shaped the Russian economy since 2014 in ways that many",
        "observers did not expect.",
        "",
        "A second paragraph begins here and continues on the next line of the",
        "page until it ends.",
    ]
    f.write_bytes(_pdf(lines, title="Sanctions Review", author="Grace Hopper"))
    (art,) = discover([f]) and read_paths([f])
    assert (art.doc_id, art.title, art.author) == ("report", "Sanctions Review", "Grace Hopper")
    assert "Sanctions have shaped the Russian economy since 2014" in art.text
    assert "\n\n" in art.text.strip()
    assert art.text.strip().endswith("until it ends.")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not a pdf at all", "not a PDF file"),
        (b"%PDF-1.4\n\x00\x01garbage", "PDF"),
        (_pdf([]), "no text layer"),
    ],
)
def test_bad_pdfs_are_named_in_a_clear_error(tmp_path: Path, data: bytes, reason: str) -> None:
    f = tmp_path / "bad.pdf"
    f.write_bytes(data)
    with pytest.raises(IngestError, match=rf"bad\.pdf.*{reason}"):
        read_paths([f])
