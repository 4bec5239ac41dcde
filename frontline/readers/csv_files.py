"""CSV files: a FA-KES corpus or generic articles (told apart by the header), streamed row by row;
a broken header, missing columns, a row of the wrong width or broken quoting is refused in one line."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Iterator

from ..models import Article
from ..safety import InputError
from .common import Warn, _decoded_lines, _open_checked, _warn
from .fakes_csv import FAKES_COLUMNS, _fakes_article
from .generic import GENERIC_ALIASES, GENERIC_COLUMNS, GENERIC_REQUIRED, _generic_article

# the csv module refuses fields longer than 128 KiB by default; articles can be longer
csv.field_size_limit(max(csv.field_size_limit(), 1 << 28))


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


