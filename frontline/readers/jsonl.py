"""JSON-lines files: one object per line with the generic article fields (id, text, ...)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Iterator

from ..models import Article
from ..safety import InputError
from .common import Warn, _decoded_lines, _open_checked
from .generic import GENERIC_ALIASES, _generic_article


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


