"""An incremental build (over a previous store, its unchanged sources from the store's cache) gives the
same bytes as a full build of the same inputs: an article changed, one removed and one added at once."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from server_helpers import fixture_quads

from dti_kg import dumps, releases, source_entries, store
from dti_kg.build import build_store
from dti_kg.serialize import dump_nquads, dump_trig

DUMPS = ("dump.nq", "dump.trig", "dump.nq.gz", "dump.trig.gz")
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
# A default-graph triple with a literal needing escapes: the fixture has none.
LITERAL = pyoxigraph.Literal('tab\t "quote" \\ newline\n é')


def _corpus(folder: Path, corpus_dir: Path, names: list[str]) -> Path:
    folder.mkdir()
    for name in names:
        shutil.copy(corpus_dir / name, folder / name)
    return folder


def test_an_incremental_build_equals_a_full_build(tmp_path: Path, corpus_dir: Path) -> None:
    seeds = sorted(p.name for p in corpus_dir.glob("*.txt"))
    before = _corpus(tmp_path / "before", corpus_dir, seeds[:3])
    after = _corpus(tmp_path / "after", corpus_dir, [seeds[0], seeds[1], seeds[3]])  # seeds[2] removed
    changed = after / seeds[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n(Cập nhật lần 2)\n", encoding="utf-8")

    first = build_store(tmp_path / "incremental", [before])
    assert first.ok and not any(o.cached for o in first.outcomes)
    again = build_store(tmp_path / "incremental", [after])
    full = build_store(tmp_path / "full", [after])

    cached = {o.name: o.cached for o in again.outcomes}
    assert cached == {seeds[0]: True, seeds[1]: False, seeds[3]: False}, cached
    assert not any(o.cached for o in full.outcomes)
    assert again.quads == full.quads and again.quads != first.quads
    for name in DUMPS:
        mine, theirs = (again.build_dir / name).read_bytes(), (full.build_dir / name).read_bytes()
        assert mine == theirs, f"{name} differs between the incremental and the full build"
    assert (
        releases.current_release(again.store).content_hash
        == releases.current_release(full.store).content_hash
    )
    # The removed article is gone from the incremental build, the added one is there.
    dump = (again.build_dir / "dump.nq").read_text(encoding="utf-8")
    assert seeds[2] not in dump and seeds[3] in dump
    assert store.read_build_info(again.store)["served"] == 3


@pytest.mark.parametrize("run_lines", [7, dumps.RUN_LINES])
def test_dumps_written_graph_by_graph_equal_the_whole_text_writers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_lines: int
) -> None:
    """Sorted runs spilled to disk (7 lines each) or one run in memory, TriG blocks rendered or reused:
    the same bytes as serialize.dump_nquads / dump_trig, and gzip that unpacks to them."""
    monkeypatch.setattr(dumps, "RUN_LINES", run_lines)
    quads = [*fixture_quads(), pyoxigraph.Quad(pyoxigraph.NamedNode("http://e/s"), RDF_TYPE, LITERAL)]
    opened = pyoxigraph.Store()
    opened.extend(quads)
    (tmp_path / "blocks").mkdir()
    for attempt in ("rendered", "reused"):
        (tmp_path / "blocks" / "stale.trig").write_text("a block no graph of this store has")
        out = tmp_path / attempt
        out.mkdir()
        written = dumps.write_dumps(out, opened, blocks=tmp_path / "blocks")
        nq = (out / "dump.nq").read_bytes()
        assert nq == dump_nquads(opened).encode("utf-8"), attempt
        assert (out / "dump.trig").read_bytes() == dump_trig(opened).encode("utf-8"), attempt
        assert gzip.decompress((out / "dump.nq.gz").read_bytes()) == nq
        assert written["nquads_sha256"] == hashlib.sha256(nq).hexdigest()
        assert not list(out.glob(".*")), "temporary files left behind"
    graphs = {q.graph_name for q in opened}
    assert len(list((tmp_path / "blocks").glob("*.trig"))) == len(graphs), "stale blocks are pruned"


def test_batches_validated_in_worker_processes_give_the_same_build(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One source a batch: the first validated here, the other four in two spawned workers."""
    monkeypatch.setattr(source_entries, "BATCH", 1)
    monkeypatch.setattr(source_entries, "WORKERS", 2)
    pooled = build_store(tmp_path / "pooled", [corpus_dir])
    monkeypatch.setattr(source_entries, "WORKERS", 1)
    alone = build_store(tmp_path / "alone", [corpus_dir])
    assert [o.as_json() for o in pooled.outcomes] == [o.as_json() for o in alone.outcomes]
    assert len(pooled.outcomes) == 5 and pooled.ok
    for name in (*DUMPS, "report.txt", "report.ttl"):
        mine, theirs = (pooled.build_dir / name).read_bytes(), (alone.build_dir / name).read_bytes()
        assert mine == theirs, f"{name} differs between worker processes and one process"


def test_a_renamed_file_or_an_edited_sidecar_is_not_served_from_the_cache(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """Regression: the cache was keyed by the normalised text alone, so a renamed article kept its old
    dti:fileName and an edited sidecar its old URL. The key now covers the name and the sidecar."""
    seed = sorted(corpus_dir.glob("*.txt"))[0]
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(seed, folder / "old-name.txt")
    build_store(tmp_path / "store", [folder])
    (folder / "old-name.txt").rename(folder / "new-name.txt")
    renamed = build_store(tmp_path / "store", [folder])
    assert [(o.name, o.cached) for o in renamed.outcomes] == [("new-name.txt", False)]
    dump = (renamed.build_dir / "dump.nq").read_text(encoding="utf-8")
    assert '"new-name.txt"' in dump and '"old-name.txt"' not in dump
    (folder / "new-name.txt.meta.json").write_text('{"url": "https://example.org/a"}', encoding="utf-8")
    with_sidecar = build_store(tmp_path / "store", [folder])
    assert not with_sidecar.outcomes[0].cached  # read again: what the sidecar says now is applied
