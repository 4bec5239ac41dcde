"""Incremental fusion: a store fed in several ingests holds exactly the fused events of one ingest.

Each ingest fuses again only the days its changes reach (``store_fusion.fuse_changes``);
the fused events, their ids (``c:`` and the event's first report id, so equal ids mean
equal members) and each report's ``cluster_id`` must come out as one ingest of the same
articles gives them, for any split of a corpus into ingests and any order of the
articles, and when articles are stored again with other incidents. The articles are
made here: incidents crowded on a few consecutive days (many events straddle two
days), at a few places, from a few outlets, some articles copies of one wire story.
"""
from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline import store
from frontline.fusion import store_fusion
from frontline.ingest import pipeline
from frontline.models import Article, ArticleEvents, Incident, Span

D0 = dt.date(2016, 9, 20)
SIDES = ["east", "west", "city", None, "outside"]
PLACES = [("shaar", "al-Shaar", "neighbourhood"), ("midan", "Midan", "neighbourhood"),
          ("aleppo", "Aleppo", "city"), (None, None, None)]
TYPES = ["airstrike", "shelling", "bombing", "clashes", "other"]
ACTORS = [None, "government", "russia", "rebels"]
OUTLETS = ["sana", "reuters", "afp", "tass"]
# word lists for the texts: an article is one of a few wire stories (a copy under another outlet
# shares >= 80% of its 5-word runs) or its own text
WORDS = ("shelling hit the old quarter overnight residents said rescue teams searched rubble while "
         "monitors counted dead and wounded near the market as aircraft circled above districts").split()


def _text(story: int, own: int) -> str:
    rnd = random.Random(story)
    body = " ".join(rnd.choice(WORDS) for _ in range(60))
    return body if own < 0 else f"{body} local reporter number {own} adds a line of her own today"


def _events(aid: str, spec: dict) -> ArticleEvents:
    text = _text(spec["story"], spec["own"])
    art = Article(id=aid, text=text, title=aid, source=spec["outlet"], url="",
                  published=D0 + dt.timedelta(days=3), published_from="metadata")
    incidents = []
    for k, (day, side, place, kind, actor, killed) in enumerate(spec["incidents"]):
        pid, name, precision = PLACES[place]
        incidents.append(Incident(
            article_id=aid, event_date=None if day is None else (D0 + dt.timedelta(days=day)).isoformat(),
            date_precision="unknown" if day is None else "day", event_type=kind, actor=actor, side=side,
            location=name, place_id=pid, lat=36.2 if pid else None, lon=37.1 if pid else None,
            geo_precision=precision, killed=killed, spans=[Span(0, 5, text[:5])]))
    return ArticleEvents(article=art, incidents=incidents)


incident = st.tuples(st.one_of(st.none(), st.integers(0, 5)), st.sampled_from(SIDES),
                     st.integers(0, len(PLACES) - 1), st.sampled_from(TYPES), st.sampled_from(ACTORS),
                     st.one_of(st.none(), st.integers(0, 30)))
article = st.fixed_dictionaries({
    "story": st.integers(0, 3), "own": st.one_of(st.just(-1), st.integers(0, 50)),
    "outlet": st.sampled_from(OUTLETS),
    "incidents": st.lists(incident, min_size=0, max_size=4)})


def _ingest(conn, specs: dict, ids: list) -> None:
    arts = [_events(a, specs[a]).article for a in ids]
    pipeline.ingest(conn, arts, extract=lambda a: _events(a.id, specs[a.id]), workers=1, batch_size=7)


def _fused(conn) -> tuple:
    fused = store.read_table(conn, "fused_incidents").sort_values("cluster_id").reset_index(drop=True)
    mapping = conn.execute("SELECT event_id, cluster_id FROM incidents ORDER BY event_id").df()
    return fused, mapping


def _assert_same(a: tuple, b: tuple) -> None:
    pd.testing.assert_frame_equal(a[0], b[0], obj="fused_incidents")
    pd.testing.assert_frame_equal(a[1], b[1], obj="incidents.cluster_id")


def _full(tmp, name: str, specs: dict) -> tuple:
    conn = store.connect(tmp / f"{name}.duckdb")
    try:
        _ingest(conn, specs, sorted(specs))
        return _fused(conn)
    finally:
        conn.close()


CASES = settings(max_examples=25, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@CASES
@given(corpus=st.lists(article, min_size=2, max_size=24), data=st.data())
def test_any_split_in_any_order_gives_the_fused_events_of_one_ingest(tmp_path_factory, corpus, data):
    specs = {f"a{i:03d}": spec for i, spec in enumerate(corpus)}
    tmp = tmp_path_factory.mktemp("split")
    want = _full(tmp, "whole", specs)
    order = data.draw(st.permutations(sorted(specs)), label="order")
    cuts = sorted(data.draw(st.sets(st.integers(1, len(order) - 1), max_size=5), label="cuts"))
    conn = store.connect(tmp / "parts.duckdb")
    try:
        for lo, hi in zip([0, *cuts], [*cuts, len(order)]):
            _ingest(conn, specs, order[lo:hi])
        _assert_same(_fused(conn), want)
    finally:
        conn.close()


@CASES
@given(corpus=st.lists(article, min_size=2, max_size=20), data=st.data())
def test_articles_stored_again_give_the_fused_events_of_one_ingest(tmp_path_factory, corpus, data):
    """A second version of some articles (other incidents, or none) replaces their reports: the
    events they left are fused again too."""
    specs = {f"a{i:03d}": spec for i, spec in enumerate(corpus)}
    again = data.draw(st.lists(st.sampled_from(sorted(specs)), min_size=1, max_size=5, unique=True), label="again")
    revised = dict(specs)
    for aid in again:
        revised[aid] = dict(data.draw(article, label=f"new {aid}"), own=900 + int(aid[1:]))
    tmp = tmp_path_factory.mktemp("again")
    want = _full(tmp, "whole", revised)
    conn = store.connect(tmp / "parts.duckdb")
    try:
        _ingest(conn, specs, sorted(specs))
        _ingest(conn, revised, again)
        _assert_same(_fused(conn), want)
    finally:
        conn.close()


# ---------------------------------------------------------------- the incremental path is taken, and matters

def _dense(n: int, seed: int) -> dict:
    """``n`` articles, each with incidents on two neighbouring days of 40: events straddle days."""
    rnd = random.Random(seed)
    specs = {}
    for i in range(n):
        day = rnd.randrange(40)
        specs[f"d{i:03d}"] = {"story": rnd.randrange(6), "own": rnd.choice([-1, i]), "outlet": rnd.choice(OUTLETS),
                              "incidents": [(day + rnd.randrange(2), rnd.choice(SIDES[:4]), rnd.randrange(4),
                                             rnd.choice(TYPES), rnd.choice(ACTORS), rnd.randrange(20))
                                            for _ in range(rnd.randrange(1, 4))]}
    return specs


def test_an_ingest_fuses_only_the_days_it_reaches(tmp_path, monkeypatch):
    specs = _dense(160, seed=3)
    late = {f"z{i}": dict(specs[f"d{i:03d}"], own=700 + i) for i in range(3)}
    for aid in late:                         # new reports on the last days only
        late[aid]["incidents"] = [(39, "east", 0, "airstrike", "government", 4)]
    want = _full(tmp_path, "whole", {**specs, **late})
    conn = store.connect(tmp_path / "parts.duckdb")
    try:
        _ingest(conn, specs, sorted(specs))
        before = _fused(conn)[0].set_index("cluster_id")
        read = []
        real = store_fusion._fusion_frame

        def counting(c, fusion, full=False, where="TRUE", params=None):
            df = real(c, fusion, full, where, params)
            read.append(len(df))
            return df
        monkeypatch.setattr(store_fusion, "_fusion_frame", counting)
        _ingest(conn, {**specs, **late}, sorted(late))
        got = _fused(conn)
    finally:
        conn.close()
    _assert_same(got, want)
    total = len(got[1])
    assert read and sum(read) < total / 3, (read, total)        # a few days read, not the store
    after = got[0].set_index("cluster_id")
    kept = before.index.intersection(after.index)
    same = pd.Series([before.loc[[c]].equals(after.loc[[c]]) for c in kept], index=kept)
    assert same.sum() > 0.8 * len(before)                         # events of other days kept, ids and all
    changed = before.loc[kept][~same.to_numpy()]
    assert (pd.to_datetime(changed["day"]) >= pd.Timestamp(D0 + dt.timedelta(days=20))).all()


@pytest.mark.parametrize("lookahead, parts, seed", [
    (0, 3, 11),       # spans of one day each: every day goes on from the one before
    (0, 7, 12),
    (1, 4, 13),       # spans of 1, 4, 16 days past the changes
    (2, 6, 14),
])
def test_fusion_in_spans_gives_the_fused_events_of_one_ingest(tmp_path, monkeypatch, lookahead, parts, seed):
    """A resumed run goes on span after span (never again from its first day) and takes in the
    changed ranges it runs into: short spans, many ingests, the events of one ingest."""
    specs = _dense(120, seed=seed)
    want = _full(tmp_path, "whole", specs)
    monkeypatch.setattr(store_fusion, "LOOKAHEAD_DAYS", lookahead)
    spans, runs = [], []
    real_span, real_resume = store_fusion._span_frame, store_fusion._resume

    def span(conn, fusion, first, last):
        spans.append((first, last))
        return real_span(conn, fusion, first, last)

    def resume(conn, fusion, lo, hi, following=None):
        runs.append((lo, hi, len(following or ())))
        return real_resume(conn, fusion, lo, hi, following)
    monkeypatch.setattr(store_fusion, "_span_frame", span)
    monkeypatch.setattr(store_fusion, "_resume", resume)
    order = sorted(specs)
    random.Random(seed).shuffle(order)
    conn = store.connect(tmp_path / "parts.duckdb")
    try:
        for at in range(parts):
            _ingest(conn, specs, order[at * len(order) // parts:(at + 1) * len(order) // parts])
        _assert_same(_fused(conn), want)
    finally:
        conn.close()
    assert len(spans) > len(runs) > 0                      # some runs went on past their first span
    assert all(b > a for a, b in spans)


def test_fusing_too_few_days_would_differ(tmp_path, monkeypatch):
    """The tests above can fail: resuming fusion at the first changed day, not the day before it,
    leaves events that differ from one ingest's."""
    specs = _dense(160, seed=5)
    rnd = random.Random(9)
    late = {f"z{i}": {"story": 50 + i, "own": -1, "outlet": rnd.choice(OUTLETS),
                      "incidents": [(d, "city", 3, "other", None, 2)]} for i, d in enumerate((12, 20, 27))}
    want = _full(tmp_path, "whole", {**specs, **late})
    real = store_fusion._resume

    def from_the_first_changed_day(conn, fusion, lo, hi, following=None):
        return real(conn, fusion, lo + 1, hi, following)
    monkeypatch.setattr(store_fusion, "_resume", from_the_first_changed_day)
    conn = store.connect(tmp_path / "parts.duckdb")
    try:
        _ingest(conn, specs, sorted(specs))
        # events across the start of the range fused again: split in two (a duplicate id) or differing
        with pytest.raises((AssertionError, duckdb.ConstraintException)):
            _ingest(conn, {**specs, **late}, sorted(late))
            _assert_same(_fused(conn), want)
    finally:
        conn.close()


def test_rebuild_gives_what_the_increments_gave(tmp_path):
    specs = _dense(60, seed=4)
    ids = sorted(specs)
    conn = store.connect(tmp_path / "s.duckdb")
    try:
        for lo in range(0, 60, 20):
            _ingest(conn, specs, ids[lo:lo + 20])
        got = _fused(conn)
        assert store_fusion.refresh_fusion(conn, rebuild=True) == len(got[0])
        _assert_same(_fused(conn), got)
    finally:
        conn.close()


# ---------------------------------------------------------------- the dashboard's snapshot follows

def _snapshot_tables(mem) -> dict:
    out = {}
    for name in ("v_incidents", "v_diplomacy", "articles", "reviews", "event_figures", "event_sources",
                 "event_source_spread"):
        df = mem.execute(f"SELECT * FROM {name}").df()
        df = df.drop(columns=["ingested_at"], errors="ignore")
        out[name] = df.sort_values(list(df.columns), key=lambda c: c.astype(str)).reset_index(drop=True)
    return out


def test_snapshot_follows_an_ingest_like_a_new_snapshot(tmp_path):
    from frontline import queries
    specs = _dense(80, seed=6)
    ids = sorted(specs)
    revised = dict(specs)
    for aid in ids[:3]:                       # stored again with other incidents
        revised[aid] = dict(specs[aid], own=800, incidents=[(5, "west", 1, "shelling", "rebels", 3)])
    late = {f"z{i}": dict(specs[ids[10 + i]], own=600 + i) for i in range(4)}
    conn = store.connect(tmp_path / "s.duckdb")
    try:
        _ingest(conn, specs, ids[:60])
        mem = queries.snapshot(conn)
        before = _snapshot_tables(mem)
        _ingest(conn, {**revised, **late}, ids[:3] + ids[60:] + sorted(late))
        assert queries.follow_snapshot(mem, conn)
        got = _snapshot_tables(mem)
        want = _snapshot_tables(queries.snapshot(conn))
        assert len(got["v_incidents"]) > len(before["v_incidents"])           # it did follow
        for name in want:
            pd.testing.assert_frame_equal(got[name], want[name], obj=name)
        # a review is not an ingest: the snapshot is taken anew
        event = conn.execute("SELECT event_id FROM incidents LIMIT 1").fetchone()[0]
        store.record_review(conn, event_id=event, kind="incident", action="reject", who="test")
        assert not queries.follow_snapshot(mem, conn)
        pd.testing.assert_frame_equal(_snapshot_tables(mem)["v_incidents"], got["v_incidents"])
    finally:
        conn.close()


@pytest.mark.parametrize("moves", [[], ["d000"], ["d000", "d003", "d017"]])
def test_the_snapshot_finds_exactly_the_reports_that_moved(tmp_path, moves):
    """Reports compared bucket by bucket (digests first): every report whose fused event the
    store now gives otherwise is found, and no other."""
    from frontline import queries
    specs = _dense(30, seed=8)
    conn = store.connect(tmp_path / "s.duckdb")
    try:
        _ingest(conn, specs, sorted(specs))
        mem = queries.snapshot(conn)
        assert queries._moved(mem, conn) == []
        moved = []
        for aid in moves:
            row = conn.execute("SELECT event_id FROM incidents WHERE article_id = ? ORDER BY event_id LIMIT 1",
                               [aid]).fetchone()
            if row:
                conn.execute("UPDATE incidents SET cluster_id = 'c:elsewhere' WHERE event_id = ?", [row[0]])
                moved.append(row[0])
        assert len(moved) == len(moves)
        assert sorted(queries._moved(mem, conn)) == sorted(moved)
    finally:
        conn.close()


def test_a_dask_ingested_batch_is_fused_incrementally(tmp_path, monkeypatch):
    """Parquet parts as Dask workers write them (``extract_partition``, run here without a
    cluster), loaded in two runs: the second fuses only what it changed, and the store ends as
    one ingest of every article leaves it."""
    pytest.importorskip("dask")
    from frontline.ingest import dask as fdist
    specs = _dense(90, seed=8)
    ids = sorted(specs)
    want = _full(tmp_path, "whole", specs)
    extract = (lambda a: _events(a.id, specs[a.id]))
    dirs = []
    for n, part_ids in enumerate((ids[:70], ids[70:])):
        d = tmp_path / f"parquet{n}"
        arts = [_events(a, specs[a]).article for a in part_ids]
        for k in range(0, len(arts), 20):
            fdist.extract_partition(arts[k:k + 20], k // 20, str(d), extract=extract)
        dirs.append(d)
    whole_store_fusions = []
    real = store_fusion.fuse_store
    monkeypatch.setattr(store_fusion, "fuse_store",
                        lambda *a, **kw: (whole_store_fusions.append(1), real(*a, **kw))[1])
    conn = store.connect(tmp_path / "dask.duckdb")
    try:
        fdist.load_parquet(conn, dirs[0])
        assert whole_store_fusions == [1]                 # a store never fused: fused whole
        fdist.load_parquet(conn, dirs[1])
        assert whole_store_fusions == [1]                 # then only what changed
        _assert_same(_fused(conn), want)
    finally:
        conn.close()


def test_fuse_command_rebuilds_and_brings_up_to_date(tmp_path):
    import subprocess
    import sys

    from conftest import PROJECT_ROOT, cli_env
    specs = _dense(30, seed=2)
    db = tmp_path / "s.duckdb"
    conn = store.connect(db)
    try:
        _ingest(conn, specs, sorted(specs))
        want = _fused(conn)
    finally:
        conn.close()
    for args, said in ((["--rebuild"], "fused again from scratch"), ([], "brought up to date")):
        r = subprocess.run([sys.executable, "-m", "frontline", "fuse", *args, "--db", str(db)], cwd=PROJECT_ROOT,
                           env=cli_env(), capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert f"{len(want[0])} fused events" in r.stdout and said in r.stdout, r.stdout
        conn = store.connect(db)
        try:
            _assert_same(_fused(conn), want)
        finally:
            conn.close()
    r = subprocess.run([sys.executable, "-m", "frontline", "fuse", "--db", str(tmp_path / "none.duckdb")],
                       cwd=PROJECT_ROOT, env=cli_env(), capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no such database" in r.stderr
