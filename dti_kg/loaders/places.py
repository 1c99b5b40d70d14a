"""Find province names in text, in any spelling the gazetteer knows (Vietnamese or ASCII English)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from dti_kg.gazetteer import POST_MERGER, PRE_MERGER, Unit, gazetteer, same_place
from dti_kg.text import strip_diacritics

_SEP = r"[\s\-–.]*"  # "Thừa Thiên - Huế", "TP.HCM", "TP. HCM": separators vary between spellings


@dataclass(frozen=True)
class PlaceMention:
    """A province name found at ``[start, end)``; ``name`` is the text as written."""

    start: int
    end: int
    name: str
    era: str | None = None  # "34" after "Vĩnh Long (mới)", "63" after "Vĩnh Long (cũ)"; else unknown


def _pattern(names: set[str]) -> regex.Pattern[str]:
    parts = []
    for name in sorted(names, key=lambda n: (-len(n), n)):
        words = regex.split(r"[\s\-–.]+", name.strip())
        parts.append(_SEP.join(regex.escape(w) for w in words if w))
    # Names are proper nouns: match case-sensitively so "hòa bình" (peace) is not Hòa Bình.
    return regex.compile(r"(?<![\p{L}\d])(?:" + "|".join(parts) + r")(?![\p{L}\d])")


def _unit_names() -> set[str]:
    names: set[str] = set()
    for era in (PRE_MERGER, POST_MERGER):
        for unit in gazetteer().units(era):
            names.update(n for n in unit.names if n.strip())
    return names


@cache
def _vi_pattern() -> regex.Pattern[str]:
    return _pattern(_unit_names())


@cache
def _en_pattern() -> regex.Pattern[str]:
    names = _unit_names()
    return _pattern(names | {strip_diacritics(n) for n in names})


def find_places(text: str, language: str = "vi") -> list[PlaceMention]:
    """Province names in ``text`` (longest spelling wins where spellings overlap)."""
    pattern = _en_pattern() if language == "en" else _vi_pattern()
    return [PlaceMention(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


# "Vĩnh Long (mới)" is the merged unit, "(cũ)" the former province; English papers write "(new)".
_ERA_MARK = regex.compile(r"\s*\((?:(?P<new>mới|new)|(?P<old>cũ|former|old))\)", regex.IGNORECASE)
# English also marks the era before the name: "former Da Nang", "new Da Nang", "the old Quang Nam".
_ERA_BEFORE = regex.compile(r"\b(?:(?P<new>new|merged)|(?P<old>former|old))\s+$", regex.IGNORECASE)
# "thành phố Bắc Giang", "TP. Thái Nguyên", "Bac Giang city": a province's capital, not the province.
_CITY_BEFORE = regex.compile(r"(?:[Tt]hành\s+phố|TP\.?|[Cc]ity\s+of)\s*$")
_CITY_AFTER = regex.compile(r"\s+city\b")
# "Hanoi (VNA) - …", "HÀ NỘI — …": the dateline names where the story was filed.
_DATELINE = regex.compile(r"\s*(?:\([^()\n]{1,20}\))?\s*[-–—]\s")


@dataclass(frozen=True)
class SentencePlaces:
    """The provinces a sentence names, and whether it names a provincial city (a district-level unit)."""

    places: list[PlaceMention]
    names_city: bool


def places_in(text: str, start: int, end: int, language: str) -> SentencePlaces:
    """Province mentions in ``text[start:end]`` at absolute offsets. Leaves out a dateline at the
    start and a province's capital city ("thành phố Bắc Giang": Bắc Giang is a province, its city
    of the same name is a district-level unit); records "(mới)"/"(cũ)" after a name as its era."""
    out: list[PlaceMention] = []
    names_city = False
    gaz = gazetteer()
    for p in find_places(text[start:end], language):
        a, b = p.start + start, p.end + start
        units = [gaz.lookup(p.name, era, ascii_fallback=True) for era in (PRE_MERGER, POST_MERGER)]
        is_tinh = all(u is None or u.unit_type == "tinh" for u in units)  # Huế became a city in 2025
        city = _CITY_BEFORE.search(text, start, a) or (language == "en" and _CITY_AFTER.match(text, b, end))
        if is_tinh and city:
            names_city = True
            continue
        if a == start and _DATELINE.match(text, b, end):
            continue
        m = _ERA_MARK.match(text, b, end) or (
            _ERA_BEFORE.search(text, max(start, a - 12), a) if language == "en" else None
        )
        era = None if m is None else (POST_MERGER if m.group("new") else PRE_MERGER)
        out.append(PlaceMention(a, b, p.name, era))
    return SentencePlaces(out, names_city)


_AS_CITY = regex.compile(r"^(?:[Tt]hành\s+phố|TP\.?)\s*\S|\s[Cc]ity$")


def resolve(name: str, edition: int, cohort: int | None) -> Unit | None:
    """The unit a name means for an edition: the 63 until DTI 2023; DTI 2024 was ranked over the
    63 and over the 34 (the cohort decides, the 63 when unknown); later editions rank the 34.

    Where the 34 are meant, a name only the 63-era gazetteer knows ("TP.HCM", "TT-Huế") stands for
    its successor when that is the same place (same name, or the sole predecessor); otherwise the
    name means a unit that no longer existed and nothing is resolved.
    """
    gaz = gazetteer()
    if edition >= 2025 or cohort == 34:
        unit = gaz.lookup(name, POST_MERGER, ascii_fallback=True)
        if unit is not None:
            return unit
        old = gaz.lookup(name, PRE_MERGER, ascii_fallback=True)
        new = gaz.successor(old) if old is not None else None
        return new if new is not None and old is not None and same_place(old, new) else None
    if edition == 2024 and cohort is None and _AS_CITY.search(name):
        # "TP Huế", "Hue City": written as the centrally-run city that only the 34-era unit is
        new = gaz.lookup(name, POST_MERGER, ascii_fallback=True)
        old = gaz.lookup(name, PRE_MERGER, ascii_fallback=True)
        if new is not None and old is not None and new.unit_type == "thanh-pho" and old.unit_type == "tinh":
            return new
    order = (PRE_MERGER, POST_MERGER) if edition >= 2024 else (PRE_MERGER,)
    for era in order:
        unit = gaz.lookup(name, era, ascii_fallback=True)
        if unit is not None:
            return unit
    return None


def is_known(name: str) -> bool:
    gaz = gazetteer()
    return any(gaz.lookup(name, era, ascii_fallback=True) for era in (PRE_MERGER, POST_MERGER))
