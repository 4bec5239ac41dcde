"""Across articles: one attack reported by several outlets becomes one fused event.

Two per-article incidents are the same event when they happened on the same day or
the next (overnight), on the same side of the city, at the same place when both name
a precise one, with compatible types and perpetrators. The fused event keeps each
article's claim; its figures are low/best/high across claims (as UCDP codes them)
and it carries a grade in the spirit of Airwars': ``single source``,
``corroborated`` (two or more outlets telling separate stories), ``contested``
(sources blame different perpetrators).

Duplicate articles (the same wire story under two outlets or ids) are recognised
by ``story_ids``: they count as one story when grading.
"""
from __future__ import annotations

import re
import statistics
import zlib

import pandas as pd

GENERIC_TYPES = {"other", "clashes"}
ALLIED = {frozenset({"government", "russia"})}
PRECISE = {"neighbourhood", "site", "town"}
FUSED_COLUMNS = ["cluster_id", "day", "event_type", "actor", "side", "location", "lat", "lon",
                 "killed_low", "killed_best", "killed_high", "injured_low", "injured_best", "injured_high",
                 "children_killed", "n_articles", "n_outlets", "outlets", "grade", "event_ids"]


def _finder(parent: list):
    """The root-finding function of a union-find forest stored in ``parent`` (with path halving)."""
    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    return find


# ---------------------------------------------------------------- duplicate stories

def shingles(text: str, k: int = 5) -> set:
    words = re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split()
    return {zlib.crc32(" ".join(words[i:i + k]).encode()) for i in range(max(0, len(words) - k + 1))}


def story_ids(articles: pd.DataFrame, threshold: float = 0.8) -> pd.Series:
    """article_id -> story id; articles sharing >= ``threshold`` of their 5-word shingles are one story.

    Candidates are blocked by a few of their smallest shingle hashes (a MinHash-style
    band), so the comparison stays near-linear in the number of articles.
    """
    ids = list(articles["article_id"])
    sets = [shingles(t) for t in articles["text"]]
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


# ---------------------------------------------------------------- incident fusion

def _compatible_types(a: str, b: str) -> bool:
    return a == b or a in GENERIC_TYPES or b in GENERIC_TYPES or {a, b} == {"airstrike", "bombing"}


def _compatible_actors(a, b) -> bool:
    return a is None or b is None or a == b or frozenset({a, b}) in ALLIED


def same_event(a: dict, b: dict) -> bool:
    """Could two per-article incidents be the same attack? (pure; rows as dicts)"""
    if a["article_id"] == b["article_id"]:
        return False
    if a["day"] is None or b["day"] is None or abs((a["day"] - b["day"]).days) > 1:
        return False
    if a["side"] != b["side"] and "city" not in (a["side"], b["side"]):
        return False
    both_precise = a.get("geo_precision") in PRECISE and b.get("geo_precision") in PRECISE
    if both_precise and a["place_id"] != b["place_id"]:
        return False
    if not _compatible_types(a["event_type"], b["event_type"]):
        return False
    # sources that blame different perpetrators for the same strike on the same place: one contested event
    return _compatible_actors(a["actor"], b["actor"]) or both_precise


def _none(v):
    return None if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT else v


def fuse_incidents(incidents: pd.DataFrame, stories: pd.Series | None = None):
    """(cluster_id per row, fused events DataFrame) for the per-article incidents of the store.

    ``incidents`` needs event_id, article_id, outlet, day, event_type, actor, side, place_id,
    geo_precision, location, lat, lon, killed, injured, children_killed, implausible.
    """
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
    # block by (day, side): an incident is compared only with those of the same or the next day,
    # on the same side or of unknown side within the city
    blocks: dict = {}
    for i, r in enumerate(rows):
        if r["day"] is not None:
            blocks.setdefault((r["day"].toordinal(), r["side"]), []).append(i)
    for (day, side), members in blocks.items():
        partners = []
        # fixed orders throughout, so the clusters do not depend on PYTHONHASHSEED
        for other_side in ((side, "city") if side != "city" else ("east", "west", "city", None)):
            partners += [(d, other_side) for d in (day, day + 1)]
        for key in partners:
            pool = blocks.get(key, [])
            for x in members:
                for y in pool:
                    if (key == (day, side) and y <= x) or find(x) == find(y):
                        continue
                    rx, ry = find(x), find(y)
                    # complete linkage: every report of one cluster must fit every report of the other,
                    # so "west" and "east" never join through an "Aleppo" report that fits both
                    if all(same_event(rows[a], rows[b]) for a in members_of[rx] for b in members_of[ry]):
                        parent[ry] = rx
                        members_of[rx] += members_of.pop(ry)
    groups: dict = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    cluster_of = [None] * len(rows)
    fused = []
    for members in groups.values():
        ids = sorted(rows[i]["event_id"] for i in members)
        cid = "c:" + ids[0]
        for i in members:
            cluster_of[i] = cid
        fused.append(_fused_row(cid, [rows[i] for i in members], stories))
    cluster = pd.Series(cluster_of, index=incidents.index, name="cluster_id")
    return cluster, pd.DataFrame(fused, columns=FUSED_COLUMNS)


def _most_common(values: list):
    """The most frequent value; ties go to the first in sorted order (deterministic)."""
    return max(sorted(set(values), key=str), key=values.count)


def _figures(values):
    vals = [int(v) for v in values if v is not None]
    if not vals:
        return None, None, None
    return min(vals), int(round(statistics.median(vals))), max(vals)


def _fused_row(cid: str, members: list, stories) -> dict:
    members = sorted(members, key=lambda r: r["event_id"])
    precise = [r for r in members if r.get("geo_precision") in PRECISE] or members
    where = precise[0]
    actors = {r["actor"] for r in members if r["actor"]}
    sides = [r["side"] for r in members if r["side"] and r["side"] != "city"] or [r["side"] for r in members]
    types = [r["event_type"] for r in members if r["event_type"] not in GENERIC_TYPES] or \
        [r["event_type"] for r in members]
    days = sorted(r["day"] for r in members if r["day"] is not None)
    plausible = [r for r in members if not r.get("implausible")]
    k_low, k_best, k_high = _figures(r["killed"] for r in plausible)
    i_low, i_best, i_high = _figures(r["injured"] for r in plausible)
    children = [int(r["children_killed"]) for r in plausible if r["children_killed"] is not None]
    outlets = sorted({r["outlet"] or "" for r in members})
    story_keys = {stories.get(r["article_id"], r["article_id"]) if stories is not None else r["article_id"]
                  for r in members}
    if len(actors) > 1:
        grade = "contested"
    elif len(story_keys) >= 2 and len(outlets) >= 2:
        grade = "corroborated"
    else:
        grade = "single source"
    return {
        "cluster_id": cid, "day": days[0] if days else None,
        "event_type": _most_common(types),
        "actor": sorted(actors)[0] if len(actors) == 1 else ("/".join(sorted(actors)) if actors else None),
        "side": _most_common(sides) if sides else None,
        "location": where["location"], "lat": where["lat"], "lon": where["lon"],
        "killed_low": k_low, "killed_best": k_best, "killed_high": k_high,
        "injured_low": i_low, "injured_best": i_best, "injured_high": i_high,
        "children_killed": max(children) if children else None,
        "n_articles": len({r["article_id"] for r in members}), "n_outlets": len(outlets),
        "outlets": ", ".join(o for o in outlets if o), "grade": grade,
        "event_ids": ",".join(r["event_id"] for r in members),
    }
