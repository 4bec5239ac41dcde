"""The DuckDB store on real files in tmp_path: ingest, replace, duplicates,
reviews (edit / reject / restore / add) surviving re-ingest, backup/restore,
atomic batches, fusion plumbing. Uses the fake extractor from conftest."""
from __future__ import annotations

import datetime as dt
import sys
import types

import pandas as pd
import pytest

from conftest import SAMPLE_TEXTS, fake_extract, make_article
import frontline
from frontline import store
from frontline.models import ArticleEvents, Claim, Diplomacy, Incident, Span
from frontline.ingest import pipeline


def ingest(conn, arts, **kw):
    kw.setdefault("extract", fake_extract)
    return pipeline.ingest(conn, arts, **kw)


def counts(conn):
    return {k: v for k, v in store.row_counts(conn).items()}


@pytest.fixture
def db(tmp_db, fake_articles):
    conn = store.connect(tmp_db)
    ingest(conn, fake_articles)
    yield conn
    conn.close()


# --------------------------------------------------------------------------- connect

def test_connect_creates_folder_and_schema_idempotently(tmp_db):
    assert not tmp_db.parent.exists()
    store.connect(tmp_db).close()
    conn = store.connect(tmp_db)                     # second time: no error, same schema
    tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    views = {r[0] for r in conn.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert set(store.SCHEMA) <= tables
    assert {"v_incidents", "v_diplomacy", "v_incidents_all", "v_diplomacy_all"} <= views
    idx = {r[0] for r in conn.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    assert {"idx_incidents_day", "idx_incidents_side", "idx_incidents_article_id"} <= idx
    conn.close()


def test_default_db_path_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTLINE_DB", str(tmp_path / "x.duckdb"))
    assert store.default_db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("FRONTLINE_DB")
    assert store.default_db_path().parts[-2:] == ("data", "frontline.duckdb")


@pytest.mark.parametrize("content", [b"this is not a database", b""])
def test_connect_refuses_non_database(tmp_path, content):
    p = tmp_path / "notadb.duckdb"
    p.write_bytes(content * 100)
    if not content:
        p = tmp_path            # a folder
    with pytest.raises(store.StoreError):
        store.connect(p)


def test_schema_doc_is_current(project_root):
    assert (project_root / "docs" / "SCHEMA.md").read_text(encoding="utf-8").strip() == \
        store.schema_markdown().strip()


# --------------------------------------------------------------------------- frames (pure)

SP = Span(0, 5, "Eight")


@pytest.mark.parametrize("events,expected", [
    ([], {"articles": 0, "incidents": 0, "claims": 0, "diplomacy": 0}),
    ([ArticleEvents(make_article("x", "Eight killed."))], {"articles": 1, "incidents": 0, "claims": 0, "diplomacy": 0}),
    ([ArticleEvents(make_article("x", "Eight killed."), incidents=[
        Incident("x", "2016-10-12", "day", "shelling", "rebels", "west", killed=8, spans=[SP],
                 claims=[Claim("SOHR", killed=8, span=SP), Claim("SANA", killed=9)])])],
     {"articles": 1, "incidents": 1, "claims": 2, "diplomacy": 0}),
    ([ArticleEvents(make_article("x", "Eight killed."), diplomacy=[
        Diplomacy("x", "2016-10", "month", "meeting", ["Russia", "France"]),
        Diplomacy("x", None, "unknown", "call", [])])],
     {"articles": 1, "incidents": 0, "claims": 0, "diplomacy": 2}),
])
def test_events_to_frames_counts(events, expected):
    frames = store.events_to_frames(events)
    assert {k: len(v) for k, v in frames.items()} == expected
    for name, df in frames.items():   # every frame has its table's columns, in order
        assert list(df.columns) == [c for c, _, _ in store.SCHEMA[name] if c != "ingested_at"]


@pytest.mark.parametrize("field,value,column,expected", [
    ("event_date", "2016-10-12", "day", dt.date(2016, 10, 12)),
    ("event_date", "2016-10", "day", None),                  # month precision has no day
    ("event_date", None, "day", None),
    ("killed", 10 ** 30, "killed", None),                    # beyond BIGINT: dropped, not a crash
    ("lat", float("nan"), "lat", None),
    ("implausible", True, "implausible", True),
])
def test_incident_row_values(field, value, column, expected):
    kw = dict(article_id="x", event_date="2016-10-12", date_precision="day", event_type="shelling",
              actor=None, side=None, spans=[SP, Span(7, 13, "killed")])
    kw[field] = value
    df = store.events_to_frames([ArticleEvents(make_article("x", "Eight killed."), incidents=[Incident(**kw)])])["incidents"]
    got = df[column].iloc[0]
    assert (None if pd.isna(got) else got) == expected
    assert df["event_id"].iloc[0] == "x:i1"
    assert df["evidence_spans"].iloc[0] == "[[0, 5], [7, 13]]"
    assert (df["evidence_start"].iloc[0], df["evidence_end"].iloc[0]) == (0, 5)
    assert df["outlet"].iloc[0] == "CNN"


# --------------------------------------------------------------------------- ingest

def test_ingest_round_trip(db):
    c = counts(db)
    assert (c["articles"], c["incidents"], c["claims"], c["diplomacy"]) == (3, 2, 2, 1)
    inc = store.read_table(db, "incidents")
    assert list(inc["event_id"]) == ["a1:i1", "a2:i1"]
    assert list(inc["killed"]) == [8, 12]
    assert list(inc["side"]) == ["west", "east"]
    arts = store.read_table(db, "articles").set_index("article_id")
    for _, row in inc.iterrows():                      # evidence offsets index the stored text
        text = arts.loc[row["article_id"], "text"]
        assert text[row["evidence_start"]:row["evidence_end"]] == row["evidence"]
    dip = store.read_table(db, "diplomacy")
    assert list(dip["actors"].iloc[0]) == ["Russia", "United States"]
    assert arts.loc["a1", "published"].date() == dt.date(2016, 10, 13)
    assert arts["ingested_at"].notna().all()


def test_reingest_replaces_and_never_duplicates(db):
    before = counts(db)
    ingest(db, [make_article("a1", SAMPLE_TEXTS["a1"])])
    assert counts(db) == before
    # the article changed: its events are replaced
    ingest(db, [make_article("a1", "3 people were killed in east Aleppo. 5 were killed in west Aleppo.")])
    inc = store.read_table(db, "incidents")
    assert list(inc[inc.article_id == "a1"]["killed"]) == [3, 5]
    assert counts(db)["diplomacy"] == 0 and counts(db)["articles"] == 3


def test_same_article_twice_in_one_batch_keeps_last(tmp_db):
    conn = store.connect(tmp_db)
    ingest(conn, [make_article("a", "1 killed."), make_article("a", "2 killed.")])
    assert list(store.read_table(conn, "incidents")["killed"]) == [2]


def test_duplicates_are_flagged(tmp_db):
    conn = store.connect(tmp_db)
    text = "4 people were killed in west Aleppo."
    r = ingest(conn, [make_article("a", text), make_article("b", "  4 people were KILLED in west Aleppo. ")])
    assert r.duplicates == [("b", "a")]
    r = ingest(conn, [make_article("c", text, source="Reuters")], batch_size=1)
    assert r.duplicates == [("c", "a")]
    dup = dict(conn.execute("SELECT article_id, duplicate_of FROM articles").fetchall())
    assert dup == {"a": None, "b": "a", "c": "a"}
    r = ingest(conn, [make_article("a", text)])          # re-ingesting the original: not a duplicate
    assert r.duplicates == []
    assert conn.execute("SELECT duplicate_of FROM articles WHERE article_id = 'a'").fetchone() == (None,)


def test_batches_and_workers_give_the_same_tables(tmp_path, fake_articles):
    arts = fake_articles + [make_article(f"n{i}", f"{i} people were killed in east Aleppo.") for i in range(12)]
    results = []
    for name, kw in (("one", dict(batch_size=200)), ("small", dict(batch_size=4)), ("two", dict(workers=2, batch_size=5))):
        conn = store.connect(tmp_path / f"{name}.duckdb")
        ingest(conn, arts, **kw)
        results.append({t: store.read_table(conn, t).drop(columns=["ingested_at"], errors="ignore")
                        for t in ("articles", "incidents", "claims", "diplomacy")})
        conn.close()
    for other in results[1:]:
        for t in results[0]:
            pd.testing.assert_frame_equal(results[0][t], other[t])


def test_failing_extraction_rolls_back_the_batch(db):
    before = {t: store.read_table(db, t).drop(columns=["ingested_at"], errors="ignore")
              for t in ("articles", "incidents")}
    with pytest.raises(RuntimeError, match="exploded"):
        ingest(db, [make_article("a1", "1 killed."), make_article("bad", "EXPLODE")])
    for t, df in before.items():
        pd.testing.assert_frame_equal(store.read_table(db, t).drop(columns=["ingested_at"], errors="ignore"), df)


def test_failing_write_rolls_back_after_delete(db, monkeypatch):
    before = counts(db)

    def boom(conn, tables):
        raise RuntimeError("disk full")
    monkeypatch.setattr(store.writing, "_insert_tables", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest(db, [make_article("a1", "99 killed.")])     # a1's rows were deleted, then rolled back
    assert counts(db) == before
    assert 8 in list(store.read_table(db, "incidents")["killed"])


def test_skip_reports_failed_articles(db):
    r = ingest(db, [make_article("ok", "7 killed in east Aleppo."), make_article("bad", "EXPLODE")], on_error="skip")
    assert r.articles == 1 and [s[0] for s in r.skipped] == ["bad"]
    assert "exploded" in r.skipped[0][1]
    ids = set(store.read_table(db, "articles")["article_id"])
    assert "ok" in ids and "bad" not in ids


def test_fusion_is_applied(db, monkeypatch):
    def fuse_incidents(df):
        ids = pd.Series(["c-" + d.isoformat()[:10] if pd.notna(d) else None for d in df["day"]], index=df.index)
        fused = pd.DataFrame({"cluster_id": sorted(set(ids.dropna())), "n_articles": 2,
                              "outlets": [["CNN"]], "event_ids": [list(df["event_id"])], "grade": "corroborated",
                              "not_a_column": 1})
        return ids, fused
    fake = types.SimpleNamespace(fuse_incidents=fuse_incidents)
    monkeypatch.setitem(sys.modules, "frontline.fusion.clusters", fake)
    monkeypatch.setattr(frontline.fusion, "clusters", fake, raising=False)
    r = ingest(db, [make_article("a3", SAMPLE_TEXTS["a3"])], skip_unchanged=False)    # extracted again
    assert r.fused == 1
    assert set(store.read_table(db, "incidents")["cluster_id"]) == {"c-2016-10-13"}
    fused = store.read_table(db, "fused_incidents")
    assert list(fused["event_ids"].iloc[0]) == ["a1:i1", "a2:i1"] and fused["grade"].iloc[0] == "corroborated"


# --------------------------------------------------------------------------- reviews

def view(conn, name="v_incidents"):
    return store.read_table(conn, name).set_index("event_id")


@pytest.mark.parametrize("field,value,expected", [
    ("killed", 9, 9),
    ("killed", "10", 10),
    ("killed", None, None),              # an edit may clear a value
    ("side", "east", "east"),
    ("actor", "government", "government"),
    ("implausible", "true", True),
    ("lat", "36.5", 36.5),
])
def test_edit_overlays_field(db, field, value, expected):
    old = view(db).loc["a1:i1", field]
    rid = store.record_review(db, event_id="a1:i1", kind="incident", action="edit", field=field,
                              new_value=value, who="ana")
    got = view(db).loc["a1:i1", field]
    assert (None if pd.isna(got) else got) == expected
    assert bool(view(db).loc["a1:i1", "reviewed"])
    rev = store.read_table(db, "reviews").set_index("review_id").loc[rid]
    assert rev["who"] == "ana" and rev["field"] == field and rev["action"] == "edit"
    assert rev["old_value"] == (None if pd.isna(old) else store.reviews._encode(old))
    assert store.read_table(db, "incidents").set_index("event_id").loc["a1:i1", field] == old or pd.isna(old)


def test_latest_edit_wins_and_date_edit_moves_day(db):
    for v in (9, 11, 10):
        store.record_review(db, event_id="a1:i1", kind="incident", action="edit", field="killed", new_value=v, who="a")
    store.record_review(db, event_id="a1:i1", kind="incident", action="edit", field="event_date",
                        new_value="2016-10-11", who="a")
    store.record_review(db, event_id="a2:i1", kind="incident", action="edit", field="event_date",
                        new_value="2016-10", who="a")
    v = view(db)
    assert v.loc["a1:i1", "killed"] == 10
    assert v.loc["a1:i1", "day"].date() == dt.date(2016, 10, 11) and v.loc["a1:i1", "date_precision"] == "day"
    assert pd.isna(v.loc["a2:i1", "day"]) and v.loc["a2:i1", "date_precision"] == "month"
    olds = list(store.read_table(db, "reviews")["old_value"])
    assert olds[:3] == ["8", "9", "11"]


def test_reject_restore_and_diplomacy_actors(db):
    store.record_review(db, event_id="a2:i1", kind="incident", action="reject", who="b")
    assert "a2:i1" not in view(db).index
    assert bool(view(db, "v_incidents_all").loc["a2:i1", "rejected"])
    store.record_review(db, event_id="a2:i1", kind="incident", action="restore", who="b")
    assert "a2:i1" in view(db).index
    store.record_review(db, event_id="a1:d1", kind="diplomacy", action="edit", field="actors",
                        new_value=["Russia", "France"], who="b")
    assert list(view(db, "v_diplomacy").loc["a1:d1", "actors"]) == ["Russia", "France"]


@pytest.mark.parametrize("kw,message", [
    (dict(event_id="nope:i1", kind="incident", action="reject"), "no incident"),
    (dict(event_id="a1:i1", kind="incident", action="edit", field="evidence", new_value="x"), "not an editable"),
    (dict(event_id="a1:i1", kind="incident", action="edit", field="killed", new_value="many"), "whole number"),
    (dict(event_id="a1:i1", kind="incident", action="edit", field="killed", new_value=-1), "negative"),
    (dict(event_id="a1:i1", kind="incident", action="edit", field="side", new_value="north"), "side must be"),
    (dict(event_id="a1:i1", kind="incident", action="edit", field="event_date", new_value="12 Oct"), "event_date"),
    (dict(event_id="a1:i1", kind="battle", action="reject"), "kind must be"),
    (dict(event_id="a1:i1", kind="incident", action="delete"), "action must be"),
])
def test_bad_reviews_are_refused(db, kw, message):
    with pytest.raises(ValueError, match=message):
        store.record_review(db, who="x", **kw)
    assert counts(db)["reviews"] == 0


def test_add_event(db):
    eid = store.add_event(db, "incident", {"event_type": "airstrike", "event_date": "2016-10-12", "killed": 3,
                                           "side": "east", "evidence": "an analyst's note", "day": "ignored"},
                          who="c", article_id="a1")
    assert eid == "a1:ai1"
    row = view(db).loc[eid]
    assert (row["killed"], row["side"], bool(row["added"]), row["outlet"]) == (3, "east", True, "CNN")
    assert row["day"].date() == dt.date(2016, 10, 12) and row["evidence"] == "an analyst's note"
    eid2 = store.add_event(db, "diplomacy", Diplomacy("zz", "2016-10-15", "day", "meeting", ["Russia", "United States"]),
                           who="c")
    assert eid2 == "zz:ad1" and list(view(db, "v_diplomacy").loc[eid2, "actors"]) == ["Russia", "United States"]
    assert list(store.read_table(db, "reviews")["action"]) == ["add", "add"]
    with pytest.raises(ValueError, match="unknown incident field"):
        store.add_event(db, "incident", {"event_type": "airstrike", "colour": "red"}, who="c")


def test_reviews_survive_reingest(db):
    store.record_review(db, event_id="a1:i1", kind="incident", action="edit", field="killed", new_value=9, who="a")
    store.record_review(db, event_id="a2:i1", kind="incident", action="reject", who="a")
    eid = store.add_event(db, "incident", {"event_type": "clashes", "killed": 1}, who="a", article_id="a2")
    ingest(db, [make_article(k, v) for k, v in SAMPLE_TEXTS.items()])
    v = view(db)
    assert v.loc["a1:i1", "killed"] == 9
    assert "a2:i1" not in v.index
    assert eid in v.index
    assert store.read_table(db, "incidents").set_index("event_id").loc["a1:i1", "killed"] == 8


# --------------------------------------------------------------------------- backup / restore

def test_backup_restore_round_trip(db, tmp_path):
    store.record_review(db, event_id="a1:i1", kind="incident", action="edit", field="killed", new_value=9, who="a")
    store.add_event(db, "incident", {"event_type": "clashes", "killed": 1}, who="a")
    snapshot = {t: store.read_table(db, t) for t in ("articles", "incidents", "reviews", "added_incidents", "v_incidents")}
    out = store.backup(db, tmp_path / "bk" / "backup.duckdb")
    # the store changes after the backup...
    store.record_review(db, event_id="a1:i1", kind="incident", action="edit", field="killed", new_value=99, who="a")
    ingest(db, [make_article("zz", "5 killed in east Aleppo.")])
    path = db.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    db.close()
    store.restore(out, path)
    conn = store.connect(path)
    for t, df in snapshot.items():
        pd.testing.assert_frame_equal(store.read_table(conn, t), df)
    # reviews continue after a restore
    store.record_review(conn, event_id="a1:i1", kind="incident", action="edit", field="killed", new_value=7, who="a")
    assert view(conn).loc["a1:i1", "killed"] == 7
    conn.close()


def test_backup_from_path_and_bad_restore(db, tmp_path):
    db.execute("CHECKPOINT")
    path = db.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    db.close()
    out = store.backup(path, tmp_path / "b.duckdb")
    assert out.exists()
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not a backup")
    with pytest.raises(store.StoreError, match="not a Frontline backup"):
        store.restore(bad, path)
    with pytest.raises(store.StoreError, match="no such backup"):
        store.restore(tmp_path / "missing.duckdb", path)
    conn = store.connect(path)                  # unchanged by the refused restores
    assert counts(conn)["articles"] == 3
    conn.close()


def test_read_table_refuses_unknown_names(db):
    with pytest.raises(ValueError, match="unknown table"):
        store.read_table(db, "articles; DROP TABLE articles")
