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
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import heapq
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import pyoxigraph

from dti_kg import store as dti_store
from dti_kg.serialize import dump_nquads, dump_trig, prefix_block, trig_block

# file name -> (media type, writer of the whole text: the reference the streamed files must equal)
DUMPS: dict[str, tuple[str, Callable[[pyoxigraph.Store], str]]] = {
    "dump.nq": ("application/n-quads", dump_nquads),
    "dump.trig": ("application/trig", dump_trig),
}
GZIP_SUFFIX = ".gz"
RUN_LINES = 400_000  # sorted lines held at once (~100 MB at 10,000 articles' line lengths)
_COPY_CHUNK = 1 << 20


def _graph_lines(
    store: pyoxigraph.Store, graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph
) -> list[bytes]:
    """The graph's N-Quads lines (no newline), sorted."""
    data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    suffix = b" ." if isinstance(graph, pyoxigraph.DefaultGraph) else f" {graph} .".encode()
    lines = [line[:-2] + suffix for line in data.split(b"\n") if line]
    lines.sort()
    return lines


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
    lines: list[bytes],
    blocks: Path | None,
    used: set[str],
) -> bytes:
    """The graph's TriG block, from ``blocks`` when a build already rendered this content."""
    path = None
    if blocks is not None:
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
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(text)
            tmp.replace(path)
    return text


def _merge(runs: list[str], out: IO[bytes]) -> str:
    """Merge sorted run files into ``out``; the SHA-256 of what was written."""
    digest = hashlib.sha256()
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(Path(r).open("rb")) for r in runs]
        for line in heapq.merge(*files):
            digest.update(line)
            out.write(line)
    return digest.hexdigest()


def _gzip(path: Path) -> Path:
    target = path.with_name(path.name + GZIP_SUFFIX)
    tmp = target.with_name(f".{target.name}.tmp")
    with (
        path.open("rb") as src,
        tmp.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as gz,
    ):
        shutil.copyfileobj(src, gz, _COPY_CHUNK)
    os.replace(tmp, target)
    return target


def write_dumps(build_dir: Path, store: pyoxigraph.Store, blocks: Path | None = None) -> dict[str, Any]:
    """Write ``dump.nq`` and ``dump.trig`` of ``store`` (and their .gz) into ``build_dir``.

    Returns ``{"files": [paths written], "nquads_sha256": hex}`` (the SHA-256 of dump.nq, which is a
    release's content hash). ``blocks`` is a folder of TriG blocks shared by the builds of one store.
    """
    nq, trig = build_dir / "dump.nq", build_dir / "dump.trig"
    used: set[str] = set()
    with tempfile.TemporaryDirectory(dir=build_dir, prefix=".runs") as runs_dir:
        runs: list[str] = []
        pending: list[bytes] = []
        with open(trig.with_name(".dump.trig.tmp"), "wb") as trig_out:
            trig_out.write(prefix_block().encode("utf-8"))
            for graph in _graphs(store):
                lines = _graph_lines(store, graph)
                trig_out.write(b"\n" + _block(store, graph, lines, blocks, used))
                pending += lines
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
    os.replace(nq.with_name(".dump.nq.tmp"), nq)
    os.replace(trig.with_name(".dump.trig.tmp"), trig)
    if blocks is not None and blocks.is_dir():
        # Only the next build can use a block again: the rest (an old reconciliation graph is
        # ~100 MB of text at 10,000 articles) would only fill the disk.
        for old in blocks.glob("*.trig"):
            if old.name not in used:
                old.unlink(missing_ok=True)
    # zlib releases the GIL: both files are compressed at once, one per core.
    with ThreadPoolExecutor(max_workers=2) as pool:
        compressed = list(pool.map(_gzip, [nq, trig]))
    return {"files": [nq, compressed[0], trig, compressed[1]], "nquads_sha256": digest}


def create_servable_build(
    p: dti_store.StorePaths, quads: Iterator[pyoxigraph.Quad] | list[pyoxigraph.Quad], info: dict[str, Any]
) -> Path:
    """``dti_kg.store.create_build`` plus the dumps the server sends (what a build serves)."""
    return dti_store.create_build(p, quads, info, finish=write_dumps)
