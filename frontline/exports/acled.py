"""ACLED export: the filtered incidents as an ACLED-compatible CSV (2023 codebook columns, event
types and actor codes), one row per per-article incident."""
from __future__ import annotations

import pandas as pd

from .. import queries
from ..queries import Filters
from .common import _none, csv_text

# ACLED (2023 codebook) event types for the guideline's incident types
ACLED_TYPES = {
    "airstrike": ("Explosions/Remote violence", "Air/drone strike"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "bombing": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "chemical": ("Explosions/Remote violence", "Chemical weapon"),
    "clashes": ("Battles", "Armed clash"),
    "violence_against_civilians": ("Violence against civilians", "Attack"),
    "other": ("Strategic developments", "Other"),
}
# actor code: (ACLED-style actor name, inter code: 1 state forces, 2 rebel groups, 8 external forces)
ACLED_ACTORS = {
    "government": ("Military Forces of Syria (2000-)", 1),
    "russia": ("Military Forces of Russia (2000-)", 8),
    "rebels": ("Opposition Rebels (Syria)", 2),
    "isis": ("Islamic State (Syria)", 2),
    "coalition": ("Operation Inherent Resolve", 8),
    "kurdish": ("SDF: Syrian Democratic Forces", 2),
    "turkey": ("Military Forces of Turkey (2016-)", 8),
}
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
                 "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
                 "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
                 "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
                 "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]
_GEO_PRECISION = {"neighbourhood": 1, "site": 1, "town": 1, "side": 2, "city": 2,
                  "governorate": 3, "country": 3}
_TIME_PRECISION = {"day": 1, "week": 2, "month": 3}



def acled_from_frame(incidents: pd.DataFrame) -> pd.DataFrame:
    """Incidents in ACLED's columns and event types (one row per per-article incident)."""
    rows = []
    for r in incidents.to_dict("records"):
        r = {k: _none(v) for k, v in r.items()}
        day = r.get("day")
        etype, sub = ACLED_TYPES.get(r.get("event_type") or "other", ACLED_TYPES["other"])
        if r.get("event_type") == "bombing" and "suicide" in str(r.get("evidence") or "").lower():
            sub = "Suicide bomb"
        a1, i1 = ACLED_ACTORS.get(r.get("actor") or "", ("Unidentified Armed Group (Syria)", 3))
        civilians = etype in ("Explosions/Remote violence", "Violence against civilians") and \
            (_none(r.get("killed")) or 0) > 0 and r.get("side") in ("east", "west", "city")
        a2, i2 = ("Civilians (Syria)", 7) if civilians else ("", 0)
        loc = r.get("location") or ("Aleppo" if r.get("side") in ("east", "west", "city") else "")
        prec = r.get("date_precision") or "day"
        rows.append({
            "event_id_cnty": f"SYR-FL-{r.get('event_id')}",
            "event_date": str(pd.Timestamp(day).date()) if day is not None else "",
            "year": pd.Timestamp(day).year if day is not None else "",
            "time_precision": _TIME_PRECISION.get(prec, 3),
            "disorder_type": "Political violence",
            "event_type": etype, "sub_event_type": sub,
            "actor1": a1, "assoc_actor_1": "", "inter1": i1,
            "actor2": a2, "assoc_actor_2": "", "inter2": i2,
            "interaction": int(f"{min(i1, i2)}{max(i1, i2)}") if i2 else i1 * 10,
            "civilian_targeting": "Civilian targeting" if civilians else "",
            "iso": 760, "region": "Middle East", "country": "Syria",
            "admin1": "Aleppo" if r.get("side") in ("east", "west", "city") else "",
            "admin2": "Jebel Saman" if r.get("side") in ("east", "west", "city") else "",
            "admin3": "", "location": loc,
            "latitude": _none(r.get("lat")) if _none(r.get("lat")) is not None else "",
            "longitude": _none(r.get("lon")) if _none(r.get("lon")) is not None else "",
            "geo_precision": _GEO_PRECISION.get(r.get("geo_precision") or "", 3),
            "source": "; ".join(str(x) for x in (r.get("source"), r.get("outlet")) if x),
            "source_scale": "Other",
            "notes": str(r.get("evidence") or "")[:1000],
            "fatalities": 0 if r.get("implausible") else int(_none(r.get("killed")) or 0),
            "tags": "implausible toll" if r.get("implausible") else "",
            "timestamp": 0,
        })
    return pd.DataFrame(rows, columns=ACLED_COLUMNS)



def acled_csv(conn, f: Filters) -> str:
    return csv_text(acled_from_frame(queries.incidents(conn, f)))
