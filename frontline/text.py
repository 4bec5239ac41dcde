"""Sentence splitting: a regex splitter with an abbreviation set (no model)."""
from __future__ import annotations

import re

from .models import Span

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt st mt jan feb mar apr jun jul aug sep sept oct nov dec "
    "u.s u.n u.k e.g i.e vs no approx est inc corp co ltd jr sr rev gov sen rep".split()
)
# a sentence ends at . ! ? (optionally followed by a closing quote) before white space and a capital,
# digit or opening quote; or at a blank line / line break
_BOUNDARY = re.compile(r"""([.!?]["”’')\]]?)\s+(?=["“‘(\[]?[A-Z0-9])|\n\s*""")
_WORD_BEFORE = re.compile(r"(\S+)$")
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
            before = _WORD_BEFORE.search(text, max(0, m.start(1) - 40), m.start(1) + 1)
            word = before.group(1).rstrip(".").lower() if before else ""
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
