"""One article per id within one run: a repeated row skipped, a second text under one id kept as
``<id>~2``, nothing dropped silently; :class:`IdLedger` records what was done."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Iterator, Optional

from ..models import Article
from .common import content_hash


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


