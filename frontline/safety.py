"""Limits and checks shared by the readers, the CLI and the dashboard.

* **Size caps.** One article is at most :data:`MAX_ARTICLE_BYTES` (10 MiB; the
  longest FA-KES article is under 30 KB, a long feature under 200 KB): a
  bigger text file, CSV cell or JSON line is refused with one line naming the
  file and its size, before it is read into memory where that is possible.
  An upload through the dashboard is at most :data:`MAX_UPLOAD_MB` (the
  ``server.maxUploadSize`` of ``.streamlit/config.toml``; a test keeps the two
  equal).
* **Plausibility.** A text with no words is not an article
  (:func:`has_words`); a "sentence" longer than :data:`LONG_SENTENCE_CHARS`
  is accepted with a warning (:func:`longest_sentence`); publication dates
  outside 1990..today are dropped by :mod:`frontline.readers`; tolls too
  large for one incident are flagged ``implausible`` by the extractor and never
  summed by :mod:`frontline.queries`.
* **Spreadsheet cells.** :func:`spreadsheet_cell` is the one neutraliser every
  CSV and Excel writer applies to its text cells (OWASP's advice on CSV
  injection): a cell starting with ``= + - @``, a tab or a carriage return gets
  a leading ``'``, so Excel and LibreOffice show it as text instead of running
  it; characters a workbook cannot hold (NUL and the other C0 controls) are
  dropped. Numbers stay numbers (a negative count is a number, not a formula).
* **Control and bidi characters.** :func:`clean_field` removes C0/C1 control
  characters and the bidi embedding/override/isolate marks (U+202A..U+202E,
  U+2066..U+2069) from titles, sources, urls and ids at ingest; the readers
  warn with one line when they had to.
* **File names.** :func:`safe_upload_path` maps any uploaded file name
  (``../../etc/passwd``, ``/etc/passwd``, ``C:\\x``, NUL bytes, ``..``, reserved
  device names) to a plain file name inside the data folder.

Nothing here imports Streamlit or the store.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Optional

MIB = 1024 * 1024
MAX_ARTICLE_BYTES = 10 * MIB
MAX_ARTICLE_CHARS = MAX_ARTICLE_BYTES      # a CSV cell / JSON field, counted in characters
MAX_UPLOAD_MB = 50                          # == server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * MIB
LONG_SENTENCE_CHARS = 5_000
MAX_NAME_CHARS = 120
EARLIEST_YEAR = 1990

_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_BREAK = re.compile(r"[.!?\n。؟]")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)])


class InputError(ValueError):
    """Input that cannot be read as articles; the message is one line naming the file."""


def human_size(n_bytes: int) -> str:
    """``12.3 MB`` style (MiB, as the caps are)."""
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    if n_bytes < MIB:
        return f"{n_bytes / 1024:.1f} KB"
    return f"{n_bytes / MIB:.1f} MB"


def check_article_size(n: int, where: str, *, unit: str = "bytes",
                       limit: int = MAX_ARTICLE_BYTES) -> None:
    """Raise :class:`InputError` when one article (``n`` bytes or characters) exceeds the cap."""
    if n > limit:
        size = human_size(n) if unit == "bytes" else f"{n:,} characters"
        cap = human_size(limit) if unit == "bytes" else f"{limit:,} characters"
        if size == cap:
            size, cap = f"{n:,} {unit}", f"{limit:,} {unit}"
        raise InputError(f"{where}: article too large ({size}; the limit for one article is {cap})")


def check_upload_size(n_bytes: int, where: str) -> None:
    """Raise :class:`InputError` when an upload exceeds :data:`MAX_UPLOAD_BYTES`."""
    if n_bytes > MAX_UPLOAD_BYTES:
        raise InputError(f"{where}: upload too large ({human_size(n_bytes)}; the limit is "
                         f"{MAX_UPLOAD_MB} MB)")


def has_words(text: str) -> bool:
    """True when ``text`` holds at least one word of two letters (any script)."""
    return bool(_WORD.search(text or ""))


def longest_sentence(text: str) -> int:
    """Length of the longest stretch of ``text`` without a sentence end or a line break."""
    best = last = 0
    for m in _SENTENCE_BREAK.finditer(text):
        best = max(best, m.start() - last)
        last = m.end()
    return max(best, len(text) - last)


def long_sentence_warning(text: str, where: str) -> Optional[str]:
    """A one-line warning when ``text`` has a sentence over :data:`LONG_SENTENCE_CHARS`, else None."""
    n = longest_sentence(text)
    if n <= LONG_SENTENCE_CHARS:
        return None
    return (f"{where}: a sentence of {n:,} characters (no sentence end); its events may be "
            "merged or missed")


# --------------------------------------------------------------------------- text cells

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# what an .xlsx cell cannot hold (openpyxl's IllegalCharacterError): C0 controls but tab, LF, CR
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# bidi embeddings, overrides and isolates (they reorder what follows them on screen: U+202E
# shows "txt.exe" as "exe.txt"); the plain marks LRM/RLM/ALM are left to the text
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_FIELD_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")
_BODY_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b\\x0e-\\x1f\\x7f{BIDI_CONTROLS}]")


def spreadsheet_cell(value):
    """A value safe to put in a CSV or Excel cell: text that a spreadsheet program would
    read as a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``-2+3``, ``@SUM(...)``, or any of
    these after a tab or carriage return) gets a leading ``'``; NUL and the other control
    characters a workbook cannot hold are removed. Anything not text is returned as is:
    numeric columns stay numeric."""
    if not isinstance(value, str):
        return value
    value = _XML_ILLEGAL.sub("", value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def clean_field(value: str, *, multiline: bool = False) -> tuple:
    """``(cleaned, n_removed)``: ``value`` without control characters and bidi
    embedding/override/isolate marks. A one-line field (title, source, url, id)
    has its tabs and line breaks turned into spaces; a ``multiline`` one (an
    article's text) keeps tab, line feed, carriage return and form feed."""
    if not value:
        return value, 0
    pattern = _BODY_UNSAFE if multiline else _FIELD_UNSAFE
    n = 0
    if not multiline:
        value, n_ws = re.subn(r"[\t\n\r\f\v]+", " ", value)
    value, n = pattern.subn("", value)
    return value, n


def safe_filename(name: str, default: str = "upload") -> str:
    """A plain file name: no folder part, no NUL or control characters, no leading
    dot, only ``A-Z a-z 0-9 . _ -``, at most :data:`MAX_NAME_CHARS` characters
    (the suffix kept), never a reserved device name."""
    s = unicodedata.normalize("NFKC", str(name or ""))
    s = "".join(c for c in s if c >= " " and c != "\x7f")          # NUL and control characters
    s = re.split(r"[\\/]", s)[-1]                                    # folder parts (both kinds)
    s = re.sub(r"^[A-Za-z]:", "", s)                                 # a drive letter "C:x"
    s = _UNSAFE_CHARS.sub("_", s).strip("._ ")
    s = re.sub(r"\.{2,}", ".", s)
    if not s:
        return default
    stem, dot, suffix = s.rpartition(".")
    if not dot:
        stem, suffix = s, ""
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = suffix[:16]
    keep = MAX_NAME_CHARS - (len(suffix) + 1 if suffix else 0)
    stem = stem[:keep] or default
    return f"{stem}.{suffix}" if suffix else stem


def safe_upload_path(data_dir, filename: str, *, unique: bool = True) -> Path:
    """Where to write an uploaded file called ``filename``: always a plain file
    directly inside ``data_dir`` (created if needed).

    The name goes through :func:`safe_filename`; ``unique`` adds ``-1``, ``-2``
    ... rather than overwrite an existing file. The resolved path is checked to
    lie inside the resolved ``data_dir`` and not to be a symbolic link
    (:class:`InputError` otherwise).
    """
    root = Path(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    name = safe_filename(filename)
    target = root / name
    if unique:
        stem, suffix = target.stem, target.suffix
        n = 1
        while target.exists() or target.is_symlink():
            target = root / f"{stem}-{n}{suffix}"
            n += 1
    if target.is_symlink():
        raise InputError(f"{name}: refused file name (a link already has that name)")
    resolved = target.resolve()
    if resolved.parent != root:
        raise InputError(f"{name}: refused file name (outside the data folder)")
    return resolved


__all__ = ["InputError", "MAX_ARTICLE_BYTES", "MAX_ARTICLE_CHARS", "MAX_UPLOAD_MB", "MAX_UPLOAD_BYTES",
           "LONG_SENTENCE_CHARS", "check_article_size", "check_upload_size", "has_words",
           "longest_sentence", "long_sentence_warning", "safe_filename", "safe_upload_path",
           "human_size", "spreadsheet_cell", "clean_field", "FORMULA_START", "BIDI_CONTROLS"]
