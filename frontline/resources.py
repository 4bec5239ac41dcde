"""Cached loaders of the data files in ``data/`` (lexicons, gazetteer, geometry).

Each CSV opens with ``# source: ...`` comment lines; they are skipped here.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("FRONTLINE_DATA", PROJECT_ROOT / "data"))


def data_path(name: str) -> Path:
    return DATA_DIR / name


@functools.lru_cache(maxsize=None)
def read_csv_rows(name: str) -> tuple:
    """Rows of a data CSV as dicts, comment lines (``#``) skipped."""
    text = data_path(name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return tuple(csv.DictReader(io.StringIO("\n".join(lines))))


@functools.lru_cache(maxsize=None)
def read_geojson(name: str) -> dict:
    return json.loads(data_path(name).read_text(encoding="utf-8"))


_META = set("()[]{}?*+.|^$")


def split_alternatives(pattern: str) -> list:
    """Top-level alternatives of a regex fragment ("a|b(?:c|d)" -> ["a", "b(?:c|d)"])."""
    out, depth, cur, i = [], 0, [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            cur.append(pattern[i:i + 2])
            i += 2
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


def literal_prefixes(alternative: str) -> list | None:
    """Lower-case literal strings one of which every match of ``alternative`` starts with; None if unknown.

    ``(?:halt|stop)\\s+x`` -> ["halt", "stop"]; ``air ?strikes`` -> ["air"]; ``\\d+ killed`` -> None.
    """
    if alternative.startswith("(?:"):
        depth, j = 0, 0
        for j, c in enumerate(alternative):
            if c == "(" and (j == 0 or alternative[j - 1] != "\\"):
                depth += 1
            elif c == ")" and alternative[j - 1] != "\\":
                depth -= 1
                if depth == 0:
                    break
        if j + 1 < len(alternative) and alternative[j + 1] in "?*{":
            return None
        out = []
        for inner in split_alternatives(alternative[3:j]):
            got = literal_prefixes(inner)
            if got is None:
                return None
            out += got
        return out
    prefix, i = [], 0
    while i < len(alternative):
        c = alternative[i]
        if c == "\\":
            nxt = alternative[i + 1:i + 2]
            if nxt.isalnum():
                break
            prefix.append(nxt)
            i += 2
            continue
        if c in _META:
            if c in "?*{" and prefix:
                prefix.pop()
            break
        prefix.append(c)
        i += 1
    text = "".join(prefix).lower()
    return [text] if len(text) >= 2 else None


class Lexicon:
    """Regex fragments from one CSV compiled into a single alternation.

    ``finditer(text)`` yields ``(match, row)`` with the CSV row that matched. When every
    alternative starts with a literal, an Aho-Corasick automaton of those literals finds the
    few positions worth trying and the regex is matched only there (C speed over the text,
    instead of trying a large alternation at every character).
    """

    def __init__(self, rows, pattern_column="pattern", hyphen_is_boundary=False):
        self.rows = list(rows)
        parts = [f"(?P<g{i}>{row[pattern_column]})" for i, row in enumerate(self.rows)]
        edge = r"\w" if hyphen_is_boundary else r"\w-"
        self.regex = re.compile(rf"(?<![{edge}])(?:" + "|".join(parts) + rf")(?![{edge}])", re.IGNORECASE)
        prefixes = set()
        for row in self.rows:
            for alt in split_alternatives(row[pattern_column]):
                got = literal_prefixes(alt)
                if got is None:
                    prefixes = None
                    break
                prefixes.update(got)
            if prefixes is None:
                break
        self.automaton = None
        if prefixes:
            import ahocorasick
            self.automaton = ahocorasick.Automaton()
            for p in prefixes:
                self.automaton.add_word(p, len(p))
            self.automaton.make_automaton()

    def finditer(self, text, pos=0, endpos=None, folded=None):
        endpos = len(text) if endpos is None else endpos
        if self.automaton is None:
            for m in self.regex.finditer(text, pos, endpos):
                yield m, self.rows[int(m.lastgroup[1:])]
            return
        folded = text.lower() if folded is None else folded
        starts = sorted({end - length + 1 for end, length in self.automaton.iter(folded, pos, endpos)})
        last_end = pos
        for start in starts:
            if start < last_end:
                continue
            m = self.regex.match(text, start, endpos)
            if m:
                last_end = m.end()
                yield m, self.rows[int(m.lastgroup[1:])]


@functools.lru_cache(maxsize=None)
def lexicon(name: str, hyphen_is_boundary: bool = False) -> Lexicon:
    return Lexicon(read_csv_rows(name), hyphen_is_boundary=hyphen_is_boundary)
