"""Every import of a dti_kg module sits at the top of its module, where readers and tools see it.

An import inside a function hides a cycle or a cost from import-graph tools. The few that stay are
listed in ALLOWED with the reason; anything else fails here with its file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import click

from dti_kg.cli import COMMANDS, main

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "dti_kg"

# (module file, imported module) -> why it is imported inside a function.
ALLOWED = {
    ("dti_kg/server/__init__.py", "dti_kg.server.app"): (
        "query workers run as `python -m dti_kg.server.worker`, which imports this package first; "
        "Flask and the app stay out of every worker"
    ),
    ("dti_kg/cli/serve.py", "dti_kg.build"): (
        "the build stack (pyshacl, the loaders) is heavy and only needed when serve builds a first store"
    ),
}


def _nested_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every dti_kg import inside a function, class body or other block."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if id(node) in top:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found.extend((node.lineno, n) for n in names if n == "dti_kg" or n.startswith("dti_kg."))
    return found


def _imports_under_type_checking(path: Path) -> set[int]:
    """Lines of imports under ``if TYPE_CHECKING:`` at the top level: for types only, never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = set()
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            lines.update(n.lineno for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom))
    return lines


def test_no_dti_kg_import_inside_a_function() -> None:
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        typing_only = _imports_under_type_checking(path)
        for line, module in _nested_imports(path):
            if line in typing_only or any((rel, m) in ALLOWED for m in (module, module.rsplit(".", 1)[0])):
                continue
            hidden.append(f"{rel}:{line}: import of {module} inside a block")
    assert not hidden, "\n".join(
        [
            *hidden,
            "move each to the top of its module (moving shared code to where it belongs), or allow-list it",
        ]
    )


def test_the_allow_list_names_imports_that_exist() -> None:
    # An entry whose import was moved to the top must go, so the list stays the list of exceptions.
    present = {
        (path.relative_to(REPO).as_posix(), module)
        for path in PACKAGE.rglob("*.py")
        for _line, module in _nested_imports(path)
    }
    assert set(ALLOWED) <= present, set(ALLOWED) - present


def test_the_check_sees_a_nested_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    from dti_kg.server import pages\n    import json\n")
    assert _nested_imports(sample) == [(4, "dti_kg.server"), (4, "dti_kg.server.pages")]


def test_each_cli_command_is_found_under_its_name() -> None:
    # The CLI imports a command's module only when that command runs: the names must match.
    ctx = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name


# The layers of docs/architecture.md, lowest first. A module imports only from the layers its own
# layer lists: the server reads a built store and never loads the extraction or the build stack.
LAYERS: dict[str, set[str]] = {
    "foundation": {
        "dti_kg",
        "dti_kg.errors",
        "dti_kg.text",
        "dti_kg.model",
        "dti_kg.namespaces",
        "dti_kg.resources",
        "dti_kg.rdfnodes",
        "dti_kg.ranking",
        "dti_kg.config",
        "dti_kg.store",
        "dti_kg.names",
        "dti_kg.limits",
    },
    "reference": {"dti_kg.reference", "dti_kg.gazetteer", "dti_kg.iri"},
    "read": {
        "dti_kg.query",
        "dti_kg.serialize",
        "dti_kg.dumps",
        "dti_kg.gzip_chunks",
        "dti_kg.sparql_errors",
        "dti_kg.cube_integrity",
    },
    "releases": {"dti_kg.releases", "dti_kg.diff", "dti_kg.release_zip", "dti_kg.csvw"},
    "loaders": {"dti_kg.loaders"},
    "graph": {
        "dti_kg.graph",
        "dti_kg.reference_graph",
        "dti_kg.quality",
        "dti_kg.reconcile",
        "dti_kg.validate",
        "dti_kg.sources",
        "dti_kg.source_entries",
        "dti_kg.report_ttl",
        "dti_kg.review",
        "dti_kg.cube",
    },
    "build": {
        "dti_kg.build",
        "dti_kg.increment",
        "dti_kg.snapshot",
        "dti_kg.audit",
        "dti_kg.evaluation",
        "dti_kg.publish",
    },
    "server": {"dti_kg.server"},
    "cli": {"dti_kg.cli", "dti_kg.__main__"},
}
MAY_IMPORT: dict[str, set[str]] = {
    "foundation": {"foundation"},
    "reference": {"foundation", "reference"},
    "read": {"foundation", "read"},
    "releases": {"foundation", "read", "releases"},
    "loaders": {"foundation", "reference", "loaders"},
    "graph": {"foundation", "reference", "read", "loaders", "graph"},
    "build": {"foundation", "reference", "read", "releases", "loaders", "graph", "build"},
    "server": {"foundation", "reference", "read", "releases", "server"},
    "cli": set(LAYERS),
}


def _layer(module: str) -> str:
    for layer, members in LAYERS.items():
        # Packages (loaders, server, cli) hold their submodules; "dti_kg" itself only the package root.
        if module in members or any(module.startswith(m + ".") for m in members if m != "dti_kg"):
            return layer
    raise AssertionError(f"{module} is in no layer: add it to LAYERS here and to docs/architecture.md")


def _module_imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:  # `from dti_kg import store` imports the module dti_kg.store
                target = REPO.joinpath(*node.module.split("."), alias.name)
                is_module = target.is_dir() or target.with_suffix(".py").is_file()
                out.add(f"{node.module}.{alias.name}" if is_module else node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m == "dti_kg" or m.startswith("dti_kg.")}


def _import_graph() -> dict[str, set[str]]:
    """Each dti_kg module and the dti_kg modules it imports."""
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[module] = _module_imports(path) - {module}
    return graph


def test_imports_follow_the_layers() -> None:
    wrong = []
    for module, imports in _import_graph().items():
        layer = _layer(module)
        for imported in sorted(imports):
            if _layer(imported) not in MAY_IMPORT[layer]:
                wrong.append(f"{module} ({layer}) imports {imported} ({_layer(imported)})")
    assert not wrong, "\n".join([*wrong, "see the layers in docs/architecture.md"])


def test_the_layer_check_sees_a_server_module_loading_the_build() -> None:
    assert _layer("dti_kg.server.pages") == "server" and _layer("dti_kg.build") == "build"
    assert "build" not in MAY_IMPORT["server"] and "loaders" not in MAY_IMPORT["server"]


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle (its modules, the first repeated at the end), or [] when there is none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done or module not in graph:
            return []
        path.append(module)
        for imported in sorted(graph[module]):
            if found := visit(imported):
                return found
        path.pop()
        done.add(module)
        return []

    for module in sorted(graph):
        if found := visit(module):
            return found
    return []


def test_no_module_imports_itself_through_others() -> None:
    # The sentence engine (loaders/rules.py) imports its parts; a part importing the engine back would
    # be a cycle, which only works by the order modules happen to be imported in.
    cycle = _cycle(_import_graph())
    assert not cycle, " -> ".join(cycle)


def test_the_cycle_check_sees_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
