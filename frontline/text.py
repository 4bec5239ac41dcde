"""Sentence splitting: a regex splitter with an abbreviation set (no model)."""
from __future__ import annotations

import re
from typing import Iterator, Optional

from .models import Span

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
    for m in _BOUNDARY.finditer(text):
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
    folded = text.lower()
    if not text.isascii() and (len(folded) != len(text) or any(c in text for c in _FOLDS_APART)):
        return None
    return folded


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

    def search(self, text: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
        endpos = len(text) if endpos is None else endpos
        folded = fold(text)
        if folded is None:
            return self.regex.search(text, pos, endpos)
        m = self.scanner.search(folded, pos, endpos)
        return None if m is None else self.regex.match(text, m.start(), endpos)

    def match(self, text: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
        endpos = len(text) if endpos is None else endpos
        folded = fold(text)
        if folded is not None and self.scanner.match(folded, pos, endpos) is None:
            return None
        return self.regex.match(text, pos, endpos)

    def starts(self, text: str) -> list:
        """Where the matches of ``finditer(text)`` start, without making them (the folded scan alone)."""
        folded = fold(text)
        if folded is None:
            return [m.start() for m in self.regex.finditer(text)]
        return [m.start() for m in self.scanner.finditer(folded)]

    def finditer(self, text: str, pos: int = 0, endpos: Optional[int] = None) -> Iterator[re.Match]:
        endpos = len(text) if endpos is None else endpos
        folded = fold(text)
        if folded is None:
            yield from self.regex.finditer(text, pos, endpos)
            return
        for m in self.scanner.finditer(folded, pos, endpos):
            yield self.regex.match(text, m.start(), endpos)
