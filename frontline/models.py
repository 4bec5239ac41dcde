"""Records shared by every layer: articles, evidence spans, claims and events.

Every extracted value keeps where it came from: the article id and the
character span ``text[start:end]`` of the sentence (or mention) it was read from.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Article:
    """One news article as read from disk; ``published`` may be unknown."""
    id: str
    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: Optional[dt.date] = None
    # where `published` came from: "dateline" (the text's own), "metadata", or "" (unknown)
    published_from: str = ""
    # the id in the input when it differs from `id` (a second text under one id becomes "<id>~2")
    source_id: str = ""


@dataclass(frozen=True)
class Mention:
    """A value found in a text: ``text[start:end] == surface``."""
    value: object
    surface: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class Span:
    """A sentence of an article that states (part of) an event."""
    start: int
    end: int
    text: str


@dataclass
class Claim:
    """One source's figures for an incident, as one sentence states them."""
    source: Optional[str]        # who the article attributes the figures to
    killed: Optional[int] = None
    killed_low: Optional[int] = None
    killed_high: Optional[int] = None
    killed_qualifier: Optional[str] = None   # exact|at_least|more_than|up_to|nearly|about|vague
    injured: Optional[int] = None
    injured_low: Optional[int] = None
    injured_high: Optional[int] = None
    children_killed: Optional[int] = None
    women_killed: Optional[int] = None
    span: Optional[Span] = None


@dataclass
class Incident:
    article_id: str
    event_date: Optional[str]            # YYYY-MM-DD, YYYY-MM or None
    date_precision: str                  # day | month | unknown
    event_type: str
    actor: Optional[str]
    side: Optional[str]                  # east | west | city | outside | None
    location: Optional[str] = None       # canonical place name
    place_id: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    geo_precision: Optional[str] = None  # neighbourhood | site | town | side | city | governorate | country
    killed: Optional[int] = None
    killed_low: Optional[int] = None
    killed_high: Optional[int] = None
    killed_qualifier: Optional[str] = None
    injured: Optional[int] = None
    injured_low: Optional[int] = None
    injured_high: Optional[int] = None
    children_killed: Optional[int] = None
    women_killed: Optional[int] = None
    source: Optional[str] = None         # attributed source of the figures
    implausible: bool = False            # a toll too large to be one incident
    spans: list = field(default_factory=list)    # list[Span], first is the main one
    claims: list = field(default_factory=list)   # list[Claim]
    mentions: list = field(default_factory=list)  # list[Span]: the clauses (event mentions) resolved into it
    trace: list = field(default_factory=list)    # list[str]: why mentions were folded in, split off, set aside

    kind = "incident"

    @property
    def evidence(self) -> str:
        return " ".join(s.text for s in self.spans)


@dataclass
class Diplomacy:
    article_id: str
    event_date: Optional[str]
    date_precision: str
    event_type: str                      # meeting | call | un_action | visit | agreement | proposal | accusation
    actors: list = field(default_factory=list)   # normalised party names
    location: Optional[str] = None
    status: str = "happened"             # happened | scheduled | cancelled
    spans: list = field(default_factory=list)

    kind = "diplomacy"

    @property
    def evidence(self) -> str:
        return " ".join(s.text for s in self.spans)


@dataclass
class ArticleEvents:
    article: Article
    incidents: list = field(default_factory=list)
    diplomacy: list = field(default_factory=list)


def event_to_record(ev) -> dict:
    """A JSON-ready dict of an event: the scorer's fields plus evidence spans."""
    d = asdict(ev)
    d["kind"] = ev.kind
    d["evidence"] = ev.evidence
    d["evidence_spans"] = [[s.start, s.end] for s in ev.spans]
    d.pop("spans", None)
    if "mentions" in d:
        d["mentions"] = [[s.start, s.end] for s in ev.mentions]
    return d
