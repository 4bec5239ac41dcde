"""Ingest on a Dask cluster: workers extract partitions into Parquet, the store loads them.

``python -m frontline ingest PATH --dask tcp://SCHEDULER:8786`` (or ``--dask
local`` for a :class:`distributed.LocalCluster` of worker processes on
127.0.0.1) reads the articles here, as a stream, and sends them to the cluster
in partitions of ``partition_size`` articles. Each worker extracts its
partition with the same :func:`frontline.ingest.batches.extract_batch` as a local
ingest and writes one Parquet file per table::

    <parquet_dir>/<table>/part-<n>.parquet      (articles, incidents, claims, diplomacy)

The store then loads the parts in partition order with DuckDB's
``read_parquet`` and writes each as one transaction, through the same
:func:`frontline.store.write_tables` as a local ingest (replacing re-ingested
articles, marking duplicates), so the tables equal a single-process ingest.
Fusion across articles is computed once, at the end. At most ``2 x workers``
partitions are in flight, so memory stays flat on both sides.

The Parquet folder must be one that the workers can write and this process can
read: on a LocalCluster any local folder; on a real cluster a shared
filesystem. The parts stay there after the load (query them with DuckDB or
pandas, or load them into another store with :func:`load_parquet`).
"""
from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..fusion.store_fusion import refresh_fusion
from ..store.connection import default_db_path, memory_limit, release_memory
from ..store.reading import StoredFingerprints
from ..store.schema import arrow_schema
from .batches import BatchResult, _batched, extract_batch
from .pipeline import IngestReport, _classify, ingest_batches

TABLES = ("articles", "incidents", "claims", "diplomacy")
DEFAULT_LOCAL_WORKERS = 2


class DaskError(RuntimeError):
    """The cluster cannot be reached or its workers' output cannot be read."""


def part_path(parquet_dir, table: str, part: int) -> Path:
    return Path(parquet_dir) / table / f"part-{part:06d}.parquet"


def write_parts(tables: Optional[dict], parquet_dir, part: int) -> dict:
    """Write one partition's Arrow tables (empty ones too, with their schema)."""
    import pyarrow.parquet as pq
    paths = {}
    for name in TABLES:
        t = tables[name] if tables is not None else arrow_schema(name, skip=("ingested_at",)).empty_table()
        path = part_path(parquet_dir, name, part)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(t, tmp)
        os.replace(tmp, path)
        paths[name] = str(path)
    return paths


def extract_partition(articles: list, part: int, parquet_dir: str, extract: Optional[Callable] = None,
                      on_error: str = "skip") -> dict:
    """Run on a Dask worker: extract ``articles`` and write their Parquet parts.

    Returns a small summary (counts, failures, whether tables were written);
    the tables themselves travel through the Parquet files, not the scheduler.
    """
    res = extract_batch(articles, extract, on_error)
    written = res.tables is not None and not (res.skipped and on_error == "raise")
    if written:
        write_parts(res.tables, parquet_dir, part)
    return {"part": part, "n_read": res.n_read, "written": written, "skipped": res.skipped,
            "articles": res.articles, "incidents": res.incidents, "diplomacy": res.diplomacy,
            "claims": res.claims, "worker_pid": os.getpid()}


def read_parts(conn, parquet_dir, part: int) -> dict:
    """One partition's tables, read back with DuckDB's ``read_parquet``."""
    tables = {}
    for name in TABLES:
        path = part_path(parquet_dir, name, part)
        if not path.is_file():
            raise DaskError(f"{path}: a worker's Parquet part is not visible here; give --parquet-dir "
                            "on a filesystem shared by the workers and this machine")
        tables[name] = conn.sql("SELECT * FROM read_parquet($path)", params={"path": str(path)}).to_arrow_table()
    return tables


def _results(summaries: Iterable[dict], conn, parquet_dir) -> Iterator[BatchResult]:
    for s in summaries:
        tables = read_parts(conn, parquet_dir, s["part"]) if s["written"] else None
        yield BatchResult(n_read=s["n_read"], tables=tables, skipped=list(map(tuple, s["skipped"])),
                                articles=s["articles"], incidents=s["incidents"], diplomacy=s["diplomacy"],
                                claims=s["claims"])


def load_parquet(conn, parquet_dir, *, fuse: bool = True) -> IngestReport:
    """Load every partition found in ``parquet_dir`` (in part order) into the store."""
    t0 = time.perf_counter()
    parts = sorted(int(p.stem.split("-")[1]) for p in (Path(parquet_dir) / "articles").glob("part-*.parquet"))
    if not parts:
        raise DaskError(f"{parquet_dir}: no Parquet parts (articles/part-*.parquet)")
    summaries = []
    for part in parts:
        n = conn.execute("SELECT count(*) FROM read_parquet(?)",
                         [str(part_path(parquet_dir, "articles", part))]).fetchall()[0][0]
        summaries.append({"part": part, "n_read": n, "written": True, "skipped": [], "articles": n,
                          "incidents": 0, "diplomacy": 0, "claims": 0})
    report = ingest_batches(conn, _results(summaries, conn, parquet_dir))
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("incidents", "diplomacy",
                                                                                      "claims")}
    report.incidents, report.diplomacy, report.claims = counts["incidents"], counts["diplomacy"], counts["claims"]
    if fuse:
        t = time.perf_counter()
        report.fused = refresh_fusion(conn)
        report.fusion_seconds = time.perf_counter() - t
    report.seconds = time.perf_counter() - t0
    return report


def default_parquet_dir(db_path) -> Path:
    """``parquet/<run>`` beside the database (``data/parquet/<run>`` by default)."""
    run = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
    return Path(db_path).resolve().parent / "parquet" / run


def local_cluster(workers: int = DEFAULT_LOCAL_WORKERS, *, processes: bool = True):
    """A LocalCluster of ``workers`` single-threaded processes on loopback, no dashboard."""
    from distributed import LocalCluster
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, host="127.0.0.1",
                        dashboard_address=None, silence_logs=40)


def _client(address, workers: Optional[int]):
    """(client, cluster or None, own) for ``address``: 'local', a scheduler address, or a Client."""
    from distributed import Client
    if hasattr(address, "submit"):          # already a Client: the caller closes it
        return address, None, False
    if address == "local":
        cluster = local_cluster(workers or DEFAULT_LOCAL_WORKERS)
        return Client(cluster), cluster, True
    try:
        return Client(address, timeout="10s"), None, True
    except OSError as e:
        raise DaskError(f"cannot reach the Dask scheduler at {address}: {e}") from None


def ingest_dask(conn, articles: Iterable, *, address="local", workers: Optional[int] = None,
                partition_size: int = 200, parquet_dir=None, db_path=None, extract: Optional[Callable] = None,
                on_error: str = "raise", fuse: bool = True, progress: bool = False,
                total: Optional[int] = None, log: Optional[Callable[[str], None]] = None,
                duckdb_memory: Optional[str] = None, skip_unchanged: bool = True,
                rebuild_fusion: bool = False) -> IngestReport:
    """Extract ``articles`` on a Dask cluster into Parquet and load it into ``conn``.

    ``address``: ``"local"`` (a LocalCluster of ``workers`` processes, default
    2), ``tcp://HOST:8786``, or a ``distributed.Client``. The tables equal
    :func:`frontline.ingest.pipeline.ingest` of the same articles. ``extract`` must be
    importable on the workers (default: ``frontline.extract.extract_article``).
    """
    if on_error not in ("raise", "skip"):
        raise ValueError("on_error must be 'raise' or 'skip'")
    t0 = time.perf_counter()
    if parquet_dir is None:
        parquet_dir = default_parquet_dir(db_path or default_db_path())
    parquet_dir = Path(parquet_dir).resolve()
    parquet_dir.mkdir(parents=True, exist_ok=True)
    if extract is not None and getattr(extract, "__module__", "") == "frontline.extract" \
            and getattr(extract, "__name__", "") == "extract_article":
        extract = None                       # the workers import it themselves
    client, cluster, own = _client(address, workers)
    report = IngestReport()
    bar = None
    stored = StoredFingerprints(conn)
    bar_ref: list = []
    # as store.ingest: articles stored unchanged are skipped, the others counted new or replacing
    articles = _classify(articles, stored, report, skip_unchanged, bar_ref, partition_size)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        report.workers = n_workers
        if log:
            log(f"frontline: extracting on Dask ({client.scheduler.address}, {n_workers} workers) "
                f"into {parquet_dir}")
        if progress:
            import sys

            from tqdm import tqdm
            bar = tqdm(total=total, unit="article", file=sys.stderr, desc="ingest (dask)", dynamic_ncols=True)
            bar_ref.append(bar)

        def summaries() -> Iterator[dict]:
            pending: deque = deque()
            for part, batch in enumerate(_batched(articles, max(1, partition_size))):
                pending.append(client.submit(extract_partition, batch, part, str(parquet_dir), extract,
                                             on_error, key=f"frontline-extract-{parquet_dir.name}-{part}",
                                             pure=False))
                while len(pending) >= 2 * n_workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

        with memory_limit(conn, duckdb_memory):
            ingest_batches(conn, _results(summaries(), conn, parquet_dir), on_error=on_error, bar=bar,
                                 report=report)
        report.uncount_failed(stored)
    finally:
        if bar is not None:
            bar.close()
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
    if fuse:
        t = time.perf_counter()
        with memory_limit(conn, duckdb_memory):
            if duckdb_memory and report.articles > 5000:
                release_memory(conn)
            report.fused = refresh_fusion(conn, rebuild=rebuild_fusion)   # only what changed, by default
        report.fusion_seconds = time.perf_counter() - t
    report.seconds = time.perf_counter() - t0
    return report


__all__ = ["ingest_dask", "load_parquet", "extract_partition", "write_parts", "read_parts", "local_cluster",
           "part_path", "DaskError", "TABLES"]
