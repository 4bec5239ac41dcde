"""Bad input, table-driven: through ``python -m frontline ingest`` (a subprocess,
the store's row counts compared before and after), through the readers the
ingest page can use (``frontline.readers.read_upload``), and through the
ingest page itself (AppTest with an uploaded file).

Every case gives one clear line naming the problem: refused input exits
non-zero and leaves the store unchanged; input that can be read is stored
with one warning line (invalid UTF-8, an implausible publication date, a
100,000-character sentence, a toll of a billion, a CSV with an unknown column).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest

import frontline
from conftest import fake_extract, make_article, store_counts
from frontline import queries, resources, safety, store
from frontline.readers import InputError, read_paths, read_upload
from frontline.ingest import pipeline

ROOT = Path(frontline.__file__).resolve().parent.parent
HAS_GAZETTEER = resources.data_path("places.csv").is_file()
needs_extractor = pytest.mark.skipif(
    not HAS_GAZETTEER, reason="data/places.csv (the gazetteer) is not in the tree: the real extractor cannot run")

KILLED = "Eight people were killed on Wednesday in air strikes on eastern Aleppo, the Syrian Observatory said.\n"
BIG = 50 * 1024 * 1024          # "a 50 MB text"


def _random_bytes(n: int = 20_000) -> bytes:
    return random.Random(6).randbytes(n)


def _long_sentence() -> bytes:
    """One sentence of exactly 100,000 characters."""
    lead = "Eight people were killed in eastern Aleppo "
    filler = "and the shelling of the old city went on through the night "
    body = (filler * (100_000 // len(filler) + 1))[:100_000 - len(lead)]
    return ("Aleppo under fire\n\n" + lead + body + ".\n").encode()


def _mixed() -> bytes:
    return ("Aleppo, Düsseldorf und Köln\n\n".encode("utf-8")
            + "Eight people were killed in the café district of eastern Aleppo.\n".encode("cp1252")
            + "Rescuers from the White Helmets said the toll would rise.\n".encode("utf-8"))


@dataclass
class Case:
    id: str
    name: str                     # file name
    data: Callable[[], bytes]
    refused: bool
    message: str                  # a word of the one line naming the problem (case-insensitive)
    meta: Optional[dict] = None   # <stem>.meta.json beside a text file
    needs_extractor: bool = False  # accepted cases extract with the real extractor
    check: Optional[str] = None   # an extra store check, see test_cli_battery
    page_message: Optional[str] = None   # the ingest page's wording, when it differs
    extra: dict = field(default_factory=dict)


CASES = [
    Case("empty", "empty.txt", lambda: b"", True, "empty"),
    Case("blank", "blank.txt", lambda: b"  \n\n\t \n", True, "empty"),
    Case("pdf", "report.pdf", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\n", True, "PDF"),
    Case("pdf-named-txt", "report.txt", lambda: b"%PDF-1.4\n" + _random_bytes(2000), True, "PDF"),
    Case("png", "photo.png", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _random_bytes(500), True, "PNG"),
    Case("random-bytes", "noise.txt", _random_bytes, True, "binary"),
    Case("50MB", "huge.txt", lambda: (KILLED.encode() * (BIG // len(KILLED) + 1))[:BIG], True, "too large",
         page_message="larger|too large"),
    Case("no-sentences", "numbers.txt", lambda: b"1234 5678 9012\n--- *** !!! 42\n", True, "no sentences"),
    Case("csv-missing-columns", "missing.csv", lambda: b"title,source\nA title,CNN\n", True, "missing required column"),
    Case("csv-extra-fields", "extra_fields.csv",
         lambda: b"id,text\nx1,Eight people were killed in Aleppo.,stray field\n", True, "fields"),
    Case("csv-broken-quoting", "quoting.csv",
         lambda: b'id,text\nx1,"Eight people were killed in Aleppo.\nx2,Four more died.\n', True, "quoting"),
    Case("csv-header-only", "header_only.csv", lambda: b"id,title,text,source,published\n", True, "no rows"),
    Case("jsonl-broken", "broken.jsonl", lambda: b'{"id": "x1", "text": "Eight killed."\n', True, "not valid JSON"),
    Case("invalid-utf8", "latin1.txt",
         lambda: "Café bombed\n\nEight people were killed near the café in eastern Aleppo.\n".encode("latin-1"),
         False, "not valid UTF-8", needs_extractor=True, check="decoded", page_message="UTF-8"),
    Case("mixed-encodings", "mixed.txt", _mixed, False, "not valid UTF-8", needs_extractor=True, check="mixed",
         page_message="UTF-8"),
    Case("csv-extra-column", "extra_column.csv",
         lambda: b"id,title,text,source,published,mood\nx1,T,Eight people were killed in Aleppo.,CNN,2016-10-12,sad\n",
         False, "unknown column", needs_extractor=True, extra={"aid": "x1"}),
    Case("future-date", "future.txt", lambda: KILLED.encode(), False, "in the future",
         meta={"title": "From the future", "source": "CNN", "published": "2999-01-01"},
         needs_extractor=True, check="published-unknown"),
    Case("before-1990", "old.txt", lambda: KILLED.encode(), False, "before 1990",
         meta={"title": "Too old", "source": "CNN", "published": "1985-05-05"},
         needs_extractor=True, check="published-unknown"),
    Case("sentence-100k", "long.txt", _long_sentence, False, "100,000 characters", needs_extractor=True,
         check="stored"),
    Case("billion-killed", "billion.txt",
         lambda: b"1,000,000,000 people were killed in air strikes on eastern Aleppo on Monday, "
                 b"the Syrian Observatory said.\n",
         False, "implausible", meta={"source": "Test", "published": "2016-10-13"}, needs_extractor=True,
         check="implausible"),
]
REFUSED = [c for c in CASES if c.refused]


def _param(c: Case):
    marks = [needs_extractor] if c.needs_extractor else []
    return pytest.param(c, id=c.id, marks=marks)


# --------------------------------------------------------------------------- helpers

def write_case(c: Case, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / c.name
    path.write_bytes(c.data())
    if c.meta is not None:
        path.with_name(path.stem + ".meta.json").write_text(json.dumps(c.meta), encoding="utf-8")
    return path


def seeded_store(path: Path) -> Path:
    """A store holding two articles (written with the fake extractor) and a review."""
    conn = store.connect(path)
    try:
        pipeline.ingest(conn, [make_article("s1", "8 people were killed in east Aleppo. Kerry met Lavrov."),
                            make_article("s2", "3 people were killed in west Aleppo.")],
                     extract=fake_extract)
        store.record_review(conn, event_id="s1:i1", kind="incident", action="edit", field="killed",
                            new_value=9, who="analyst")
    finally:
        conn.close()
    return path


def run_cli(*args, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("FRONTLINE_DB", None)
    env.pop("FRONTLINE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "frontline", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=timeout)


def stderr_lines(proc) -> list:
    return [ln for ln in proc.stderr.splitlines() if ln.strip()]


# --------------------------------------------------------------------------- the CLI

@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_cli_battery(case, tmp_path):
    db = seeded_store(tmp_path / "store.duckdb")
    path = write_case(case, tmp_path / "in")
    before = store_counts(db)
    proc = run_cli("ingest", path, "--db", db, "--quiet")
    lines = stderr_lines(proc)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert len(lines) == 1, lines                                 # one clear line ...
    assert case.message.lower() in lines[0].lower(), lines        # ... naming the problem
    assert c_name_in(case, lines[0])                              # ... and the file or article
    after = store_counts(db)
    if case.refused:
        assert proc.returncode != 0
        assert lines[0].startswith("frontline: error:"), lines
        assert after == before
        return
    assert proc.returncode == 0, proc.stderr
    assert lines[0].startswith("frontline: warning:"), lines
    assert after["articles"] == before["articles"] + 1
    assert after["reviews"] == before["reviews"]
    conn = store.connect(db, read_only=True)
    try:
        check_store(case, conn)
    finally:
        conn.close()


def c_name_in(case: Case, line: str) -> bool:
    """The line names the file (or, for the toll, the article)."""
    return case.name in line or Path(case.name).stem in line


def check_store(case: Case, conn) -> None:
    aid = case.extra.get("aid", Path(case.name).stem)
    row = conn.execute("SELECT published, text, n_chars FROM articles WHERE article_id = ?", [aid]).fetchone()
    assert row is not None, f"article {aid} not stored"
    published, text, n_chars = row
    if case.check == "published-unknown":
        assert published is None
        dates = conn.execute("SELECT event_date FROM incidents WHERE article_id = ?", [aid]).fetchall()
        assert dates, "the killed sentence gave no incident"
        assert all(d[0] is None for d in dates), dates           # "on Wednesday" stays unresolved
    elif case.check == "decoded":
        assert "café" in text
    elif case.check == "mixed":
        assert "Düsseldorf" in text and "café" in text
    elif case.check == "stored":
        assert n_chars > 100_000
    elif case.check == "implausible":
        killed, implausible = conn.execute(
            "SELECT killed, implausible FROM incidents WHERE article_id = ?", [aid]).fetchone()
        assert killed == 1_000_000_000 and implausible is True
        f = queries.Filters()
        head = queries.headline_for(queries.headline(conn, f), "all")
        assert head["killed"] == 9 + 3, head     # the seeded articles (s1 edited to 9): the billion not summed
        assert head["killed_high"] < 1_000_000, head
        assert head["implausible"] == 1
        daily = queries.daily_killed(conn, f)
        assert int(daily["killed"].sum()) < 1_000_000
        ts = queries.casualties(conn, f, "day")
        assert int(ts["killed"].sum()) < 1_000_000
        src = queries.source_totals(conn, f)
        assert src.select_dtypes("number").max().max() < 1_000_000


def test_cli_refuses_whole_run_when_one_file_is_bad(tmp_path):
    """A folder with good and bad files: refused before anything is written."""
    db = seeded_store(tmp_path / "store.duckdb")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(KILLED, encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"%PDF-1.4 binary")
    before = store_counts(db)
    proc = run_cli("ingest", folder, "--db", db, "--quiet")
    assert proc.returncode == 2
    assert stderr_lines(proc) == [f"frontline: error: {folder / 'bad.txt'}: binary file (a PDF document), not text"]
    assert store_counts(db) == before


def test_cli_missing_path_and_folder_without_articles(tmp_path):
    db = seeded_store(tmp_path / "store.duckdb")
    before = store_counts(db)
    empty = tmp_path / "nothing"
    empty.mkdir()
    for target, message in ((tmp_path / "nope.txt", "no such file"), (empty, "no article files")):
        proc = run_cli("ingest", target, "--db", db, "--quiet")
        lines = stderr_lines(proc)
        assert proc.returncode == 2 and len(lines) == 1 and message in lines[0], lines
    assert store_counts(db) == before


# --------------------------------------------------------------------------- the readers

@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_readers_battery(case, tmp_path):
    """read_paths (the CLI's reader) and read_upload (the page's bytes) agree on every case."""
    path = write_case(case, tmp_path / "in")
    warnings: list = []
    if case.refused:
        with pytest.raises(InputError, match=f"(?i){case.message}") as e1:
            list(read_paths([path], warn=warnings.append))
        assert "\n" not in str(e1.value) and case.name in str(e1.value)
        with pytest.raises(InputError, match=f"(?i){case.message}") as e2:
            read_upload(case.name, case.data(), warn=warnings.append)
        assert "\n" not in str(e2.value)
        return
    arts = list(read_paths([path], warn=warnings.append))
    assert len(arts) == 1
    if case.id == "billion-killed":
        assert warnings == []        # readers accept it; the extractor flags it
        return
    assert len(warnings) == 1 and case.message.lower() in warnings[0].lower(), warnings
    up_warnings: list = []
    published = dt.date.fromisoformat(case.meta["published"]) if case.meta else None
    ups = read_upload(case.name, case.data(), warn=up_warnings.append, published=published)
    assert len(ups) == 1 and ups[0].text == arts[0].text
    assert ups[0].published == arts[0].published
    assert len(up_warnings) == 1 and case.message.lower() in up_warnings[0].lower(), up_warnings


def test_reader_size_cap_is_checked_before_reading(tmp_path, monkeypatch):
    """A file over the cap is refused from its size alone (never read into memory)."""
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(safety.MAX_ARTICLE_BYTES + 1)          # sparse: no bytes written
    opened = []
    real_open = open

    def spy(p, *a, **kw):
        opened.append(str(p))
        return real_open(p, *a, **kw)
    monkeypatch.setattr("builtins.open", spy)
    with pytest.raises(InputError, match="article too large"):
        list(read_paths([path]))
    assert str(path) not in opened


@pytest.mark.parametrize("body, warning", [
    ("id,text\nx1,\"" + "a" * (safety.MAX_ARTICLE_CHARS + 1) + "\"\n", "too large"),
])
def test_csv_cell_over_the_cap_refuses_the_file(tmp_path, body, warning):
    path = tmp_path / "big_cell.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=warning):
        list(read_paths([path]))


def test_csv_row_without_words_is_skipped_with_a_warning(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("id,text\nx1,Eight people were killed in Aleppo.\nx2,1234 5678\n", encoding="utf-8")
    warnings: list = []
    arts = list(read_paths([path], warn=warnings.append))
    assert [a.id for a in arts] == ["x1"]
    assert len(warnings) == 1 and "line 3 (id x2): no sentences" in warnings[0]


@pytest.mark.parametrize("n, long", [(0, False), (safety.LONG_SENTENCE_CHARS, False),
                                     (safety.LONG_SENTENCE_CHARS + 1, True)])
def test_long_sentence_threshold(n, long):
    text = "Short one." + "x" * n + ".Another."
    assert (safety.long_sentence_warning(text, "t") is not None) == long
    assert safety.longest_sentence(text) == max(n, 9)


# --------------------------------------------------------------------------- the ingest page

PAGE_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from components import ingest
ingest.page(None)
"""


def _page_ingest(db: Path, monkeypatch, tmp_path, name: str, raw: bytes, published: str = ""):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    monkeypatch.chdir(tmp_path)              # nothing the page writes lands in the repository
    at = AppTest.from_string(PAGE_SCRIPT.format(root=str(ROOT)), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    mime = "text/csv" if name.endswith(".csv") else "text/plain"
    at.file_uploader(key="ingest_files").set_value((name, raw, mime))
    if published:
        at.text_input(key="ingest_published").input(published)
    save = next(b for b in at.button if "Save" in b.label)
    save.click().run()
    return at


PAGE_TYPES = (".txt", ".md", ".html", ".htm", ".csv")


def _allowed_types(db, monkeypatch, tmp_path) -> list:
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    monkeypatch.chdir(tmp_path)
    at = AppTest.from_string(PAGE_SCRIPT.format(root=str(ROOT)), default_timeout=120).run()
    return [t.lstrip(".") for t in at.file_uploader(key="ingest_files").allowed_type]


def _messages(at) -> list:
    return ([("error", e.value) for e in at.error] + [("warning", w.value) for w in at.warning]
            + [("exception", str(x.value)) for x in at.exception])


PAGE_REFUSED = [c for c in REFUSED if c.id not in ("50MB",)]     # 50 MB: tested on decode_upload below


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in PAGE_REFUSED])
def test_page_upload_refused(case, tmp_path, monkeypatch):
    """The ingest page: one st.error naming the problem, the store unchanged."""
    from components import ingest as page
    monkeypatch.setattr(page, "UPLOAD_DIR", tmp_path / "uploads")
    db = seeded_store(tmp_path / "store.duckdb")
    before = store_counts(db)
    name = case.name
    if Path(name).suffix not in PAGE_TYPES:
        # the browser's uploader refuses the type itself; the same bytes under a .txt name
        # must still be refused by the page
        assert Path(name).suffix.lstrip(".") not in _allowed_types(db, monkeypatch, tmp_path)
        if name.endswith(".jsonl"):
            return
        name = name + ".txt"
    at = _page_ingest(db, monkeypatch, tmp_path, name, case.data())
    msgs = _messages(at)
    assert not at.exception, at.exception
    errors = [m for kind, m in msgs if kind == "error"]
    assert len(errors) == 1, msgs
    import re
    assert re.search(f"(?i){case.page_message or case.message}", errors[0]), errors
    assert store_counts(db) == before


def test_page_refuses_50mb_text():
    from components import ingest as page
    raw = (KILLED.encode() * (BIG // len(KILLED) + 1))[:BIG]
    with pytest.raises(page.UploadError, match="(?i)larger|too large"):
        page.decode_upload("huge.txt", raw)


@needs_extractor
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES
                                  if not c.refused and c.id in ("invalid-utf8", "mixed-encodings")])
def test_page_upload_bad_encoding(case, tmp_path, monkeypatch):
    """Invalid UTF-8 through the page: refused or read, but always with one line saying so."""
    db = seeded_store(tmp_path / "store.duckdb")
    before = store_counts(db)
    at = _page_ingest(db, monkeypatch, tmp_path, case.name, case.data())
    msgs = [m for kind, m in _messages(at) if kind in ("error", "warning")]
    assert not at.exception, at.exception
    assert len(msgs) == 1 and "UTF-8" in msgs[0], msgs
    after = store_counts(db)
    assert after["reviews"] == before["reviews"]
    assert after["articles"] in (before["articles"], before["articles"] + 1)


@needs_extractor
def test_page_billion_killed_is_flagged_and_not_summed(tmp_path, monkeypatch):
    db = seeded_store(tmp_path / "store.duckdb")
    case = next(c for c in CASES if c.id == "billion-killed")
    at = _page_ingest(db, monkeypatch, tmp_path, case.name, case.data(), published="2016-10-13")
    assert not at.exception, at.exception
    conn = store.connect(db, read_only=True)
    try:
        head = queries.headline_for(queries.headline(conn, queries.Filters()), "all")
        assert head["killed"] == 12 and head["implausible"] == 1, head
    finally:
        conn.close()
    assert any("implausible" in m.lower() for _, m in _messages(at)), _messages(at)
