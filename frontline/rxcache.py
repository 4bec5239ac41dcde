"""Compiled regular expressions kept from one run to the next.

The extractor compiles ~470 large patterns when it is imported (the figures' number
grammar alone is 1,600 characters, repeated in many patterns): ~0.35 s of CPU in every
process, a fifth of adding one article to a store. ``re`` parses and compiles a pattern
in Python; the result is a list of integers that ``_sre`` turns into a Pattern in
microseconds. :func:`cached_compiles` keeps those lists in a file (per Python version)
and hands ``_sre`` the stored list instead of compiling again.

A stored entry is used only if the Pattern built from it equals the one ``re.compile``
gives (Pattern equality compares the pattern, the flags and the compiled code): each
entry is checked so when it is made, and the file is keyed by the interpreter's
version and ``_sre.MAGIC``. Anything unexpected (another Python, an unreadable or
unwritable cache) falls back to ``re.compile``: the patterns are the same either way.
``FRONTLINE_CACHE_DIR`` names the folder (default ``$XDG_CACHE_HOME/frontline`` or
``~/.cache/frontline``); ``FRONTLINE_CACHE_DIR=off`` turns the cache off.
"""
from __future__ import annotations

import contextlib
import functools
import marshal
import os
import re
import sys
from pathlib import Path

try:
    import _sre
    from re import _compiler, _parser
    _KEY = (sys.version, _sre.MAGIC, _sre.CODESIZE)
except (ImportError, AttributeError):          # another implementation of re: compile as usual
    _sre = None
    _KEY = None


def cache_dir() -> Path | None:
    """Where the cache files go, or None when caching is off."""
    return _cache_dir(*_env())


def _env() -> tuple:
    """The environment that names the cache folder."""
    get = os.environ.get
    return get("FRONTLINE_CACHE_DIR"), get("XDG_CACHE_HOME"), get("HOME")


@functools.lru_cache(maxsize=16)
def _cache_dir(env: str | None, xdg: str | None, home: str | None) -> Path | None:
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = xdg or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "frontline"


@functools.lru_cache(maxsize=64)
def _cache_file(name: str, env: tuple) -> Path | None:
    """The cache file of ``name`` in the folder ``env`` names (worked out once: every extraction opens a block)."""
    folder = _cache_dir(*env)
    return None if folder is None else folder / f"regex-{name}-{sys.implementation.cache_tag}.marshal"


def _parts(pattern: str, flags: int) -> tuple:
    """What ``_sre.compile`` takes besides the pattern: (flags, code, groups, groupindex, indexgroup)."""
    parsed = _parser.parse(pattern, flags)
    state = parsed.state
    names = [None] * state.groups
    for name, number in state.groupdict.items():
        names[number] = name
    code = [int(op) for op in _compiler._code(parsed, flags)]     # opcodes are int subclasses: plain ints
    return flags | state.flags, code, state.groups - 1, dict(state.groupdict), tuple(names)


def _load(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            key, table = marshal.load(fh)      # plain data only: lists, tuples, dicts, ints, str
    except Exception:          # noqa: BLE001 -- absent, unreadable, another format: start afresh
        return {}
    return table if key == _KEY and isinstance(table, dict) else {}


def _save(path: Path, table: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump((_KEY, table), fh)
        os.replace(tmp, path)
    except Exception:          # noqa: BLE001 -- a cache that cannot be written is no cache
        with contextlib.suppress(OSError):
            tmp.unlink()


MAX_ENTRIES = 5000              # patterns kept per file (patterns made from data stay few)
_tables: dict = {}              # cache file -> {"patterns": {(pattern, flags): parts}, "new": bool, "ok": bool}
_flush_at_exit: list = []


def flush() -> None:
    """Write the cache files that got new patterns in this process (also done at exit)."""
    for path, table in _tables.items():
        if table["new"] and table["ok"]:
            _save(path, table["patterns"])
            table["new"] = False


@contextlib.contextmanager
def cached_compiles(name: str):
    """Within the block, ``re.compile`` of a str pattern builds the Pattern from the cache file
    ``name`` when it holds it (see the module's docstring). The file is read once per process;
    the patterns compiled anew are written to it at exit (or by :func:`flush`)."""
    path = _cache_file(name, _env())
    if _KEY is None or path is None or getattr(re.compile, "cached_by_frontline", False):
        yield                               # no cache, or already within a block
        return
    table = _tables.get(path)
    if table is None:
        table = _tables[path] = {"patterns": _load(path), "new": False, "ok": True, "built": {}}
    patterns = table["patterns"]
    built = table["built"]          # key -> the Pattern made this process: made once, as re's own cache does
    real = re.compile

    def compile(pattern, flags=0):
        if type(pattern) is not str or not table["ok"]:
            return real(pattern, flags)
        flags = int(flags)
        key = (pattern, flags)
        got = built.get(key)
        if got is not None:
            return got
        parts = patterns.get(key)
        if parts is not None:
            try:
                got = built[key] = _sre.compile(pattern, *parts)
                return got
            except Exception:          # noqa: BLE001 -- a stale entry: compile as usual from here on
                table["ok"] = False
                return real(pattern, flags)
        compiled = real(pattern, flags)
        if len(patterns) >= MAX_ENTRIES:
            return compiled
        try:
            parts = _parts(pattern, flags)
            same = _sre.compile(pattern, *parts) == compiled
        except Exception:          # noqa: BLE001 -- internals not as expected
            same = False
        if same:
            patterns[key] = parts
            table["new"] = True
            if not _flush_at_exit:
                import atexit
                atexit.register(flush)
                _flush_at_exit.append(True)
        else:
            table["ok"] = False
        return compiled

    compile.cached_by_frontline = True
    re.compile = compile
    try:
        yield
    finally:
        re.compile = real
