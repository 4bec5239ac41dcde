"""Concurrent analysts lose nothing.

How the store handles concurrency (DuckDB: one process may open a file for
writing; inside it, any number of connections/cursors, optimistic MVCC):

* **Two browser sessions of one Streamlit server** are threads of one
  process. ``components.data.conn()`` gives each a ``cursor()`` of the
  process-wide connection. Two writers that touch the same rows conflict: the
  later one gets a ``TransactionException``; ``store.errors._retrying`` redoes the
  whole transaction with a fresh snapshot (reviews, added events, ingest
  batches, fusion and the schema check all go through it).
* **A CLI ingest while the dashboard is open** is a second process.
  ``store.connect`` waits (``$FRONTLINE_DB_WAIT``, default 10 s) for the other
  process's lock with backoff. A process that holds its connection for its
  whole life (the dashboard's ``st.cache_resource`` connection) blocks the
  CLI: after the wait it refuses with one line, the store unchanged. Processes
  that open short-lived connections take turns and both finish.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import frontline
from conftest import fake_extract, make_article, cli_env, store_counts
from frontline import store
from frontline.ingest import pipeline
from frontline.fusion import store_fusion

ROOT = Path(frontline.__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent


def run_threads(calls: list, timeout: float) -> list:
    """Start a thread per ``(function, *args)``, wait up to ``timeout`` s for each; the threads."""
    threads = [threading.Thread(target=fn, args=tuple(args)) for fn, *args in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return threads


def _articles(prefix: str, n: int, side: str = "east") -> list:
    return [make_article(f"{prefix}{i}", f"{i + 1} people were killed in {side} Aleppo. Kerry met Lavrov.")
            for i in range(n)]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "store.duckdb"
    conn = store.connect(path)
    pipeline.ingest(conn, _articles("base", 20), extract=fake_extract)
    conn.close()
    return path


def _fused(conn) -> list:
    return conn.execute("SELECT cluster_id, killed_best, n_articles, list_sort(event_ids) FROM fused_incidents "
                        "ORDER BY cluster_id").fetchall()


# --------------------------------------------------------------------------- threads (one server)

def test_threads_reviewing_and_ingesting_lose_nothing(db):
    """Two sessions review while two others ingest (one article in common): no error, nothing lost."""
    conn = store.connect(db)
    errors: list = []
    n_reviews = 25

    def reviewer(who):
        cur = conn.cursor()
        try:
            for k in range(n_reviews):
                store.record_review(cur, event_id=f"base{k % 20}:i1", kind="incident", action="edit",
                                    field="killed", new_value=1000 + k, who=who)
        except Exception as e:       # noqa: BLE001
            errors.append((who, repr(e)))
        finally:
            cur.close()

    def ingester(prefix):
        cur = conn.cursor()
        try:
            for k in range(4):
                arts = _articles(f"{prefix}_{k}_", 30, "west") + [
                    make_article("shared", "5 people were killed in west Aleppo. 6 killed in east Aleppo.")]
                pipeline.ingest(cur, arts, extract=fake_extract, batch_size=10)
        except Exception as e:       # noqa: BLE001
            errors.append((prefix, repr(e)))
        finally:
            cur.close()

    threads = run_threads([(reviewer, f"analyst{i}") for i in range(2)]
                          + [(ingester, f"ing{i}") for i in range(2)], timeout=120)
    assert not any(t.is_alive() for t in threads), "a session hung"
    assert errors == []
    try:
        counts = store.row_counts(conn)
        assert counts["articles"] == 20 + 2 * 4 * 30 + 1
        assert counts["incidents"] == 20 + 2 * 4 * 30 + 2
        assert counts["reviews"] == 2 * n_reviews
        per_who = dict(conn.execute("SELECT who, count(*) FROM reviews GROUP BY who").fetchall())
        assert per_who == {"analyst0": n_reviews, "analyst1": n_reviews}
        ids = [r[0] for r in conn.execute("SELECT review_id FROM reviews ORDER BY review_id").fetchall()]
        assert ids == list(range(1, 2 * n_reviews + 1))
        orphans = conn.execute("SELECT count(*) FROM incidents WHERE article_id NOT IN "
                               "(SELECT article_id FROM articles)").fetchone()[0]
        assert orphans == 0
        # the fused table is the fusion of what is stored (no stale fusion from an older snapshot)
        before = _fused(conn)
        store_fusion.refresh_fusion(conn)
        assert _fused(conn) == before
        # the edits show through the reviewed view
        latest = conn.execute("SELECT killed FROM v_incidents WHERE event_id = 'base4:i1'").fetchone()[0]
        assert latest in (1004, 1024)
    finally:
        conn.close()


def test_threads_adding_events_get_distinct_ids(db):
    conn = store.connect(db)
    got: list = []
    errors: list = []

    def adder(who):
        cur = conn.cursor()
        try:
            for k in range(10):
                got.append(store.add_event(cur, "incident", {"event_type": "shelling", "killed": k,
                                                             "side": "east"}, who, article_id="base1"))
        except Exception as e:   # noqa: BLE001
            errors.append(repr(e))
        finally:
            cur.close()

    run_threads([(adder, f"a{i}") for i in range(3)], timeout=60)
    try:
        assert errors == []
        assert len(got) == len(set(got)) == 30
        assert conn.execute("SELECT count(*) FROM added_incidents").fetchone()[0] == 30
        assert conn.execute("SELECT count(*) FROM reviews WHERE action = 'add'").fetchone()[0] == 30
        assert conn.execute("SELECT count(*) FROM v_incidents WHERE added").fetchone()[0] == 30
    finally:
        conn.close()


def test_dashboard_connection_two_sessions(db, monkeypatch):
    """Through the dashboard's own access path (components.data.conn(): a cursor each)."""
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    sys.path.insert(0, str(ROOT))
    from components import data
    data._connect.clear()
    errors: list = []

    def session(i):
        try:
            for k in range(15):
                c = data.conn()
                try:
                    if i == 0:
                        store.record_review(c, event_id=f"base{k}:i1", kind="incident", action="reject",
                                            who="s0")
                    else:
                        pipeline.ingest(c, _articles(f"s1_{k}_", 3, "west"), extract=fake_extract)
                finally:
                    c.close()
        except Exception as e:    # noqa: BLE001
            errors.append(repr(e))

    run_threads([(session, 0), (session, 1)], timeout=120)
    try:
        assert errors == []
        c = data.conn()
        try:
            assert c.execute("SELECT count(*) FROM reviews WHERE who = 's0'").fetchone()[0] == 15
            assert c.execute("SELECT count(*) FROM articles WHERE article_id LIKE 's1_%'").fetchone()[0] == 45
            assert c.execute("SELECT count(*) FROM v_incidents WHERE article_id LIKE 'base%'").fetchone()[0] == 5
        finally:
            c.close()
    finally:
        data._connect.clear()        # closes nothing by itself: drop the cached connection
        import gc
        gc.collect()


# --------------------------------------------------------------------------- two processes

HOLDER = textwrap.dedent("""
    import sys, time
    from frontline import store
    conn = store.connect(sys.argv[1])          # held for the process's life, as the dashboard does
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.close()
""")

FAKE_CLI = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from conftest import fake_extract
    import frontline.__main__ as cli
    cli._extractor = lambda: fake_extract
    sys.exit(cli.main(sys.argv[1:]))
""")

REVIEWER = textwrap.dedent("""
    import sys, time
    from frontline import store
    path, n = sys.argv[1], int(sys.argv[2])
    for k in range(n):
        conn = store.connect(path, wait=120)    # short-lived: one connection per edit
        try:
            store.record_review(conn, event_id=f"base{k % 20}:i1", kind="incident", action="edit",
                                field="injured", new_value=k, who="reviewer-process")
        finally:
            conn.close()
        time.sleep(0.02)
    print("reviews done", flush=True)
""")


def _corpus(tmp_path: Path, n: int) -> Path:
    import json
    path = tmp_path / "corpus.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"cli{i}", "title": f"t{i}", "source": "CNN", "published": "2016-10-13",
                                 "text": f"{i % 40 + 1} people were killed in west Aleppo. Kerry met Lavrov."})
                     + "\n")
    return path


def test_cli_ingest_refused_while_a_process_holds_the_store(db, tmp_path):
    """The dashboard as it is (one connection for the server's life): the CLI waits
    $FRONTLINE_DB_WAIT seconds, then refuses with one line; nothing is lost."""
    before = store_counts(db)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "4"], stdout=subprocess.PIPE,
                              text=True, env=cli_env(), cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "holding"
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", FAKE_CLI.format(tests=str(TESTS)), "ingest",
                               str(_corpus(tmp_path, 5)), "--db", str(db), "--quiet"],
                              capture_output=True, text=True, env=cli_env(FRONTLINE_DB_WAIT=1), cwd=ROOT,
                              timeout=120)
        waited = time.monotonic() - t0
    finally:
        holder.wait(60)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and "in use by another process" in lines[0], lines
    assert waited >= 1.0
    assert store_counts(db) == before


def test_cli_ingest_waits_for_a_process_that_lets_go(db, tmp_path):
    """A holder that closes within the wait: the CLI ingest proceeds and stores everything."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "2"], stdout=subprocess.PIPE,
                              text=True, env=cli_env(), cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "holding"
        proc = subprocess.run([sys.executable, "-c", FAKE_CLI.format(tests=str(TESTS)), "ingest",
                               str(_corpus(tmp_path, 30)), "--db", str(db), "--quiet"],
                              capture_output=True, text=True, env=cli_env(FRONTLINE_DB_WAIT=60), cwd=ROOT,
                              timeout=120)
    finally:
        holder.wait(60)
    assert proc.returncode == 0, proc.stderr
    assert store_counts(db)["articles"] == 20 + 30


def test_cli_ingest_and_reviewing_process_at_once(db, tmp_path):
    """A reviewing process with short-lived connections and a CLI ingest run at the
    same time: both finish, neither's work is lost."""
    n_reviews, n_articles = 40, 400
    reviewer = subprocess.Popen([sys.executable, "-c", REVIEWER, str(db), str(n_reviews)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=ROOT)
    time.sleep(0.3)
    cli = subprocess.run([sys.executable, "-c", FAKE_CLI.format(tests=str(TESTS)), "ingest",
                          str(_corpus(tmp_path, n_articles)), "--db", str(db), "--quiet", "--batch-size", "50",
                          "--workers", "1"],
                         capture_output=True, text=True, env=cli_env(FRONTLINE_DB_WAIT=120), cwd=ROOT, timeout=300)
    out, err = reviewer.communicate(timeout=300)
    assert cli.returncode == 0, cli.stderr
    assert reviewer.returncode == 0, err
    assert "reviews done" in out
    conn = store.connect(db, read_only=True)
    try:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 20 + n_articles
        assert conn.execute("SELECT count(*) FROM reviews WHERE who = 'reviewer-process'").fetchone()[0] == n_reviews
        ids = [r[0] for r in conn.execute("SELECT review_id FROM reviews ORDER BY review_id").fetchall()]
        assert ids == list(range(1, n_reviews + 1))
    finally:
        conn.close()


# --------------------------------------------------------------------------- two AppTest sessions

REVIEW_SESSION = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
import pandas as pd
from components import review
st.session_state["review_who"] = "session-a"
for k in range({n}):
    st.session_state["frame"] = pd.DataFrame({{"event_id": [f"base{{k}}:i1"], "killed": [k + 1],
                                               "reject": [False]}})
    st.session_state["ed"] = {{"edited_rows": {{0: {{"killed": 500 + k}}}}}}
    review._apply("incident", "ed", "frame")
    msg = st.session_state["review_msg"]
    if msg[0] != "success":
        raise RuntimeError(msg[1])
st.write("all saved")
"""

INGEST_SESSION = """
import sys
sys.path.insert(0, {root!r})
from components import ingest
ingest.page(None)
"""


@pytest.mark.skipif(not (ROOT / "data" / "places.csv").is_file(), reason="the gazetteer is not in the tree")
def test_two_browser_sessions_review_and_ingest(db, monkeypatch):
    """Two AppTest sessions of one server at once: one saves 20 review edits through the
    Review page's callback, the other saves pasted articles through the Ingest page."""
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    monkeypatch.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    from components import data
    data._connect.clear()
    results: dict = {}

    def session_a():
        at = AppTest.from_string(REVIEW_SESSION.format(root=str(ROOT), n=20), default_timeout=120)
        results["a"] = at.run()

    def session_b():
        runs = []
        for k in range(3):
            at = AppTest.from_string(INGEST_SESSION.format(root=str(ROOT)), default_timeout=120).run()
            at.text_area(key="ingest_text").input(
                f"Rebel shelling killed {k + 4} people in the government-held Hamdaniyah district of "
                f"western Aleppo on Wednesday, state media said. Report number {k}.")
            at.text_input(key="ingest_source").input("SANA")
            at.text_input(key="ingest_published").input("2016-10-13")
            next(b for b in at.button if "Save" in b.label).click().run()
            runs.append(at)
        results["b"] = runs

    run_threads([(session_a,), (session_b,)], timeout=300)
    try:
        a, b = results["a"], results["b"]
        assert not a.exception, a.exception
        assert [m.value for m in a.markdown] == ["all saved"]
        for at in b:
            assert not at.exception, at.exception
            assert [e.value for e in at.error] == []
            assert any("Saved 1 article" in s.value for s in at.success), [s.value for s in at.success]
        conn = data.conn()
        try:
            assert conn.execute("SELECT count(*) FROM reviews WHERE who = 'session-a'").fetchone()[0] == 20
            assert conn.execute("SELECT count(*) FROM articles WHERE source = 'SANA'").fetchone()[0] == 3
            killed = dict(conn.execute("SELECT event_id, killed FROM v_incidents WHERE event_id LIKE 'base%'"
                                       ).fetchall())
            assert all(killed[f"base{k}:i1"] == 500 + k for k in range(20))
        finally:
            conn.close()
    finally:
        data._connect.clear()
