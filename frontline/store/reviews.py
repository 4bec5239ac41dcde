"""Analyst reviews and the audit log: an edit, reject or restore of an event, or an event added by
hand, checked, then recorded in ``reviews`` (the views apply them) in one retried transaction."""
from __future__ import annotations

import datetime as dt
import json
import math
from typing import Optional

import pyarrow as pa

from ..models import Article, Diplomacy, Incident, Span
from .errors import _retrying, rollback
from .rows import _day, _float, diplomacy_row, incident_row
from .schema import EDITABLE, KIND_TABLE, _q, arrow_schema


def _encode(value) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return json.dumps([str(v) for v in value], ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    import pandas as pd
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "tolist"):
        return _encode(value.tolist())
    return str(value)


def _check_value(kind: str, field_name: str, value):
    """Validate (and normalise) an edited value; raises ValueError with a clear message."""
    sql_type = EDITABLE[kind][field_name]
    if value is None or (isinstance(value, str) and not value.strip() and sql_type != "VARCHAR"):
        return None
    if sql_type == "BIGINT":
        try:
            f = float(str(value).replace(",", "").strip())
            if not f.is_integer():
                raise ValueError
            n = int(f)
        except (ValueError, OverflowError):
            raise ValueError(f"{field_name} must be a whole number, not {value!r}") from None
        if n < 0:
            raise ValueError(f"{field_name} cannot be negative")
        return n
    if sql_type == "DOUBLE":
        f = _float(value)
        if f is None:
            raise ValueError(f"{field_name} must be a number, not {value!r}")
        return f
    if sql_type == "BOOLEAN":
        if isinstance(value, bool):
            return value
        s = str(value).strip().lower()
        if s in ("true", "1", "yes"):
            return True
        if s in ("false", "0", "no"):
            return False
        raise ValueError(f"{field_name} must be true or false, not {value!r}")
    if sql_type == "VARCHAR[]":
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        return [str(v) for v in value]
    value = str(value).strip()
    if field_name == "event_date" and value:
        try:
            if len(value) == 7:
                dt.date.fromisoformat(value + "-01")
            elif len(value) == 10:
                dt.date.fromisoformat(value)
            else:
                raise ValueError
        except ValueError:
            raise ValueError(f"event_date must be YYYY-MM-DD or YYYY-MM, not {value!r}") from None
    if field_name == "side" and value not in ("east", "west", "city", "outside", ""):
        raise ValueError(f"side must be east, west, city or outside, not {value!r}")
    return value or None


def _insert_review(conn, *, event_id, kind, action, field_name, old, new, who, at=None) -> int:
    rid = conn.execute("SELECT coalesce(max(review_id), 0) + 1 FROM reviews").fetchone()[0]
    conn.execute('INSERT INTO reviews (review_id, event_id, kind, action, field, old_value, new_value, who, "at") '
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, coalesce(?::TIMESTAMP, current_timestamp))",
                 [rid, event_id, kind, action, field_name, old, new, who, at])
    return rid


def record_review(conn, *, event_id: str, kind: str, action: str, field: Optional[str] = None,
                  new_value=None, who: str, at: Optional[dt.datetime] = None) -> int:
    """Record an analyst's edit / reject / restore of an event; committed on return.

    ``old_value`` is read from the reviewed view (what the analyst saw).
    Returns the review id.
    """
    if kind not in KIND_TABLE:
        raise ValueError(f"kind must be incident or diplomacy, not {kind!r}")
    if action not in ("edit", "reject", "restore"):
        raise ValueError(f"action must be edit, reject or restore, not {action!r} (use add_event to add)")
    if not who or not str(who).strip():
        raise ValueError("who is required")
    view = f"v_{KIND_TABLE[kind]}_all"
    if action == "edit":
        if field not in EDITABLE[kind]:
            raise ValueError(f"{field!r} is not an editable {kind} field; one of {', '.join(EDITABLE[kind])}")
        new_value = _check_value(kind, field, new_value)
    else:
        field, new_value = None, None

    def run():
        conn.begin()
        try:
            row = conn.execute(f"SELECT {_q(field) if field else 'rejected'} FROM {view} WHERE event_id = ?",
                               [event_id]).fetchone()
            if row is None:
                raise ValueError(f"no {kind} with event_id {event_id!r}")
            old = _encode(row[0]) if field else ("rejected" if row[0] else None)
            rid = _insert_review(conn, event_id=event_id, kind=kind, action=action, field_name=field,
                                 old=old, new=_encode(new_value), who=str(who).strip(), at=at)
            conn.commit()
            return rid
        except BaseException:
            rollback(conn)
            raise

    return _retrying(run)


# store columns that may come with a record (e.g. a row of v_incidents) and are derived, not given
_DERIVED_KEYS = ("event_id", "day", "outlet", "evidence_start", "evidence_end", "evidence_spans",
                 "cluster_id", "added", "reviewed", "rejected", "reject", "kind", "added_by", "added_at")


def add_event(conn, kind: str, record, who: str, *, article_id: Optional[str] = None) -> str:
    """Add an event the extractor missed (``record``: an Incident / Diplomacy or a
    dict of its fields). Stored in ``added_<table>`` (untouched by re-ingest) and
    logged in ``reviews``; returns its event id ``<article_id>:a<i|d><n>``."""
    if kind not in KIND_TABLE:
        raise ValueError(f"kind must be incident or diplomacy, not {kind!r}")
    if not who or not str(who).strip():
        raise ValueError("who is required")
    cls = Incident if kind == "incident" else Diplomacy
    if isinstance(record, dict):
        data = dict(record)
        data.setdefault("article_id", article_id or "")
        data.setdefault("event_date", None)
        data.setdefault("date_precision", "day" if _day(data.get("event_date")) else
                        ("month" if data.get("event_date") else "unknown"))
        evidence = data.pop("evidence", None)
        for derived in _DERIVED_KEYS:
            data.pop(derived, None)
        if evidence and not data.get("spans"):
            data["spans"] = [Span(0, len(str(evidence)), str(evidence))]
        allowed = set(cls.__dataclass_fields__)
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown {kind} field(s): {', '.join(sorted(unknown))}")
        if not data.get("event_type"):
            raise ValueError("event_type is required")
        if kind == "incident":
            data.setdefault("actor", None)
            data.setdefault("side", None)
        record = cls(**data)
    aid = article_id or record.article_id or "manual"
    table = KIND_TABLE[kind]

    def run():
        conn.begin()
        try:
            article = conn.execute("SELECT article_id, source FROM articles WHERE article_id = ?",
                                   [aid]).fetchone()
            art = Article(id=aid, text="", source=article[1] or "") if article else Article(id=aid, text="")
            prefix = f"{aid}:a{'i' if kind == 'incident' else 'd'}"
            n = conn.execute(f"SELECT count(*) FROM added_{table} WHERE starts_with(event_id, ?)",
                             [prefix]).fetchone()[0] + 1
            while conn.execute(f"SELECT 1 FROM added_{table} WHERE event_id = ?", [f"{prefix}{n}"]).fetchone():
                n += 1
            eid = f"{prefix}{n}"
            row = incident_row(record, eid, art) if kind == "incident" else diplomacy_row(record, eid, art)
            if not article:
                row["outlet"] = None
            row["added_by"] = str(who).strip()
            t = pa.Table.from_pylist([row], schema=arrow_schema(f"added_{table}", skip=("added_at",)))
            conn.register("_fl_added", t)
            try:
                conn.execute(f"INSERT INTO added_{table} BY NAME SELECT * FROM _fl_added")
            finally:
                conn.unregister("_fl_added")
            payload = {k: v for k, v in row.items() if k not in ("added_by",)}
            _insert_review(conn, event_id=eid, kind=kind, action="add", field_name=None, old=None,
                           new=json.dumps(payload, default=str, ensure_ascii=False), who=str(who).strip())
            conn.commit()
            return eid
        except BaseException:
            rollback(conn)
            raise

    return _retrying(run)


# --------------------------------------------------------------------------- backup / restore

