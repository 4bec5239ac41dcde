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


_FINGERPRINT_SQL = ("SELECT article_id, content_hash, coalesce(title, ''), coalesce(source, ''), coalesce(url, ''), "
                    "published FROM articles")


class StoredFingerprints:
    """article_id -> fingerprint (as :func:`stored_fingerprints`) of the stored articles among those
    looked up: an ingest asks for the ones it reads (``lookup``, a chunk at a time) instead of
    reading every stored article's (2 s at 100,000 articles, for a one-article ingest)."""

    def __init__(self, conn):
        self.conn = conn
        self.known: dict = {}
        self.looked: set = set()

    def lookup(self, ids) -> None:
        ids = [i for i in dict.fromkeys(ids) if i not in self.looked]
        if not ids:
            return
        self.looked.update(ids)
        for r in self.conn.execute(_FINGERPRINT_SQL + " WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                                   [ids]).fetchall():
            self.known[r[0]] = tuple(r[1:])

    def get(self, aid, default=None):
        if aid not in self.looked:
            self.lookup([aid])
        return self.known.get(aid, default)

    def __contains__(self, aid) -> bool:
        return self.get(aid) is not None


def fingerprint(a: Article) -> tuple:
    return (content_hash(a.text), a.title or "", a.source or "", a.url or "", a.published)


def implausible_since(conn, since, limit: int) -> list:
    """(article_id, killed, injured) of up to ``limit`` incidents flagged implausible in the
    articles ingested at or after ``since``, by event id."""
    return conn.execute(
        "SELECT i.article_id, i.killed, i.injured FROM incidents i JOIN articles a USING (article_id) "
        "WHERE i.implausible AND a.ingested_at >= ? ORDER BY i.event_id LIMIT ?", [since, limit]).fetchall()
