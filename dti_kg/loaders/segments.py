"""Sentences and clauses of a normalised text, as ``[start, end)`` offsets into it.

Claims quote a tight clause, so offsets matter more than linguistics: splitting never moves a
character, it only chooses boundaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

# A sentence ends at ".!?…" followed by space and something that can start a sentence; dots in
# "TP.HCM", "1.000" or "0.3215" have no space after them and never split.
# "No. 14" is a number, not the end of a sentence, and "TP. Hồ Chí Minh" (thành phố) is one name.
_SENTENCE_END = regex.compile(
    r"(?<=[.!?…])(?<!\b[Nn]o\.)(?<!(?<![\p{L}])(?:TP|Tp)\.)\s+(?=[\p{Lu}\d\"“'(\[>])"
)
# Clause boundaries: ";" ":" ", " (but not the ", thành" of "tỉnh, thành phố" / "provinces, cities"),
# and "và"/"and" when the next word is not capitalised ("Bộ Thông tin và Truyền thông" stays whole).
_CLAUSE_BREAK = regex.compile(
    r"\s*[;:]\s*"
    r"|\s*,\s+(?!thành\b|thành phố\b)"
    r"|(?<=\d),(?=\p{L})"  # "xếp hạng 58/63,đạt giá trị …": a comma with its space missing
    r"|\s+(?:và|and|while|whereas)\s+(?!\p{Lu}|cities\b|municipalities\b|thành\b)"
)
_TRIM = " \t\n,;:.-–()\"“”'"
# A hard-wrapped line (a legal text saved line by line: "… xếp thứ 53/63\ntỉnh, thành phố, tăng 10
# bậc …") goes on with the next one when it does not end a sentence, a clause list or a table row and
# the next line starts in lower case, or when it ends on a word that awaits its number ("Chính quyền
# số đạt\n0,3512"). Then the line break is a space.
_WRAPPED = regex.compile(r"(?<=[^\s.!?…:;|])\n(?=\p{Ll})|(?<=(?<![\p{L}])(?:đạt|là|thứ))\n(?=\d)")


@dataclass(frozen=True)
class Piece:
    """A slice of the text; ``text`` is ``source[start:end]``."""

    start: int
    end: int
    text: str


def _trimmed(text: str, start: int, end: int) -> Piece | None:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    # Keep a parenthesis whose partner is inside the piece: "(VOV5) - …", "… (1.000 điểm)".
    if end < len(text) and text[end] == ")" and "(" in text[start:end]:
        end += 1
    if start > 0 and text[start - 1] == "(" and ")" in text[start:end].split("(")[0]:
        start -= 1
    return Piece(start, end, text[start:end]) if end > start else None


def unwrapped(text: str) -> str:
    """``text`` with the line breaks of hard-wrapped lines read as spaces: same length, same offsets,
    so a span found in it quotes the same characters of ``text``."""
    return _WRAPPED.sub(" ", text)


def sentences(text: str) -> Iterator[Piece]:
    """Sentences, line by line (a line never continues a sentence of the previous one)."""
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        cut = line_start
        for m in _SENTENCE_END.finditer(line):
            piece = _trimmed(text, cut, line_start + m.start())
            if piece:
                yield piece
            cut = line_start + m.end()
        piece = _trimmed(text, cut, line_start + len(line))
        if piece:
            yield piece


def clauses(text: str, sentence: Piece) -> list[Piece]:
    """The clauses of one sentence."""
    out: list[Piece] = []
    cut = sentence.start
    for m in _CLAUSE_BREAK.finditer(sentence.text):
        piece = _trimmed(text, cut, sentence.start + m.start())
        if piece:
            out.append(piece)
        cut = sentence.start + m.end()
    piece = _trimmed(text, cut, sentence.end)
    if piece:
        out.append(piece)
    return out
