"""Fusion over the store: the stored incidents read for :mod:`frontline.fusion.clusters`, fused
(in parts, stories by windows of days) and written back, and the fusion an interrupted ingest left."""
from __future__ import annotations

from typing import Optional

from ..store.errors import _retrying, rollback
from ..store.schema import SCHEMA, _q
from ..store.writing import _set_fusion_pending, fusion_pending


def _as_list(v) -> Optional[list]:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, str):
        return [x.strip() for x in v.split(",") if x.strip()]
    return [str(x) for x in v]


# incident columns frontline.fusion.clusters.fuse_incidents documents needing; the long texts are never read
# back for fusion (at 100k articles a full-width frame of incidents as dicts costs ~1 GB)
FUSION_COLUMNS = ("event_id", "article_id", "outlet", "day", "event_type", "actor", "side", "place_id",
                  "geo_precision", "location", "lat", "lon", "killed", "injured", "children_killed",
                  "implausible")
_NOT_FOR_FUSION = ("evidence", "evidence_spans")


def _fusion_frame(conn, fusion, full: bool = False, where: str = "TRUE", params: Optional[list] = None):
    """The incidents fusion reads, text columns as Python objects, equal strings shared.

    ``where`` (SQL over the incidents, with ``params``) reads a part of them only.
    ``fuse_incidents`` turns the frame into one dict per row; from pandas' Arrow-backed
    strings every cell would become a new str object (~60 bytes each, ~150 MB at 300k
    incidents); from object columns of shared strings the dicts point at the same few.
    """
    import pandas as pd
    cols = getattr(fusion, "FUSION_INPUT_COLUMNS", None) or FUSION_COLUMNS
    if full:
        cols = [n for n, _, _ in SCHEMA["incidents"] if n not in _NOT_FOR_FUSION]
    df = conn.execute(f"SELECT {', '.join(_q(c) for c in cols)} FROM incidents WHERE {where} ORDER BY event_id",
                      params or []).df()
    for c in df.columns:
        if isinstance(df[c].dtype, pd.StringDtype) or df[c].dtype == object:
            shared: dict = {}
            df[c] = pd.Series([shared.setdefault(v, v) if isinstance(v, str) else None
                               for v in df[c].tolist()], index=df.index, dtype=object)
    return df


STORY_WINDOW_ARTICLES = 2000
TEXT_LOOKUP = 500               # fewer articles than this: looked up by key


def _texts(conn, ids: list) -> list:
    """(article_id, text) of the articles ``ids`` (the ones stored).

    A semi-join on a list reads the whole text column (~100 MB of buffers at 100,000
    articles) -- right for the thousands of texts a large ingest reads, not for the few
    an ingest of one article needs: a short list of constants is looked up by key.
    """
    if len(ids) <= TEXT_LOOKUP:
        return conn.execute(f"SELECT article_id, text FROM articles WHERE article_id IN "
                            f"({', '.join('?' * len(ids))})", list(ids)).fetchall() if ids else []
    return conn.execute("SELECT article_id, text FROM articles WHERE article_id IN "
                        "(SELECT unnest(?::VARCHAR[]))", [list(ids)]).fetchall()
STORY_FETCH_ARTICLES = 10_000


def _window_stories(conn, fusion, members):
    """(window, its rows of ``members``, ``fusion.story_ids`` of its articles, a function telling
    whether ``fusion.story_ids`` of some of them puts them all in one story) for each window in order.

    An article often reports events of several windows. With a ``fusion`` that
    takes its ``shingle_array`` back (``story_ids(..., shingled=)``), each article's
    text is read once -- for the windows of about ``STORY_FETCH_ARTICLES`` new
    articles at a time -- and its shingles are kept, as a small array, until its
    last window. Articles missing from the table are left out, as the query does.
    """
    import inspect

    import pandas as pd
    windows = members.groupby("window", sort=True)
    if not (hasattr(fusion, "shingle_array") and "shingled" in inspect.signature(fusion.story_ids).parameters):
        for w, rows in windows:
            ids = sorted(set(rows["article_id"]))
            arts = conn.execute("SELECT article_id, text FROM articles WHERE list_contains(?::VARCHAR[], "
                                "article_id) ORDER BY article_id", [ids]).df()
            yield w, rows, fusion.story_ids(arts), (lambda some, arts=arts: fusion.story_ids(
                arts[arts["article_id"].isin(some)].reset_index(drop=True)).nunique() == 1)
        return
    span = members.groupby("article_id")["window"].agg(["min", "max"])
    last = span["max"].to_dict()
    new_in = span.groupby("min").groups                  # window -> the articles it reports first
    order = sorted(windows.groups)
    shingled: dict = {}                                  # article -> its shingles, as uint32
    unread = 0                                           # the first window of ``order`` not read yet
    for at, (w, rows) in enumerate(windows):
        if at == unread:
            ids = []
            while unread < len(order) and len(ids) < STORY_FETCH_ARTICLES:
                ids += list(new_in.get(order[unread], ()))
                unread += 1
            for aid, text in _texts(conn, ids):
                shingled[aid] = fusion.shingle_array(text)
        ids = sorted(a for a in set(rows["article_id"]) if a in shingled)
        arts = pd.DataFrame({"article_id": pd.Series(ids, dtype=object), "text": None})
        mine = {a: shingled[a] for a in ids}
        if hasattr(fusion, "one_story"):
            def one(some, mine=mine):
                return fusion.one_story(list(some), mine)
        else:
            def one(some, mine=mine):
                return fusion.story_ids(pd.DataFrame({"article_id": pd.Series(list(some), dtype=object),
                                                      "text": None}),
                                        shingled={a: mine[a] for a in some}).nunique() == 1
        yield w, rows, fusion.story_ids(arts, shingled=mine), one
        for a in ids:
            if last[a] == w:
                del shingled[a]


def _story_corrections(conn, fusion, df, cluster_ids, fused, window_articles: Optional[int] = None):
    """Fused rows regraded with the duplicate stories among the reports of each multi-article event.

    Two reports of one event count as one story when their articles share a
    story (``fusion.story_ids``) *among that event's articles*: an event's
    grade depends on its own articles only, so fusing again a part of the
    store (:func:`refresh_fusion`) grades its events exactly as fusing the
    whole store does.

    ``fusion.story_ids`` over every article at once holds ~25 kB of shingles per
    article (2.4 GB at 100k articles). Stories only change the grade of a fused
    event reported by two or more articles of two or more outlets (one wire copy
    under two outlets is not corroboration), so shingles are computed for the
    articles of those events only, in windows of consecutive days of about
    ``window_articles`` articles. Stories over a window join at least the
    articles that stories over one event's articles join, so only the events
    whose articles are all one story in their window are looked at again, each
    with the stories among its own articles, and fused again -- by
    ``fuse_incidents`` itself -- when its articles are all one story (``fusion.one_story``):
    with two stories or more, it is graded as its articles grade it.
    A contested event (sources blaming different perpetrators) is contested whatever its
    stories: its articles are not read. Returns ``fused``, corrected.
    """
    import pandas as pd
    window_articles = window_articles or STORY_WINDOW_ARTICLES
    cid_of_row = cluster_ids.reindex(df.index)
    members = pd.DataFrame({"cluster_id": cid_of_row.astype(object).to_numpy(),
                            "article_id": df["article_id"].astype(object).to_numpy(),
                            "outlet": df["outlet"].astype(object).fillna("").to_numpy(),
                            "day": pd.to_datetime(df["day"]).to_numpy()})
    members = members[members["cluster_id"].notna()].drop_duplicates(["cluster_id", "article_id"])
    by_cluster = members.groupby("cluster_id")
    several = (by_cluster["article_id"].transform("size") >= 2) & (by_cluster["outlet"].transform("nunique") >= 2)
    # sources blaming different perpetrators make an event contested, whatever stories they tell
    contested = set(fused.loc[fused["grade"] == "contested", "cluster_id"]) if "grade" in fused.columns else set()
    members = members[several & ~members["cluster_id"].isin(contested)]
    if members.empty:
        return fused
    # every report of a cluster goes to the window of the cluster's first day
    members["cday"] = members.groupby("cluster_id")["day"].transform("min")
    per_day = members.groupby("cday", dropna=False)["article_id"].nunique().sort_index()
    window_of_day, window, size = {}, 0, 0
    for day, n in per_day.items():
        if size and size + n > window_articles:
            window, size = window + 1, 0
        window_of_day[day] = window
        size += n
    members["window"] = members["cday"].map(window_of_day)
    stories_of: dict = {}                                # cluster -> article -> story among its articles
    for w, rows, stories, one_story_among in _window_stories(conn, fusion, members):
        if stories.nunique() == len(stories):
            continue                                     # no two of these articles tell one story
        rows = rows.assign(story=rows["article_id"].map(stories))
        n = rows.groupby("cluster_id")["story"].nunique()
        # stories change a grade only when all of an event's articles are one story among themselves
        # (two or more stories of two or more outlets corroborate, as two or more articles do), and
        # stories over the window join at least what stories among the event's articles join
        hit = set(n.index[n == 1])
        for cid, aids in rows[rows["cluster_id"].isin(hit)].groupby("cluster_id")["article_id"]:
            own = sorted(set(aids))
            if one_story_among(own):
                stories_of[cid] = pd.Series(own[0], index=own, name="story_id")
    if not stories_of:
        return fused
    # fuse each affected event again on its own, with the stories among its articles
    in_affected = cid_of_row.isin(set(stories_of)).to_numpy()
    sub = df[in_affected]
    redone = []
    for cid, rows in sub.groupby(cid_of_row[in_affected].to_numpy(), sort=True):
        one_ids, one_fused = fusion.fuse_incidents(rows, stories_of[cid])
        if len(one_fused) != 1 or set(one_ids) != {cid}:
            raise RuntimeError(f"fusion of {cid} alone did not give the same event")   # caught: full path
        redone.append(one_fused)
    kept = fused[~fused["cluster_id"].isin(set(stories_of))]
    return pd.concat([kept, *redone], ignore_index=True)


UNDATED_PART = 50_000


def _fuse_in_parts(fusion, df, record: Optional[dict] = None):
    """``fuse_incidents(df)``, with the undated incidents apart, in parts.

    An incident without a day is never the same event as another (fusion compares
    only reports of the same or the next day), so it is its own event whatever else
    is fused: fusing the dated ones together and the undated ones in parts of
    ``UNDATED_PART`` gives the same events, with less memory at once. ``record``
    (a dict) gets ``event_id``, ``seed``, ``seed_next`` of the dated incidents
    (see ``fuse_incidents``).
    """
    import pandas as pd
    kw = {} if record is None else {"record": record}
    undated = df["day"].isna().to_numpy()
    if len(df) <= UNDATED_PART or not undated.any():
        out = fusion.fuse_incidents(df, **kw)
        if record is not None:
            record["event_id"] = df["event_id"].tolist()
        return out
    ids, frames = [], []
    parts = [df[~undated]] if (~undated).any() else []
    rest = df[undated]
    parts += [rest.iloc[i:i + UNDATED_PART] for i in range(0, len(rest), UNDATED_PART)]
    for at, part in enumerate(parts):
        c, f = fusion.fuse_incidents(part, **(kw if at == 0 and (~undated).any() else {}))
        ids.append(c.reindex(part.index))
        frames.append(f)
    if record is not None:
        record["event_id"] = parts[0]["event_id"].tolist() if (~undated).any() else []
        record.setdefault("seed", [])
        record.setdefault("seed_next", [])
    return pd.concat(ids).reindex(df.index), pd.concat(frames, ignore_index=True)


def fuse_store(conn, fusion, record: Optional[dict] = None):
    """(incidents frame, cluster ids, fused frame) as ``fusion.fuse_incidents`` makes them; ``record``
    gets where fusion stood day by day (see :func:`_fuse_in_parts`)."""
    import pandas as pd
    try:
        df = _fusion_frame(conn, fusion)
        if df.empty:
            return df, pd.Series([], dtype=object), pd.DataFrame(columns=[n for n, _, _ in SCHEMA["fused_incidents"]])
        cluster_ids, fused = _fuse_in_parts(fusion, df, record)
    except KeyError:             # fusion reads more columns than it documents: give it them all
        df = _fusion_frame(conn, fusion, full=True)
        cluster_ids, fused = _fuse_in_parts(fusion, df, record)
    if hasattr(fusion, "story_ids") and "grade" in fused.columns:
        # articles telling the same story (one wire copy under two outlets) count once when grading
        try:
            fused = _story_corrections(conn, fusion, df, cluster_ids, fused)
        except RuntimeError:
            arts = conn.execute("SELECT article_id, text FROM articles WHERE article_id IN "
                                "(SELECT DISTINCT article_id FROM incidents) ORDER BY article_id").df()
            cluster_ids, fused = fusion.fuse_incidents(df, fusion.story_ids(arts))
    return df, cluster_ids, fused


def refresh_fusion(conn, rebuild: bool = False) -> Optional[int]:
    """Bring incidents.cluster_id and fused_incidents up to date with frontline.fusion.clusters.

    Only the part of the store the incidents changed since the last fusion touch
    is fused again (:func:`fuse_changes`); the result is the same as fusing the
    whole store, which ``rebuild`` (or a store never fused) does.
    Returns the number of fused events, or ``None`` when fusion is unavailable.
    """
    try:
        from . import clusters as fusion
        fusion.fuse_incidents
    except (ImportError, AttributeError):
        return None
    # read and write in one transaction: a concurrent ingest's fusion conflicts and is redone
    return _retrying(lambda: _refresh_fusion_once(conn, fusion, rebuild))


def bring_up_to_date(conn) -> Optional[int]:
    """Run the fusion an interrupted ingest did not; returns the fused events, or None when
    there was nothing to do."""
    if not fusion_pending(conn):
        return None
    return refresh_fusion(conn)


def _refresh_fusion_once(conn, fusion, rebuild: bool = False) -> int:
    conn.begin()
    try:
        resumable = _incremental_fusion(fusion)
        n = None if rebuild or not resumable else fuse_changes(conn, fusion)
        if n is None:
            record = {} if resumable else None
            n = _write_fusion(conn, *fuse_store(conn, fusion, record))
            conn.execute("DELETE FROM fusion_seeds")
            conn.execute("DELETE FROM store_state WHERE key = 'fusion_seeds'")
            if record:
                _write_seeds(conn, record["event_id"], record["seed"], record["seed_next"])
                conn.execute("INSERT INTO store_state VALUES ('fusion_seeds', 'complete')")
        conn.execute("DELETE FROM fusion_stale")
        _set_fusion_pending(conn, False)
        conn.commit()
    except BaseException:
        rollback(conn)
        raise
    return n


def _incremental_fusion(fusion) -> bool:
    """Whether ``fusion`` can resume from seeds (this package's clustering does; see :func:`fuse_changes`)."""
    return getattr(fusion, "RESUMABLE", False) is True


def _write_seeds(conn, event_ids: list, seed: list, seed_next: list) -> None:
    """Store where fusion stood when it reached each incident's day (``fusion_seeds``), in place of
    what was stored for these incidents."""
    import pyarrow as pa
    table = pa.table({"event_id": pa.array(event_ids, pa.string()), "seed": pa.array(seed, pa.string()),
                      "seed_next": pa.array(seed_next, pa.string())})
    conn.register("_fl_seeds", table)
    try:
        conn.execute("DELETE FROM fusion_seeds WHERE event_id IN (SELECT event_id FROM _fl_seeds)")
        conn.execute("INSERT INTO fusion_seeds BY NAME SELECT * FROM _fl_seeds WHERE seed IS NOT NULL "
                     "OR seed_next IS NOT NULL")
    finally:
        conn.unregister("_fl_seeds")


# ---------------------------------------------------------------- fusing what changed

LOOKAHEAD_DAYS = 1          # days past the changes fused at first (four times more while they differ)
INCREMENTAL_SHARE = 0.5     # more incidents than this share unfused: fuse the whole store


def _changes(conn) -> tuple:
    """(ordinals of the days that changed, cluster ids of fused events gone stale, whether
    undated incidents are unfused, number of unfused incidents).

    A day changed when an incident of that day is not fused yet (new, or of an
    article stored again) or a fused event of that day, or of the day before,
    lost a report (``fusion_stale``: the events of the reports an ingest replaced).
    """
    days = {d.toordinal() for (d,) in conn.execute(
        "SELECT DISTINCT day FROM incidents WHERE cluster_id IS NULL AND day IS NOT NULL").fetchall()}
    unfused, undated = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE day IS NULL) FROM incidents WHERE cluster_id IS NULL").fetchone()
    stale = []
    for cid, day in conn.execute("""
            SELECT DISTINCT f.cluster_id, f.day FROM fused_incidents f
            WHERE f.cluster_id IN (SELECT cluster_id FROM fusion_stale)""").fetchall():
        stale.append(cid)
        if day is not None:
            days |= {day.toordinal(), day.toordinal() + 1}     # an event spans at most two days
    return days, stale, bool(undated), unfused


def _ranges(days: set, gap: int) -> list:
    """The changed days as [first, last] ranges, days less than ``gap`` apart in one range."""
    out: list = []
    for d in sorted(days):
        if out and d - out[-1][1] < gap:
            out[-1][1] = d
        else:
            out.append([d, d])
    return out


def _resume(conn, fusion, lo: int, hi: int, following: Optional[list] = None):
    """Fusion resumed at the day before ``lo`` (from the seeds stored then) and run on until, on a
    day after ``hi``, it stands exactly where it stood before: (rows, their cluster ids, record of
    seeds, that day). The fused events are made later, for the clusters that changed.

    ``following`` (the later changed ranges, in order): a range the run reaches before it stands
    as before is taken off the list and fused in the same run. The days are fused in spans
    (``LOOKAHEAD_DAYS`` past the last change at first, four times more each time), each span going
    on from where the one before it left the clusters (``_clusters`` notes them as the day after
    its last day would begin), never again from ``lo``.
    """
    import numpy as np
    import pandas as pd
    following = [] if following is None else following
    start = lo - 1
    first, k = start, LOOKAHEAD_DAYS     # the first day of the span; its length past the last change
    carry: Optional[dict] = None         # event_id -> (seed, seed_next) as ``first`` begins, after the first span
    same_seed: dict = {}                 # day -> its reports stand joined as recorded when the day begins
    same_next: dict = {}                 # day -> ... and they stand so (seed_next) when the next day begins
    parts, seeds_of = [], {}             # finished clusters: (rows, ids, days); event_id -> (seed, seed_next)
    while True:
        last = max(hi, first) + 1 + k   # the span visits first .. last - 1; the blocks of a day read the next
        df, day, st_seed, st_next = _span_frame(conn, fusion, first, last)
        if carry is None:                # the day before: only its reports joined to one of the first day's
            keep = (day != first - 1) | np.array([v is not None for v in st_next], dtype=bool)
            seeds = [st_next[i] if day[i] == first - 1 else (st_seed[i] if day[i] == first else None)
                     for i in range(len(df))]
        else:
            eids = df["event_id"].tolist()
            keep = (day != first - 1) | np.array([carry.get(e, (None, None))[1] is not None for e in eids],
                                                 dtype=bool)
            seeds = [carry.get(e, (None, None))[1] if day[i] == first - 1 else
                     (carry.get(e, (None, None))[0] if day[i] == first else None) for i, e in enumerate(eids)]
        df, day = df[keep].reset_index(drop=True), day[keep]
        seeds = [s for s, kept in zip(seeds, keep) if kept]
        st_seed = [v for v, kept in zip(st_seed, keep) if kept]
        st_next = [v for v, kept in zip(st_next, keep) if kept]
        record: dict = {}
        ids, _ = fusion.fuse_incidents(df, seeds=seeds, first_day=first, last_day=last - 1, record=record,
                                       events=False)
        ids = ids.reindex(df.index)
        eids = df["event_id"].tolist()
        for i in range(len(df)):
            d = int(day[i])
            if first <= d < last:
                seeds_of[eids[i]] = (record["seed"][i], record["seed_next"][i])
                same_seed[d] = same_seed.get(d, True) and record["seed"][i] == st_seed[i]
                same_next[d] = same_next.get(d, True) and record["seed_next"][i] == st_next[i]
        # where fusion stands as day d begins: the clusters of the reports of day d, and of those of
        # the day before that reach into day d (the others are finished); no change is later than hi
        end = None
        for d in range(max(hi + 1, first), last):
            if following and d >= following[0][0] - 1:
                hi = max(hi, following.pop(0)[1])    # it runs into the next changes: one run for both
            if d > hi and same_seed.get(d, True) and same_next.get(d - 1, True):
                end = d
                break
        if end is not None:
            out = set(ids[day < end])
            rows = ids.isin(out).to_numpy()
            parts.append((df[rows], ids[rows], day[rows]))
            break
        # the clusters holding no report of the day ``last`` are finished; the others go on in the next span
        going_on = set(ids[day == last])
        done = ~ids.isin(going_on).to_numpy()
        parts.append((df[done], ids[done], day[done]))
        carry = {e: seeds_of.get(e, (None, None)) for e, d in zip(eids, day) if d == last - 1}
        carry.update({e: (s, None) for e, d, s in zip(eids, day, record["seed"]) if d == last})
        first, k = last, k * 4
    rows = pd.concat([p[0] for p in parts], ignore_index=True)
    ids = pd.concat([p[1] for p in parts], ignore_index=True)
    days = np.concatenate([p[2] for p in parts])
    mine = [e for e, d in zip(rows["event_id"].tolist(), days.tolist()) if d >= start]
    rec = {"event_id": mine, "seed": [seeds_of[e][0] for e in mine], "seed_next": [seeds_of[e][1] for e in mine]}
    return rows, ids, rec, end


def _span_frame(conn, fusion, first: int, last: int) -> tuple:
    """(the incidents of days ``first`` - 1 .. ``last``, their days as ordinals, the seed and seed_next
    stored for each)."""
    import datetime as dt

    import pandas as pd
    lo, hi = dt.date.fromordinal(first - 1), dt.date.fromordinal(last)
    df = _fusion_frame(conn, fusion, where="day BETWEEN ? AND ?", params=[lo, hi])
    stored = dict((e, (s, n)) for e, s, n in conn.execute(
        "SELECT s.event_id, s.seed, s.seed_next FROM fusion_seeds s JOIN incidents i USING (event_id) "
        "WHERE i.day BETWEEN ? AND ? AND i.cluster_id IS NOT NULL", [lo, hi]).fetchall())
    day = pd.to_datetime(df["day"]).to_numpy().astype("datetime64[D]").astype("int64") + 719163
    none = (None, None)
    st_seed = [stored.get(e, none)[0] for e in df["event_id"]]
    st_next = [stored.get(e, none)[1] for e in df["event_id"]]
    return df, day, st_seed, st_next


def _changed_events(conn, df, cluster_ids) -> tuple:
    """(rows, cluster ids, old cluster ids of those rows) of the events fused again that differ
    from the stored ones: an event with the same id, the same reports and no report new or stored
    again since is left as it is (grade included). Compared in DuckDB (one join, no Python row loop:
    a thousand articles spread over a year reach ~250,000 reports)."""
    import numpy as np
    import pyarrow as pa
    new_ids = cluster_ids.astype(object).tolist()
    conn.register("_fl_new", pa.table({"event_id": pa.array(df["event_id"].tolist(), pa.string()),
                                       "cid": pa.array(new_ids, pa.string()),
                                       "pos": pa.array(np.arange(len(new_ids)), pa.int64())}))
    try:
        conn.execute("""CREATE OR REPLACE TEMP TABLE _fl_cmp AS
            SELECT n.pos, n.cid, i.cluster_id AS old FROM _fl_new n LEFT JOIN incidents i USING (event_id)""")
        # kept: every report had this id already, and the stored event has as many reports
        redo = conn.execute("""
            WITH g AS (SELECT cid, count(*) AS size, bool_and(old IS NOT DISTINCT FROM cid) AS same
                       FROM _fl_cmp GROUP BY cid),
                 kept AS (SELECT g.cid FROM g JOIN fused_incidents f ON f.cluster_id = g.cid
                          WHERE g.same AND len(f.event_ids) = g.size)
            SELECT pos, old FROM _fl_cmp WHERE cid NOT IN (SELECT cid FROM kept) ORDER BY pos""").fetchall()
    finally:
        conn.execute("DROP TABLE IF EXISTS _fl_cmp")
        conn.unregister("_fl_new")
    rows = np.zeros(len(new_ids), dtype=bool)
    rows[[p for p, _ in redo]] = True
    df, cluster_ids = df[rows].reset_index(drop=True), cluster_ids[rows].reset_index(drop=True)
    old_ids = sorted({o for _, o in redo if o is not None})
    return df, cluster_ids, old_ids


def _events_of(fusion, df, cluster_ids):
    """The fused events of the clusters ``cluster_ids`` gives the rows of ``df`` (their reports, all
    of them): ``fuse_incidents`` with those ids as seeds, no day visited."""
    ids, fused = fusion.fuse_incidents(df, seeds=cluster_ids.astype(object).tolist(), last_day=-1)
    if not ids.reset_index(drop=True).astype(object).equals(cluster_ids.reset_index(drop=True).astype(object)):
        raise RuntimeError("the fused events of the changed clusters did not keep their ids")
    return fused


def fuse_changes(conn, fusion) -> Optional[int]:
    """Fuse again only the reports the changes since the last fusion reach; None when the whole
    store is better fused at once (never fused, fused before ``fusion_seeds`` existed, or most of
    it new).

    ``fuse_incidents`` visits its reports day by day; for each day it recorded
    (``fusion_seeds``) which reports were already joined when it got there. It
    resumes here the day before the first changed day from those seeds, and runs
    on until, on a day past the last change, the reports stand joined exactly as
    they were recorded: from there on it would do what it did. The events of the
    reports visited replace their stored ones; every other event, and its id
    (``c:`` and its first report's id), stays as it is. Grades depend on an
    event's own articles (:func:`_story_corrections`), so they come out as a
    whole-store fusion grades them. tests/test_incremental.py checks the result
    equals one ingest's for any split of a corpus into ingests, in any order.
    """
    import pandas as pd
    total = conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    if not total:
        return None
    if not conn.execute("SELECT count(*) FROM fused_incidents").fetchone()[0]:
        return None
    if not conn.execute("SELECT count(*) FROM store_state WHERE key = 'fusion_seeds'").fetchone()[0]:
        return None                                       # fused by a release that kept no seeds
    days, stale, undated, unfused = _changes(conn)
    if unfused > INCREMENTAL_SHARE * total:
        return None
    frames, id_parts = [], []
    seeds = {"event_id": [], "seed": [], "seed_next": []}
    ranges = _ranges(days, gap=LOOKAHEAD_DAYS + 3)
    while ranges:
        lo, hi = ranges.pop(0)
        rows, ids, rec, _ = _resume(conn, fusion, lo, hi, ranges)     # takes off the ranges it runs into
        frames.append(rows)
        id_parts.append(ids)
        for key in seeds:
            seeds[key] += rec[key]
    if undated:
        rows = _fusion_frame(conn, fusion, where="cluster_id IS NULL AND day IS NULL")
        ids, _ = fusion.fuse_incidents(rows, events=False)
        frames.append(rows)
        id_parts.append(ids.reindex(rows.index))
    gone = list(stale)
    if frames:
        df = pd.concat(frames, ignore_index=True)
        cluster_ids = pd.concat([p.reset_index(drop=True) for p in id_parts], ignore_index=True)
        df, cluster_ids, old_ids = _changed_events(conn, df, cluster_ids)
        fused = _events_of(fusion, df, cluster_ids)
        if "grade" in fused.columns and len(fused):
            fused = _story_corrections(conn, fusion, df, cluster_ids, fused)
        gone += old_ids + [str(c) for c in fused["cluster_id"]]
    else:
        df, cluster_ids, fused = pd.DataFrame({"event_id": []}), pd.Series([], dtype=object), None
    conn.execute("DELETE FROM fused_incidents WHERE cluster_id IN (SELECT unnest(?::VARCHAR[]))",
                 [sorted(set(gone))])
    _write_fusion(conn, df, cluster_ids, fused, replace=False)
    _write_seeds(conn, seeds["event_id"], seeds["seed"], seeds["seed_next"])
    return conn.execute("SELECT count(*) FROM fused_incidents").fetchone()[0]


def _write_fusion(conn, df, cluster_ids, fused, replace: bool = True) -> int:
    """Write fusion's result (inside the caller's transaction): the cluster ids of the incidents of
    ``df``, and the fused events in place of all stored ones (``replace``) or beside them."""
    import pandas as pd
    mapping = pd.DataFrame({"event_id": df["event_id"].astype(object),
                            "cluster_id": cluster_ids.reindex(df.index).astype(object)})
    del df
    mapping["cluster_id"] = mapping["cluster_id"].where(mapping["cluster_id"].notna(), None).map(
        lambda v: None if v is None else str(v))
    if fused is None:
        fused = pd.DataFrame(columns=["cluster_id"])
    known = [n for n, _, _ in SCHEMA["fused_incidents"] if n in fused.columns]
    fused = fused[known].copy()
    if "cluster_id" in fused.columns:
        fused["cluster_id"] = fused["cluster_id"].map(lambda v: None if v is None else str(v))
    for name, sql_type, _ in SCHEMA["fused_incidents"]:   # lists may come as "a, b" text
        if sql_type == "VARCHAR[]" and name in fused.columns:
            fused[name] = fused[name].map(_as_list)
    try:
        conn.register("_fl_map", mapping)
        conn.execute("UPDATE incidents SET cluster_id = m.cluster_id FROM _fl_map m "
                     "WHERE incidents.event_id = m.event_id "
                     "AND incidents.cluster_id IS DISTINCT FROM m.cluster_id")
        if replace:
            conn.execute("DELETE FROM fused_incidents")
        if len(fused):
            conn.register("_fl_fused", fused)
            conn.execute("INSERT INTO fused_incidents BY NAME SELECT * FROM _fl_fused")
    finally:
        for name in ("_fl_map", "_fl_fused"):
            try:
                conn.unregister(name)
            except Exception:
                pass
    return len(fused)


