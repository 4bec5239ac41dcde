"""The dashboard's access to the store: one connection per process, queries cached per filter state.

Every cached call is keyed by (database path, store fingerprint, filter
state, options); the fingerprint (``queries.store_version``) changes with
every ingest or review, so a change by another session is seen at once, and
``clear()`` is called after this session's own ingests and edits.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import streamlit as st

from frontline import queries
from frontline.queries import Filters

_LOCK = threading.Lock()


def db_path() -> str:
    try:
        from frontline.store import default_db_path
        return str(default_db_path())
    except Exception:  # noqa: BLE001  (store not importable: fall back to the documented default)
        return os.environ.get("FRONTLINE_DB") or str(Path("data") / "frontline.duckdb")


@st.cache_resource(show_spinner=False)
def _connect(path: str):
    try:
        from frontline.store import connect
        return connect(path)
    except ImportError:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(path)


def conn():
    """A cursor on the process-wide connection (a DuckDB connection is not shared by threads)."""
    return _connect(db_path()).cursor()


def version() -> tuple:
    with _LOCK:
        c = conn()
        try:
            return queries.store_version(c)
        finally:
            c.close()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, path: str, ver: tuple, fkey: tuple, kw: tuple):
    c = _connect(path).cursor()
    try:
        fn = getattr(queries, name)
        if fkey is None:
            return fn(c, **dict(kw))
        return fn(c, Filters.from_query_params(dict(fkey)), **dict(kw))
    finally:
        c.close()


def q(name: str, filters: Filters | None = None, **kw):
    """``queries.<name>(conn, filters, **kw)``, cached per filter state and store version."""
    fkey = None if filters is None else tuple(sorted(filters.to_query_params().items()))
    return _cached(name, db_path(), version(), fkey, tuple(sorted(kw.items())))


def clear() -> None:
    """Forget cached results (after an ingest or an edit)."""
    _cached.clear()


def store_ready() -> tuple[bool, str]:
    """(True, "") when the store has the dashboard's views; else (False, reason)."""
    try:
        c = conn()
        try:
            names = {r[0] for r in c.execute(
                "SELECT table_name FROM information_schema.tables").fetchall()}
        finally:
            c.close()
    except Exception as exc:  # noqa: BLE001
        return False, f"The store {db_path()} cannot be opened: {exc}".splitlines()[0]
    missing = {"articles", "v_incidents", "v_diplomacy", "reviews"} - names
    if missing:
        return False, ("The store has no events yet. Add articles on the Ingest page or run "
                       "`python -m frontline ingest seeds/`.")
    return True, ""
