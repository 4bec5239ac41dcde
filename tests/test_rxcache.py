"""The regex cache: a pattern built from its stored code is the pattern ``re.compile`` gives."""
from __future__ import annotations

import re

import pytest

from frontline import rxcache

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
