"""JSON export: one JSON file (a list of records, dates as ISO text) per exported table, in a folder."""
from __future__ import annotations

import json

from .common import _folder, records, write_file
from .tables import export_frames


def write_json(conn, out, filters=None) -> list:
    folder = _folder(out)
    paths = []
    for name, df in export_frames(conn, filters).items():
        path = folder / f"{name}.json"
        write_file(path, json.dumps(records(df), ensure_ascii=False, indent=1))
        paths.append(path)
    return paths


