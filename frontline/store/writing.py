"""Writing a batch: one transaction per batch of articles' tables, replacing their previous rows,
marking texts already stored under another id, and flagging that fusion has to run again."""
from __future__ import annotations

from typing import Optional

import duckdb
import pyarrow as pa

from .errors import _retrying, rollback
from .rows import events_to_tables


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
    # the fused events losing reports here are fused again (frontline.fusion.store_fusion.fuse_changes)
    conn.execute("INSERT INTO fusion_stale SELECT DISTINCT cluster_id FROM incidents "
                 "WHERE list_contains(?::VARCHAR[], article_id) AND cluster_id IS NOT NULL", [present])
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


