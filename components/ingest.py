"""Ingest: upload files or paste text, preview the events, save; duplicates recognised.

Bad input gets one clear line (st.error) and the store is left unchanged.
The pure checks (``decode_upload``, ``check_date``, ``safe_name``) are tested
in tests/test_app.py.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Optional

import pandas as pd
import streamlit as st

from frontline.readers import read_upload, upload_article_id
from frontline.safety import MAX_ARTICLE_BYTES, MAX_UPLOAD_BYTES, InputError

from . import data
from .common import import_frozen, safe_page

MAX_BYTES = MAX_UPLOAD_BYTES          # one upload (a CSV of many articles); one article: MAX_ARTICLE_BYTES
# no longer written to (read_upload reads uploads in memory); kept for callers that point it elsewhere
UPLOAD_DIR = Path(__file__).resolve().parent.parent / "data" / "uploads"


class UploadError(ValueError):
    """An upload that cannot become an article; the message is shown as is."""


def safe_name(name: str) -> str:
    """A file name with no directory part and only safe characters (``../../etc/passwd`` → ``passwd``)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    return base[:120] or "upload"


def _read(name: str, raw: bytes, warn=None, **meta) -> list:
    """``frontline.readers.read_upload`` (the CLI's rules), its InputError as UploadError."""
    try:
        return read_upload(name, raw, warn=warn, **meta)
    except InputError as exc:
        raise UploadError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


def decode_upload(name: str, raw: bytes, warn=None) -> str:
    """The text of an uploaded .txt/.md/.html file (the CLI's rules: 10 MiB per article,
    UTF-8 with a Windows-1252 fallback reported through ``warn``), or UploadError."""
    label = safe_name(name)
    if Path(label).suffix.lower() in (".csv", ".jsonl"):
        label += ".txt"
    return _read(label, raw, warn)[0].text


def check_date(published: Optional[dt.date], today: dt.date) -> Optional[str]:
    """An error line for an implausible publication date, else None (unknown is fine)."""
    if published is None:
        return None
    if published > today:
        return f"The publication date {published} is in the future."
    if published < dt.date(1990, 1, 1):
        return f"The publication date {published} is before 1990."
    return None


def article_id_for(name: str, text: str) -> str:
    return upload_article_id(name or "pasted", text)


def _csv_articles(name: str, raw: bytes, warn=None, **meta) -> list:
    """Articles of an uploaded CSV/JSONL through the project's reader (nothing written to disk)."""
    arts = _read(name, raw, warn, **meta)
    if not arts:
        raise UploadError(f"{safe_name(name)}: no articles found in the file.")
    return arts


def preview_frame(events) -> pd.DataFrame:
    rows = []
    for ev in events:
        for x in ev.incidents:
            rows.append({"kind": "incident", "date": x.event_date, "type": x.event_type,
                         "who": x.actor, "side": x.side, "place": x.location, "killed": x.killed,
                         "injured": x.injured, "children": x.children_killed,
                         "evidence": x.evidence[:300]})
        for x in ev.diplomacy:
            rows.append({"kind": "diplomacy", "date": x.event_date, "type": x.event_type,
                         "who": ", ".join(x.actors), "side": None, "place": x.location,
                         "killed": None, "injured": None, "children": None,
                         "evidence": x.evidence[:300]})
    return pd.DataFrame(rows, columns=["kind", "date", "type", "who", "side", "place", "killed",
                                       "injured", "children", "evidence"])


def _existing(texts: list) -> dict:
    """text → article id of the articles already in the store with the same text."""
    c = data.conn()
    try:
        names = {r[0] for r in c.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "articles" not in names:
            return {}
        hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        rows = c.execute("""SELECT article_id, text FROM articles
                            WHERE list_contains(?::VARCHAR[], sha256(text))""", [hashes]).fetchall()
        return {t: a for a, t in rows}
    finally:
        c.close()


def _collect(files, pasted: str, title: str, source: str, published, warn=None) -> list:
    arts = []
    for f in files or []:
        raw = f.getvalue()
        if f.name.lower().endswith((".csv", ".jsonl")):
            arts.extend(_csv_articles(f.name, raw, warn, published=published))
            continue
        arts.extend(_read(f.name, raw, warn, published=published, title=title, source=source))
    if pasted and pasted.strip():
        arts.extend(_read("pasted.txt", pasted.encode("utf-8"), warn, published=published,
                          title=title, source=source))
    return arts


def _load_pipeline() -> None:
    """Import the extractor and the ingest pipeline when the page is drawn (once per process), so
    that a Preview or Save click does not wait for them (~1.5 s): the dashboard no longer imports
    the extractor at start, and the Overview needs none of it."""
    try:
        import_frozen("frontline.extract", "frontline.ingest.pipeline")
    except ImportError:
        pass        # said where they are needed (Preview, Save)


@safe_page
def page(filters) -> None:
    st.title("Ingest")
    st.caption(f"Upload .txt, .md, .html or .csv files (up to {MAX_UPLOAD_BYTES // 2**20} MB; one article "
               f"at most {MAX_ARTICLE_BYTES // 2**20} MB) or paste an article. "
               "Preview what Frontline extracts, then save it to the store.")
    _load_pipeline()
    with st.form("ingest_form", clear_on_submit=False):
        files = st.file_uploader("Files", type=["txt", "md", "html", "htm", "csv"],
                                 accept_multiple_files=True, key="ingest_files")
        pasted = st.text_area("…or paste the article text", height=180, key="ingest_text")
        c = st.columns(3)
        title = c[0].text_input("Title", key="ingest_title")
        source = c[1].text_input("Source (outlet)", key="ingest_source")
        pub = c[2].text_input("Published (YYYY-MM-DD, empty if unknown)", key="ingest_published")
        b1, b2 = st.columns([1, 1])
        do_preview = b1.form_submit_button("Preview events", type="secondary")
        do_save = b2.form_submit_button("Save to store", type="primary")
    if not (do_preview or do_save):
        return
    published = None
    if pub.strip():
        try:
            published = dt.date.fromisoformat(pub.strip())
        except ValueError:
            st.error(f"The publication date {pub.strip()!r} is not a YYYY-MM-DD date.")
            return
    problem = check_date(published, dt.date.today())
    if problem:
        st.error(problem)
        return
    warnings: list = []
    try:
        arts = _collect(files, pasted, title.strip(), source.strip(), published, warnings.append)
    except UploadError as exc:
        st.error(str(exc))
        return
    for w in warnings:
        st.warning(str(w).splitlines()[0] if str(w) else "warning")
    if not arts:
        st.error("Nothing to ingest: choose a file or paste a text.")
        return
    dup = _existing([a.text for a in arts])
    fresh = [a for a in arts if a.text not in dup]
    for a in arts:
        if a.text in dup:
            st.warning(f"Already in the store (same text): {dup[a.text]}")
    try:
        from frontline.extract import extract_article
    except ImportError:
        st.error("The extractor is not available in this version.")
        return
    events = [extract_article(a) for a in fresh]
    st.subheader("Preview")
    prev = preview_frame(events)
    if prev.empty:
        st.info("No incidents or diplomatic events found in this text.")
    else:
        st.dataframe(prev, hide_index=True, placeholder="", width="stretch", key="ingest_preview")
    for ev in events:
        for x in ev.incidents:
            if getattr(x, "implausible", False):
                st.warning(f"An incident with {x.killed} killed is implausible for one incident: "
                           "it is kept, flagged implausible and not counted in totals.")
    if do_save and fresh:
        try:
            from frontline.ingest.pipeline import ingest as store_ingest
        except ImportError:
            st.error("Saving is not available: the store module is missing.")
            return
        c = data.conn()
        try:
            store_ingest(c, fresh)
        finally:
            c.close()
        data.clear()
        st.success(f"Saved {len(fresh)} article(s): "
                   f"{sum(len(e.incidents) for e in events)} incident(s), "
                   f"{sum(len(e.diplomacy) for e in events)} diplomatic event(s).")
    elif do_save:
        st.info("Nothing new to save.")

