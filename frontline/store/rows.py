"""Events to rows: an article's extracted events as the store's rows and Arrow tables
(pure: no store, no clock), with deterministic event ids."""
from __future__ import annotations

import datetime as dt
import json
import math
from typing import Iterable, Optional

import pyarrow as pa

from ..models import Article, ArticleEvents, Diplomacy, Incident
from ..readers.common import content_hash
from .schema import arrow_schema


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

