"""Province-level administrative units: the 63 ranked in DTI 2020–2024 and the 34 since 2025-07-01.

Data: ``dti_kg/data/provinces_63.csv`` and ``units_2025.csv`` (merger of 2025-07-01, Nghị quyết
202/2025/QH15). Codes of the 34 are cross-checked against ``vietnam-provinces`` by a test.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import cache

from dti_kg.resources import data_file, read_text
from dti_kg.text import fold, strip_diacritics

MERGER_DATE = date(2025, 7, 1)
PRE_MERGER = "63"
POST_MERGER = "34"

# Prefixes that name the kind of unit, not the unit; dropped before matching names.
_UNIT_PREFIXES = ("thành phố ", "tp ", "tỉnh ", "city of ", "province of ")
_UNIT_SUFFIXES = (" province", " city")


@dataclass(frozen=True)
class Unit:
    """One province-level unit. ``era`` is "63" (until 2025-06-30) or "34" (since 2025-07-01)."""

    slug: str
    gso_code: str
    name_vi: str
    name_en: str
    unit_type: str  # "tinh" (province) or "thanh-pho" (centrally-run city)
    era: str
    aliases: tuple[str, ...] = ()
    predecessors: tuple[str, ...] = ()  # slugs of the 63-era units merged into a 34-era unit

    @property
    def valid_from(self) -> date | None:
        return MERGER_DATE if self.era == POST_MERGER else None

    @property
    def valid_until(self) -> date | None:
        """Last day of validity (inclusive)."""
        return date(2025, 6, 30) if self.era == PRE_MERGER else None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_vi, self.name_en, *self.aliases)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split("|") if x.strip())


def _read(name: str, era: str) -> list[Unit]:
    rows = csv.DictReader(io.StringIO(read_text(data_file(name))))
    return [
        Unit(
            slug=r["slug"],
            gso_code=r["gso_code"],
            name_vi=r["name_vi"],
            name_en=r["name_en"],
            unit_type=r["unit_type"],
            era=era,
            aliases=_split(r.get("aliases") or ""),
            predecessors=_split(r.get("predecessors") or ""),
        )
        for r in rows
    ]


def name_key(name: str) -> str:
    """The key names are matched on: folded, unit-type prefixes and suffixes removed."""
    key = fold(name)
    changed = True
    while changed:
        changed = False
        for prefix in _UNIT_PREFIXES:
            if key.startswith(prefix):
                key, changed = key[len(prefix) :], True
        for suffix in _UNIT_SUFFIXES:
            if key.endswith(suffix):
                key, changed = key[: -len(suffix)], True
    return key


def ascii_key(name: str) -> str:
    return strip_diacritics(name_key(name))


def same_place(old: Unit, new: Unit) -> bool:
    """Whether 34-era ``new`` is 63-era ``old`` renewed: same name, or ``old`` is its sole predecessor."""
    return name_key(old.name_vi) == name_key(new.name_vi) or new.predecessors == (old.slug,)


class Gazetteer:
    """Lookup of units by slug, GSO code and (folded) name, per era."""

    def __init__(self, pre_merger: list[Unit], post_merger: list[Unit]) -> None:
        self.pre_merger = pre_merger
        self.post_merger = post_merger
        self.by_slug = {u.slug: u for u in (*pre_merger, *post_merger)}
        self._by_name: dict[str, dict[str, Unit]] = {PRE_MERGER: {}, POST_MERGER: {}}
        self._by_ascii: dict[str, dict[str, Unit]] = {PRE_MERGER: {}, POST_MERGER: {}}
        for unit in (*pre_merger, *post_merger):
            for n in unit.names:
                self._by_name[unit.era].setdefault(name_key(n), unit)
                self._by_ascii[unit.era].setdefault(ascii_key(n), unit)

    def units(self, era: str) -> list[Unit]:
        return self.pre_merger if era == PRE_MERGER else self.post_merger

    def lookup(self, name: str, era: str = PRE_MERGER, *, ascii_fallback: bool = False) -> Unit | None:
        """The unit of ``era`` called ``name`` (any spelling the gazetteer knows), or None."""
        unit = self._by_name[era].get(name_key(name))
        if unit is None and ascii_fallback:
            unit = self._by_ascii[era].get(ascii_key(name))
        return unit

    def successor(self, unit: Unit) -> Unit | None:
        """The 34-era unit a 63-era unit was merged into."""
        for new in self.post_merger:
            if unit.slug in new.predecessors:
                return new
        return None

    def predecessors(self, unit: Unit) -> list[Unit]:
        return [self.by_slug[s] for s in unit.predecessors]


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer(_read("provinces_63.csv", PRE_MERGER), _read("units_2025.csv", POST_MERGER))
