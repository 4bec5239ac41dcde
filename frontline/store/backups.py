"""Backing up the store: the whole store (tables, reviews, audit log, views) copied to one DuckDB
file, from an open connection or a path, written beside the target and renamed into place."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from .errors import StoreError, damaged, is_damage_error
from .schema import _q


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
