"""Sentence splitting: a regex splitter with an abbreviation set (no model)."""
from __future__ import annotations

import _sre
import re
from re import _constants as _C
from re import _parser as _sre_parser
from typing import Iterator, Optional

from .models import Span
from .rxcache import memoized, parsed_parts

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt st mt jan feb mar apr jun jul aug sep sept oct nov dec "
    "u.s u.n u.k e.g i.e vs no approx est inc corp co ltd jr sr rev gov sen rep".split()
)
# a sentence ends at . ! ? (optionally followed by a closing quote) before white space and a capital,
# digit or opening quote; or at a blank line / line break
_BOUNDARY = re.compile(r"""([.!?]["”’')\]]?)\s+(?=["“‘(\[]?[A-Z0-9])|\n\s*""")
MAX_SENTENCE = 2000


def split_sentences(text: str, extra_breaks: tuple = ()) -> list:
    """Split ``text`` into sentence spans; ``text[s.start:s.end] == s.text``.

    ``extra_breaks`` are offsets where a sentence must end (e.g. around a headline
    embedded in the body). Very long runs without punctuation are cut at
    ``MAX_SENTENCE`` characters so that no later step sees unbounded input.
    """
    cuts = set(extra_breaks)
    for m in _boundaries(text):
        if m.group(1):
            # the word the mark ends (at most 40 characters back): the last run of non-space before it
            word = text[max(0, m.start(1) - 40):m.start(1) + 1].rsplit(None, 1)[-1].rstrip(".").lower()
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            cuts.add(m.end(1))
        else:
            cuts.add(m.start())
    spans, start = [], 0
    for cut in sorted(cuts) + [len(text)]:
        if cut <= start:
            continue
        spans.extend(_trimmed_spans(text, start, cut))
        start = cut
    return spans


# every boundary opens on one of these: ``re`` skips to them at C speed, where the alternation tries every offset
_BOUNDARY_OPENERS = re.compile(r"[.!?\n]")


def _boundaries(text: str) -> Iterator[re.Match]:
    """``_BOUNDARY.finditer(text)``, the boundary tried only where one of its opening characters stands."""
    pos = 0
    while True:
        c = _BOUNDARY_OPENERS.search(text, pos)
        if c is None:
            return
        m = _BOUNDARY.match(text, c.start())
        if m is not None:
            yield m
            pos = m.end()            # (never empty: a mark and white space, or a line break)
        else:
            pos = c.start() + 1


def _trimmed_spans(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    out = []
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        out.append(Span(start, cut, text[start:cut]))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Span(start, end, text[start:end]))
    return out


# letters that a case-insensitive regex equates with an ASCII letter although ``str.lower`` does not
# map them onto it (dotless i, long s), or maps them onto two characters (dotted capital I)
_FOLDS_APART = ("\u0131", "\u017f", "\u0130")


def fold(text: str) -> Optional[str]:
    """``text.lower()`` when it stands for ``text`` in a case-insensitive search: same length (so
    offsets carry over) and the same letters an ``re.IGNORECASE`` literal matches; else None."""
    global _last_fold
    last = _last_fold
    if last[0] is text:           # the same sentence scanned by pattern after pattern: folded once
        return last[1]
    folded = text.lower()
    if not text.isascii() and (len(folded) != len(text) or any(c in text for c in _FOLDS_APART)):
        folded = None
    _last_fold = (text, folded)
    return folded


_last_fold: tuple = (None, None)          # (text, fold(text)) of the last call: the text is held, so never reused


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


@memoized
def required_literals(pattern: str) -> Optional[tuple]:
    """Literals one of which every match of ``pattern`` (compiled case-sensitively) contains; None if
    the pattern has none to tell ("\\d+ killed|killed" -> ("killed",); "\\w+" -> None).

    Read from the parsed pattern: a run of literal characters in a sequence, a group repeated at least
    once, or the literals of every branch of an alternation; the strongest of a sequence's (longest
    shortest literal, then fewest) is kept. A literal holding another of the set is dropped."""
    try:
        parsed = _sre_parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    got = _required(list(parsed))
    if not got:
        return None
    return tuple(sorted(w for w in got if not any(o != w and o in w for o in got)))


def _stronger(a: Optional[set], b: Optional[set]) -> bool:
    if not a:
        return False
    if not b:
        return True
    return (min(4, *map(len, a)), -len(a)) > (min(4, *map(len, b)), -len(b))


def _required(items: list) -> Optional[set]:
    """``required_literals`` of a parsed sequence (a set; None when there are none)."""
    best, run = None, []
    for op, av in items + [(None, None)]:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            cand = {"".join(run)}
            best = cand if _stronger(cand, best) else best
            run = []
        cand = None
        if op is _C.SUBPATTERN and not (av[1] & re.IGNORECASE):       # (group, add_flags, del_flags, items)
            cand = _required(list(av[3]))
        elif op is _C.BRANCH:
            sets = [_required(list(b)) for b in av[1]]
            cand = set().union(*sets) if all(sets) else None
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and av[0] >= 1:
            cand = _required(list(av[2]))
        elif op is _C.ATOMIC_GROUP:
            cand = _required(list(av))
        best = cand if _stronger(cand, best) else best
    return best


MAX_STARTS = 64            # literal starts of one row, at most (past that, the shorter prefixes serve)
MAX_START_LENGTH = 24


@memoized
def literal_starts(pattern: str, min_length: int = 2, class_size: int = 4) -> Optional[frozenset]:
    """Lower-case ASCII literals, one of which every match of ``pattern`` (case ignored) starts with, read
    through groups and alternations as far as they are literal: ``(?:for|in) fear of`` -> {"for fear of",
    "in fear of"}; ``strikes?`` -> {"strike"}; a class of at most ``class_size`` ASCII characters counts as
    their alternation (``[1-9]`` with 9 or more). None when some match may start otherwise, or the literals
    would be shorter than ``min_length`` characters or more than ``MAX_STARTS``."""
    try:
        parsed = _sre_parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & re.VERBOSE:
        return None
    got = _starts(list(parsed), class_size)
    if not got or len(got) > MAX_STARTS or any(len(w) < min_length for w, _ in got):
        return None
    return frozenset(w for w, _ in got)


def _starts(items: list, class_size: int = 4) -> Optional[list]:
    """[(literal, open)] for a parsed sequence: every match starts with one of the literals; ``open`` while the
    literal is the whole match so far (it may grow with what follows). None when the first item is not literal."""
    out = [("", True)]
    for op, av in items:
        if not any(o for _, o in out):
            break
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
            continue              # a word edge, a look-behind or -ahead: zero-width, what is matched starts after
        sub = _item_starts(op, av, class_size)
        if sub is None:
            out = [(w, False) for w, _ in out]
            break
        grown = [(w + x, xo) for w, o in out if o for x, xo in sub] + [(w, o) for w, o in out if not o]
        if len(grown) > MAX_STARTS or any(len(w) > MAX_START_LENGTH for w, _ in grown):
            out = [(w, False) for w, _ in out]
            break
        out = grown
    return None if any(not w for w, _ in out) else out


def _class_chars(av) -> Optional[set]:
    """The ASCII characters of a parsed class of literals and ranges; None if it holds anything else."""
    chars: set = set()
    for o, v in av:
        if o is _C.LITERAL:
            chars.add(chr(v))
        elif o is _C.RANGE and v[1] < 128:
            chars.update(chr(c) for c in range(v[0], v[1] + 1))
        else:
            return None
    return chars if all(c.isascii() for c in chars) else None


def _item_starts(op, av, class_size: int = 4) -> Optional[list]:
    if op is _C.LITERAL:
        c = chr(av).lower()
        return [(c, True)] if c.isascii() else None
    if op is _C.IN:
        chars = _class_chars(av)
        if chars is None or len(chars) > class_size:
            return None
        return [(c, True) for c in sorted({c.lower() for c in chars})]
    if op is _C.SUBPATTERN and not (av[1] & (re.VERBOSE | re.IGNORECASE)) and not av[2]:
        return _starts(list(av[3]), class_size)
    if op is _C.BRANCH:
        subs = [_starts(list(b), class_size) for b in av[1]]
        return None if any(x is None for x in subs) else [x for sub in subs for x in sub]
    return None


def _scout(pattern: str) -> Optional[re.Pattern]:
    """``pattern`` compiled without the zero-width assertions (word edges, look-behinds, look-aheads) it opens on,
    in each alternative, when it then opens on a literal character or a class (or on alternatives that each open
    on a literal), so that ``re`` skips to the offsets holding one; None otherwise, or when nothing was taken off
    or an empty match is possible. Every match of the pattern starts where one of the scout's does."""
    parts = _scout_parts(pattern)
    if parts is None:
        return None
    try:
        return _sre.compile(None, *parts)
    except Exception:          # noqa: BLE001 - private modules of ``re``: should they change, no scout
        return None


@memoized
def _scout_parts(pattern: str) -> Optional[tuple]:
    """What ``_sre.compile`` takes to make ``_scout(pattern)`` (``rxcache.parsed_parts``); None for no scout."""
    try:
        parsed = _sre_parser.parse(pattern)
        if parsed.state.flags & (re.IGNORECASE | re.VERBOSE) or parsed.getwidth()[0] == 0:
            return None
        opens_on_literal, stripped = _strip_leading_assertions(parsed)
        if not (opens_on_literal and stripped):
            return None
        return parsed_parts(parsed, 0)
    except Exception:          # noqa: BLE001 - private modules of ``re``: should they change, no scout
        return None


def _strip_leading_assertions(sub) -> tuple:
    """Take the zero-width assertions a parsed sequence opens on off it (in place), through groups and into each
    alternative; (it now opens on a literal or a class, something was taken off)."""
    data, stripped = sub.data, False
    while data and data[0][0] in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        del data[0]
        stripped = True
    if not data:
        return False, stripped
    op, av = data[0]
    if op is _C.BRANCH:
        ok = True
        for alt in av[1]:
            _, took = _strip_leading_assertions(alt)
            stripped = stripped or took
            ok = ok and bool(alt.data) and alt.data[0][0] is _C.LITERAL
        return ok, stripped
    if op is _C.SUBPATTERN and not av[1] and not av[2]:
        ok, took = _strip_leading_assertions(av[3])
        return ok, stripped or took
    return op in (_C.LITERAL, _C.IN), stripped


def _alternatives(pattern: str) -> Optional[tuple]:
    """``Caseless`` of each top-level alternative of ``pattern`` when there are several, each one has literals
    one of which its matches hold or a scout, and each means alone what it means in the whole (no inline flags,
    no back-references); None otherwise."""
    parts = split_alternatives(pattern)
    if len(parts) < 2 or "(?P=" in pattern or re.search(r"\\[1-9]|\(\?[aiLmsux]", pattern):
        return None
    try:
        whole = _sre_parser.parse(pattern)
        branch = list(whole)
        if len(branch) != 1 or branch[0][0] is not _C.BRANCH or len(branch[0][1][1]) != len(parts):
            return None
        out = tuple(Caseless(p) for p in parts)
    except (re.error, ValueError):
        return None
    return out if all(p.needs is not None or p.scout is not None for p in out) else None


LOOP_REQUIRED = 12       # up to this many literals, ``in`` one by one; past it, one Aho-Corasick pass


def _literal_finder(literals: tuple):
    """An Aho-Corasick automaton of ``literals``: ``next(finder.iter(text), None)`` is None when none is in it."""
    import ahocorasick
    auto = ahocorasick.Automaton()
    for w in literals:
        auto.add_word(w, w)
    auto.make_automaton()
    return auto


SCOUT_MIN_SPAN = 64       # over a shorter span (a window before a word) the scout's loop costs more than it saves
MAX_REQUIRED = 32        # past this many literals, looking for each costs about what the scan saves


class Caseless:
    """``re.compile(pattern, re.IGNORECASE)`` whose scans run case-sensitively over ``fold(text)``.

    ``re`` compares every character through case folding under IGNORECASE, which makes a search
    several times slower than a case-sensitive one. The pattern must spell its letters in lower-case
    ASCII (a class ``[A-Z]``, any ASCII letter when case is ignored, is scanned as ``[a-z]``).
    ``search``, ``match`` and ``finditer`` return the matches of the case-insensitive regex over
    ``text`` itself (spans, groups and all): only where to match is found on the folded text.
    """

    def __init__(self, pattern: str):
        scanned = pattern.replace("[A-Z]", "[a-z]")
        letters = re.sub(r"\\.|\(\?P", "", scanned)          # escapes (\S, \W) and "(?P<" hold no letters to fold
        if not pattern.isascii() or any(c.isupper() for c in letters):
            raise ValueError(f"Caseless needs a lower-case ASCII pattern: {pattern[:60]!r}")
        self.pattern = pattern
        self.regex = re.compile(pattern, re.IGNORECASE)
        self.scanner = re.compile(scanned)
        # literals one of which every match holds: a folded text holding none of them is not scanned at all
        needs = required_literals(scanned)
        self.needs = needs if needs is not None and len(needs) <= MAX_REQUIRED else None
        # many of them are looked for in one pass (a Python loop of ``in`` costs more past a dozen)
        self.needs_finder = _literal_finder(self.needs) if self.needs and len(self.needs) > LOOP_REQUIRED else None
        # where a match may start, found by ``re`` at C speed instead of trying the pattern at every offset: the
        # pattern without the word edges and look-arounds it opens on, where it then opens on a literal or a class;
        # else one alternation of the literals every match starts with
        self.scout = _scout(scanned)
        if self.scout is None:
            heads = literal_starts(scanned, min_length=1, class_size=10)
            if heads is not None:
                self.scout = re.compile("|".join(map(re.escape, sorted(heads, key=lambda w: (-len(w), w)))))
        # no scout for the whole, but alternatives that each have their literals or a scout: the leftmost match
        # of the whole starts where the leftmost of its alternatives' matches starts, so each is looked for alone
        self.parts = _alternatives(pattern) if self.scout is None else None

    def _first(self, folded: str, pos: int, endpos: int) -> int:
        """Where the leftmost match of the scanner over ``folded[pos:endpos]`` starts, -1 if none does."""
        if not self._may_match(folded, pos, endpos):
            return -1
        if self.scout is not None and endpos - pos > SCOUT_MIN_SPAN:
            return self._first_scout_match(folded, pos, endpos)
        m = self.scanner.search(folded, pos, endpos)
        return -1 if m is None else m.start()

    def _first_of_parts(self, folded: str, pos: int, endpos: int) -> int:
        """``_first`` of the whole, read from its alternatives' (see ``parts``)."""
        best = -1
        for part in self.parts:
            i = part._first(folded, pos, endpos)
            if i >= 0 and (best < 0 or i < best):
                best = i
        return best

    def _may_match(self, folded: str, pos: int, endpos: int) -> bool:
        needs = self.needs
        if needs is None:
            return True
        if pos == 0 and endpos >= len(folded):
            if self.needs_finder is not None:
                return next(self.needs_finder.iter(folded), None) is not None
            for w in needs:
                if w in folded:
                    return True
            return False
        for w in needs:
            if folded.find(w, pos, endpos) >= 0:
                return True
        return False

    def search(self, text: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
        # (the most called scan of the extractor: ``fold`` and ``_may_match`` written out inline)
        endpos = len(text) if endpos is None else endpos
        last = _last_fold
        folded = last[1] if last[0] is text else fold(text)
        if folded is None:
            return self.regex.search(text, pos, endpos)
        needs = self.needs
        if needs is not None:
            if pos == 0 and endpos >= len(folded):
                finder = self.needs_finder
                if finder is not None:
                    if next(finder.iter(folded), None) is None:
                        return None
                else:
                    for w in needs:
                        if w in folded:
                            break
                    else:
                        return None
            elif not self._may_match(folded, pos, endpos):
                return None
        if self.parts is not None:
            i = self._first_of_parts(folded, pos, endpos)
            return None if i < 0 else self.regex.match(text, i, endpos)
        scout = self.scout
        if scout is not None and endpos - pos > SCOUT_MIN_SPAN:
            scanner = self.scanner
            while True:               # ``_first_scout_match``
                m = scout.search(folded, pos, endpos)
                if m is None:
                    return None
                i = m.start()
                if scanner.match(folded, i, endpos) is not None:
                    return self.regex.match(text, i, endpos)
                pos = i + 1
        m = self.scanner.search(folded, pos, endpos)
        return None if m is None else self.regex.match(text, m.start(), endpos)

    def _first_scout_match(self, folded: str, pos: int, endpos: int) -> int:
        """Where ``scanner.search(folded, pos, endpos)`` matches (-1 if nowhere): every match of the scanner
        is one of the scout's, so the scanner is tried where the scout matches, in order."""
        scout, scanner = self.scout, self.scanner
        while True:
            m = scout.search(folded, pos, endpos)
            if m is None:
                return -1
            i = m.start()
            if scanner.match(folded, i, endpos) is not None:
                return i
            pos = i + 1

    def match(self, text: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
        endpos = len(text) if endpos is None else endpos
        last = _last_fold
        folded = last[1] if last[0] is text else fold(text)
        if folded is not None and self.scanner.match(folded, pos, endpos) is None:
            return None
        return self.regex.match(text, pos, endpos)

    def starts(self, text: str) -> list:
        """Where the matches of ``finditer(text)`` start, without making them (the folded scan alone)."""
        folded = fold(text)
        if folded is None:
            return [m.start() for m in self.regex.finditer(text)]
        if not self._may_match(folded, 0, len(folded)):
            return []
        if self.scout is not None and len(folded) > SCOUT_MIN_SPAN:
            return [m.start() for m in self._finditer_scout(folded, 0, len(folded))]
        return [m.start() for m in self.scanner.finditer(folded)]

    def _finditer_scout(self, folded: str, pos: int, endpos: int) -> Iterator[re.Match]:
        """``scanner.finditer(folded, pos, endpos)`` (no match of the scanner is empty): tried where the scout
        matches, from the end of the last match on."""
        while True:
            i = self._first_scout_match(folded, pos, endpos)
            if i < 0:
                return
            m = self.scanner.match(folded, i, endpos)
            yield m
            pos = m.end()

    def finditer(self, text: str, pos: int = 0, endpos: Optional[int] = None) -> Iterator[re.Match]:
        endpos = len(text) if endpos is None else endpos
        last = _last_fold
        folded = last[1] if last[0] is text else fold(text)
        if folded is None:
            yield from self.regex.finditer(text, pos, endpos)
            return
        if not self._may_match(folded, pos, endpos):
            return
        if self.scout is not None and endpos - pos > SCOUT_MIN_SPAN:
            for m in self._finditer_scout(folded, pos, endpos):
                yield self.regex.match(text, m.start(), endpos)
            return
        for m in self.scanner.finditer(folded, pos, endpos):
            yield self.regex.match(text, m.start(), endpos)
