"""Place names: an Aho-Corasick automaton over ``data/places.csv`` names and variants.

One pass over the text finds every place, whatever the size of the gazetteer;
matches are kept only on word boundaries, the longest at each position.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Optional

import ahocorasick

from .models import Mention
from .resources import read_csv_rows

THEATRE = "aleppo"      # the governorate whose places win a shared spelling when the text does not say
# how precise a kind of place is: lower is more precise
PRECISION = {"neighbourhood": 0, "site": 1, "town": 2, "city": 3, "region": 4, "governorate": 5,
             "venue": 3, "country": 6}


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    kind: str
    control: str            # east | west | kurdish | "" (outside Aleppo city or whole city)
    in_aleppo_city: bool
    lat: Optional[float]
    lon: Optional[float]
    governorate: str
    country: str

    @property
    def side(self) -> str:
        """The guideline's side code of an incident at this place."""
        if self.in_aleppo_city:
            return {"east": "east", "west": "west"}.get(self.control, "city")
        return "outside"

    @property
    def precision(self) -> int:
        return PRECISION.get(self.kind, 7)

    def contains(self, other: "Place") -> bool:
        """Is ``other`` a part of this place: Aleppo city holds its sides and neighbourhoods, a governorate its
        towns (a place does not contain itself)."""
        if other.place_id == self.place_id:
            return False
        if self.kind == "city" and self.in_aleppo_city:
            return other.in_aleppo_city and other.kind != "city"     # its east and west are "regions"
        return self.kind == "governorate" and other.governorate == self.governorate \
            and other.precision < self.precision


def _fold(s: str) -> str:
    return s.lower().replace("\u2019", "'").replace("\u2010", "-")


def surface_forms(name: str) -> set:
    """A name's spellings as matched: itself, without "al-"/"el-", and the possessive with its apostrophe stripped."""
    forms = {name}
    low = name.lower()
    for prefix in ("al-", "al ", "el-", "el ", "ar-", "as-", "ash-", "ad-", "az-", "an-", "at-"):
        if low.startswith(prefix) and len(name) - len(prefix) >= 5:
            forms.add(name[len(prefix):])
    out = set()
    for f in forms:
        out |= {f, f + "s", f + "'s"}
    return {_fold(f) for f in out}


@functools.lru_cache(maxsize=1)
def load_places() -> dict:
    places = {}
    for row in read_csv_rows("places.csv"):
        def num(v):
            try:
                return float(v)
            except (TypeError, ValueError):
                return None
        places[row["place_id"]] = Place(
            row["place_id"], row["name"], row["kind"], (row.get("control") or "").strip(),
            str(row.get("in_aleppo_city", "")).strip().lower() in ("true", "1", "yes"),
            num(row.get("lat")), num(row.get("lon")), row.get("governorate") or "", row.get("country") or "")
    return places


@functools.lru_cache(maxsize=1)
def automaton():
    auto = ahocorasick.Automaton()
    rows = read_csv_rows("places.csv")
    claims: dict = {}
    for order, row in enumerate(rows):
        names = [row["name"]] + [v for v in (row.get("variants") or "").split("|") if v.strip()]
        for name in names:
            for form in surface_forms(name.strip()):
                claims.setdefault(form, {}).setdefault(row["place_id"], (
                    (row.get("governorate") or "") != THEATRE, PRECISION.get(row["kind"], 7), order))
    for form, by_place in claims.items():
        # a spelling shared by several places: the theatre's first, then the more precise (see find_places)
        ranked = tuple(pid for pid, _ in sorted(by_place.items(), key=lambda kv: kv[1]))
        auto.add_word(form, (len(form), ranked))
    auto.make_automaton()
    return auto


def find_places(text: str, offset: int = 0) -> list:
    """Place mentions in ``text``, longest match per position, on word boundaries."""
    if not text:
        return []
    folded = _fold(text)
    n = len(folded)
    return _choose(text, [(start, end, pids) for start, end, pids in _names(folded)
                          if _on_word_edges(folded, start, end, 0, n) and _is_name_start(text, folded, start, n)],
                   offset)


def find_places_in_spans(text: str, spans: list) -> list:
    """``find_places`` of each span of ``text`` (a ``Span`` per sentence), with one automaton pass over the
    whole text instead of one per sentence."""
    folded = _fold(text)
    if len(folded) != len(text) or "\u03a3" in text:
        # lower-casing is not letter for letter here (a letter that folds into two, a final sigma):
        # the sentences are folded one by one, as they would be alone
        return [find_places(sp.text, sp.start) for sp in spans]
    starts = [sp.start for sp in spans]
    per_span: list = [[] for _ in spans]
    for start, end, pids in _names(folded):
        i = bisect.bisect_right(starts, start) - 1
        if i < 0 or end > spans[i].end:
            continue
        lo, hi = spans[i].start, spans[i].end       # a span's edges are word edges, as a text's ends are
        if _on_word_edges(folded, start, end, lo, hi) and _is_name_start(text, folded, start, hi):
            per_span[i].append((start - lo, end - lo, pids))
    return [_choose(sp.text, hits, sp.start) if hits else [] for sp, hits in zip(spans, per_span)]


def _names(folded: str):
    """(start, end, place ids best first) of every name the automaton finds in ``folded``."""
    for end_idx, (length, pids) in automaton().iter(folded):
        yield end_idx - length + 1, end_idx + 1, pids


def _on_word_edges(folded: str, start: int, end: int, lo: int, hi: int) -> bool:
    return not ((start > lo and folded[start - 1].isalnum()) or (end < hi and folded[end].isalnum()))


def _is_name_start(text: str, folded: str, start: int, hi: int) -> bool:
    """A capitalised first letter: place names are proper nouns ("Bab" vs "bab")."""
    return text[start].isupper() or text[start].isdigit() or folded[start:min(start + 3, hi)] in ("al-", "el-", "al ") \
        or folded.startswith(GENERIC_LEADS, start, hi)


# variants that open on a lower-case generic word before the proper name ("province of Aleppo", "rural Idlib")
GENERIC_LEADS = ("province of ", "countryside of ", "outskirts of ", "suburbs of ", "rural ", "northern ", "southern ",
                 "eastern ", "western ", "north ", "south ", "east ", "west ", "central ", "governorate of ")


def _choose(text: str, hits: list, offset: int) -> list:
    """The longest name at each position, no two overlapping; a name several places share resolved."""
    places = load_places()
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept, last_end = [], -1
    for start, end, pids in hits:
        if start < last_end:
            continue
        kept.append((start, end, pids))
        last_end = end
    # a name two places share is the one in a governorate the same text names without doubt
    # ("rocket shells fell in al-Zahraa" after "Homs city": Homs's al-Zahraa, not Aleppo's)
    named = {places[pids[0]].governorate for _, _, pids in kept if len(pids) == 1}
    out = []
    for start, end, pids in kept:
        pid = next((p for p in pids if places[p].governorate in named), pids[0])
        place = places[pid]
        region = COUNTRYSIDE_AFTER.match(text, end) if place.kind == "city" else None
        if region and f"{place.governorate}_governorate" in places:
            # "Homs southeastern countryside", "Hama's northern countryside": the province, not the city
            place, end = places[f"{place.governorate}_governorate"], region.end()
        out.append(Mention(place, text[start:end], offset + start, offset + end, "gazetteer"))
    return out


COUNTRYSIDE_AFTER = re.compile(r"(?:'s|s|\u2019s)?\s+(?:(?:north|south|east|west|central)\w*(?:[- ]\w+ern)?\s+)?"
                               r"(?:countryside|province|governorate|rural areas|suburbs|outskirts)\b", re.I)
