"""Text articles: ``*.txt``, ``*.md`` and ``*.html`` (tags stripped with :mod:`html.parser`), one
article per file, id = the file's stem, metadata from ``<stem>.meta.json`` beside it."""
from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from ..models import Article
from ..safety import MAX_ARTICLE_CHARS, InputError, check_article_size, has_words, long_sentence_warning
from .common import _SNIFF_BYTES, HTML_SUFFIXES, META_SUFFIX, Warn, _sniff, _warn, decode_bytes, first_line
from .datelines import parse_iso_date, resolve_published


class _TextOfHTML(HTMLParser):
    """Visible text of an HTML page: block elements become line breaks."""
    BLOCKS = frozenset("p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer "
                       "blockquote pre title figcaption dd dt".split())
    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list = []
        self.title_parts: list = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple:
    """``(text, title)`` of an HTML document; lines trimmed, runs of blank lines collapsed."""
    parser = _TextOfHTML()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, " ".join("".join(parser.title_parts).split())


def read_meta(path: Path) -> dict:
    """The ``<stem>.meta.json`` beside an article file, or ``{}``."""
    meta_path = path.with_name(path.stem + META_SUFFIX)
    if not meta_path.is_file():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{meta_path}: not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{meta_path}: expected a JSON object with title, source, url, published")
    return meta


def text_of_bytes(data: bytes, where, suffix: str, warn: Warn = None) -> tuple:
    """``(text, html_title)`` of one text/markdown/HTML article given as bytes.

    Raises :class:`InputError` for an empty, binary or oversized file and for a
    text with no words; warns about invalid UTF-8 and very long sentences.
    """
    check_article_size(len(data), str(where))
    _sniff(where, data[:_SNIFF_BYTES])
    text = decode_bytes(data, where, warn)
    title = ""
    if suffix.lower() in HTML_SUFFIXES:
        text, title = html_to_text(text)
    if not text.strip():
        raise InputError(f"{where}: empty file (no text)")
    if not has_words(text):
        raise InputError(f"{where}: no sentences (no words in the text)")
    long = long_sentence_warning(text, str(where))
    if long:
        _warn(warn, long)
    return text, title


def read_text_file(path: Path, *, today: dt.date, warn: Warn = None) -> Article:
    path = Path(path)
    check_article_size(path.stat().st_size, str(path))      # before reading it into memory
    with open(path, "rb") as fh:
        data = fh.read(MAX_ARTICLE_CHARS + 1)
    text, title = text_of_bytes(data, path, path.suffix, warn)
    meta = read_meta(path)
    meta_date = parse_iso_date(meta.get("published"))
    if meta.get("published") and not meta_date:
        _warn(warn, f"{path}: metadata published {meta.get('published')!r} is not YYYY-MM-DD; ignored")
    published, origin = resolve_published(text, meta_date, today=today, where=str(path), warn=warn)
    return Article(id=path.stem, text=text,
                   title=str(meta.get("title") or title or first_line(text)),
                   source=str(meta.get("source") or ""), url=str(meta.get("url") or ""),
                   published=published, published_from=origin)


