"""The SHACL gate on real graphs: the reference and official graphs the build uses, and article graphs
written by dti_kg.graph from small hand-made extractions (our own sentences, not the seed articles)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from dti_kg.graph import extraction_graph
from dti_kg.iri import Minter
from dti_kg.loaders.official import official_graph
from dti_kg.model import Claim, Extraction, SourceDocument, Span
from dti_kg.namespaces import DCTERMS, DTI, OA
from dti_kg.reference_graph import reference_graph
from dti_kg.text import sha256_hex
from dti_kg.validate import ShapeGate

DTISH = "https://w3id.org/dti-kg/shapes#"
MINTER = Minter("https://w3id.org/dti-kg/")
WHEN = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def context() -> Graph:
    """What the build hands the gate: the reference graph plus the official observations."""
    graph = reference_graph(MINTER)
    graph += official_graph(MINTER)
    return graph


@pytest.fixture(scope="module")
def gate(context: Graph) -> ShapeGate:
    return ShapeGate(context)


def _article(n: int, *, rank: int = 8, outlet: str | None = "bao-thai-nguyen") -> tuple[str, Graph, URIRef]:
    """Article number ``n``: one rank claim about Thái Nguyên in DTI 2021, written by the real writer."""
    text = f"Bài {n}. Năm 2021, tỉnh Thái Nguyên xếp thứ {rank}/63 tỉnh, thành phố về chỉ số DTI."
    quote = f"xếp thứ {rank}/63"
    start = text.index(quote)
    doc = SourceDocument(
        file_name=f"bai-{n}.txt",
        text=text,
        sha256=sha256_hex(text),
        media_type="text/plain",
        title=f"Thái Nguyên chuyển đổi số, bài {n}",
        outlet=outlet,
        published=date(2022, 8, 10),
    )
    claim = Claim(
        province="thai-nguyen",
        edition=2021,
        indicator="overall",
        measure="rank",
        value=rank,
        cohort=63,
        rule="test.rank.ordinal-of-cohort",
        evidence=[Span(start, start + len(quote), quote)],
    )
    graph = extraction_graph(Extraction(doc, [claim]), MINTER, "0.1.0", WHEN)
    claim_iri = next(iter(graph.subjects(RDF.type, DTI.Claim)))
    return str(MINTER.graph(doc.source_id)), graph, claim_iri


def _findings(report) -> list[tuple[str, str]]:
    return [(f.severity, str(f.shape).removeprefix(DTISH)) for f in [*report.violations, *report.warnings]]


def test_written_article_graphs_conform(gate: ShapeGate) -> None:
    iri, graph, _ = _article(1)
    report = gate.validate({iri: graph})[iri]
    assert report.conforms, report.as_text()
    assert report.warnings == []


def test_many_sources_cost_one_pyshacl_run(gate: ShapeGate) -> None:
    sources = dict(_article(n)[:2] for n in range(12))
    before = gate.runs
    reports = gate.validate(sources)
    assert gate.runs == before + 1
    assert sorted(reports) == sorted(sources)
    assert all(r.conforms and not r.warnings for r in reports.values())


def test_a_bad_claim_is_reported_to_its_own_source_only(gate: ShapeGate) -> None:
    good_iri, good, _ = _article(1)
    bad_iri, bad, claim = _article(2)
    bad.set((claim, DTI.rank, Literal(70)))  # out of 1..63
    reports = gate.validate({good_iri: good, bad_iri: bad})
    assert reports[good_iri].conforms and _findings(reports[good_iri]) == []
    assert not reports[bad_iri].conforms
    assert _findings(reports[bad_iri]) == [("Violation", "RankShape")]
    (finding,) = reports[bad_iri].violations
    assert finding.focus == claim and finding.value == Literal(70)
    assert finding.quote == "xếp thứ 8/63"
    assert "70" in finding.message and "63" in finding.message


def test_warnings_do_not_block(gate: ShapeGate) -> None:
    iri, graph, _ = _article(3, outlet=None)
    report = gate.validate({iri: graph})[iri]
    assert report.conforms
    assert _findings(report) == [("Warning", "SourceOutletShape")]


def test_a_source_cannot_quietly_change_the_reference(gate: ShapeGate) -> None:
    """Triples a source states about a reference node are validated and blamed on that source."""
    iri, graph, _ = _article(4)
    graph.add((MINTER.edition(2021), DCTERMS.publisher, MINTER.agency("bo-khcn")))
    report = gate.validate({iri: graph})[iri]
    assert ("Violation", "EditionShape-publisher") in _findings(report)
    assert ("Violation", "EditionPublisherShape") in _findings(report)  # bo-khcn was not in charge in 2022


def test_report_graph_is_deterministic_and_named(context: Graph) -> None:
    def run() -> tuple[str, Graph]:
        iri, graph, claim = _article(5)
        graph.set((claim, DTI.rank, Literal(70)))
        return iri, ShapeGate(context).validate({iri: graph})[iri].report_graph

    iri, first = run()
    _, second = run()
    assert first.serialize(format="nt", encoding="utf-8") == second.serialize(format="nt", encoding="utf-8")
    assert sorted(first.serialize(format="nt").splitlines()) == sorted(
        second.serialize(format="nt").splitlines()
    )
    assert not any(isinstance(t, BNode) for triple in first for t in triple)
    assert all(str(s).startswith(iri + "/") for s in first.subjects())
    (report,) = first.subjects(RDF.type, SH.ValidationReport)
    assert first.value(report, SH.conforms) == Literal(False)
    (result,) = first.objects(report, SH.result)
    assert first.value(result, SH.sourceShape) == URIRef(DTISH + "RankShape")
    assert first.value(result, SH.value) == Literal(70)
    assert first.value(result, SH.resultSeverity) == SH.Violation


def test_as_text_names_source_shape_value_and_quote(gate: ShapeGate) -> None:
    iri, graph, claim = _article(6)
    graph.set((claim, DTI.rank, Literal(70)))
    text = gate.validate({iri: graph})[iri].as_text()
    assert text.splitlines()[0].startswith(f"{iri}: REJECTED (1 violation(s)")
    assert "dtish:RankShape" in text and "value 70" in text and 'quote: "xếp thứ 8/63"' in text


def test_the_reference_graph_conforms() -> None:
    report = ShapeGate(reference_graph(MINTER)).reference_report
    assert report.conforms, report.as_text()
    assert report.warnings == []


def test_official_observations_conform(gate: ShapeGate) -> None:
    """The official graph as a source (DTI 2024 overall rows of the 34: the whole table takes ~10 s)."""
    official = official_graph(MINTER)
    rows = {s for s in official.subjects() if "/observation/2024/34/" in str(s) and "/overall/" in str(s)}
    assert len(rows) >= 34
    subset = Graph()
    for s in rows:
        for triple in official.triples((s, None, None)):
            subset.add(triple)
    iri = str(MINTER.graph("official"))
    report = gate.validate({iri: subset})[iri]
    assert report.conforms, report.as_text()[:2000]


def test_graphs_read_back_from_the_store_conform(gate: ShapeGate) -> None:
    """pyoxigraph stores xsd:nonNegativeInteger offsets as xsd:integer; the shapes accept both."""
    iri, graph, _ = _article(7)
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    back = Graph().parse(
        data=store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()).decode(),
        format="nt",
    )
    assert {o.datatype for o in back.objects(None, OA.end)} == {XSD.integer}
    report = gate.validate({iri: back})[iri]
    assert report.conforms, report.as_text()
