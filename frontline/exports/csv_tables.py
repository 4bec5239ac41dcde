"""CSV export: one spreadsheet-safe CSV file per exported table, in a folder."""
from __future__ import annotations

from .common import _folder, csv_text, write_file
from .tables import export_frames


def write_csv(conn, out, filters=None) -> list:
    folder = _folder(out)
    paths = []
    for name, df in export_frames(conn, filters).items():
        path = folder / f"{name}.csv"
        write_file(path, csv_text(df))
        paths.append(path)
    return paths


