"""The ingest pipeline: readers' articles -> extraction (batches, workers) -> one transaction per
batch in the store, then fusion; articles stored unchanged are skipped (an interrupted ingest resumes).

Ingest is a pipeline of batches. A batch (``batch_size`` articles) is extracted
into Arrow tables by :func:`frontline.ingest.batches.extract_batch` -- in this process, in a pool of
forked processes (``workers`` > 1), or on a Dask worker (frontline.ingest.dask)
-- and written by :func:`frontline.store.write_tables` in one transaction. Batches are written
in input order, so the tables are the same whatever runs the extraction, and
at most a few batches are in flight, so memory stays flat however long the
input stream is.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

from ..fusion.store_fusion import refresh_fusion
from ..models import Article, ArticleEvents
from ..store import writing
from ..store.connection import memory_limit, release_memory
from ..store.reading import StoredFingerprints, fingerprint
from ..store.writing import fusion_pending
from .batches import BatchResult
from .workers import default_workers, extracted_batches

# DuckDB's memory limit while the command line (and the benchmark) ingests: keeps a long ingest flat
DUCKDB_MEMORY = "256MB"


@dataclass
class IngestReport:
    articles: int = 0
    incidents: int = 0
    diplomacy: int = 0
    claims: int = 0
    duplicates: list = field(default_factory=list)   # (new_id, existing_id)
    skipped: list = field(default_factory=list)      # (article_id, error) for extractor failures
    fused: Optional[int] = None                      # fused events, None if fusion unavailable
    seconds: float = 0.0
    workers: int = 1
    write_seconds: float = 0.0                       # time spent writing batches (in this process)
    fusion_seconds: float = 0.0
    new: int = 0                                     # stored articles whose id was not in the store
    replaced: int = 0                                # stored articles that replaced a stored version
    unchanged: int = 0                               # skipped: already stored with the same text and metadata

    def uncount_failed(self, stored: set) -> None:
        """Articles whose extraction failed were counted new or replaced as read; they were not stored."""
        for aid, _ in self.skipped:
            if aid in stored:
                self.replaced -= 1
            else:
                self.new -= 1

    def summary(self, repeated: int = 0, renamed: int = 0) -> str:
        """One line whose counts add up: read = stored (new + replaced) + skipped (``repeated``
        rows of this input + articles already stored unchanged) + failed extraction."""
        s = (f"{self.articles} articles: {self.incidents} incidents, {self.diplomacy} diplomatic events, "
             f"{self.claims} claims")
        if self.fused is not None:
            s += f"; {self.fused} fused events"
        stored = self.new + self.replaced
        read = stored + repeated + self.unchanged + len(self.skipped)
        s += (f"; read {read}: stored {stored} ({self.new} new, {self.replaced} replaced), "
              f"skipped {repeated + self.unchanged} ({repeated} repeated rows, {self.unchanged} already "
              f"stored with the same text), {len(self.skipped)} failed extraction")
        if renamed:
            s += f"; {renamed} second text(s) under a repeated id kept as <id>~2"
        if self.duplicates:
            s += f"; {len(self.duplicates)} duplicates of stored texts"
        return s + f" ({self.seconds:.1f} s)"

    def add(self, res: "BatchResult") -> None:
        self.articles += res.articles
        self.incidents += res.incidents
        self.diplomacy += res.diplomacy
        self.claims += res.claims

def _warm_fusion_imports() -> None:
    """Import what fusion needs (pandas: ~0.3 s) while the workers extract."""
    try:
        import pandas  # noqa: F401
        from ..fusion import clusters  # noqa: F401
    except ImportError:
        pass


def _classify(articles: Iterable[Article], stored, report: "IngestReport", skip_unchanged: bool,
              bar_ref: list, chunk_size: int = 200) -> Iterator[Article]:
    """The articles to extract: unchanged ones skipped (counted, the progress bar moved on),
    the others counted as new or replacing a stored version. ``stored`` is a dict of
    fingerprints or a :class:`StoredFingerprints`, asked ``chunk_size`` articles (a batch) at a
    time, so the input is still read as a stream."""
    import itertools
    articles = iter(articles)
    while True:
        chunk = list(itertools.islice(articles, max(1, chunk_size)))
        if not chunk:
            return
        if hasattr(stored, "lookup"):
            stored.lookup([a.id for a in chunk])
        yield from _classify_chunk(chunk, stored, report, skip_unchanged, bar_ref)


def _classify_chunk(chunk: list, stored, report: "IngestReport", skip_unchanged: bool,
                    bar_ref: list) -> Iterator[Article]:
    for a in chunk:
        old = stored.get(a.id)
        if old is not None and skip_unchanged and old == fingerprint(a):
            report.unchanged += 1
            if bar_ref:
                bar_ref[0].update(1)
            continue
        if old is None:
            report.new += 1
        else:
            report.replaced += 1
        yield a


def ingest_batches(conn, results: Iterable[BatchResult], *, on_error: str = "raise", bar=None,
                   report: Optional[IngestReport] = None) -> IngestReport:
    """Write extracted batches in order (the consumer side of every ingest path)."""
    report = report or IngestReport()
    for res in results:
        if res.skipped and on_error == "raise":
            aid, err = res.skipped[0]
            raise RuntimeError(f"extraction failed for article {aid}: {err}")
        report.skipped.extend(res.skipped)
        if res.tables is not None:
            t = time.perf_counter()
            report.duplicates.extend(writing.write_tables(conn, res.tables))
            report.write_seconds += time.perf_counter() - t
        report.add(res)
        if bar is not None:
            bar.update(res.n_read)
    return report


def ingest(conn, articles: Iterable[Article], *, progress: bool = False, batch_size: int = 200,
           workers: Optional[int] = 1, total: Optional[int] = None,
           extract: Optional[Callable[[Article], ArticleEvents]] = None,
           on_error: str = "raise", fuse: bool = True, duckdb_memory: Optional[str] = None,
           skip_unchanged: bool = True, rebuild_fusion: bool = False) -> IngestReport:
    """Extract and store ``articles`` (streamed, ``batch_size`` per transaction).

    ``workers`` > 1 extracts the batches in that many processes while this one
    writes; ``None`` picks :func:`default_workers` for ``total``. The tables are
    the same as with one. ``on_error="skip"`` reports an article whose
    extraction fails in ``report.skipped`` and leaves its stored version as it
    was; ``"raise"`` rolls back the current batch and re-raises.
    ``duckdb_memory`` ("256MB") caps DuckDB's buffer pool meanwhile (see
    :func:`memory_limit`); the CLI sets it, the dashboard leaves it alone.
    ``skip_unchanged`` skips, without extracting it, an article already stored
    with the same text (content hash) and metadata (``report.unchanged``): running
    an interrupted ingest again resumes it. ``report.new`` / ``report.replaced``
    count the stored articles whose id was new / already stored. Fusion fuses again only
    what the ingest changed; ``rebuild_fusion`` fuses the whole store again (the same result).
    """
    if on_error not in ("raise", "skip"):
        raise ValueError("on_error must be 'raise' or 'skip'")
    if workers is None:
        workers = default_workers(total, batch_size)
    if total is not None and workers > 1:
        # a process per batch at most: forking a pool for one batch costs more than it saves
        workers = min(workers, max(1, -(-total // max(1, batch_size))))
    report = IngestReport(workers=max(1, workers))
    t0 = time.perf_counter()
    bar = None
    stored = StoredFingerprints(conn)
    bar_ref: list = []
    articles = _classify(articles, stored, report, skip_unchanged, bar_ref, batch_size)
    with memory_limit(conn, duckdb_memory):
        results = extracted_batches(articles, extract=extract, workers=workers, batch_size=batch_size,
                                    on_error=on_error, on_start=_warm_fusion_imports if fuse else None)
        try:
            if progress:
                from tqdm import tqdm
                bar = tqdm(total=total, unit="article", file=sys.stderr, desc="ingest", dynamic_ncols=True)
                bar_ref.append(bar)
            ingest_batches(conn, results, on_error=on_error, bar=bar, report=report)
            report.uncount_failed(stored)
        finally:
            results.close()         # stops the workers at once if writing failed
            if bar is not None:
                bar.close()
        if fuse and (report.articles or fusion_pending(conn)):
            t = time.perf_counter()
            if duckdb_memory and report.articles > 5000:
                release_memory(conn)
            report.fused = refresh_fusion(conn, rebuild=rebuild_fusion)
            report.fusion_seconds = time.perf_counter() - t
        elif fuse:
            report.fused = conn.execute("SELECT count(*) FROM fused_incidents").fetchone()[0]
    report.seconds = time.perf_counter() - t0
    return report


