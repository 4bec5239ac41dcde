"""Exports of the store, one module per format (csv_tables, json_tables, xlsx, geojson, acled,
briefing) sharing ``common``; ``WRITERS`` maps a format to its writer.

``WRITERS[fmt](conn, out, filters) -> list[Path]``: ``out`` is a folder for the
per-table formats (csv, json) and a file (or a folder to put a default-named
file in) for the single-file ones (xlsx, geojson, acled, briefing).
Incidents and diplomatic events come from the reviewed views (``v_incidents``,
``v_diplomacy``): analyst edits applied, rejected events left out, added
events included. A format's module is imported when it is written.
"""
from __future__ import annotations

import json
from typing import Callable, Optional

from .common import ExportError, _filters, _single_file, csv_text, write_file
from .tables import TABLES


def _one_file(fmt: str, load: Callable, default_name: str) -> Callable:
    """The writer of a single-file format: ``load()`` gives the function ``fn(conn, filters)``
    making its text or bytes, written whole to ``out`` (or ``out/<default_name>``)."""
    def write(conn, out, filters=None) -> list:
        try:
            fn = load()
        except ImportError:
            raise ExportError(f"the {fmt} export is not available") from None
        path = _single_file(out, default_name)
        try:
            data = fn(conn, _filters(filters))
        except OSError as e:            # openpyxl writes its sheets to temporary files first
            raise ExportError(f"{path}: could not write the export ({e.strerror or e}); nothing written") from None
        write_file(path, data if isinstance(data, (str, bytes)) else json.dumps(data))
        return [path]
    return write


def _write_csv(conn, out, filters=None) -> list:
    from .csv_tables import write_csv
    return write_csv(conn, out, filters)


def _write_json(conn, out, filters=None) -> list:
    from .json_tables import write_json
    return write_json(conn, out, filters)


def _xlsx():
    from .xlsx import xlsx
    return xlsx


def _geojson():
    from .geojson import geojson
    return geojson


def _acled():
    from .acled import acled_csv
    return acled_csv


def _briefing():
    from .briefing import build
    return build


WRITERS: dict = {
    "csv": _write_csv,
    "json": _write_json,
    "xlsx": _one_file("xlsx", _xlsx, "frontline.xlsx"),
    "geojson": _one_file("geojson", _geojson, "incidents.geojson"),
    "acled": _one_file("acled", _acled, "acled.csv"),
    "briefing": _one_file("briefing", _briefing, "briefing.html"),
}


def export_tables(conn, out_dir, fmt: str = "csv", filters=None) -> list:
    """Write the store (reviewed, filtered) in format ``fmt``; returns the files written."""
    writer: Optional[Callable] = WRITERS.get(fmt)
    if writer is None:
        raise ExportError(f"unknown export format {fmt!r}; one of {', '.join(WRITERS)}")
    return writer(conn, out_dir, filters)


__all__ = ["TABLES", "WRITERS", "ExportError", "csv_text", "export_tables", "write_file"]
