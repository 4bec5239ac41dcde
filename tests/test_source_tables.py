"""The Casualties page's source comparison and source totals on a dashboard snapshot read the
per-source figures precomputed in it (``queries.EVENT_SOURCES`` and ``EVENT_SPREAD``): the
same rows, values and column types as grouping the reports again on each query, on a small
store whose sources are awkward (none, the text "nan", empty, one source in several reports,
implausible and figure-less reports, an undated event, a report without an outlet)."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import fake_store  # noqa: E402

from frontline import queries as q  # noqa: E402

D = dt.date

# event_id, outlet, day, side, type, actor, killed, injured, source, implausible, cluster
EXTRA = [
    # x1: four reports, three sources once "unattributed" and the text "nan" count apart; SANA twice
    ("b1:i1", "AFP", "2016-10-18", "east", "airstrike", "russia", 7, 2, None, False, "x1"),
    ("b2:i1", "AFP", "2016-10-18", "east", "airstrike", "russia", 9, None, "nan", False, "x1"),
    ("b3:i1", "Reuters", "2016-10-18", "east", "airstrike", "government", 4, None, "SANA", False, "x1"),
    ("b4:i1", None, "2016-10-18", "east", "airstrike", None, 11, 30, "SANA", False, "x1"),
    # x2: an empty source, an implausible flag left NULL, an implausible toll (left out)
    ("b1:i2", "AFP", "2016-10-19", "west", "shelling", "rebels", None, 5, "", False, "x2"),
    ("b2:i2", "AFP", "2016-10-19", "west", "shelling", "rebels", 3, None, None, None, "x2"),
    ("b3:i2", "CNN", "2016-10-19", "west", "shelling", "rebels", 2_000_000_000, None, "White Helmets", True, "x2"),
    # x3: nothing but implausible reports
    ("b1:i3", "AFP", "2016-10-21", "east", "bombing", None, 900_000_000, None, "SOHR", True, "x3"),
    ("b3:i3", "Reuters", "2016-10-21", "east", "bombing", None, 800_000_000, None, "SANA", True, "x3"),
    # x4: one source in two reports of two outlets
    ("b1:i4", "AFP", "2016-10-22", "east", "shelling", "government", 5, 1, "SOHR", False, "x4"),
    ("b3:i4", "Reuters", "2016-10-22", "east", "shelling", "government", 6, None, "SOHR", False, "x4"),
    # x5: the same spread (4) and day as x1: ranked after it by id
    ("b2:i5", "AFP", "2016-10-18", "east", "airstrike", "russia", 10, None, "SOHR", False, "x5"),
    ("b3:i5", "Reuters", "2016-10-18", "east", "airstrike", "russia", 14, None, "White Helmets", False, "x5"),
    # x6: undated, two sources without figures
    ("b1:i6", "AFP", None, "city", "clashes", None, None, None, "SOHR", False, "x6"),
    ("b4:i6", None, None, "city", "clashes", None, None, 4, "Aleppo Media Center", False, "x6"),
    # a lone report of an unattributed source
    ("b4:i7", None, "2016-10-23", "outside", "airstrike", "coalition", 12, None, None, False, None),
]
ARTICLES = {"b1": D(2016, 10, 24), "b2": D(2016, 10, 24), "b3": D(2016, 10, 25), "b4": D(2016, 10, 26)}


def _make(path: Path) -> Path:
    fake_store.make_store(path)
    c = duckdb.connect(str(path))
    try:
        for aid, published in ARTICLES.items():
            c.execute("INSERT INTO articles (article_id, title, source, published, text, ingested_at) "
                      "VALUES (?, ?, 'AFP', ?, 'text', TIMESTAMP '2016-11-01 12:00:00')",
                      [aid, f"Report {aid}", published])
        for eid, outlet, day, side, etype, actor, killed, injured, source, implausible, cluster in EXTRA:
            c.execute("INSERT INTO incidents (event_id, article_id, outlet, day, side, event_type, actor, location, "
                      "killed, injured, source, implausible, cluster_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'Aleppo', "
                      "?, ?, ?, ?, ?)",
                      [eid, eid.split(":")[0], outlet, day, side, etype, actor, killed, injured, source,
                       implausible, cluster])
        c.execute("CHECKPOINT")
    finally:
        c.close()
    return path


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    path = _make(tmp_path_factory.mktemp("sources") / "s.duckdb")
    conn = duckdb.connect(str(path))
    snap = q.snapshot(conn)
    yield conn, snap
    snap.close()
    conn.close()


FILTERS = [
    q.Filters(), q.Filters(sides=("east",)), q.Filters(sides=("west", "city")),
    q.Filters(date_from=D(2016, 10, 18), date_to=D(2016, 10, 19)), q.Filters(date_from=D(2016, 10, 25)),
    q.Filters(event_types=("airstrike",)), q.Filters(actors=("russia",)), q.Filters(area="aleppo"),
    q.Filters(area="aleppo", sides=("east",), date_from=D(2016, 10, 1), date_to=D(2016, 10, 31)),
    q.Filters(date_from=D(2017, 1, 1)),                       # nothing
    q.Filters(outlets=("AFP",)), q.Filters(article_ids=("b1", "b3")),   # these group the reports again
]
CALLS = [
    ("source_comparison", {"by": "source"}), ("source_comparison", {"by": "outlet"}),
    ("source_comparison", {"by": "source", "limit": None, "min_sources": 1}),
    ("source_comparison", {"by": "outlet", "limit": 2}),
    ("source_comparison", {"by": "source", "limit": 3, "min_sources": 3}),
    ("source_totals", {"by": "source"}), ("source_totals", {"by": "outlet"}),
]


def _grouped_again(monkeypatch):
    """Make the queries ignore the snapshot's per-source tables (the way they ran before)."""
    monkeypatch.setattr(q, "has_event_sources", lambda conn: False)


@pytest.mark.parametrize("name, kw", CALLS)
def test_precomputed_sources_give_the_same_rows(stores, monkeypatch, name, kw):
    conn, snap = stores
    fn = getattr(q, name)
    assert q.has_event_sources(snap) and not q.has_event_sources(conn)
    new = [fn(snap, f, **kw) for f in FILTERS]
    from_store = [fn(conn, f, **kw) for f in FILTERS]
    _grouped_again(monkeypatch)
    old = [fn(snap, f, **kw) for f in FILTERS]
    for f, a, b, c in zip(FILTERS, old, new, from_store):
        pd.testing.assert_frame_equal(a, b, obj=f"{name} {kw} {f}")            # values and dtypes
        pd.testing.assert_frame_equal(c, b, check_dtype=False, obj=f"store: {name} {kw} {f}")
    assert any(len(df) for df in new) and any(not len(df) for df in new)


def test_the_comparison_reads_the_awkward_sources(stores):
    _, snap = stores
    df = q.source_comparison(snap, q.Filters(), by="source", limit=None)
    x1 = df[df["fid"] == "x1"].set_index("source")
    # the highest figure of a source that repeats itself; no source and "nan" are not the same
    assert x1["killed"].to_dict() == {"SANA": 11, "nan": 9, "unattributed": 7}
    assert x1["injured"].fillna(-1).to_dict() == {"SANA": 30, "nan": -1, "unattributed": 2}
    assert x1["event_id"].to_dict() == {"SANA": "b3:i1", "nan": "b2:i1", "unattributed": "b1:i1"}
    x2 = df[df["fid"] == "x2"]
    assert sorted(x2["source"]) == ["", "unattributed"] and set(x2["spread"]) == {0}   # White Helmets implausible
    assert "x3" not in set(df["fid"]) and "x4" not in set(df["fid"])   # all implausible; one source
    assert set(df[df["fid"] == "x6"]["spread"]) == {0}                  # no figures at all
    top = q.source_comparison(snap, q.Filters(), by="source", limit=2)
    assert list(dict.fromkeys(top.sort_values("spread", ascending=False, kind="stable")["fid"])) == ["c2", "x1"]
    assert top["n_events"].iloc[0] == df["fid"].nunique()


@pytest.mark.parametrize("by, expected", [
    ("source", {"SANA": (2, 10 + 11), "White Helmets": (3, 13 + 6 + 14), "unattributed": (4, 3 + 7 + 3 + 12),
                "nan": (1, 9), "SOHR": (3, 6 + 10 + 0), "": (1, 0)}),
    ("outlet", {"AFP": (5, 9 + 3 + 5 + 10), "Reuters": (4, 20 + 4 + 6 + 14), "unattributed": (3, 11 + 12)}),
])
def test_the_totals_count_each_event_once_per_source(stores, by, expected):
    _, snap = stores
    tot = q.source_totals(snap, q.Filters(), by=by).set_index("source")
    for src, (events, killed) in expected.items():
        assert (tot.loc[src, "incidents"], tot.loc[src, "killed"]) == (events, killed), src


def test_a_followed_snapshot_keeps_the_source_tables_current(tmp_path):
    """After an ingest the snapshot follows the store: its per-source tables equal a new snapshot's."""
    path = _make(tmp_path / "f.duckdb")
    conn = duckdb.connect(str(path))
    try:
        mem = q.snapshot(conn)
        conn.execute("INSERT INTO articles (article_id, title, source, published, text, ingested_at) "
                     "VALUES ('b9', 'Later', 'AFP', DATE '2016-10-27', 'text', TIMESTAMP '2016-11-02 12:00:00')")
        for eid, src, killed, cluster in (("b9:i1", "White Helmets", 30, "x1"), ("b9:i2", "SOHR", 8, "x4"),
                                          ("b9:i3", None, 2, None)):
            conn.execute("INSERT INTO incidents (event_id, article_id, outlet, day, side, event_type, location, "
                         "killed, source, implausible, cluster_id) VALUES (?, 'b9', 'AFP', DATE '2016-10-18', "
                         "'east', 'airstrike', 'Aleppo', ?, ?, FALSE, ?)", [eid, killed, src, cluster])
        conn.execute("UPDATE incidents SET cluster_id = 'x5' WHERE event_id = 'b3:i4'")   # x4 loses a report
        assert q.follow_snapshot(mem, conn)
        fresh = q.snapshot(conn)
        for table in (q.EVENT_SOURCES, q.EVENT_SPREAD):
            got, want = (m.execute(f"SELECT * FROM {table} ORDER BY ALL").df() for m in (mem, fresh))
            pd.testing.assert_frame_equal(got, want, obj=table)
        x1 = q.source_comparison(mem, q.Filters(), by="source", limit=None)
        assert x1[x1["fid"] == "x1"].set_index("source")["killed"].to_dict()["White Helmets"] == 30
        for f in FILTERS:
            pd.testing.assert_frame_equal(q.source_totals(mem, f), q.source_totals(fresh, f))
        fresh.close()
        mem.close()
    finally:
        conn.close()


@pytest.mark.parametrize("labels, keys, expected", [
    (["12 Oct · Sukkari", "12 Oct · Sukkari", "12 Oct · Sukkari", "13 Oct · Midan"], ["e1", "e2", "e1", "e3"],
     ["12 Oct · Sukkari", "12 Oct · Sukkari (2)", "12 Oct · Sukkari", "13 Oct · Midan"]),
    (["no day · Aleppo"] * 3, ["b", "a", "c"], ["no day · Aleppo", "no day · Aleppo (2)", "no day · Aleppo (3)"]),
    (["x", "y"], ["k", "k"], ["x", "y"]),          # one event under two labels keeps both
    ([], [], []),
])
def test_events_sharing_a_label_are_told_apart(labels, keys, expected):
    from components.casualties import distinct_labels
    assert distinct_labels(labels, keys) == expected


def test_the_dot_plot_sends_what_plotly_would(stores):
    """The dot plot keeps its traces as plain dicts (mapview.MapFigure): the JSON sent to the
    browser is what the same figure made through plotly gives."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    from components.casualties import source_figure
    _, snap = stores
    for by in ("source", "outlet"):
        fig = source_figure(q.source_comparison(snap, q.Filters(), by=by, limit=None))
        plotly_made = go.Figure(data=fig.data, layout=fig.layout)
        sent = json.loads(pio.to_json(fig.to_dict(), validate=False))
        assert sent == json.loads(pio.to_json(plotly_made.to_dict(), validate=False))
        assert len(sent["data"]) > 3 and sent["data"][1]["mode"] == "markers"
