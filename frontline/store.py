"""The DuckDB store: schema, ingest, reviews (audit log), backup and restore.

One :func:`connect` creates the file and the schema idempotently. Ingest
extracts each article, turns its events into Arrow tables
(:func:`events_to_frames` gives the same as DataFrames) and writes each batch
in one transaction: the articles' previous rows are deleted and the new ones
bulk-inserted, so re-ingesting an article replaces its events. Fusion across
articles is recomputed once at the end.

Analyst reviews live apart from extracted rows (table ``reviews``, keyed by
the deterministic event id ``<article_id>:i<n>`` / ``:d<n>``; analyst-added
events in ``added_incidents`` / ``added_diplomacy``), so they survive
re-ingest. The views ``v_incidents`` / ``v_diplomacy`` apply them: the latest
edit of each (event, field) overlays the field, rejected events are hidden,
added events are appended. ``v_incidents_all`` / ``v_diplomacy_all`` keep the
rejected rows with ``rejected = TRUE``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import random
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Sequence

import duckdb
import pyarrow as pa

from .articles import content_hash
from .models import Article, ArticleEvents, Diplomacy, Incident, Span

if TYPE_CHECKING:     # pandas is imported where it is used: `ingest` does not need it until fusion
    import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path("data") / "frontline.duckdb"


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


# --------------------------------------------------------------------------- schema
# (column, SQL type, meaning); the single source of the DDL, the Arrow schemas
# and docs/SCHEMA.md (see schema_markdown()).

_EVENT_DATE_COLUMNS = [
    ("event_date", "VARCHAR", "when it happened: YYYY-MM-DD, YYYY-MM, or NULL if unresolved"),
    ("date_precision", "VARCHAR", "day | month | unknown"),
    ("day", "DATE", "event_date as a date when it is day-precise, else NULL"),
]
_EVIDENCE_COLUMNS = [
    ("evidence", "VARCHAR", "the sentence(s) the event was read from, joined by spaces"),
    ("evidence_start", "INTEGER", "character offset of the first evidence sentence in the article text"),
    ("evidence_end", "INTEGER", "end offset (exclusive) of the first evidence sentence"),
    ("evidence_spans", "JSON", "every evidence sentence as [[start, end], ...] offsets into the article text"),
]

SCHEMA: dict = {
    "articles": [
        ("article_id", "VARCHAR PRIMARY KEY", "the file's stem, FA-KES unit_id, or the id column"),
        ("title", "VARCHAR", "headline (metadata, else the first line of the text)"),
        ("source", "VARCHAR", "publishing outlet (CNN, sana, alaraby, ...)"),
        ("url", "VARCHAR", "where it was published, if known"),
        ("published", "DATE", "publication date; NULL when unknown (relative dates then stay unresolved)"),
        ("published_from", "VARCHAR", "where published came from: dateline (the text's own), metadata, or empty"),
        ("n_chars", "INTEGER", "length of the text in characters"),
        ("content_hash", "VARCHAR", "sha256 of the normalised text (NFKC, case-folded, white space collapsed)"),
        ("duplicate_of", "VARCHAR", "article_id of an earlier article with the same text, else NULL"),
        ("text", "VARCHAR", "the article text; evidence offsets index into it"),
        ("ingested_at", "TIMESTAMP DEFAULT current_timestamp", "when the article was last ingested"),
        ("source_id", "VARCHAR", "the id in the input; article_id is <source_id>~2, ~3 ... for a second, "
                                 "third different text under one id in one ingest"),
    ],
    "incidents": [
        ("event_id", "VARCHAR PRIMARY KEY", "<article_id>:i<n>, n = 1, 2, ... in extraction order"),
        ("article_id", "VARCHAR", "the article it was read from"),
        ("outlet", "VARCHAR", "the article's source (publishing outlet)"),
        *_EVENT_DATE_COLUMNS,
        ("event_type", "VARCHAR", "airstrike | shelling | bombing | clashes | chemical | violence_against_civilians | other"),
        ("actor", "VARCHAR", "perpetrator: government | russia | rebels | isis | coalition | kurdish | turkey | NULL"),
        ("side", "VARCHAR", "east | west | city | outside | NULL (where, relative to Aleppo's front line)"),
        ("location", "VARCHAR", "the most precise place named (canonical gazetteer name)"),
        ("place_id", "VARCHAR", "gazetteer id of location"),
        ("lat", "DOUBLE", "latitude (WGS84) of location"),
        ("lon", "DOUBLE", "longitude (WGS84) of location"),
        ("geo_precision", "VARCHAR", "neighbourhood | site | town | side | city | governorate | country"),
        ("killed", "BIGINT", "people killed (best figure); NULL when not stated or vague"),
        ("killed_low", "BIGINT", "lower bound of killed"),
        ("killed_high", "BIGINT", "upper bound of killed (NULL when open-ended)"),
        ("killed_qualifier", "VARCHAR", "exact | at_least | more_than | up_to | nearly | about | vague"),
        ("injured", "BIGINT", "people injured (best figure)"),
        ("injured_low", "BIGINT", "lower bound of injured"),
        ("injured_high", "BIGINT", "upper bound of injured"),
        ("children_killed", "BIGINT", "children among the killed"),
        ("women_killed", "BIGINT", "women among the killed"),
        ("source", "VARCHAR", "who the article attributes the figures to (SOHR, White Helmets, SANA, ...)"),
        ("implausible", "BOOLEAN", "a toll too large to be one incident: kept, flagged, not summed"),
        *_EVIDENCE_COLUMNS,
        ("cluster_id", "VARCHAR", "fused event this report belongs to (same incident across articles)"),
    ],
    "claims": [
        ("event_id", "VARCHAR", "the incident the claim belongs to"),
        ("claim_no", "INTEGER", "1, 2, ... within the incident"),
        ("article_id", "VARCHAR", "the article it was read from"),
        ("source", "VARCHAR", "who gives these figures"),
        ("killed", "BIGINT", "killed according to this source"),
        ("killed_low", "BIGINT", "lower bound"),
        ("killed_high", "BIGINT", "upper bound"),
        ("killed_qualifier", "VARCHAR", "exact | at_least | more_than | up_to | nearly | about | vague"),
        ("injured", "BIGINT", "injured according to this source"),
        ("injured_low", "BIGINT", "lower bound"),
        ("injured_high", "BIGINT", "upper bound"),
        ("children_killed", "BIGINT", "children among the killed"),
        ("women_killed", "BIGINT", "women among the killed"),
        ("evidence", "VARCHAR", "the sentence stating the figures"),
        ("evidence_start", "INTEGER", "its start offset in the article text"),
        ("evidence_end", "INTEGER", "its end offset (exclusive)"),
    ],
    "diplomacy": [
        ("event_id", "VARCHAR PRIMARY KEY", "<article_id>:d<n>, n = 1, 2, ... in extraction order"),
        ("article_id", "VARCHAR", "the article it was read from"),
        ("outlet", "VARCHAR", "the article's source (publishing outlet)"),
        *_EVENT_DATE_COLUMNS,
        ("event_type", "VARCHAR", "meeting | call | un_action | visit | agreement | proposal | accusation"),
        ("actors", "VARCHAR[]", "the parties, normalised (United States, Russia, United Nations, ...)"),
        ("location", "VARCHAR", "city where it happens, if stated"),
        ("status", "VARCHAR", "happened | scheduled | cancelled"),
        *_EVIDENCE_COLUMNS,
        ("cluster_id", "VARCHAR", "fused diplomatic event (same event across articles), if computed"),
    ],
    "fused_incidents": [
        ("cluster_id", "VARCHAR PRIMARY KEY", "id of the fused event"),
        ("day", "DATE", "day of the event"),
        ("event_type", "VARCHAR", "event type agreed by the reports"),
        ("actor", "VARCHAR", "perpetrator agreed by the reports (contested: see grade)"),
        ("side", "VARCHAR", "east | west | city | outside"),
        ("location", "VARCHAR", "most precise place named by the reports"),
        ("lat", "DOUBLE", "latitude"),
        ("lon", "DOUBLE", "longitude"),
        ("killed_low", "BIGINT", "lowest killed figure across claims"),
        ("killed_best", "BIGINT", "best killed figure across claims"),
        ("killed_high", "BIGINT", "highest killed figure across claims"),
        ("injured_low", "BIGINT", "lowest injured figure"),
        ("injured_best", "BIGINT", "best injured figure"),
        ("injured_high", "BIGINT", "highest injured figure"),
        ("children_killed", "BIGINT", "children among the killed (best)"),
        ("n_articles", "INTEGER", "number of articles reporting it"),
        ("n_outlets", "INTEGER", "number of distinct outlets reporting it"),
        ("outlets", "VARCHAR[]", "the outlets"),
        ("grade", "VARCHAR", "single source | corroborated | contested (in the spirit of Airwars)"),
        ("event_ids", "VARCHAR[]", "the per-article incidents fused into it"),
    ],
    "reviews": [
        ("review_id", "BIGINT PRIMARY KEY", "1, 2, ... in the order reviews were made"),
        ("event_id", "VARCHAR NOT NULL", "the reviewed event (extracted or added)"),
        ("kind", "VARCHAR NOT NULL", "incident | diplomacy"),
        ("action", "VARCHAR NOT NULL", "edit | reject | restore | add"),
        ("field", "VARCHAR", "edited field (edit only)"),
        ("old_value", "VARCHAR", "the value before the edit (as shown, reviews applied), as text"),
        ("new_value", "VARCHAR", "the new value as text (lists as JSON; added events: the record as JSON)"),
        ("who", "VARCHAR NOT NULL", "the analyst"),
        ("at", "TIMESTAMP NOT NULL DEFAULT current_timestamp", "when"),
    ],
}
_ADDED_EXTRA = [("added_by", "VARCHAR", "analyst who added the event"),
                ("added_at", "TIMESTAMP DEFAULT current_timestamp", "when it was added")]
SCHEMA["added_incidents"] = list(SCHEMA["incidents"]) + _ADDED_EXTRA
SCHEMA["added_diplomacy"] = list(SCHEMA["diplomacy"]) + _ADDED_EXTRA

# the store's own bookkeeping (frontline.migrations): not data, not exported, not counted
META_SCHEMA: dict = {
    "schema_version": [
        ("version", "INTEGER NOT NULL", "schema version reached by this step (frontline.migrations)"),
        ("applied_at", "TIMESTAMP", "when the step ran"),
        ("note", "VARCHAR", "what the step did"),
    ],
    "store_state": [
        ("key", "VARCHAR PRIMARY KEY", "ddl: fingerprint of the schema the store was set up with; "
                                       "fusion_pending: an ingest wrote articles whose fusion has not run"),
        ("value", "VARCHAR", "its value"),
    ],
}

INDEXES = [("incidents", "day"), ("incidents", "side"), ("incidents", "article_id"),
           ("claims", "event_id"), ("claims", "article_id"),
           ("diplomacy", "day"), ("diplomacy", "article_id"), ("articles", "content_hash")]
EVENT_TABLES = ("incidents", "claims", "diplomacy")
VIEWS = ("v_incidents", "v_incidents_all", "v_diplomacy", "v_diplomacy_all")
READABLE = tuple(SCHEMA) + VIEWS

_ARROW = {"VARCHAR": pa.string(), "JSON": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
          "DOUBLE": pa.float64(), "DATE": pa.date32(), "BOOLEAN": pa.bool_(),
          "VARCHAR[]": pa.list_(pa.string()), "TIMESTAMP": pa.timestamp("us")}


def _base_type(sql_type: str) -> str:
    return sql_type.split(" ")[0]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def arrow_schema(table: str, skip: Sequence = ()) -> pa.Schema:
    return pa.schema([(n, _ARROW[_base_type(t)]) for n, t, _ in SCHEMA[table] if n not in skip])


def schema_markdown() -> str:
    """docs/SCHEMA.md: one table per store table (column, type, meaning)."""
    out = ["# Frontline data schema", "",
           "Generated from `frontline.store.SCHEMA` (`python -c 'from frontline.store import "
           "schema_markdown; print(schema_markdown())'`).", "",
           "Views: `v_incidents` / `v_diplomacy` are `incidents` / `diplomacy` plus the analyst-added "
           "events, with the latest edit of each field applied and rejected events hidden; they add the "
           "columns `added` (analyst-added) and `reviewed` (has an edit). `v_incidents_all` / "
           "`v_diplomacy_all` keep rejected events, flagged `rejected`.", ""]
    for table, cols in {**SCHEMA, **META_SCHEMA}.items():
        out += [f"## `{table}`", "", "| column | type | meaning |", "|---|---|---|"]
        for name, sql_type, meaning in cols:
            cell = meaning.replace("|", "&#124;").replace("<", "&lt;").replace(">", "&gt;")
            out.append(f"| `{name}` | {_base_type(sql_type)} | {cell} |")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- views

# editable fields and their SQL types (the view casts the review's text to them)
EDITABLE = {
    "incident": {n: _base_type(t) for n, t, _ in SCHEMA["incidents"]
                 if n not in ("event_id", "article_id", "outlet", "day", "evidence", "evidence_start",
                              "evidence_end", "evidence_spans", "cluster_id")},
    "diplomacy": {n: _base_type(t) for n, t, _ in SCHEMA["diplomacy"]
                  if n not in ("event_id", "article_id", "outlet", "day", "evidence", "evidence_start",
                               "evidence_end", "evidence_spans", "cluster_id")},
}
KIND_TABLE = {"incident": "incidents", "diplomacy": "diplomacy"}
ACTIONS = ("edit", "reject", "restore", "add")


def _cast(expr: str, sql_type: str) -> str:
    if sql_type == "VARCHAR":
        return expr
    if sql_type == "VARCHAR[]":
        return f"TRY_CAST(TRY_CAST({expr} AS JSON) AS VARCHAR[])"
    return f"TRY_CAST({expr} AS {sql_type})"


def _view_sql(kind: str) -> str:
    table = KIND_TABLE[kind]
    cols = [n for n, _, _ in SCHEMA[table]]
    editable = EDITABLE[kind]
    pivots = ",\n".join(
        f"bool_or(field = '{f}') AS {_q('has_' + f)}, "
        f"max(new_value) FILTER (WHERE field = '{f}') AS {_q('nv_' + f)}" for f in editable)
    select = []
    for c in cols:
        if c in editable:
            select.append(f"CASE WHEN p.{_q('has_' + c)} THEN {_cast('p.' + _q('nv_' + c), editable[c])} "
                          f"ELSE u.{_q(c)} END AS {_q(c)}")
        elif c == "day":
            select.append("CASE WHEN p.has_event_date THEN TRY_CAST(CASE WHEN length(p.nv_event_date) = 10 "
                          "THEN p.nv_event_date END AS DATE) ELSE u.day END AS day")
        else:
            select.append(f"u.{_q(c)}")
    # an edited date without an edited precision gets the precision its form implies
    select = [s if not s.endswith('AS "date_precision"') else
              "CASE WHEN p.has_date_precision THEN p.nv_date_precision "
              "WHEN p.has_event_date THEN CASE length(coalesce(p.nv_event_date, '')) WHEN 10 THEN 'day' "
              "WHEN 7 THEN 'month' ELSE 'unknown' END ELSE u.date_precision END AS date_precision"
              for s in select]
    col_list = ", ".join(_q(c) for c in cols)
    return f"""
    WITH u AS (
        SELECT {col_list}, FALSE AS added FROM {table}
        UNION ALL
        SELECT {col_list}, TRUE AS added FROM added_{table}
    ), latest_edit AS (
        SELECT event_id, field, new_value,
               row_number() OVER (PARTITION BY event_id, field ORDER BY review_id DESC) AS rn
        FROM reviews WHERE kind = '{kind}' AND action = 'edit'
    ), p AS (
        SELECT event_id,
        {pivots}
        FROM latest_edit WHERE rn = 1 GROUP BY event_id
    ), status AS (
        SELECT event_id, arg_max(action, review_id) = 'reject' AS rejected
        FROM reviews WHERE kind = '{kind}' AND action IN ('reject', 'restore') GROUP BY event_id
    )
    SELECT {", ".join(select)}, u.added, (p.event_id IS NOT NULL) AS reviewed,
           coalesce(s.rejected, FALSE) AS rejected
    FROM u LEFT JOIN p ON p.event_id = u.event_id LEFT JOIN status s ON s.event_id = u.event_id
    """


# --------------------------------------------------------------------------- connect

def _ddl(table: str) -> str:
    cols = ", ".join(f"{_q(n)} {t}" for n, t, _ in {**SCHEMA, **META_SCHEMA}[table])
    return f"CREATE TABLE IF NOT EXISTS {table} ({cols})"


def create_tables(conn) -> None:
    """Create missing tables, columns and indexes (in the caller's transaction; nothing dropped)."""
    tables = {**SCHEMA, **META_SCHEMA}
    for table in tables:
        conn.execute(_ddl(table))
    existing = {}
    for t, c in conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                             "WHERE table_schema = 'main' AND table_catalog = current_database()").fetchall():
        existing.setdefault(t, set()).add(c)
    for table, cols in tables.items():
        for name, sql_type, _ in cols:
            if name not in existing.get(table, {name}):
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {_q(name)} "
                             f"{sql_type.replace(' PRIMARY KEY', '').replace(' NOT NULL', '')}")
    for table, col in INDEXES:
        conn.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_{col} ON {table}({_q(col)})")


def create_views(conn) -> None:
    """(Re)create the reviewed views (in the caller's transaction)."""
    for kind in KIND_TABLE:
        table = KIND_TABLE[kind]
        conn.execute(f"CREATE OR REPLACE VIEW v_{table}_all AS {_view_sql(kind)}")
        conn.execute(f"CREATE OR REPLACE VIEW v_{table} AS "
                     f"SELECT * EXCLUDE (rejected) FROM v_{table}_all WHERE NOT rejected")


def ensure_schema(conn) -> None:
    """Create missing tables, columns, indexes, and (re)create the views, in one transaction
    (what :func:`frontline.migrations.upgrade` runs when the code's schema changed)."""
    conn.begin()
    try:
        create_tables(conn)
        create_views(conn)
        conn.commit()
    except BaseException:
        rollback(conn)
        raise


def apply_queued_reviews(conn, path) -> int:
    """Apply the reviews queued while another process held the store (frontline.journal)."""
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


def read_table(conn, name: str) -> "pd.DataFrame":
    """A whole table or view as a DataFrame (``name`` must be one of the store's)."""
    if name not in READABLE:
        raise ValueError(f"unknown table {name!r}; one of {', '.join(READABLE)}")
    order = {"articles": "article_id", "reviews": "review_id", "fused_incidents": "cluster_id",
             "claims": "event_id, claim_no"}.get(name, "event_id")
    return conn.execute(f"SELECT * FROM {name} ORDER BY {order}").df()


def row_counts(conn) -> dict:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SCHEMA}


# --------------------------------------------------------------------------- frames

_INT64 = (-(1 << 63), (1 << 63) - 1)


def _int(v):
    if v is None or isinstance(v, bool):
        return None if v is None else int(v)
    try:
        v = int(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return v if _INT64[0] <= v <= _INT64[1] else None


def _float(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _day(event_date) -> Optional[dt.date]:
    if not event_date or len(str(event_date)) != 10:
        return None
    try:
        return dt.date.fromisoformat(str(event_date))
    except ValueError:
        return None


def _spans(ev) -> tuple:
    spans = list(getattr(ev, "spans", None) or [])
    first = spans[0] if spans else None
    return (first.start if first else None, first.end if first else None,
            json.dumps([[s.start, s.end] for s in spans]))


def incident_row(ev: Incident, event_id: str, article: Optional[Article]) -> dict:
    start, end, spans = _spans(ev)
    return {
        "event_id": event_id, "article_id": article.id if article else ev.article_id,
        "outlet": article.source if article else None,
        "event_date": ev.event_date, "date_precision": ev.date_precision, "day": _day(ev.event_date),
        "event_type": ev.event_type, "actor": ev.actor, "side": ev.side, "location": ev.location,
        "place_id": ev.place_id, "lat": _float(ev.lat), "lon": _float(ev.lon),
        "geo_precision": ev.geo_precision,
        "killed": _int(ev.killed), "killed_low": _int(ev.killed_low), "killed_high": _int(ev.killed_high),
        "killed_qualifier": ev.killed_qualifier, "injured": _int(ev.injured),
        "injured_low": _int(ev.injured_low), "injured_high": _int(ev.injured_high),
        "children_killed": _int(ev.children_killed), "women_killed": _int(ev.women_killed),
        "source": ev.source, "implausible": bool(ev.implausible),
        "evidence": ev.evidence, "evidence_start": start, "evidence_end": end, "evidence_spans": spans,
        "cluster_id": None,
    }


def claim_rows(ev: Incident, event_id: str, article_id: str) -> list:
    rows = []
    for n, c in enumerate(ev.claims or [], 1):
        span = c.span
        rows.append({
            "event_id": event_id, "claim_no": n, "article_id": article_id, "source": c.source,
            "killed": _int(c.killed), "killed_low": _int(c.killed_low), "killed_high": _int(c.killed_high),
            "killed_qualifier": c.killed_qualifier, "injured": _int(c.injured),
            "injured_low": _int(c.injured_low), "injured_high": _int(c.injured_high),
            "children_killed": _int(c.children_killed), "women_killed": _int(c.women_killed),
            "evidence": span.text if span else None, "evidence_start": span.start if span else None,
            "evidence_end": span.end if span else None,
        })
    return rows


def diplomacy_row(ev: Diplomacy, event_id: str, article: Optional[Article]) -> dict:
    start, end, spans = _spans(ev)
    return {
        "event_id": event_id, "article_id": article.id if article else ev.article_id,
        "outlet": article.source if article else None,
        "event_date": ev.event_date, "date_precision": ev.date_precision, "day": _day(ev.event_date),
        "event_type": ev.event_type, "actors": [str(a) for a in (ev.actors or [])],
        "location": ev.location, "status": ev.status,
        "evidence": ev.evidence, "evidence_start": start, "evidence_end": end, "evidence_spans": spans,
        "cluster_id": None,
    }


def article_row(a: Article) -> dict:
    return {"article_id": a.id, "title": a.title, "source": a.source, "url": a.url,
            "published": a.published, "published_from": a.published_from, "n_chars": len(a.text),
            "content_hash": content_hash(a.text), "duplicate_of": None, "text": a.text,
            "source_id": getattr(a, "source_id", "") or a.id}


def event_ids(article_id: str, kind: str, n: int) -> list:
    """Deterministic ids: ``<article_id>:i1``, ``:i2`` ... (``d`` for diplomacy)."""
    letter = "i" if kind == "incident" else "d"
    return [f"{article_id}:{letter}{k}" for k in range(1, n + 1)]


def events_to_tables(events: Iterable[ArticleEvents]) -> dict:
    """Arrow tables ``articles, incidents, claims, diplomacy`` for a list of ArticleEvents.

    Pure: no clock (``ingested_at`` is set by the database), no store.
    """
    rows = {"articles": [], "incidents": [], "claims": [], "diplomacy": []}
    for ae in events:
        a = ae.article
        rows["articles"].append(article_row(a))
        for ev, eid in zip(ae.incidents, event_ids(a.id, "incident", len(ae.incidents))):
            rows["incidents"].append(incident_row(ev, eid, a))
            rows["claims"].extend(claim_rows(ev, eid, a.id))
        for ev, eid in zip(ae.diplomacy, event_ids(a.id, "diplomacy", len(ae.diplomacy))):
            rows["diplomacy"].append(diplomacy_row(ev, eid, a))
    out = {}
    for name, rs in rows.items():
        schema = arrow_schema(name, skip=("ingested_at",))
        out[name] = pa.Table.from_pylist(rs, schema=schema)
    return out


def events_to_frames(events: Iterable[ArticleEvents]) -> dict:
    """DataFrames ``articles, incidents, claims, diplomacy`` (nullable Arrow dtypes)."""
    import pandas as pd
    return {k: t.to_pandas(types_mapper=pd.ArrowDtype) for k, t in events_to_tables(events).items()}


# --------------------------------------------------------------------------- ingest
#
# Ingest is a pipeline of batches. A batch (``batch_size`` articles) is extracted
# into Arrow tables by :func:`extract_batch` -- in this process, in a pool of
# forked processes (``workers`` > 1), or on a Dask worker (frontline.distributed)
# -- and written by :func:`write_tables` in one transaction. Batches are written
# in input order, so the tables are the same whatever runs the extraction, and
# at most a few batches are in flight, so memory stays flat however long the
# input stream is.

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
    from .extract import extract_article   # lazy: the extractor is optional at import time
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


def _mark_duplicates(conn, arts: pa.Table) -> tuple:
    """Fill ``duplicate_of`` of a batch's articles; returns (table, [(new, existing)])."""
    conn.register("_fl_new_articles", arts.select(["article_id", "content_hash"]))
    try:
        found = dict(conn.execute("""
            SELECT b.article_id, min(coalesce(a.duplicate_of, a.article_id))
            FROM _fl_new_articles b JOIN articles a
              ON a.content_hash = b.content_hash AND a.article_id <> b.article_id
             AND coalesce(a.duplicate_of, '') <> b.article_id
            WHERE a.article_id NOT IN (SELECT article_id FROM _fl_new_articles)
            GROUP BY b.article_id""").fetchall())
    finally:
        conn.unregister("_fl_new_articles")
    first_of_hash: dict = {}
    dup_col, pairs = [], []
    for aid, h in zip(arts.column("article_id").to_pylist(), arts.column("content_hash").to_pylist()):
        original = found.get(aid)
        if original is None and h in first_of_hash and first_of_hash[h] != aid:
            original = first_of_hash[h]
        first_of_hash.setdefault(h, original or aid)
        dup_col.append(original)
        if original:
            pairs.append((aid, original))
    idx = arts.schema.get_field_index("duplicate_of")
    arts = arts.set_column(idx, "duplicate_of", pa.array(dup_col, pa.string()))
    return arts, pairs


def _delete_articles(conn, ids: list) -> None:
    """Delete the stored rows of the articles ``ids`` (only those already stored)."""
    present = [r[0] for r in conn.execute(
        "SELECT article_id FROM articles WHERE list_contains(?::VARCHAR[], article_id)", [ids]).fetchall()]
    if not present:
        return      # a fresh batch: nothing to scan
    for table in ("claims", "incidents", "diplomacy", "articles"):
        conn.execute(f"DELETE FROM {table} WHERE list_contains(?::VARCHAR[], article_id)", [present])


def _insert_tables(conn, tables: dict) -> None:
    for name in ("articles", "incidents", "claims", "diplomacy"):
        t = tables[name]
        if t.num_rows:
            conn.register("_fl_insert", t)
            try:
                conn.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _fl_insert")
            finally:
                conn.unregister("_fl_insert")


def write_tables(conn, tables: dict) -> list:
    """Store a batch's Arrow tables (one version per article, as :func:`extract_batch`
    gives them) in one transaction, replacing the articles' previous rows;
    returns the (new_id, existing_id) duplicate pairs. A write-write conflict
    with another connection retries the whole transaction."""
    def run():
        conn.begin()
        try:
            arts, pairs = _mark_duplicates(conn, tables["articles"])
            _delete_articles(conn, arts.column("article_id").to_pylist())
            _insert_tables(conn, dict(tables, articles=arts))
            _set_fusion_pending(conn, True)
            conn.commit()
        except BaseException:
            rollback(conn)
            raise
        return pairs

    return _retrying(run)


def write_events(conn, events: list) -> list:
    """Store a batch of ArticleEvents in one transaction (replacing the articles'
    previous rows); returns the (new_id, existing_id) duplicate pairs."""
    # the last version of an article within a batch wins
    latest = {}
    for ae in events:
        latest[ae.article.id] = ae
    return write_tables(conn, events_to_tables(list(latest.values())))


def _as_list(v) -> Optional[list]:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, str):
        return [x.strip() for x in v.split(",") if x.strip()]
    return [str(x) for x in v]


# incident columns frontline.fusion.fuse_incidents documents needing; the long texts are never read
# back for fusion (at 100k articles a full-width frame of incidents as dicts costs ~1 GB)
FUSION_COLUMNS = ("event_id", "article_id", "outlet", "day", "event_type", "actor", "side", "place_id",
                  "geo_precision", "location", "lat", "lon", "killed", "injured", "children_killed",
                  "implausible")
_NOT_FOR_FUSION = ("evidence", "evidence_spans")


def _fusion_frame(conn, fusion, full: bool = False):
    """The incidents fusion reads, text columns as Python objects, equal strings shared.

    ``fuse_incidents`` turns the frame into one dict per row; from pandas' Arrow-backed
    strings every cell would become a new str object (~60 bytes each, ~150 MB at 300k
    incidents); from object columns of shared strings the dicts point at the same few.
    """
    import pandas as pd
    cols = getattr(fusion, "FUSION_INPUT_COLUMNS", None) or FUSION_COLUMNS
    if full:
        cols = [n for n, _, _ in SCHEMA["incidents"] if n not in _NOT_FOR_FUSION]
    df = conn.execute(f"SELECT {', '.join(_q(c) for c in cols)} FROM incidents ORDER BY event_id").df()
    for c in df.columns:
        if isinstance(df[c].dtype, pd.StringDtype) or df[c].dtype == object:
            shared: dict = {}
            df[c] = pd.Series([shared.setdefault(v, v) if isinstance(v, str) else None
                               for v in df[c].tolist()], index=df.index, dtype=object)
    return df


STORY_WINDOW_ARTICLES = 2000
STORY_FETCH_ARTICLES = 10_000


def _window_stories(conn, fusion, members):
    """(window, its rows of ``members``, ``fusion.story_ids`` of its articles) for each window in order.

    An article often reports events of several windows. With a ``fusion`` that
    takes its ``shingle_array`` back (``story_ids(..., shingled=)``), each article's
    text is read once -- for the windows of about ``STORY_FETCH_ARTICLES`` new
    articles at a time -- and its shingles are kept, as a small array, until its
    last window. Articles missing from the table are left out, as the query does.
    """
    import inspect

    import pandas as pd
    windows = members.groupby("window", sort=True)
    if not (hasattr(fusion, "shingle_array") and "shingled" in inspect.signature(fusion.story_ids).parameters):
        for w, rows in windows:
            ids = sorted(set(rows["article_id"]))
            arts = conn.execute("SELECT article_id, text FROM articles WHERE list_contains(?::VARCHAR[], "
                                "article_id) ORDER BY article_id", [ids]).df()
            yield w, rows, fusion.story_ids(arts)
        return
    span = members.groupby("article_id")["window"].agg(["min", "max"])
    last = span["max"].to_dict()
    new_in = span.groupby("min").groups                  # window -> the articles it reports first
    order = sorted(windows.groups)
    shingled: dict = {}                                  # article -> its shingles, as uint32
    unread = 0                                           # the first window of ``order`` not read yet
    for at, (w, rows) in enumerate(windows):
        if at == unread:
            ids = []
            while unread < len(order) and len(ids) < STORY_FETCH_ARTICLES:
                ids += list(new_in.get(order[unread], ()))
                unread += 1
            for aid, text in conn.execute("SELECT article_id, text FROM articles WHERE article_id IN "
                                          "(SELECT unnest(?::VARCHAR[]))", [ids]).fetchall():
                shingled[aid] = fusion.shingle_array(text)
        ids = sorted(a for a in set(rows["article_id"]) if a in shingled)
        arts = pd.DataFrame({"article_id": pd.Series(ids, dtype=object), "text": None})
        yield w, rows, fusion.story_ids(arts, shingled={a: shingled[a] for a in ids})
        for a in ids:
            if last[a] == w:
                del shingled[a]


def _story_corrections(conn, fusion, df, cluster_ids, fused, window_articles: Optional[int] = None):
    """Fused rows regraded with the duplicate stories among the reports of multi-article events.

    ``fusion.story_ids`` over every article at once holds ~25 kB of shingles per
    article (2.4 GB at 100k articles). Stories only change the grade of a fused
    event reported by two or more articles of two or more outlets (one wire copy
    under two outlets is not corroboration), so they are computed over the
    articles of those events only, in windows of consecutive days of about
    ``window_articles`` articles (one ``story_ids`` call each; the whole corpus
    is one window up to that size), and only the events whose reports turn out
    to share a story are fused again -- by ``fuse_incidents`` itself, with those
    stories. Returns ``fused``, corrected.
    """
    import pandas as pd
    window_articles = window_articles or STORY_WINDOW_ARTICLES
    cid_of_row = cluster_ids.reindex(df.index)
    members = pd.DataFrame({"cluster_id": cid_of_row.astype(object).to_numpy(),
                            "article_id": df["article_id"].astype(object).to_numpy(),
                            "outlet": df["outlet"].astype(object).fillna("").to_numpy(),
                            "day": pd.to_datetime(df["day"]).to_numpy()})
    members = members[members["cluster_id"].notna()].drop_duplicates(["cluster_id", "article_id"])
    by_cluster = members.groupby("cluster_id")
    several = (by_cluster["article_id"].transform("size") >= 2) & (by_cluster["outlet"].transform("nunique") >= 2)
    members = members[several]
    if members.empty:
        return fused
    # every report of a cluster goes to the window of the cluster's first day
    members["cday"] = members.groupby("cluster_id")["day"].transform("min")
    per_day = members.groupby("cday", dropna=False)["article_id"].nunique().sort_index()
    window_of_day, window, size = {}, 0, 0
    for day, n in per_day.items():
        if size and size + n > window_articles:
            window, size = window + 1, 0
        window_of_day[day] = window
        size += n
    members["window"] = members["cday"].map(window_of_day)
    affected: set = set()
    story_of: dict = {}                                  # article -> "<window>:<story>"
    for w, rows, stories in _window_stories(conn, fusion, members):
        if stories.nunique() == len(stories):
            continue                                     # no two of these articles tell one story
        rows = rows.assign(story=rows["article_id"].map(stories))
        n = rows.groupby("cluster_id").agg(n_articles=("article_id", "nunique"), n_stories=("story", "nunique"))
        hit = set(n.index[n["n_stories"] < n["n_articles"]])
        if hit:
            affected |= hit
            for aid in set(rows.loc[rows["cluster_id"].isin(hit), "article_id"]):
                story_of[aid] = f"{w}:{stories[aid]}"
    if not affected:
        return fused
    # fuse the affected events again with their stories, all at once; an event that comes out
    # with exactly its reports is taken from there, any other is fused again on its own
    stories = pd.Series(story_of, name="story_id")
    in_affected = cid_of_row.isin(affected).to_numpy()
    sub = df[in_affected]
    sub_ids, sub_fused = fusion.fuse_incidents(sub, stories)
    pairs = pd.DataFrame({"old": cid_of_row[in_affected].to_numpy(), "new": sub_ids.reindex(sub.index).to_numpy()})
    per_old = pairs.groupby("old")["new"].agg(["nunique", "first", "size"])
    new_sizes = pairs.groupby("new").size()
    whole = set(per_old.index[(per_old["nunique"] == 1) & (per_old["first"] == per_old.index)
                              & (per_old["first"].map(new_sizes) == per_old["size"])])
    redone = [sub_fused[sub_fused["cluster_id"].isin(whole)]]
    for cid in sorted(affected - whole):
        one = df[(cid_of_row == cid).to_numpy()]
        one_ids, one_fused = fusion.fuse_incidents(one, stories)
        if len(one_fused) != 1 or set(one_ids) != {cid}:
            raise RuntimeError(f"fusion of {cid} alone did not give the same event")   # caught: full path
        redone.append(one_fused)
    kept = fused[~fused["cluster_id"].isin(affected)]
    return pd.concat([kept, *redone], ignore_index=True)


UNDATED_PART = 50_000


def _fuse_in_parts(fusion, df):
    """``fuse_incidents(df)``, with the undated incidents apart, in parts.

    An incident without a day is never the same event as another (fusion compares
    only reports of the same or the next day), so it is its own event whatever else
    is fused: fusing the dated ones together and the undated ones in parts of
    ``UNDATED_PART`` gives the same events, with less memory at once.
    """
    import pandas as pd
    if len(df) <= UNDATED_PART:
        return fusion.fuse_incidents(df)
    undated = df["day"].isna().to_numpy()
    if not undated.any():
        return fusion.fuse_incidents(df)
    ids, frames = [], []
    parts = [df[~undated]] if (~undated).any() else []
    rest = df[undated]
    parts += [rest.iloc[i:i + UNDATED_PART] for i in range(0, len(rest), UNDATED_PART)]
    for part in parts:
        c, f = fusion.fuse_incidents(part)
        ids.append(c.reindex(part.index))
        frames.append(f)
    return pd.concat(ids).reindex(df.index), pd.concat(frames, ignore_index=True)


def fuse_store(conn, fusion):
    """(incidents frame, cluster ids, fused frame) as ``fusion.fuse_incidents`` makes them."""
    import pandas as pd
    try:
        df = _fusion_frame(conn, fusion)
        if df.empty:
            return df, pd.Series([], dtype=object), pd.DataFrame(columns=[n for n, _, _ in SCHEMA["fused_incidents"]])
        cluster_ids, fused = _fuse_in_parts(fusion, df)
    except KeyError:             # fusion reads more columns than it documents: give it them all
        df = _fusion_frame(conn, fusion, full=True)
        cluster_ids, fused = _fuse_in_parts(fusion, df)
    if hasattr(fusion, "story_ids") and "grade" in fused.columns:
        # articles telling the same story (one wire copy under two outlets) count once when grading
        try:
            fused = _story_corrections(conn, fusion, df, cluster_ids, fused)
        except RuntimeError:
            arts = conn.execute("SELECT article_id, text FROM articles WHERE article_id IN "
                                "(SELECT DISTINCT article_id FROM incidents) ORDER BY article_id").df()
            cluster_ids, fused = fusion.fuse_incidents(df, fusion.story_ids(arts))
    return df, cluster_ids, fused


def refresh_fusion(conn) -> Optional[int]:
    """Recompute incidents.cluster_id and fused_incidents with frontline.fusion.

    Returns the number of fused events, or ``None`` when fusion is unavailable.
    """
    try:
        from . import fusion
        fusion.fuse_incidents
    except (ImportError, AttributeError):
        return None
    # read and write in one transaction: a concurrent ingest's fusion conflicts and is redone
    return _retrying(lambda: _refresh_fusion_once(conn, fusion))


def _set_fusion_pending(conn, pending: bool) -> None:
    """Mark (in the caller's transaction) that stored incidents are not yet fused, or that they are.

    Written in the same transaction as each batch, and cleared in the same one as fusion's
    result: a batch committed after fusion read the incidents conflicts with the clearing,
    and fusion runs again. A killed ingest leaves the mark; :func:`bring_up_to_date` acts on it."""
    if pending:
        conn.execute("INSERT OR REPLACE INTO store_state (key, value) VALUES ('fusion_pending', "
                     "strftime(now(), '%Y-%m-%dT%H:%M:%S'))")
    else:
        conn.execute("DELETE FROM store_state WHERE key = 'fusion_pending'")


def fusion_pending(conn) -> Optional[str]:
    """When the stored incidents' fusion fell behind (an ingest killed or failed before its
    fusion), the time of the first batch it lacks; None when fusion is current."""
    try:
        row = conn.execute("SELECT value FROM store_state WHERE key = 'fusion_pending'").fetchone()
    except duckdb.CatalogException:       # a store of the release before versioning, read-only
        return None
    return row[0] if row else None


def bring_up_to_date(conn) -> Optional[int]:
    """Run the fusion an interrupted ingest did not; returns the fused events, or None when
    there was nothing to do."""
    if not fusion_pending(conn):
        return None
    return refresh_fusion(conn)


def _refresh_fusion_once(conn, fusion) -> int:
    conn.begin()
    try:
        n = _write_fusion(conn, *fuse_store(conn, fusion))
        _set_fusion_pending(conn, False)
        conn.commit()
    except BaseException:
        rollback(conn)
        raise
    return n


def _write_fusion(conn, df, cluster_ids, fused) -> int:
    """Write fusion's result (inside the caller's transaction)."""
    import pandas as pd
    mapping = pd.DataFrame({"event_id": df["event_id"].astype(object),
                            "cluster_id": cluster_ids.reindex(df.index).astype(object)})
    del df
    mapping["cluster_id"] = mapping["cluster_id"].where(mapping["cluster_id"].notna(), None).map(
        lambda v: None if v is None else str(v))
    known = [n for n, _, _ in SCHEMA["fused_incidents"] if n in fused.columns]
    fused = fused[known].copy()
    if "cluster_id" in fused.columns:
        fused["cluster_id"] = fused["cluster_id"].map(lambda v: None if v is None else str(v))
    for name, sql_type, _ in SCHEMA["fused_incidents"]:   # lists may come as "a, b" text
        if sql_type == "VARCHAR[]" and name in fused.columns:
            fused[name] = fused[name].map(_as_list)
    try:
        conn.register("_fl_map", mapping)
        conn.execute("UPDATE incidents SET cluster_id = m.cluster_id FROM _fl_map m "
                     "WHERE incidents.event_id = m.event_id "
                     "AND incidents.cluster_id IS DISTINCT FROM m.cluster_id")
        conn.execute("DELETE FROM fused_incidents")
        if len(fused):
            conn.register("_fl_fused", fused)
            conn.execute("INSERT INTO fused_incidents BY NAME SELECT * FROM _fl_fused")
    finally:
        for name in ("_fl_map", "_fl_fused"):
            try:
                conn.unregister(name)
            except Exception:
                pass
    return len(fused)


def _warm_fusion_imports() -> None:
    """Import what fusion needs (pandas: ~0.3 s) while the workers extract."""
    try:
        import pandas  # noqa: F401
        from . import fusion  # noqa: F401
    except ImportError:
        pass


def stored_fingerprints(conn) -> dict:
    """article_id -> (content hash, title, source, url, published) of every stored article."""
    return {r[0]: tuple(r[1:]) for r in conn.execute(
        "SELECT article_id, content_hash, coalesce(title, ''), coalesce(source, ''), coalesce(url, ''), "
        "published FROM articles").fetchall()}


def fingerprint(a: Article) -> tuple:
    return (content_hash(a.text), a.title or "", a.source or "", a.url or "", a.published)


def _classify(articles: Iterable[Article], stored: dict, report: "IngestReport", skip_unchanged: bool,
              bar_ref: list) -> Iterator[Article]:
    """The articles to extract: unchanged ones skipped (counted, the progress bar moved on),
    the others counted as new or replacing a stored version."""
    for a in articles:
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
            report.duplicates.extend(write_tables(conn, res.tables))
            report.write_seconds += time.perf_counter() - t
        report.add(res)
        if bar is not None:
            bar.update(res.n_read)
    return report


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


def ingest(conn, articles: Iterable[Article], *, progress: bool = False, batch_size: int = 200,
           workers: Optional[int] = 1, total: Optional[int] = None,
           extract: Optional[Callable[[Article], ArticleEvents]] = None,
           on_error: str = "raise", fuse: bool = True, duckdb_memory: Optional[str] = None,
           skip_unchanged: bool = True) -> IngestReport:
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
    count the stored articles whose id was new / already stored.
    """
    if on_error not in ("raise", "skip"):
        raise ValueError("on_error must be 'raise' or 'skip'")
    if workers is None:
        workers = default_workers(total, batch_size)
    report = IngestReport(workers=max(1, workers))
    t0 = time.perf_counter()
    bar = None
    stored = stored_fingerprints(conn)
    bar_ref: list = []
    articles = _classify(articles, stored, report, skip_unchanged, bar_ref)
    with memory_limit(conn, duckdb_memory):
        results = extracted_batches(articles, extract=extract, workers=workers, batch_size=batch_size,
                                    on_error=on_error, on_start=_warm_fusion_imports if fuse else None)
        try:
            if progress:
                from tqdm import tqdm
                bar = tqdm(total=total, unit="article", file=sys.stderr, desc="ingest", dynamic_ncols=True)
                bar_ref.append(bar)
            ingest_batches(conn, results, on_error=on_error, bar=bar, report=report)
            for aid, _ in report.skipped:          # failed extraction: not stored after all
                if aid in stored:
                    report.replaced -= 1
                else:
                    report.new -= 1
        finally:
            results.close()         # stops the workers at once if writing failed
            if bar is not None:
                bar.close()
        if fuse and (report.articles or fusion_pending(conn)):
            t = time.perf_counter()
            if duckdb_memory and report.articles > 5000:
                release_memory(conn)
            report.fused = refresh_fusion(conn)
            report.fusion_seconds = time.perf_counter() - t
        elif fuse:
            report.fused = conn.execute("SELECT count(*) FROM fused_incidents").fetchone()[0]
    report.seconds = time.perf_counter() - t0
    return report


# --------------------------------------------------------------------------- reviews

def _encode(value) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return json.dumps([str(v) for v in value], ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    import pandas as pd
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "tolist"):
        return _encode(value.tolist())
    return str(value)


def _check_value(kind: str, field_name: str, value):
    """Validate (and normalise) an edited value; raises ValueError with a clear message."""
    sql_type = EDITABLE[kind][field_name]
    if value is None or (isinstance(value, str) and not value.strip() and sql_type != "VARCHAR"):
        return None
    if sql_type == "BIGINT":
        try:
            f = float(str(value).replace(",", "").strip())
            if not f.is_integer():
                raise ValueError
            n = int(f)
        except (ValueError, OverflowError):
            raise ValueError(f"{field_name} must be a whole number, not {value!r}") from None
        if n < 0:
            raise ValueError(f"{field_name} cannot be negative")
        return n
    if sql_type == "DOUBLE":
        f = _float(value)
        if f is None:
            raise ValueError(f"{field_name} must be a number, not {value!r}")
        return f
    if sql_type == "BOOLEAN":
        if isinstance(value, bool):
            return value
        s = str(value).strip().lower()
        if s in ("true", "1", "yes"):
            return True
        if s in ("false", "0", "no"):
            return False
        raise ValueError(f"{field_name} must be true or false, not {value!r}")
    if sql_type == "VARCHAR[]":
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        return [str(v) for v in value]
    value = str(value).strip()
    if field_name == "event_date" and value:
        try:
            if len(value) == 7:
                dt.date.fromisoformat(value + "-01")
            elif len(value) == 10:
                dt.date.fromisoformat(value)
            else:
                raise ValueError
        except ValueError:
            raise ValueError(f"event_date must be YYYY-MM-DD or YYYY-MM, not {value!r}") from None
    if field_name == "side" and value not in ("east", "west", "city", "outside", ""):
        raise ValueError(f"side must be east, west, city or outside, not {value!r}")
    return value or None


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


def _insert_review(conn, *, event_id, kind, action, field_name, old, new, who, at=None) -> int:
    rid = conn.execute("SELECT coalesce(max(review_id), 0) + 1 FROM reviews").fetchone()[0]
    conn.execute('INSERT INTO reviews (review_id, event_id, kind, action, field, old_value, new_value, who, "at") '
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, coalesce(?::TIMESTAMP, current_timestamp))",
                 [rid, event_id, kind, action, field_name, old, new, who, at])
    return rid


def record_review(conn, *, event_id: str, kind: str, action: str, field: Optional[str] = None,
                  new_value=None, who: str, at: Optional[dt.datetime] = None) -> int:
    """Record an analyst's edit / reject / restore of an event; committed on return.

    ``old_value`` is read from the reviewed view (what the analyst saw).
    Returns the review id.
    """
    if kind not in KIND_TABLE:
        raise ValueError(f"kind must be incident or diplomacy, not {kind!r}")
    if action not in ("edit", "reject", "restore"):
        raise ValueError(f"action must be edit, reject or restore, not {action!r} (use add_event to add)")
    if not who or not str(who).strip():
        raise ValueError("who is required")
    view = f"v_{KIND_TABLE[kind]}_all"
    if action == "edit":
        if field not in EDITABLE[kind]:
            raise ValueError(f"{field!r} is not an editable {kind} field; one of {', '.join(EDITABLE[kind])}")
        new_value = _check_value(kind, field, new_value)
    else:
        field, new_value = None, None

    def run():
        conn.begin()
        try:
            row = conn.execute(f"SELECT {_q(field) if field else 'rejected'} FROM {view} WHERE event_id = ?",
                               [event_id]).fetchone()
            if row is None:
                raise ValueError(f"no {kind} with event_id {event_id!r}")
            old = _encode(row[0]) if field else ("rejected" if row[0] else None)
            rid = _insert_review(conn, event_id=event_id, kind=kind, action=action, field_name=field,
                                 old=old, new=_encode(new_value), who=str(who).strip(), at=at)
            conn.commit()
            return rid
        except BaseException:
            rollback(conn)
            raise

    return _retrying(run)


# store columns that may come with a record (e.g. a row of v_incidents) and are derived, not given
_DERIVED_KEYS = ("event_id", "day", "outlet", "evidence_start", "evidence_end", "evidence_spans",
                 "cluster_id", "added", "reviewed", "rejected", "reject", "kind", "added_by", "added_at")


def add_event(conn, kind: str, record, who: str, *, article_id: Optional[str] = None) -> str:
    """Add an event the extractor missed (``record``: an Incident / Diplomacy or a
    dict of its fields). Stored in ``added_<table>`` (untouched by re-ingest) and
    logged in ``reviews``; returns its event id ``<article_id>:a<i|d><n>``."""
    if kind not in KIND_TABLE:
        raise ValueError(f"kind must be incident or diplomacy, not {kind!r}")
    if not who or not str(who).strip():
        raise ValueError("who is required")
    cls = Incident if kind == "incident" else Diplomacy
    if isinstance(record, dict):
        data = dict(record)
        data.setdefault("article_id", article_id or "")
        data.setdefault("event_date", None)
        data.setdefault("date_precision", "day" if _day(data.get("event_date")) else
                        ("month" if data.get("event_date") else "unknown"))
        evidence = data.pop("evidence", None)
        for derived in _DERIVED_KEYS:
            data.pop(derived, None)
        if evidence and not data.get("spans"):
            data["spans"] = [Span(0, len(str(evidence)), str(evidence))]
        allowed = set(cls.__dataclass_fields__)
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown {kind} field(s): {', '.join(sorted(unknown))}")
        if not data.get("event_type"):
            raise ValueError("event_type is required")
        if kind == "incident":
            data.setdefault("actor", None)
            data.setdefault("side", None)
        record = cls(**data)
    aid = article_id or record.article_id or "manual"
    table = KIND_TABLE[kind]

    def run():
        conn.begin()
        try:
            article = conn.execute("SELECT article_id, source FROM articles WHERE article_id = ?",
                                   [aid]).fetchone()
            art = Article(id=aid, text="", source=article[1] or "") if article else Article(id=aid, text="")
            prefix = f"{aid}:a{'i' if kind == 'incident' else 'd'}"
            n = conn.execute(f"SELECT count(*) FROM added_{table} WHERE starts_with(event_id, ?)",
                             [prefix]).fetchone()[0] + 1
            while conn.execute(f"SELECT 1 FROM added_{table} WHERE event_id = ?", [f"{prefix}{n}"]).fetchone():
                n += 1
            eid = f"{prefix}{n}"
            row = incident_row(record, eid, art) if kind == "incident" else diplomacy_row(record, eid, art)
            if not article:
                row["outlet"] = None
            row["added_by"] = str(who).strip()
            t = pa.Table.from_pylist([row], schema=arrow_schema(f"added_{table}", skip=("added_at",)))
            conn.register("_fl_added", t)
            try:
                conn.execute(f"INSERT INTO added_{table} BY NAME SELECT * FROM _fl_added")
            finally:
                conn.unregister("_fl_added")
            payload = {k: v for k, v in row.items() if k not in ("added_by",)}
            _insert_review(conn, event_id=eid, kind=kind, action="add", field_name=None, old=None,
                           new=json.dumps(payload, default=str, ensure_ascii=False), who=str(who).strip())
            conn.commit()
            return eid
        except BaseException:
            rollback(conn)
            raise

    return _retrying(run)


# --------------------------------------------------------------------------- backup / restore

def _current_db(conn) -> str:
    return conn.execute("SELECT current_database()").fetchone()[0]


def backup(conn_or_path, out_path, *, source=None) -> Path:
    """Copy the whole store (tables, reviews, audit log, views) to one DuckDB file.

    Works on an open connection (a consistent snapshot) or on a path (``source`` names
    the store in messages). The file is written beside ``out_path`` and renamed into place;
    a backup that fails (a damaged store, a full disk) leaves nothing.
    """
    out = Path(out_path)
    if out.is_dir():
        raise StoreError(f"{out}: is a folder; give a file name for the backup")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    for p in (tmp, Path(str(tmp) + ".wal")):
        if p.exists():
            p.unlink()
    own = not isinstance(conn_or_path, duckdb.DuckDBPyConnection)
    conn = None
    try:
        if own:     # a path: attach it read-only to a scratch in-memory connection
            src_path = Path(conn_or_path)
            if not src_path.is_file():
                raise StoreError(f"{src_path}: no such database")
            conn = duckdb.connect()
            conn.execute("ATTACH ? AS fl_source (READ_ONLY)", [str(src_path)])
            src = "fl_source"
        else:
            conn = conn_or_path
            src = _current_db(conn)
        conn.execute("ATTACH ? AS fl_backup", [str(tmp)])
        try:
            conn.execute(f"COPY FROM DATABASE {_q(src)} TO fl_backup")
        finally:
            conn.execute("DETACH fl_backup")
    except duckdb.Error as e:
        for p in (tmp, Path(str(tmp) + ".wal")):
            p.unlink(missing_ok=True)
        if is_damage_error(str(e)) and tmp.name not in str(e):
            raise damaged(source or (conn_or_path if own else "the store"), str(e)) from None
        raise StoreError(f"{out}: backup failed: {str(e).splitlines()[0]}") from None
    finally:
        if own and conn is not None:
            conn.close()
    os.replace(tmp, out)
    return out


def _verify_backup(path: Path, label) -> None:
    """Open ``path`` read-only and read every row of every table (DuckDB checks each
    block's checksum), so a truncated or damaged backup is refused before it
    replaces anything."""
    try:
        with duckdb.connect(str(path), read_only=True) as c:
            tables = [r[0] for r in c.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()]
            missing = {"articles", "incidents", "diplomacy", "reviews"} - set(tables)
            if missing:
                raise StoreError(f"{label}: not a Frontline backup (no table {', '.join(sorted(missing))})")
            for t in tables:
                c.execute(f"SELECT count(*), sum(hash(x)) FROM {_q(t)} x").fetchone()
            from . import migrations
            version = migrations.stored_version(c)
            if version > migrations.SCHEMA_VERSION:
                raise migrations.newer_error(label, version)
    except duckdb.Error as e:
        raise StoreError(f"{label}: not a Frontline backup or damaged ({str(e).splitlines()[0]})") from None
    except OSError as e:
        raise StoreError(f"{label}: cannot read the backup ({e.strerror or e})") from None


def restore(in_path, db_path=None) -> Path:
    """Replace the store at ``db_path`` by the backup ``in_path`` (checked first).

    The database must not be open elsewhere.
    """
    src = Path(in_path)
    dst = Path(db_path) if db_path else default_db_path()
    if not src.is_file():
        raise StoreError(f"{src}: no such backup file")
    _verify_backup(src, src)
    if dst.exists():
        try:
            connect(dst).close()      # fails clearly if another process holds it
        except DamagedStoreError:
            pass                      # a damaged store is what a restore is for: it is replaced
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.restore.tmp")
    try:
        shutil.copyfile(src, tmp)
        _verify_backup(tmp, src)      # the copy that goes into place, read in full
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    wal = Path(str(dst) + ".wal")
    if wal.exists():
        wal.unlink()
    os.replace(tmp, dst)
    connect(dst).close()              # brings the schema and views up to date
    return dst


__all__ = ["connect", "default_db_path", "ensure_schema", "ingest", "IngestReport", "events_to_frames",
           "events_to_tables", "write_events", "write_tables", "extract_batch", "extracted_batches",
           "ingest_batches", "BatchResult", "default_workers", "memory_limit", "refresh_fusion", "record_review", "add_event", "read_table",
           "row_counts", "backup", "restore", "fusion_pending", "bring_up_to_date", "StoreError", "StoreBusyError", "DamagedStoreError", "DiskFullError", "apply_queued_reviews", "explain_error", "SCHEMA", "schema_markdown", "EDITABLE"]
