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
from typing import Iterator, Optional

from .text import fold, literal_starts, split_alternatives

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
        self.hyphen_is_boundary = hyphen_is_boundary
        edge = r"\w" if hyphen_is_boundary else r"\w-"
        self._edges = (rf"(?<![{edge}])(?:", rf")(?![{edge}])")
        self._patterns = [row[pattern_column] for row in self.rows]
        self._row_regexes: dict = {}
        self.regex = re.compile(self._edges[0] + "|".join(parts) + self._edges[1], re.IGNORECASE)
        # the literals each row's matches start with (None: some alternative starts otherwise)
        self.row_prefixes = [_row_prefixes(p) for p in self._patterns]
        if self.row_prefixes and all(self.row_prefixes):
            self.prefixes = frozenset().union(*self.row_prefixes)
        else:
            self.prefixes = self.row_prefixes = None
        self.automaton = literal_automaton({p: len(p) for p in self.prefixes}) if self.prefixes else None
        # for a scan over folded text (``text.fold``): each row's longer literal starts, and whether the row can
        # be matched case-sensitively there (lower-case ASCII letters only, as ``text.Caseless`` needs)
        self.row_starts = None if self.row_prefixes is None else [
            literal_starts(p) or prefixes for p, prefixes in zip(self._patterns, self.row_prefixes)]
        self._foldable = [_foldable(p) for p in self._patterns]
        self._folded_regexes: dict = {}

    def folded_rows_regex(self, rows: frozenset) -> Optional[re.Pattern]:
        """``rows_regex(rows)`` compiled case-sensitively, to be matched over ``text.fold(text)`` (same spans,
        same row); None when a row of them is not all lower-case ASCII."""
        got = self._folded_regexes.get(rows, False)
        if got is False:
            got = None
            if all(self._foldable[i] for i in rows):
                parts = "|".join(f"(?P<g{i}>{self._patterns[i]})" for i in sorted(rows))
                got = re.compile((self._edges[0] + parts + self._edges[1]).replace("[A-Z]", "[a-z]"))
            self._folded_regexes[rows] = got
        return got

    def row_regex(self, i: int) -> re.Pattern:
        """Row ``i`` alone, with the lexicon's word edges: what ``regex`` matches with group ``g<i>``."""
        if i not in self._row_regexes:
            self._row_regexes[i] = re.compile(self._edges[0] + self._patterns[i] + self._edges[1], re.IGNORECASE)
        return self._row_regexes[i]

    def rows_regex(self, rows: frozenset) -> re.Pattern:
        """The rows ``rows`` alone, in row order, each as group ``g<i>``: where ``regex`` can only match one of
        them, it matches what ``regex`` matches (an alternation takes its first branch that fits)."""
        if rows not in self._row_regexes:
            parts = "|".join(f"(?P<g{i}>{self._patterns[i]})" for i in sorted(rows))
            self._row_regexes[rows] = re.compile(self._edges[0] + parts + self._edges[1], re.IGNORECASE)
        return self._row_regexes[rows]

    def finditer(self, text, pos=0, endpos=None, folded=None):
        endpos = len(text) if endpos is None else endpos
        if self.automaton is None:
            for m in self.regex.finditer(text, pos, endpos):
                yield m, self.rows[int(m.lastgroup[1:])]
            return
        folded = text.lower() if folded is None else folded
        starts = sorted({end - length + 1 for end, length in self.automaton.iter(folded, pos, endpos)})
        for m in match_at(self.regex, text, starts, endpos):
            yield m, self.rows[int(m.lastgroup[1:])]


def _row_prefixes(pattern: str) -> frozenset | None:
    """The literals every match of ``pattern`` starts with, one of its alternatives' each; None if unknown."""
    out: set = set()
    for alt in split_alternatives(pattern):
        got = literal_prefixes(alt)
        if got is None:
            return None
        out.update(got)
    return frozenset(out) or None


def _foldable(pattern: str) -> bool:
    """Can ``pattern`` be matched case-sensitively over folded text (``text.Caseless``'s condition)?"""
    letters = re.sub(r"\\.|\(\?P", "", pattern.replace("[A-Z]", "[a-z]"))
    return pattern.isascii() and not any(c.isupper() for c in letters)


def literal_automaton(values: dict):
    """An Aho-Corasick automaton of the keys of ``values`` (literals), each reporting its value."""
    import ahocorasick
    auto = ahocorasick.Automaton()
    for word, value in values.items():
        auto.add_word(word, value)
    auto.make_automaton()
    return auto


class LexiconScan:
    """Several lexicons over one text, found as each one's ``finditer`` finds them, with one automaton
    pass over the text for all of them. At each start a literal marks, only the rows that literal
    begins are tried, in row order (a lexicon's alternation tries its rows in that order)."""

    def __init__(self, lexicons: dict):
        self.lexicons = dict(lexicons)
        owners: dict = {}
        for name, lex in self.lexicons.items():
            for i, prefixes in enumerate(lex.row_prefixes or ()):
                for p in prefixes:
                    owners.setdefault(p, {}).setdefault(name, set()).add(i)
        # a literal -> (its length, ((lexicon, the rows it begins, hyphen is a word edge), ...))
        self.automaton = self._automaton(owners)
        # the same over folded text, with each row's longer literal starts (``Lexicon.row_starts``)
        owners = {}
        for name, lex in self.lexicons.items():
            for i, starts in enumerate(lex.row_starts or ()):
                for p in starts:
                    owners.setdefault(p, {}).setdefault(name, set()).add(i)
        self.folded_automaton = self._automaton(owners)

    def _automaton(self, owners: dict):
        return literal_automaton({
            p: (len(p), tuple((name, frozenset(rows), self.lexicons[name].hyphen_is_boundary)
                              for name, rows in o.items()))
            for p, o in owners.items()}) if owners else None

    def finditer(self, text: str, folded: Optional[str] = None) -> Iterator[tuple]:
        """``(name, match, row)``: lexicon by lexicon (in the order given), each one's matches in order.
        At each start, the rows worth trying there are tried in one regex (see ``Lexicon.rows_regex``).

        When ``text.fold(text)`` lines up with the text, the literals are each row's longer starts and the rows
        are matched case-sensitively over the folded text: the matches then span the folded text (the same
        spans, groups and rows; read their offsets, not their surface)."""
        if folded is None:
            lined_up = fold(text)
            if lined_up is not None and self.folded_automaton is not None:
                yield from self._scan(text, lined_up, self.folded_automaton, case_sensitive=True)
                return
        folded = text.lower() if folded is None else folded
        yield from self._scan(text, folded, self.automaton, case_sensitive=False)

    def _scan(self, text: str, folded: str, automaton, case_sensitive: bool) -> Iterator[tuple]:
        """The literals of ``automaton`` over ``folded``, then at each start the rows worth trying there; with
        ``case_sensitive`` (``folded`` is ``text.fold(text)``) a row set is matched over the folded text when it
        can be (``Lexicon.folded_rows_regex``)."""
        rows_at: dict = {name: {} for name in self.lexicons}       # name -> start -> rows worth trying
        n = len(text)               # (``text.lower()`` may not line up with the text: no start past its end)
        for end, (length, owners) in (automaton.iter(folded) if automaton is not None else ()):
            start = end - length + 1
            # every row opens on a word edge (``Lexicon``): a literal inside a word ("us" in "thus") is no start
            before = text[start - 1] if 0 < start <= n else ""
            if before.isalnum() or before == "_":
                continue
            for name, rows, hyphen in owners:
                if before == "-" and not hyphen:
                    continue
                at = rows_at[name]
                tried = at.get(start)
                at[start] = rows if tried is None else tried | rows
        for name, lex in self.lexicons.items():
            if lex.automaton is None:
                for m, row in lex.finditer(text):
                    yield name, m, row
                continue
            last_end = -1
            at = rows_at[name]
            lex_rows = lex.rows
            for start in sorted(at):
                if start < last_end:
                    continue
                rows = at[start]
                rx = lex.folded_rows_regex(rows) if case_sensitive else None
                m = rx.match(folded, start) if rx is not None else lex.rows_regex(rows).match(text, start)
                if m:
                    last_end = m.end()
                    yield name, m, lex_rows[int(m.lastgroup[1:])]


def match_at(regex: re.Pattern, text: str, starts, endpos: Optional[int] = None) -> Iterator[re.Match]:
    """What ``regex.finditer(text, starts[0], endpos)`` yields when every match starts at one of
    ``starts`` (sorted) and none is empty: the regex is tried at those offsets only, each after the
    last match."""
    endpos = len(text) if endpos is None else endpos
    last_end = -1
    for start in starts:
        if start < last_end:
            continue
        m = regex.match(text, start, endpos)
        if m:
            last_end = m.end()
            yield m


@functools.lru_cache(maxsize=None)
def lexicon(name: str, hyphen_is_boundary: bool = False) -> Lexicon:
    return Lexicon(read_csv_rows(name), hyphen_is_boundary=hyphen_is_boundary)
