"""Dashboard aggregates against a real DuckDB file with hand-made rows (tests/fake_store.py)."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import fake_store  # noqa: E402

from frontline import queries as q  # noqa: E402

D = dt.date


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = fake_store.make_store(tmp_path_factory.mktemp("store") / "t.duckdb")
    c = duckdb.connect(str(path))
    yield c
    c.close()


# ---------------------------------------------------------------- Filters <-> query params

@pytest.mark.parametrize("filters, params", [
    (q.Filters(), {}),
    (q.Filters(date_from=D(2016, 10, 1)), {"from": "2016-10-01"}),
    (q.Filters(date_to="2016-10-31"), {"to": "2016-10-31"}),
    (q.Filters(sides=("west", "east")), {"side": "east,west"}),
    (q.Filters(event_types=["shelling"], actors=["rebels", "isis"]),
     {"type": "shelling", "actor": "isis,rebels"}),
    (q.Filters(outlets=("SANA",), article_ids=("a1",)), {"outlet": "SANA", "article": "a1"}),
    (q.Filters(dip_types=("call",), parties=("Russia",)), {"dtype": "call", "party": "Russia"}),
])
def test_filters_round_trip(filters, params):
    assert filters.to_query_params() == params
    assert q.Filters.from_query_params(params) == filters


@pytest.mark.parametrize("params, expected", [
    ({"from": "not a date"}, q.Filters()),
    ({"from": "2016-10-01T00:00"}, q.Filters(date_from=D(2016, 10, 1))),
    ({"side": ["east", "west"]}, q.Filters(sides=("east", "west"))),   # repeated keys
    ({"side": "east,,west, "}, q.Filters(sides=("east", "west"))),
    ({"unknown": "x"}, q.Filters()),
])
def test_filters_from_bad_params(params, expected):
    assert q.Filters.from_query_params(params) == expected


def test_filters_hashable_and_empty():
    assert hash(q.Filters(sides=["east"])) == hash(q.Filters(sides=("east",)))
    assert q.Filters().is_empty and not q.Filters(sides=("east",)).is_empty


# ---------------------------------------------------------------- headline figures

@pytest.mark.parametrize("side", ["all", "east", "west", "outside"])
def test_headline_matches_hand_counts(conn, side):
    got = q.headline_for(q.headline(conn, q.Filters()), side)
    for k, v in fake_store.EXPECTED[side].items():
        assert got[k] == v, (side, k)


@pytest.mark.parametrize("filters, killed, incidents", [
    (q.Filters(date_from=D(2016, 10, 13)), 19 + 3, 3),           # c2, a4:i1, a4:i2 (+a2:i2 implausible)
    (q.Filters(date_to=D(2016, 10, 11)), 5, 1),
    (q.Filters(sides=("west",)), 13, 2),
    (q.Filters(actors=("russia",)), 13, 1),                       # c2 whole (one source blames Russia):
                                                                  # the lower median of 13 and 20
    (q.Filters(outlets=("SANA",)), 10, 1),                        # SANA alone: its own figure
    (q.Filters(article_ids=("a1",)), 8 + 5 + 13, 4),
    (q.Filters(event_types=("clashes",)), 3, 1),
    (q.Filters(date_from=D(2017, 1, 1)), 0, 0),
])
def test_headline_filters(conn, filters, killed, incidents):
    got = q.headline_for(q.headline(conn, filters), "all")
    assert (got["killed"], got["incidents"]) == (killed, incidents)


def test_fused_event_counted_once_with_range(conn):
    ev = q.fused_events(conn, q.Filters())
    c1 = ev[ev["fid"] == "c1"].iloc[0]
    assert (c1["killed_best"], c1["killed_low"], c1["killed_high"], c1["n_reports"]) == (8, 8, 12, 2)
    assert sorted(c1["event_ids"]) == ["a1:i1", "a2:i1"]
    assert len(q.fused_events(conn, q.Filters(), limit=3)) == 3


def test_reject_review_hides_event(tmp_path):
    path = fake_store.make_store(tmp_path / "r.duckdb")
    c = duckdb.connect(str(path))
    before = q.headline_for(q.headline(c, q.Filters()), "all")
    v0 = q.store_version(c)
    c.execute("INSERT INTO reviews (review_id, event_id, kind, action, who) "
              "VALUES (1, 'a4:i1', 'incident', 'reject', 't')")
    after = q.headline_for(q.headline(c, q.Filters()), "all")
    assert after["killed"] == before["killed"] - 6
    assert len(q.audit(c)) == 1
    assert q.store_version(c) != v0
    c.close()


@pytest.mark.parametrize("field, value, side, expect", [
    ("killed", "60", "east", {"killed": 19 - 6 + 60}),          # a4:i1 6 -> 60
    ("side", "west", "west", {"incidents": 3, "killed": 13 + 6}),
    ("implausible", "false", "east", {"implausible": 0}),        # cleared flag: now summed
    ("event_date", "2016-10-21", "east", {"killed": 19}),
])
def test_edit_review_reflected(tmp_path, field, value, side, expect):
    store = pytest.importorskip("frontline.store")
    path = fake_store.make_store(tmp_path / "e.duckdb")
    c = store.connect(path)
    eid = "a2:i2" if field == "implausible" else "a4:i1"
    store.record_review(c, event_id=eid, kind="incident", action="edit", field=field,
                        new_value=value, who="tester")
    got = q.headline_for(q.headline(c, q.Filters()), side)
    for k, v in expect.items():
        assert got[k] == v, k
    if field == "event_date":
        assert q.event(c, "a4:i1")["day"].date() == D(2016, 10, 21)
    log = q.audit(c)
    assert log.iloc[0]["who"] == "tester" and log.iloc[0]["field"] == field
    c.close()


# ---------------------------------------------------------------- time series

@pytest.mark.parametrize("freq, rows, west_killed", [("day", 6, [5, 8]), ("week", 5, [13])])
def test_casualties(conn, freq, rows, west_killed):
    df = q.casualties(conn, q.Filters(), freq)
    assert len(df) == rows
    assert df[df["side"] == "west"]["killed"].tolist() == west_killed
    # every day's total equals the headline total
    assert df["killed"].sum() == fake_store.EXPECTED["all"]["killed"]
    assert df.groupby("side")["cum_killed"].max().to_dict()["east"] == 19


def test_casualties_bad_freq(conn):
    with pytest.raises(ValueError):
        q.casualties(conn, q.Filters(), "year")


def test_daily_killed(conn):
    df = q.daily_killed(conn, q.Filters())
    assert {k.date(): v for k, v in df.set_index("day")["killed"].items()} == {
        D(2016, 10, 11): 5, D(2016, 10, 12): 8, D(2016, 10, 13): 13, D(2016, 10, 20): 9}


@pytest.mark.parametrize("by, sources", [
    ("source", {"SANA", "Syrian Observatory for Human Rights", "White Helmets"}),
    ("outlet", {"CNN", "SANA", "Reuters"}),
])
def test_source_comparison(conn, by, sources):
    df = q.source_comparison(conn, q.Filters(), by=by)
    assert set(df["source"]) == sources
    assert set(df["fid"]) == {"c1", "c2"}
    tot = q.source_totals(conn, q.Filters(), by=by)
    assert tot["killed"].sum() == 8 + 10 + 5 + 13 + 20 + 6 + 3


# ---------------------------------------------------------------- map

@pytest.mark.parametrize("scope, day, n", [
    ("city", None, 7), ("outside", None, 2), ("all", None, 9), ("city", D(2016, 10, 12), 2),
])
def test_map_points(conn, scope, day, n):
    df = q.map_points(conn, q.Filters(), scope=scope, day=day)
    assert len(df) == n
    assert not df["aggregated"].any()
    assert df["killed"].max() < 1000     # the implausible toll does not size a point


def test_map_points_aggregate_beyond_limit(conn):
    df = q.map_points(conn, q.Filters(), scope="city", max_points=3)
    assert df["aggregated"].all()
    assert df["n"].sum() == 7 and df["killed"].sum() == 8 + 10 + 5 + 13 + 20 + 6
    assert len(df) < 6


@pytest.mark.parametrize("sides, scope, expect_rows", [
    (("east",), "outside", False),             # a side chosen in the city: nothing outside it
    (("west", "city"), "outside", False),
    (("outside",), "city", False),             # and the other way round
    (("east", "outside"), "outside", True),    # one side of each: both scopes read
    (("east", "outside"), "city", True),
    (("east",), "all", True),
])
def test_map_points_scope_without_a_chosen_side(conn, sides, scope, expect_rows):
    df = q.map_points(conn, q.Filters(sides=sides), scope=scope)
    assert (len(df) > 0) == expect_rows
    every = q.map_points(conn, q.Filters(), scope=scope)
    assert list(df.columns) == list(every.columns)     # an empty answer has the same columns
    assert set(df["event_id"]) <= set(every["event_id"])


MAP_PAIR_CASES = [
    {}, {"max_points": 3}, {"max_points": 1}, {"max_points": 0},    # points, cells, one of each
    {"day": D(2016, 10, 12)}, {"day": D(2015, 1, 1)},               # one day; a day without reports
]


@pytest.mark.parametrize("filters", [q.Filters(), q.Filters(sides=("east",)), q.Filters(sides=("outside",)),
                                     q.Filters(actors=("russia",)), q.Filters(area="aleppo")])
def test_map_points_pair_is_the_two_scopes(conn, filters):
    import pandas as pd
    snap = q.snapshot(conn)
    for c in (conn, snap):
        for kw in MAP_PAIR_CASES:
            city, outside = q.map_points_pair(c, filters, **kw)
            for got, scope in ((city, "city"), (outside, "outside")):
                want = q.map_points(c, filters, scope=scope, **kw)
                assert list(got.columns) == list(want.columns)
                if len(want) or len(got):
                    pd.testing.assert_frame_equal(got, want, obj=f"{scope} {filters} {kw}")
    snap.close()


def test_map_precision_flag(conn):
    df = q.map_points(conn, q.Filters(), scope="city").set_index("event_id")
    assert df.loc["a1:i3", "precise"] == False  # noqa: E712  "eastern Aleppo": side centroid
    assert df.loc["a3:i1", "precise"] == True  # noqa: E712


def test_map_days(conn):
    assert q.map_days(conn, q.Filters(sides=("west",))) == [D(2016, 10, 11), D(2016, 10, 12)]


# ---------------------------------------------------------------- diplomacy

@pytest.mark.parametrize("filters, n_events, lanes", [
    (q.Filters(), 4, {"United States", "Russia", "United Nations", "France", "Spain"}),
    (q.Filters(date_from=D(2016, 10, 14)), 2, {"United States", "Russia", "United Nations"}),
    (q.Filters(dip_types=("call",)), 1, {"France", "Russia"}),
    (q.Filters(parties=("Spain",)), 1, {"Spain"}),
    (q.Filters(outlets=("SANA",)), 0, set()),
])
def test_diplomacy_lanes(conn, filters, n_events, lanes):
    df = q.diplomacy_lanes(conn, filters)
    assert df["event_id"].nunique() == n_events
    assert set(df["lane"]) == lanes
    assert len(q.diplomacy_events(conn, filters)) == n_events


# ---------------------------------------------------------------- articles and evidence

def test_articles_and_events(conn):
    arts = q.articles_list(conn, q.Filters())
    assert set(arts["article_id"]) == {"a1", "a2", "a3", "a4"}
    assert arts.set_index("article_id").loc["a1", "incidents"] == 4
    art = q.article(conn, "a1")
    ev = q.article_events(conn, "a1")
    assert len(ev) == 4 + 3
    for _, r in ev.iterrows():
        for s, e in r["spans"]:
            assert art["text"][s:e] == r["evidence"]
    assert q.article(conn, "nope") is None


@pytest.mark.parametrize("raw, spans", [
    ("[[1, 5], [7, 9]]", [(1, 5), (7, 9)]),
    ([[3, 4]], [(3, 4)]),
    (None, []),
    ("not json", []),
    ("[[5, 2], [\"x\", 1], [2]]", []),
])
def test_spans_parsing(raw, spans):
    assert q._spans(raw) == spans


def test_event_lookup(conn):
    assert q.event(conn, "a1:d2")["kind"] == "diplomacy"
    assert q.event(conn, "a1:i1")["killed"] == 8
    assert q.event(conn, "zzz") is None
    assert set(q.events_by_ids(conn, ["a1:i1", "a1:d1"])["event_id"]) == {"a1:i1", "a1:d1"}
    assert q.events_by_ids(conn, []).empty


def test_shown_hidden(conn):
    got = q.shown_hidden(conn, q.Filters(sides=("east",)))
    assert got == {"incidents_shown": 4, "incidents_total": 9, "diplomacy_shown": 4,
                   "diplomacy_total": 4, "articles_total": 4}


def test_filter_options(conn):
    o = q.filter_options(conn)
    assert (o["date_min"], o["date_max"]) == (D(2016, 10, 8), D(2016, 10, 20))
    assert o["actors"] == ["government", "rebels", "russia"]
    assert "Spain" in o["parties"]


def test_filter_values_are_parameters_not_sql(conn):
    evil = "x') OR TRUE; DROP TABLE incidents; --"
    got = q.headline_for(q.headline(conn, q.Filters(sides=(evil,), outlets=(evil,))), "all")
    assert got["incidents"] == 0
    assert q.shown_hidden(conn, q.Filters())["incidents_total"] == 9


# ---------------------------------------------------------------- export writers and briefing

def test_briefing_offline_same_figures(conn):
    from frontline.exports import briefing
    doc = briefing.build(conn, q.Filters(), generated=dt.datetime(2016, 11, 1, 12, 0))
    assert 'data-field="killed">35 <small>(35–46)</small>' in doc
    assert 'data-field="incidents">6<' in doc
    # plotly.js is inlined: no <script> tag loads anything from elsewhere
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        srcs: list = []

        def handle_starttag(self, tag, attrs):
            if dict(attrs).get("src") or dict(attrs).get("href", "").startswith("http"):
                self.srcs.append((tag, attrs))
    t = Tags()
    t.feed(doc)
    assert t.srcs == [] and len(doc) < 1_000_000 and "<script" not in doc
    assert "<svg" in doc and "<circle" in doc
    # every party's lane is labelled, and the deadliest events come with their sources
    for party in ("United States", "Russia", "United Nations", "France", "Spain"):
        assert f">{party}</text>" in doc, party
    assert "The 6 deadliest events" in doc and "Syrian Observatory for Human Rights" in doc
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc and "<img" not in doc
    east = briefing.build(conn, q.Filters(sides=("east",)))
    assert 'data-field="killed">19 <small>(19–26)</small>' in east


def test_exports(conn):
    import io

    import openpyxl
    from frontline.exports import acled, geojson, xlsx
    f = q.Filters()
    gj = json.loads(geojson.geojson(conn, f))
    assert len(gj["features"]) == 9
    assert gj["features"][0]["geometry"]["type"] == "Point"
    rows = acled.acled_from_frame(q.incidents(conn, f))
    assert list(rows.columns) == acled.ACLED_COLUMNS
    assert rows["fatalities"].sum() == 8 + 10 + 5 + 13 + 20 + 6 + 3      # implausible: 0
    row = rows.set_index("event_id_cnty").loc["SYR-FL-a1:i3"]
    assert (row["event_type"], row["sub_event_type"], row["inter1"]) == (
        "Explosions/Remote violence", "Air/drone strike", 1)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.xlsx(conn, f)))
    assert wb.sheetnames == ["headline", "incidents", "diplomacy"]
    assert wb["incidents"].max_row == 10


@pytest.mark.parametrize("value, cell", [("=1+1", "'=1+1"), ("plain", "plain"), ("-3 dead", "'-3 dead")])
def test_xlsx_formula_injection_neutralised(value, cell):
    import io

    import openpyxl
    import pandas as pd
    from frontline.exports.xlsx import xlsx_from_frames
    data = xlsx_from_frames(pd.DataFrame({"evidence": [value]}), pd.DataFrame({"x": [1]}))
    assert openpyxl.load_workbook(io.BytesIO(data))["incidents"]["A2"].value == cell


# ---------------------------------------------------------------- a clicked bar's events

@pytest.mark.parametrize("periods, freq, ids", [
    ([("2016-10-12", "west")], "day", ["a1:i1", "a2:i1"]),                 # c1, both reports
    ([("2016-10-13", "east")], "day", ["a1:i3", "a3:i1"]),                 # c2
    ([("2016-10-13", "west")], "day", []),
    ([("2016-10-15", "east")], "day", []),                                 # the implausible toll is no bar
    ([("2016-10-10", "west")], "week", ["a1:i2", "a1:i1", "a2:i1"]),       # week of Mon 10 Oct, day order
    ([("2016-10-20", "all")], "day", ["a4:i1", "a4:i2"]),
    ([("2016-10-11", None), ("2016-10-12", "west")], "day", ["a1:i2", "a1:i1", "a2:i1"]),
    ([("not a day", "east")], "day", []),
])
def test_period_event_ids(conn, periods, freq, ids):
    assert q.period_event_ids(conn, q.Filters(), periods, freq) == ids


def test_period_event_ids_follow_the_filters(conn):
    assert q.period_event_ids(conn, q.Filters(event_types=("clashes",)), [("2016-10-20", "all")]) == ["a4:i2"]
    assert q.period_event_ids(conn, q.Filters(outlets=("SANA",)), [("2016-10-12", "west")]) == ["a2:i1"]


def test_source_comparison_limit_keeps_largest_disagreement(conn):
    df = q.source_comparison(conn, q.Filters(), by="source", limit=1)
    assert set(df["fid"]) == {"c2"}                  # 13 against 20, where c1 is 8 against 10
    assert df["n_events"].iloc[0] == 2 and df["spread"].iloc[0] == 7


# ---------------------------------------------------------------- snapshot = store

FILTER_CASES = [
    q.Filters(), q.Filters(sides=("east",)), q.Filters(sides=("west", "outside")),
    q.Filters(date_from=D(2016, 10, 12), date_to=D(2016, 10, 13)), q.Filters(actors=("russia",)),
    q.Filters(event_types=("shelling",), actors=("rebels",)), q.Filters(outlets=("SANA",)),
    q.Filters(article_ids=("a1",), sides=("west",)), q.Filters(date_from=D(2017, 1, 1)),
]


@pytest.mark.parametrize("name, kw", [
    ("headline", {}), ("fused_events", {}), ("casualties", {"freq": "day"}), ("casualties", {"freq": "week"}),
    ("daily_killed", {}), ("source_comparison", {"by": "source"}), ("source_comparison", {"by": "outlet"}),
    ("source_totals", {}), ("map_points", {"scope": "all"}), ("map_days", {}), ("shown_hidden", {}),
    ("diplomacy_lanes", {}), ("incidents", {}), ("articles_list", {}),
])
def test_snapshot_gives_the_store_answers(conn, name, kw):
    snap = q.snapshot(conn)
    assert q.has_event_figures(snap) and not q.has_event_figures(conn)
    for f in FILTER_CASES:
        a, b = getattr(q, name)(conn, f, **kw), getattr(q, name)(snap, f, **kw)
        if isinstance(a, dict) or isinstance(a, list):
            assert a == b, (name, f)
        else:
            import pandas as pd
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                          check_dtype=False, obj=f"{name} {f}")
    assert "text" not in snap.execute("SELECT * FROM articles LIMIT 0").df().columns
    snap.close()


# ---------------------------------------------------------------- finding articles

@pytest.mark.parametrize("term, limit, expected", [
    ("", 50, {"a1", "a2", "a3", "a4"}),
    ("A1", 50, {"a1"}),
    ("no such words", 50, set()),
    ("", 2, 2),
])
def test_article_search(conn, term, limit, expected):
    got = q.article_search(conn, term, limit)
    if isinstance(expected, int):
        assert len(got) == expected
    else:
        assert set(got["article_id"]) == expected


def test_article_titles_and_paged_lists(conn):
    assert set(q.article_titles(conn, ["a1", "zz"])) == {"a1"}
    assert q.article_titles(conn, []) == {}
    page = q.articles_list(conn, q.Filters(), limit=2)
    assert len(page) == 2 and page["n_matching"].iloc[0] == 4
    one, two = q.incidents(conn, q.Filters(), limit=3), q.incidents(conn, q.Filters(), limit=3, offset=3)
    assert len(one) == 3 and not set(one["event_id"]) & set(two["event_id"])
    assert len(q.diplomacy_events(conn, q.Filters(), limit=2, offset=3)) == 1


# ------------------------------------------------------------------ the theatre and the period

@pytest.mark.parametrize("area, expected", [("aleppo", "aleppo"), ("syria", "syria"), ("", ""),
                                            ("nowhere", ""), ("ALEPPO", "aleppo")])
def test_area_round_trips_through_the_url(area, expected):
    f = q.Filters(area=area)
    assert f.area == expected
    assert q.Filters.from_query_params(f.to_query_params()) == f
    assert f.to_query_params().get("area", "") == expected


def test_area_keeps_the_city_and_the_governorate(conn):
    everything = q.headline_for(q.headline(conn, q.Filters()), "all")["incidents"]
    theatre = q.headline(conn, q.Filters(area="aleppo"))
    assert 0 < q.headline_for(theatre, "all")["incidents"] < everything
    # Damascus is not in the theatre; every side of the city is
    assert set(theatre["side"]) <= {"all", "east", "west", "city", "outside", "unknown"}
    for side in ("east", "west"):
        assert (q.headline_for(theatre, side)["incidents"]
                == q.headline_for(q.headline(conn, q.Filters()), side)["incidents"])


@pytest.mark.parametrize("months, share, expected", [
    ([(D(2016, 1, 1), 1), (D(2016, 7, 1), 10), (D(2016, 8, 1), 10), (D(2016, 9, 1), 10), (D(2017, 5, 1), 1)],
     0.75, (D(2016, 7, 1), D(2016, 9, 30), 30)),
    ([(D(2016, 10, 1), 5)], 0.75, (D(2016, 10, 1), D(2016, 10, 31), 5)),
    # a gap inside the run counts as months too
    ([(D(2016, 1, 1), 4), (D(2016, 3, 1), 4), (D(2016, 12, 1), 1)], 0.8, (D(2016, 1, 1), D(2016, 3, 31), 8)),
    ([], 0.75, (None, None, 0)),
])
def test_densest_months(months, share, expected):
    got = q.densest_months(months, share)
    assert (got["date_from"], got["date_to"], got["events"]) == expected


def test_undated_events_are_counted_at_their_report_date(conn):
    head = q.headline_for(q.headline(conn, q.Filters()), "all")
    ts = q.casualties(conn, q.Filters(), "month")
    assert int(ts["incidents"].sum()) + head["implausible"] >= head["incidents"]
    assert int(ts["killed"].sum()) == head["killed"]            # nothing drops off the time axis
    assert int(ts.loc[~ts["dated"], "incidents"].sum()) == head["undated"]


@pytest.mark.parametrize("a, b, freq", [(D(2016, 10, 1), D(2016, 10, 31), "day"),
                                        (D(2016, 1, 1), D(2016, 12, 31), "week"),
                                        (D(2011, 7, 1), D(2017, 12, 31), "month"), (None, None, "month")])
def test_auto_freq(a, b, freq):
    assert q.auto_freq(a, b) == freq
