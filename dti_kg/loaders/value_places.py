"""Whose value it is: the province a value of a clause belongs to (``PlaceCursor`` walks one sentence's
values in order; ``choose_place`` for the language rules), the quote reaching back to that province, and
a province-like name the gazetteer does not know (``unknown_place``).
"""

from __future__ import annotations

import regex

from dti_kg.loaders.clause_values import Value
from dti_kg.loaders.lexicon import Lexicon
from dti_kg.loaders.places import PlaceMention, is_known
from dti_kg.loaders.segments import Piece


def choose_place(places: list[PlaceMention], clause: Piece, sentence: Piece) -> PlaceMention | None:
    """The province a clause's value belongs to: named in the clause (exactly one), else the
    nearest one named before it in the sentence, else the only one named in the sentence."""
    inside = [p for p in places if clause.start <= p.start < clause.end]
    if len({p.name for p in inside}) == 1:
        return inside[0]
    if inside:
        return None
    before = [p for p in places if p.start < clause.start]
    if before:
        return before[-1]
    if len({p.name for p in places}) == 1:
        return places[0]
    return None


def quote_span(text: str, clause: Piece, place: PlaceMention | None, sentence: Piece) -> tuple[int, int]:
    """The clause, reaching back to the province it is about when that is close by."""
    start = clause.start
    if (
        place is not None
        and sentence.start <= place.start < clause.start
        and clause.start - place.start <= 80
    ):
        start = place.start
    return start, clause.end


def unknown_place(text: str, sentence: Piece, places: list[PlaceMention], lex: Lexicon) -> str | None:
    for m in lex.unknown_place.finditer(text, sentence.start, sentence.end):
        name = m.group("name").strip()
        if any(p.start <= m.start("name") < p.end for p in places) or is_known(name):
            continue
        return name
    return None


class PlaceCursor:
    """Whose value is it: the one province the clause names; else the province named since the
    previous value ("Huế đứng thứ 2 (0,5872 điểm) và TP.HCM đứng thứ 3 (0,5609 điểm)"), or the
    one before that when none was named since; never one of a list named together ("Đà Nẵng,
    TP.HCM và Quảng Ninh … thứ nhất") or of a relative clause ("HCM City, which merged with Bình
    Dương and Bà Rịa-Vũng Tàu, was fourth")."""

    def __init__(
        self, places: list[PlaceMention], sentence: Piece, text: str, bare: regex.Pattern[str]
    ) -> None:
        self.places = places
        self.sentence = sentence
        self.position = sentence.start
        self.current: PlaceMention | None = None
        self.text = text
        self.bare = bare

    def place_for(self, v: Value, clause: Piece) -> PlaceMention | None:
        inside = [p for p in self.places if clause.start <= p.start < clause.end]
        block = [p for p in self.places if self.position <= p.start < v.start]
        self.position = max(self.position, v.end)
        if not inside and self.bare.search(self.text, clause.start, v.start):
            # "So với Bắc Giang (thứ 20), tỉnh xếp thứ 15": "tỉnh" is a new subject, not Bắc Giang.
            self.current = None
            return None
        if len({p.name for p in inside}) == 1:
            self.current = inside[0]
        elif len({p.name for p in block}) == 1:
            self.current = block[-1]
        elif block:
            self.current = None
        elif self.current is None and not inside and len({p.name for p in self.places}) == 1:
            return self.places[0]  # "Xếp thứ 8/63 là tỉnh Thái Nguyên"
        elif self.current is None and not inside and _FRONTED.match(self.text, clause.start, v.start):
            # "Với giá trị DTI đạt 0,7024 điểm, Quảng Ninh vươn lên đứng thứ ba, theo sát Đà Nẵng …":
            # a value fronted before the subject is the subject's, the name right after the phrase
            after = [p for p in self.places if p.start >= clause.end]
            if after and _TO_SUBJECT.fullmatch(self.text, clause.end, after[0].start):
                return after[0]
        return self.current


_FRONTED = regex.compile(r"\s*(?:với|with|đạt|achieving|scoring)(?![\p{L}])", regex.IGNORECASE)
_TO_SUBJECT = regex.compile(
    r"[\s,)]*(?:(?:tỉnh|thành\s+phố|TP\.?|the\s+province\s+of)\s*)?", regex.IGNORECASE
)


def inside_places(places: list[PlaceMention], clause: Piece) -> bool:
    return any(clause.start <= p.start < clause.end for p in places)
