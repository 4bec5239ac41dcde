"""Reading the store: a whole table or view, row counts, and the fingerprint of every stored article
(what a resumed ingest compares to skip articles stored unchanged)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Article
from ..readers.common import content_hash
from .schema import READABLE, SCHEMA

if TYPE_CHECKING:
    import pandas as pd


def read_table(conn, name: str) -> "pd.DataFrame":
    """A whole table or view as a DataFrame (``name`` must be one of the store's)."""
    if name not in READABLE:
        raise ValueError(f"unknown table {name!r}; one of {', '.join(READABLE)}")
    order = {"articles": "article_id", "reviews": "review_id", "fused_incidents": "cluster_id",
             "claims": "event_id, claim_no"}.get(name, "event_id")
    return conn.execute(f"SELECT * FROM {name} ORDER BY {order}").df()


def row_counts(conn) -> dict:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SCHEMA}


def stored_fingerprints(conn) -> dict:
    """article_id -> (content hash, title, source, url, published) of every stored article."""
    return {r[0]: tuple(r[1:]) for r in conn.execute(
        "SELECT article_id, content_hash, coalesce(title, ''), coalesce(source, ''), coalesce(url, ''), "
        "published FROM articles").fetchall()}


def fingerprint(a: Article) -> tuple:
    return (content_hash(a.text), a.title or "", a.source or "", a.url or "", a.published)


def implausible_since(conn, since, limit: int) -> list:
    """(article_id, killed, injured) of up to ``limit`` incidents flagged implausible in the
    articles ingested at or after ``since``, by event id."""
    return conn.execute(
        "SELECT i.article_id, i.killed, i.injured FROM incidents i JOIN articles a USING (article_id) "
        "WHERE i.implausible AND a.ingested_at >= ? ORDER BY i.event_id LIMIT ?", [since, limit]).fetchall()
