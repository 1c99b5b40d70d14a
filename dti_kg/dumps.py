"""The build's downloadable dumps, written once at build time next to its store.

``dump.nq`` (sorted N-Quads) and ``dump.trig`` (sorted TriG), each also gzipped. The server sends
them as static files (Range, ETag, 304), so a download never runs a query or holds the dump in memory.
Gzip is written with no file name and mtime 0: the same store gives byte-identical files.

The bytes are those of :func:`dti_kg.serialize.dump_nquads` and :func:`~dti_kg.serialize.dump_trig`,
written graph by graph so that a 10,000-article store (~6 M quads) never sits in memory as text:

* N-Quads: each graph is dumped by Oxigraph (Rust; 5x faster than rendering quads in Python), its
  lines sorted in runs of ``RUN_LINES`` spilled to disk, and the runs merged (UTF-8 bytes sort as
  code points do, so this is the order of ``dump_nquads``);
* TriG: one block per graph, in graph order. A block depends only on the graph's name and content, so
  with a ``blocks`` folder it is kept there under the SHA-256 of the graph's sorted lines: a build whose
  source graphs did not change takes their blocks from the previous build instead of rendering them
  again (rendering is ~20 µs a quad in Python).

An incremental build (``previous``) reads from the stores only the graphs it names as touched: their
lines that went away are cut out of the previous ``dump.nq`` and the new ones inserted (found by
binary search in the sorted file, the rest copied as bytes); the other graphs' TriG blocks are copied,
a touched graph's block is patched subject by subject; the gzip chunks of unchanged spans are copied
(:mod:`dti_kg.gzip_chunks`). ``dump.index.json`` says where everything is for the next build. The
bytes are those of writing everything: the tests compare the two after adds, changes and removals.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import heapq
import itertools
import json
import mmap
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph

from dti_kg import gzip_chunks
from dti_kg import store as dti_store
from dti_kg.errors import first_line
from dti_kg.gzip_chunks import Piece
from dti_kg.serialize import (
    dump_nquads,
    dump_trig,
    patch_trig_block,
    prefix_block,
    trig_block,
    write_trig_block,
)

# file name -> (media type, writer of the whole text: the reference the streamed files must equal)
DUMPS: dict[str, tuple[str, Callable[[pyoxigraph.Store], str]]] = {
    "dump.nq": ("application/n-quads", dump_nquads),
    "dump.trig": ("application/trig", dump_trig),
}
GZIP_SUFFIX = ".gz"
RUN_LINES = 400_000  # sorted lines held at once (~100 MB at 10,000 articles' line lengths)
# A graph whose N-Triples exceed this is sorted and rendered from disk, not in memory (the
# reconciliation graph of 10,000 articles held 1.2 GB while rendered whole).
STREAM_BYTES = 64 * 1024 * 1024
# Bumped whenever the index or the gzip layout changes: a previous build of another layout is not copied.
INDEX_FORMAT = "deflate-chunks-1"
INDEX = "dump.index.json"  # where each graph's TriG block and each gzip chunk is, for the next build


def _spill(lines: list[bytes], folder: str) -> str:
    lines.sort()
    fd, path = tempfile.mkstemp(dir=folder, suffix=".run")
    with os.fdopen(fd, "wb") as fh:
        fh.writelines(line + b"\n" for line in lines)
    return path


def _graphs(store: pyoxigraph.Store) -> list[pyoxigraph.NamedNode | pyoxigraph.DefaultGraph]:
    """Every graph holding quads, in the order ``dump_trig`` writes them (default graph first)."""
    named = sorted((g for g in store.named_graphs() if isinstance(g, pyoxigraph.NamedNode)), key=str)
    default = pyoxigraph.DefaultGraph()
    has_default = next(iter(store.quads_for_pattern(None, None, None, default)), None) is not None
    return ([default] if has_default else []) + list(named)


def _block(
    store: pyoxigraph.Store,
    graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph,
    lines: list[bytes] | None,
    blocks: Path | None,
    used: set[str],
) -> bytes:
    """The graph's TriG block, from ``blocks`` when a build already rendered this content (``lines``,
    the graph's sorted lines, name it there; None: rendered, not kept)."""
    path = None
    if blocks is not None and lines is not None:
        digest = hashlib.sha256(b"\n".join(lines)).hexdigest()
        path = blocks / f"{digest}.trig"
        used.add(path.name)
        with contextlib.suppress(OSError):
            return path.read_bytes()
    quads = store.quads_for_pattern(None, None, None, graph)
    text = trig_block(graph if isinstance(graph, pyoxigraph.NamedNode) else None, quads).encode("utf-8")
    if path is not None:
        with contextlib.suppress(OSError):  # an unwritable folder only costs the next build a render
            path.parent.mkdir(parents=True, exist_ok=True)
            dti_store.write_atomically(path, text)
    return text


def _spill_sorted(lines: Iterator[bytes], folder: str) -> list[str]:
    """``lines`` as sorted run files of at most ``RUN_LINES`` lines each."""
    runs = []
    while chunk := list(itertools.islice(lines, RUN_LINES)):
        runs.append(_spill(chunk, folder))
    return runs


def _streamed_block(
    graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph,
    runs: list[str],
    blocks: Path | None,
    used: set[str],
    out: IO[bytes],
) -> int:
    """:func:`_block` of a graph too large to hold, from its sorted run files, written to ``out``;
    the bytes written. Same block names and bytes as ``_block``: the digest is that of the lines
    joined by newlines, read from the runs in a first pass."""
    name = graph if isinstance(graph, pyoxigraph.NamedNode) else None
    if blocks is None:
        with _merged(runs) as lines:
            return write_trig_block(name, lines, out.write)
    digest = hashlib.sha256()
    with _merged(runs) as lines:
        previous = b""
        for line in lines:  # each ends in a newline: the last one's is not part of the joined text
            digest.update(previous)
            previous = line
        digest.update(previous[:-1])
    path = blocks / f"{digest.hexdigest()}.trig"
    used.add(path.name)
    if not path.is_file():
        with contextlib.suppress(OSError):  # an unwritable folder only costs a render straight to ``out``
            path.parent.mkdir(parents=True, exist_ok=True)
            with dti_store.atomic_writer(path) as kept, _merged(runs) as lines:
                write_trig_block(name, lines, kept.write)
    try:
        rendered = path.open("rb")
    except OSError:
        with _merged(runs) as lines:
            return write_trig_block(name, lines, out.write)
    with rendered:
        start = out.tell()
        shutil.copyfileobj(rendered, out)
        return out.tell() - start


@contextlib.contextmanager
def _merged(runs: list[str]) -> Iterator[Iterator[bytes]]:
    """The lines of sorted run files, merged in order (each ending in a newline)."""
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(Path(r).open("rb")) for r in runs]
        yield heapq.merge(*files)


def _merge(runs: list[str], out: IO[bytes]) -> str:
    """Merge sorted run files into ``out``; the SHA-256 of what was written."""
    digest = hashlib.sha256()
    with _merged(runs) as lines:
        for line in lines:
            digest.update(line)
            out.write(line)
    return digest.hexdigest()


def _key(graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph) -> str:
    """A graph's name in the index (its IRI; "" for the default graph)."""
    return graph.value if isinstance(graph, pyoxigraph.NamedNode) else ""


def _subject(text: bytes) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode:
    """A subject from the start of an N-Quads line."""
    if text.startswith(b"_:"):
        return pyoxigraph.BlankNode(text[2:].decode())
    return pyoxigraph.NamedNode(text[1:-1].decode())


def _node(key: str) -> pyoxigraph.NamedNode | pyoxigraph.DefaultGraph:
    return pyoxigraph.NamedNode(key) if key else pyoxigraph.DefaultGraph()


def write_dumps(
    build_dir: Path, store: pyoxigraph.Store, blocks: Path | None = None, previous: Previous | None = None
) -> dict[str, Any]:
    """Write ``dump.nq`` and ``dump.trig`` of ``store`` (and their .gz) into ``build_dir``.

    Returns ``{"files": [paths written], "nquads_sha256": hex}`` (the SHA-256 of dump.nq, which is a
    release's content hash). ``blocks`` is a folder of TriG blocks shared by the builds of one store.
    With ``previous`` (see :class:`Previous`) only the graphs it names as touched are read from the
    store; the rest of every file is copied from the previous build (same bytes as writing it all).
    Raises :class:`PreviousUnusable` when the previous build's dumps do not match its index.
    """
    nq, trig = build_dir / "dump.nq", build_dir / "dump.trig"
    used: set[str] = set()
    if previous is not None:
        old = _read_index(previous.build_dir)
        trig_pieces, nq_pieces, digest = _write_changed(build_dir, store, blocks, used, previous, old)
        sources: tuple[Path | None, Path | None] = (
            previous.build_dir / f"dump.trig{GZIP_SUFFIX}",
            previous.build_dir / f"dump.nq{GZIP_SUFFIX}",
        )
    else:
        trig_pieces, digest = _write_all(build_dir, store, blocks, used)
        with gzip_chunks.mapped(nq.with_name(".dump.nq.tmp")) as data:
            nq_pieces = [Piece(span) for span in gzip_chunks.line_spans(data or b"", 0, len(data or b""))]
        sources = (None, None)
    os.replace(nq.with_name(".dump.nq.tmp"), nq)
    os.replace(trig.with_name(".dump.trig.tmp"), trig)
    if blocks is not None and blocks.is_dir():
        # Only the next build can use a block again: the rest (an old reconciliation graph is
        # ~100 MB of text at 10,000 articles) would only fill the disk.
        for stale in blocks.glob("*.trig"):
            if stale.name not in used:
                stale.unlink(missing_ok=True)
    # zlib releases the GIL: both files are compressed at once, one per core.
    with ThreadPoolExecutor(max_workers=2) as pool:
        trig_job = pool.submit(
            gzip_chunks.write_chunks, trig, _gz(trig), [p for _k, p in trig_pieces], sources[0]
        )
        nq_job = pool.submit(gzip_chunks.write_chunks, nq, _gz(nq), nq_pieces, sources[1])
        trig_index, nq_index = trig_job.result(), nq_job.result()
    index = {
        "format": INDEX_FORMAT,
        "trig": [[k, *row] for (k, _p), row in zip(trig_pieces, trig_index, strict=True)],
        "nq": nq_index,
        "files": {f.name: _stamp(f) for f in (nq, trig, _gz(nq), _gz(trig))},
    }
    dti_store.write_atomically(build_dir / INDEX, json.dumps(index, separators=(",", ":")))
    return {"files": [nq, _gz(nq), trig, _gz(trig)], "nquads_sha256": digest}


class PreviousUnusable(ValueError):
    """The previous build's dumps are not what its index says (edited, truncated, another layout)."""


@dataclass(frozen=True)
class Previous:
    """The build an incremental build starts from: its folder, its store (read-only), and the graphs
    whose content may differ from it (IRIs; "" is the default graph). Every other graph of both
    stores must have the same content: the build that says so is the one that knows."""

    build_dir: Path
    store: pyoxigraph.Store
    touched: frozenset[str]
    # Touched graphs whose lines removed and added the build already knows (not read again).
    edits: Mapping[str, tuple[list[bytes], list[bytes]]] = field(default_factory=dict)


def _read_index(build_dir: Path) -> dict[str, Any]:
    """The previous build's index, checked against its files' sizes."""
    path = build_dir / INDEX
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        if index["format"] != INDEX_FORMAT:
            raise PreviousUnusable(f"{path} is of another layout ({index['format']})")
        for name, (size, mtime) in index["files"].items():
            found = (build_dir / name).stat()
            if (found.st_size, found.st_mtime_ns) != (size, mtime):  # changed since it was written
                raise PreviousUnusable(f"{build_dir / name} is not the file {INDEX} describes")
        index["trig"] = {row[0]: row[1:] for row in index["trig"]}
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        if isinstance(exc, PreviousUnusable):
            raise
        raise PreviousUnusable(f"cannot read {path}: {first_line(exc)}") from None
    return index


def _lower_bound(text: mmap.mmap | None, line: bytes, lo: int) -> int:
    """The offset of the first line of the sorted ``text`` at or after ``lo`` that is not below ``line``."""
    if text is None:
        return 0
    hi = len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        start = text.rfind(b"\n", lo, mid) + 1 or lo
        end = text.find(b"\n", start)
        if text[start:end] < line:
            lo = end + 1
        else:
            hi = start
    return lo


def _write_changed(
    build_dir: Path,
    store: pyoxigraph.Store,
    blocks: Path | None,
    used: set[str],
    previous: Previous,
    old: dict[str, Any],
) -> tuple[list[tuple[str | None, Piece]], list[Piece], str]:
    """The dumps of ``store`` from the previous build's: the touched graphs are read from both stores,
    their lines that went away are cut from the previous dump.nq and the new ones inserted (a sorted
    merge of text, no query); the other graphs' TriG blocks and compressed chunks are copied."""
    graphs = _graphs(store)
    present = {_key(g) for g in graphs}
    old_trig: dict[str | None, list[int]] = old["trig"]
    old_graphs = {k for k in old_trig if k is not None}
    # A graph only one of the two builds has is touched, whatever the build said.
    touched = set(previous.touched) | (present ^ old_graphs)
    removed: list[bytes] = []
    added: list[bytes] = []
    new_lines: dict[str, list[bytes]] = {}
    changed: dict[str, set[bytes]] = {}  # subjects whose lines changed, by graph
    for key in sorted(touched):
        if key in previous.edits:
            gone, new = previous.edits[key]
        else:
            before = dti_store.graph_lines(previous.store, _node(key))
            after = new_lines[key] = dti_store.graph_lines(store, _node(key)) if key in present else []
            kept, had = set(after), set(before)
            gone = [line for line in before if line not in kept]
            new = [line for line in after if line not in had]
        removed += gone
        added += new
        changed[key] = {line[: line.index(b" ")] for line in (*gone, *new)}
    trig_pieces = _copy_trig(
        build_dir, store, graphs, touched, new_lines, changed, blocks, used, previous, old_trig
    )
    edits = sorted([(line, True) for line in removed] + [(line, False) for line in added])
    nq_tmp = build_dir / ".dump.nq.tmp"
    with gzip_chunks.mapped(previous.build_dir / "dump.nq") as text, nq_tmp.open("wb") as out:
        digest, changes = _edit_lines(text, edits, out)
        old_size = len(text) if text is not None else 0
    with gzip_chunks.mapped(nq_tmp) as new_text:
        nq_pieces = _nq_pieces(new_text, old["nq"], changes, old_size)
    return trig_pieces, nq_pieces, digest


def _copy_trig(
    build_dir: Path,
    store: pyoxigraph.Store,
    graphs: list[pyoxigraph.NamedNode | pyoxigraph.DefaultGraph],
    touched: set[str],
    new_lines: dict[str, list[bytes]],
    changed: dict[str, set[bytes]],
    blocks: Path | None,
    used: set[str],
    previous: Previous,
    old_trig: dict[str | None, list[int]],
) -> list[tuple[str | None, Piece]]:
    """dump.trig: the untouched graphs' blocks copied from the previous one; in a touched graph that
    was there before, the statements of the subjects that changed written anew (a source's graph, the
    reconciliation: one block of ~100 MB at 10,000 articles); a new graph rendered."""
    pieces: list[tuple[str | None, Piece]] = []
    with (
        gzip_chunks.mapped(previous.build_dir / "dump.trig") as old_text,
        open(build_dir / ".dump.trig.tmp", "wb") as out,
    ):
        written = out.write(prefix_block().encode("utf-8"))
        pieces.append((None, Piece((0, written))))
        for graph in graphs:
            key = _key(graph)
            if old_text is None:
                raise PreviousUnusable(f"{previous.build_dir / 'dump.trig'} is empty")
            if key in touched and key in old_trig and isinstance(graph, pyoxigraph.NamedNode):
                start, end = old_trig[key][:2]
                quads = {
                    subject.decode(): list(store.quads_for_pattern(_subject(subject), None, None, graph))
                    for subject in changed[key]
                }
                # After the "\n" joining blocks; written straight out, never held whole.
                size = out.write(b"\n") + patch_trig_block(old_text, start + 1, end, graph, quads, out)
                gzip_chunks.release(old_text, start, end)
                old_chunk = None
            elif key in touched:
                size = out.write(b"\n" + _block(store, graph, new_lines.get(key), blocks, used))
                old_chunk = None
            else:
                start, end, z_start, z_end = old_trig[key]
                size, old_chunk = out.write(old_text[start:end]), (z_start, z_end)
                gzip_chunks.release(old_text, start, end)
            pieces.append((key, Piece((written, written + size), old_chunk)))
            written += size
    return pieces


def _edit_lines(
    text: mmap.mmap | None, edits: list[tuple[bytes, bool]], out: IO[bytes]
) -> tuple[str, list[tuple[int, int]]]:
    """Write the sorted ``text`` with ``edits`` (line, removed?) applied; the SHA-256 of what was written
    and each edit as (offset in ``text``, bytes added there: negative for a removed line)."""
    digest = hashlib.sha256()
    changes: list[tuple[int, int]] = []
    pos = 0

    def copy(view: memoryview) -> None:
        digest.update(view)
        out.write(view)

    with memoryview(text if text is not None else b"") as view:
        for line, is_removed in edits:
            at = _lower_bound(text, line, pos)
            copy(view[pos:at])
            gzip_chunks.release(text, pos, at)
            if is_removed:
                pos = at + len(line) + 1
                if bytes(view[at:pos]) != line + b"\n":
                    raise PreviousUnusable("the previous dump.nq lacks a line of the previous store")
                changes.append((at, at - pos))
            else:
                copy(memoryview(line + b"\n"))
                changes.append((at, len(line) + 1))
                pos = at
        copy(view[pos:])
        gzip_chunks.release(text, pos, len(view))
    return digest.hexdigest(), changes


def _nq_pieces(
    text: mmap.mmap | None, chunks: list[list[int]], changes: list[tuple[int, int]], old_size: int
) -> list[Piece]:
    """dump.nq's gzip chunks: the previous build's where no edit fell, compressed again where one did
    (from the chunk it fell in to the next chunk boundary that is still there)."""
    size = len(text) if text is not None else 0
    if not chunks or text is None:
        return [Piece(span) for span in gzip_chunks.line_spans(text or b"", 0, size)]
    starts = [m[0] for m in chunks]
    offsets = [at for at, _n in changes]
    shifts = list(itertools.accumulate(n for _at, n in changes))

    def shift(offset: int) -> int:  # bytes added before ``offset`` of the previous file
        i = bisect.bisect_left(offsets, offset)
        return shifts[i - 1] if i else 0

    dirty: set[int] = set()
    for at, n in changes:
        i = max(0, bisect.bisect_right(starts, at) - 1)
        dirty.add(i)
        if n < 0 and at - n == chunks[i][1] and i + 1 < len(chunks):
            dirty.add(i + 1)  # the line that ended this chunk is gone: it runs on into the next
    pieces: list[Piece] = []
    i = 0
    while i < len(chunks):
        start, end, z_start, z_end = chunks[i]
        if i not in dirty:
            pieces.append(Piece((start + shift(start), end + shift(start)), (z_start, z_end)))
            i += 1
            continue
        last = i
        while last + 1 < len(chunks) and last + 1 in dirty:
            last += 1
        stop = size if last == len(chunks) - 1 else chunks[last][1] + shift(chunks[last][1])
        pieces += [Piece(span) for span in gzip_chunks.line_spans(text, start + shift(start), stop)]
        i = last + 1
    return pieces


def _stamp(path: Path) -> list[int]:
    """Size and modification time: a dump changed since its build wrote it is not edited further."""
    found = path.stat()
    return [found.st_size, found.st_mtime_ns]


def _gz(path: Path) -> Path:
    return path.with_name(path.name + GZIP_SUFFIX)


def _write_all(
    build_dir: Path, store: pyoxigraph.Store, blocks: Path | None, used: set[str]
) -> tuple[list[tuple[str | None, Piece]], str]:
    """Every graph of ``store`` into the temporary dump files; the TriG spans (None: the prefixes) and
    the SHA-256 of the N-Quads."""
    nq, trig = build_dir / "dump.nq", build_dir / "dump.trig"
    pieces: list[tuple[str | None, Piece]] = []
    with tempfile.TemporaryDirectory(dir=build_dir, prefix=".runs") as runs_dir:
        runs: list[str] = []
        pending: list[bytes] = []
        with open(trig.with_name(".dump.trig.tmp"), "wb") as trig_out:
            written = trig_out.write(prefix_block().encode("utf-8"))
            pieces.append((None, Piece((0, written))))
            for graph in _graphs(store):
                with tempfile.SpooledTemporaryFile(max_size=STREAM_BYTES, dir=runs_dir) as dumped:
                    store.dump(dumped, format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph)
                    large = dumped.tell() > STREAM_BYTES
                    dumped.seek(0)
                    if large:  # on disk: sorted in runs, rendered from them, never held whole
                        graph_runs = _spill_sorted(dti_store.quad_lines(dumped, graph), runs_dir)
                        size = trig_out.write(b"\n")
                        size += _streamed_block(graph, graph_runs, blocks, used, trig_out)
                        runs += graph_runs
                    else:
                        lines = sorted(dti_store.quad_lines(dumped.read().split(b"\n"), graph))
                        size = trig_out.write(b"\n" + _block(store, graph, lines, blocks, used))
                        pending += lines
                pieces.append((_key(graph), Piece((written, written + size))))
                written += size
                if len(pending) >= RUN_LINES:
                    runs.append(_spill(pending, runs_dir))
                    pending = []
        with open(nq.with_name(".dump.nq.tmp"), "wb") as nq_out:
            if runs:
                if pending:
                    runs.append(_spill(pending, runs_dir))
                digest = _merge(runs, nq_out)
            else:  # one run: written from memory, no temporary copy on disk
                pending.sort()
                data = b"".join(line + b"\n" for line in pending)
                nq_out.write(data)
                digest = hashlib.sha256(data).hexdigest()
    return pieces, digest


def create_servable_build(
    p: dti_store.StorePaths, quads: Iterator[pyoxigraph.Quad] | list[pyoxigraph.Quad], info: dict[str, Any]
) -> Path:
    """``dti_kg.store.create_build`` plus the dumps the server sends (what a build serves)."""
    return dti_store.create_build(p, quads, info, finish=write_dumps)
