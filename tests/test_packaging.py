"""The wheel ships everything an installed copy needs, under the one namespace dti_kg."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy: setuptools writes build/ and *.egg-info/ next to the sources.
    src = tmp_path_factory.mktemp("src") / "dti-kg"
    shutil.copytree(
        REPO,
        src,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "*.egg-info", "store*", "__pycache__", ".pytest_cache", ".ruff_cache"
        ),
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("dti_kg-*.whl")
    return whl


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "dti_kg/ontology/dti.ttl" in names
    assert any(n.startswith("dti_kg/shapes/") and n.endswith(".ttl") for n in names)
    assert any(n.startswith("dti_kg/queries/") and n.endswith(".rq") for n in names)
    for data in ("provinces_63.csv", "units_2025.csv", "editions.csv", "outlets.csv", "seed-articles.nq"):
        assert f"dti_kg/data/{data}" in names, data
    assert "dti_kg/loaders/__init__.py" in names and "dti_kg/server/__init__.py" in names
    top_level = {
        n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith((".dist-info", ".data"))
    }
    assert top_level == {"dti_kg"}, f"only the dti_kg namespace is installed, not {top_level}"


def test_installed_copy_works_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """Unpack the wheel elsewhere and build the bundled graph from it, far from the checkout."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import dti_kg, sys; assert dti_kg.__file__.startswith(sys.argv[1]), dti_kg.__file__\n"
        "from dti_kg.cli import main; main(['build', '--store', 'store'])"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "store").is_symlink()
