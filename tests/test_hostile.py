"""Hostile text and safe defaults.

* An article whose title, text, outlet and reviewed values carry
  ``<script>alert(1)</script>``, ``<img src=x onerror=alert(1)>`` and
  ``[click](javascript:alert(1))`` shows as literal text in the HTML briefing
  and in every dashboard page (AppTest): no element that renders HTML holds a
  raw tag from the data, no element that renders Markdown holds a
  ``javascript:`` link, plotly hover texts hold no raw tags, pydeck tooltips
  are plain text.
* Safe by default: the server listens on 127.0.0.1, uploads are capped in
  ``.streamlit/config.toml`` at ``frontline.safety.MAX_UPLOAD_MB``, uploaded
  file names never leave the data folder (``safe_upload_path``), and no SQL
  is built by formatting a filter value (AST audit + hostile filter values).
"""
from __future__ import annotations

import ast
import datetime as dt
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from hypothesis import given, settings
from hypothesis import strategies as st

import frontline
from conftest import fake_extract
from frontline import queries, safety, store
from frontline.models import Article
from frontline.ingest import pipeline

ROOT = Path(frontline.__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[click](javascript:alert(1))"
HOSTILE = (SCRIPT, IMG, LINK)
# a raw tag from the data: the payloads' tags or any tag with an event handler (the pages'
# and the briefing's own markup use <svg>, <mark>, <div>..., never these)
RAW_TAG = re.compile(r"<\s*(?:script|img|iframe)\b|<[a-z]+[^<>]*\s(?:onerror|onload)\s*=", re.I)
MD_JS_LINK = re.compile(r"\]\(\s*javascript:", re.I)

HOSTILE_TEXT = (f"{SCRIPT} Aleppo under fire {IMG}\n\n"
                f"{SCRIPT} 8 people were killed in east Aleppo {IMG} {LINK}. "
                f"Kerry met Lavrov with Russia and United States present {LINK} {SCRIPT}. "
                f"Another 3 people were killed in west Aleppo <svg onload=alert(2)>.")


@pytest.fixture
def hostile_db(tmp_path, monkeypatch):
    path = tmp_path / "hostile.duckdb"
    conn = store.connect(path)
    try:
        art = Article(id="evil1", text=HOSTILE_TEXT, title=f"{SCRIPT} {IMG} {LINK}",
                      source=f"{LINK} <b>Outlet</b>", url="javascript:alert(1)",
                      published=dt.date(2016, 10, 13), published_from="metadata")
        pipeline.ingest(conn, [art], extract=fake_extract)
        store.record_review(conn, event_id="evil1:i1", kind="incident", action="edit", field="location",
                            new_value=IMG, who=SCRIPT)
        store.record_review(conn, event_id="evil1:i2", kind="incident", action="edit", field="source",
                            new_value=LINK, who="analyst")
        store.record_review(conn, event_id="evil1:d1", kind="diplomacy", action="edit", field="actors",
                            new_value=[SCRIPT, "Russia"], who="analyst")
        store.add_event(conn, "incident", {"event_type": "shelling", "killed": 2, "side": "west",
                                           "location": LINK, "evidence": f"{IMG} added by hand"},
                        "analyst", article_id="evil1")
    finally:
        conn.close()
    monkeypatch.setenv("FRONTLINE_DB", str(path))
    monkeypatch.chdir(ROOT)
    return path


# --------------------------------------------------------------------------- the HTML briefing

def test_briefing_escapes_hostile_text(hostile_db):
    from frontline.exports import briefing
    conn = store.connect(hostile_db, read_only=True)
    try:
        out = briefing.build(conn, queries.Filters())
    finally:
        conn.close()
    # only the briefing's own tags: no tag from the data, no raw handler attribute
    raw = [m.group(0) for m in RAW_TAG.finditer(out) if not m.group(0).lower().startswith("<script")]
    assert raw == [], raw[:5]
    assert "<script>alert" not in out.lower()
    assert "alert(1)</script>" not in out.lower()        # nothing closes the plotly <script> blocks early
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out     # shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert 'href="javascript' not in out.lower() and "href='javascript" not in out.lower()


# --------------------------------------------------------------------------- the pages

PAGE = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from components import sidebar, {module}
f = sidebar.render()
{module}.page(f)
"""

MARKDOWN_BODY_TYPES = {"markdown", "caption", "info", "warning", "error", "success", "title", "header",
                       "subheader", "metric", "toast", "latex"}
LITERAL_TYPES = {"text", "code", "dataframe", "table", "json", "arrow_data_frame"}


def _strings(obj, key=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v, key)
    elif isinstance(obj, str):
        yield key, obj


def _nodes(node):
    yield node
    ch = getattr(node, "children", None)
    if isinstance(ch, dict):
        for c in ch.values():
            yield from _nodes(c)


def render_problems(at) -> tuple:
    """(problems, all strings seen) of a rendered AppTest."""
    problems, seen = [], []
    for node in _nodes(at._tree):
        t, proto = getattr(node, "type", None), getattr(node, "proto", None)
        if proto is None or t is None:
            continue
        d = MessageToDict(proto)
        strings = list(_strings(d))
        seen.extend(s for _, s in strings)
        if t in LITERAL_TYPES:
            continue
        if t == "html":
            for _, s in strings:
                if RAW_TAG.search(s):
                    problems.append(f"st.html renders a raw tag: {RAW_TAG.search(s).group(0)!r}")
            continue
        if t == "plotly_chart":
            spec = json.loads(d.get("spec") or "{}")
            for k, s in _strings(spec):
                if RAW_TAG.search(s) or re.search(r"<a\s", s, re.I):
                    problems.append(f"plotly {k} renders markup from the data: {s[:120]!r}")
            continue
        if t == "deck_gl_json_chart":
            spec = json.loads(d.get("json") or "{}")
            tip = spec.get("tooltip") or {}
            if isinstance(tip, dict) and "html" in tip:
                problems.append(f"pydeck tooltip renders HTML: {tip['html'][:120]!r}")
            continue
        for k, s in strings:
            markdown = (t in MARKDOWN_BODY_TYPES and k == "body") or k in ("label", "help", "placeholder")
            if not markdown:
                continue
            if MD_JS_LINK.search(s):
                problems.append(f"{t}.{k} renders a javascript: link as Markdown: {s[:120]!r}")
            if d.get("allowHtml") and RAW_TAG.search(s):
                problems.append(f"{t}.{k} renders raw HTML (unsafe_allow_html): {s[:120]!r}")
    return problems, seen


def run_page(module: str, state: dict | None = None):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_string(PAGE.format(root=str(ROOT), module=module), default_timeout=90)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at.run()


PAGES = [
    pytest.param("overview", None, id="overview"),
    pytest.param("mapview", None, id="mapview"),
    pytest.param("casualties", None, id="casualties"),
    pytest.param("diplomacy", None, id="diplomacy"),
    pytest.param("evidence", {"evidence_event_id": "evil1:i1", "evidence_event_ids": ["evil1:i1", "evil1:i2"]},
                 id="evidence"),
    pytest.param("review", None, id="review"),
    pytest.param("export", None, id="export"),
]


@pytest.mark.parametrize("module, state", PAGES)
def test_page_shows_hostile_text_literally(hostile_db, module, state):
    sys.path.insert(0, str(ROOT))
    at = run_page(module, state)
    assert not at.exception, at.exception
    problems, seen = render_problems(at)
    assert problems == [], problems
    if module in ("evidence", "review", "mapview"):
        blob = "\n".join(seen)
        assert ("alert(1)" in blob), f"the hostile article is not shown on {module}: the test would be vacuous"


def test_ingest_preview_of_hostile_paste(hostile_db, tmp_path):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_string(PAGE.format(root=str(ROOT), module="ingest"), default_timeout=90).run()
    at.text_area(key="ingest_text").input(HOSTILE_TEXT)
    at.text_input(key="ingest_title").input(f"{SCRIPT} {LINK}")
    at.text_input(key="ingest_source").input(LINK)
    at.text_input(key="ingest_published").input("2016-10-13")
    next(b for b in at.button if "Preview" in b.label).click().run()
    assert not at.exception, at.exception
    problems, _ = render_problems(at)
    assert problems == [], problems


def test_render_checker_catches_markdown_and_html():
    """The checker itself fails on what it must catch (so the page tests can fail)."""
    from streamlit.testing.v1 import AppTest
    script = (f"import streamlit as st\nst.markdown({LINK!r})\nst.html({IMG!r})\n"
              f"st.caption({LINK!r})\nst.markdown({SCRIPT!r}, unsafe_allow_html=True)\n"
              f"st.text({LINK!r})\n")
    at = AppTest.from_string(script, default_timeout=30).run()
    problems, _ = render_problems(at)
    assert len(problems) == 4, problems


# --------------------------------------------------------------------------- safe defaults

def test_server_listens_on_loopback_and_caps_uploads():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = cfg["server"]
    assert server["address"] == "127.0.0.1"
    assert server["maxUploadSize"] == safety.MAX_UPLOAD_MB
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True
    assert cfg.get("client", {}).get("showErrorDetails") in ("none", False)
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = [ln for ln in make.splitlines() if "streamlit run" in ln]
    assert run and all("--server.address 127.0.0.1" in ln or "--server.address" not in ln for ln in run)
    assert not re.search(r"--server\.address\s+0\.0\.0\.0", make)


def test_upload_cap_matches_the_pages_promise():
    from components import ingest as page
    assert page.MAX_BYTES <= safety.MAX_UPLOAD_BYTES


@pytest.mark.parametrize("name, expected", [
    ("article.txt", "article.txt"),
    ("../../etc/passwd", "passwd"),
    ("/etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
    ("C:\\temp\\x.csv", "x.csv"),
    ("C:x.csv", "x.csv"),
    ("bad\x00name.txt", "badname.txt"),
    ("name.txt\x00.png", "name.txt.png"),
    ("..", "upload"),
    (".", "upload"),
    ("", "upload"),
    ("...hidden", "hidden"),
    (".bashrc", "bashrc"),
    ("a b?*<>|\"'.txt", "a_b_.txt"),
    ("CON.txt", "_CON.txt"),
    ("nul", "_nul"),
    ("x" * 300 + ".csv", "x" * 116 + ".csv"),
    ("حلب.txt", "txt"),
    ("report..csv", "report.csv"),
    ("a/../../b.txt", "b.txt"),
    ("\u202egnp.txt", "gnp.txt"),
])
def test_safe_upload_path(tmp_path, name, expected):
    data = tmp_path / "data" / "uploads"
    p = safety.safe_upload_path(data, name)
    assert p.name == expected
    assert p.parent == data.resolve()
    assert not p.exists()


def test_safe_upload_path_never_overwrites_or_follows_links(tmp_path):
    data = tmp_path / "uploads"
    first = safety.safe_upload_path(data, "a.csv")
    first.write_text("x")
    assert safety.safe_upload_path(data, "a.csv").name == "a-1.csv"
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (data / "link.txt").symlink_to(outside)
    p = safety.safe_upload_path(data, "link.txt")
    assert p.name == "link-1.txt" and p.parent == data.resolve()
    with pytest.raises(safety.InputError, match="refused"):
        safety.safe_upload_path(data, "link.txt", unique=False)
    assert outside.read_text() == "secret"


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=300))
def test_safe_upload_path_property(tmp_path_factory, name):
    data = tmp_path_factory.getbasetemp() / "uploads-prop"
    p = safety.safe_upload_path(data, name)
    assert p.parent == data.resolve()
    assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", p.name) and ".." not in p.name
    assert len(p.name) <= safety.MAX_NAME_CHARS + 8


def test_page_safe_name_keeps_uploads_inside_the_data_folder(tmp_path):
    """components/ingest.py's own sanitiser, for the names above."""
    from components import ingest as page
    for name in ("../../etc/passwd", "/etc/passwd", "..\\..\\x.csv", "bad\x00name.csv", "..", ".csv"):
        target = (tmp_path / page.safe_name(name)).resolve()
        assert target.parent == tmp_path.resolve(), (name, target)
        assert "\x00" not in target.name


# --------------------------------------------------------------------------- SQL is parameterised

SQL_WORDS = re.compile(r"\b(?:SELECT|INSERT|DELETE|UPDATE|CREATE|ALTER|ATTACH|COPY|PRAGMA|DROP)\b|\bWHERE\b|\bSET\s+\w+\s*=",
                       re.I)
# names that carry values from users or data: never formatted into SQL
VALUE_NAMES = re.compile(r"\b(?:date_from|date_to|sides|event_types|actors|outlets|article_ids|dip_types|parties|"
                         r"new_value|old_value|value|values|who|text|title|evidence|event_id|article_id|aid|eid|"
                         r"path|db_path|db|src_path|out|filename|query_params|search|term)\b")


def _sql_format_sites():
    files = sorted((ROOT / "frontline").glob("*.py")) + sorted((ROOT / "components").glob("*.py")) + [ROOT / "app.py"]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                lit = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
                if SQL_WORDS.search(lit):
                    for v in node.values:
                        if isinstance(v, ast.FormattedValue):
                            yield path, node.lineno, ast.unparse(v.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                    and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str) \
                    and SQL_WORDS.search(node.func.value.value):
                yield path, node.lineno, ast.unparse(node)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
                    and isinstance(node.left.value, str) and SQL_WORDS.search(node.left.value):
                yield path, node.lineno, ast.unparse(node)


def test_no_sql_formats_a_value():
    """Every f-string/format/% that builds SQL interpolates identifiers or clause text, never a value."""
    sites = list(_sql_format_sites())
    assert len(sites) > 20          # the scan finds the store's and the queries' SQL
    bad = [f"{p.relative_to(ROOT)}:{line}: {expr}" for p, line, expr in sites
           if VALUE_NAMES.search(expr) and not expr.startswith("_q(")]
    assert bad == [], bad


@pytest.mark.parametrize("evil", ["east' OR '1'='1", "x'); DROP TABLE articles; --", "%", "_", "\\", "' ||",
                                  "evil1' --", "east\x00"])
def test_hostile_filter_values_are_data_not_sql(hostile_db, evil):
    conn = store.connect(hostile_db)
    try:
        before = store.row_counts(conn)
        f = queries.Filters(sides=(evil,), outlets=(evil,), actors=(evil,), event_types=(evil,),
                            article_ids=(evil,), parties=(evil,), dip_types=(evil,))
        assert queries.headline_for(queries.headline(conn, f), "all")["incidents"] == 0
        assert queries.incidents(conn, f).empty
        assert queries.diplomacy_events(conn, f).empty
        assert queries.articles_list(conn, f).empty
        assert queries.article(conn, evil) is None
        assert queries.events_by_ids(conn, [evil]).empty
        assert store.row_counts(conn) == before
    finally:
        conn.close()


def test_database_path_is_a_parameter(tmp_path):
    """A store path with quotes and SQL in it works for connect, backup and restore."""
    odd = tmp_path / "it's a \"store\"; DROP TABLE x; --" / "db'; --.duckdb"
    conn = store.connect(odd)
    pipeline.ingest(conn, [Article(id="a", text="8 people were killed in east Aleppo.", published=dt.date(2016, 10, 13))],
                 extract=fake_extract)
    conn.close()
    out = store.backup(odd, odd.with_name("b'ack\"up.duckdb"))
    store.restore(out, odd)
    conn = store.connect(odd, read_only=True)
    try:
        assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1
    finally:
        conn.close()
