"""The reference graph (``id/graph/reference``): gazetteer, agencies, indicators, editions, outlets, dataset.

Everything here is built from the data shipped in ``dti_kg/data`` (through :mod:`dti_kg.gazetteer` and
:mod:`dti_kg.reference`), following docs/data-model.md. Every node has an IRI from the Minter: no blank nodes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from dti_kg.errors import DtiError
from dti_kg.gazetteer import MERGER_DATE, POST_MERGER, PRE_MERGER, Gazetteer, Unit, gazetteer
from dti_kg.iri import Minter
from dti_kg.namespaces import DCAT, DCTERMS, DTI, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, XSD
from dti_kg.reference import Agency, Edition, Indicator, Outlet, agencies, editions, indicators, outlets

ONTOLOGY_IRI = URIRef("https://w3id.org/dti-kg/def")
DATA_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
# Vietnam has no daylight saving time: every official date starts at 00:00 ICT (UTC+7).
_ICT = "+07:00"
PROVINCE_MERGER_EVENT = "province-merger-2025"
PROVINCE_MERGER_SOURCE = "Nghị quyết 202/2025/QH15"
# Which era's units a cohort of a given size ranks.
_COHORT_ERA = {63: PRE_MERGER, 34: POST_MERGER}
_INDICATOR_CLASS = {"overall": DTI.OverallIndex, "pillar": DTI.Pillar, "main_index": DTI.MainIndex}


def _date(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def _start_of_day(day: date) -> Literal:
    return Literal(f"{day.isoformat()}T00:00:00{_ICT}", datatype=XSD.dateTime)


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def _decimal(value: Decimal) -> Literal:
    return Literal(str(value), datatype=XSD.decimal)


def _labels(graph: Graph, node: URIRef, vi: str, en: str, *, pref: bool = True) -> None:
    for text, lang in ((vi, "vi"), (en, "en")):
        graph.add((node, RDFS.label, Literal(text, lang=lang)))
        if pref:
            graph.add((node, SKOS.prefLabel, Literal(text, lang=lang)))


def reference_graph(minter: Minter) -> Graph:
    """All reference entities as one graph named ``id/graph/reference``."""
    graph = Graph(identifier=minter.graph("reference"))
    gaz = gazetteer()
    _add_units(graph, minter, gaz)
    _add_agencies(graph, minter, agencies())
    _add_indicators(graph, minter, indicators())
    _add_editions(graph, minter, editions(), gaz)
    _add_outlets(graph, minter, outlets())
    _add_dataset(graph, minter)
    return graph


# --- administrative units and the 2025 merger ---------------------------------------------------


def _add_units(graph: Graph, minter: Minter, gaz: Gazetteer) -> None:
    event = minter.event(PROVINCE_MERGER_EVENT)
    graph.add((event, RDF.type, DTI.MergerEvent))
    graph.add((event, RDF.type, PROV.Activity))
    _labels(
        graph,
        event,
        "Sắp xếp đơn vị hành chính cấp tỉnh năm 2025",
        "2025 merger of province-level units",
        pref=False,
    )
    graph.add((event, PROV.startedAtTime, _start_of_day(MERGER_DATE)))
    graph.add((event, DCTERMS.source, Literal(PROVINCE_MERGER_SOURCE)))

    for unit in gaz.pre_merger:
        node = _add_unit(graph, minter, unit, DTI.PreMergerProvince)
        if unit.valid_until is None:
            raise DtiError(f"provinces_63.csv: {unit.slug} has no end of validity")
        graph.add((node, PROV.invalidatedAtTime, _start_of_day(MERGER_DATE)))
        graph.add((node, DTI.validUntil, _date(unit.valid_until)))
        graph.add((node, PROV.wasInvalidatedBy, event))
        successor = gaz.successor(unit)
        if successor is None:
            raise DtiError(f"units_2025.csv: no post-merger unit lists {unit.slug} as a predecessor")
        graph.add((node, DTI.mergedInto, minter.province(successor.slug)))

    for unit in gaz.post_merger:
        node = _add_unit(graph, minter, unit, DTI.PostMergerProvince)
        if unit.valid_from is None:
            raise DtiError(f"units_2025.csv: {unit.slug} has no start of validity")
        graph.add((node, PROV.generatedAtTime, _start_of_day(MERGER_DATE)))
        graph.add((node, DTI.validFrom, _date(unit.valid_from)))
        graph.add((node, PROV.wasGeneratedBy, event))
        for old in gaz.predecessors(unit):
            graph.add((node, DTI.mergedFrom, minter.province(old.slug)))


def _add_unit(graph: Graph, minter: Minter, unit: Unit, era_class: URIRef) -> URIRef:
    node = minter.province(unit.slug)
    graph.add((node, RDF.type, DTI.Province))
    graph.add((node, RDF.type, era_class))
    graph.add((node, DTI.gsoCode, Literal(unit.gso_code)))
    graph.add((node, DTI.slug, Literal(unit.slug)))
    graph.add((node, DTI.unitType, Literal(unit.unit_type)))
    _labels(graph, node, unit.name_vi, unit.name_en)
    for alias in unit.aliases:
        graph.add((node, SKOS.altLabel, Literal(alias, lang="vi")))
    return node


# --- agencies and the 2025 ministry merger -----------------------------------------------------


def _add_agencies(graph: Graph, minter: Minter, by_slug: dict[str, Agency]) -> None:
    for agency in by_slug.values():
        node = minter.agency(agency.slug)
        graph.add((node, RDF.type, ORG.Organization))
        graph.add((node, RDF.type, DTI.Agency))
        _labels(graph, node, agency.name_vi, agency.name_en)
        graph.add((node, SKOS.altLabel, Literal(agency.abbrev_vi, lang="vi")))
        graph.add((node, SKOS.altLabel, Literal(agency.abbrev_en, lang="en")))
        for prop, day in (
            (SCHEMA.foundingDate, agency.founded),
            (SCHEMA.dissolutionDate, agency.dissolved),
            (DTI.mandateStart, agency.dti_mandate_start),
            (DTI.mandateEnd, agency.dti_mandate_end),
        ):
            if day is not None:
                graph.add((node, prop, _date(day)))
        for url in agency.sources:
            graph.add((node, DCTERMS.source, URIRef(url)))
        if agency.successor is not None:
            _add_agency_merger(graph, minter, agency, by_slug.get(agency.successor))


def _add_agency_merger(graph: Graph, minter: Minter, agency: Agency, successor: Agency | None) -> None:
    """An agency with a successor was merged into it on the day it was dissolved."""
    if successor is None or agency.dissolved is None:
        raise DtiError(
            f"agencies.csv: {agency.slug} names successor {agency.successor!r} but that row "
            "or its own dissolution date is missing"
        )
    old, new = minter.agency(agency.slug), minter.agency(successor.slug)
    event = minter.event(f"ministry-merger-{agency.dissolved.year}")
    graph.add((old, DTI.succeededBy, new))
    graph.add((event, RDF.type, ORG.ChangeEvent))
    graph.add((event, RDF.type, PROV.Activity))
    _labels(
        graph,
        event,
        f"Hợp nhất {agency.abbrev_vi} và {successor.abbrev_vi} thành {successor.name_vi}",
        f"Merger of {agency.abbrev_en} and {successor.abbrev_en} into the {successor.name_en}",
        pref=False,
    )
    graph.add((event, PROV.startedAtTime, _start_of_day(agency.dissolved)))
    graph.add((event, ORG.originalOrganization, old))
    graph.add((event, ORG.originalOrganization, new))
    graph.add((event, ORG.resultingOrganization, new))
    graph.add((old, ORG.changedBy, event))
    graph.add((new, ORG.resultedFrom, event))


# --- indicators --------------------------------------------------------------------------------


def _add_indicators(graph: Graph, minter: Minter, by_key: dict[str, Indicator]) -> None:
    scheme = minter.indicator_scheme()
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    _labels(graph, scheme, "Các chỉ số DTI", "DTI indicators")
    for ind in by_key.values():
        node = minter.indicator(ind.key)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, DTI.Indicator))
        graph.add((node, RDF.type, _INDICATOR_CLASS[ind.kind]))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.notation, Literal(ind.key)))
        _labels(graph, node, ind.label_vi, ind.label_en)
        for alias in ind.aliases_vi:
            graph.add((node, SKOS.altLabel, Literal(alias, lang="vi")))
        for alias in ind.aliases_en:
            graph.add((node, SKOS.altLabel, Literal(alias, lang="en")))
        if ind.pillar:
            graph.add((node, DTI.pillar, minter.indicator(ind.pillar)))
        if ind.kind == "overall":
            graph.add((node, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, node))


# --- editions, frameworks, cohorts -------------------------------------------------------------


def _add_editions(graph: Graph, minter: Minter, by_year: dict[int, Edition], gaz: Gazetteer) -> None:
    previous: list[Edition] = []
    for year in sorted(by_year):
        ed = by_year[year]
        node = minter.edition(year)
        graph.add((node, RDF.type, DTI.Edition))
        _labels(graph, node, f"DTI {year}", f"DTI {year}", pref=False)
        graph.add((node, DTI.yearAssessed, Literal(str(year), datatype=XSD.gYear)))
        # The same year as a plain integer: `dti:year 2024` in a query matches it, and pandas reads a number.
        graph.add((node, DTI.year, Literal(year, datatype=XSD.integer)))
        issued_type = XSD.date if ed.announced_precision == "day" else XSD.gYearMonth
        graph.add((node, DCTERMS.issued, Literal(ed.announced_on, datatype=issued_type)))
        graph.add((node, DTI.announcedBy, _date(ed.announced_by)))
        graph.add((node, DCTERMS.publisher, minter.agency(ed.publisher)))
        graph.add((node, DCTERMS.description, Literal(ed.event, lang="vi")))
        if ed.national_score is not None:
            graph.add((node, DTI.nationalScore, _decimal(ed.national_score)))
        if ed.provincial_average is not None:
            graph.add((node, DTI.provincialAverage, _decimal(ed.provincial_average)))
        for url in ed.sources:
            graph.add((node, DCTERMS.source, URIRef(url)))
        graph.add((node, DTI.framework, minter.framework(year)))
        _add_framework(graph, minter, ed, previous)
        for size in ed.cohorts:
            graph.add((node, DTI.hasCohort, minter.cohort(year, size)))
            _add_cohort(graph, minter, year, size, gaz)
        previous.append(ed)


def _add_framework(graph: Graph, minter: Minter, ed: Edition, previous: list[Edition]) -> None:
    node = minter.framework(ed.year)
    graph.add((node, RDF.type, DTI.Framework))
    _labels(graph, node, f"Bộ chỉ số DTI {ed.year}", f"DTI {ed.year} framework", pref=False)
    for key in ed.indicators:
        graph.add((node, DTI.includesIndicator, minter.indicator(key)))
    if ed.main_indices:
        graph.add((node, DTI.mainIndexCount, _integer(len(ed.main_indices))))
    if ed.component_indices_count is not None:
        graph.add((node, DTI.componentIndexCount, _integer(ed.component_indices_count)))
    if ed.criteria_count is not None:
        graph.add((node, DTI.criteriaCount, _integer(ed.criteria_count)))
    if ed.framework_basis:
        graph.add((node, DCTERMS.source, Literal(ed.framework_basis)))
    note = comparability_note(ed, previous)
    if note:
        graph.add((node, DTI.comparabilityNote, Literal(note, lang="en")))


def comparability_note(edition: Edition, previous: list[Edition]) -> str | None:
    """How ``edition``'s framework differs from the one before it (``previous`` is in year order).

    Counts absent from the previous edition are compared with the latest earlier edition that gives
    them, so 2024's 47 component indices are set against 2021's 98. None when nothing differs.
    """
    if not previous:
        return None
    prev = previous[-1]
    parts: list[str] = []
    if edition.main_indices != prev.main_indices:
        if not prev.main_indices:
            listed = ", ".join(edition.main_indices)
            parts.append(
                f"the main indices of DTI {prev.year} are not recorded; DTI {edition.year} has "
                f"{len(edition.main_indices)} ({listed})"
            )
        else:
            dropped = [k for k in prev.main_indices if k not in edition.main_indices]
            added = [k for k in edition.main_indices if k not in prev.main_indices]
            change = f"{len(prev.main_indices)} main indices in DTI {prev.year}, {len(edition.main_indices)}"
            change += f" in DTI {edition.year}"
            if dropped:
                change += f"; dropped: {', '.join(dropped)}"
            if added:
                change += f"; added: {', '.join(added)}"
            parts.append(change)
    for label, attr in (("component indices", "component_indices_count"), ("criteria", "criteria_count")):
        value = getattr(edition, attr)
        earlier = next((e for e in reversed(previous) if getattr(e, attr) is not None), None)
        if value is not None and earlier is not None and getattr(earlier, attr) != value:
            parts.append(f"{value} {label} (DTI {earlier.year}: {getattr(earlier, attr)})")
    if prev.framework_basis and prev.framework_basis != edition.framework_basis:
        parts.append(f"DTI {prev.year} was assessed under {prev.framework_basis}")
    new_cohorts = [c for c in edition.cohorts if c not in prev.cohorts]
    if new_cohorts:
        sizes = " and ".join(str(c) for c in edition.cohorts)
        parts.append(f"ranked in cohorts of {sizes} units")
    return "; ".join(parts) + "." if parts else None


def _add_cohort(graph: Graph, minter: Minter, year: int, size: int, gaz: Gazetteer) -> None:
    era = _COHORT_ERA.get(size)
    units = gaz.units(era) if era else []
    if len(units) != size:
        raise DtiError(
            f"editions.csv: DTI {year} has a cohort of {size} units; the gazetteer has no such era"
        )
    node = minter.cohort(year, size)
    graph.add((node, RDF.type, DTI.Cohort))
    _labels(
        graph, node, f"DTI {year}: nhóm {size} tỉnh, thành phố", f"DTI {year}: cohort of {size}", pref=False
    )
    graph.add((node, DTI.edition, minter.edition(year)))
    graph.add((node, DTI.cohortSize, _integer(size)))
    for unit in units:
        graph.add((node, DTI.rankedUnit, minter.province(unit.slug)))


# --- outlets and the dataset description -------------------------------------------------------


def _add_outlets(graph: Graph, minter: Minter, by_slug: dict[str, Outlet]) -> None:
    for outlet in by_slug.values():
        node = minter.outlet(outlet.slug)
        graph.add((node, RDF.type, SCHEMA.NewsMediaOrganization))
        graph.add((node, SCHEMA.name, Literal(outlet.name)))
        graph.add((node, RDFS.label, Literal(outlet.name)))
        graph.add((node, SCHEMA.url, URIRef(f"https://{outlet.domain}/")))
        graph.add((node, SCHEMA.inLanguage, Literal(outlet.language)))
        if outlet.abbreviation:
            graph.add((node, DTI.abbreviation, Literal(outlet.abbreviation)))
        if outlet.province:
            graph.add((node, DTI.coversProvince, minter.province(outlet.province)))


def _add_dataset(graph: Graph, minter: Minter) -> None:
    node = minter.dataset()
    graph.add((node, RDF.type, VOID.Dataset))
    graph.add((node, RDF.type, DCAT.Dataset))
    for text, lang in (
        ("DTI-KG: Vietnam's provincial Digital Transformation Index", "en"),
        ("DTI-KG: Chỉ số chuyển đổi số cấp tỉnh của Việt Nam", "vi"),
    ):
        graph.add((node, DCTERMS.title, Literal(text, lang=lang)))
        graph.add((node, RDFS.label, Literal(text, lang=lang)))
    graph.add(
        (
            node,
            DCTERMS.description,
            Literal(
                "Ranks and scores of Vietnam's provinces in the DTI editions 2020–2024, from official "
                "ranking tables and from news articles, each article claim tied to the text span it was "
                "read from; with the 63 pre-merger and 34 post-merger units, the editions, their "
                "frameworks and cohorts, and the responsible ministries.",
                lang="en",
            ),
        )
    )
    graph.add((node, DCTERMS.license, DATA_LICENSE))
    graph.add((node, VOID.vocabulary, ONTOLOGY_IRI))
    graph.add((node, VOID.uriSpace, Literal(minter.base + "id/")))
    sources = {url for ed in editions().values() for url in ed.sources}
    sources |= {url for ag in agencies().values() for url in ag.sources}
    for url in sorted(sources):
        graph.add((node, DCTERMS.source, URIRef(url)))
    for name, (vi, en) in NAMED_GRAPHS.items():
        subset = minter.graph(name)
        graph.add((node, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, RDFS.label, Literal(vi, lang="vi")))
        graph.add((subset, RDFS.label, Literal(en, lang="en")))


# The named graphs every build has (articles each add their own): described so that their IRIs dereference.
NAMED_GRAPHS = {
    "reference": (
        "Dữ liệu tham chiếu: đơn vị hành chính, kỳ đánh giá, bộ chỉ số, cơ quan",
        "Reference data: units, editions, frameworks, agencies",
    ),
    "official": ("Bảng xếp hạng chính thức", "Official ranking tables"),
    "reconciliation": (
        "Đối chiếu tin báo với bảng chính thức và kiểm tra chất lượng",
        "Reconciliation of news claims with the official tables, and data-quality checks",
    ),
    "validation": (
        "Kết quả kiểm định SHACL của các đồ thị được phục vụ",
        "SHACL validation reports of the served graphs",
    ),
    "review": (
        "Giá trị chưa rõ thuộc tỉnh nào, chờ người xem xét",
        "Candidate claims awaiting review: values whose province is uncertain",
    ),
}
