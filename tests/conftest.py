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


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A store built from the seed corpus, built once per session: tests only read it."""
    from dti_kg.build import build_store

    link = tmp_path_factory.mktemp("seed") / "store"
    result = build_store(link, [corpus_dir])
    assert result.ok, [o.as_json() for o in result.quarantined]
    return link


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the bundled snapshot (what `dti serve` builds on first start), once per session."""
    from dti_kg.build import build_store

    link = tmp_path_factory.mktemp("bundled-store") / "store"
    result = build_store(link, None)
    assert result.ok, [o.as_json() for o in result.quarantined]
    return link


# ---- server pages & linked data fixtures (owner: pages engineer) -------------------------------
SERVER_SAMPLE = REPO / "tests" / "fixtures" / "server" / "sample.trig"


def make_sample_store(directory: Path) -> Path:
    """A published store at ``directory/store`` holding tests/fixtures/server/sample.trig."""
    import pyoxigraph

    from dti_kg import store
    from dti_kg.dumps import create_servable_build

    p = store.paths(directory / "store")
    quads = list(pyoxigraph.parse(path=str(SERVER_SAMPLE), format=pyoxigraph.RdfFormat.TRIG))
    store.publish(p, create_servable_build(p, quads, {"note": "server sample"}))
    return p.link


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_store(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def pages_app(sample_store: Path):
    """The real app over the sample store, one query worker; its workers stop at the end."""
    from server_helpers import app_over

    with app_over(sample_store, QUERY_TIMEOUT=20) as app:
        yield app


@pytest.fixture()
def pages_client(pages_app):
    return pages_app.test_client()


# ---- end of server pages & linked data fixtures ---------------------------------------------
