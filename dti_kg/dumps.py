"""The build's downloadable dumps, written once at build time next to its store.

``dump.nq`` (sorted N-Quads) and ``dump.trig`` (sorted TriG), each also gzipped. The server sends
them as static files (Range, ETag, 304), so a download never runs a query or holds the dump in memory.
Gzip is written with no file name and mtime 0: the same store gives byte-identical files.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph

from dti_kg import store as dti_store
from dti_kg.serialize import dump_nquads, dump_trig

# file name -> (media type, writer)
DUMPS: dict[str, tuple[str, Callable[[pyoxigraph.Store], str]]] = {
    "dump.nq": ("application/n-quads", dump_nquads),
    "dump.trig": ("application/trig", dump_trig),
}
GZIP_SUFFIX = ".gz"


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_dumps(build_dir: Path, store: pyoxigraph.Store) -> list[Path]:
    """Write every dump of ``store`` (and its .gz) into ``build_dir``; the paths written."""
    written = []
    for name, (_media_type, writer) in DUMPS.items():
        data = writer(store).encode("utf-8")
        path = build_dir / name
        _write_atomically(path, data)
        compressed = build_dir / (name + GZIP_SUFFIX)
        _write_atomically(compressed, gzip.compress(data, compresslevel=6, mtime=0))
        written += [path, compressed]
    return written


def create_servable_build(
    p: dti_store.StorePaths, quads: Iterator[pyoxigraph.Quad] | list[pyoxigraph.Quad], info: dict[str, Any]
) -> Path:
    """``dti_kg.store.create_build`` plus the dumps the server sends (what a build serves)."""
    return dti_store.create_build(p, quads, info, finish=write_dumps)
