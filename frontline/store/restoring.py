"""Restoring a backup: the backup read in full first (a truncated, damaged or foreign file, or one
of a newer release, is refused before anything is replaced), then put in place of the store."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from . import migrations
from .connection import connect, default_db_path
from .errors import DamagedStoreError, StoreError
from .schema import _q


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

