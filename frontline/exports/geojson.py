"""GeoJSON export: a FeatureCollection of the filtered incidents that have coordinates."""
from __future__ import annotations

import json

import pandas as pd

from .. import queries
from ..queries import Filters
from .common import _json_value, _none


def geojson_from_frame(incidents: pd.DataFrame) -> dict:
    """A FeatureCollection of the incidents with coordinates (others are left out)."""
    feats = []
    for rec in incidents.to_dict("records"):
        lat, lon = _none(rec.get("lat")), _none(rec.get("lon"))
        if lat is None or lon is None:
            continue
        props = {k: _json_value(v) for k, v in rec.items() if k not in ("lat", "lon")}
        feats.append({"type": "Feature", "id": rec.get("event_id"),
                      "geometry": {"type": "Point", "coordinates": [round(float(lon), 6),
                                                                    round(float(lat), 6)]},
                      "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def geojson(conn, f: Filters) -> str:
    return json.dumps(geojson_from_frame(queries.incidents(conn, f)), ensure_ascii=False)


