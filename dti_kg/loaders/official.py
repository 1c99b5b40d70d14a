"""Official provincial DTI tables -> observations, and the ``id/graph/official`` graph.

Reads ``dti_kg/data/official_provincial.csv`` (one row per edition, cohort and province; see
``OFFICIAL_SOURCES.md``). Every printed figure becomes a Stated observation; where a cohort's table
gives every total but not every rank, the missing overall/pillar ranks are derived by competition
ranking (``dti_kg.ranking``) and marked Derived.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral

from dti_kg.errors import InputError
from dti_kg.gazetteer import POST_MERGER, PRE_MERGER, gazetteer
from dti_kg.iri import Minter
from dti_kg.namespaces import DCTERMS, DTI, PREFIXES, PROV, QB, RDF, RDFS, XSD
from dti_kg.ranking import DerivedRanks, derive_missing_ranks
from dti_kg.reference import PILLARS, editions, indicators
from dti_kg.resources import data_file

OfficialMeasure = Literal["rank", "score"]
Derivation = Literal["stated", "derived"]
SourceKind = Literal["official_site", "third_party_scrape", "press_report"]

DATA_FILE = "official_provincial.csv"
# Weakest first: a row combining pages takes the strongest kind, a derived rank the weakest of its table.
SOURCE_KINDS: tuple[SourceKind, ...] = ("press_report", "third_party_scrape", "official_site")
SOURCE_KIND_TERMS = {
    "official_site": DTI.OfficialSite,
    "third_party_scrape": DTI.ThirdPartyScrape,
    "press_report": DTI.PressReport,
}
# Indicators the ministry ranks; main indices are published as scores only.
RANKED_INDICATORS = ("overall", *PILLARS)
_OPENDX_PATH = "/Tuan04-D/opendx/"

ObservationKey = tuple[int, int, str, str, str]  # edition, cohort, unit slug, indicator, measure


@dataclass(frozen=True)
class Observation:
    """One official figure: a unit's rank or score on one indicator in one edition's cohort."""

    edition: int
    cohort: int  # 63 or 34
    province: str  # unit slug of the cohort's era (thai-nguyen, thai-nguyen-2025)
    indicator: str
    measure: OfficialMeasure
    value: int | Decimal  # scores keep their printed digits (Decimal("1.0000") vs Decimal("1.0"))
    sources: tuple[str, ...]
    source_kind: SourceKind
    published_name: str
    derivation: Derivation = "stated"
    derived_from: tuple[ObservationKey, ...] = ()
    note: str | None = None

    @property
    def key(self) -> ObservationKey:
        return (self.edition, self.cohort, self.province, self.indicator, self.measure)


@dataclass
class OfficialData:
    """All official observations, plus what quality checks need to know about the tables."""

    observations: list[Observation]
    rows: dict[tuple[int, int], int]  # (edition, cohort) -> rows in the table
    rankings: dict[tuple[int, int, str], DerivedRanks[str]]  # (edition, cohort, indicator) -> derivation
    _index: dict[ObservationKey, Observation] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {o.key: o for o in self.observations}

    def get(
        self, edition: int, cohort: int, province: str, indicator: str, measure: str
    ) -> Observation | None:
        return self._index.get((edition, cohort, province, indicator, measure))

    def cohorts(self, edition: int) -> tuple[int, ...]:
        """Cohorts of ``edition`` with a table, in the order 63, 34."""
        return tuple(sorted({c for (e, c) in self.rows if e == edition}, reverse=True))

    def select(self, edition: int, cohort: int, indicator: str, measure: str) -> list[Observation]:
        return [
            o
            for o in self.observations
            if (o.edition, o.cohort, o.indicator, o.measure) == (edition, cohort, indicator, measure)
        ]


def source_kind_of(urls: Iterable[str]) -> SourceKind:
    """The strongest kind among a row's pages (see OFFICIAL_SOURCES.md)."""
    kinds: list[SourceKind] = []
    for url in urls:
        parts = urlsplit(url.strip())
        if parts.hostname == "dti.gov.vn":
            kinds.append("official_site")
        elif parts.hostname == "github.com" and parts.path.startswith(_OPENDX_PATH):
            kinds.append("third_party_scrape")
        else:
            kinds.append("press_report")
    return max(kinds, key=SOURCE_KINDS.index, default="press_report")


def _columns() -> dict[str, tuple[str, OfficialMeasure]]:
    """CSV column -> (indicator key, measure)."""
    cols: dict[str, tuple[str, OfficialMeasure]] = {
        "rank": ("overall", "rank"),
        "score": ("overall", "score"),
    }
    for pillar in PILLARS:
        cols[f"rank_{pillar}"] = (pillar, "rank")
        cols[f"score_{pillar}"] = (pillar, "score")
    for key, ind in indicators().items():
        if ind.kind == "main_index":
            cols[f"idx_{key}"] = (key, "score")
    return cols


def _parse(cell: str, measure: OfficialMeasure, where: str) -> int | Decimal:
    if measure == "rank":
        if not cell.isdigit() or int(cell) < 1:
            raise InputError(f"{where}: rank {cell!r} is not a positive integer")
        return int(cell)
    try:
        value = Decimal(cell)
    except InvalidOperation as exc:
        raise InputError(f"{where}: score {cell!r} is not a decimal number") from exc
    if not Decimal(0) <= value <= Decimal(1):
        raise InputError(f"{where}: score {cell} is outside 0..1")
    return value


def _read_rows(source: Traversable | Path) -> list[dict[str, str]]:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read official table {source}: {exc}") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    required = {"edition", "cohort", "province_as_published", "source_url", *_columns()}
    missing = sorted(required - set(rows[0] if rows else ()))
    if missing:
        raise InputError(f"official table {source}: missing columns {', '.join(missing)}")
    return rows


def _stated(source: Traversable | Path) -> tuple[list[Observation], dict[tuple[int, int], int]]:
    gaz = gazetteer()
    known = editions()
    columns = _columns()
    observations: list[Observation] = []
    rows: dict[tuple[int, int], int] = {}
    seen: set[tuple[int, int, str]] = set()
    for line, row in enumerate(_read_rows(source), start=2):
        where = f"{source}, line {line}"
        try:
            edition, cohort = int(row["edition"]), int(row["cohort"])
        except ValueError as exc:
            raise InputError(f"{where}: edition and cohort must be integers") from exc
        if edition not in known or cohort not in known[edition].cohorts:
            raise InputError(f"{where}: no cohort {cohort} in edition {edition}")
        era = POST_MERGER if cohort == 34 else PRE_MERGER
        name = row["province_as_published"].strip()
        unit = gaz.lookup(name, era)
        if unit is None:
            raise InputError(f"{where}: unknown province {name!r} for the {era}-unit era")
        if (edition, cohort, unit.slug) in seen:
            raise InputError(f"{where}: second row for {unit.name_vi} in {edition}/{cohort}")
        seen.add((edition, cohort, unit.slug))
        rows[(edition, cohort)] = rows.get((edition, cohort), 0) + 1
        urls = tuple(u.strip() for u in row["source_url"].split("|") if u.strip())
        kind = (row.get("source_kind") or "").strip() or source_kind_of(urls)
        if kind not in SOURCE_KINDS:
            raise InputError(f"{where}: unknown source_kind {kind!r}")
        for column, (indicator, measure) in columns.items():
            cell = (row.get(column) or "").strip()
            if cell:
                observations.append(
                    Observation(
                        edition=edition,
                        cohort=cohort,
                        province=unit.slug,
                        indicator=indicator,
                        measure=measure,
                        value=_parse(cell, measure, f"{where}, column {column}"),
                        sources=urls,
                        source_kind=kind,  # narrowed by the SOURCE_KINDS check above
                        published_name=name,
                    )
                )
    return observations, rows


def _derived(
    stated: list[Observation], rows: dict[tuple[int, int], int]
) -> tuple[list[Observation], dict[tuple[int, int, str], DerivedRanks[str]]]:
    derived: list[Observation] = []
    rankings: dict[tuple[int, int, str], DerivedRanks[str]] = {}
    for edition, cohort in sorted(rows):
        for indicator in RANKED_INDICATORS:
            scores = {
                o.province: o
                for o in stated
                if (o.edition, o.cohort, o.indicator, o.measure) == (edition, cohort, indicator, "score")
            }
            ranks = {
                o.province: int(o.value)
                for o in stated
                if (o.edition, o.cohort, o.indicator, o.measure) == (edition, cohort, indicator, "rank")
            }
            result = derive_missing_ranks(ranks, {p: Decimal(o.value) for p, o in scores.items()}, cohort)
            rankings[(edition, cohort, indicator)] = result
            if not result.ranks:
                continue
            # A derived rank rests on every score of the table, so it is only as strong as the weakest.
            kind = min((o.source_kind for o in scores.values()), key=SOURCE_KINDS.index)
            note = (
                f"Competition ranking (ties share a rank) of all {cohort} printed {indicator} scores "
                f"of DTI {edition}, cohort {cohort}; no source states this rank."
            )
            for province, rank in sorted(result.ranks.items()):
                score = scores[province]
                derived.append(
                    Observation(
                        edition=edition,
                        cohort=cohort,
                        province=province,
                        indicator=indicator,
                        measure="rank",
                        value=rank,
                        sources=score.sources,
                        source_kind=kind,
                        published_name=score.published_name,
                        derivation="derived",
                        derived_from=(score.key,),
                        note=note,
                    )
                )
    return derived, rankings


def load_official(source: Traversable | Path | None = None) -> OfficialData:
    """Observations of the packaged official table (or of ``source``, a CSV of the same shape).

    A CSV without a ``source_kind`` column (the shared reference table) gets the kinds from
    :func:`source_kind_of`.
    """
    stated, rows = _stated(source if source is not None else data_file(DATA_FILE))
    derived, rankings = _derived(stated, rows)
    observations = sorted(stated + derived, key=lambda o: o.key)
    return OfficialData(observations=observations, rows=rows, rankings=rankings)


@cache
def official_observations() -> OfficialData:
    """The packaged official table's observations, loaded once per process (treat as read-only)."""
    return load_official()


def observation_iri(minter: Minter, key: ObservationKey) -> URIRef:
    edition, cohort, province, indicator, measure = key
    slug = indicator.replace("_", "-")
    return URIRef(f"{minter.base}id/observation/{edition}/{cohort}/{province}/{slug}/{measure}")


def official_graph(minter: Minter, data: OfficialData | None = None) -> Graph:
    """The named graph ``id/graph/official`` with every observation (data-model.md)."""
    data = data if data is not None else official_observations()
    graph = Graph(identifier=minter.graph("official"))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    dataset = minter.graph("official")
    # The graph doubles as the Data Cube dataset of its observations (as an article's graph does for claims).
    graph.add((dataset, RDF.type, QB.DataSet))
    graph.add((dataset, QB.structure, DTI.officialObservationStructure))
    graph.add((dataset, RDFS.label, RdfLiteral("DTI official observations", lang="en")))
    graph.add((dataset, RDFS.label, RdfLiteral("Số liệu DTI chính thức", lang="vi")))
    for obs in data.observations:
        node = observation_iri(minter, obs.key)
        graph.add((node, RDF.type, DTI.OfficialObservation))
        graph.add((node, RDF.type, QB.Observation))
        graph.add((node, QB.dataSet, dataset))
        graph.add((node, DTI.province, minter.province(obs.province)))
        graph.add((node, DTI.edition, minter.edition(obs.edition)))
        graph.add((node, DTI.cohort, minter.cohort(obs.edition, obs.cohort)))
        graph.add((node, DTI.indicator, minter.indicator(obs.indicator)))
        graph.add((node, QB.measureType, DTI[obs.measure]))
        graph.add((node, DTI[obs.measure], value_literal(obs.value)))
        graph.add((node, DTI.derivation, DTI.Derived if obs.derivation == "derived" else DTI.Stated))
        graph.add((node, DTI.sourceKind, SOURCE_KIND_TERMS[obs.source_kind]))
        for url in obs.sources:
            graph.add((node, DCTERMS.source, URIRef(url)))
        for used in obs.derived_from:
            graph.add((node, PROV.wasDerivedFrom, observation_iri(minter, used)))
        if obs.note:
            graph.add((node, DTI.derivationNote, RdfLiteral(obs.note, lang="en")))
    return graph


def value_literal(value: int | Decimal) -> RdfLiteral:
    """xsd:integer for ranks, xsd:decimal with the printed digits for scores."""
    if isinstance(value, Decimal):
        return RdfLiteral(str(value), datatype=XSD.decimal)
    return RdfLiteral(str(value), datatype=XSD.integer)
