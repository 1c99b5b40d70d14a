"""File names as they are shown: escaped, so that any name prints, serialises and stays on one line.

POSIX file names are bytes; Python hands undecodable bytes over as lone surrogates, which no UTF-8
writer (report.txt, build.json, N-Triples, the terminal) accepts. Control characters such as a
newline would split one line of a report into two.
"""

from __future__ import annotations

import os
import unicodedata


def shown(name: str | os.PathLike[str]) -> str:
    """``name`` with undecodable bytes as ``\\xNN`` and control or line-breaking characters escaped."""
    text = os.fsdecode(name)
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the raw byte code - 0xDC00
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape").decode("ascii") if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)
