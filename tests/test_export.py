"""Exports: ingest → store → export (CSV, JSON) on a real DuckDB file, reviews applied."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import fake_extract
from frontline import exports, store
from frontline.queries import Filters
from frontline.ingest import pipeline


@pytest.fixture
def db(tmp_db, fake_articles):
    conn = store.connect(tmp_db)
    pipeline.ingest(conn, fake_articles, extract=fake_extract)
    store.record_review(conn, event_id="a1:i1", kind="incident", action="edit", field="killed",
                        new_value=9, who="ana")
    store.add_event(conn, "incident", {"event_type": "airstrike", "event_date": "2016-10-12", "killed": 2,
                                       "side": "east"}, who="ana", article_id="a3")
    yield conn
    conn.close()


def test_csv_round_trip(db, tmp_path):
    paths = exports.export_tables(db, tmp_path / "csv", "csv")
    assert sorted(p.name for p in paths) == sorted(f"{t}.csv" for t in exports.TABLES)
    inc = pd.read_csv(tmp_path / "csv" / "incidents.csv").set_index("event_id")
    assert inc.loc["a1:i1", "killed"] == 9                       # the reviewed value
    assert inc.loc["a3:ai1", "killed"] == 2                      # the added event
    assert inc.loc["a1:i1", "day"] == "2016-10-13"               # dates as ISO text
    dip = pd.read_csv(tmp_path / "csv" / "diplomacy.csv")
    assert dip["actors"].iloc[0] == "Russia; United States"
    arts = pd.read_csv(tmp_path / "csv" / "articles.csv")
    assert len(arts) == 3 and arts["published"].iloc[0] == "2016-10-13"
    assert len(pd.read_csv(tmp_path / "csv" / "claims.csv")) == 2


def test_json_round_trip(db, tmp_path):
    store.record_review(db, event_id="a2:i1", kind="incident", action="reject", who="ana")
    exports.export_tables(db, tmp_path / "json", "json")
    inc = json.loads((tmp_path / "json" / "incidents.json").read_text())
    by_id = {r["event_id"]: r for r in inc}
    assert set(by_id) == {"a1:i1", "a3:ai1"}                     # the rejected one is left out
    assert by_id["a1:i1"]["killed"] == 9 and by_id["a1:i1"]["day"] == "2016-10-13"
    assert by_id["a1:i1"]["injured"] is None
    dip = json.loads((tmp_path / "json" / "diplomacy.json").read_text())
    assert dip[0]["actors"] == ["Russia", "United States"]
    assert json.loads((tmp_path / "json" / "fused_incidents.json").read_text()) is not None


# articles: those with a selected incident or diplomatic event (diplomacy has no side)
@pytest.mark.parametrize("filters,incidents,articles", [
    (Filters(sides=("east",)), {"a2:i1", "a3:ai1"}, {"a1", "a2", "a3"}),
    (Filters(sides=("west",)), {"a1:i1"}, {"a1"}),
    (Filters(article_ids=("a2",)), {"a2:i1"}, {"a2"}),
    (Filters(date_from="2016-10-13"), {"a1:i1", "a2:i1"}, {"a1", "a2"}),
    (None, {"a1:i1", "a2:i1", "a3:ai1"}, {"a1", "a2", "a3"}),
])
def test_filters(db, tmp_path, filters, incidents, articles):
    exports.export_tables(db, tmp_path, "json", filters)
    got = {r["event_id"] for r in json.loads((tmp_path / "incidents.json").read_text())}
    assert got == incidents
    assert {r["article_id"] for r in json.loads((tmp_path / "articles.json").read_text())} == articles
    claims = {r["event_id"] for r in json.loads((tmp_path / "claims.json").read_text())}
    assert claims == incidents - {"a3:ai1"}


def test_unknown_format_and_bad_target(db, tmp_path):
    with pytest.raises(exports.ExportError, match="unknown export format"):
        exports.export_tables(db, tmp_path, "pdf")
    (tmp_path / "file").write_text("x")
    with pytest.raises(exports.ExportError, match="not a folder"):
        exports.export_tables(db, tmp_path / "file", "csv")


@pytest.mark.parametrize("value,expected", [
    (None, None), (float("nan"), None), (pd.NA, None), (pd.Timestamp("2016-10-13"), "2016-10-13"),
    (pd.Timestamp("2016-10-13 10:30"), "2016-10-13T10:30:00"), ([1, None], [1, None]), (3, 3),
])
def test_plain_value(value, expected):
    assert exports.common.plain_value(value) == expected
