"""A hand-made DuckDB store with the documented schema, for dashboard tests and screenshots.

``make_store(path)`` writes a small store whose figures are known (see
``EXPECTED`` below); ``make_store(path, n_random=N)`` adds N synthetic
incidents spread over Aleppo in autumn 2016 for visual and speed work.
When the real ``frontline.store`` is present, ``real_store(path)`` ingests
the seed article through it instead.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles(article_id VARCHAR PRIMARY KEY, title VARCHAR, source VARCHAR,
    url VARCHAR, published DATE, published_from VARCHAR, n_chars INTEGER, content_hash VARCHAR,
    text VARCHAR, ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS incidents(event_id VARCHAR PRIMARY KEY, article_id VARCHAR, outlet VARCHAR,
    event_date VARCHAR, date_precision VARCHAR, day DATE, event_type VARCHAR, actor VARCHAR,
    side VARCHAR, location VARCHAR, place_id VARCHAR, lat DOUBLE, lon DOUBLE, geo_precision VARCHAR,
    killed INTEGER, killed_low INTEGER, killed_high INTEGER, killed_qualifier VARCHAR,
    injured INTEGER, injured_low INTEGER, injured_high INTEGER, children_killed INTEGER,
    women_killed INTEGER, source VARCHAR, implausible BOOLEAN, evidence VARCHAR,
    evidence_start INTEGER, evidence_end INTEGER, evidence_spans JSON, cluster_id VARCHAR);
CREATE TABLE IF NOT EXISTS claims(event_id VARCHAR, claim_no INTEGER, article_id VARCHAR, source VARCHAR,
    killed INTEGER, killed_low INTEGER, killed_high INTEGER, killed_qualifier VARCHAR, injured INTEGER,
    children_killed INTEGER, women_killed INTEGER, evidence VARCHAR, evidence_start INTEGER,
    evidence_end INTEGER);
CREATE TABLE IF NOT EXISTS diplomacy(event_id VARCHAR PRIMARY KEY, article_id VARCHAR, outlet VARCHAR,
    event_date VARCHAR, date_precision VARCHAR, day DATE, event_type VARCHAR, actors VARCHAR[],
    location VARCHAR, status VARCHAR, evidence VARCHAR, evidence_start INTEGER, evidence_end INTEGER,
    evidence_spans JSON, cluster_id VARCHAR);
CREATE TABLE IF NOT EXISTS fused_incidents(cluster_id VARCHAR PRIMARY KEY, day DATE, event_type VARCHAR,
    actor VARCHAR, side VARCHAR, location VARCHAR, lat DOUBLE, lon DOUBLE, killed_low INTEGER,
    killed_best INTEGER, killed_high INTEGER, injured_low INTEGER, injured_best INTEGER,
    injured_high INTEGER, children_killed INTEGER, n_articles INTEGER, n_outlets INTEGER,
    outlets VARCHAR[], grade VARCHAR, event_ids VARCHAR[]);
CREATE TABLE IF NOT EXISTS reviews(review_id INTEGER, event_id VARCHAR, kind VARCHAR, action VARCHAR,
    field VARCHAR, old_value VARCHAR, new_value VARCHAR, who VARCHAR, "at" TIMESTAMP);
CREATE OR REPLACE VIEW v_incidents AS
    SELECT * FROM incidents WHERE event_id NOT IN
        (SELECT event_id FROM reviews WHERE action = 'reject');
CREATE OR REPLACE VIEW v_diplomacy AS
    SELECT * FROM diplomacy WHERE event_id NOT IN
        (SELECT event_id FROM reviews WHERE action = 'reject');
"""

PLACES = {  # name: (lat, lon, side, geo_precision)
    "al-Shaar": (36.2105, 37.1775, "east", "neighbourhood"),
    "Bustan al-Qasr": (36.1945, 37.1445, "east", "neighbourhood"),
    "Sukkari": (36.1795, 37.1625, "east", "neighbourhood"),
    "al-Kalasa": (36.1885, 37.1395, "east", "neighbourhood"),
    "Masaken Hanano": (36.2250, 37.1870, "east", "neighbourhood"),
    "Tariq al-Bab": (36.2045, 37.1905, "east", "neighbourhood"),
    "eastern Aleppo": (36.2000, 37.1700, "east", "side"),
    "al-Hamdaniyah": (36.1715, 37.1290, "west", "neighbourhood"),
    "New Aleppo": (36.2055, 37.1030, "west", "neighbourhood"),
    "al-Furqan": (36.2135, 37.1235, "west", "neighbourhood"),
    "Midan": (36.2180, 37.1630, "west", "neighbourhood"),
    "western Aleppo": (36.2050, 37.1300, "west", "side"),
    "Sheikh Maqsoud": (36.2330, 37.1540, "city", "neighbourhood"),
    "Aleppo": (36.2021, 37.1343, "city", "city"),
    "Azaz": (36.5860, 37.0440, "outside", "town"),
    "al-Bab": (36.3710, 37.5170, "outside", "town"),
    "Manbij": (36.5280, 37.9550, "outside", "town"),
    "Khan Tuman": (36.1330, 37.0450, "outside", "town"),
    "Damascus": (33.5130, 36.2920, "outside", "city"),
}

ARTICLES = [
    ("a1", "Children among the dead as violence touches both sides of Aleppo divide", "CNN",
     dt.date(2016, 10, 13)),
    ("a2", "Terrorists target al-Hamdaniyah with rocket shells", "SANA", dt.date(2016, 10, 12)),
    ("a3", "Air strikes pound rebel-held al-Shaar", "Reuters", dt.date(2016, 10, 14)),
    ("a4", "Regime barrel bombs on Sukkari <script>alert(1)</script>", "Al Jazeera",
     dt.date(2016, 10, 20)),
]

# event_id, article, day, type, actor, side, location, killed, low, high, injured, inj_high,
# children, source, cluster, implausible, sentence
INCIDENTS = [
    ("a1:i1", "a1", "2016-10-12", "shelling", "rebels", "west", "al-Hamdaniyah", 8, None, None, None,
     None, 4, "Syrian Observatory for Human Rights", "c1", False,
     "Four children were among eight people killed Wednesday in rebel shelling on al-Hamdaniyah."),
    ("a2:i1", "a2", "2016-10-12", "shelling", "rebels", "west", "al-Hamdaniyah", 10, 10, 12, None,
     None, None, "SANA", "c1", False,
     "Terrorists targeted al-Hamdaniyah with rocket shells, killing 10 to 12 citizens."),
    ("a1:i2", "a1", "2016-10-11", "shelling", "rebels", "west", "western Aleppo", 5, None, None, None,
     None, 5, "Syrian Observatory for Human Rights", None, False,
     "Five children were killed when rebels shelled a nursery in a government-held neighborhood."),
    ("a1:i3", "a1", "2016-10-13", "airstrike", "government", "east", "eastern Aleppo", 13, 13, None, 25,
     None, None, "White Helmets", "c2", False,
     "The White Helmets said at least 13 people were killed and more than 25 injured."),
    ("a3:i1", "a3", "2016-10-13", "airstrike", "russia", "east", "al-Shaar", 20, None, None, 40,
     None, None, "Syrian Observatory for Human Rights", "c2", False,
     "Air strikes on al-Shaar killed 20 people and wounded 40, the Observatory said."),
    ("a1:i4", "a1", "2016-10-12", "shelling", "rebels", "outside", "Damascus", None, None, None, None,
     None, None, "Russian Foreign Ministry", None, False,
     "The area around the Russian embassy in Damascus came under mortar attack Wednesday."),
    ("a4:i1", "a4", "2016-10-20", "airstrike", "government", "east", "Sukkari", 6, None, None, 10,
     None, None, "White Helmets", None, False,
     "Regime barrel bombs on Sukkari killed six <img src=x onerror=alert(1)> and injured ten."),
    ("a4:i2", "a4", "2016-10-20", "clashes", "rebels", "outside", "Khan Tuman", 3, None, None, None,
     None, None, None, None, False, "Three fighters died in clashes near Khan Tuman."),
    ("a2:i2", "a2", "2016-10-15", "shelling", "rebels", "east", "eastern Aleppo", 1_000_000_000, None,
     None, None, None, None, "SANA", None, True,
     "1,000,000,000 people killed in eastern Aleppo, a claim said."),
]

DIPLOMACY = [
    ("a1:d1", "a1", "2016-10-15", "meeting", ["United States", "Russia", "United Nations"], "Lausanne",
     "scheduled", "US Secretary of State John Kerry will meet Saturday with foreign ministers from Russia."),
    ("a1:d2", "a1", "2016-10-13", "call", ["France", "Russia"], None, "happened",
     "Ayrault spoke with his Russian counterpart, Sergey Lavrov, by phone Thursday."),
    ("a1:d3", "a1", "2016-10-08", "un_action", ["Russia", "France", "Spain", "United Nations"],
     "New York", "happened", "Russia vetoed a UN Security Council resolution on Saturday."),
    ("a4:d1", "a4", "2016-10-20", "accusation", ["Russia", "United States"], None, "happened",
     "Lavrov blamed the United States for the collapse of the ceasefire [x](javascript:alert(1))."),
]

# expected figures of the hand-made store (fused events counted once, implausible left out)
EXPECTED = {
    "all": dict(incidents=6, killed=35, killed_low=35, killed_high=46, injured=35, injured_low=35,
                injured_high=50, children_killed=9, implausible=1),
    "east": dict(incidents=2, killed=19, killed_low=19, killed_high=26, injured=35, children_killed=0,
                 implausible=1),
    "west": dict(incidents=2, killed=13, killed_low=13, killed_high=17, injured=0, children_killed=9,
                 implausible=0),
    "outside": dict(incidents=2, killed=3, killed_low=3, killed_high=3, injured=0, children_killed=0,
                    implausible=0),
}


def _article_text(title: str, sentences: list[str]) -> tuple[str, dict]:
    """Article text = title + sentences; returns text and sentence -> (start, end)."""
    text = title + "\n\n"
    where = {}
    for s in sentences:
        start = len(text)
        text += s + " "
        where[s] = (start, start + len(s))
    return text.strip() + "\n", where


def _rows(extra: list | None = None):
    arts, incs, dips = [], [], []
    inc_src = INCIDENTS + (extra or [])
    for aid, title, outlet, pub in ARTICLES + sorted({(r[1], f"Report {r[1]}", r[13] or "AFP",
                                                       dt.date.fromisoformat(r[2]))
                                                      for r in (extra or [])}):
        sents = [r[16] for r in inc_src if r[1] == aid] + [r[7] for r in DIPLOMACY if r[1] == aid]
        text, where = _article_text(title, sents)
        arts.append(dict(article_id=aid, title=title, source=outlet, url="", published=pub,
                         published_from="metadata", n_chars=len(text),
                         content_hash=f"h{aid}", text=text,
                         ingested_at=dt.datetime(2016, 11, 1, 12, 0)))
        for r in inc_src:
            if r[1] != aid:
                continue
            (eid, _, day, etype, actor, side, loc, killed, lo, hi, inj, inj_hi, ch, src, cl, impl,
             sent) = r
            lat, lon, _, prec = PLACES[loc]
            s, e = where[sent]
            incs.append(dict(event_id=eid, article_id=aid, outlet=outlet, event_date=day,
                             date_precision="day", day=dt.date.fromisoformat(day), event_type=etype,
                             actor=actor, side=side, location=loc, place_id=loc.lower(), lat=lat,
                             lon=lon, geo_precision=prec, killed=killed, killed_low=lo,
                             killed_high=hi, killed_qualifier="exact", injured=inj, injured_low=None,
                             injured_high=inj_hi, children_killed=ch, women_killed=None, source=src,
                             implausible=impl, evidence=sent, evidence_start=s, evidence_end=e,
                             evidence_spans=json.dumps([[s, e]]), cluster_id=cl))
        for (eid, a, day, etype, actors, loc, status, sent) in DIPLOMACY:
            if a != aid:
                continue
            s, e = where[sent]
            dips.append(dict(event_id=eid, article_id=aid, outlet=outlet, event_date=day,
                             date_precision="day", day=dt.date.fromisoformat(day), event_type=etype,
                             actors=actors, location=loc, status=status, evidence=sent,
                             evidence_start=s, evidence_end=e, evidence_spans=json.dumps([[s, e]]),
                             cluster_id=None))
    return arts, incs, dips


def synthetic_incidents(n: int, seed: int = 7) -> list:
    """n plausible incidents over Aleppo, 20 Sep - 15 Dec 2016, one article each (ids s<k>)."""
    rnd = random.Random(seed)
    names = list(PLACES)
    types = ["airstrike", "shelling", "bombing", "clashes", "violence_against_civilians"]
    actors = {"east": ["government", "russia"], "west": ["rebels"], "city": ["rebels", "government"],
              "outside": ["government", "russia", "isis", "turkey", "coalition", "kurdish"]}
    sources = ["Syrian Observatory for Human Rights", "White Helmets", "SANA", "Aleppo Media Center",
               None]
    start = dt.date(2016, 9, 20)
    out = []
    for k in range(n):
        loc = rnd.choice(names)
        side = PLACES[loc][2]
        day = start + dt.timedelta(days=int(rnd.triangular(0, 86, 60)))
        killed = int(rnd.expovariate(1 / 6))
        actor = rnd.choice(actors[side])
        etype = rnd.choice(types)
        src = rnd.choice(sources)
        sent = (f"{killed} people were killed in {etype.replace('_', ' ')} by {actor} forces on "
                f"{loc} on {day:%d %B}, {src or 'activists'} said.")
        out.append((f"s{k}:i1", f"s{k}", day.isoformat(), etype, actor, side, loc, killed, None,
                    None, int(killed * rnd.uniform(0, 3)), None,
                    rnd.choice([None, None, 0, 1, 2]), src, None, False, sent))
    return out


def make_store(path, n_random: int = 0) -> Path:
    """Write the hand-made store (plus ``n_random`` synthetic incidents) at ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:   # the real schema and reviewed views when the store module is there
        from frontline.store import connect
        conn = connect(path)
    except ImportError:
        conn = duckdb.connect(str(path))
        conn.execute(SCHEMA)
    try:
        arts, incs, dips = _rows(synthetic_incidents(n_random) if n_random else None)
        for table, rows in (("articles", arts), ("incidents", incs), ("diplomacy", dips)):
            df = pd.DataFrame(rows)  # noqa: F841  (read by DuckDB's replacement scan)
            cols = ", ".join(df.columns)
            conn.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM df")
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return path


if __name__ == "__main__":  # python tests/fake_store.py OUT.duckdb [N]
    import sys
    p = make_store(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    print(p)
