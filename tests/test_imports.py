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
    assert not hidden, "\n".join(hidden)


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
