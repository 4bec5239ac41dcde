"""The dashboard's access to the store: short-lived connections, queries cached per filter state.

Every cached call is keyed by (database path, store fingerprint, filter
state, options); the fingerprint (``queries.store_version``, read at most
once a second) changes with every ingest or review, so a change by another
session or process is seen within a second, and ``clear()`` is called after
this session's own ingests and edits.  Queries run on an in-memory snapshot
of the store per fingerprint (``queries.snapshot``): warm, lock-free, with the
fused events precomputed.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import streamlit as st

from frontline import queries
from frontline.queries import Filters


def db_path() -> str:
    try:
        from frontline.store import default_db_path
        return str(default_db_path())
    except Exception:  # noqa: BLE001  (store not importable: fall back to the documented default)
        return os.environ.get("FRONTLINE_DB") or str(Path("data") / "frontline.duckdb")


WAIT_SECONDS = 5.0       # how long a query waits for a CLI ingest/backup/restore holding the store


def _connect(path: str):
    """A new, short-lived connection to the store at ``path``; the caller closes it.

    Nothing is held between queries, so a CLI ingest, backup or restore (another
    process) can open the store while the dashboard runs; the dashboard waits up to
    :data:`WAIT_SECONDS` for it instead.
    """
    try:
        from frontline.store import connect
    except ImportError:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(path)
    import time
    since = BUSY.get(path)
    # found held by another process a moment ago: a short try, the pages go on with their snapshot
    wait = 0.5 if isinstance(since, float) and time.monotonic() - since < 10 else WAIT_SECONDS
    return connect(path, wait=wait)


_connect.clear = lambda: None    # no process-wide connection any more (kept for callers/tests)


def conn():
    """A new connection to the store (close it after use: it holds the file while open)."""
    return _connect(db_path())


def version() -> tuple:
    return current_version(db_path())


# queries that read the store file itself: the article texts are not in the snapshot
ON_STORE = {"article"}
VERSION_TTL_SECONDS = 1.0   # how long one reading of the store's fingerprint serves (one page run)
_version_memo: dict = {}


def current_version(path: str) -> tuple:
    """The store's fingerprint, read at most once per :data:`VERSION_TTL_SECONDS` per store."""
    import time
    now = time.monotonic()
    hit = _version_memo.get(path)
    if hit and now - hit[0] < VERSION_TTL_SECONDS:
        return hit[1]
    try:
        c = _connect(path)
    except Exception as exc:  # noqa: BLE001
        # another process (a command-line ingest) holds the store: the pages keep showing the
        # last snapshot they read instead of failing; edits are queued (frontline.store.journal)
        if hit and type(exc).__name__ == "StoreBusyError":
            BUSY[path] = now
            return hit[1]
        raise
    BUSY.pop(path, None)
    try:
        ver = queries.store_version(c) + _fusion_state(c)
    finally:
        c.close()
    _version_memo[path] = (now, ver)
    return ver


BUSY: dict = {}      # store path -> when it was last found held by another process


def busy() -> bool:
    """True when the last look at the store found it held by another process."""
    return db_path() in BUSY


_SNAPSHOTS: dict = {}         # store path -> (version, in-memory snapshot)
_SNAPSHOT_LOCK = threading.Lock()


def _snapshot(path: str, ver: tuple):
    """The in-memory snapshot (``queries.snapshot``) of the store at ``path`` in version ``ver``.

    One per store, shared by the sessions: after an ingest it follows the store
    by what changed (``queries.follow_snapshot``: the new articles, the events
    fused again), which takes a fraction of a second where a new snapshot of a
    large store takes seconds; after anything else (a review) it is taken anew.
    """
    with _SNAPSHOT_LOCK:
        held = _SNAPSHOTS.get(path)
        if held is not None and held[0] == ver:
            return held[1]
        c = _connect(path)
        try:
            if held is not None and queries.follow_snapshot(held[1], c):
                mem = held[1]
            else:
                mem = queries.snapshot(c)
        finally:
            c.close()
        _SNAPSHOTS[path] = (ver, mem)
        return mem


def _forget_snapshots() -> None:
    with _SNAPSHOT_LOCK:
        _SNAPSHOTS.clear()


_snapshot.clear = _forget_snapshots


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, path: str, ver: tuple, fkey: tuple, kw: tuple):
    fn = getattr(queries, name)
    if name in ON_STORE:
        c = _connect(path)
    else:
        c = _snapshot(path, ver).cursor()
    try:
        if fkey is None:
            return fn(c, **dict(kw))
        return fn(c, Filters.from_query_params(dict(fkey)), **dict(kw))
    finally:
        c.close()


def q(name: str, filters: Filters | None = None, **kw):
    """``queries.<name>(conn, filters, **kw)``, cached per filter state and store version.

    Queries run on a per-version in-memory snapshot of the store (taken once,
    after each ingest or review), except :data:`ON_STORE` ones, which open a
    short-lived connection to the file.
    """
    fkey = None if filters is None else tuple(sorted(filters.to_query_params().items()))
    path = db_path()
    return _cached(name, path, current_version(path), fkey, tuple(sorted(kw.items())))


def _fusion_state(c) -> tuple:
    """(fused events, pending since): fusion brought up to date changes the fingerprint too."""
    try:
        from frontline.store import fusion_pending
        return (c.execute("SELECT count(*) FROM fused_incidents").fetchone()[0], fusion_pending(c))
    except Exception:  # noqa: BLE001  (a store without these tables: nothing to add)
        return ()


def bring_fusion_up_to_date() -> tuple:
    """After an ingest that ended before its fusion (killed, a full disk): fuse now.

    Returns ``("", "")`` when fusion was current, else ``(kind, message)`` with kind
    ``info`` (brought up to date) or ``warning`` (still pending: the figures that count
    fused events are not current).
    """
    try:
        from frontline.fusion.store_fusion import bring_up_to_date
        from frontline.store import fusion_pending
    except ImportError:
        return "", ""
    try:
        c = conn()
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ == "StoreBusyError":
            return "", ""             # another process has it: next time
        raise
    try:
        since = fusion_pending(c)
        if not since:
            return "", ""
        try:
            n = bring_up_to_date(c)
        except Exception as exc:  # noqa: BLE001
            return "warning", (f"An ingest (from {since}) ended before fusing its incidents, and fusing them "
                               f"now failed ({str(exc).splitlines()[0][:160]}): totals that count each event "
                               "once are not current. Run `python -m frontline ingest` again to finish it.")
    finally:
        c.close()
    clear()
    return "info", (f"An ingest (from {since}) ended before fusing its incidents; the fused events were "
                    f"brought up to date now ({n:,} events), so every total counts each event once again.")


def clear() -> None:
    """Forget cached results and the store's fingerprint (after an ingest or an edit)."""
    _version_memo.clear()
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
        from frontline.store import StoreBusyError, StoreError, explain_error
        problem = explain_error(exc, db_path())
        if isinstance(problem, StoreBusyError) and db_path() in _version_memo:
            import time
            BUSY[db_path()] = time.monotonic()    # read before: the pages show that snapshot meanwhile
            return True, ""
        if isinstance(problem, StoreError):      # damaged, newer release, in use: its own line
            return False, str(problem).splitlines()[0]
        return False, f"The store {db_path()} cannot be opened: {exc}".splitlines()[0]
    missing = {"articles", "v_incidents", "v_diplomacy", "reviews"} - names
    if missing:
        return False, ("The store has no events yet. Add articles on the Ingest page or run "
                       "`python -m frontline ingest seeds/`.")
    return True, ""
