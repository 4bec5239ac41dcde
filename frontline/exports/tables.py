"""The exported tables, read from the store: articles, incidents and diplomacy from the reviewed
views (edits applied, rejected events left out, added events in), claims and fused incidents, filtered."""
from __future__ import annotations

import pandas as pd

from .common import ExportError

TABLES = ("articles", "incidents", "diplomacy", "claims", "fused_incidents")
# where each exported table is read from
SOURCES = {"articles": "articles", "incidents": "v_incidents", "diplomacy": "v_diplomacy",
           "claims": "claims", "fused_incidents": "fused_incidents"}
ORDER = {"articles": "article_id", "incidents": "day NULLS LAST, event_id",
         "diplomacy": "day NULLS LAST, event_id", "claims": "event_id, claim_no",
         "fused_incidents": "day NULLS LAST, cluster_id"}


def _where(name: str, filters) -> tuple:
    """SQL condition and parameters selecting ``name``'s rows under ``filters``."""
    if filters is None or getattr(filters, "is_empty", True):
        return "TRUE", []
    from .. import queries   # lazy: filters are optional
    if name == "incidents":
        return queries._incident_where(filters, "t")
    if name == "diplomacy":
        return queries._diplomacy_where(filters, "t")
    if name == "claims":
        w, p = queries._incident_where(filters, "i")
        return f"t.event_id IN (SELECT i.event_id FROM v_incidents i WHERE {w})", p
    if name == "fused_incidents":
        w, p = queries._incident_where(filters, "i")
        return f"t.cluster_id IN (SELECT i.cluster_id FROM v_incidents i WHERE {w})", p
    # articles: those the outlet / article filters select and that have a selected event
    clauses, params = [], []
    if filters.outlets:
        clauses.append("list_contains(?::VARCHAR[], t.source)")
        params.append(list(filters.outlets))
    if filters.article_ids:
        clauses.append("list_contains(?::VARCHAR[], t.article_id)")
        params.append(list(filters.article_ids))
    wi, pi = queries._incident_where(filters, "i")
    wd, pd_ = queries._diplomacy_where(filters, "d")
    clauses.append(f"(t.article_id IN (SELECT i.article_id FROM v_incidents i WHERE {wi}) "
                   f"OR t.article_id IN (SELECT d.article_id FROM v_diplomacy d WHERE {wd}))")
    return " AND ".join(clauses), params + pi + pd_


def table_frame(conn, name: str, filters=None) -> pd.DataFrame:
    """One exported table as a DataFrame (reviewed values, filtered)."""
    if name not in SOURCES:
        raise ExportError(f"unknown table {name!r}; one of {', '.join(TABLES)}")
    where, params = _where(name, filters)
    sql = f"SELECT * FROM {SOURCES[name]} t WHERE {where} ORDER BY {ORDER[name]}"
    return conn.execute(sql, params).df()


def export_frames(conn, filters=None, tables=TABLES) -> dict:
    return {name: table_frame(conn, name, filters) for name in tables}


