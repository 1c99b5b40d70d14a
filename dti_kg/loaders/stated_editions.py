"""The DTI editions a text states: every edition it names in DTI context ("DTI 2021", "năm thứ ba …
đánh giá"), and the one a sentence names (anchored first, else a loose "năm 2021"). Shared by the
sentence engine, the discourse rules of both languages and ``extract``'s edition resolution.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from dti_kg.loaders.findings import EditionMention
from dti_kg.loaders.lexicon import Lexicon
from dti_kg.loaders.segments import Piece
from dti_kg.reference import editions


def known_year(year: int) -> bool:
    return year in editions()


# "Đây là năm thứ ba Bộ TT&TT tổ chức đánh giá …", "lần thứ 4 liên tiếp … đánh giá", "năm thứ năm
# chỉ số DTI được công bố": the n-th edition is DTI 2019 + n (the first was DTI 2020).
_ORDINAL_EDITION = regex.compile(
    r"(?<![\p{L}])(?:năm|lần)\s+thứ\s+(?P<n>\d|nhất|hai|ba|tư|năm|sáu|bảy)(?:\s+liên\s+tiếp)?,?\s+"
    r"(?:[^.;\n]{0,60}?\s)?(?:tổ\s+chức\s+)?(?:đánh\s+giá|(?:được\s+)?công\s+bố|xác\s+định)(?![\p{L}])",
    regex.IGNORECASE,
)
_ORDINALS = {"nhất": 1, "hai": 2, "ba": 3, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7}


def edition_mentions(text: str, lex: Lexicon) -> list[EditionMention]:
    """Every edition the text names in DTI context, in text order."""
    return list(_edition_mentions(text, lex))


# Every sentence asks for the document's editions: one scan per document keeps extraction linear.
@lru_cache(maxsize=16)
def _edition_mentions(text: str, lex: Lexicon) -> tuple[EditionMention, ...]:
    found: dict[int, EditionMention] = {}
    for m in _ORDINAL_EDITION.finditer(text):
        token = m.group("n").lower()
        year = 2019 + (int(token) if token.isdigit() else _ORDINALS[token])
        if known_year(year) and lex.dti_mark.search(text, max(0, m.start() - 200), m.end() + 200):
            found.setdefault(m.start("n"), EditionMention(m.start("n"), year))
    for pattern in lex.edition_anchored:
        for m in pattern.finditer(text):
            year = int(m.group("year"))
            if known_year(year) and not _follows_not_edition(text, m.start("year"), lex):
                found.setdefault(m.start("year"), EditionMention(m.start("year"), year))
    return tuple(sorted(found.values(), key=lambda e: e.start))


_NOT_EDITION_REACH = 120  # longer than any "so với năm" / "compared with the DTI in" before a year


def _follows_not_edition(text: str, at: int, lex: Lexicon) -> bool:
    return bool(lex.not_edition_before.search(text[max(0, at - _NOT_EDITION_REACH) : at]))


def sentence_edition(text: str, sentence: Piece, lex: Lexicon) -> int | None:
    """The edition the sentence itself states: anchored mentions first, else one loose "năm 2021"."""
    anchored = {e.year for e in edition_mentions(text, lex) if sentence.start <= e.start < sentence.end}
    if len(anchored) == 1:
        return anchored.pop()
    if anchored:
        return None
    loose = {
        int(m.group("year"))
        for m in lex.edition_loose.finditer(text, sentence.start, sentence.end)
        if not _follows_not_edition(text, m.start("year"), lex)
    }
    loose = {y for y in loose if known_year(y)}
    return loose.pop() if len(loose) == 1 else None


def sentence_years(text: str, sentence: Piece, lex: Lexicon) -> list[tuple[int, int]]:
    """(position, year) of every edition the sentence names, anchored ("DTI 2021") or loose ("năm 2021")."""
    found = {
        (e.start, e.year) for e in edition_mentions(text, lex) if sentence.start <= e.start < sentence.end
    }
    for m in lex.edition_loose.finditer(text, sentence.start, sentence.end):
        year = int(m.group("year"))
        if known_year(year) and not _follows_not_edition(text, m.start("year"), lex):
            found.add((m.start("year"), year))
    return sorted(found)
