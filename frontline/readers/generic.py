"""The generic article record of CSV and JSONL files (``id, title, text, source, published``,
``url`` optional), with the other spellings of those columns accepted."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..models import Article
from .common import _checked_row_text, _warn, first_line
from .datelines import parse_iso_date, parse_us_date, resolve_published

GENERIC_REQUIRED = ("id", "text")
GENERIC_COLUMNS = ("id", "title", "text", "source", "published", "url")
# other spellings accepted for the generic columns
GENERIC_ALIASES = {"article_id": "id", "content": "text", "body": "text",
                   "article_content": "text", "date": "published", "outlet": "source",
                   "headline": "title", "link": "url"}


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


