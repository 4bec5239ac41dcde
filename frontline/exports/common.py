"""What every export shares: values made plain (JSON-ready, missing as None), cells safe for a
spreadsheet, the one CSV writer, where a one-file format goes, and writing a file whole or not at all."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from ..safety import spreadsheet_cell


class ExportError(ValueError):
    """An export that cannot be written (unknown format, bad target)."""


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
    return None if _missing(v) else v


def _missing(v) -> bool:
    """pandas' missing markers (NaN, NaT, NA); False for anything pandas cannot judge (lists, objects)."""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


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


def _none(v):
    return None if v is None or _missing(v) else v


def _json_value(v):
    v = _none(v)
    if v is None:
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        return str(pd.Timestamp(v).date())
    if hasattr(v, "item"):          # numpy scalars
        return v.item()
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    return v


def _folder(out) -> Path:
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return out


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
    from ..queries import Filters
    return Filters()
