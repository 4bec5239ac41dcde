"""Atomic writes: an ingest killed midway leaves an openable, consistent store.

The store writes each batch (``--batch-size`` articles) in one transaction
holding the articles *and* their incidents, claims and diplomatic events
(``store.writing.write_tables``); fusion is recomputed in its own transaction at the
end. So after a SIGKILL the store holds whole batches: every stored article
has exactly the events a clean extraction of it gives, no event lacks its
article. Review edits are committed (WAL) before ``record_review`` returns.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import frontline
from conftest import fake_extract, make_article, cli_env
from frontline import resources, store
from frontline.models import Article
from frontline.ingest import pipeline

ROOT = Path(frontline.__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SEED = ROOT / "seeds" / "000_388484fd9ac85dd6.txt"
HAS_GAZETTEER = resources.data_path("places.csv").is_file()


def seed_sentences() -> list:
    text = SEED.read_text(encoding="utf-8")
    sents = [s.strip() for s in re.split(r"(?<=[.!?”])\s+", text) if len(s.strip()) > 30]
    assert len(sents) > 10
    return sents


def write_corpus(path: Path, n: int, seed: int = 2016) -> Path:
    """``n`` articles recombined from the seed's sentences, as a generic CSV."""
    rnd = random.Random(seed)
    sents = seed_sentences()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text", "source", "published"])
        for i in range(n):
            body = " ".join(rnd.sample(sents, rnd.randint(4, 9)))
            day = dt.date(2016, 9, 1) + dt.timedelta(days=rnd.randint(0, 100))
            w.writerow([f"art{i:05d}", f"Aleppo report {i}", body, rnd.choice(["CNN", "SANA", "Reuters"]),
                        day.isoformat()])
    return path


SLOW_FAKE_CLI = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from conftest import fake_extract
    import frontline.__main__ as cli

    def slow(article):
        time.sleep(0.003)
        return fake_extract(article)

    cli._extractor = lambda: slow
    sys.exit(cli.main(sys.argv[1:]))
""")


def start_and_kill(cmd: list, total: int, kill_at: int, timeout: float = 240) -> int:
    """Run ``cmd`` (an ingest with a progress bar), SIGKILL its process group once the bar
    shows ``kill_at`` of ``total`` articles written; returns the last count seen."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=cli_env(),
                            start_new_session=True)
    seen, buf = 0, b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            buf = (buf + chunk)[-4096:]
            counts = re.findall(rb"(\d+)/%d" % total, buf)
            if counts:
                seen = int(counts[-1])
            if seen >= kill_at:
                os.killpg(proc.pid, signal.SIGKILL)
                break
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(60)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, f"the ingest ended before it was killed (rc {proc.returncode})"
    return seen


def check_consistent(db: Path, extract, *, batch_size: int) -> dict:
    """Open the store after the kill and check it article by article."""
    conn = store.connect(db)           # opens (replays the WAL), schema check included
    try:
        assert conn.execute("PRAGMA database_size").fetchall()
        assert conn.execute("PRAGMA table_info('incidents')").fetchall()
        conn.execute("CHECKPOINT")
        counts = store.row_counts(conn)
        for table in ("incidents", "claims", "diplomacy"):
            orphans = conn.execute(f"SELECT count(*) FROM {table} WHERE article_id NOT IN "
                                   "(SELECT article_id FROM articles)").fetchone()[0]
            assert orphans == 0, f"{orphans} {table} rows without their article"
        orphan_claims = conn.execute("SELECT count(*) FROM claims WHERE event_id NOT IN "
                                     "(SELECT event_id FROM incidents)").fetchone()[0]
        assert orphan_claims == 0
        stored = {r[0]: r[1:] for r in conn.execute(
            "SELECT a.article_id, a.text, a.published, a.title, a.source, "
            "(SELECT count(*) FROM incidents i WHERE i.article_id = a.article_id), "
            "(SELECT count(*) FROM diplomacy d WHERE d.article_id = a.article_id), "
            "(SELECT count(*) FROM claims c WHERE c.article_id = a.article_id) FROM articles a").fetchall()}
        assert counts["articles"] % batch_size == 0, "a partial batch was stored"
        for aid, (text, published, title, source, n_inc, n_dip, n_claims) in stored.items():
            ae = extract(Article(id=aid, text=text, title=title, source=source, published=published,
                                 published_from="metadata" if published else ""))
            clean = (len(ae.incidents), len(ae.diplomacy), sum(len(i.claims or []) for i in ae.incidents))
            assert (n_inc, n_dip, n_claims) == clean, f"article {aid} is partial: {(n_inc, n_dip, n_claims)} != {clean}"
        # the dashboard's views and queries work on it
        from frontline import queries
        queries.headline(conn, queries.Filters())
        conn.execute("SELECT count(*) FROM v_incidents").fetchone()
        return counts
    finally:
        conn.close()


def test_killed_ingest_leaves_whole_batches(tmp_path):
    """3,000 articles through the CLI (slowed fake extractor), killed after a few batches."""
    total, batch = 3000, 100
    corpus = write_corpus(tmp_path / "corpus.csv", total)
    db = tmp_path / "store.duckdb"
    cmd = [sys.executable, "-c", SLOW_FAKE_CLI.format(tests=str(TESTS)), "ingest", str(corpus), "--db", str(db),
           "--batch-size", str(batch), "--workers", "2"]
    seen = start_and_kill(cmd, total, kill_at=600)
    counts = check_consistent(db, fake_extract, batch_size=batch)
    assert seen <= counts["articles"] < total, (seen, counts)
    # a second run completes the store
    proc = subprocess.run(cmd + ["--quiet"], capture_output=True, text=True, cwd=ROOT, env=cli_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    counts = check_consistent(db, fake_extract, batch_size=batch)
    assert counts["articles"] == total


@pytest.mark.skipif(not HAS_GAZETTEER, reason="data/places.csv (the gazetteer) is not in the tree: "
                    "the real extractor cannot run")
def test_killed_real_ingest_every_article_complete(tmp_path):
    """The real ``python -m frontline ingest`` of 3,000 recombined seed articles, killed midway."""
    from frontline.extract import extract_article
    total, batch = 3000, 200
    corpus = write_corpus(tmp_path / "corpus.csv", total, seed=6)
    db = tmp_path / "store.duckdb"
    cmd = [sys.executable, "-m", "frontline", "ingest", str(corpus), "--db", str(db), "--batch-size", str(batch)]
    seen = start_and_kill(cmd, total, kill_at=800)
    counts = check_consistent(db, extract_article, batch_size=batch)
    assert seen <= counts["articles"] < total
    assert counts["incidents"] > 0


# --------------------------------------------------------------------------- one batch, in process

def test_failed_batch_is_rolled_back_whole(tmp_path):
    """An extractor failure in the second batch: the first batch stays, nothing of the second."""
    conn = store.connect(tmp_path / "s.duckdb")
    arts = [make_article(f"a{i}", f"{i + 1} people were killed in east Aleppo. Kerry met Lavrov.")
            for i in range(10)]
    arts[7] = make_article("a7", "EXPLODE 8 people were killed.")
    with pytest.raises(RuntimeError, match="a7"):
        pipeline.ingest(conn, arts, extract=fake_extract, batch_size=5, on_error="raise")
    try:
        ids = [r[0] for r in conn.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()]
        assert ids == ["a0", "a1", "a2", "a3", "a4"]
        assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 5
        assert conn.execute("SELECT count(*) FROM diplomacy").fetchone()[0] == 5
    finally:
        conn.close()


def test_write_failure_after_articles_rolls_back_their_events_too(tmp_path, monkeypatch):
    """Articles and their events are one transaction: a failure while inserting claims
    leaves neither the batch's articles nor its incidents."""
    conn = store.connect(tmp_path / "s.duckdb")
    pipeline.ingest(conn, [make_article("old", "3 people were killed in west Aleppo.")], extract=fake_extract)
    real = store.writing._insert_tables

    def broken(c, tables):
        real(c, {k: (v if k in ("articles", "incidents") else v.slice(0, 0)) for k, v in tables.items()})
        raise OSError("disk full (simulated)")
    monkeypatch.setattr(store.writing, "_insert_tables", broken)
    with pytest.raises(OSError, match="disk full"):
        pipeline.ingest(conn, [make_article("new", "5 people were killed in east Aleppo."),
                            make_article("old", "4 people were killed in west Aleppo.")], extract=fake_extract)
    monkeypatch.setattr(store.writing, "_insert_tables", real)
    try:
        assert [r[0] for r in conn.execute("SELECT article_id FROM articles").fetchall()] == ["old"]
        assert conn.execute("SELECT event_id, killed FROM incidents").fetchall() == [("old:i1", 3)]
    finally:
        conn.close()


# --------------------------------------------------------------------------- reviews are durable on return

DIE_AFTER_REVIEW = textwrap.dedent("""
    import os, sys
    from frontline import store
    conn = store.connect(sys.argv[1])
    rid = store.record_review(conn, event_id="a1:i1", kind="incident", action="edit", field="killed",
                              new_value=77, who="analyst")
    eid = store.add_event(conn, "incident", {"event_type": "shelling", "killed": 2}, "analyst", article_id="a1")
    print(rid, eid, flush=True)
    os._exit(0)          # no close, no checkpoint: as if the laptop died right after "saved"
""")


def test_review_is_committed_before_return(tmp_path):
    db = tmp_path / "s.duckdb"
    conn = store.connect(db)
    pipeline.ingest(conn, [make_article("a1", "8 people were killed in west Aleppo.")], extract=fake_extract)
    other = conn.cursor()
    rid = store.record_review(conn, event_id="a1:i1", kind="incident", action="edit", field="injured",
                              new_value=5, who="analyst")
    # another connection sees it at once: committed, not pending in an open transaction
    assert other.execute("SELECT review_id FROM reviews").fetchall() == [(rid,)]
    other.close()
    conn.close()
    proc = subprocess.run([sys.executable, "-c", DIE_AFTER_REVIEW, str(db)], capture_output=True, text=True,
                          cwd=ROOT, env=cli_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    conn = store.connect(db)
    try:
        assert conn.execute("SELECT killed, injured FROM v_incidents WHERE event_id = 'a1:i1'").fetchone() == (77, 5)
        assert conn.execute("SELECT count(*) FROM v_incidents WHERE added").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    finally:
        conn.close()
