"""Ingest: upload files or paste text, preview the events, save; duplicates recognised.

Bad input gets one clear line (st.error) and the store is left unchanged.
The pure checks (``decode_upload``, ``check_date``, ``safe_name``) are tested
in tests/test_app.py.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional

import pandas as pd
import streamlit as st

from frontline.models import Article

from . import data
from .common import safe_page

MAX_BYTES = 50 * 1024 * 1024
UPLOAD_DIR = Path(__file__).resolve().parent.parent / "data" / "uploads"
_BINARY_MAGIC = {b"%PDF": "a PDF", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
                 b"GIF8": "a GIF image", b"PK\x03\x04": "a ZIP/Office file", b"\x7fELF": "a program"}


class UploadError(ValueError):
    """An upload that cannot become an article; the message is shown as is."""


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr", "article", "section"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("p", "div", "li", "h1", "h2", "h3", "h4"):
            self.parts.append("\n")

    def handle_data(self, d):
        if not self._skip:
            self.parts.append(d)


def html_to_text(src: str) -> str:
    p = _TextOf()
    p.feed(src)
    p.close()
    text = "".join(p.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def safe_name(name: str) -> str:
    """A file name with no directory part and only safe characters (``../../etc/passwd`` → ``passwd``)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    return base[:120] or "upload"


def decode_upload(name: str, raw: bytes) -> str:
    """The text of an uploaded .txt/.md/.html file, or UploadError naming the problem."""
    label = safe_name(name)
    if not raw or not raw.strip():
        raise UploadError(f"{label}: the file is empty.")
    if len(raw) > MAX_BYTES:
        raise UploadError(f"{label}: the file is larger than 50 MB.")
    for magic, what in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            raise UploadError(f"{label}: this is {what}, not text.")
    if b"\x00" in raw[:65536]:
        raise UploadError(f"{label}: this is a binary file, not text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"{label}: not valid UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
    if label.lower().endswith((".html", ".htm")):
        text = html_to_text(text)
    if not re.search(r"[A-Za-z]{2,}", text):
        raise UploadError(f"{label}: no sentences found in the text.")
    return text


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
    stem = Path(safe_name(name)).stem[:60] if name else "pasted"
    return f"{stem}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def _csv_articles(name: str, raw: bytes) -> list:
    """Articles of an uploaded CSV through the project's readers (file kept under data/uploads)."""
    try:
        from frontline.articles import read_paths
    except ImportError:
        raise UploadError("CSV import is not available in this version.") from None
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    target = (UPLOAD_DIR / safe_name(name)).resolve()
    if UPLOAD_DIR.resolve() not in target.parents:
        raise UploadError(f"{safe_name(name)}: refused file name.")
    target.write_bytes(raw)
    try:
        arts = list(read_paths([target]))
    except Exception as exc:  # noqa: BLE001  (one line for the user)
        raise UploadError(f"{safe_name(name)}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    if not arts:
        raise UploadError(f"{safe_name(name)}: no articles found in the CSV.")
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


def _collect(files, pasted: str, title: str, source: str, published) -> list:
    arts = []
    for f in files or []:
        raw = f.getvalue()
        if f.name.lower().endswith(".csv"):
            arts.extend(_csv_articles(f.name, raw))
            continue
        text = decode_upload(f.name, raw)
        arts.append(Article(id=article_id_for(f.name, text), text=text,
                            title=title or Path(safe_name(f.name)).stem, source=source,
                            published=published, published_from="metadata" if published else ""))
    if pasted and pasted.strip():
        text = decode_upload("pasted.txt", pasted.encode("utf-8"))
        arts.append(Article(id=article_id_for("pasted", text), text=text, title=title or text[:80],
                            source=source, published=published,
                            published_from="metadata" if published else ""))
    return arts


@safe_page
def page(filters) -> None:
    st.title("Ingest")
    st.caption("Upload .txt, .md, .html or .csv files (up to 50 MB) or paste an article. "
               "Preview what Frontline extracts, then save it to the store.")
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
    try:
        arts = _collect(files, pasted, title.strip(), source.strip(), published)
    except UploadError as exc:
        st.error(str(exc))
        return
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
        st.dataframe(prev, hide_index=True, width="stretch", key="ingest_preview")
    if do_save and fresh:
        try:
            from frontline.store import ingest as store_ingest
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

