"""Frontline dashboard: the router.  Run with ``streamlit run app.py`` (or ``make run``).

Page configuration, the sidebar filters shared by every page (kept in the
URL query) and the page list; the pages live in ``components/``.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from components import (casualties, data, diplomacy, evidence, export, ingest, mapview, overview,
                        review, sidebar)
from components.common import freeze_startup_objects, wrap_long_words

freeze_startup_objects()

# a local file: a ":material/...:" page icon makes the browser fetch the favicon from a font host
ICON = str(Path(__file__).resolve().parent / "components" / "favicon.png")
st.set_page_config(page_title="Frontline · Aleppo 2016", page_icon=ICON,
                   layout="wide", initial_sidebar_state="expanded")

PAGES = {  # key: (render(filters), title, icon, url path)
    "overview": (overview.page, "Overview", ":material/dashboard:", "overview"),
    "map": (mapview.page, "Map", ":material/map:", "map"),
    "casualties": (casualties.page, "Casualties", ":material/monitoring:", "casualties"),
    "diplomacy": (diplomacy.page, "Diplomacy", ":material/handshake:", "diplomacy"),
    "evidence": (evidence.page, "Evidence", ":material/article:", "evidence"),
    "ingest": (ingest.page, "Ingest", ":material/upload_file:", "ingest"),
    "review": (review.page, "Review", ":material/rate_review:", "review"),
    "export": (export.page, "Export", ":material/download:", "export"),
}
NEEDS_STORE = {"overview", "map", "casualties", "diplomacy", "evidence", "review", "export"}
SCOPED = {"overview", "map", "casualties", "diplomacy", "export"}   # pages that say what they show


def _page(key: str, render, ready: bool, reason: str, filters):
    def run():
        if key in NEEDS_STORE and not ready:
            st.title(PAGES[key][1])
            st.info(reason)
            return
        if key in SCOPED and filters is not None:
            try:
                sidebar.banner(filters)
            except Exception as exc:  # noqa: BLE001  (no tracebacks in the UI)
                st.caption(f"Scope unavailable: {exc}".splitlines()[0][:200])
        render(filters)
    run.__name__ = f"page_{key}"
    return run


def main() -> None:
    wrap_long_words()
    ready, reason = data.store_ready()
    if ready:
        kind, message = data.bring_fusion_up_to_date()
        if message:
            (st.warning if kind == "warning" else st.info)(message, icon=":material/sync:")
        if data.busy():
            st.caption(":material/hourglass_top: Another process (a command-line ingest?) is writing to the "
                       "store: the pages show it as last read; edits are kept and saved when it is free.")
    filters = None
    if ready:
        try:
            filters = sidebar.render()
        except Exception as exc:  # noqa: BLE001  (no tracebacks in the UI)
            st.sidebar.error(f"Filters unavailable: {exc}".splitlines()[0][:200])
            ready, reason = False, "The store could not be read; see the message in the sidebar."
    pages = {key: st.Page(_page(key, fn, ready, reason, filters), title=title, icon=icon,
                          url_path=url, default=(key == "overview"))
             for key, (fn, title, icon, url) in PAGES.items()}
    st.session_state["_frontline"] = {"pages": pages}
    nav = st.navigation({"Read": [pages[k] for k in ("overview", "map", "casualties", "diplomacy",
                                                      "evidence")],
                         "Work": [pages[k] for k in ("ingest", "review", "export")]},
                        position="top")
    nav.run()


main()
