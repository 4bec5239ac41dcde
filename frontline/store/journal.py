"""Reviews made while another process holds the store, kept until it is free.

DuckDB lets one process at a time open a store for writing, and a command-line
ingest holds it for its whole run. An analyst's review saved meanwhile from the
dashboard is not lost: :func:`queue` appends it, as one JSON line flushed to the
disk, to ``<store>.pending-reviews.jsonl`` beside the store, and the next
writable :func:`frontline.store.connect` (the dashboard's next query, the next
command, or the ingest itself before it finishes) applies every queued review
with the analyst's name and time, in order, and removes the file. A queued
review that can no longer apply (its event is gone) is kept in
``<store>.rejected-reviews.jsonl`` with the reason, never dropped silently.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from pathlib import Path

from .reviews import add_event, record_review

_LOCAL = threading.Lock()


def journal_path(db_path) -> Path:
    return Path(str(db_path) + ".pending-reviews.jsonl")


def rejected_path(db_path) -> Path:
    return Path(str(db_path) + ".rejected-reviews.jsonl")


@contextlib.contextmanager
def _locked(db_path):
    """This process's threads and other processes take turns on the journal."""
    lock = Path(str(db_path) + ".pending-reviews.lock")
    with _LOCAL:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                import fcntl
                fcntl.flock(fd, fcntl.LOCK_EX)
            except ImportError:          # not POSIX: the in-process lock only
                pass
            yield
        finally:
            os.close(fd)


def queue(db_path, entry: dict) -> Path:
    """Append one review (``op``: ``review`` with record_review's arguments, or ``add`` with
    add_event's) to the journal, on the disk before returning; stamped with the time now."""
    entry = dict(entry)
    entry.setdefault("at", dt.datetime.now().isoformat(timespec="seconds"))
    line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
    path = journal_path(db_path)
    with _locked(db_path):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    return path


def pending(db_path) -> int:
    """How many reviews wait in the journal."""
    path = journal_path(db_path)
    if not path.exists():
        return 0
    with open(path, encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())


def apply_pending(conn, db_path) -> int:
    """Apply the queued reviews to the store open on ``conn`` (writable); returns how many.

    Each is committed as :func:`frontline.record_review` / ``add_event`` commit; the
    journal is removed once every entry is applied or set aside."""
    path = journal_path(db_path)
    if not path.exists():
        return 0
    done = 0
    with _locked(db_path):
        if not path.exists():
            return 0
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        for n, line in enumerate(lines):
            try:
                e = json.loads(line)
                if e.get("op") == "add":
                    add_event(conn, e["kind"], e["record"], e["who"], article_id=e.get("article_id"))
                else:
                    at = dt.datetime.fromisoformat(e["at"]) if e.get("at") else None
                    record_review(conn, event_id=e["event_id"], kind=e["kind"], action=e["action"],
                                        field=e.get("field"), new_value=e.get("new_value"), who=e["who"], at=at)
                done += 1
            except (ValueError, KeyError, TypeError) as exc:
                _set_aside(db_path, line, exc)
            except Exception:
                # the store failed (full disk, ...): keep this one and the rest for the next open
                _rewrite(path, lines[n:])
                raise
        path.unlink()
    return done


def _set_aside(db_path, line: str, exc: BaseException) -> None:
    try:
        rec = json.loads(line)
    except ValueError:
        rec = {"raw": line}
    rec["not_applied"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    with open(rejected_path(db_path), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")


def _rewrite(path: Path, lines: list) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(ln + "\n" for ln in lines), encoding="utf-8")
    os.replace(tmp, path)


__all__ = ["queue", "apply_pending", "pending", "journal_path", "rejected_path"]
