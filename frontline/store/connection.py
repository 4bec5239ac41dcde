"""Opening the store: where it is, one writer at a time (waiting for another process's lock),
a damaged or truncated file found at once, the schema brought up to date, queued reviews applied,
and DuckDB's memory limit while a long ingest runs."""
from __future__ import annotations

import contextlib
import os
import random
import re
import sys
import threading
import time
from pathlib import Path
from typing import Optional

import duckdb

from .errors import (_FILE_HEADER_BYTES, DiskFullError, StoreBusyError, StoreError, damaged, explain_error,
                     is_damage_error, is_disk_full_error, is_lock_error)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DB = Path("data") / "frontline.duckdb"


def check_file_size(conn, path) -> None:
    """Raise :class:`DamagedStoreError` when the file at ``path`` is shorter than the blocks in
    use (a truncated copy, a disk that filled up): found at once, before any query
    reads the missing blocks. Only judged with no write-ahead log beside the file (blocks the log
    holds, or another connection of this process has not yet checkpointed, are not in it)."""
    if Path(str(path) + ".wal").exists():
        return
    try:
        row = conn.execute("SELECT block_size, used_blocks FROM pragma_database_size() "
                           "WHERE database_name = current_database()").fetchone()
        size = Path(path).stat().st_size
    except (duckdb.Error, OSError):
        return
    if row and row[0] and row[1] is not None:
        expected = _FILE_HEADER_BYTES + int(row[0]) * int(row[1])
        if size < expected:
            raise damaged(path, f"truncated: {size:,} bytes of {expected:,}")


def default_db_path() -> Path:
    """``$FRONTLINE_DB``, else ``data/frontline.duckdb`` under the project root."""
    env = os.environ.get("FRONTLINE_DB")
    return Path(env) if env else PROJECT_ROOT / DEFAULT_DB


def apply_queued_reviews(conn, path) -> int:
    """Apply the reviews queued while another process held the store (frontline.store.journal)."""
    from . import journal
    if not journal.journal_path(path).exists():
        return 0
    n = journal.apply_pending(conn, path)
    if n:
        notify(f"{path}: applied {n} review(s) saved while the store was in use by another process")
    return n


def lock_wait_seconds() -> float:
    """How long :func:`connect` waits for another process's lock: ``$FRONTLINE_DB_WAIT``, default 10."""
    try:
        return max(0.0, float(os.environ.get("FRONTLINE_DB_WAIT", "10")))
    except ValueError:
        return 10.0


def connect(path=None, *, read_only: bool = False, wait: Optional[float] = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` (default :func:`default_db_path`).

    DuckDB lets one process at a time open a file for writing. When another
    process holds it, retry with backoff for ``wait`` seconds (default
    :func:`lock_wait_seconds`), then raise :class:`StoreError` saying so.
    Threads of one process share the file (each takes its own ``cursor()``).
    """
    p = Path(path) if path else default_db_path()
    if p.is_dir():
        raise StoreError(f"{p}: is a folder, not a database file")
    if read_only and not p.exists():
        raise StoreError(f"{p}: no such database")
    deadline = time.monotonic() + (lock_wait_seconds() if wait is None else max(0.0, wait))
    delay = 0.02
    while True:
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            with _OPENING:
                conn = duckdb.connect(str(p), read_only=read_only)
            break
        except duckdb.Error as e:
            msg = str(e).splitlines()[0]
            if is_damage_error(str(e)):
                raise damaged(p, msg) from None
            if is_lock_error(msg):
                remaining = deadline - time.monotonic()
                if remaining > 0:      # the last try comes at the deadline: the whole wait is honoured
                    time.sleep(min(remaining, delay * (0.5 + random.random())))
                    delay = min(0.5, delay * 2)
                    continue
                raise StoreBusyError(f"{p}: cannot open the database: the database is in use by another "
                                     "process (close the dashboard or use another --db)") from None
            raise StoreError(f"{p}: cannot open the database: {msg}") from None
        except OSError as e:
            raise StoreError(f"{p}: cannot open the database: {e.strerror or e}") from None
    try:
        check_file_size(conn, p)
        key = _schema_key(p)
        if key not in _SCHEMA_CHECKED:
            from . import migrations
            if read_only:
                version = migrations.stored_version(conn)
                if version > migrations.SCHEMA_VERSION:
                    raise migrations.newer_error(p, version)
            else:
                with _MIGRATING:
                    migrations.upgrade(conn, p, notify=notify)
                _SCHEMA_CHECKED.add(_schema_key(p))
        if not read_only:
            apply_queued_reviews(conn, p)
    except duckdb.Error as e:
        conn.close()
        raise (explain_error(e, p) or e) from None
    except BaseException:
        conn.close()
        raise
    return conn


# one thread at a time brings a store's schema up to date
_MIGRATING = threading.Lock()


def notify(message: str) -> None:
    """Where the store's notes go (a store upgraded, a backup written); the CLI prints them."""
    for fn in list(NOTICE_HANDLERS):
        fn(message)
    if not NOTICE_HANDLERS:
        import logging
        logging.getLogger("frontline.store").warning(message)


NOTICE_HANDLERS: list = []


# one thread at a time opens a database file: DuckDB's Python client shares one database instance
# per file within a process, and a thread that joins an instance another thread is still setting up
# can find it without its Python table functions ("python_arrow_scan does not exist"), seen under load
_OPENING = threading.Lock()

# files whose schema this process has already checked, by (path, inode): a dashboard opening a short
# connection per query checks once; a restored or recreated file (new inode) is checked again
_SCHEMA_CHECKED: set = set()


def _schema_key(p: Path) -> tuple:
    try:
        st = p.stat()
        return (str(p.resolve()), st.st_ino, st.st_dev)
    except OSError:
        return (str(p), None, None)

_SIZE = re.compile(r"\d+(?:\.\d+)?\s*(?:[KMGT]i?B|B|bytes)?", re.IGNORECASE)


@contextlib.contextmanager
def memory_limit(conn, limit: Optional[str]):
    """DuckDB's ``memory_limit`` set to ``limit`` ("256MB") for the block, then restored.

    DuckDB keeps the blocks it writes in its buffer pool up to the limit (by
    default 80% of RAM), so a long ingest grows by the size of the store; a
    limit keeps the process flat (blocks are evicted, they are on disk).
    """
    if not limit:
        yield
        return
    if not _SIZE.fullmatch(str(limit).strip()):
        raise ValueError(f"not a memory size (e.g. 256MB): {limit!r}")
    old = conn.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    conn.execute(f"SET memory_limit = '{str(limit).strip()}'")
    try:
        yield
    finally:
        # the setting reads back rounded ("18.8 GiB"): the default is restored exactly by RESET
        conn.execute("RESET memory_limit")
        if conn.execute("SELECT current_setting('memory_limit')").fetchone()[0] != old:
            conn.execute(f"SET memory_limit = '{old}'")


def release_memory(conn) -> None:
    """Before fusion needs the memory: checkpoint, let DuckDB evict its cached blocks, and
    hand the heap the ingest freed back to the system."""
    try:
        conn.execute("CHECKPOINT")
        with memory_limit(conn, "8MB"):
            pass
    except duckdb.Error:
        pass
    import gc
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass


def checkpoint(conn, db, n_articles: int) -> None:
    """Write what was committed into the store's main file now, so that a full disk is an error and
    not a silent success (DuckDB's checkpoint at close reports nothing); ``n_articles`` (those just
    ingested) is named in the message."""
    try:
        conn.execute("CHECKPOINT")
    except duckdb.Error as e:
        if not is_disk_full_error(str(e)):
            raise
        raise DiskFullError(
            f"{db}: the store's main file could not be written ({str(e).splitlines()[0]}: the disk is full or "
            f"a file size limit was reached); the {n_articles} articles of this ingest are committed in "
            f"its write-ahead log {db}.wal, complete, and reach the main file when there is room: free some "
            "space, then open the store again (any command)") from None
