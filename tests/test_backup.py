"""``python -m frontline backup OUT`` / ``restore IN``: the whole store round-trips
(articles, events, claims, fusion, reviews = the audit log, analyst-added
events); a missing, empty, foreign, truncated or damaged backup gives one line,
exit status 2, and leaves the store exactly as it was."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import frontline
import frontline.__main__ as cli
from conftest import fake_extract, make_article
from frontline import store
from frontline.ingest import pipeline

ROOT = Path(frontline.__file__).resolve().parent.parent


def build_store(path: Path, n: int = 60) -> Path:
    conn = store.connect(path)
    try:
        arts = [make_article(f"a{i:03d}", f"{i % 9 + 1} people were killed in {'east' if i % 2 else 'west'} "
                             f"Aleppo. Kerry met Lavrov with Russia and United States present.",
                             source=["CNN", "SANA", "Reuters"][i % 3]) for i in range(n)]
        pipeline.ingest(conn, arts, extract=fake_extract)
        store.record_review(conn, event_id="a001:i1", kind="incident", action="edit", field="killed",
                            new_value=42, who="ana")
        store.record_review(conn, event_id="a002:i1", kind="incident", action="reject", who="ana")
        store.record_review(conn, event_id="a003:i1", kind="incident", action="reject", who="bo")
        store.record_review(conn, event_id="a003:i1", kind="incident", action="restore", who="bo")
        store.record_review(conn, event_id="a004:d1", kind="diplomacy", action="edit", field="actors",
                            new_value=["France", "Russia"], who="bo")
        store.add_event(conn, "incident", {"event_type": "shelling", "killed": 3, "side": "west"}, "ana",
                        article_id="a005")
        store.add_event(conn, "diplomacy", {"event_type": "call", "actors": ["Turkey", "Russia"]}, "bo",
                        article_id="a006")
    finally:
        conn.close()
    return path


def snapshot(path: Path) -> dict:
    """Every table and reviewed view, row by row (ordered), plus the row counts."""
    conn = store.connect(path, read_only=True)
    try:
        out = {}
        for name in list(store.SCHEMA) + ["v_incidents", "v_diplomacy", "v_incidents_all", "v_diplomacy_all"]:
            cols = [r[0] for r in conn.execute(f"DESCRIBE {name}").fetchall()]
            order = ", ".join(f'"{c}"' for c in cols if c not in ("evidence_spans",))
            rows = conn.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()
            out[name] = [tuple(str(v) for v in r) for r in rows]
        return out
    finally:
        conn.close()


def run_cli(*args) -> tuple:
    env = dict(os.environ)
    env.pop("FRONTLINE_DB", None)
    proc = subprocess.run([sys.executable, "-m", "frontline", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)
    return proc.returncode, [ln for ln in proc.stderr.splitlines() if ln.strip()], proc.stdout


def test_round_trip_whole_store_through_the_cli(tmp_path):
    db = build_store(tmp_path / "store.duckdb")
    before = snapshot(db)
    assert len(before["reviews"]) == 7 and len(before["added_incidents"]) == 1
    assert len(before["fused_incidents"]) > 0
    out = tmp_path / "backups" / "frontline-backup.duckdb"
    rc, err, stdout = run_cli("backup", out, "--db", db)
    assert rc == 0 and err == [], err
    assert out.is_file() and "backed up" in stdout
    # the store changes after the backup: new articles, edits, adds, a re-ingest
    conn = store.connect(db)
    try:
        pipeline.ingest(conn, [make_article("later", "7 people were killed in west Aleppo."),
                            make_article("a001", "1 people were killed in east Aleppo.")], extract=fake_extract)
        store.record_review(conn, event_id="a010:i1", kind="incident", action="reject", who="cy")
        store.add_event(conn, "incident", {"event_type": "airstrike", "killed": 9}, "cy", article_id="later")
    finally:
        conn.close()
    assert snapshot(db) != before
    rc, err, stdout = run_cli("restore", out, "--db", db)
    assert rc == 0 and err == [], err
    assert snapshot(db) == before
    # the restored store is a working store: reviews continue the audit log
    conn = store.connect(db)
    try:
        rid = store.record_review(conn, event_id="a007:i1", kind="incident", action="edit", field="injured",
                                  new_value=1, who="dee")
        assert rid == 8
    finally:
        conn.close()


def test_backup_of_a_store_open_in_this_process(tmp_path):
    """store.backup on an open connection (the dashboard's way): a consistent copy."""
    db = build_store(tmp_path / "store.duckdb")
    before = snapshot(db)
    conn = store.connect(db)
    try:
        out = store.backup(conn, tmp_path / "b.duckdb")
    finally:
        conn.close()
    assert snapshot(out) == before


def _garbage(tmp_path: Path, kind: str) -> Path:
    p = tmp_path / f"bad-{kind}.duckdb"
    good = tmp_path / "good.duckdb"
    if kind == "missing":
        return tmp_path / "no-such-backup.duckdb"
    if kind == "empty":
        p.write_bytes(b"")
    elif kind == "text":
        p.write_text("this is not a backup\n")
    elif kind == "random":
        p.write_bytes(random.Random(7).randbytes(300_000))
    elif kind == "folder":
        p.mkdir()
    elif kind == "foreign":                 # a DuckDB file, but not a Frontline store
        import duckdb
        with duckdb.connect(str(p)) as c:
            c.execute("CREATE TABLE t AS SELECT 1 AS x")
    else:                                   # a real backup, then damaged
        conn = store.connect(good)
        try:
            pipeline.ingest(conn, [make_article(f"g{i}", f"{i} people were killed in east Aleppo. " + "Words. " * 300)
                                for i in range(1500)], extract=fake_extract, fuse=False)
        finally:
            conn.close()
        store.backup(good, p)
        data = bytearray(p.read_bytes())
        if kind == "truncated":
            data = data[: len(data) // 2]
        elif kind == "damaged":
            for tenth in range(1, 10):          # 4 KB flipped at every tenth of the file
                at = len(data) * tenth // 10
                data[at:at + 4096] = bytes(b ^ 0xFF for b in data[at:at + 4096])
        p.write_bytes(bytes(data))
    return p


@pytest.mark.parametrize("kind, message", [
    ("missing", "no such backup file"),
    ("folder", "no such backup file"),
    ("empty", "not a Frontline backup"),
    ("text", "not a Frontline backup"),
    ("random", "not a Frontline backup"),
    ("foreign", "no table articles"),
    ("truncated", "damaged"),
    ("damaged", "damaged"),
])
def test_bad_backup_refused_store_unchanged(tmp_path, kind, message):
    db = build_store(tmp_path / "store.duckdb")
    before = snapshot(db)
    bad = _garbage(tmp_path, kind)
    rc, err, _ = run_cli("restore", bad, "--db", db)
    assert rc == 2
    assert len(err) == 1 and err[0].startswith("frontline: error:") and message in err[0], err
    assert "Traceback" not in "\n".join(err)
    assert snapshot(db) == before
    assert not list(db.parent.glob(".*restore.tmp")), "a temporary copy was left behind"


@pytest.mark.parametrize("args, message", [
    (["backup", "{tmp}/out.duckdb", "--db", "{tmp}/nothing.duckdb"], "no such database"),
    (["backup", "{tmp}", "--db", "{db}"], "is a folder"),
])
def test_backup_errors_are_one_line(tmp_path, args, message):
    db = build_store(tmp_path / "store.duckdb")
    before = snapshot(db)
    rc, err, _ = run_cli(*[a.format(tmp=tmp_path, db=db) for a in args])
    assert rc == 2 and len(err) == 1 and message in err[0], err
    assert snapshot(db) == before


HOLD = textwrap.dedent("""
    import sys, time
    from frontline import store
    c = store.connect(sys.argv[1])
    print("holding", flush=True)
    time.sleep(6)
""")


def test_restore_refused_while_the_store_is_open_elsewhere(tmp_path):
    db = build_store(tmp_path / "store.duckdb")
    before = snapshot(db)
    out = store.backup(db, tmp_path / "b.duckdb")
    env = dict(os.environ, PYTHONPATH=str(ROOT), FRONTLINE_DB_WAIT="1")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, env=env)
    try:
        assert holder.stdout.readline().strip() == "holding"
        proc = subprocess.run([sys.executable, "-m", "frontline", "restore", str(out), "--db", str(db)],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    finally:
        holder.kill()
        holder.wait(30)
    err = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2 and len(err) == 1 and "in use by another process" in err[0], err
    assert snapshot(db) == before


def test_in_process_cli_round_trip(tmp_path, capsys):
    """cli.main (as tests/test_cli.py drives it) gives the same round trip."""
    db = build_store(tmp_path / "s.duckdb", n=10)
    before = snapshot(db)
    assert cli.main(["backup", str(tmp_path / "b.duckdb"), "--db", str(db)]) == 0
    conn = store.connect(db)
    store.record_review(conn, event_id="a001:i1", kind="incident", action="reject", who="x")
    conn.close()
    assert cli.main(["restore", str(tmp_path / "b.duckdb"), "--db", str(db)]) == 0
    assert snapshot(db) == before
