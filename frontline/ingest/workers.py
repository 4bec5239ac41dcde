"""Extraction workers: the batches of an article stream extracted in this process or in a pool of
forked processes, yielded in input order with at most a few batches in flight."""
from __future__ import annotations

import os
import sys
from typing import Callable, Iterable, Iterator, Optional

from ..models import Article
from .batches import BatchResult, _batched, extract_batch



def _extract_batch_forked(batch, on_error):
    return extract_batch(batch, _FORK_EXTRACT, on_error)


def default_workers(n_articles: Optional[int], batch_size: int = 200) -> int:
    """Processes worth starting for ``n_articles``: 1 for a batch or less, else
    the processors this process may use (at most 4)."""
    if n_articles is None or n_articles <= batch_size:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def extracted_batches(articles: Iterable[Article], *, extract: Optional[Callable] = None, workers: int = 1,
                      batch_size: int = 200, on_error: str = "raise",
                      on_start: Optional[Callable] = None) -> Iterator[BatchResult]:
    """:class:`BatchResult` of each batch of ``articles``, in input order.

    ``workers`` > 1 forks that many processes; at most ``2 * workers`` batches
    are in flight. ``on_start`` runs once the workers are busy (the parent's
    idle time: ingest imports pandas for fusion there).
    """
    global _FORK_EXTRACT
    batch_size = max(1, batch_size)
    if not workers or workers <= 1 or sys.platform == "win32":
        if on_start:
            on_start()
        for batch in _batched(articles, batch_size):
            yield extract_batch(batch, extract, on_error)
        return
    import collections
    import multiprocessing as mp
    _FORK_EXTRACT = extract
    pool = mp.get_context("fork").Pool(workers)
    done = False
    try:
        pending: collections.deque = collections.deque()
        started = on_start is None
        for batch in _batched(articles, batch_size):
            pending.append(pool.apply_async(_extract_batch_forked, (batch, on_error)))
            if len(pending) >= 2 * workers:
                if not started:          # every worker has its batches: use the wait
                    on_start()
                    started = True
                while len(pending) >= 2 * workers:
                    yield pending.popleft().get()
        if not started:
            on_start()
        while pending:
            yield pending.popleft().get()
        done = True
    finally:
        _FORK_EXTRACT = None
        if done:
            pool.close()
        else:
            pool.terminate()
        pool.join()


