"""What import-graph tools and ``python -m`` see from the checkout: one tree, dti_kg/, by dotted name.

Tools (mypy, import-graph linters) map files to modules by folder; these tests check that mapping is
the real one: every file under dti_kg/ imports as its dotted name from the repository root and is the
file the tool read, and the design's top-level folders (symlinks) refuse to load as a second copy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "dti_kg"


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = sorted(_dotted(p) for p in PACKAGE.rglob("*.py"))


def _python(code: str) -> subprocess.CompletedProcess[str]:
    # -c puts the current directory first on sys.path, as `python -m` does: the checkout's own folders win.
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_the_module_list_covers_every_subpackage() -> None:
    assert {"dti_kg", "dti_kg.cli", "dti_kg.loaders", "dti_kg.server", "dti_kg.server.worker"} <= set(MODULES)


def test_every_module_imports_by_its_dotted_name_from_the_file_a_tool_reads() -> None:
    code = (
        "import importlib, json, sys\n"
        "out = {}\n"
        f"for name in {MODULES!r}:\n"
        "    out[name] = importlib.import_module(name).__file__\n"
        "print(json.dumps(out))\n"
    )
    run = _python(code)
    assert run.returncode == 0, run.stderr
    files = json.loads(run.stdout)
    for name in MODULES:
        expected = PACKAGE.joinpath(*name.split(".")[1:])
        expected = expected / "__init__.py" if expected.is_dir() else expected.with_suffix(".py")
        assert Path(files[name]).resolve() == expected.resolve(), name


@pytest.mark.parametrize("name", ["server", "loaders", "server.errors", "loaders.rules"])
def test_the_design_folders_refuse_a_second_copy(name: str) -> None:
    run = _python(f"import {name}")
    assert run.returncode == 1
    top = name.split(".")[0]
    last = run.stderr.strip().splitlines()[-1]
    assert last == (f"ImportError: import dti_kg.{top}, not {top}: {top}/ is a view of dti_kg/{top}/"), (
        run.stderr
    )
