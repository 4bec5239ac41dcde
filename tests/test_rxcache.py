"""The regex cache: a pattern built from its stored code is the pattern ``re.compile`` gives."""
from __future__ import annotations

import re

import pytest

from frontline import rxcache
from frontline import text as text_mod

PATTERNS = [
    (r"(?P<n>\d+) (?:people|civilians) (?:were )?killed", re.IGNORECASE),
    (r"\bal-(?P<place>[a-z]+)\b", 0),
    (r"(?<![\w-])(?:twenty|thirty)(?:-(?:one|two))?(?![\w-])", re.IGNORECASE | re.MULTILINE),
    (r"^\s*$", re.MULTILINE),
]
TEXTS = ["Twenty-two civilians killed in al-Shaar", "13 people were killed\n\n", "thirty-one", ""]


def _compile_all(monkeypatch, folder) -> list:
    monkeypatch.setenv("FRONTLINE_CACHE_DIR", str(folder))
    monkeypatch.setattr(rxcache, "_tables", {})          # as a new process: the file read again
    with rxcache.cached_compiles("test"):
        out = [re.compile(p, f) for p, f in PATTERNS]
    rxcache.flush()
    return out


def test_patterns_from_the_cache_equal_compiled_ones(tmp_path, monkeypatch):
    first = _compile_all(monkeypatch, tmp_path)            # compiled, and stored
    assert list(tmp_path.glob("regex-test-*.marshal"))
    second = _compile_all(monkeypatch, tmp_path)           # built from the stored code
    for (pattern, flags), a, b in zip(PATTERNS, first, second):
        plain = re.compile(pattern, flags)
        assert a == plain and b == plain                   # same pattern, flags and code
        assert b.groupindex == plain.groupindex and b.groups == plain.groups
        for text in TEXTS:
            assert [m.groupdict() | {"span": m.span()} for m in b.finditer(text)] == \
                [m.groupdict() | {"span": m.span()} for m in plain.finditer(text)]


def test_re_compile_is_itself_again_after_the_block(tmp_path, monkeypatch):
    real = re.compile
    _compile_all(monkeypatch, tmp_path)
    assert re.compile is real


@pytest.mark.parametrize("content", [b"", b"not marshal data", b"\x80\x04N."])
def test_a_broken_cache_file_is_compiled_around(tmp_path, monkeypatch, content):
    _compile_all(monkeypatch, tmp_path)
    for path in tmp_path.glob("regex-test-*.marshal"):
        path.write_bytes(content)
    again = _compile_all(monkeypatch, tmp_path)
    assert again == [re.compile(p, f) for p, f in PATTERNS]


def test_off_means_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_CACHE_DIR", "off")
    with rxcache.cached_compiles("test"):
        re.compile("a+b")
    assert rxcache.cache_dir() is None
    assert not list(tmp_path.iterdir())


def test_an_unwritable_folder_is_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("FRONTLINE_CACHE_DIR", str(blocker / "sub"))     # a folder under a file
    monkeypatch.setattr(rxcache, "_tables", {})
    with rxcache.cached_compiles("test"):
        assert re.compile("a+b").match("aab")
    rxcache.flush()


# ---------------------------------------------------------------- analyses of patterns kept beside them


ANALYSED = [               # (pattern, what each analysis gives for it), written for these tests
    r"\b(?:shelled|bombed) the (?:market|school)\b",
    r"(?:for|in|out of) fear of",
    r"\d+ (?:people|civilians) killed|killed",
    r"\b(?:said|says|told)\b",
    r"[a-z]+ed\s+by",
    r"\w+",
]


def _analyses() -> list:
    out = []
    for p in ANALYSED:
        c = text_mod.Caseless(p)
        out.append((text_mod.required_literals(p), text_mod.literal_starts(p),
                    text_mod.literal_starts(p, min_length=1, class_size=10), text_mod._scout_parts(p),
                    c.needs, c.scout))
    return out


def _analyse_in_block(monkeypatch, folder) -> list:
    monkeypatch.setenv("FRONTLINE_CACHE_DIR", str(folder))
    monkeypatch.setattr(rxcache, "_tables", {})          # as a new process: the file read again
    with rxcache.cached_compiles("test"):
        out = _analyses()
    rxcache.flush()
    return out


def test_pattern_analyses_from_the_cache_equal_computed_ones(tmp_path, monkeypatch):
    plain = _analyses()                                   # outside a block: computed, nothing kept
    first = _analyse_in_block(monkeypatch, tmp_path)      # computed and stored
    table = rxcache._load(next(tmp_path.glob("regex-test-*.marshal")))
    assert any(isinstance(k, tuple) and k[0] == "memo" and k[1] == "literal_starts" for k in table)
    second = _analyse_in_block(monkeypatch, tmp_path)     # read back
    assert first == plain and second == plain             # scouts compare as Patterns: pattern, flags, code


@pytest.mark.parametrize("pattern, expected", [
    (r"\bshelled the (?:market|school)\b", "shelled the market"),
    (r"(?<![\w-])(?:barrel|cluster) bombs?", "cluster bomb"),
])
def test_a_scout_built_from_its_parts_finds_what_the_pattern_finds(pattern, expected):
    scout = text_mod._scout(pattern)
    assert scout is not None and scout.pattern is None
    text = f"witnesses said {expected} today"
    assert scout.search(text).start() == re.search(pattern, text).start()


def test_a_changed_module_is_a_new_key(tmp_path, monkeypatch):
    calls = []

    @rxcache.memoized
    def halves(word: str, n: int = 2) -> tuple:
        calls.append(word)
        return (word[:n], word[n:])

    monkeypatch.setenv("FRONTLINE_CACHE_DIR", str(tmp_path))
    for version in (1, 1, 2):            # the same source twice, then an edited one
        monkeypatch.setattr(rxcache, "_tables", {})
        monkeypatch.setattr(rxcache, "_source_version", lambda fn, v=version: v)
        with rxcache.cached_compiles("test"):
            assert halves("strike", n=3) == ("str", "ike") == halves("strike", 3)
        rxcache.flush()
    assert calls == ["strike", "strike"]  # computed for version 1 once, for version 2 once
    kept = rxcache._load(next(tmp_path.glob("regex-test-*.marshal")))
    versions = [k[2] for k in kept if isinstance(k, tuple) and k[0] == "memo" and k[1].endswith("halves")]
    assert versions == [2]                # version 1's result went when version 2's was stored


def test_results_marshal_cannot_keep_are_computed_each_time(tmp_path, monkeypatch):
    calls = []

    @rxcache.memoized
    def as_object(word: str):
        calls.append(word)
        return object.__new__(type("Opaque", (), {}))

    monkeypatch.setenv("FRONTLINE_CACHE_DIR", str(tmp_path))
    for _ in range(2):
        monkeypatch.setattr(rxcache, "_tables", {})
        with rxcache.cached_compiles("test"):
            as_object("x")
        rxcache.flush()
    assert calls == ["x", "x"]
