"""The on-disk store: immutable build directories behind an atomically switched symlink.

Layout for ``--store PATH``::

    PATH                  symlink -> PATH.builds/<build-id>   (switched with one rename)
    PATH.builds/
        <build-id>/
            oxigraph/     the pyoxigraph store of that build (never written after publication)
            build.json    what was built from what: sources, counts, quarantined sources
            dump.nq, dump.trig (and .gz)  the whole dataset, written once for download
            dump.index.json  where each graph's TriG block and each gzip chunk is (dti_kg.dumps)
            increment.json   the cache key of each served source (dti_kg.increment)
            claims.json      the release's claims, read by the next release's diff (dti_kg.diff)
            entries.json     the served sources' cache entries but their graphs (dti_kg.source_entries)
            report.txt    readable validation report
            report.ttl    the SHACL validation reports as RDF
            report.pieces.json  each report's Turtle statements, for the next build (dti_kg.report_ttl)
            quarantine/   graphs that failed validation (not served), one N-Quads file each
        cache/            per-source entries (graph, candidates, SHACL report, claim records), keyed
                          by the file's bytes, the loader version and the gate fingerprint
        cache/trig/       the TriG blocks of the current build's graphs, by content (dti_kg.dumps)
        answers/<build-id>/  query answers the server's processes share for that build
                          (dti_kg.server.shared_answers); removed with their build
        lock              held (flock) by the one build running on this store

A build over a store whose current build it may follow (dti_kg.increment) starts from a checkpoint
of that build's store (hard links) and changes only what differs.

A crash or an interrupt during a build leaves ``PATH`` pointing at the previous complete build;
a server that opened the previous build keeps reading it (old builds are kept for a while).
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph

from dti_kg.errors import StoreDamaged, StoreError, first_line

BULK_BYTES = 32 << 20  # N-Quads buffered before a bulk load into a staged store
KEEP_BUILDS = 3  # the current build and two before it, for servers still reading them
BUILD_INFO = "build.json"
OXIGRAPH_DIR = "oxigraph"
CACHE_DIR = "cache"
ANSWERS_DIR = "answers"


@dataclass(frozen=True)
class StorePaths:
    link: Path

    @property
    def builds(self) -> Path:
        return self.link.with_name(self.link.name + ".builds")

    @property
    def cache(self) -> Path:
        return self.builds / CACHE_DIR

    @property
    def lock(self) -> Path:
        return self.builds / "lock"

    @property
    def answers(self) -> Path:
        return self.builds / ANSWERS_DIR


def paths(store: str | os.PathLike[str]) -> StorePaths:
    link = Path(store).expanduser().absolute()
    if link.exists() and not link.is_symlink():
        raise StoreError(
            f"{link} exists and is not a DTI-KG store link; choose another --store path or remove it"
        )
    return StorePaths(link)


@contextlib.contextmanager
def build_lock(store: str | os.PathLike[str]) -> Iterator[StorePaths]:
    """Hold the store's build lock; a second concurrent build fails at once with a clear error."""
    p = paths(store)
    p.builds.mkdir(parents=True, exist_ok=True)
    with p.lock.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise StoreError(
                f"another build is running on {p.link} (lock {p.lock} held by {holder})"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}\n")
        fh.flush()
        try:
            yield p
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_build_dir(p: StorePaths) -> Path:
    """A fresh, empty build directory (named by time and pid, so it sorts by age)."""
    build_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}"
    d = p.builds / build_id
    n = 0
    while d.exists():
        n += 1
        d = p.builds / f"{build_id}.{n}"
    d.mkdir(parents=True)
    return d


def publish(p: StorePaths, build_dir: Path, keep: int = KEEP_BUILDS) -> list[Path]:
    """Point the store link at ``build_dir`` with one atomic rename, then prune to ``keep`` builds.

    Returns the builds kept on disk, newest first (``build_dir`` first).
    """
    if not is_complete(build_dir):
        raise StoreError(f"refusing to publish {build_dir}: it is not a complete build")
    tmp = p.link.with_name(f".{p.link.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    # A relative target keeps the store movable as a whole.
    os.symlink(os.path.relpath(build_dir, p.link.parent), tmp)
    os.replace(tmp, p.link)
    return prune(p, keep=keep)


def is_complete(build_dir: Path) -> bool:
    """A build that was written to the end: its store and its build.json (written last) are there.

    A crashed build lacks build.json; a build refused by the shrink guard has no store.
    """
    return (build_dir / BUILD_INFO).is_file() and (build_dir / OXIGRAPH_DIR).is_dir()


def prune(p: StorePaths, also_keep: Path | None = None, keep: int = KEEP_BUILDS) -> list[Path]:
    """Keep the current build and the newest complete ones, ``keep`` in all; returns them, newest first.

    Failed, partial or refused builds never take one of those places: they are removed, except
    ``also_keep`` (the report of a build just refused, for the user to read).
    """
    current = p.link.resolve().name if p.link.is_symlink() else None
    not_builds = {CACHE_DIR, ANSWERS_DIR}
    builds = sorted((d for d in p.builds.iterdir() if d.is_dir() and d.name not in not_builds), reverse=True)
    complete = [d for d in builds if is_complete(d)]
    kept = ([d for d in complete if d.name == current] + [d for d in complete if d.name != current])[:keep]
    for d in builds:
        if d not in kept and (also_keep is None or d.name != also_keep.name):
            shutil.rmtree(d, ignore_errors=True)
    if p.answers.is_dir():  # a build's shared answers go with it
        names = {d.name for d in kept}
        for d in p.answers.iterdir():
            if d.name not in names:
                shutil.rmtree(d, ignore_errors=True)
    return kept


def current_build_dir(store: str | os.PathLike[str]) -> Path:
    p = paths(store)
    if not p.link.is_symlink():
        raise StoreError(f"no store at {p.link}: run `dti build --store {p.link}` first")
    target = p.link.resolve()
    if not (target / BUILD_INFO).is_file() or not (target / OXIGRAPH_DIR).is_dir():
        raise StoreError(f"the store at {p.link} points to an incomplete build ({target})")
    return target


def read_build_info(store: str | os.PathLike[str]) -> dict[str, Any]:
    return json.loads((current_build_dir(store) / BUILD_INFO).read_text(encoding="utf-8"))


def open_read_only(store: str | os.PathLike[str]) -> pyoxigraph.Store:
    """Open the current build read-only. Unlike ``pyoxigraph.Store(path)``, never creates an empty store."""
    directory = current_build_dir(store) / OXIGRAPH_DIR
    try:
        return pyoxigraph.Store.read_only(str(directory))
    except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as a RuntimeError
        raise read_failure(directory, exc) from None


@contextlib.contextmanager
def reading(store: str | os.PathLike[str]) -> Iterator[None]:
    """Turn a store failing while it is read (a damaged block met mid-query) into a one-line error."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        raise read_failure(Path(store), exc) from None


def read_failure(directory: Path, exc: BaseException) -> StoreError:
    """The one-line error for a store that cannot be read: damaged (exit 3) or unreadable (exit 2)."""
    first = first_line(exc)
    if "Corruption" in first or "checksum" in first:
        return StoreDamaged(f"the store at {directory} is damaged ({first}); rebuild it with dti build")
    return StoreError(f"cannot read the store at {directory}: {first}")


def create_build(
    p: StorePaths,
    quads: Iterator[pyoxigraph.Quad] | list[pyoxigraph.Quad],
    info: dict[str, Any],
    finish: Callable[[Path, pyoxigraph.Store], object] | None = None,
) -> Path:
    """Write a complete, unpublished build: the quads in a fresh store plus ``build.json``.

    ``info`` is recorded as given, plus ``build_id`` and ``quads`` (the count actually stored).
    """
    with staging(p) as staged:
        staged.extend(quads)
        # ``finish``: e.g. dti_kg.dumps.write_dumps, files written from the finished store
        return staged.finish(info, finish)


class Staged:
    """A build being written: its directory and its store, open for writing; see :func:`staging`."""

    def __init__(self, directory: Path, checkpoint: Path | None = None) -> None:
        self.directory = directory
        self.checkpoint_failure = ""  # why the checkpoint could not be copied ("" if it was, or none)
        self.from_checkpoint = False
        if checkpoint is not None:
            # Hard links to the previous build's files (RocksDB never rewrites one): milliseconds,
            # and the previous build, which servers may still read, is not touched.
            try:
                pyoxigraph.Store.read_only(str(checkpoint)).backup(str(directory / OXIGRAPH_DIR))
                self.from_checkpoint = True
            except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged store as RuntimeError
                self.checkpoint_failure = first_line(exc)
                shutil.rmtree(directory / OXIGRAPH_DIR, ignore_errors=True)
        self.store: pyoxigraph.Store | None = pyoxigraph.Store(str(directory / OXIGRAPH_DIR))
        self._buffer = bytearray()

    @property
    def opened(self) -> pyoxigraph.Store:
        if self.store is None:
            raise StoreError(f"the staged build {self.directory} was already finished")
        return self.store

    def load(self, ntriples: str, graph: str) -> None:
        """N-Triples text into the named graph ``graph``, parsed by Oxigraph (not rdflib).

        Buffered as N-Quads and bulk-loaded ``BULK_BYTES`` at a time: a transaction per source would
        leave a write-ahead log as large as the data (the build would not fit where its store did)."""
        # N-Triples escapes line breaks inside literals: every " .\n" ends a statement.
        data = ntriples.encode("utf-8")
        self._buffer += (data if data.endswith(b"\n") else data + b"\n").replace(
            b" .\n", f" <{graph}> .\n".encode()
        )
        if len(self._buffer) >= BULK_BYTES:
            self.flush_buffer()

    def replace_graph(self, graph: str, quads: Iterable[pyoxigraph.Quad]) -> tuple[list[bytes], list[bytes]]:
        """Make a graph of a store started from a checkpoint hold ``quads`` (all in that graph), writing
        only the quads that differ; the lines (as :func:`graph_lines` gives them) removed and added.

        A graph every source feeds (the reconciliation) changes by a few quads when one source does:
        emptying and reloading it cost more than the rest of a one-article build."""
        node = pyoxigraph.NamedNode(graph)
        return self._apply(graph_lines(self.opened, node), _written(quads, node))

    def replace_subjects(
        self, graph: str, subjects: Iterable[str], quads: Iterable[pyoxigraph.Quad]
    ) -> tuple[list[bytes], list[bytes]]:
        """Like :meth:`replace_graph` for the part of ``graph`` whose subjects are ``subjects`` (IRIs):
        ``quads`` (with those subjects only) replace it; the rest of the graph is not read."""
        node = pyoxigraph.NamedNode(graph)
        opened = self.opened
        before = itertools.chain.from_iterable(
            opened.quads_for_pattern(pyoxigraph.NamedNode(s), None, None, node) for s in sorted(subjects)
        )
        return self._apply(_written(before, node), _written(quads, node))

    def _apply(self, before: list[bytes], after: list[bytes]) -> tuple[list[bytes], list[bytes]]:
        """Remove the lines of sorted ``before`` not in sorted ``after`` and add the others: one pass
        over both (no set of either: the reconciliation graph's lines are ~0.5 GB at 10,000 articles)."""
        removed, added = [], []
        i = j = 0
        while i < len(before) or j < len(after):
            if j == len(after) or (i < len(before) and before[i] < after[j]):
                removed.append(before[i])
                i += 1
            elif i == len(before) or after[j] < before[i]:
                added.append(after[j])
                j += 1
            else:
                i += 1
                j += 1
        del before, after
        if removed:
            for quad in pyoxigraph.parse(b"\n".join(removed) + b"\n", format=pyoxigraph.RdfFormat.N_QUADS):
                self.opened.remove(quad)
        for line in added:
            self._buffer += line + b"\n"
            if len(self._buffer) >= BULK_BYTES:  # per line, as in extend
                self.flush_buffer()
        return removed, added

    def remove_graph(self, graph: str) -> None:
        """Empty a named graph of a store started from a checkpoint, before anything new is loaded
        into it (loads are buffered: call it before the load, never after)."""
        self.opened.remove_graph(pyoxigraph.NamedNode(graph))

    def add(self, quad: pyoxigraph.Quad) -> None:
        self.extend((quad,))

    def extend(self, quads: Iterable[pyoxigraph.Quad]) -> None:
        """Quads through the same buffer: one bulk load for a small build keeps its store compact
        (each bulk load writes its own files; eight of them doubled a snapshot build's store)."""
        for quad in quads:
            self._buffer += f"{quad} .\n".encode()
            # Checked per quad, not after the loop: a full build of 10,000 articles buffered its whole
            # reconciliation graph (~0.45 GB of lines) here, and bulk-loading that at once peaked at 2.7 GB.
            if len(self._buffer) >= BULK_BYTES:
                self.flush_buffer()

    def flush_buffer(self) -> None:
        """Bulk-load what :meth:`load` and :meth:`add` buffered."""
        if self._buffer:
            self.opened.bulk_load(bytes(self._buffer), format=pyoxigraph.RdfFormat.N_QUADS)
            self._buffer = bytearray()

    def finish(
        self, info: dict[str, Any], finish: Callable[[Path, pyoxigraph.Store], object] | None = None
    ) -> Path:
        """Complete the build like :func:`create_build`: flush, ``finish`` (the dumps), build.json last."""
        self.flush_buffer()
        opened = self.opened
        opened.flush()
        count = len(opened)
        if finish is not None:
            finish(self.directory, opened)
        self.store = None  # releases the store's lock before anyone opens it read-only
        del opened
        write_build_info(self.directory, {**info, "quads": count})
        return self.directory

    def refuse(self, info: dict[str, Any]) -> Path:
        """Keep only ``build.json`` (plus the reports the caller adds): what a refused build would have
        served, for the user to read. Without a store it is never published."""
        self.store = None
        shutil.rmtree(self.directory / OXIGRAPH_DIR, ignore_errors=True)
        write_build_info(self.directory, info)
        return self.directory


@contextlib.contextmanager
def staging(p: StorePaths, checkpoint: Path | None = None) -> Iterator[Staged]:
    """A fresh build directory with an empty store to fill, or a copy of the ``checkpoint`` store (an
    incremental build); removed again if the block fails, so a partial build never lingers (and,
    lacking build.json, could never be published anyway)."""
    staged = Staged(new_build_dir(p), checkpoint)
    try:
        yield staged
    except BaseException:
        staged.store = None
        shutil.rmtree(staged.directory, ignore_errors=True)
        raise


def graph_lines(
    store: pyoxigraph.Store, graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph
) -> list[bytes]:
    """The graph's N-Quads lines (no newline), sorted."""
    data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return sorted(quad_lines(data.split(b"\n"), graph))


def quad_lines(
    triple_lines: Iterable[bytes], graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph
) -> Iterator[bytes]:
    """N-Triples lines of ``graph`` (as ``Store.dump`` writes them) as its N-Quads lines, no newline."""
    suffix = b" ." if isinstance(graph, pyoxigraph.DefaultGraph) else f" {graph} .".encode()
    return (line.rstrip(b"\n")[:-2] + suffix for line in triple_lines if line.strip())


def _written(quads: Iterable[pyoxigraph.Quad], graph: pyoxigraph.NamedNode) -> list[bytes]:
    """The sorted lines of ``quads`` (all in ``graph``) as a store writes them: it keeps values, not
    their text ("1.0000"^^xsd:decimal is written 1), so both sides of a comparison go through one."""
    area = pyoxigraph.Store()
    area.extend(quads)
    return graph_lines(area, graph)


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``path`` (text as UTF-8) through a temporary file beside it and one rename, so a reader
    sees the old file or the whole new one, never a part."""
    with atomic_writer(path) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``path`` by one rename when the block ends without an error (and is
    removed when it does not): for a file written piece by piece. The process id keeps writers apart."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as out:
            yield out
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_build_info(d: Path, info: dict[str, Any]) -> None:
    """Write ``build.json`` (with ``build_id``) atomically: it is the mark of a complete build."""
    data = {**info, "build_id": d.name}
    write_atomically(d / BUILD_INFO, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
