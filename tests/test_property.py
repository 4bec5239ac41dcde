"""The extractor never crashes and never hangs.

* Property-based (hypothesis): ``extract_article`` on arbitrary text (any
  Unicode, long runs, many digits, month and weekday words, casualty words,
  place names, wire datelines) returns within ``2 ms per character + 0.5 s``;
  every event has evidence spans inside the text with ``text[start:end] ==
  span.text`` (claims too), well-formed dates and non-negative tolls; the
  store can turn the result into rows.
* Adversarial repetitions: 20,000 repetitions of "a ", "1 ", "killed ", "al-",
  "Sunday " ... in one sentence, timed per call.
* Every regular expression of ``frontline`` (module globals, lexicons built
  from ``data/lexicon/*.csv``) is run with ``match`` on 20,000-character
  adversarial strings and ``search`` on 2,000-character ones, each in a forked
  process with a time limit, so a catastrophic pattern fails the test instead
  of hanging it. Patterns that are only ever applied to a bounded slice are
  run at that bound (``BOUNDED`` says where the code bounds them).
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import multiprocessing as mp
import pkgutil
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import frontline
from frontline import resources, store
from frontline.readers import find_dateline, read_upload
from frontline.models import Article, event_to_record

HAS_GAZETTEER = resources.data_path("places.csv").is_file()
pytestmark = pytest.mark.skipif(
    not HAS_GAZETTEER, reason="data/places.csv (the gazetteer) is not in the tree: the real extractor cannot run")

MS_PER_CHAR = 0.002
BASE_SECONDS = 0.5
# times are CPU seconds of the calling process (time.process_time): a hang or a catastrophic
# regex burns CPU, a busy machine (other test workers) does not make the bound flaky

TOKENS = [
    # numbers and qualifiers
    "1", "8", "12", "1,200", "1,000,000,000", "99999999999999999999999", "0", "-3", "3.5", "½", "٣", "eight",
    "twenty-five", "a dozen", "dozens", "scores", "at least", "more than", "up to", "nearly", "about", "some",
    # casualty words and triggers
    "killed", "dead", "died", "injured", "wounded", "children", "women", "civilians", "people", "martyred",
    "air strikes", "barrel bombs", "shelling", "rocket shells", "clashes", "car bomb", "chlorine", "rose to",
    "death toll", "including",
    # actors and sources
    "regime", "terrorists", "Russian warplanes", "rebels", "Daesh", "US-led coalition", "SANA", "SOHR",
    "the Syrian Observatory said", "White Helmets", "according to",
    # places
    "Aleppo", "eastern Aleppo", "al-Shaar", "Sha'ar", "al-Hamdaniyah", "Geneva", "al-", "Bab", "Syria",
    # dates
    "Sunday", "Monday", "on Wednesday", "overnight into Thursday", "last month", "earlier this week",
    "a day after", "October", "Oct", "13 October 2016", "2016-10-13", "13/10/2016", "Oct 13, 2016", "2016",
    "1989", "2999", "yesterday", "today", "will meet", "met", "vetoed", "Kerry", "Lavrov", "ceasefire",
    # datelines, punctuation, white space and odd characters
    "ALEPPO, Syria (AP) —", "BEIRUT (Reuters) -", "Posted on", "Date of publication:", ".", ",", "!", "?",
    ";", ":", "(", ")", "\"", "'", "“", "”", "—", "-", "...", "\n", "\n\n", "\r\n", "\t", " ", "  ",
    "\u00a0", "\u200b", "\u200f", "\u2028", "\ufeff", "é", "ß", "İ", "ﬁ", "Ⅻ", "حلب", "قتل", "😀",
    "e\u0301", "\x00", "\x0c", "<script>alert(1)</script>", "[x](javascript:alert(1))",
]

_token = st.sampled_from(TOKENS)
_glue = st.sampled_from([" ", " ", " ", "", ". ", ", ", "\n"])
token_soup = st.lists(st.tuples(_token, _glue).map("".join), max_size=150).map("".join)
long_runs = st.lists(st.tuples(_token, st.integers(1, 2_000)).map(lambda t: t[0] * t[1]), min_size=1,
                     max_size=3).map(" ".join)
digit_soup = st.from_regex(r"[0-9,. \-]{0,3000}", fullmatch=True)
any_text = st.text(max_size=3_000)
published = st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))

DATE_RE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
PROPERTY = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Load the lexicons and the gazetteer once, outside the timed calls."""
    from frontline.extract import extract_article
    extract_article(Article(id="warm", text="Eight people were killed in Aleppo on Monday.",
                            published=dt.date(2016, 10, 13)))


def check_extraction(text: str, day=None, *, bound: float | None = None):
    from frontline.extract import extract_article
    art = Article(id="prop", text=text, title="t", source="s", published=day,
                  published_from="metadata" if day else "")
    t0 = time.process_time()
    ae = extract_article(art)
    elapsed = time.process_time() - t0
    limit = bound if bound is not None else MS_PER_CHAR * len(text) + BASE_SECONDS
    assert elapsed < limit, f"{elapsed:.2f} s for {len(text)} characters (limit {limit:.2f} s)"
    assert ae.article is art or ae.article.id == art.id
    n = len(text)
    for ev in list(ae.incidents) + list(ae.diplomacy):
        assert ev.spans, f"event without evidence: {ev}"
        for sp in ev.spans:
            assert 0 <= sp.start <= sp.end <= n, (sp.start, sp.end, n)
            assert text[sp.start:sp.end] == sp.text, (sp, text[sp.start:sp.end])
        for c in getattr(ev, "claims", None) or []:
            if c.span is not None:
                assert 0 <= c.span.start <= c.span.end <= n
                assert text[c.span.start:c.span.end] == c.span.text
        assert ev.date_precision in ("day", "month", "unknown")
        if ev.event_date is not None:
            assert DATE_RE.fullmatch(ev.event_date), ev.event_date
            assert len(ev.event_date) == {"day": 10, "month": 7}.get(ev.date_precision, -1), ev
            dt.date.fromisoformat(ev.event_date if len(ev.event_date) == 10 else ev.event_date + "-01")
        if day is None:
            assert ev.event_date is None or not _relative_only(text), ev
        for f in ("killed", "killed_low", "killed_high", "injured", "injured_low", "injured_high",
                  "children_killed", "women_killed"):
            v = getattr(ev, f, None)
            assert v is None or (isinstance(v, int) and v >= 0), (f, v)
        json.dumps(event_to_record(ev), default=str)
    store.events_to_tables([ae])           # the store can write it (no overflow, no bad types)
    return ae


def _relative_only(text: str) -> bool:
    """No absolute date in the text: with no publication date, nothing can be resolved."""
    return not re.search(r"\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d", text, re.I)


# --------------------------------------------------------------------------- properties

@PROPERTY
@given(text=any_text, day=published)
def test_extract_arbitrary_unicode(text, day):
    check_extraction(text, day)


@PROPERTY
@given(text=token_soup, day=published)
def test_extract_token_soup(text, day):
    check_extraction(text, day)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=long_runs, day=published)
def test_extract_long_runs(text, day):
    check_extraction(text, day)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=digit_soup, day=published)
def test_extract_many_digits(text, day):
    check_extraction("Air strikes killed " + text + " people in eastern Aleppo.", day)


@PROPERTY
@given(text=st.one_of(any_text, token_soup))
def test_dateline_span_inside_head(text):
    found = find_dateline(text)
    if found is not None:
        day, start, end = found
        assert 0 <= start < end <= len(text)
        assert isinstance(day, dt.date) and 1900 <= day.year <= 2099


@PROPERTY
@given(raw=st.binary(max_size=2_000), name=st.text(max_size=40))
def test_read_upload_never_crashes(raw, name):
    """Any bytes under any name: articles, or one InputError line."""
    from frontline.readers import InputError
    try:
        arts = read_upload(name, raw, warn=lambda m: None)
    except InputError as e:
        assert "\n" not in str(e)
        return
    for a in arts:
        assert a.text and a.id


# --------------------------------------------------------------------------- adversarial repetitions

ADVERSARIAL = ["a ", "1 ", "killed ", "al-", "Sunday ", "1,", "9", "at least ", "- ", "Aleppo ", "( ", " ",
               "\n", ". ", "'s ", "A ", "on Monday ", "13 October ", "Oct 13, 2016 ", "killed 8 ", "حلب ",
               "al-Shaar ", "SANA ", "rebels shelled ", "met ", "Kerry met Lavrov "]


@pytest.mark.parametrize("token", ADVERSARIAL, ids=[repr(t) for t in ADVERSARIAL])
def test_extract_20000_repetitions(token):
    """One sentence holding 20,000 repetitions, between a real casualty sentence's words."""
    text = ("ALEPPO, Syria (AP) — Eight people were killed in " + token * 20_000
            + " eastern Aleppo on Monday, the Syrian Observatory said.")
    check_extraction(text, dt.date(2016, 10, 13))


@pytest.mark.parametrize("token", ["a ", "1 ", " ", "\n", "Sunday ", "13 October ", "A "])
def test_reader_20000_repetitions(token):
    """The readers' checks (dateline, sentence length, word test) are linear too."""
    raw = (token * 20_000 + " Eight people were killed.").encode()
    t0 = time.process_time()
    read_upload("a.txt", raw, warn=lambda m: None)
    find_dateline(token * 20_000)
    assert time.process_time() - t0 < MS_PER_CHAR * len(raw) + BASE_SECONDS


# --------------------------------------------------------------------------- every regex

# patterns the code applies only to a bounded slice: (where, length, the line that bounds it)
BOUNDED = {
    "readers.datelines._LEADING": (300, "readers.datelines.find_dateline: _LEADING.match(text[:HEAD_CHARS]) "
                                        "with HEAD_CHARS = 300"),
    "extract.scan.AGENCY_DATELINE": (40, "extract.scan.analyse: AGENCY_DATELINE.match(t[d.end:d.end + 40])"),
}
SCAN_TOKENS = ["a ", "1 ", "killed ", "al-", "Sunday ", "1,", "9", " ", "\n", "A", "A ", "( ", "x",
               "13 October ", "at least "]
CALL_SECONDS = 1.0


def _collect(obj, where: str, out: dict, depth: int = 0) -> None:
    if isinstance(obj, re.Pattern):
        # (a pattern compiled from a parsed tree, such as a Caseless scout, has no source string: keyed by place)
        key = obj.pattern if obj.pattern is not None else f"<parsed at {where}>"
        out.setdefault(key + f"/{obj.flags}", (where, obj))
        return
    if depth > 2:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            _collect(v, f"{where}[{k!r}]", out, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for i, v in enumerate(obj):
            _collect(v, f"{where}[{i}]", out, depth + 1)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("frontline"):
        for k, v in vars(obj).items():
            _collect(v, f"{where}.{k}", out, depth + 1)


def all_patterns() -> list:
    found: dict = {}
    for m in pkgutil.walk_packages(frontline.__path__, prefix="frontline."):
        name = m.name.removeprefix("frontline.")
        if name in ("__main__", "distributed", "bench"):
            continue
        try:
            mod = importlib.import_module(m.name)
        except Exception:          # noqa: BLE001  (a module that cannot import has no patterns to test)
            continue
        for k, v in vars(mod).items():
            if isinstance(v, re.Pattern) or not (callable(v) or isinstance(v, type)):
                _collect(v, f"{name}.{k}", found)
    lex = resources.data_path("lexicon")
    for p in sorted(lex.glob("*.csv")):
        rows = resources.read_csv_rows(f"lexicon/{p.name}")
        if rows and "pattern" in rows[0]:
            for hyphen in (False, True):
                rx = resources.Lexicon(rows, hyphen_is_boundary=hyphen).regex
                found.setdefault(rx.pattern + f"/{rx.flags}", (f"lexicon/{p.name}", rx))
    return sorted(found.values(), key=lambda t: t[0])


def _scan(rx: re.Pattern, match_len: int, search_len: int, conn) -> None:
    worst = (0.0, "", "")
    for tok in SCAN_TOKENS:
        for how, n in (("match", match_len), ("search", search_len)):
            s = (tok * (n // len(tok) + 1))[:n] + "!"
            t0 = time.process_time()
            rx.match(s) if how == "match" else rx.search(s)
            took = time.process_time() - t0
            if took > worst[0]:
                worst = (took, how, tok)
            conn.send(("progress", how, tok, took))
    conn.send(("done", *worst))


def _run_scan(rx, match_len, search_len, timeout):
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_scan, args=(rx, match_len, search_len, child))
    proc.start()
    last, deadline = None, time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if parent.poll(0.05):
                msg = parent.recv()
                if msg[0] == "done":
                    return msg[1:]
                last = msg
                if msg[3] > CALL_SECONDS:
                    return msg[3], msg[1], msg[2]
            elif not proc.is_alive():
                break
        return float("inf"), "hang after", repr(last)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


PATTERNS = all_patterns()


def test_patterns_were_found():
    names = {w for w, _ in PATTERNS}
    assert len(PATTERNS) > 40
    assert {"readers.datelines._LEADING", "extract.scan.AGENCY_DATELINE"} <= names
    assert any(n.startswith("lexicon/") for n in names)


@pytest.mark.parametrize("where, rx", PATTERNS, ids=[w for w, _ in PATTERNS])
def test_no_catastrophic_backtracking(where, rx):
    """``match`` on 20,000 characters and ``search`` on 2,000 (quadratic at most): each call
    under CALL_SECONDS."""
    match_len, search_len = 20_000, 2_000
    if where in BOUNDED:
        match_len = search_len = BOUNDED[where][0]
    took, how, tok = _run_scan(rx, match_len, search_len, timeout=60)
    assert took < CALL_SECONDS, (f"{where}: {how} on {tok!r} repeated took {took:.2f} s: "
                                 f"/{(rx.pattern or '')[:200]}/")


@pytest.mark.parametrize("where", sorted(BOUNDED))
def test_bounded_patterns_are_bounded_in_the_code(where):
    """The patterns exempted above are applied to a slice of the stated length."""
    import inspect
    mod_name, name = where.rsplit(".", 1)
    src = inspect.getsource(importlib.import_module(f"frontline.{mod_name}"))
    uses = [ln.strip() for ln in src.splitlines() if name in ln and "re.compile" not in ln
            and not ln.strip().startswith("#") and f"{name} =" not in ln]
    assert uses, f"{where} is no longer used"
    for ln in uses:
        assert re.search(rf"{name}\.match\(", ln), f"{where} used other than .match on a slice: {ln}"
    if where == "readers.datelines._LEADING":
        assert "head = text[:HEAD_CHARS]" in src and "_LEADING.match(head)" in src
    else:
        assert re.search(rf"{name}\.match\(\w+\[[^\]]*\+ 40\]\)", src), uses
