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


def _fusion_frame(conn, fusion, full: bool = False):
    """The incidents fusion reads, text columns as Python objects, equal strings shared.

    ``fuse_incidents`` turns the frame into one dict per row; from pandas' Arrow-backed
    strings every cell would become a new str object (~60 bytes each, ~150 MB at 300k
    incidents); from object columns of shared strings the dicts point at the same few.
    """
    import pandas as pd
    cols = getattr(fusion, "FUSION_INPUT_COLUMNS", None) or FUSION_COLUMNS
    if full:
        cols = [n for n, _, _ in SCHEMA["incidents"] if n not in _NOT_FOR_FUSION]
    df = conn.execute(f"SELECT {', '.join(_q(c) for c in cols)} FROM incidents ORDER BY event_id").df()
    for c in df.columns:
        if isinstance(df[c].dtype, pd.StringDtype) or df[c].dtype == object:
            shared: dict = {}
            df[c] = pd.Series([shared.setdefault(v, v) if isinstance(v, str) else None
                               for v in df[c].tolist()], index=df.index, dtype=object)
    return df


STORY_WINDOW_ARTICLES = 2000
STORY_FETCH_ARTICLES = 10_000


def _window_stories(conn, fusion, members):
    """(window, its rows of ``members``, ``fusion.story_ids`` of its articles) for each window in order.

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
            yield w, rows, fusion.story_ids(arts)
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
            for aid, text in conn.execute("SELECT article_id, text FROM articles WHERE article_id IN "
                                          "(SELECT unnest(?::VARCHAR[]))", [ids]).fetchall():
                shingled[aid] = fusion.shingle_array(text)
        ids = sorted(a for a in set(rows["article_id"]) if a in shingled)
        arts = pd.DataFrame({"article_id": pd.Series(ids, dtype=object), "text": None})
        yield w, rows, fusion.story_ids(arts, shingled={a: shingled[a] for a in ids})
        for a in ids:
            if last[a] == w:
                del shingled[a]


def _story_corrections(conn, fusion, df, cluster_ids, fused, window_articles: Optional[int] = None):
    """Fused rows regraded with the duplicate stories among the reports of multi-article events.

    ``fusion.story_ids`` over every article at once holds ~25 kB of shingles per
    article (2.4 GB at 100k articles). Stories only change the grade of a fused
    event reported by two or more articles of two or more outlets (one wire copy
    under two outlets is not corroboration), so they are computed over the
    articles of those events only, in windows of consecutive days of about
    ``window_articles`` articles (one ``story_ids`` call each; the whole corpus
    is one window up to that size), and only the events whose reports turn out
    to share a story are fused again -- by ``fuse_incidents`` itself, with those
    stories. Returns ``fused``, corrected.
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
    members = members[several]
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
    affected: set = set()
    story_of: dict = {}                                  # article -> "<window>:<story>"
    for w, rows, stories in _window_stories(conn, fusion, members):
        if stories.nunique() == len(stories):
            continue                                     # no two of these articles tell one story
        rows = rows.assign(story=rows["article_id"].map(stories))
        n = rows.groupby("cluster_id").agg(n_articles=("article_id", "nunique"), n_stories=("story", "nunique"))
        hit = set(n.index[n["n_stories"] < n["n_articles"]])
        if hit:
            affected |= hit
            for aid in set(rows.loc[rows["cluster_id"].isin(hit), "article_id"]):
                story_of[aid] = f"{w}:{stories[aid]}"
    if not affected:
        return fused
    # fuse the affected events again with their stories, all at once; an event that comes out
    # with exactly its reports is taken from there, any other is fused again on its own
    stories = pd.Series(story_of, name="story_id")
    in_affected = cid_of_row.isin(affected).to_numpy()
    sub = df[in_affected]
    sub_ids, sub_fused = fusion.fuse_incidents(sub, stories)
    pairs = pd.DataFrame({"old": cid_of_row[in_affected].to_numpy(), "new": sub_ids.reindex(sub.index).to_numpy()})
    per_old = pairs.groupby("old")["new"].agg(["nunique", "first", "size"])
    new_sizes = pairs.groupby("new").size()
    whole = set(per_old.index[(per_old["nunique"] == 1) & (per_old["first"] == per_old.index)
                              & (per_old["first"].map(new_sizes) == per_old["size"])])
    redone = [sub_fused[sub_fused["cluster_id"].isin(whole)]]
    for cid in sorted(affected - whole):
        one = df[(cid_of_row == cid).to_numpy()]
        one_ids, one_fused = fusion.fuse_incidents(one, stories)
        if len(one_fused) != 1 or set(one_ids) != {cid}:
            raise RuntimeError(f"fusion of {cid} alone did not give the same event")   # caught: full path
        redone.append(one_fused)
    kept = fused[~fused["cluster_id"].isin(affected)]
    return pd.concat([kept, *redone], ignore_index=True)


UNDATED_PART = 50_000


def _fuse_in_parts(fusion, df):
    """``fuse_incidents(df)``, with the undated incidents apart, in parts.

    An incident without a day is never the same event as another (fusion compares
    only reports of the same or the next day), so it is its own event whatever else
    is fused: fusing the dated ones together and the undated ones in parts of
    ``UNDATED_PART`` gives the same events, with less memory at once.
    """
    import pandas as pd
    if len(df) <= UNDATED_PART:
        return fusion.fuse_incidents(df)
    undated = df["day"].isna().to_numpy()
    if not undated.any():
        return fusion.fuse_incidents(df)
    ids, frames = [], []
    parts = [df[~undated]] if (~undated).any() else []
    rest = df[undated]
    parts += [rest.iloc[i:i + UNDATED_PART] for i in range(0, len(rest), UNDATED_PART)]
    for part in parts:
        c, f = fusion.fuse_incidents(part)
        ids.append(c.reindex(part.index))
        frames.append(f)
    return pd.concat(ids).reindex(df.index), pd.concat(frames, ignore_index=True)


def fuse_store(conn, fusion):
    """(incidents frame, cluster ids, fused frame) as ``fusion.fuse_incidents`` makes them."""
    import pandas as pd
    try:
        df = _fusion_frame(conn, fusion)
        if df.empty:
            return df, pd.Series([], dtype=object), pd.DataFrame(columns=[n for n, _, _ in SCHEMA["fused_incidents"]])
        cluster_ids, fused = _fuse_in_parts(fusion, df)
    except KeyError:             # fusion reads more columns than it documents: give it them all
        df = _fusion_frame(conn, fusion, full=True)
        cluster_ids, fused = _fuse_in_parts(fusion, df)
    if hasattr(fusion, "story_ids") and "grade" in fused.columns:
        # articles telling the same story (one wire copy under two outlets) count once when grading
        try:
            fused = _story_corrections(conn, fusion, df, cluster_ids, fused)
        except RuntimeError:
            arts = conn.execute("SELECT article_id, text FROM articles WHERE article_id IN "
                                "(SELECT DISTINCT article_id FROM incidents) ORDER BY article_id").df()
            cluster_ids, fused = fusion.fuse_incidents(df, fusion.story_ids(arts))
    return df, cluster_ids, fused


def refresh_fusion(conn) -> Optional[int]:
    """Recompute incidents.cluster_id and fused_incidents with frontline.fusion.clusters.

    Returns the number of fused events, or ``None`` when fusion is unavailable.
    """
    try:
        from . import clusters as fusion
        fusion.fuse_incidents
    except (ImportError, AttributeError):
        return None
    # read and write in one transaction: a concurrent ingest's fusion conflicts and is redone
    return _retrying(lambda: _refresh_fusion_once(conn, fusion))


def bring_up_to_date(conn) -> Optional[int]:
    """Run the fusion an interrupted ingest did not; returns the fused events, or None when
    there was nothing to do."""
    if not fusion_pending(conn):
        return None
    return refresh_fusion(conn)


def _refresh_fusion_once(conn, fusion) -> int:
    conn.begin()
    try:
        n = _write_fusion(conn, *fuse_store(conn, fusion))
        _set_fusion_pending(conn, False)
        conn.commit()
    except BaseException:
        rollback(conn)
        raise
    return n


def _write_fusion(conn, df, cluster_ids, fused) -> int:
    """Write fusion's result (inside the caller's transaction)."""
    import pandas as pd
    mapping = pd.DataFrame({"event_id": df["event_id"].astype(object),
                            "cluster_id": cluster_ids.reindex(df.index).astype(object)})
    del df
    mapping["cluster_id"] = mapping["cluster_id"].where(mapping["cluster_id"].notna(), None).map(
        lambda v: None if v is None else str(v))
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


