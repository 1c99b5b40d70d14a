"""Shared test fixtures.

Tests that need ``../shared`` (the seed corpus and the reference tables) fail loudly when it is
missing: they never skip, in CI or elsewhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DTI_KG_SHARED", REPO.parent / "shared"))


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(
            f"{path} is missing: these tests read the seed corpus and reference tables from ../shared "
            "(set DTI_KG_SHARED to point elsewhere)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _require(SHARED)


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return _require(shared_dir / "corpus")


@pytest.fixture(scope="session")
def reference_dir(shared_dir: Path) -> Path:
    return _require(shared_dir / "reference")


@pytest.fixture(scope="session")
def expected_claims(corpus_dir: Path) -> list[dict]:
    lines = (corpus_dir / "expected_claims.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def seed_files(corpus_dir: Path) -> list[Path]:
    files = sorted(corpus_dir.glob("*.txt"))
    assert len(files) == 5, f"expected the five seed articles in {corpus_dir}, found {len(files)}"
    return files
