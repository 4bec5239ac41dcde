"""Exports of the store: one file per table (CSV, JSON), and the other formats.

``WRITERS`` maps a format name to ``writer(conn, out, filters) -> list[Path]``;
``out`` is a folder for the per-table formats (csv, json) and a file (or a
folder to put a default-named file in) for the single-file ones (xlsx,
geojson, acled, briefing, written by ``frontline.exports_extra`` and
``frontline.briefing``). Incidents and diplomatic events come from the
reviewed views (``v_incidents``, ``v_diplomacy``): analyst edits applied,
rejected events left out, added events included.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Callable, Optional

import pandas as pd

from .safety import spreadsheet_cell

TABLES = ("articles", "incidents", "diplomacy", "claims", "fused_incidents")
# where each exported table is read from
SOURCES = {"articles": "articles", "incidents": "v_incidents", "diplomacy": "v_diplomacy",
           "claims": "claims", "fused_incidents": "fused_incidents"}
ORDER = {"articles": "article_id", "incidents": "day NULLS LAST, event_id",
         "diplomacy": "day NULLS LAST, event_id", "claims": "event_id, claim_no",
         "fused_incidents": "day NULLS LAST, cluster_id"}


class ExportError(ValueError):
    """An export that cannot be written (unknown format, bad target)."""


# --------------------------------------------------------------------------- frames

def _where(name: str, filters) -> tuple:
    """SQL condition and parameters selecting ``name``'s rows under ``filters``."""
    if filters is None or getattr(filters, "is_empty", True):
        return "TRUE", []
    from . import queries   # lazy: filters are optional
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


# --------------------------------------------------------------------------- values

def plain_value(v):
    """A JSON-ready Python value: dates as ISO text, missing values as None, arrays as lists."""
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        return [plain_value(x) for x in v]
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        return plain_value(v.tolist())
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, pd.Timestamp):
        if pd.isna(v):
            return None
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def records(df: pd.DataFrame) -> list:
    cols = list(df.columns)
    return [{c: plain_value(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False, name=None)]


def _flat(v):
    """A CSV cell: lists joined with "; ", dates as ISO text, text neutralised for
    spreadsheets (:func:`frontline.safety.spreadsheet_cell`)."""
    v = plain_value(v)
    if isinstance(v, list):
        v = "; ".join("" if x is None else str(x) for x in v)
    return spreadsheet_cell(v)


def spreadsheet_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as every CSV export writes it: each cell through :func:`_flat` (numbers stay
    numbers; text that a spreadsheet would run as a formula starts with ``'``)."""
    return pd.DataFrame({c: [_flat(v) for v in df[c]] for c in df.columns}, columns=df.columns)


def csv_text(df: pd.DataFrame) -> str:
    """The CSV of ``df``, safe to open in a spreadsheet: the one writer behind every CSV
    export (``export --format csv``, the ACLED CSV, the dashboard's download buttons)."""
    # CRLF line ends (RFC 4180): a cell holding a lone CR or LF is then quoted, so no reader can
    # split it into a new row that starts with a formula
    return spreadsheet_frame(df).to_csv(index=False, lineterminator="\r\n")


# --------------------------------------------------------------------------- writers

def _folder(out) -> Path:
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return out


def write_csv(conn, out, filters=None) -> list:
    folder = _folder(out)
    paths = []
    for name, df in export_frames(conn, filters).items():
        path = folder / f"{name}.csv"
        write_file(path, csv_text(df))
        paths.append(path)
    return paths


def write_json(conn, out, filters=None) -> list:
    folder = _folder(out)
    paths = []
    for name, df in export_frames(conn, filters).items():
        path = folder / f"{name}.json"
        write_file(path, json.dumps(records(df), ensure_ascii=False, indent=1))
        paths.append(path)
    return paths


def _single_file(out, default_name: str) -> Path:
    """Where a one-file format goes: ``out``, or ``out/<default_name>`` when ``out`` is an
    existing folder or ends with a slash (``--out exports/``)."""
    raw = out if isinstance(out, str) else None
    out = Path(out)
    if out.is_dir() or (raw is not None and raw.endswith(("/", "\\", "/.", "/.."))) or str(out) in (".", ".."):
        out = out / default_name
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def write_file(path, data) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` whole or not at all: into a
    temporary file beside it, flushed to the disk, then renamed over it. A full disk (or a
    file size limit) raises :class:`ExportError` and leaves no partial file."""
    import os
    import tempfile
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"{path}: could not write the export ({e.strerror or e}); nothing written") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _filters(filters):
    if filters is not None:
        return filters
    from .queries import Filters
    return Filters()


def _extra(fn_name: str, default_name: str, binary: bool) -> Callable:
    """Adapter to a single-file writer of frontline.exports_extra (``fn(conn, filters)``)."""
    def write(conn, out, filters=None) -> list:
        try:
            from . import exports_extra
            fn = getattr(exports_extra, fn_name)
        except (ImportError, AttributeError):
            raise ExportError(f"the {default_name.rsplit('.', 1)[-1]} export is not available") from None
        path = _single_file(out, default_name)
        try:
            data = fn(conn, _filters(filters))
        except OSError as e:            # openpyxl writes its sheets to temporary files first
            raise ExportError(f"{path}: could not write the export ({e.strerror or e}); nothing written") from None
        write_file(path, data if isinstance(data, (str, bytes)) else json.dumps(data))
        return [path]
    return write


def write_briefing(conn, out, filters=None) -> list:
    try:
        from . import briefing
    except ImportError:
        raise ExportError("the briefing export is not available") from None
    path = _single_file(out, "briefing.html")
    return [write_file(path, briefing.build(conn, _filters(filters)))]


WRITERS: dict = {
    "csv": write_csv,
    "json": write_json,
    "xlsx": _extra("xlsx", "frontline.xlsx", binary=True),
    "geojson": _extra("geojson", "incidents.geojson", binary=False),
    "acled": _extra("acled_csv", "acled.csv", binary=False),
    "briefing": write_briefing,
}


def export_tables(conn, out_dir, fmt: str = "csv", filters=None) -> list:
    """Write the store (reviewed, filtered) in format ``fmt``; returns the files written."""
    writer: Optional[Callable] = WRITERS.get(fmt)
    if writer is None:
        raise ExportError(f"unknown export format {fmt!r}; one of {', '.join(WRITERS)}")
    return writer(conn, out_dir, filters)


__all__ = ["TABLES", "WRITERS", "export_tables", "export_frames", "table_frame", "records",
           "plain_value", "write_csv", "write_json", "ExportError", "csv_text", "spreadsheet_frame",
           "write_file"]
