"""The fast fusion gives exactly what the plain definitions give.

``fuse_incidents`` decides complete linkage on cluster summaries and skips checks
that cannot succeed; ``story_ids`` compares sorted shingle arrays. Both are checked
here against brute-force references -- the straightforward algorithms, kept in this
file -- on random small inputs (hypothesis), and the clusters are checked not to
depend on PYTHONHASHSEED.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import subprocess
import sys
import types
import zlib

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PROJECT_ROOT, cli_env
from frontline import store
from frontline.fusion import clusters as fusion
from frontline.fusion.clusters import FUSED_COLUMNS, _finder, _fused_row, _none, fuse_incidents, same_event
from frontline.fusion import store_fusion
from frontline.ingest import pipeline

# ---------------------------------------------------------------- references (brute force)


def reference_fuse_incidents(incidents: pd.DataFrame, stories=None):
    """Complete linkage checking ``same_event`` on every cross pair of reports, blocks day by day."""
    if incidents.empty:
        return pd.Series([], dtype="object", name="cluster_id"), pd.DataFrame(columns=FUSED_COLUMNS)
    rows = [{k: _none(v) for k, v in r.items()} for r in incidents.to_dict("records")]
    for r in rows:
        if r["day"] is not None and not hasattr(r["day"], "toordinal"):
            r["day"] = pd.Timestamp(r["day"]).date()
        elif r["day"] is not None and isinstance(r["day"], pd.Timestamp):
            r["day"] = r["day"].date()
    parent = list(range(len(rows)))
    find = _finder(parent)
    members_of = {i: [i] for i in range(len(rows))}
    blocks: dict = {}
    for i, r in enumerate(rows):
        if r["day"] is not None:
            blocks.setdefault((r["day"].toordinal(), r["side"]), []).append(i)
    for day, side in sorted(blocks, key=lambda k: (k[0], k[1] is not None, k[1] or "")):   # day by day
        members = blocks[(day, side)]
        partners = []
        for other_side in ((side, "city") if side != "city" else ("east", "west", "city", None)):
            partners += [(d, other_side) for d in (day, day + 1)]
        for key in partners:
            pool = blocks.get(key, [])
            for x in members:
                for y in pool:
                    if (key == (day, side) and y <= x) or find(x) == find(y):
                        continue
                    rx, ry = find(x), find(y)
                    if all(same_event(rows[a], rows[b]) for a in members_of[rx] for b in members_of[ry]):
                        parent[ry] = rx
                        members_of[rx] += members_of.pop(ry)
    groups: dict = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    cluster_of = [None] * len(rows)
    fused = []
    for members in groups.values():
        cid = "c:" + sorted(rows[i]["event_id"] for i in members)[0]
        for i in members:
            cluster_of[i] = cid
        fused.append(_fused_row(cid, [rows[i] for i in members], stories))
    return (pd.Series(cluster_of, index=incidents.index, name="cluster_id"),
            pd.DataFrame(fused, columns=FUSED_COLUMNS))


def reference_shingles(text, k=5) -> set:
    words = re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split()
    return {zlib.crc32(" ".join(words[i:i + k]).encode()) for i in range(max(0, len(words) - k + 1))}


def reference_story_ids(articles: pd.DataFrame, threshold: float = 0.8) -> pd.Series:
    ids = list(articles["article_id"])
    sets = [reference_shingles(t) for t in articles["text"]]
    parent = list(range(len(ids)))
    find = _finder(parent)
    buckets: dict = {}
    for i, sh in enumerate(sets):
        for h in sorted(sh)[:4]:
            buckets.setdefault(h, []).append(i)
    for members in buckets.values():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1:]:
                if find(a) == find(b):
                    continue
                sa, sb = sets[a], sets[b]
                if sa and sb and len(sa & sb) / min(len(sa), len(sb)) >= threshold:
                    parent[find(b)] = find(a)
    return pd.Series([ids[find(i)] for i in range(len(ids))], index=ids, name="story_id")


def assert_same_fusion(df, stories=None):
    got_ids, got = fuse_incidents(df, stories)
    want_ids, want = reference_fuse_incidents(df, stories)
    pd.testing.assert_series_equal(got_ids, want_ids)
    pd.testing.assert_frame_equal(got, want)
    return got_ids, got


# ---------------------------------------------------------------- random incidents

D0 = dt.date(2016, 10, 12)
SIDES = ["west", "east", "city", None, "outside"]
PRECISIONS = ["neighbourhood", "site", "town", "city", "side", None]
PLACES = ["hamdaniyah", "shaar", "midan", "aleppo", None]
TYPES = ["airstrike", "bombing", "shelling", "other", "clashes", "chemical"]
ACTORS = [None, "rebels", "government", "russia", "isis", "kurdish"]
OUTLETS = ["SANA", "Reuters", "SOHR", "AFP", None]


@st.composite
def incident_rows(draw, max_rows=24):
    n = draw(st.integers(0, max_rows))
    n_articles = draw(st.integers(1, max(1, n)))
    rows = []
    for i in range(n):
        article = draw(st.integers(0, n_articles - 1))
        offset = draw(st.one_of(st.none(), st.integers(0, 4)))
        killed = draw(st.one_of(st.none(), st.integers(0, 60)))
        rows.append(dict(
            event_id=f"a{article}:i{i}", article_id=f"a{article}", outlet=draw(st.sampled_from(OUTLETS)),
            day=None if offset is None else D0 + dt.timedelta(days=offset),
            event_type=draw(st.sampled_from(TYPES)), actor=draw(st.sampled_from(ACTORS)),
            side=draw(st.sampled_from(SIDES)), place_id=draw(st.sampled_from(PLACES)),
            geo_precision=draw(st.sampled_from(PRECISIONS)), location=draw(st.sampled_from(PLACES)),
            lat=draw(st.sampled_from([36.2, None])), lon=37.1, killed=killed,
            injured=draw(st.one_of(st.none(), st.integers(0, 30))),
            children_killed=draw(st.one_of(st.none(), st.integers(0, 9))),
            implausible=draw(st.booleans())))
    draw(st.randoms()).shuffle(rows)
    return rows


def frame(rows: list, days: str = "date") -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(incident_rows_columns()))
    if days == "datetime64":
        df["day"] = pd.to_datetime(df["day"])
    elif days == "datetime":                  # Python datetimes at odd hours (object column)
        df["day"] = pd.Series([None if d is None else dt.datetime(d.year, d.month, d.day, (7 * i) % 24)
                               for i, d in enumerate(df["day"])], dtype=object)
    return df


def incident_rows_columns():
    return ("event_id", "article_id", "outlet", "day", "event_type", "actor", "side", "place_id",
            "geo_precision", "location", "lat", "lon", "killed", "injured", "children_killed", "implausible")


FUSION_PROPERTY = settings(max_examples=300, deadline=None, derandomize=True,
                           suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUSION_PROPERTY
@given(rows=incident_rows(), days=st.sampled_from(["date", "datetime64", "datetime"]))
def test_fuse_incidents_equals_brute_force(rows, days):
    assert_same_fusion(frame(rows, days))


@FUSION_PROPERTY
@given(rows=incident_rows(max_rows=40))
def test_crowded_day_equals_brute_force(rows):
    """Everything on two days and one side: big clusters, many checks, joins in every order."""
    for r in rows:
        if r["day"] is not None:
            r["day"] = D0 + dt.timedelta(days=r["day"].toordinal() % 2)
        r["side"] = "west" if r["side"] in ("east", "outside") else r["side"]
    df = frame(rows)
    stories = pd.Series({f"a{i}": f"a{i // 2}" for i in range(40)})
    assert_same_fusion(df, stories)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bigger_random_sets_equal_brute_force(seed):
    assert_same_fusion(frame(random_rows(seed, 400)))


def random_rows(seed: int, n: int) -> list:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        article = rnd.randrange(n // 3)
        rows.append(dict(
            event_id=f"a{article:04d}:i{i}", article_id=f"a{article:04d}", outlet=rnd.choice(OUTLETS),
            day=None if rnd.random() < 0.1 else D0 + dt.timedelta(days=rnd.randrange(6)),
            event_type=rnd.choice(TYPES), actor=rnd.choice(ACTORS), side=rnd.choice(SIDES),
            place_id=rnd.choice(PLACES), geo_precision=rnd.choice(PRECISIONS), location=rnd.choice(PLACES),
            lat=36.2, lon=37.1, killed=rnd.choice([None, 1, 5, 12]), injured=None,
            children_killed=None, implausible=rnd.random() < 0.05))
    return rows


@pytest.mark.parametrize("a,b", [
    (dict(side="west", geo_precision="site", place_id="p", actor="rebels"),
     dict(side="city", geo_precision="site", place_id="p", actor="isis")),      # precise both: contested
    (dict(side="west", geo_precision="city", place_id="p", actor="rebels"),
     dict(side="west", geo_precision="site", place_id="q", actor="isis")),      # one vague: other actor
    (dict(event_type="airstrike", actor="government"), dict(event_type="bombing", actor="russia")),
    (dict(event_type="other", side=None), dict(event_type="chemical", side=None)),
])
def test_three_reports_join_only_when_every_pair_fits(a, b):
    base = dict(outlet="X", day=D0, event_type="shelling", actor=None, side="west", place_id="p",
                geo_precision="site", location="p", lat=1.0, lon=2.0, killed=3, injured=None,
                children_killed=None, implausible=False)
    rows = [dict(base, event_id="a:i0", article_id="a"), dict(base, event_id="b:i0", article_id="b", **a),
            dict(base, event_id="c:i0", article_id="c", **b)]
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2]):
        assert_same_fusion(frame([rows[i] for i in order]))


# ---------------------------------------------------------------- PYTHONHASHSEED

HASH_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from test_fusion_equivalence import frame, random_rows
from frontline.fusion.clusters import fuse_incidents
ids, fused = fuse_incidents(frame(random_rows({seed}, 300)))
print(hashlib.sha256((ids.to_json() + fused.to_json()).encode()).hexdigest())
"""


@pytest.mark.parametrize("seed", [4, 5])
def test_clusters_do_not_depend_on_hash_seed(seed):
    ids, fused = reference_fuse_incidents(frame(random_rows(seed, 300)))
    want = hashlib.sha256((ids.to_json() + fused.to_json()).encode()).hexdigest()
    script = HASH_SCRIPT.format(tests=str(PROJECT_ROOT / "tests"), seed=seed)
    for hash_seed in ("0", "1", "4242"):
        out = subprocess.run([sys.executable, "-c", script], env=cli_env(PYTHONHASHSEED=hash_seed),
                             capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
        assert out.stdout.strip() == want, hash_seed


# ---------------------------------------------------------------- stories

WORDS = ["rebels", "shelled", "the", "district", "of", "aleppo", "killed", "people", "on", "tuesday", "a",
         "monitor", "said", "air", "strikes", "hit", "east", "west", "12", "children"]


@st.composite
def texts(draw):
    base = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=40))
    n = draw(st.integers(1, 8))
    out = []
    for _ in range(n):
        words = list(base)
        for _ in range(draw(st.integers(0, 6))):               # light edits of one story
            if words and draw(st.booleans()):
                del words[draw(st.integers(0, len(words) - 1))]
            else:
                words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(WORDS)))
        punct = draw(st.sampled_from([" ", ", ", ". ", " -- ", "\n"]))
        out.append(draw(st.sampled_from(["", "Reuters: ", "İ K "])) + punct.join(words))
    return out


@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts=texts(), threshold=st.sampled_from([0.0, 0.5, 0.8, 0.95, 1.0]))
def test_story_ids_equal_brute_force(texts, threshold):
    arts = pd.DataFrame({"article_id": [f"s{i}" for i in range(len(texts))], "text": texts})
    want = reference_story_ids(arts, threshold)
    pd.testing.assert_series_equal(fusion.story_ids(arts, threshold), want)
    shingled = {a: fusion.shingle_array(t) for a, t in zip(arts["article_id"], arts["text"])}
    pd.testing.assert_series_equal(fusion.story_ids(arts.assign(text=None), threshold, shingled=shingled), want)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts=texts(), threshold=st.sampled_from([0.0, 0.5, 0.8, 0.95, 1.0]))
def test_one_story_is_story_ids_giving_one(texts, threshold):
    arts = pd.DataFrame({"article_id": [f"s{i}" for i in range(len(texts))], "text": texts})
    shingled = {a: fusion.shingle_array(t) for a, t in zip(arts["article_id"], arts["text"])}
    want = reference_story_ids(arts, threshold).nunique() == 1
    assert fusion.one_story(list(arts["article_id"]), shingled, threshold) == want


ONE_STORY = [          # (texts, all one story at 0.8), written for this test
    (["rockets hit the old city market at dawn killing four people and wounding many more"] * 3, True),
    (["rockets hit the old city market at dawn killing four people and wounding many more",
      "rockets hit the old city market at dawn killing four people and wounding many more (AFP)",
      "a convoy reached the eastern districts carrying flour and medicine for the besieged families"], False),
    (["rockets hit the old city market at dawn killing four people and wounding many more", ""], False),
    (["one two three four", "one two three four"], False),        # under five words: no shingles, no story
]


@pytest.mark.parametrize("texts, want", ONE_STORY)
def test_one_story_table(texts, want):
    shingled = {f"t{i}": fusion.shingle_array(t) for i, t in enumerate(texts)}
    assert fusion.one_story(sorted(shingled), shingled) is want


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=st.one_of(st.none(), st.text(max_size=200), texts().map(" ".join)))
def test_shingles_equal_brute_force(text):
    want = reference_shingles(text)
    assert fusion.shingles(text) == want
    assert fusion.shingle_array(text).tolist() == sorted(want)


# ---------------------------------------------------------------- the store's path

def test_story_windows_read_each_text_once_and_grade_alike(tmp_path, monkeypatch):
    """Stories per window from shingles kept across windows (texts read in batches) give the same
    fused events as reading each window's texts and calling a plain ``story_ids``."""
    from conftest import make_article
    from frontline import synthetic
    arts = list(synthetic.synthetic_articles(36, seed=7, pool=synthetic.builtin_pool()))
    for i in range(0, 18, 3):
        arts.append(make_article(f"copy{i}", arts[i].text + " (Reuters)", source="copy-outlet",
                                 published=arts[i].published))
    conn = store.connect(tmp_path / "s.duckdb")
    try:
        pipeline.ingest(conn, arts, fuse=False)
        monkeypatch.setattr(store_fusion, "STORY_WINDOW_ARTICLES", 6)
        monkeypatch.setattr(store_fusion, "STORY_FETCH_ARTICLES", 5)
        reads = []
        plain = types.SimpleNamespace(fuse_incidents=fusion.fuse_incidents,
                                      story_ids=lambda a: (reads.append(len(a)), reference_story_ids(a))[1])
        want = store_fusion.fuse_store(conn, plain)
        got = store_fusion.fuse_store(conn, fusion)
    finally:
        conn.close()
    assert len(reads) > 2                                     # several windows
    no_stories = fusion.fuse_incidents(got[0])[1]
    assert sorted(no_stories["grade"]) != sorted(got[2]["grade"])     # the copies matter: the test can fail
    pd.testing.assert_series_equal(got[1], want[1])
    pd.testing.assert_frame_equal(got[2], want[2])
