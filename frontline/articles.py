"""Readers that turn files into :class:`frontline.models.Article` records.

Supported inputs (any mix of files and folders, see :func:`read_paths`):

* text articles: ``*.txt``, ``*.md`` and ``*.html`` (tags stripped with
  :mod:`html.parser`), one article per file, id = the file's stem; metadata
  from ``<stem>.meta.json`` beside the file (keys ``title``, ``source``,
  ``url``, ``published`` as YYYY-MM-DD); without it the title is the first
  non-empty line;
* FA-KES CSV corpora, recognised by their columns (``unit_id``,
  ``article_title``, ``article_content``, ``source``, ``date``, ...);
* generic CSV or JSONL with the columns ``id, title, text, source, published``
  (``url`` optional).

The publication date is the text's own dateline when it has one (corpus
metadata is sometimes wrong, see the annotation guideline), else the
metadata; dates before 1990 or in the future are dropped with a warning.
Everything streams: CSV and JSONL files are read row by row.

Bad input raises :class:`InputError` (a ``ValueError``, defined in
:mod:`frontline.safety`) whose message is one line naming the file and the
problem: an empty or binary file (PDF, image, archive, NUL or control bytes),
an article over the size cap (:data:`frontline.safety.MAX_ARTICLE_BYTES`,
10 MiB), a text with no words, a CSV with missing required columns, a row
with more or fewer fields than its header, or broken quoting. What can be
read is read with a one-line warning: invalid UTF-8 (read line by line as
Windows-1252), an implausible publication date (dropped: relative dates then
stay unresolved), a sentence of over 5,000 characters. :func:`read_upload`
applies the same rules to the bytes of a file uploaded through the dashboard.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import re
import unicodedata
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .models import Article
from .safety import (MAX_ARTICLE_CHARS, InputError, check_article_size, check_upload_size, clean_field,
                     has_words, long_sentence_warning, safe_filename)

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
CSV_SUFFIXES = frozenset({".csv"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | CSV_SUFFIXES | JSONL_SUFFIXES
META_SUFFIX = ".meta.json"

FAKES_COLUMNS = frozenset({"unit_id", "article_title", "article_content", "source", "date"})
GENERIC_REQUIRED = ("id", "text")
GENERIC_COLUMNS = ("id", "title", "text", "source", "published", "url")
# other spellings accepted for the generic columns
GENERIC_ALIASES = {"article_id": "id", "content": "text", "body": "text",
                   "article_content": "text", "date": "published", "outlet": "source",
                   "headline": "title", "link": "url"}

EARLIEST_PUBLISHED = dt.date(1990, 1, 1)
_SNIFF_BYTES = 8192
# leading bytes of common binary formats: a clearer message than "NUL bytes"
_MAGIC = ((b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
          (b"\x1f\x8b", "a gzip archive"), (b"\xd0\xcf\x11\xe0", "an MS Office document"),
          (b"\x7fELF", "an executable"), (b"BZh", "a bzip2 archive"), (b"RIFF", "a RIFF media file"),
          (b"SQLite format 3", "an SQLite database"), (b"DUCK", "a DuckDB database"))

# the csv module refuses fields longer than 128 KiB by default; articles can be longer
csv.field_size_limit(max(csv.field_size_limit(), 1 << 28))

Warn = Optional[Callable[[str], None]]


# --------------------------------------------------------------------------- datelines

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WEEKDAY = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
_YEAR = r"(?:19|20)\d\d"
_DATE = (
    rf"(?:(?P<iy>{_YEAR})-(?P<im>\d\d)-(?P<id>\d\d)"                                  # 2016-10-13
    rf"|(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?[ ]+(?P<m1>{_MONTH})\.?,?[ ]+(?P<y1>{_YEAR})"   # 13 October 2016
    rf"|(?P<m2>{_MONTH})\.?[ ]+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?[ ]*(?P<y2>{_YEAR})"   # Oct 13, 2016 / Jun 062016
    rf"|(?P<nd>\d{{1,2}})(?P<sep>[./-])(?P<nm>\d{{1,2}})(?P=sep)(?P<ny>{_YEAR})"          # 13.10.2016 13/10/2016
    rf")(?![\d])"
)
_PREFIX = (r"(?:(?:date\s+of\s+publication|posted(?:\s+on)?|published(?:\s+on)?|last\s+updated(?:\s+(?:at|on))?"
           r"|updated(?:\s+(?:at|on))?|first\s+published(?:\s+on)?)\s*:?\s*)")
# a wire dateline such as "ALEPPO, Syria (AP) — " or "BEIRUT (Reuters) - "
_WIRE_PLACE = r"(?:[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][A-Za-z ]{2,30})?\s*(?:\((?:AP|AFP|Reuters|SANA)\))?\s*[—–-]+\s*)"
_LEADING = re.compile(
    rf"\s*(?:{_WIRE_PLACE})?(?:(?:AFP|Reuters|AP|SANA|NNA)\s+)?{_PREFIX}?(?:{_WEEKDAY}\.?,?\s+)?{_DATE}",
    re.IGNORECASE)
_ANY_DATE = re.compile(_DATE, re.IGNORECASE)
_WEEKDAY_BEFORE = re.compile(rf"(?:^|\W){_WEEKDAY}\.?,?\s+$", re.IGNORECASE)
_WIRE_BEFORE = re.compile(r"(?:^|\W)(?:AFP|Reuters|AP|SANA|NNA|UTC[+-]\d+)\W{0,3}$", re.IGNORECASE)
# (no "\s*" after an optional token that follows "\s*": unambiguous, linear on any run of spaces)
_MARK_AFTER = re.compile(r"\s*(?:\(updated|\)\s*Get short URL|Get short URL|(?:[A-Z][a-z]+\s+){0,3}SANA\b"
                         r"|\d{3,4}\s*[AP]M\b|\d{1,2}:\d\d\b|at\s+\d{3,4}\b)")
_PREPOSITION_BEFORE = re.compile(
    r"(?:^|\W)(?:on|since|in|of|from|until|till|to|between|and|before|after|by|at|until)\s+"
    rf"(?:{_WEEKDAY}\.?,?\s+)?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z\"“]")
HEAD_CHARS = 300


def _date_of(m: re.Match) -> Optional[dt.date]:
    g = m.groupdict()
    try:
        if g["iy"]:
            return dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g["y1"]:
            return dt.date(int(g["y1"]), _MONTHS[g["m1"].lower()], int(g["d1"]))
        if g["y2"]:
            return dt.date(int(g["y2"]), _MONTHS[g["m2"].lower()], int(g["d2"]))
        a, b, y = int(g["nd"]), int(g["nm"]), int(g["ny"])
    except (ValueError, KeyError):
        return None
    # numeric forms are day-first (13.10.2016, 13/10/2016) unless that cannot be a date
    for day, month in ((a, b), (b, a)):
        try:
            return dt.date(y, month, day)
        except ValueError:
            continue
    return None


def find_dateline(text: str) -> Optional[tuple]:
    """The publication date a text states about itself, as ``(date, start, end)``.

    ``text[start:end]`` is the dateline (prefix such as "Date of publication"
    and weekday included). Looks at the very start of the text first
    ("22 Sep 2016 ...", "Posted on July 20 2016 by", "Last updated at Jun 062016",
    "Wed 05 Apr 2017", "19.07.2016(updated ...", "2016-10-13"), then, within
    the headline before the first sentence ends, at a date marked as a dateline:
    after a weekday ("... Monitor AFP Thursday 14 Jul 2016"), after a wire
    name, or before "SANA", "(updated" or "Get short URL". A date after a
    preposition ("On August 21 2013 the regime ...") is an event, not a dateline.
    Returns ``None`` when there is none.
    """
    if not text:
        return None
    head = text[:HEAD_CHARS]
    m = _LEADING.match(head)
    if m:
        d = _date_of(m)
        if d:
            start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            return d, start, m.end()
    end_m = _SENTENCE_END.search(head)
    limit = end_m.start() + 1 if end_m else len(head)
    for m in _ANY_DATE.finditer(head, 0, limit):
        before = head[max(0, m.start() - 40):m.start()]
        after = head[m.end():m.end() + 40]
        weekday = _WEEKDAY_BEFORE.search(before)
        if _PREPOSITION_BEFORE.search(before):
            continue
        if not (weekday or _WIRE_BEFORE.search(before) or _MARK_AFTER.match(after)):
            continue
        d = _date_of(m)
        if d:
            start = m.start()
            if weekday:
                g = weekday.group(0)
                start -= len(g) - (0 if g[0].isalpha() else 1)
            return d, start, m.end()
    return None


def parse_iso_date(value) -> Optional[dt.date]:
    """``YYYY-MM-DD`` (or a date/datetime) to a date; anything else gives ``None``."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", s):
        return None
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


def parse_us_date(value) -> Optional[dt.date]:
    """FA-KES ``date`` column, month first (``10/13/2016``); ISO accepted too."""
    s = str(value or "").strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
    if not m:
        return parse_iso_date(s)
    try:
        return dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None


def plausible_published(day: Optional[dt.date], today: dt.date) -> bool:
    return day is not None and EARLIEST_PUBLISHED <= day <= today + dt.timedelta(days=1)


def resolve_published(text: str, metadata_date: Optional[dt.date], *, today: dt.date,
                      where: str = "", warn: Warn = None) -> tuple:
    """``(published, published_from)``: the text's dateline, else the metadata date.

    Dates before 1990 or after ``today`` are not believed: the other source is
    used, or the date is left unknown, with a warning.
    """
    found = find_dateline(text)
    candidates = []
    if found:
        candidates.append((found[0], "dateline"))
    if metadata_date:
        candidates.append((metadata_date, "metadata"))
    for day, origin in candidates:
        if plausible_published(day, today):
            return day, origin
        _warn(warn, f"{where}: publication date {day.isoformat()} ({origin}) is "
                    f"{'in the future' if day > today else 'before 1990'}; ignored")
    return None, ""


# --------------------------------------------------------------------------- helpers

def _warn(warn: Warn, message: str) -> None:
    (warn or log.warning)(message)


def normalise_text(text: str) -> str:
    """Text folded for duplicate detection: NFKC, case-folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def _sniff(path: Path, head: bytes) -> None:
    """Raise InputError for an empty or binary file, judged from its first bytes."""
    if not head:
        raise InputError(f"{path}: empty file")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"{path}: binary file ({what}), not text")
    if b"\x00" in head:
        raise InputError(f"{path}: binary file (contains NUL bytes), not text")
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if controls > max(8, len(head) // 100):      # a few stray ESC/BEL in metadata are cleaned, not refused
        raise InputError(f"{path}: binary file ({controls} control bytes in the first "
                         f"{len(head)}), not text")


def decode_line(raw: bytes) -> tuple:
    """``(text, fallback_used)``: UTF-8, else Windows-1252, else Latin-1 (never fails)."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), True
    except UnicodeDecodeError:
        return raw.decode("latin-1"), True


def decode_bytes(data: bytes, path: Path, warn: Warn = None) -> str:
    """Decode a whole file: UTF-8 (BOM dropped), line by line falling back to
    Windows-1252 for mixed-encoding files (with a warning)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        first_bad = e.start
    parts, n_bad = [], 0
    for raw in data.splitlines(keepends=True):
        text, bad = decode_line(raw)
        parts.append(text)
        n_bad += bad
    _warn(warn, f"{path}: not valid UTF-8 (first bad byte at offset {first_bad}); "
                f"{n_bad} line(s) read as Windows-1252")
    return "".join(parts)


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


def first_line(text: str, limit: int = 300) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:limit]
    return ""


# --------------------------------------------------------------------------- text files

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


# --------------------------------------------------------------------------- CSV / JSONL

def _decoded_lines(fh, path: Path, warn: Warn) -> Iterator[str]:
    """Lines of a binary file decoded one by one (UTF-8, falling back per line)."""
    n_bad, first_bad = 0, None
    for lineno, raw in enumerate(fh, 1):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        text, bad = decode_line(raw)
        if bad:
            n_bad += 1
            first_bad = first_bad or lineno
        yield text
    if n_bad:
        _warn(warn, f"{path}: {n_bad} line(s) not valid UTF-8 (first at line {first_bad}); "
                    "read as Windows-1252")


def _open_checked(path: Path):
    fh = open(path, "rb")
    try:
        head = fh.read(_SNIFF_BYTES)
        _sniff(path, head)
        fh.seek(0)
    except BaseException:
        fh.close()
        raise
    return fh


def read_csv(path: Path, *, today: dt.date, warn: Warn = None) -> Iterator[Article]:
    """Articles of a FA-KES or generic CSV file, one row at a time."""
    path = Path(path)
    with _open_checked(path) as fh:
        yield from _csv_articles(fh, path, today=today, warn=warn)


def _csv_articles(fh, path, *, today: dt.date, warn: Warn = None) -> Iterator[Article]:
    """Articles of the CSV in the binary file ``fh`` (``path`` names it in messages)."""
    reader = csv.reader(_decoded_lines(fh, path, warn), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise InputError(f"{path}: line 1: broken CSV header ({e})") from None
    if not header or not any(h.strip() for h in header):
        raise InputError(f"{path}: empty CSV (no header line)")
    names = [h.strip().lower() for h in header]
    fakes = FAKES_COLUMNS <= set(names)
    if not fakes:
        names = [GENERIC_ALIASES.get(n, n) if GENERIC_ALIASES.get(n, n) not in names else n
                 for n in names]
        missing = [c for c in GENERIC_REQUIRED if c not in names]
        if missing:
            raise InputError(
                f"{path}: CSV is missing required column(s) {', '.join(missing)} "
                f"(found: {', '.join(h.strip() for h in header)}); expected id,title,text,source,published "
                f"or the FA-KES columns")
        unknown = [h.strip() for h, n in zip(header, names)
                   if n not in GENERIC_COLUMNS and h.strip()]
        if unknown:
            _warn(warn, f"{path}: unknown column(s) {', '.join(unknown)} ignored "
                        f"(known: {', '.join(GENERIC_COLUMNS)})")
    width = len(names)
    n_rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise InputError(f"{path}: line {reader.line_num}: broken CSV quoting ({e})") from None
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            raise InputError(f"{path}: line {reader.line_num}: row has {len(row)} fields, the header "
                             f"has {width} (broken quoting or a stray delimiter?)")
        rec = dict(zip(names, row))
        n_rows += 1
        where = f"{path}: line {reader.line_num}"
        art = _fakes_article(rec, today, where, warn) if fakes else \
            _generic_article(rec, path, n_rows, today, where, warn)
        if art is not None:
            yield art
    if n_rows == 0:
        raise InputError(f"{path}: CSV has a header but no rows")


def _checked_row_text(text: str, where: str, warn: Warn) -> bool:
    """Checks of one CSV/JSONL article text: refuses one over the size cap
    (InputError), skips one with no words (False, with a warning), warns about
    a very long sentence."""
    check_article_size(len(text), where, unit="characters", limit=MAX_ARTICLE_CHARS)
    if not has_words(text):
        _warn(warn, f"{where}: no sentences (no words in the text); row skipped")
        return False
    long = long_sentence_warning(text, where)
    if long:
        _warn(warn, long)
    return True


def _fakes_article(rec: dict, today, where, warn) -> Optional[Article]:
    aid = rec["unit_id"].strip()
    text = rec["article_content"]
    if not aid or not text.strip():
        _warn(warn, f"{where}: {'no unit_id' if not aid else 'empty article_content'}; row skipped")
        return None
    if not _checked_row_text(text, f"{where} (id {aid})", warn):
        return None
    published, origin = resolve_published(text, parse_us_date(rec.get("date")), today=today,
                                          where=f"{where} (id {aid})", warn=warn)
    return Article(id=aid, text=text, title=rec.get("article_title", "").strip(),
                   source=rec.get("source", "").strip(), url="",
                   published=published, published_from=origin)


def _generic_article(rec: dict, path: Path, n: int, today, where, warn) -> Optional[Article]:
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        _warn(warn, f"{where}: empty text; row skipped")
        return None
    aid = str(rec.get("id") if rec.get("id") is not None else "").strip()
    if not aid:
        aid = f"{Path(str(path)).stem}-{n}"
        _warn(warn, f"{where}: no id; using {aid}")
    if not _checked_row_text(text, f"{where} (id {aid})", warn):
        return None
    raw_date = rec.get("published")
    meta_date = parse_iso_date(raw_date) or (parse_us_date(raw_date) if raw_date else None)
    if raw_date and not meta_date:
        _warn(warn, f"{where} (id {aid}): published {raw_date!r} is not a date (YYYY-MM-DD); ignored")
    published, origin = resolve_published(text, meta_date, today=today,
                                          where=f"{where} (id {aid})", warn=warn)
    return Article(id=aid, text=text, title=str(rec.get("title") or "").strip() or first_line(text),
                   source=str(rec.get("source") or "").strip(), url=str(rec.get("url") or "").strip(),
                   published=published, published_from=origin)


def read_jsonl(path: Path, *, today: dt.date, warn: Warn = None) -> Iterator[Article]:
    """Articles of a JSON-lines file (one object per line with id, text, ...)."""
    path = Path(path)
    with _open_checked(path) as fh:
        yield from _jsonl_articles(fh, path, today=today, warn=warn)


def _jsonl_articles(fh, path, *, today: dt.date, warn: Warn = None) -> Iterator[Article]:
    """Articles of the JSON lines in the binary file ``fh`` (``path`` names it in messages)."""
    n = 0
    for lineno, line in enumerate(_decoded_lines(fh, path, warn), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: line {lineno}: not valid JSON ({e.msg})") from None
        if not isinstance(rec, dict):
            raise InputError(f"{path}: line {lineno}: expected a JSON object")
        rec = {GENERIC_ALIASES.get(k, k) if GENERIC_ALIASES.get(k, k) not in rec else k: v
               for k, v in rec.items()}
        if "text" not in rec:
            raise InputError(f"{path}: line {lineno}: object has no \"text\" field")
        n += 1
        art = _generic_article(rec, path, n, today, f"{path}: line {lineno}", warn)
        if art is not None:
            yield art
    if n == 0:
        raise InputError(f"{path}: no articles (every line is empty)")


# --------------------------------------------------------------------------- paths

def expand_paths(paths: Iterable) -> list:
    """Files named by ``paths``: files as given, folders searched recursively
    (sorted) for article files; ``*.meta.json`` and hidden files skipped."""
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*")
                           if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES
                           and not f.name.endswith(META_SUFFIX)
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise InputError(f"{p}: folder holds no article files "
                                 f"({', '.join(sorted(ARTICLE_SUFFIXES))})")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        elif p.exists():
            raise InputError(f"{p}: not a regular file or folder")
        else:
            raise InputError(f"{p}: no such file or folder")
    return out


def clean_article(art: Article, where, warn: Warn = None) -> Article:
    """``art`` without control characters (NUL, ESC, ...) and bidi embedding/override/isolate
    marks (U+202E shows "gnp.exe" as "exe.png") in its id, title, source and url, nor NUL and
    control characters other than tab and line breaks in its text: they reach spreadsheets,
    file names and screens, and say nothing. One warning line names what was removed; an id
    made of nothing else is refused (:class:`InputError`)."""
    changes, fields = [], {}
    for name in ("id", "title", "source", "url", "source_id"):
        value = getattr(art, name, "") or ""
        cleaned, n = clean_field(value)
        if n or cleaned != value:
            fields[name] = cleaned.strip() if name != "title" else " ".join(cleaned.split())
            if n:
                changes.append(f"{n} from the {name}")
    text, n = clean_field(art.text, multiline=True)
    if n:
        fields["text"] = text
        changes.append(f"{n} from the text")
    if not fields:
        return art
    if "id" in fields and not fields["id"]:
        raise InputError(f"{where}: the article id {art.id!r} is made of control characters only")
    if changes:
        _warn(warn, f"{where}: removed control or bidi characters ({', '.join(changes)})")
    return replace(art, **fields)


def read_file(path: Path, *, today: Optional[dt.date] = None, warn: Warn = None) -> Iterator[Article]:
    path = Path(path)
    today = today or dt.date.today()
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            arts = read_csv(path, today=today, warn=warn)
        elif suffix in JSONL_SUFFIXES:
            arts = read_jsonl(path, today=today, warn=warn)
        else:
            arts = iter([read_text_file(path, today=today, warn=warn)])
        for art in arts:
            yield clean_article(art, f"{path} (id {art.id!r})" if suffix in CSV_SUFFIXES | JSONL_SUFFIXES
                                else str(path), warn)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None


def upload_article_id(name: str, text: str) -> str:
    """Id of an uploaded or pasted article: the file's safe stem and a hash of its text
    (two uploads called ``article.txt`` do not replace each other)."""
    stem = Path(safe_filename(name, "pasted")).stem[:60] or "pasted"
    return f"{stem}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def read_upload(name: str, raw: bytes, *, today: Optional[dt.date] = None, warn: Warn = None,
                published: Optional[dt.date] = None, title: str = "", source: str = "",
                url: str = "") -> list:
    """Articles of one file uploaded through the dashboard, checked as the CLI checks files.

    ``name`` is the browser's file name (only used, made safe, in messages and
    ids; nothing is written to disk); ``raw`` its bytes. ``.csv`` and
    ``.jsonl`` hold many articles; anything else is one text, markdown or HTML
    article whose id is :func:`upload_article_id`, with ``published`` (checked:
    before 1990 or in the future it is dropped with a warning), ``title``,
    ``source`` and ``url`` as its metadata. Raises :class:`InputError` with one
    line naming the problem; ``warn`` receives one-line warnings.
    """
    label = safe_filename(name)
    today = today or dt.date.today()
    check_upload_size(len(raw), label)
    suffix = Path(label).suffix.lower()
    if suffix in CSV_SUFFIXES | JSONL_SUFFIXES:
        _sniff(label, raw[:_SNIFF_BYTES])
        fh = io.BytesIO(raw)
        reader = _csv_articles if suffix in CSV_SUFFIXES else _jsonl_articles
        arts = list(reader(fh, label, today=today, warn=warn))
        if published is not None and not plausible_published(published, today):
            _warn(warn, f"{label}: publication date {published.isoformat()} is "
                        f"{'in the future' if published > today else 'before 1990'}; ignored")
        elif published is not None:
            arts = [replace(a, published=published, published_from="metadata") for a in arts]
        ledger = IdLedger()
        arts = list(unique_ids((clean_article(a, f"{label} (id {a.id!r})", warn) for a in arts), ledger))
        if ledger.repeated or ledger.renamed:
            _warn(warn, f"{label}: {ledger.summary()}")
        return arts
    text, html_title = text_of_bytes(raw, label, suffix, warn)
    day, origin = resolve_published(text, published, today=today, where=label, warn=warn)
    return [clean_article(Article(id=upload_article_id(label, text), text=text,
                                  title=str(title or html_title or first_line(text)), source=str(source or ""),
                                  url=str(url or ""), published=day, published_from=origin), label, warn)]


class IdLedger:
    """What :func:`unique_ids` did to one run's articles: ``read`` articles seen, ``repeated``
    ids skipped (the same id with the same text again: a repeated row), ``renamed``
    ``(id, new_id)`` pairs (a different text under an id already seen)."""

    def __init__(self):
        self.read = 0
        self.repeated: list = []
        self.renamed: list = []
        self._texts: dict = {}          # id -> content hashes seen under it, in order

    def summary(self) -> str:
        parts = []
        if self.repeated:
            parts.append(f"{len(self.repeated)} repeated row(s) skipped (same id, same text)")
        if self.renamed:
            shown = ", ".join(f"{a} → {b}" for a, b in self.renamed[:3])
            more = f" and {len(self.renamed) - 3} more" if len(self.renamed) > 3 else ""
            parts.append(f"{len(self.renamed)} id(s) given to a second text kept as {shown}{more}")
        return "; ".join(parts)


DUPLICATE_ID_SEPARATOR = "~"


def unique_ids(articles: Iterable[Article], ledger: Optional[IdLedger] = None) -> Iterator[Article]:
    """One article per id within one run, nothing dropped silently.

    The same id with the same text (by :func:`content_hash`) again is a repeated
    row: skipped (``ledger.repeated``). The same id with a *different* text keeps
    both: the first occurrence keeps the id, the second different text becomes
    ``<id>~2``, the third ``<id>~3`` (``ledger.renamed``; ``source_id`` keeps the
    id as read). Stable: the same input gives the same ids every time.
    """
    ledger = ledger if ledger is not None else IdLedger()
    seen = ledger._texts
    for art in articles:
        ledger.read += 1
        h = content_hash(art.text)
        texts = seen.get(art.id)
        if texts is None:
            seen[art.id] = [h]
            yield art
            continue
        if h in texts:
            ledger.repeated.append(art.id)
            continue
        texts.append(h)
        k = len(texts)
        new_id = f"{art.id}{DUPLICATE_ID_SEPARATOR}{k}"
        while new_id in seen:
            k += 1
            new_id = f"{art.id}{DUPLICATE_ID_SEPARATOR}{k}"
        seen[new_id] = [h]
        ledger.renamed.append((art.id, new_id))
        yield replace(art, id=new_id, source_id=art.source_id or art.id)


def read_paths(paths: Iterable, *, today: Optional[dt.date] = None, warn: Warn = None,
               published: Optional[dt.date] = None, ledger: Optional[IdLedger] = None) -> Iterator[Article]:
    """Stream the articles of any mix of files and folders, one per id (:func:`unique_ids`:
    repeated rows skipped, a second text under one id kept as ``<id>~2``; ``ledger`` records it).

    ``published`` overrides the publication date of every article (as
    ``extract --published`` does); ``warn`` receives one-line warnings
    (default: the ``logging`` module). ``today`` bounds plausible dates.
    """
    today = today or dt.date.today()

    def every():
        for path in expand_paths(paths):
            for art in read_file(path, today=today, warn=warn):
                if published is not None:
                    art = replace(art, published=published, published_from="metadata")
                yield art

    yield from unique_ids(every(), ledger)


def count_articles(paths: Iterable, **kw) -> int:
    """Read everything once (validating it) and count the articles (one per id)."""
    return sum(1 for _ in read_paths(paths, **kw))


__all__ = ["InputError", "find_dateline", "read_paths", "unique_ids", "IdLedger", "read_file", "read_csv", "read_jsonl",
           "read_text_file", "read_upload", "clean_article", "upload_article_id", "text_of_bytes", "expand_paths", "count_articles", "content_hash", "normalise_text",
           "html_to_text", "parse_iso_date", "parse_us_date", "resolve_published"]
