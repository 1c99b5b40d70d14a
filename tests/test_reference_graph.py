"""The reference graph: units and the merger, agencies, indicators, editions, cohorts, outlets, dataset."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from dti_kg.gazetteer import gazetteer
from dti_kg.iri import Minter
from dti_kg.namespaces import DCAT, DCTERMS, DTI, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, XSD
from dti_kg.reference import editions
from dti_kg.reference_graph import comparability_note, reference_graph
from dti_kg.serialize import dump_nquads

BASE = "https://example.org/kg/"


@pytest.fixture(scope="module")
def minter() -> Minter:
    return Minter(BASE)


@pytest.fixture(scope="module")
def graph(minter: Minter) -> Graph:
    return reference_graph(minter)


def test_named_and_without_blank_nodes(graph: Graph, minter: Minter) -> None:
    assert graph.identifier == minter.graph("reference")
    assert not [t for triple in graph for t in triple if isinstance(t, BNode)]
    # Every instance IRI hangs off the configured base, none off the default one.
    nodes = {str(t) for t in graph.all_nodes() if isinstance(t, URIRef)}
    assert not [n for n in nodes if n.startswith("https://w3id.org/dti-kg/id/")]


def test_units_and_the_2025_merger(graph: Graph, minter: Minter) -> None:
    pre = set(graph.subjects(RDF.type, DTI.PreMergerProvince))
    post = set(graph.subjects(RDF.type, DTI.PostMergerProvince))
    assert (len(pre), len(post)) == (63, 34)
    assert set(graph.subjects(RDF.type, DTI.Province)) == pre | post
    targets = {graph.value(unit, DTI.mergedInto) for unit in pre}
    assert targets == post  # 34 merger targets, each 63-era unit merged into exactly one
    assert all(len(set(graph.objects(unit, DTI.mergedInto))) == 1 for unit in pre)
    # mergedFrom is the inverse of mergedInto.
    assert {(o, s) for s, o in graph.subject_objects(DTI.mergedFrom)} == set(
        graph.subject_objects(DTI.mergedInto)
    )

    event = minter.event("province-merger-2025")
    assert (event, RDF.type, DTI.MergerEvent) in graph
    assert (event, RDF.type, PROV.Activity) in graph
    midnight = Literal("2025-07-01T00:00:00+07:00", datatype=XSD.dateTime)
    assert (event, PROV.startedAtTime, midnight) in graph
    assert (event, DCTERMS.source, Literal("Nghị quyết 202/2025/QH15")) in graph

    tn, tn_new = minter.province("thai-nguyen"), minter.province("thai-nguyen-2025")
    for triple in [
        (tn, DTI.gsoCode, Literal("19")),
        (tn, DTI.slug, Literal("thai-nguyen")),
        (tn, DTI.unitType, Literal("tinh")),
        (tn, SKOS.prefLabel, Literal("Thái Nguyên", lang="vi")),
        (tn, SKOS.prefLabel, Literal("Thai Nguyen", lang="en")),
        (tn, RDFS.label, Literal("Thái Nguyên", lang="vi")),
        (tn, PROV.invalidatedAtTime, midnight),
        (tn, DTI.validUntil, Literal("2025-06-30", datatype=XSD.date)),
        (tn, PROV.wasInvalidatedBy, event),
        (tn, DTI.mergedInto, tn_new),
        (tn_new, PROV.generatedAtTime, midnight),
        (tn_new, DTI.validFrom, Literal("2025-07-01", datatype=XSD.date)),
        (tn_new, PROV.wasGeneratedBy, event),
        (tn_new, DTI.mergedFrom, minter.province("bac-kan")),
        (minter.province("bac-kan"), SKOS.altLabel, Literal("Bắc Cạn", lang="vi")),
        (minter.province("ha-noi"), DTI.unitType, Literal("thanh-pho")),
    ]:
        assert triple in graph, triple
    assert graph.value(tn, DTI.validFrom) is None and graph.value(tn_new, DTI.validUntil) is None


def test_agencies_and_the_ministry_merger(graph: Graph, minter: Minter) -> None:
    mic, most = minter.agency("bo-tttt"), minter.agency("bo-khcn")
    event = minter.event("ministry-merger-2025")
    for triple in [
        (mic, RDF.type, ORG.Organization),
        (mic, RDF.type, DTI.Agency),
        (mic, SKOS.altLabel, Literal("Bộ TT&TT", lang="vi")),
        (mic, SKOS.altLabel, Literal("MIC", lang="en")),
        (mic, SCHEMA.dissolutionDate, Literal("2025-03-01", datatype=XSD.date)),
        (mic, DTI.mandateStart, Literal("2020-10-12", datatype=XSD.date)),
        (mic, DTI.mandateEnd, Literal("2025-03-01", datatype=XSD.date)),
        (mic, DTI.succeededBy, most),
        (mic, ORG.changedBy, event),
        (most, ORG.resultedFrom, event),
        (most, DTI.mandateStart, Literal("2025-03-01", datatype=XSD.date)),
        (event, RDF.type, ORG.ChangeEvent),
        (event, RDF.type, PROV.Activity),
        (event, PROV.startedAtTime, Literal("2025-03-01T00:00:00+07:00", datatype=XSD.dateTime)),
        (event, ORG.resultingOrganization, most),
    ]:
        assert triple in graph, triple
    assert set(graph.objects(event, ORG.originalOrganization)) == {mic, most}
    assert graph.value(most, SCHEMA.dissolutionDate) is None
    assert {lbl.language for lbl in graph.objects(mic, RDFS.label)} == {"vi", "en"}


def test_indicators_are_a_skos_scheme(graph: Graph, minter: Minter) -> None:
    scheme = minter.indicator_scheme()
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    assert len(concepts) == 13
    assert all((c, RDF.type, DTI.Indicator) in graph for c in concepts)
    awareness = minter.indicator("digital_awareness")
    assert (awareness, SKOS.notation, Literal("digital_awareness")) in graph
    assert (awareness, RDF.type, DTI.MainIndex) in graph
    assert (minter.indicator("overall"), RDF.type, DTI.OverallIndex) in graph
    assert (minter.indicator("digital_economy"), RDF.type, DTI.Pillar) in graph
    assert (
        minter.indicator("digital_government_activity"),
        DTI.pillar,
        minter.indicator("digital_government"),
    ) in graph
    assert len(set(graph.subject_objects(DTI.pillar))) == 3
    assert {lbl.language for lbl in graph.objects(awareness, SKOS.prefLabel)} == {"vi", "en"}


def test_editions_and_publishers(graph: Graph, minter: Minter) -> None:
    found = set(graph.subjects(RDF.type, DTI.Edition))
    assert found == {minter.edition(y) for y in range(2020, 2025)}
    publishers = {y: graph.value(minter.edition(y), DCTERMS.publisher) for y in range(2020, 2025)}
    assert publishers == {
        **{y: minter.agency("bo-tttt") for y in range(2020, 2024)},
        2024: minter.agency("bo-khcn"),
    }

    e2021, e2023 = minter.edition(2021), minter.edition(2023)
    assert (e2021, DTI.yearAssessed, Literal("2021", datatype=XSD.gYear)) in graph
    assert (e2021, DCTERMS.issued, Literal("2022-08-08", datatype=XSD.date)) in graph
    assert (e2021, DTI.announcedBy, Literal("2022-08-08", datatype=XSD.date)) in graph
    assert (e2021, DTI.provincialAverage, Literal("0.4014", datatype=XSD.decimal)) in graph
    assert (e2021, RDFS.label, Literal("DTI 2021", lang="vi")) in graph
    assert (e2023, DCTERMS.issued, Literal("2025-02", datatype=XSD.gYearMonth)) in graph
    assert (e2023, DTI.announcedBy, Literal("2025-02-28", datatype=XSD.date)) in graph
    assert (e2023, DTI.nationalScore, Literal("0.7326", datatype=XSD.decimal)) in graph
    for year, edition in editions().items():
        assert {str(u) for u in graph.objects(minter.edition(year), DCTERMS.source)} == set(edition.sources)
    # Every edition is dated before the next edition is announced.
    days = [
        date.fromisoformat(str(graph.value(minter.edition(y), DTI.announcedBy))) for y in range(2020, 2025)
    ]
    assert days == sorted(days)


def test_cohorts(graph: Graph, minter: Minter) -> None:
    e2024 = minter.edition(2024)
    assert set(graph.objects(e2024, DTI.hasCohort)) == {minter.cohort(2024, 63), minter.cohort(2024, 34)}
    pre = set(graph.subjects(RDF.type, DTI.PreMergerProvince))
    post = set(graph.subjects(RDF.type, DTI.PostMergerProvince))
    for size, era in ((63, pre), (34, post)):
        cohort = minter.cohort(2024, size)
        assert (cohort, RDF.type, DTI.Cohort) in graph
        assert (cohort, DTI.edition, e2024) in graph
        assert (cohort, DTI.cohortSize, Literal(str(size), datatype=XSD.integer)) in graph
        assert set(graph.objects(cohort, DTI.rankedUnit)) == era
    for year in range(2020, 2024):
        assert set(graph.objects(minter.edition(year), DTI.hasCohort)) == {minter.cohort(year, 63)}
        assert len(set(graph.objects(minter.cohort(year, 63), DTI.rankedUnit))) == 63


def test_frameworks(graph: Graph, minter: Minter) -> None:
    def count(year: int, prop: URIRef) -> int | None:
        value = graph.value(minter.framework(year), prop)
        return int(value) if value is not None else None

    def indicators(year: int) -> set[str]:
        return {
            str(graph.value(i, SKOS.notation))
            for i in graph.objects(minter.framework(year), DTI.includesIndicator)
        }

    for year in range(2020, 2025):
        assert (minter.edition(year), DTI.framework, minter.framework(year)) in graph
        assert (minter.framework(year), RDF.type, DTI.Framework) in graph
    assert (count(2020, DTI.componentIndexCount), count(2020, DTI.criteriaCount)) == (108, 306)
    assert count(2020, DTI.mainIndexCount) is None
    assert indicators(2020) == {"overall", "digital_government", "digital_economy", "digital_society"}
    assert (
        minter.framework(2020),
        DCTERMS.source,
        Literal("Quyết định 1726/QĐ-BTTTT ngày 2020-10-12"),
    ) in graph
    assert (count(2021, DTI.mainIndexCount), count(2021, DTI.componentIndexCount)) == (9, 98)
    assert "smart_city" in indicators(2021) and len(indicators(2021)) == 13
    for year in (2022, 2023, 2024):
        assert count(year, DTI.mainIndexCount) == 8
        assert "smart_city" not in indicators(year) and len(indicators(year)) == 12
    assert count(2024, DTI.componentIndexCount) == 47

    notes = {y: graph.value(minter.framework(y), DTI.comparabilityNote) for y in range(2020, 2025)}
    assert notes[2020] is None and notes[2023] is None  # first edition; same framework as 2022
    assert all(n.language == "en" for y, n in notes.items() if n is not None)
    assert "98 component indices (DTI 2020: 108)" in notes[2021] and "1726" in notes[2021]
    assert "dropped: smart_city" in notes[2022]
    assert "47 component indices (DTI 2021: 98)" in notes[2024] and "63 and 34" in notes[2024]


def test_comparability_note_compares_with_the_previous_edition() -> None:
    by_year = editions()
    assert comparability_note(by_year[2020], []) is None
    assert comparability_note(by_year[2023], [by_year[2022]]) is None
    note = comparability_note(by_year[2022], [by_year[2021]])
    assert note == "9 main indices in DTI 2021, 8 in DTI 2022; dropped: smart_city."


def test_outlets(graph: Graph, minter: Minter) -> None:
    bdk = minter.outlet("bao-dong-khoi")
    for triple in [
        (bdk, RDF.type, SCHEMA.NewsMediaOrganization),
        (bdk, SCHEMA.name, Literal("Báo Đồng Khởi")),
        (bdk, DTI.abbreviation, Literal("BDK")),
        (bdk, SCHEMA.url, URIRef("https://baodongkhoi.vn/")),
        (bdk, DTI.coversProvince, minter.province("ben-tre")),
    ]:
        assert triple in graph, triple
    vov5 = minter.outlet("vov5")
    assert graph.value(vov5, DTI.coversProvince) is None
    # Every covered province is a 63-era unit known to the gazetteer.
    covered = {str(o)[len(BASE + "id/province/") :] for o in graph.objects(None, DTI.coversProvince)}
    assert covered and covered <= {u.slug for u in gazetteer().pre_merger}


def test_dataset_description(graph: Graph, minter: Minter) -> None:
    node = minter.dataset()
    assert (node, RDF.type, VOID.Dataset) in graph
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert {t.language for t in graph.objects(node, DCTERMS.title)} == {"vi", "en"}
    assert graph.value(node, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (node, VOID.uriSpace, Literal(BASE + "id/")) in graph
    sources = {str(s) for s in graph.objects(node, DCTERMS.source)}
    assert {url for e in editions().values() for url in e.sources} <= sources


def test_deterministic(graph: Graph, minter: Minter) -> None:
    assert dump_nquads(reference_graph(minter)).encode() == dump_nquads(graph).encode()
