"""Extracting one batch: a batch of articles through the extractor into the store's Arrow tables
(pure: no store, no clock), failures listed or raised as the error policy says."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Sequence

from ..models import Article, ArticleEvents
from ..store.rows import events_to_tables



@dataclass
class BatchResult:
    """What extracting one batch gives: Arrow tables of the latest version of each
    article that extracted, the failures, and counts (every extracted article)."""
    n_read: int
    tables: Optional[dict] = None
    skipped: list = field(default_factory=list)
    articles: int = 0
    incidents: int = 0
    diplomacy: int = 0
    claims: int = 0


def _default_extract(article: Article) -> ArticleEvents:
    from ..extract import extract_article   # lazy: the extractor is optional at import time
    return extract_article(article)


def _batched(it: Iterable, n: int) -> Iterator[list]:
    batch = []
    for x in it:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def _safe_call(extract, article):
    try:
        return extract(article), None
    except Exception as e:   # reported per article by ingest(on_error="skip")
        return None, f"{type(e).__name__}: {e}"


def extract_batch(batch: Sequence[Article], extract: Optional[Callable] = None,
                  on_error: str = "raise") -> BatchResult:
    """Extract ``batch`` into Arrow tables (pure: no store, no clock).

    With ``on_error="raise"`` it stops at the first failure and returns no
    tables (the caller raises); with ``"skip"`` failures are listed and the rest
    is kept. Within a batch the last version of an article wins.
    """
    extract = extract or _default_extract
    res = BatchResult(n_read=len(batch))
    latest: dict = {}
    for art in batch:
        ae, err = _safe_call(extract, art)
        if err is not None:
            res.skipped.append((art.id, err))
            if on_error == "raise":
                return res
            continue
        latest[ae.article.id] = ae
        res.articles += 1
        res.incidents += len(ae.incidents)
        res.diplomacy += len(ae.diplomacy)
        res.claims += sum(len(ev.claims or []) for ev in ae.incidents)
    if latest:
        res.tables = events_to_tables(list(latest.values()))
    return res


# forked workers inherit the extractor from the parent (no pickling of the function)
_FORK_EXTRACT: Optional[Callable] = None

