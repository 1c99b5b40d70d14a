"""A dump's gzip as a sequence of members, one per span of its text, so that a build copies the
compressed bytes of the spans that did not change instead of compressing the whole dump again.

RFC 1952: a gzip file is one or more members, and gzip, zcat, Python's gzip and every HTTP client
unpack them as one stream. Each member is written with no file name and mtime 0, so the same spans of
the same text give the same bytes whether a member was compressed now or copied from an earlier build.

The spans of ``dump.nq`` are content-defined: a member ends after a line whose CRC-32 has its low
``LINE_BITS`` bits zero (one line in 256, ~64 KB), so a line added or removed changes only the member
around it, and a build that copies members gives the bytes a build that compressed all of them gives.
The spans of ``dump.trig`` are its graphs' blocks.
"""

from __future__ import annotations

import contextlib
import gzip
import mmap
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

LEVEL = 6
LINE_BITS = 8
_MASK = (1 << LINE_BITS) - 1
_WINDOW = 16 << 20  # bytes of text split into lines at once (memory stays flat at any dump size)

Span = tuple[int, int]  # [start, end) of the uncompressed text


@dataclass(frozen=True)
class Piece:
    """One member to write: the text's ``span``, and where the previous build's gzip holds the member
    of the same bytes (``old``: [start, end) in that file), if it does."""

    span: Span
    old: Span | None = None


def member(data: bytes) -> bytes:
    """One gzip member, independent of time and file name."""
    return gzip.compress(data, compresslevel=LEVEL, mtime=0)


def line_spans(text: bytes | mmap.mmap, start: int, end: int) -> list[Span]:
    """The content-defined members of the whole lines in ``text[start:end]`` (``end`` ends a line, or is
    the end of the text, which always ends a member)."""
    spans: list[Span] = []
    first = pos = start
    while pos < end:
        stop = min(end, pos + _WINDOW)
        if stop < end:  # whole lines only
            stop = (text.rfind(b"\n", pos, stop) + 1) or (text.find(b"\n", stop, end) + 1) or end
        for line in text[pos:stop].split(b"\n")[:-1]:
            pos += len(line) + 1
            if not zlib.crc32(line) & _MASK:
                spans.append((first, pos))
                first = pos
        pos = stop
    if first < end:
        spans.append((first, end))
    return spans


def write_members(
    text: Path, target: Path, pieces: Sequence[Piece], previous: Path | None = None
) -> list[list[int]]:
    """Write ``target`` (through a temporary file) as the members of ``pieces`` of ``text``, copying a
    piece's member from ``previous`` when it has one there. Returns the index of ``target``: per piece
    ``[start, end, gzip start, gzip end]``."""
    index: list[list[int]] = []
    tmp = target.with_name(f".{target.name}.tmp")
    with mapped(text) as data, mapped(previous) as old, tmp.open("wb") as out:
        written = 0
        for piece in pieces:
            start, end = piece.span
            if piece.old is not None and old is not None:
                compressed = old[piece.old[0] : piece.old[1]]
            else:
                compressed = member(data[start:end] if data is not None else b"")
            out.write(compressed)
            index.append([start, end, written, written + len(compressed)])
            written += len(compressed)
    os.replace(tmp, target)
    return index


@contextlib.contextmanager
def mapped(path: Path | None) -> Iterator[mmap.mmap | None]:
    """The file mapped read-only, or None (no path, or an empty file, which cannot be mapped)."""
    if path is None:
        yield None
        return
    with path.open("rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            yield None
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data
