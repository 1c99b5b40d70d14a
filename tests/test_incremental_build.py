"""An incremental build (over a previous store, its unchanged sources from the store's cache) gives the
same bytes as a full build of the same inputs: an article changed, one removed and one added at once.

An incremental build starts from a checkpoint of the previous build's store and edits the previous
build's dumps (dti_kg.increment, dti_kg.dumps): every path that reuses something is checked against a
build that writes everything, and every reason not to reuse falls back to a full build, saying why."""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import random
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest
from server_helpers import fixture_quads

from dti_kg import build, diff, dumps, gzip_chunks, increment, release_zip, releases, source_entries, store
from dti_kg.build import build_store
from dti_kg.iri import Minter
from dti_kg.serialize import dump_nquads, dump_trig
from dti_kg.sources import article_sources
from dti_kg.validate import ShapeGate

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
    said: list[str] = []
    again = build_store(tmp_path / "incremental", [after], progress=said.append)
    full = build_store(tmp_path / "full", [after])
    assert not [m for m in said if "full" in m], said
    # The store started from a checkpoint of the first: its unchanged files are hard links.
    assert any(f.stat().st_nlink > 1 for f in (again.build_dir / store.OXIGRAPH_DIR).glob("*.sst"))

    cached = {o.name: o.cached for o in again.outcomes}
    assert cached == {seeds[0]: True, seeds[1]: False, seeds[3]: False}, cached
    assert not any(o.cached for o in full.outcomes)
    assert again.quads == full.quads and again.quads != first.quads
    _same_build(again, full)
    assert again.reuse is not None  # its release was updated from the first one's
    # The claims kept beside a release, which the next release's diff reads, are those of its store.
    kept = diff.read_claims(first.build_dir)
    assert kept and kept == diff.claims_of(pyoxigraph.Store.read_only(str(first.build_dir / "oxigraph")))
    # The removed article is gone from the incremental build, the added one is there.
    dump = (again.build_dir / "dump.nq").read_text(encoding="utf-8")
    assert seeds[2] not in dump and seeds[3] in dump
    assert store.read_build_info(again.store)["served"] == 3


@pytest.mark.parametrize(
    ("run_lines", "stream_bytes"), [(7, dumps.STREAM_BYTES), (dumps.RUN_LINES, dumps.STREAM_BYTES), (3, 200)]
)
def test_dumps_written_graph_by_graph_equal_the_whole_text_writers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_lines: int, stream_bytes: int
) -> None:
    """Sorted runs spilled to disk (7 lines each) or one run in memory, graphs over 200 bytes sorted
    and rendered from disk, TriG blocks rendered or reused: the same bytes as serialize.dump_nquads /
    dump_trig, and gzip that unpacks to them."""
    monkeypatch.setattr(dumps, "RUN_LINES", run_lines)
    monkeypatch.setattr(dumps, "STREAM_BYTES", stream_bytes)
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
    """One source a batch: all five validated in two spawned workers, against one process."""
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


@pytest.mark.parametrize(("batch", "gates_made_here"), [(2, 0), (5, 1)])
def test_only_a_build_of_one_batch_validates_in_its_own_process(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, batch: int, gates_made_here: int
) -> None:
    """Regression (issue 9): the first batch of a cold build was validated in the build's own process,
    whose heap then held a shape gate and an extraction's leftovers into the store phase (a cold
    10,000-article build peaked at 1,098 MB, one from the cache at 761). Five sources in batches of two
    go to the workers, all of them; five in one batch of five are validated here (no pool to start)."""
    monkeypatch.setattr(source_entries, "BATCH", batch)
    monkeypatch.setattr(source_entries, "WORKERS", 2)
    minter = Minter("https://w3id.org/dti-kg/")
    reference = source_entries.reference_graphs(minter)
    made: list[int] = []

    def gate() -> ShapeGate:
        made.append(1)
        return source_entries.shape_gate(reference)

    taken: list[str] = []
    outcomes = source_entries.gather_sources(
        article_sources([corpus_dir]),
        minter,
        source_entries.Cache(None, "test"),
        gate,
        lambda _message: None,
        lambda outcome, _entry: taken.append(outcome.name),
    )
    assert len(made) == gates_made_here
    assert [o.status for o in outcomes] == ["served"] * 5
    assert taken == [o.name for o in outcomes], "taken in source order"


def test_an_article_source_keeps_its_graph_name_not_its_document(corpus_dir: Path) -> None:
    """Regression (issue 9): a source kept the document it had read for its graph's name, and a build
    keeps every source to its end: a cold 10,000-article build held all the documents in its store
    phase. Pickled (as it goes to a worker), a named source is its path and name, not its text."""
    minter = Minter("https://w3id.org/dti-kg/")
    article = max(corpus_dir.glob("*.txt"), key=lambda p: p.stat().st_size)
    (source,) = article_sources([article])
    bare = len(pickle.dumps(source))
    name = source.graph_name(minter)
    assert name.startswith("https://w3id.org/dti-kg/")
    assert len(pickle.dumps(source)) < bare + 200 < article.stat().st_size
    assert source.graph_name(minter) == name
    graph, claims, _notes = source.extract(minter)  # reads the file again
    assert claims > 0 and len(graph) > claims


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


def _same_build(mine: build.BuildResult, theirs: build.BuildResult) -> None:
    # report.txt says which sources came from the cache; the claims kept with the release and the zip's
    # tables are updated from the previous release's by an incremental build.
    for name in (*DUMPS, "report.ttl", diff.CLAIMS_FILE):
        assert (mine.build_dir / name).read_bytes() == (theirs.build_dir / name).read_bytes(), name
    with (
        zipfile.ZipFile(mine.build_dir / release_zip.ZIP_NAME) as ours,
        zipfile.ZipFile(theirs.build_dir / release_zip.ZIP_NAME) as other,
    ):
        assert ours.namelist() == other.namelist()
        for name in ours.namelist():  # the README names the previous release, which the full build lacks
            if name != "README.md":
                assert ours.read(name) == other.read(name), name
    assert mine.quads == theirs.quads
    ours, other = releases.current_release(mine.store), releases.current_release(theirs.store)
    assert ours is not None and other is not None and ours.content_hash == other.content_hash
    # The sources an incremental release lists are updated from the previous release's.
    assert ours.info["sources"] == other.info["sources"]


def _full_build(tmp_path: Path, folder: Path, store_path: Path) -> build.BuildResult:
    """A build with no previous build to start from, its sources read from ``store_path``'s cache (the
    first test shows a cached source and a fresh one give the same build)."""
    fresh = tmp_path / f"full-{folder.name}"
    (fresh.parent / f"{fresh.name}.builds").mkdir()
    shutil.copytree(store.paths(store_path).cache, store.paths(fresh).cache)
    return build_store(fresh, [folder])


def test_an_article_that_disagrees_rewrites_the_reconciliation_of_unchanged_ones(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """Added, an article with other ranks for the same province changes the reconciliation of the
    claims of an article that did not change (dti:conflictsWithValue, corroboration counts)."""
    seed = sorted(corpus_dir.glob("*.txt"))[0]
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(seed, folder / "a.txt")
    first = build_store(tmp_path / "store", [folder])
    # The same article with every rank one place lower: the same province, other figures.
    other = re.sub(r"\b(\d{1,2})/63\b", lambda m: f"{int(m.group(1)) % 63 + 1}/63", seed.read_text("utf-8"))
    (folder / "b.txt").write_text(other + "\n\n(Bài số 2)\n", encoding="utf-8")
    said: list[str] = []
    again = build_store(tmp_path / "store", [folder], progress=said.append)
    assert not [m for m in said if "full" in m], said
    texts = [(r.build_dir / "dump.nq").read_text("utf-8") for r in (first, again)]
    conflicts = [text.count("#conflictsWithValue>") for text in texts]
    assert conflicts[1] > conflicts[0], conflicts  # claims of a.txt now conflict with those of b.txt
    # The release queried again only the rows of b.txt's claims and of the claims it reconciled anew,
    # which include unchanged a.txt's: every claim here, but through the path that keeps the others.
    assert again.reuse is not None and again.reuse.claims == again.reuse.stale
    a_claims = {
        r[0] for r in release_zip.claim_rows(pyoxigraph.Store.read_only(str(first.build_dir / "oxigraph")))
    }
    assert a_claims and a_claims <= again.reuse.stale
    _same_build(again, _full_build(tmp_path, folder, tmp_path / "store"))
    _diff_is_whole(first, again)


def _shifted(text: str, by: int, number: int) -> str:
    """The article with every N/63 rank ``by`` places lower, as another source."""
    return re.sub(r"\b(\d{1,2})/63\b", lambda m: f"{(int(m.group(1)) + by - 1) % 63 + 1}/63", text) + (
        f"\n\n(Bài số {number})\n"
    )


def _stated_values(result: build.BuildResult) -> dict[str, set[str]]:
    """Each stated-value node of a build and the claims it is stated by."""
    opened = pyoxigraph.Store.read_only(str(result.build_dir / store.OXIGRAPH_DIR))
    rows = opened.query(
        "SELECT ?v ?c WHERE { ?v a <https://w3id.org/dti-kg/def#StatedValue> ; "
        "<https://w3id.org/dti-kg/def#statedBy> ?c }",
        use_default_graph_as_union=True,
    )
    found: dict[str, set[str]] = {}
    for row in rows:  # type: ignore[union-attr]
        found.setdefault(row["v"].value, set()).add(row["c"].value)
    return found


def test_stated_values_shared_by_sources_follow_the_slot_when_its_values_change(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """A stated-value node is shared by the claims of every source stating it: an increment that
    changes what a slot's sources say rewrites those nodes (not only the changed claims'
    reconciliations), removes the nodes nobody states or disagrees with any more, and gives the bytes
    of a full build."""
    seed = sorted(corpus_dir.glob("*.txt"))[0].read_text("utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(seed, encoding="utf-8")
    (folder / "b.txt").write_text(_shifted(seed, 1, 2), encoding="utf-8")
    first = build_store(tmp_path / "store", [folder])
    before = _stated_values(first)
    assert before, "a.txt and b.txt disagree: their values have nodes"

    # b.txt now says other ranks again; c.txt says what b.txt said: the old value has a new claim.
    (folder / "b.txt").write_text(_shifted(seed, 2, 2), encoding="utf-8")
    (folder / "c.txt").write_text(_shifted(seed, 1, 3), encoding="utf-8")
    said: list[str] = []
    second = build_store(tmp_path / "store", [folder], progress=said.append)
    assert not [m for m in said if "full" in m], said
    after = _stated_values(second)
    assert after != before and set(before) & set(after), "some nodes kept, stated by other claims now"
    assert len(after) > len(before)
    (tmp_path / "second").mkdir()
    _same_build(second, _full_build(tmp_path / "second", folder, tmp_path / "store"))

    # Only a.txt left: nobody disagrees, no node stays.
    (folder / "b.txt").unlink()
    (folder / "c.txt").unlink()
    third = build_store(tmp_path / "store", [folder], progress=said.append, allow_shrink=True)
    assert not [m for m in said if "full" in m], said
    assert _stated_values(third) == {}
    assert "/id/stated-value/" not in (third.build_dir / "dump.nq").read_text("utf-8")
    (tmp_path / "third").mkdir()
    _same_build(third, _full_build(tmp_path / "third", folder, tmp_path / "store"))


def test_an_article_about_another_province_leaves_the_other_claims_rows_as_they_were(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """The release of an incremental build queries only the claims that may have changed (those of the
    added article: no other claim shares its province) and keeps the other rows of the previous
    release's ``claims.csv`` and ``claims.json``, merged in their order: the same bytes as a full build."""
    seed = sorted(corpus_dir.glob("*.txt"))[0].read_text("utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, province in enumerate(("Bến Tre", "Hà Giang", "Cà Mau", "Lạng Sơn")):
        text = seed
        for name in ("Thái Nguyên", "Hậu Giang", "Bến Tre"):  # the seed articles' provinces
            text = text.replace(name, province)
        if i < 3:
            (folder / f"a{i}.txt").write_text(text + f"\n\n(Bài số {i})\n", encoding="utf-8")
    first = build_store(tmp_path / "store", [folder])
    (folder / "a3.txt").write_text(text + "\n\n(Bài số 3)\n", encoding="utf-8")
    again = build_store(tmp_path / "store", [folder])
    assert again.reuse is not None
    added = {
        r[0] for r in release_zip.claim_rows(pyoxigraph.Store.read_only(str(again.build_dir / "oxigraph")))
    }
    added -= {
        r[0] for r in release_zip.claim_rows(pyoxigraph.Store.read_only(str(first.build_dir / "oxigraph")))
    }
    assert added and again.reuse.stale == added < again.reuse.claims
    _same_build(again, _full_build(tmp_path, folder, tmp_path / "store"))
    _diff_is_whole(first, again)


def _diff_is_whole(first: build.BuildResult, again: build.BuildResult) -> None:
    """The diff an incremental release recorded (only the slots of claims it dropped or queried again
    looked at) is the diff of every claim of the two releases."""
    old, new = diff.read_claims(first.build_dir), diff.read_claims(again.build_dir)
    infos = [json.loads((r.build_dir / "release.json").read_text("utf-8")) for r in (first, again)]
    assert old is not None and new is not None
    recorded = diff.read_diff(again.build_dir)
    assert recorded is not None and recorded[2], "the added article's claims are a change"
    assert recorded[2] == diff.diff_claims(old, new, *infos)


def test_a_removed_source_missing_from_the_cache_reconciles_every_group(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """Which groups a removed source's claims were in is read from its cache entry: without it, every
    claim is reconciled again (still over the checkpoint), and the build is the same."""
    folder = _corpus(tmp_path / "articles", corpus_dir, sorted(p.name for p in corpus_dir.glob("*.txt"))[:3])
    first = build_store(tmp_path / "store", [folder])
    gone = sorted(folder.glob("*.txt"))[0]
    key = next(o.key for o in first.outcomes if o.name == gone.name)
    for entry in store.paths(tmp_path / "store").cache.glob(f"{key}-*.json"):
        entry.unlink()
    (first.build_dir / source_entries.SUMMARY_FILE).unlink()  # which holds its records too
    gone.unlink()
    said: list[str] = []
    again = build_store(tmp_path / "store", [folder], progress=said.append)
    assert not [m for m in said if "full" in m], said
    assert again.reuse is not None
    _same_build(again, _full_build(tmp_path, folder, tmp_path / "store"))


def test_a_loader_version_change_rebuilds_everything(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path / "articles", corpus_dir, sorted(p.name for p in corpus_dir.glob("*.txt"))[:2])
    build_store(tmp_path / "store", [folder])
    monkeypatch.setattr(build, "LOADER_VERSION", "0.0.0-test")
    said: list[str] = []
    again = build_store(tmp_path / "store", [folder], progress=said.append)
    assert any(m.startswith("full build: the loader") for m in said), said
    assert not any(o.cached for o in again.outcomes)  # every source extracted and validated again
    _same_build(again, _full_build(tmp_path, folder, tmp_path / "store"))


def _truncate_dump(build_dir: Path, _removed: str) -> None:
    nq = build_dir / "dump.nq"
    nq.write_bytes(nq.read_bytes()[:-100])


def _edit_a_line(build_dir: Path, _removed: str) -> None:
    """The same size, a few bytes changed (caught by the file's time)."""
    nq = build_dir / "dump.nq"
    nq.write_bytes(nq.read_bytes().replace(b"<http", b"<htpp", 1))


def _lose_a_line(build_dir: Path, removed: str) -> None:
    """A line of the store missing from dump.nq (the file name of the article the next build drops), and
    the index made to agree: the edit looks for that line to cut it and finds out."""
    nq = build_dir / "dump.nq"
    name = f'"{removed}"'.encode()
    nq.write_bytes(b"".join(line for line in nq.read_bytes().splitlines(True) if name not in line))
    index = json.loads((build_dir / dumps.INDEX).read_text())
    found = nq.stat()
    index["files"]["dump.nq"] = [found.st_size, found.st_mtime_ns]
    (build_dir / dumps.INDEX).write_text(json.dumps(index))


def _older_layout(build_dir: Path, _removed: str) -> None:
    """An index written by an older layout (gzip members, not chunks): nothing of it is copied."""
    index = json.loads((build_dir / dumps.INDEX).read_text())
    (build_dir / dumps.INDEX).write_text(json.dumps({**index, "format": "members-0"}))


def _unlink(name: str) -> Callable[[Path, str], None]:
    return lambda build_dir, _removed: (build_dir / name).unlink()


def _overwrite(name: str, text: str) -> Callable[[Path, str], None]:
    return lambda build_dir, _removed: (build_dir / name).write_text(text)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_unlink(increment.MANIFEST), "full build: cannot read"),
        (_overwrite(increment.MANIFEST, "{"), "full build: cannot read"),
        (_unlink(dumps.INDEX), "full build: the current build"),
        (_overwrite(dumps.INDEX, "[]"), "writing the dumps in full: cannot read"),
        (_older_layout, "writing the dumps in full: "),
        (_truncate_dump, "writing the dumps in full"),
        (_edit_a_line, "writing the dumps in full"),
        (_lose_a_line, "writing the dumps in full: the previous dump.nq lacks a line"),
        (lambda d, _r: shutil.rmtree(d / store.OXIGRAPH_DIR), "full build: the store at"),
    ],
    ids=[
        "no-manifest",
        "bad-manifest",
        "no-index",
        "bad-index",
        "older-layout",
        "truncated",
        "edited",
        "line-lost",
        "no-store",
    ],
)
def test_a_damaged_previous_build_gives_a_full_build_saying_why(
    tmp_path: Path, corpus_dir: Path, damage: Callable[[Path, str], None], message: str
) -> None:
    names = sorted(p.name for p in corpus_dir.glob("*.txt"))
    folder = _corpus(tmp_path / "articles", corpus_dir, names[:3])
    first = build_store(tmp_path / "store", [folder])
    damage(first.build_dir, names[0])
    (folder / names[0]).unlink()
    shutil.copy(corpus_dir / names[3], folder / names[3])
    said: list[str] = []
    again = build_store(tmp_path / "store", [folder], progress=said.append)
    assert any(m.startswith(message) for m in said), said
    assert again.ok
    _same_build(again, _full_build(tmp_path, folder, tmp_path / "store"))


def test_dumps_edited_from_a_previous_build_equal_dumps_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Graphs emptied, shrunk, grown and added, over five builds in a row, with a gzip chunk every
    four lines or so (so edits fall at chunks' ends and starts) and TriG blocks patched subject by
    subject: the bytes of a build that writes it all."""
    monkeypatch.setattr(gzip_chunks, "_MASK", 3)
    rng = random.Random(7)

    def quad(s: int, g: int) -> pyoxigraph.Quad:
        return pyoxigraph.Quad(
            # every third subject written as a prefixed name (dti:s3) in TriG
            pyoxigraph.NamedNode(f"https://w3id.org/dti-kg/def#s{s}" if s % 3 == 0 else f"http://e/s{s}"),
            pyoxigraph.NamedNode(f"http://e/p{rng.randrange(4)}"),
            pyoxigraph.Literal(str(rng.randrange(40))),
            pyoxigraph.NamedNode(f"http://e/g{g}"),
        )

    before = pyoxigraph.Store()
    before.extend(quad(rng.randrange(300), rng.randrange(8)) for _ in range(2000))
    previous = tmp_path / "0"
    previous.mkdir()
    dumps.write_dumps(previous, before, blocks=tmp_path / "blocks")
    for step in range(1, 6):
        after = pyoxigraph.Store()
        after.extend(before)
        after.remove_graph(pyoxigraph.NamedNode(f"http://e/g{step}"))
        for q in list(after.quads_for_pattern(None, None, None, pyoxigraph.NamedNode("http://e/g0")))[:30]:
            after.remove(q)
        after.extend(quad(rng.randrange(400), g) for g in (0, 8 + step) for _ in range(60))
        touched = frozenset({f"http://e/g{g}" for g in (0, step, 8 + step)})
        edited, whole = tmp_path / str(step), tmp_path / f"whole{step}"
        edited.mkdir()
        whole.mkdir()
        mine = dumps.write_dumps(
            edited, after, tmp_path / "blocks", dumps.Previous(previous, before, touched)
        )
        theirs = dumps.write_dumps(whole, after)
        for name in DUMPS:
            assert (edited / name).read_bytes() == (whole / name).read_bytes(), (step, name)
        assert mine["nquads_sha256"] == theirs["nquads_sha256"]
        for name in ("dump.nq", "dump.trig"):
            # One gzip member (a decoder that stops after the first, as browsers and curl do, reads it
            # all), made of many copied chunks.
            one_member = zlib.decompressobj(wbits=31)
            unpacked = one_member.decompress((edited / f"{name}.gz").read_bytes())
            assert unpacked == (edited / name).read_bytes() and one_member.eof and not one_member.unused_data
        before, previous = after, edited


def test_unchanged_sources_are_read_from_the_previous_builds_summaries(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An increment reads a source's whole cache entry (its graph's text too) only when it is new or
    changed; the others come from the previous build's summaries (entries.json). A previous build made
    before summaries were kept (main's) still works: every entry is read once, and the summaries written."""
    seeds = sorted(p.name for p in corpus_dir.glob("*.txt"))
    folder = _corpus(tmp_path / "articles", corpus_dir, seeds[:3])
    first = build_store(tmp_path / "store", [folder])
    (first.build_dir / source_entries.SUMMARY_FILE).unlink()
    read: list[str] = []
    real_get = source_entries.Cache.get

    def counting(self: source_entries.Cache, key: str) -> dict | None:
        if key != "reference":  # the shipped data's verdict, kept in a cache of its own
            read.append(key)
        return real_get(self, key)

    monkeypatch.setattr(source_entries.Cache, "get", counting)
    shutil.copy(corpus_dir / seeds[3], folder / seeds[3])
    second = build_store(tmp_path / "store", [folder])
    assert second.reuse is not None and len(read) == 4, read
    assert (second.build_dir / source_entries.SUMMARY_FILE).is_file()
    read.clear()
    shutil.copy(corpus_dir / seeds[4], folder / seeds[4])
    third = build_store(tmp_path / "store", [folder])
    added = next(o.key for o in third.outcomes if o.name == seeds[4])
    assert read == [added], "only the new source's entry is looked up in the cache"
    monkeypatch.undo()
    (tmp_path / "third").mkdir()
    _same_build(third, _full_build(tmp_path / "third", folder, tmp_path / "store"))
