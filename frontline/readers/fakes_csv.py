"""FA-KES corpus rows: recognised by their columns (``unit_id``, ``article_title``,
``article_content``, ``source``, ``date``, ...), the date in US form."""
from __future__ import annotations

from typing import Optional

from ..models import Article
from .common import _checked_row_text, _warn
from .datelines import parse_us_date, resolve_published

FAKES_COLUMNS = frozenset({"unit_id", "article_title", "article_content", "source", "date"})


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


