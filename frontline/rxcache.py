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
import zlib
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
    return parsed_parts(_parser.parse(pattern, flags), flags)


def parsed_parts(parsed, flags: int = 0) -> tuple:
    """``_parts`` of a pattern already parsed (``re._parser.parse``), as ``re._compiler.compile`` makes them:
    ``_sre.compile(None, *parts)`` is ``re._compiler.compile(parsed, flags)``."""
    state = parsed.state
    names = [None] * state.groups
    for name, number in state.groupdict.items():
        names[number] = name
    code = [int(op) for op in _compiler._code(parsed, flags)]     # opcodes are int subclasses: plain ints
    return flags | state.flags, code, state.groups - 1, dict(state.groupdict), tuple(names)


def _load(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            # read whole, then decoded: ``marshal.load`` on a file reads it in pieces of a few bytes
            # (0.4 s of CPU for the 5 MB of the extractor's patterns; ``loads`` of the bytes: 0.02 s)
            key, table = marshal.loads(fh.read())      # plain data only: lists, tuples, dicts, ints, str
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
            _drop_stale(table)
            _save(path, table["patterns"])
            table["new"] = False


def _drop_stale(table: dict) -> None:
    """Take out the results a memoized function kept under another version of its module than the one
    this process stored them under (an edited module leaves its old results behind otherwise)."""
    versions = table.get("versions") or {}
    stale = [k for k in table["patterns"] if type(k) is tuple and len(k) == 4 and k[0] == "memo"
             and k[1] in versions and k[2] != versions[k[1]]]
    for k in stale:
        del table["patterns"][k]


_active: list = []              # the table of the cached_compiles block the process is in, if any
_versions: dict = {}            # module file -> CRC-32 of its source


def _source_version(fn) -> int | None:
    """CRC-32 of the source file of the module defining ``fn`` (None when it cannot be read)."""
    module = sys.modules.get(getattr(fn, "__module__", None) or "")
    path = getattr(module, "__file__", None)
    if path not in _versions:
        try:
            with open(path, "rb") as fh:
                _versions[path] = zlib.crc32(fh.read())
        except Exception:      # noqa: BLE001 -- no source to version the results by: not kept
            _versions[path] = None
    return _versions[path]


def memoized(fn):
    """``fn`` (a pure function of str, int and bool arguments giving plain data: None, str, int,
    tuples, frozensets, lists, dicts of those) whose results are kept in the cache file of the
    :func:`cached_compiles` block it is called in, keyed by its name, its arguments and a CRC-32 of
    its module's source: a change to that module is a new key. Outside a block it is ``fn``.
    The extractor's patterns are analysed so at import (``text.Caseless``, the lexicons)."""
    import inspect
    signature = inspect.signature(fn)

    def wrapper(*args, **kwargs):
        table = _active[-1] if _active else None
        version = _source_version(fn) if table is not None else None
        if version is None:
            return fn(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        args = tuple(bound.arguments.values())
        key = ("memo", fn.__qualname__, version, args)
        patterns = table["patterns"]
        if key in patterns:
            return patterns[key]
        got = fn(*args)
        if len(patterns) < MAX_ENTRIES:
            try:
                same = marshal.loads(marshal.dumps(got)) == got
            except (ValueError, TypeError):
                same = False
            if same:
                patterns[key] = got
                table.setdefault("versions", {})[fn.__qualname__] = version
                _mark_new(table)
        return got

    wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    wrapper.__wrapped__ = fn
    return wrapper


def _mark_new(table: dict) -> None:
    table["new"] = True
    if not _flush_at_exit:
        import atexit
        atexit.register(flush)
        _flush_at_exit.append(True)


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
            _mark_new(table)
        else:
            table["ok"] = False
        return compiled

    compile.cached_by_frontline = True
    re.compile = compile
    _active.append(table)
    try:
        yield
    finally:
        re.compile = real
        _active.pop()
