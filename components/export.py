"""Export: the filtered incidents and diplomatic events as CSV, Excel, GeoJSON, ACLED CSV and a
one-file HTML briefing that opens offline."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from frontline import queries
from frontline.exports import briefing
from frontline.exports.acled import acled_csv
from frontline.exports.common import csv_text
from frontline.exports.geojson import geojson
from frontline.exports.xlsx import xlsx

from . import data
from .common import safe_page


@st.cache_data(show_spinner="Preparing…", max_entries=16)
def _build(kind: str, path: str, ver: tuple, fkey: tuple) -> bytes:
    f = queries.Filters.from_query_params(dict(fkey))
    c = data._connect(path)
    try:
        if kind == "incidents_csv":
            return csv_text(queries.incidents(c, f)).encode("utf-8")
        if kind == "diplomacy_csv":
            return csv_text(queries.diplomacy_events(c, f)).encode("utf-8")
        if kind == "xlsx":
            return xlsx(c, f)
        if kind == "geojson":
            return geojson(c, f).encode("utf-8")
        if kind == "acled":
            return acled_csv(c, f).encode("utf-8")
        if kind == "briefing":
            return briefing.build(c, f).encode("utf-8")
        raise ValueError(kind)
    finally:
        c.close()


def _get(kind: str, f):
    """A callable building the file when its button is clicked (nothing is built to draw the page)."""
    key = (kind, data.db_path(), data.version(), tuple(sorted(f.to_query_params().items())))
    return lambda: _build(*key)


@safe_page
def page(filters) -> None:
    st.title("Export")
    counts = data.q("shown_hidden", filters)
    st.markdown(f"The current filters select **{counts['incidents_shown']:,}** incident reports and "
                f"**{counts['diplomacy_shown']:,}** diplomatic events (reviewed values).")
    if not counts["incidents_shown"] and not counts["diplomacy_shown"]:
        st.info("Nothing to export in this period.")
    stamp = dt.date.today().isoformat()
    c = st.columns(3)
    c[0].download_button("Incidents · CSV", _get("incidents_csv", filters), f"frontline_incidents_{stamp}.csv",
                         "text/csv", key="export_inc_csv", width="stretch", icon=":material/table:")
    c[1].download_button("Diplomacy · CSV", _get("diplomacy_csv", filters), f"frontline_diplomacy_{stamp}.csv",
                         "text/csv", key="export_dip_csv", width="stretch", icon=":material/table:")
    c[2].download_button("Excel workbook", _get("xlsx", filters), f"frontline_{stamp}.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         key="export_xlsx", width="stretch", icon=":material/grid_on:")
    c = st.columns(3)
    c[0].download_button("GeoJSON (incidents)", _get("geojson", filters), f"frontline_{stamp}.geojson",
                         "application/geo+json", key="export_geojson", width="stretch", icon=":material/map:")
    c[1].download_button("ACLED-compatible CSV", _get("acled", filters), f"frontline_acled_{stamp}.csv",
                         "text/csv", key="export_acled", width="stretch", icon=":material/database:")
    if c[2].toggle("Prepare HTML briefing", key="export_brief_on",
                   help="One file with figures, map, timelines and sources; opens offline (~4 MB)"):
        st.download_button("HTML briefing", _get("briefing", filters), f"frontline_briefing_{stamp}.html",
                           "text/html", key="export_briefing", type="primary", icon=":material/description:")
    st.caption("Same exports from the command line: `python -m frontline export --format "
               "csv|xlsx|geojson|acled|briefing --out PATH` with `--from`, `--to`, `--side`, …")
