"""The chunked gzip of the dumps: memory while reading a mapped dump (regression tests)."""

from __future__ import annotations

import itertools
import os
import zlib
from pathlib import Path

import pytest

from dti_kg import gzip_chunks


def _resident_kb(path: Path) -> int:
    """This process's resident kB of the mappings of ``path`` (Linux /proc/self/smaps)."""
    total, current = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and len(fields) >= 5:  # a mapping's header line
            current = len(fields) >= 6 and fields[5] == str(path)
        elif current and fields[0] == "Rss:":
            total += int(fields[1])
    return total


def test_line_spans_lets_go_of_each_window_it_has_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bug (session 11): line_spans released ``[pos, stop)`` after moving ``pos`` to ``stop``, i.e.
    nothing, so splitting a 10,000-article dump.nq (1.08 GB) into chunks left all of it resident:
    the dumps phase's high-water mark was 1.3 GB, 1.06 GB of it this mapping."""
    monkeypatch.setattr(gzip_chunks, "_WINDOW", 1 << 20)
    path = tmp_path / "dump.nq"
    line = b"<http://e/s> <http://e/p> " + b'"' + b"x" * 80 + b'" <http://e/g> .\n'
    path.write_bytes(line * (16 * (1 << 20) // len(line)))  # 16 MB: 16 windows
    with gzip_chunks.mapped(path) as data:
        assert data is not None
        spans = gzip_chunks.line_spans(data, 0, len(data))
        resident = _resident_kb(path)
    assert spans[0][0] == 0 and spans[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans)), "spans cover the text in order"
    assert resident < 4 * 1024, f"{resident} kB of a 16 MB file still resident after reading it"


def test_chunks_unpack_to_the_text(tmp_path: Path) -> None:
    """The gzip written piece by piece is one member that unpacks to the text."""
    path = tmp_path / "dump.nq"
    path.write_bytes(b"".join(f"<http://e/s{i}> <http://e/p> {i} .\n".encode() for i in range(5000)))
    with gzip_chunks.mapped(path) as data:
        assert data is not None
        pieces = [gzip_chunks.Piece(span) for span in gzip_chunks.line_spans(data, 0, len(data))]
    target = tmp_path / "dump.nq.gz"
    gzip_chunks.write_chunks(path, target, pieces)
    assert len(pieces) > 1
    assert zlib.decompress(target.read_bytes(), 16 + zlib.MAX_WBITS) == path.read_bytes()


def test_releasing_piece_by_piece_leaves_nothing_resident(tmp_path: Path) -> None:
    """Bug (session 11): write_chunks reads a dump piece by piece (~64 KB) and releases each piece,
    but reading a page maps its neighbours too (fault-around), including pages released just before:
    a third of the 1.08 GB dump.nq stayed resident. ``release`` now also lets go of what lies behind."""
    path = tmp_path / "dump.nq"
    path.write_bytes(bytes(range(256)) * (32 * (1 << 20) // 256))  # 32 MB
    with path.open("rb") as written:  # read back from disk, as a build reads its dump: in readahead's
        os.fsync(written.fileno())  # large folios, where mapping one page maps those around it
        os.posix_fadvise(written.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    size, piece = path.stat().st_size, 65_000  # not a multiple of the page size, like real spans
    with gzip_chunks.mapped(path) as data:
        assert data is not None
        for start in range(0, size, piece):
            zlib.crc32(data[start : start + piece])
            gzip_chunks.release(data, start, min(size, start + piece))
        resident = _resident_kb(path)
    assert resident < 2 * 1024, f"{resident} kB of a 32 MB file resident after reading it piece by piece"
