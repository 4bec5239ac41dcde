"""Shared fixtures: project paths, ../shared (skipped when absent), a real DuckDB
file in tmp_path, and a tiny deterministic fake extractor for store/CLI tests."""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from frontline.models import Article, ArticleEvents, Claim, Diplomacy, Incident, Span

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_REASON = "../shared not found: the FA-KES corpus and eval gold are needed"


def _shared_dir() -> Path:
    env = os.environ.get("FRONTLINE_SHARED")
    return Path(env) if env else PROJECT_ROOT.parent / "shared"


def pytest_configure(config):
    config.addinivalue_line("markers", f"needs_shared: skipped when {SHARED_REASON.split(':')[0]}")


def pytest_collection_modifyitems(config, items):
    if (_shared_dir() / "eval" / "gold").is_dir():
        return
    skip = pytest.mark.skip(reason=SHARED_REASON)
    for item in items:
        if "needs_shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _shared_dir()


@pytest.fixture
def needs_shared(shared_dir) -> Path:
    """The ../shared folder, or skip the test."""
    if not (shared_dir / "eval" / "gold").is_dir():
        pytest.skip(SHARED_REASON)
    return shared_dir


@pytest.fixture
def tmp_db(tmp_path) -> Path:
    """Path of a real (not yet created) DuckDB store in tmp_path."""
    return tmp_path / "store" / "frontline.duckdb"


# --------------------------------------------------------------------------- fake extractor

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_NUMBER = re.compile(r"\b\d+\b")
PARTIES = ("Russia", "France", "United States", "Turkey", "United Nations")


def fake_extract(article: Article) -> ArticleEvents:
    """Deterministic stand-in for frontline.extract.extract_article.

    A sentence with "killed" is an incident (first number = killed, "children"
    after a second number = children_killed; "west"/"east" give the side,
    "rebel" the actor); a sentence with "met" is a meeting of the parties it
    names. "EXPLODE" in the text raises, to test failures.
    """
    if "EXPLODE" in article.text:
        raise RuntimeError("fake extractor exploded")
    day = article.published.isoformat() if article.published else None
    incidents, diplomacy = [], []
    for m in _SENTENCE.finditer(article.text):
        s = m.group(0)
        lead = len(s) - len(s.lstrip())
        span = Span(m.start() + lead, m.end(), s.strip())
        words = re.findall(r"[a-z]+", s.lower())
        if "killed" in words:
            nums = [int(x) for x in _NUMBER.findall(s)]
            killed = nums[0] if nums else None
            children = nums[1] if len(nums) > 1 and "children" in words else None
            side = "west" if "west" in s.lower() else ("east" if "east" in s.lower() else None)
            incidents.append(Incident(
                article_id=article.id, event_date=day, date_precision="day" if day else "unknown",
                event_type="shelling", actor="rebels" if "rebel" in s.lower() else None, side=side,
                location="Aleppo", lat=36.2, lon=37.16, geo_precision="city",
                killed=killed, killed_low=killed, children_killed=children, source="SOHR",
                spans=[span], claims=[Claim(source="SOHR", killed=killed, span=span)]))
        if "met" in words:
            diplomacy.append(Diplomacy(
                article_id=article.id, event_date=day, date_precision="day" if day else "unknown",
                event_type="meeting", actors=[p for p in PARTIES if p in s], location="Geneva",
                spans=[span]))
    return ArticleEvents(article=article, incidents=incidents, diplomacy=diplomacy)


def make_article(aid: str, text: str, *, source: str = "CNN",
                 published: dt.date | None = dt.date(2016, 10, 13)) -> Article:
    return Article(id=aid, text=text, title=f"title of {aid}", source=source, url="",
                   published=published, published_from="metadata" if published else "")


SAMPLE_TEXTS = {
    "a1": "8 people were killed in rebel shelling on west Aleppo. Kerry met Lavrov with Russia and United States present.",
    "a2": "Air strikes killed 12 people including 4 children in east Aleppo. Nothing else happened.",
    "a3": "A quiet day. No violence was reported.",
}


@pytest.fixture
def fake_articles():
    return [make_article(k, v) for k, v in SAMPLE_TEXTS.items()]


# --------------------------------------------------------------------------- helpers shared by test files

def store_counts(db: Path) -> dict:
    """Row counts of every table of the store at ``db`` (opened read-only)."""
    from frontline import store
    conn = store.connect(db, read_only=True)
    try:
        return store.row_counts(conn)
    finally:
        conn.close()


def playwright_or_skip(chromium: str):
    """Playwright's sync API for the browser tests; outside CI, with no Chromium at ``chromium`` or on
    the path, the calling module is skipped (under CI=true the tests must run, so nothing is skipped)."""
    import shutil
    if os.environ.get("CI") == "true":
        return __import__("playwright.sync_api").sync_api
    if not (Path(chromium).exists() or shutil.which("chromium")):
        pytest.skip("no chromium (and not under CI)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


def cli_env(**kw) -> dict:
    """The environment for a ``python -m frontline`` subprocess: this checkout first on the path, no
    inherited FRONTLINE_DB, plus ``kw``."""
    env = dict(os.environ)
    env.pop("FRONTLINE_DB", None)
    env["PYTHONPATH"] = str(PROJECT_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update({k: str(v) for k, v in kw.items()})
    return env
