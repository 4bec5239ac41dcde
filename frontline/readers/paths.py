"""Files and folders: the article files a mix of paths names (folders searched, sorted), each read
by the reader of its format, streamed one article per id (:func:`read_paths`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..models import Article
from ..safety import InputError
from .common import ARTICLE_SUFFIXES, CSV_SUFFIXES, JSONL_SUFFIXES, META_SUFFIX, Warn, clean_article
from .csv_files import read_csv
from .ids import IdLedger, unique_ids
from .jsonl import read_jsonl
from .text_files import read_text_file


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


