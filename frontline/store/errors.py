"""The store's errors: what DuckDB's messages mean (another process's lock, a damaged file, a full
disk) as one-line :class:`StoreError` s, and retrying a transaction that met another writer."""
from __future__ import annotations

import random
import re
import time
from typing import Optional

import duckdb


class StoreError(ValueError):
    """A store that cannot be opened or written (locked, not a database, ...)."""


class StoreBusyError(StoreError):
    """Another process holds the store (DuckDB's file lock) for longer than the wait."""


class DiskFullError(StoreError):
    """A write to the store that did not reach the disk (no space left, a file size limit)."""


class DamagedStoreError(StoreError):
    """A store file that is damaged (truncated, a bad checksum) or not a DuckDB database."""


# DuckDB's words for another process's lock ("Could not set lock on file ...: Conflicting lock is
# held in ... (PID n)"); not a bare "lock", which "Corrupt database file ... in block" also holds
_LOCK_ERROR = re.compile(r"could not set lock|conflicting lock", re.IGNORECASE)
# DuckDB's words for a damaged or foreign file
_DAMAGE_ERROR = re.compile(
    r"corrupt|checksum|could not read enough bytes|not a valid duckdb database|"
    r"failed to read (?:block|database|header)|invalid (?:block|database|header)|"
    r"unexpected end of file|truncated|serializ(?:ation|e) error|no (?:such )?block", re.IGNORECASE)
_FILE_HEADER_BYTES = 3 * 4096        # DuckDB's file header and its two database headers


# a write that did not reach the disk
_DISK_FULL = re.compile(r"no space left|file too large|disk (?:is )?full|quota exceeded|"
                        r"could not write (?:to )?file|could not (?:truncate|extend|sync)", re.IGNORECASE)


def _is_conflict(exc: BaseException) -> bool:
    """A transaction aborted by another writer (a write-write conflict, the same key inserted by
    both), as opposed to one whose write failed (a full disk, a damaged file)."""
    msg = str(exc)
    return not (_DISK_FULL.search(msg) or is_damage_error(msg))


def rollback(conn) -> None:
    """Roll back the current transaction; one DuckDB already ended (a failed commit) is fine."""
    try:
        conn.rollback()
    except duckdb.TransactionException:
        pass


def is_disk_full_error(message: str) -> bool:
    return bool(_DISK_FULL.search(message or ""))


def is_lock_error(message: str) -> bool:
    return bool(_LOCK_ERROR.search(message or ""))


def is_damage_error(message: str) -> bool:
    return bool(_DAMAGE_ERROR.search(message or "")) and not is_lock_error(message)


def damaged(path, detail: str) -> DamagedStoreError:
    """The one-line error for a damaged store: what, which file, what to do."""
    detail = (detail or "").splitlines()[0] if detail else "unreadable"
    detail = re.sub(r"^(?:IO|Invalid Input|Serialization|INTERNAL) Error: ", "", detail)
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return DamagedStoreError(
        f"{path}: the database file is damaged ({detail}); nothing was changed. Restore it from a backup "
        f"with `python -m frontline restore BACKUP --db {path}`, or move it aside to start a new store")


def explain_error(exc: BaseException, path) -> Optional[StoreError]:
    """A :class:`StoreError` for a DuckDB error met while using the store at ``path``
    (damaged file, another process's lock), or ``None`` when it is neither."""
    if isinstance(exc, StoreError):
        return exc
    if not isinstance(exc, duckdb.Error):
        return None
    msg = str(exc)
    if is_disk_full_error(msg):
        detail = re.sub(r"^.*?(?:Failed to commit: )", "", msg.splitlines()[0])
        return DiskFullError(
            f"{path}: a write did not reach the disk ({detail}): the disk is full or a file size limit "
            "was reached. What was being written was rolled back; what was committed before it is "
            "intact. Free some space and run the command again")
    if is_damage_error(msg):
        return damaged(path, msg)
    if is_lock_error(msg):
        return StoreBusyError(f"{path}: the database is in use by another process "
                              "(close the dashboard or use another --db)")
    return None

def _retrying(fn, attempts: int = 10):
    """Run the transaction ``fn``, again after a write-write conflict with another
    connection (another session of the dashboard, a concurrent ingest): DuckDB
    aborts the later writer, which retries with a fresh snapshot (exponential
    backoff with jitter, ~5 s in all)."""
    for i in range(attempts):
        try:
            return fn()
        except (duckdb.TransactionException, duckdb.ConstraintException) as e:
            # only a conflict with another writer is worth another try; a commit that failed
            # because the disk is full (DuckDB says "Failed to commit: Could not write file") is not
            if i == attempts - 1 or not _is_conflict(e):
                raise
            time.sleep(min(1.0, 0.01 * 2 ** i) * (0.5 + random.random()))

