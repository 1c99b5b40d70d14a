"""Reference facts the project ships: editions, indicators, agencies and news outlets.

Each comes from a CSV in ``dti_kg/data`` whose rows carry their sources (see data/SOURCES.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from dti_kg.resources import data_file, read_text

PILLARS = ("digital_government", "digital_economy", "digital_society")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read_text(data_file(name)))))


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (cell or "").split("|") if x.strip())


def _date(cell: str | None) -> date | None:
    return date.fromisoformat(cell) if cell else None


@dataclass(frozen=True)
class Indicator:
    key: str  # e.g. "digital_government"; the IRI slug is key with "-" for "_"
    kind: str  # "overall", "pillar" or "main_index"
    pillar: str | None
    label_vi: str
    label_en: str
    aliases_vi: tuple[str, ...]
    aliases_en: tuple[str, ...]

    @property
    def slug(self) -> str:
        return self.key.replace("_", "-")


@dataclass(frozen=True)
class Edition:
    year: int  # the year assessed; "DTI 2021" was published in 2022
    announced_on: str  # ISO date, or "YYYY-MM" when only the month is known
    announced_precision: str  # "day" or "month"
    publisher: str  # agency slug
    event: str
    main_indices: tuple[str, ...]  # indicator keys; empty when the framework's list is unknown
    component_indices_count: int | None
    criteria_count: int | None
    national_score: Decimal | None
    provincial_average: Decimal | None
    framework_basis: str
    cohorts: tuple[int, ...]  # sizes of the ranked cohorts: (63,) or (63, 34)
    sources: tuple[str, ...]

    @property
    def announced_by(self) -> date:
        """The latest day on which the edition was already announced (end of month if imprecise)."""
        if self.announced_precision == "day":
            return date.fromisoformat(self.announced_on)
        year, month = map(int, self.announced_on.split("-"))
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicator keys of this edition's framework: overall, the pillars, its main indices."""
        return ("overall", *PILLARS, *self.main_indices)


@dataclass(frozen=True)
class Agency:
    slug: str
    name_vi: str
    abbrev_vi: str
    name_en: str
    abbrev_en: str
    founded: date | None
    dissolved: date | None
    dti_mandate_start: date | None
    dti_mandate_end: date | None
    successor: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    abbreviation: str
    domain: str
    province: str | None  # slug of the 63-era province a provincial paper covers
    language: str
    markers: tuple[str, ...]  # strings in a text that identify the outlet ("BDK -", "(VOV5)")


@cache
def indicators() -> dict[str, Indicator]:
    return {
        r["key"]: Indicator(
            key=r["key"],
            kind=r["kind"],
            pillar=r["pillar"] or None,
            label_vi=r["label_vi"],
            label_en=r["label_en"],
            aliases_vi=_split(r["aliases_vi"]),
            aliases_en=_split(r["aliases_en"]),
        )
        for r in _rows("indicators.csv")
    }


@cache
def editions() -> dict[int, Edition]:
    out = {}
    for r in _rows("editions.csv"):
        out[int(r["edition"])] = Edition(
            year=int(r["edition"]),
            announced_on=r["announced_on"],
            announced_precision=r["announced_precision"],
            publisher=r["publisher"],
            event=r["event"],
            main_indices=_split(r["main_indices"]),
            component_indices_count=int(r["component_indices_count"])
            if r["component_indices_count"]
            else None,
            criteria_count=int(r["criteria_count"]) if r["criteria_count"] else None,
            national_score=Decimal(r["national_score"]) if r["national_score"] else None,
            provincial_average=Decimal(r["provincial_average"]) if r["provincial_average"] else None,
            framework_basis=r["framework_basis"],
            cohorts=tuple(int(c) for c in _split(r["cohorts"])),
            sources=_split(r["source_url"]),
        )
    return out


@cache
def agencies() -> dict[str, Agency]:
    return {
        r["slug"]: Agency(
            slug=r["slug"],
            name_vi=r["name_vi"],
            abbrev_vi=r["abbrev_vi"],
            name_en=r["name_en"],
            abbrev_en=r["abbrev_en"],
            founded=_date(r["founded"]),
            dissolved=_date(r["dissolved"]),
            dti_mandate_start=_date(r["dti_mandate_start"]),
            dti_mandate_end=_date(r["dti_mandate_end"]),
            successor=r["successor"] or None,
            sources=_split(r["source_url"]),
        )
        for r in _rows("agencies.csv")
    }


@cache
def outlets() -> dict[str, Outlet]:
    return {
        r["slug"]: Outlet(
            slug=r["slug"],
            name=r["name"],
            abbreviation=r["abbreviation"],
            domain=r["domain"],
            province=r["province"] or None,
            language=r["language"],
            markers=_split(r["markers"]),
        )
        for r in _rows("outlets.csv")
    }


def outlet_for_domain(host: str) -> Outlet | None:
    """The outlet whose domain is ``host`` or a parent of it (www.baothainguyen.vn)."""
    host = host.lower().removeprefix("www.")
    best: Outlet | None = None
    for o in outlets().values():
        if (host == o.domain or host.endswith("." + o.domain)) and (
            best is None or len(o.domain) > len(best.domain)
        ):
            best = o
    return best


def edition_in_force(on: date) -> Edition | None:
    """The latest edition already announced on ``on``."""
    announced = [e for e in editions().values() if e.announced_by <= on]
    return max(announced, key=lambda e: e.year) if announced else None
