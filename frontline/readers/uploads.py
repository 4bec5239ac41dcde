"""Uploads: the bytes of a file uploaded (or text pasted) in the dashboard, checked as the command
line checks files; nothing is written to disk."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import replace
from pathlib import Path
from typing import Optional

from ..models import Article
from ..safety import check_upload_size, safe_filename
from .common import (_SNIFF_BYTES, CSV_SUFFIXES, JSONL_SUFFIXES, Warn, _sniff, _warn, clean_article,
                     first_line)
from .csv_files import _csv_articles
from .datelines import plausible_published, resolve_published
from .ids import IdLedger, unique_ids
from .jsonl import _jsonl_articles
from .text_files import text_of_bytes


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


