"""A dump's gzip as one member whose deflate stream is a sequence of independently compressed chunks,
one per span of its text, so that a build copies the compressed bytes of the spans that did not change
instead of compressing the whole dump again.

Each chunk is raw deflate from a fresh compressor, ended by a sync flush (byte-aligned, no state carried
over), so chunks can be cut out of one file and put into another (pigz --independent does the same).
The member ends with an empty final block and the CRC-32 and size of the whole text. It is one member,
not a series of members: browsers and curl stop at (or fail on) a second member of a response sent
with ``Content-Encoding: gzip`` (curl/curl#22156). No file name, mtime 0: the same spans of the same text
give the same bytes whether a chunk was compressed now or copied from an earlier build.

The spans of ``dump.nq`` are content-defined: a chunk ends after a line whose CRC-32 has its low
``LINE_BITS`` bits zero (one line in 256, ~64 KB), so a line added or removed changes only the chunk
around it, and a build that copies chunks gives the bytes a build that compressed all of them gives.
The spans of ``dump.trig`` are its graphs' blocks.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

LEVEL = 6
LINE_BITS = 8
_MASK = (1 << LINE_BITS) - 1
_WINDOW = 16 << 20  # bytes of text split into lines at once (memory stays flat at any dump size)
_BEHIND = 1 << 20  # bytes before a released span released with it (see ``release``)

Span = tuple[int, int]  # [start, end) of the uncompressed text


@dataclass(frozen=True)
class Piece:
    """One chunk to write: the text's ``span``, and where the previous build's gzip holds the chunk of
    the same bytes (``old``: [start, end) in that file), if it does."""

    span: Span
    old: Span | None = None


# Fixed gzip header: deflate, no flags, mtime 0, no extra flags, OS unknown (RFC 1952 2.3).
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_FINAL = b"\x03\x00"  # an empty final block with fixed codes: the end of the deflate stream


def chunk(data: bytes | memoryview) -> bytes:
    """Raw deflate of ``data`` that any other chunk may follow (sync flush: byte-aligned, no history)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def line_spans(text: bytes | mmap.mmap, start: int, end: int) -> list[Span]:
    """The content-defined chunks of the whole lines in ``text[start:end]`` (``end`` ends a line, or is
    the end of the text, which always ends a chunk)."""
    spans: list[Span] = []
    first = pos = start
    while pos < end:
        window, stop = pos, min(end, pos + _WINDOW)
        if stop < end:  # whole lines only
            stop = (text.rfind(b"\n", pos, stop) + 1) or (text.find(b"\n", stop, end) + 1) or end
        for line in text[window:stop].split(b"\n")[:-1]:
            pos += len(line) + 1
            if not zlib.crc32(line) & _MASK:
                spans.append((first, pos))
                first = pos
        release(text, window, stop)  # the window just read (``pos`` is at its end by now)
        pos = stop
    if first < end:
        spans.append((first, end))
    return spans


def write_chunks(
    text: Path, target: Path, pieces: Sequence[Piece], previous: Path | None = None
) -> list[list[int]]:
    """Write ``target`` (through a temporary file) as the gzip of ``text``, one chunk per piece (the
    pieces cover the text in order), copying a piece's chunk from ``previous`` when it has one there.
    Returns the index of ``target``: per piece ``[start, end, gzip start, gzip end]``."""
    index: list[list[int]] = []
    tmp = target.with_name(f".{target.name}.tmp")
    crc = 0
    with mapped(text) as data, mapped(previous) as old, tmp.open("wb") as out:
        written = out.write(HEADER)
        with memoryview(data if data is not None else b"") as view:
            for piece in pieces:  # they cover the text in order: its CRC is taken piece by piece
                start, end = piece.span
                crc = zlib.crc32(view[start:end], crc)
                if piece.old is not None and old is not None:
                    compressed = old[piece.old[0] : piece.old[1]]
                    release(old, *piece.old)
                else:
                    compressed = chunk(view[start:end])
                release(data, start, end)
                out.write(compressed)
                index.append([start, end, written, written + len(compressed)])
                written += len(compressed)
        size = len(data) if data is not None else 0
        out.write(_FINAL + struct.pack("<II", crc, size & 0xFFFFFFFF))
    os.replace(tmp, target)
    return index


def release(text: bytes | mmap.mmap | None, start: int, end: int) -> None:
    """Let go of the pages of a mapped file's ``[start, end)`` once read: they stay in the page cache,
    but no longer count in this process's resident memory (a 10,000-article dump.nq is ~0.8 GB;
    mapped and read whole, it was most of an incremental build's peak)."""
    if not isinstance(text, mmap.mmap):
        return
    # From a little before ``start``: reading a page maps its neighbours too (the kernel's fault-around,
    # 64 KB), including pages an earlier call already let go of; released piece by piece without this
    # margin, a third of a 1 GB dump stayed resident.
    first = max(0, start - _BEHIND)
    first -= first % mmap.PAGESIZE
    if end > first:
        text.madvise(mmap.MADV_DONTNEED, first, min(end, len(text)) - first)


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
