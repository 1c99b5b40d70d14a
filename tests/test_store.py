"""The store's atomic switch and lock, on a real on-disk pyoxigraph store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest

from dti_kg import store
from dti_kg.errors import StoreError

EX = "http://example.org/"


def _quads(n: int) -> list[pyoxigraph.Quad]:
    g = pyoxigraph.NamedNode(EX + "g")
    return [
        pyoxigraph.Quad(
            pyoxigraph.NamedNode(f"{EX}s{i}"), pyoxigraph.NamedNode(EX + "p"), pyoxigraph.Literal(str(i)), g
        )
        for i in range(n)
    ]


def test_publish_switches_atomically_and_keeps_old_build_readable(tmp_path: Path) -> None:
    link = tmp_path / "store"
    p = store.paths(link)
    first = store.create_build(p, _quads(2), {"note": "first"})
    store.publish(p, first)
    reader = store.open_read_only(link)
    assert len(reader) == 2
    second = store.create_build(p, _quads(5), {"note": "second"})
    store.publish(p, second)
    assert store.read_build_info(link)["note"] == "second"
    assert len(store.open_read_only(link)) == 5
    assert len(reader) == 2, "a reader of the previous build still sees a complete store"


def test_missing_store_is_an_error_not_an_empty_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        store.open_read_only(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


def test_second_build_fails_clearly_while_one_holds_the_lock(tmp_path: Path) -> None:
    link = tmp_path / "store"
    with (
        store.build_lock(link),
        pytest.raises(StoreError, match="another build is running"),
        store.build_lock(link),
    ):
        pass


def test_old_builds_are_pruned(tmp_path: Path) -> None:
    p = store.paths(tmp_path / "store")
    for i in range(store.KEEP_BUILDS + 2):
        store.publish(p, store.create_build(p, _quads(1), {"i": i}))
    builds = [d for d in p.builds.iterdir() if d.is_dir()]
    assert len(builds) == store.KEEP_BUILDS
    assert store.read_build_info(p.link)["i"] == store.KEEP_BUILDS + 1


def test_a_plain_directory_is_not_taken_for_a_store(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(StoreError, match="not a DTI-KG store link"):
        store.paths(tmp_path / "data")


def test_extend_bulk_loads_as_it_goes_not_after_the_whole_iterable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: the size check ran after the loop, so a full build of 10,000 articles buffered its
    # whole reconciliation graph and bulk-loaded it at once (2.7 GB peak). The buffer must stay near
    # BULK_BYTES however many quads one call is given.
    monkeypatch.setattr(store, "BULK_BYTES", 1024)
    line = max(len(f"{q} .\n".encode()) for q in _quads(500))
    largest = [0]
    with store.staging(store.paths(tmp_path / "store")) as staged:

        def watched() -> Iterator[pyoxigraph.Quad]:
            for quad in _quads(500):
                largest[0] = max(largest[0], len(staged._buffer))
                yield quad

        staged.extend(watched())
        built = staged.finish({})
    assert largest[0] < 1024 + line, f"the buffer grew to {largest[0]} bytes"
    assert len(pyoxigraph.Store.read_only(str(built / store.OXIGRAPH_DIR))) == 500
