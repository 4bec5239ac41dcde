"""The layers of docs/ARCHITECTURE.md, enforced: every module's imports (at the top or inside a
function; ``if TYPE_CHECKING:`` blocks excepted) are read with ``ast`` and checked against a table
of rules (a lower layer never imports a higher one), and the module graph must have no cycle.

The checker itself is tested on small packages written here, with a deliberately bad import each.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT

PACKAGE = "frontline"

# the layers, bottom to top, as packages/modules (a name stands for itself and everything under it)
BASE = ("frontline.models", "frontline.text", "frontline.resources", "frontline.gazetteer", "frontline.safety")
STORE = ("frontline.store",)
RUNS = ("frontline.ingest", "frontline.fusion.store_fusion")
OUTPUT = ("frontline.exports", "frontline.queries", "frontline.evaluation")
COMMAND = ("frontline.__main__", "frontline.bench")
DASHBOARD = ("streamlit", "components", "app")

# (what the rule says, the importing modules, the modules they must not import)
RULES = [
    ("nothing in frontline/ imports Streamlit or the dashboard", ("frontline",), DASHBOARD),
    ("nothing in the library imports the command line", ("frontline",), ("frontline.__main__",)),
    ("the extraction never imports the store, ingest, outputs, command line or dashboard",
     ("frontline.extract",), STORE + RUNS + OUTPUT + COMMAND + DASHBOARD),
    ("fusion itself (clusters) never imports the store or anything above it",
     ("frontline.fusion.clusters",), STORE + RUNS + OUTPUT + COMMAND + DASHBOARD),
    ("readers never import the extraction, the store or anything above it",
     ("frontline.readers",), ("frontline.extract",) + STORE + RUNS + OUTPUT + COMMAND + DASHBOARD),
    ("the base (models, text, lexicons, gazetteer, input limits) imports nothing above it",
     BASE, ("frontline.extract", "frontline.fusion", "frontline.readers") + STORE + RUNS + OUTPUT + COMMAND),
    ("the store never imports ingest, fusion over the store, outputs, command line or dashboard",
     STORE, RUNS + OUTPUT + COMMAND + DASHBOARD),
    ("ingest and fusion over the store never import outputs, command line or dashboard",
     RUNS, OUTPUT + COMMAND + DASHBOARD),
    ("outputs (exports, queries, briefing) never import ingest, command line or dashboard",
     OUTPUT, RUNS + COMMAND + DASHBOARD),
]


def under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


# --------------------------------------------------------------------------- the checker

def module_names(root: Path, package: str) -> dict:
    """module name -> its file, for every .py under ``root`` (the package's folder)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join([package, *parts])] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Import nodes of a module, anywhere in it, except under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, modules: dict) -> set:
    """The modules ``name`` imports: the package's own by full name (``from a import b`` gives
    ``a.b`` when that is a module, else ``a``), others by their top-level name."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    out = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            if node.level:
                base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in modules else mod for a in node.names]
        for t in targets:
            if t in modules:
                out.add(t)
            else:
                # a name of the package that is not a module file (an attribute): its nearest module
                parts = t.split(".")
                while parts and ".".join(parts) not in modules:
                    parts.pop()
                out.add(".".join(parts) if parts else t.split(".")[0])
    out.discard(name)
    return out


def import_graph(root: Path, package: str) -> dict:
    modules = module_names(root, package)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def violations(graph: dict, rules) -> list:
    """``"<rule>: <module> imports <module>"`` for every import a rule forbids."""
    out = []
    for text, importers, forbidden in rules:
        for mod, targets in sorted(graph.items()):
            if not under(mod, importers):
                continue
            for t in sorted(targets):
                if under(t, forbidden) and not under(t, (mod,)):
                    out.append(f"{text}: {mod} imports {t}")
    return out


def cycles(graph: dict) -> list:
    """Each import cycle among the graph's own modules, as a list of module names (Tarjan)."""
    index, low, on, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


# --------------------------------------------------------------------------- the project

@pytest.fixture(scope="module")
def graph():
    return import_graph(PROJECT_ROOT / PACKAGE, PACKAGE)


@pytest.mark.parametrize("rule", RULES, ids=[r[0] for r in RULES])
def test_layer_rule(graph, rule):
    assert violations(graph, [rule]) == []


def test_no_import_cycles(graph):
    assert cycles(graph) == []


def test_the_rules_name_real_modules(graph):
    """A rule about a module that does not exist (renamed, moved) would pass silently."""
    for text, importers, _ in RULES:
        for p in importers:
            assert any(under(m, (p,)) for m in graph), f"{text}: no module {p}"


# --------------------------------------------------------------------------- the checker itself

def write_package(root: Path, files: dict) -> Path:
    pkg = root / PACKAGE
    for rel, src in files.items():
        p = pkg / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(src, encoding="utf-8")
    return pkg


GOOD = {
    "__init__.py": "",
    "models.py": "import dataclasses\n",
    "__main__.py": "from .ingest import pipeline\n",
    "extract/__init__.py": "from .events import extract_article\n",
    "extract/events.py": "from ..models import Article\n",
    "store/__init__.py": "from .connection import connect\n",
    "store/connection.py": "import duckdb\nfrom ..models import Article\n",
    "ingest/__init__.py": "",
    "ingest/pipeline.py": "from ..store import connection\nfrom ..extract import extract_article\n",
    "fusion/__init__.py": "",
    "fusion/clusters.py": "import pandas\n",
    "fusion/store_fusion.py": "from . import clusters\nfrom ..store.connection import connect\n",
}

BAD = [   # (what is added to GOOD, the words the report must hold)
    ({"extract/events.py": "from ..models import Article\n\ndef f():\n    from ..store import connect\n"},
     "frontline.extract.events imports frontline.store"),
    ({"store/connection.py": "from frontline.ingest.pipeline import x\n"},
     "frontline.store.connection imports frontline.ingest.pipeline"),
    ({"models.py": "import streamlit as st\n"}, "frontline.models imports streamlit"),
    ({"fusion/clusters.py": "from .store_fusion import connect\n"},
     "frontline.fusion.clusters imports frontline.fusion.store_fusion"),
    ({"store/connection.py": "from .. import __main__\n"}, "frontline.store.connection imports frontline.__main__"),
]


def test_checker_passes_a_clean_package(tmp_path):
    g = import_graph(write_package(tmp_path, GOOD), PACKAGE)
    assert g["frontline.ingest.pipeline"] == {"frontline.store.connection", "frontline.extract"}
    assert g["frontline.fusion.store_fusion"] == {"frontline.fusion.clusters", "frontline.store.connection"}
    assert violations(g, RULES) == [] and cycles(g) == []


@pytest.mark.parametrize("change,expected", BAD, ids=[b[1] for b in BAD])
def test_checker_finds_a_bad_import(tmp_path, change, expected):
    g = import_graph(write_package(tmp_path, {**GOOD, **change}), PACKAGE)
    found = violations(g, RULES)
    assert any(expected in v for v in found), found


def test_checker_ignores_type_checking_imports(tmp_path):
    src = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..ingest import pipeline\n"
    g = import_graph(write_package(tmp_path, {**GOOD, "store/connection.py": src}), PACKAGE)
    assert violations(g, RULES) == []


def test_checker_finds_a_cycle(tmp_path):
    files = {**GOOD, "models.py": "def f():\n    from .text import g\n", "text.py": "from .models import f\n"}
    g = import_graph(write_package(tmp_path, files), PACKAGE)
    assert cycles(g) == [["frontline.models", "frontline.text"]]


# --------------------------------------------------------------------------- the picture matches the tree

DOCUMENTED_PACKAGES = ("readers", "store", "ingest", "fusion", "exports")


def test_architecture_names_every_module():
    """docs/ARCHITECTURE.md's table names every top-level module and package, and every module of
    the packages split by reason to change (a module added, moved or renamed must be described)."""
    doc = (PROJECT_ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    root = PROJECT_ROOT / PACKAGE
    missing = []
    for path in sorted(root.iterdir()):
        if path.suffix == ".py" and path.name != "__init__.py" and f"frontline/{path.name}" not in doc:
            missing.append(f"frontline/{path.name}")
        if path.is_dir() and (path / "__init__.py").exists() and f"frontline/{path.name}/" not in doc:
            missing.append(f"frontline/{path.name}/")
    for pkg in DOCUMENTED_PACKAGES:
        for path in sorted((root / pkg).glob("*.py")):
            if path.name != "__init__.py" and f"{pkg}/{path.name}" not in doc:
                missing.append(f"{pkg}/{path.name}")
    assert missing == []


def test_every_package_says_what_it_holds():
    """Each package's ``__init__`` opens with a docstring."""
    for init in sorted((PROJECT_ROOT / PACKAGE).rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 8, f"{init.relative_to(PROJECT_ROOT)}: no docstring saying what it holds"
