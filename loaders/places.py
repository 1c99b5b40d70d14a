"""Find province names in text, in any spelling the gazetteer knows (Vietnamese or ASCII English)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from dti_kg.gazetteer import POST_MERGER, PRE_MERGER, Unit, gazetteer, name_key
from dti_kg.text import strip_diacritics

_SEP = r"[\s\-–.]*"  # "Thừa Thiên - Huế", "TP.HCM", "TP. HCM": separators vary between spellings


@dataclass(frozen=True)
class PlaceMention:
    """A province name found at ``[start, end)``; ``name`` is the text as written."""

    start: int
    end: int
    name: str


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


def resolve(name: str, edition: int, cohort: int | None) -> Unit | None:
    """The unit a name means for an edition: the 63 until DTI 2023; DTI 2024 was ranked over the
    63 and over the 34 (the cohort decides, the 63 when unknown); later editions rank the 34."""
    gaz = gazetteer()
    if edition >= 2025 or cohort == 34:
        order = (POST_MERGER, PRE_MERGER)
    else:
        order = (PRE_MERGER, POST_MERGER) if edition >= 2024 else (PRE_MERGER,)
    for era in order:
        unit = gaz.lookup(name, era, ascii_fallback=True)
        if unit is not None:
            return unit
    return None


def is_known(name: str) -> bool:
    gaz = gazetteer()
    return any(gaz.lookup(name, era, ascii_fallback=True) for era in (PRE_MERGER, POST_MERGER))


def same_unit_key(name: str) -> str:
    """A key under which two spellings of one province compare equal."""
    unit = resolve(name, 2020, None) or resolve(name, 2025, 34)
    return unit.slug if unit else name_key(name)
