"""Excel export: an .xlsx workbook of the filtered events (sheets headline, incidents, diplomacy),
cells neutralised for spreadsheets; a frame-level function a test can call with hand-made rows."""
from __future__ import annotations

import io
from typing import Optional

import pandas as pd

from .. import queries
from ..queries import Filters
from ..safety import spreadsheet_cell


def xlsx_from_frames(incidents: pd.DataFrame, diplomacy: pd.DataFrame,
                     headline: Optional[pd.DataFrame] = None) -> bytes:
    """An .xlsx workbook with sheets incidents, diplomacy (and headline)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in (("headline", headline), ("incidents", incidents), ("diplomacy", diplomacy)):
            if df is None:
                continue
            out = df.copy()
            for c in out.columns:
                if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
                    out[c] = out[c].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple))
                                        else v)
                    # formulas neutralised, characters a workbook cannot hold (NUL, ...) dropped
                    out[c] = out[c].map(spreadsheet_cell).astype(object)
            out.columns = [spreadsheet_cell(str(c)) for c in out.columns]
            out.to_excel(xw, sheet_name=name, index=False)
    return buf.getvalue()


def xlsx(conn, f: Filters) -> bytes:
    return xlsx_from_frames(queries.incidents(conn, f), queries.diplomacy_events(conn, f),
                            queries.headline(conn, f))


