"""What every reader shares: the file suffixes, refusing binary files, decoding (UTF-8, falling
back to Windows-1252 line by line), the checks of one article text, content hashes, and cleaning an
article of control and bidi characters."""
from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..models import Article
from ..safety import (MAX_ARTICLE_CHARS, InputError, check_article_size, clean_field, has_words,
                      long_sentence_warning)

log = logging.getLogger("frontline.readers")

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
CSV_SUFFIXES = frozenset({".csv"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | CSV_SUFFIXES | JSONL_SUFFIXES
META_SUFFIX = ".meta.json"

_SNIFF_BYTES = 8192
# leading bytes of common binary formats: a clearer message than "NUL bytes"
_MAGIC = ((b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
          (b"\x1f\x8b", "a gzip archive"), (b"\xd0\xcf\x11\xe0", "an MS Office document"),
          (b"\x7fELF", "an executable"), (b"BZh", "a bzip2 archive"), (b"RIFF", "a RIFF media file"),
          (b"SQLite format 3", "an SQLite database"), (b"DUCK", "a DuckDB database"))

Warn = Optional[Callable[[str], None]]


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


def first_line(text: str, limit: int = 300) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:limit]
    return ""


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


