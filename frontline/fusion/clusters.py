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

import datetime as dt
import re
import statistics
import zlib
from itertools import accumulate

import numpy as np
import pandas as pd

# fuse_incidents visits the reports day by day and can resume from seeds (frontline.fusion.store_fusion)
RESUMABLE = True
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

_WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str, k: int = 5) -> set:
    """CRC-32s of the ``k``-word runs of the text, lower-cased, words being runs of [a-z0-9]."""
    words = _WORD.findall((text or "").lower())
    if len(words) < k:
        return set()
    # the run of words i..i+k-1 is joined[start[i]:start[i+k] - 1]: one slice and no join per shingle
    joined = memoryview(" ".join(words).encode())
    start = list(accumulate([len(w) + 1 for w in words], initial=0))
    crc = zlib.crc32
    return {crc(joined[a:b - 1]) for a, b in zip(start, start[k:])}


def shingle_array(text: str, k: int = 5) -> np.ndarray:
    """``shingles(text)`` as a sorted uint32 array: ~1.6 kB for a 400-word article (the set: ~25 kB)."""
    sh = shingles(text, k)
    array = np.fromiter(sh, dtype=np.uint32, count=len(sh))
    array.sort()
    return array


def story_ids(articles: pd.DataFrame, threshold: float = 0.8, shingled: dict | None = None) -> pd.Series:
    """article_id -> story id; articles sharing >= ``threshold`` of their 5-word shingles are one story.

    Candidates are blocked by a few of their smallest shingle hashes (a MinHash-style
    band), so the comparison stays near-linear in the number of articles.
    ``shingled`` (article_id -> its ``shingle_array``) spares computing them again
    for the articles it has; their text is not read.
    """
    ids = list(articles["article_id"])
    shingled = shingled or {}
    arrays = [shingled[i] if i in shingled else shingle_array(t) for i, t in zip(ids, articles["text"])]
    find, _ = _story_forest(arrays, threshold)
    return pd.Series([ids[find(i)] for i in range(len(ids))], index=ids, name="story_id")


def one_story(ids: list, shingled: dict, threshold: float = 0.8) -> bool:
    """Whether ``story_ids`` puts the articles ``ids`` (each with its ``shingle_array`` in ``shingled``) all
    in one story -- the one case where stories change the grade of an event told by several articles.

    Stories join articles through similar pairs among those sharing a band hash, so where the
    pairs sharing one do not link every article no similarity is computed at all; else the pairs
    are compared as ``story_ids`` does, until every article is joined."""
    arrays = [shingled[i] for i in ids]
    if len(arrays) <= 1:
        return True
    parent = list(range(len(arrays)))
    find = _finder(parent)
    joined = 1
    for members in _bands(arrays).values():
        for b in members[1:]:
            ra, rb = find(members[0]), find(b)
            if ra != rb:
                parent[rb] = ra
                joined += 1
    if joined < len(arrays):
        return False                     # an article shares no band hash with the others: a story of its own
    _, components = _story_forest(arrays, threshold, stop_at_one=True)
    return components == 1


def _bands(arrays: list) -> dict:
    """hash -> the articles (positions) that hold it among their four smallest shingle hashes, in order."""
    buckets: dict = {}
    for i, sh in enumerate(arrays):
        for h in sh[:4].tolist():
            buckets.setdefault(h, []).append(i)
    return buckets


def _story_forest(arrays: list, threshold: float, stop_at_one: bool = False) -> tuple:
    """(root-finding function, number of stories) of the union-find of ``story_ids`` over shingle arrays;
    ``stop_at_one``: stop comparing once every article is in one story."""
    parent = list(range(len(arrays)))
    find = _finder(parent)
    components = len(arrays)

    def similar(a, b) -> bool:
        """len(sa & sb) / min(len(sa), len(sb)) >= threshold for the shingle sets sa, sb (not empty)."""
        small, big = (arrays[a], arrays[b]) if len(arrays[a]) <= len(arrays[b]) else (arrays[b], arrays[a])
        m, n = len(small), len(big)
        # most candidates share a phrase or so: the first of the smaller one's shingles missing from
        # the other already bound the overlap below the threshold
        for part in (small[:int(m * (1 - threshold)) + 9], small):
            at = big.searchsorted(part)
            at[at == n] = n - 1
            shared = int(np.count_nonzero(big[at] == part))
            if (m - len(part) + shared) / m < threshold:
                return False
        return True

    for members in _bands(arrays).values():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1:]:
                if find(a) == find(b):
                    continue
                if len(arrays[a]) and len(arrays[b]) and similar(a, b):
                    parent[find(b)] = find(a)
                    components -= 1
                    if stop_at_one and components == 1:
                        return find, components
    return find, components


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


class _Summary:
    """What complete linkage needs to know of a cluster's reports.

    ``same_event`` holds for every cross pair of two clusters exactly when it holds
    for every pair of the few distinct values below (see ``_fits``): articles,
    first/last day, sides other than "city", place ids of the precise reports,
    specific (non-generic) types, and actors of the precise and of the vague reports.
    """
    __slots__ = ("articles", "lo", "hi", "sides", "places", "types", "actors_precise", "actors_vague")

    def __init__(self, cols: dict, i: int, one):
        """Of row i alone; ``one(v)`` is ``frozenset((v,))``, the same object for equal values."""
        self.articles = one(cols["article_id"][i])
        self.lo = self.hi = cols["day"][i]
        side, kind, actor = cols["side"][i], cols["event_type"][i], cols["actor"][i]
        precise = "geo_precision" in cols and cols["geo_precision"][i] in PRECISE
        self.sides = _EMPTY if side == "city" else one(side)
        self.places = one(cols["place_id"][i]) if precise else _EMPTY
        self.types = _EMPTY if kind in GENERIC_TYPES else one(kind)
        actors = _EMPTY if actor is None else one(actor)
        self.actors_precise, self.actors_vague = (actors, _EMPTY) if precise else (_EMPTY, actors)

    def absorb(self, other: "_Summary") -> None:
        mine, theirs = self.articles, other.articles
        if len(mine) < len(theirs):
            mine, theirs = theirs, mine
        if type(mine) is frozenset:              # a shared one: grow a copy
            mine = set(mine)
        mine |= theirs
        self.articles = mine
        self.lo, self.hi = min(self.lo, other.lo), max(self.hi, other.hi)
        self.sides |= other.sides
        self.places |= other.places
        self.types |= other.types
        self.actors_precise |= other.actors_precise
        self.actors_vague |= other.actors_vague


_EMPTY = frozenset()


def _all_equal(xs, ys) -> bool:
    """``x == y`` for every x in xs and y in ys (sets of hashable values)."""
    return not xs or not ys or (len(xs) == 1 and xs == ys)


def _fits(x: _Summary, y: _Summary) -> bool:
    """``same_event(a, b)`` for every report a of cluster x and b of cluster y (all dated)."""
    # days: abs((a - b).days) <= 1 for all pairs, i.e. at the extremes (timedelta.days is monotone)
    if (x.lo - y.hi).days < -1 or (x.hi - y.lo).days > 1:
        return False
    # sides: equal unless one is "city"
    if not _all_equal(x.sides, y.sides):
        return False
    # places: equal when both reports are precise
    if not _all_equal(x.places, y.places):
        return False
    if x.types and y.types and not all(_compatible_types(a, b) for a in x.types for b in y.types):
        return False
    # actors: compatible unless both reports are precise
    if x.actors_vague and not all(_compatible_actors(a, b) for a in x.actors_vague
                                  for b in (y.actors_vague | y.actors_precise)):
        return False
    if y.actors_vague and not all(_compatible_actors(a, b) for a in x.actors_precise for b in y.actors_vague):
        return False
    return x.articles.isdisjoint(y.articles)


class _Codes:
    """Small integer codes of what ``same_event`` compares, per row, to filter a pool at once.

    ``fitting(x, pool)`` keeps the rows of ``pool`` (an array of row numbers) whose
    every pair with a report of cluster ``x`` passes the side, place, type, actor
    (and, for plain dates, day) tests of ``same_event``; a dropped row's cluster
    cannot fit ``x`` or any cluster grown from it.
    """
    CITY = VAGUE = -1

    def __init__(self, cols: dict, n: int):
        self.side = np.full(n, self.CITY, dtype=np.int32)
        self.place = np.full(n, self.VAGUE, dtype=np.int32)
        self.kind = np.zeros(n, dtype=np.int32)
        self.actor = np.zeros(n, dtype=np.int32)
        self.day = np.zeros(n, dtype=np.int64)
        self.sides, self.places, self.kinds, self.actors = {}, {}, {}, {None: 0}
        plain_days = True
        precision = cols.get("geo_precision") or [None] * n
        for i, (day, side, precise, kind, actor) in enumerate(zip(cols["day"], cols["side"], precision,
                                                                  cols["event_type"], cols["actor"])):
            if day is None:
                continue
            plain_days = plain_days and type(day) is dt.date
            self.day[i] = day.toordinal()
            if side != "city":
                self.side[i] = self.sides.setdefault(side, len(self.sides))
            if precise in PRECISE:
                self.place[i] = self.places.setdefault(cols["place_id"][i], len(self.places))
            self.kind[i] = self.kinds.setdefault(kind, len(self.kinds))
            self.actor[i] = self.actors.setdefault(actor, len(self.actors))
        # timedelta.days of datetimes is not the difference of their ordinals: no day filter then
        self.plain_days = plain_days
        kinds, actors = list(self.kinds), list(self.actors)
        self.kind_ok = np.array([[_compatible_types(a, b) for b in kinds] for a in kinds], dtype=bool).reshape(
            len(kinds), len(kinds))
        self.actor_ok = np.array([[_compatible_actors(a, b) for b in actors] for a in actors], dtype=bool)
        self._allowed: dict = {}

    def _all_ok(self, table, codes, values):
        key = (id(table), values)
        ok = self._allowed.get(key)
        if ok is None:
            ok = self._allowed[key] = np.logical_and.reduce(table[[codes[v] for v in values]], axis=0)
        return ok

    def of(self, pool) -> tuple:
        """The codes of the rows of ``pool``, for ``fitting``."""
        return self.side[pool], self.place[pool], self.kind[pool], self.actor[pool], self.day[pool]

    def fitting(self, x: _Summary, pool_codes: tuple):
        """Which rows of a pool (given by ``of(pool)``) may fit cluster x: a mask, or None for all."""
        side, place, kind, actor, day = pool_codes
        keep = None
        if x.sides:
            keep = side == self.CITY
            if len(x.sides) == 1:
                keep |= side == self.sides[next(iter(x.sides))]
        if x.places:
            ok = place == self.VAGUE
            if len(x.places) == 1:
                ok |= place == self.places[next(iter(x.places))]
            keep = ok if keep is None else keep & ok
        if x.types:
            ok = self._all_ok(self.kind_ok, self.kinds, x.types)[kind]
            keep = ok if keep is None else keep & ok
        if x.actors_vague or x.actors_precise:
            # a vague x report needs a compatible actor from every y report, a precise one from vague y reports
            any_y = self._all_ok(self.actor_ok, self.actors, x.actors_vague) if x.actors_vague else None
            vague_y = self._all_ok(self.actor_ok, self.actors, x.actors_precise) if x.actors_precise else None
            if vague_y is not None:
                ok = vague_y[actor] | (place != self.VAGUE)
                if any_y is not None:
                    ok &= any_y[actor]
            else:
                ok = any_y[actor]
            keep = ok if keep is None else keep & ok
        if self.plain_days:
            ok = (day <= x.lo.toordinal() + 1) & (day >= x.hi.toordinal() - 1)
            keep = ok if keep is None else keep & ok
        return keep


def _block_order(key: tuple) -> tuple:
    """Sort key of a (day ordinal, side) block: by day, then side (None first)."""
    day, side = key
    return day, side is not None, side or ""


def _clusters(cols: dict, n: int, seeds: list | None = None, first_day: int | None = None,
              record: dict | None = None, last_day: int | None = None) -> list:
    """Complete-linkage clusters of the ``n`` rows of ``cols`` (name -> values): the row naming each row's cluster.

    Candidate pairs (x, y) are visited in a fixed order (see below) and x's and
    y's clusters join when every report of one is ``same_event`` with every
    report of the other. A failed check stays failed as clusters grow, which
    keeps this fast without changing the result: for one x, each other cluster
    of a pool is checked once, at its first report in the pool (later ones give
    the same answer); clusters with a report that cannot fit x's cluster are
    not checked at all (``_Codes.fitting``); nor is a pair of clusters that
    failed before, nor x when its cluster already went through the pool. The
    check itself is made on cluster summaries (``_fits``).

    Resuming (:mod:`frontline.fusion.store_fusion`): ``seeds`` (a key per row, or
    None) joins the rows of equal keys before anything else, and blocks of days
    before ``first_day`` (an ordinal) are not visited, nor those after ``last_day`` (the
    clusters of the reports of later days are then unfinished). ``record`` (a dict) gets,
    per row, ``seed``: the first event_id of the row's cluster when the blocks of
    its day began, and ``seed_next``: the same when those of the next day began,
    if the cluster then held a report of that day. With ``last_day``, the reports of the day
    after it are noted too, as that day would begin: fusion can go on from there.
    """
    # block by (day, side): an incident is compared only with those of the same or the next day,
    # on the same side or of unknown side within the city
    blocks: dict = {}
    for i, (day, side) in enumerate(zip(cols["day"], cols["side"])):
        if day is not None:
            blocks.setdefault((day.toordinal(), side), []).append(i)
    arrays = {key: np.array(members, dtype=np.int64) for key, members in blocks.items()}
    codes = _Codes(cols, n)
    codes_of: dict = {}                        # block -> the codes of its rows
    label = np.arange(n, dtype=np.int64)      # the cluster of each row, named by one of its rows
    members_of: dict = {}                      # label -> rows, for clusters of two or more
    summary: dict = {}                         # label -> _Summary, made when first needed
    failed: set = set()                        # x label * n + y label, for the checks that failed
    singletons: dict = {}

    def one(value):
        s = singletons.get(value)
        if s is None:
            s = singletons[value] = frozenset((value,))
        return s
    done: set = set()                          # clusters that went through the current pool

    def summary_of(lab):
        s = summary.get(lab)
        if s is None:
            s = summary[lab] = _Summary(cols, lab, one)
        return s

    def join(lx, ly):
        """Join clusters lx and ly (relabelling the smaller); returns the joint label."""
        mx, my = members_of.get(lx) or [lx], members_of.get(ly) or [ly]
        if len(mx) < len(my):
            lx, ly, mx, my = ly, lx, my, mx
        summary_of(lx).absorb(summary_of(ly))
        del summary[ly]
        label[my] = lx
        mx += my
        members_of[lx] = mx
        members_of.pop(ly, None)
        if ly in done:
            done.add(lx)
        return lx

    # blocks in order of day (then side): every block of a day is done before any of the next, so
    # a day that no event straddles cuts the clustering in two independent halves
    # (frontline.fusion.store_fusion fuses again only the part between two such days)
    event_id = cols["event_id"]
    if seeds is not None:
        seeded: dict = {}
        for i, key in enumerate(seeds):
            if key is not None:
                seeded.setdefault(key, []).append(i)
        for rows in seeded.values():
            lx = int(label[rows[0]])
            for r in rows[1:]:
                if int(label[r]) != lx:
                    lx = join(lx, int(label[r]))
    if record is not None:
        record["seed"], record["seed_next"] = [None] * n, [None] * n
        rows_of_day: dict = {}
        for (d, _), members in blocks.items():
            rows_of_day.setdefault(d, []).extend(members)
        ordinal = [None if d is None else d.toordinal() for d in cols["day"]]

    def note_day(d):
        """Record where the clusters stand as the blocks of day ``d`` begin."""
        first: dict = {}
        for r in rows_of_day[d]:
            lab = int(label[r])
            cid = first.get(lab)
            if cid is None:
                group = members_of.get(lab) or [lab]
                cid = first[lab] = min(event_id[m] for m in group)
                for m in group:
                    if ordinal[m] == d - 1:
                        record["seed_next"][m] = cid
            record["seed"][r] = cid

    current = None
    for day, side in sorted(blocks, key=_block_order):
        if first_day is not None and day < first_day:
            continue
        if last_day is not None and day > last_day:
            break
        if record is not None and day != current:
            current = day
            note_day(day)
        members = blocks[(day, side)]
        partners = []
        # fixed orders throughout, so the clusters do not depend on PYTHONHASHSEED
        for other_side in ((side, "city") if side != "city" else ("east", "west", "city", None)):
            partners += [(d, other_side) for d in (day, day + 1)]
        for key in partners:
            pool = arrays.get(key)
            if pool is None:
                continue
            own = key == (day, side)
            pool_codes = codes_of.get(key)
            if pool_codes is None:
                pool_codes = codes_of[key] = codes.of(pool)
            # once x's cluster went through the pool, every cluster there had joined it or failed to:
            # a later report of it (or of a cluster that took it in) can only fail again
            done.clear()
            for pos, x in enumerate(members):
                lx = int(label[x])
                if lx in done:
                    continue
                done.add(lx)
                if own and pos + 1 == len(pool):
                    continue
                keep = codes.fitting(summary_of(lx), pool_codes)
                if own:
                    candidates = pool[pos + 1:] if keep is None else pool[pos + 1:][keep[pos + 1:]]
                else:
                    candidates = pool if keep is None else pool[keep]
                # the pool's clusters in the order of their first report (after x's in its own block)
                firsts = list(dict.fromkeys(label[candidates].tolist()))
                if not firsts or firsts == [lx]:
                    continue
                mine = {lx}                    # labels now part of x's cluster
                for ly in firsts:
                    if ly in mine or lx * n + ly in failed:
                        continue
                    # complete linkage: every report of one cluster must fit every report of the other,
                    # so "west" and "east" never join through an "Aleppo" report that fits both
                    if _fits(summary_of(lx), summary_of(ly)):
                        lx = join(lx, ly)
                        mine.add(lx)
                        mine.add(ly)
                    else:
                        failed.add(lx * n + ly)   # oriented: same_event(a, b) takes a from x's cluster
    if record is not None and last_day is not None and last_day + 1 in rows_of_day:
        note_day(last_day + 1)                 # where they stand as the next day would begin: to go on from there
    return label.tolist()


def _columns(incidents: pd.DataFrame) -> dict:
    """name -> list of the column's values as ``incidents.to_dict("records")`` gives them, missing ones
    None, and days as dates."""
    cols = {}
    for name in incidents.columns:
        column = incidents[name]
        values = column.tolist()
        missing = column.isna().to_numpy()
        for i in np.flatnonzero(missing).tolist():    # None, NaN, pd.NA, NaT: what ``_none`` makes None
            values[i] = None
        cols[name] = values
    days = cols["day"]
    for i, day in enumerate(days):
        if day is not None and not hasattr(day, "toordinal"):
            days[i] = pd.Timestamp(day).date()
        elif day is not None and isinstance(day, pd.Timestamp):
            days[i] = day.date()
    return cols


def fuse_incidents(incidents: pd.DataFrame, stories: pd.Series | None = None, *, seeds: list | None = None,
                   first_day: int | None = None, record: dict | None = None, last_day: int | None = None,
                   events: bool = True):
    """(cluster_id per row, fused events DataFrame) for the per-article incidents of the store.

    ``incidents`` needs event_id, article_id, outlet, day, event_type, actor, side, place_id,
    geo_precision, location, lat, lon, killed, injured, children_killed, implausible.
    ``seeds``, ``first_day``, ``last_day`` and ``record`` resume a fusion and note where it stands
    day by day (see ``_clusters``). ``events=False`` gives the cluster ids alone (the fused
    events are then None): fusing again a part of the store needs the events of the clusters
    that changed only, made afterwards by fusing their reports with their cluster ids as seeds.
    """
    if incidents.empty:
        if record is not None:
            record["seed"], record["seed_next"] = [], []
        return pd.Series([], dtype="object", name="cluster_id"), pd.DataFrame(columns=FUSED_COLUMNS)
    cols = _columns(incidents)
    n = len(incidents)
    root = _clusters(cols, n, seeds, first_day, record, last_day)
    groups: dict = {}
    for i in range(n):
        groups.setdefault(root[i], []).append(i)
    cluster_of = [None] * n
    fused = []
    names, values = list(cols), list(cols.values())
    event_id = cols["event_id"]
    for members in groups.values():
        cid = "c:" + min(event_id[i] for i in members)
        for i in members:
            cluster_of[i] = cid
        if not events:
            continue
        # each report as a dict, made here for its event only (all at once they take ~1 kB a row)
        fused.append(_fused_row(cid, [dict(zip(names, [v[i] for v in values])) for i in members], stories))
    cluster = pd.Series(cluster_of, index=incidents.index, name="cluster_id")
    return cluster, (pd.DataFrame(fused, columns=FUSED_COLUMNS) if events else None)


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
