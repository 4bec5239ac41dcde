"""Versioned store schema: ordered upgrade steps, each run once, after an automatic backup.

A store records its schema version in the table ``schema_version`` (one row per
step applied: version, when, what). :data:`SCHEMA_VERSION` is the version this
code writes. When :func:`frontline.store.connect` opens a store:

* a new (empty) file gets the whole schema at :data:`SCHEMA_VERSION`;
* a store of an older version (version 1 is the schema of the releases before
  versioning: tables but no ``schema_version``) is first copied whole to
  ``<name>.v<old>-backup-<UTC time>.duckdb`` beside it, then upgraded in place
  by every step after its version, in order, in one transaction (a failure
  rolls it all back: the store is as it was, the backup beside it);
* a store of a newer version (written by a later release) is refused with one
  line and not written to;
* at the current version nothing is written, unless the tables, columns,
  indexes or views this code expects differ from what the store was last set
  up with (a fingerprint of the DDL in ``store_state``): then the additive
  :func:`frontline.store.ensure_schema` runs (missing tables/columns/indexes
  created, views recreated; nothing dropped).

Adding a step: append ``(version, note, function)`` to :data:`STEPS` and raise
:data:`SCHEMA_VERSION`; a step receives a connection inside the transaction and
must leave every row it does not mean to change as it was
(tests/test_trust.py opens a store made by the release before versioning,
``tests/data/store_v1.duckdb.gz``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Callable, Optional

from .backups import backup
from .errors import StoreError, _retrying, rollback
from .schema import INDEXES, KIND_TABLE, META_SCHEMA, SCHEMA, _ddl, _view_sql, create_tables, create_views

SCHEMA_VERSION = 3
LEGACY_VERSION = 1            # tables present, no schema_version table


def _step_2(conn) -> None:
    """schema_version and store_state tables; articles.source_id (the id as read, before a
    duplicate-id suffix), filled with article_id for the stored articles."""
    create_tables(conn)                      # new tables and columns (source_id among them)
    conn.execute("UPDATE articles SET source_id = article_id WHERE source_id IS NULL")


def _step_3(conn) -> None:
    """fusion_seeds: where fusion stood when it reached each incident's day (empty until the next
    fusion, which then fuses the whole store once and fills it); fusion_stale."""
    create_tables(conn)


STEPS: list = [
    (2, "schema_version and store_state tables; articles.source_id", _step_2),
    (3, "fusion_seeds and fusion_stale tables (incremental fusion)", _step_3),
]


def ddl_fingerprint() -> str:
    """A hash of every table, column, index and view this code defines."""
    parts = [_ddl(t) for t in SCHEMA] + [_ddl(t) for t in META_SCHEMA] + [f"{t}.{c}" for t, c in INDEXES]
    parts += [_view_sql(k) for k in KIND_TABLE]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _tables(conn) -> set:
    return {r[0] for r in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main'").fetchall()}


def stored_version(conn) -> int:
    """The store's schema version: 0 for an empty file, 1 for a store of the releases before
    versioning, else the highest version in ``schema_version``."""
    tables = _tables(conn)
    if "schema_version" in tables:
        v = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        return int(v) if v is not None else LEGACY_VERSION
    return LEGACY_VERSION if "articles" in tables else 0


def _state(conn, key: str) -> Optional[str]:
    if "store_state" not in _tables(conn):
        return None
    row = conn.execute("SELECT value FROM store_state WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_state(conn, key: str, value: Optional[str]) -> None:
    """Set (or, with None, delete) one ``store_state`` entry (in the caller's transaction)."""
    conn.execute("DELETE FROM store_state WHERE key = ?", [key])
    if value is not None:
        conn.execute("INSERT INTO store_state (key, value) VALUES (?, ?)", [key, value])


def _record(conn, version: int, note: str) -> None:
    conn.execute("INSERT INTO schema_version (version, applied_at, note) "
                 "VALUES (?, current_timestamp, ?)", [version, note])


def backup_path(db_path, version: int, now: Optional[dt.datetime] = None) -> Path:
    p = Path(db_path)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%S")
    out = p.with_name(f"{p.stem}.v{version}-backup-{stamp}{p.suffix or '.duckdb'}")
    n = 1
    while out.exists():
        out = p.with_name(f"{p.stem}.v{version}-backup-{stamp}-{n}{p.suffix or '.duckdb'}")
        n += 1
    return out


def newer_error(path, version: int):
    return StoreError(f"{path}: this store was written by a newer Frontline (schema version {version}; "
                      f"this release reads versions up to {SCHEMA_VERSION}); it was not changed. "
                      "Open it with that release, or use another --db")


def upgrade(conn, path, notify: Callable[[str], None] = lambda m: None) -> Optional[Path]:
    """Bring the store open on ``conn`` (at ``path``) to :data:`SCHEMA_VERSION`.

    Returns the backup written before an upgrade, else None. Raises
    :class:`frontline.StoreError` for a store of a newer release (nothing
    written) or an upgrade that failed (rolled back; the backup is kept).
    """
    version = stored_version(conn)
    if version > SCHEMA_VERSION:
        raise newer_error(path, version)
    if version == SCHEMA_VERSION:
        if _state(conn, "ddl") != ddl_fingerprint():
            _retrying(lambda: _in_transaction(conn, _sync))
        return None
    if version == 0:                               # a new store
        others = sorted(_tables(conn))
        if others:                                 # someone else's DuckDB database: not ours to change
            raise StoreError(
                f"{path}: a DuckDB database, but not a Frontline store (its tables: "
                f"{', '.join(others[:5])}{', ...' if len(others) > 5 else ''}); it was not changed. "
                "Use another --db")
        _retrying(lambda: _in_transaction(conn, _create))
        return None
    out = backup_path(path, version)
    backup(conn, out, source=path)
    notify(f"{path}: upgrading the store from schema version {version} to {SCHEMA_VERSION}; "
           f"the store as it was is kept in {out}")

    def run(c):
        for v, note, step in STEPS:
            if v > version:
                step(c)
                _record(c, v, note)
        _sync(c)

    try:
        _in_transaction(conn, run)
    except Exception as e:
        raise StoreError(f"{path}: the upgrade from schema version {version} failed "
                               f"({str(e).splitlines()[0] if str(e) else type(e).__name__}); the store "
                               f"is unchanged, and a backup of it is in {out}") from None
    return out


def _in_transaction(conn, fn) -> None:
    conn.begin()
    try:
        fn(conn)
        conn.commit()
    except BaseException:
        rollback(conn)
        raise


def _create(conn) -> None:
    create_tables(conn)
    create_views(conn)
    _record(conn, SCHEMA_VERSION, "new store")
    set_state(conn, "ddl", ddl_fingerprint())


def _sync(conn) -> None:
    create_tables(conn)
    create_views(conn)
    set_state(conn, "ddl", ddl_fingerprint())


__all__ = ["SCHEMA_VERSION", "STEPS", "stored_version", "upgrade", "set_state", "backup_path",
           "ddl_fingerprint"]
