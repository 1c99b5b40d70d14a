"""GeoSPARQL-style shape tests: every shape has a valid fixture it accepts and invalid ones it rejects.

``tests/fixtures/shapes/<Shape>-valid.ttl`` must raise no finding at all; ``<Shape>-invalid-NN.ttl``
starts with ``# invalid: <why>`` and ``# expect: <sourceShape> <severity> <constraint component>``
and must raise findings from exactly that shape, with that severity and for that reason (the
constraint component), and from no other shape. Each fixture carries the reference triples it needs,
so the gate is built on an empty reference graph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from dti_kg.validate import Finding, ShapeGate, SourceReport

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
DTISH = "https://w3id.org/dti-kg/shapes#"
GRAPH = "https://w3id.org/dti-kg/id/graph/fixture"
NAME = re.compile(r"^(?P<shape>[A-Za-z]+Shape)-(?P<kind>valid|invalid-\d\d)\.ttl$")
EXPECT = re.compile(r"^# expect: (?P<shape>\S+) (?P<severity>Violation|Warning|Info) sh:(?P<component>\w+)$")


def _fixtures(kind: str) -> list[Path]:
    return sorted(
        p for p in FIXTURES.glob("*.ttl") if (m := NAME.match(p.name)) and m["kind"].startswith(kind)
    )


INSTANCE_BASE = "https://w3id.org/dti-kg/id/"


def _graph_iri(path: Path) -> str:
    return f"{INSTANCE_BASE}graph/fixture/{path.stem}"


def _load(path: Path, *, isolate: bool) -> Graph:
    """Parse a fixture; with ``isolate`` its instance IRIs move under a base of their own, so that
    all fixtures can share one gate run without their nodes merging."""
    text = path.read_text(encoding="utf-8")
    if isolate:
        text = text.replace(INSTANCE_BASE, f"{INSTANCE_BASE}{path.stem}/")
    return Graph().parse(data=text, format="turtle")


@pytest.fixture(scope="module")
def gate() -> ShapeGate:
    return ShapeGate(Graph())


@pytest.fixture(scope="module")
def batch(gate: ShapeGate) -> dict[str, SourceReport]:
    """Every fixture as its own source graph, validated in a single pyshacl run."""
    paths = sorted(FIXTURES.glob("*.ttl"))
    before = gate.runs
    reports = gate.validate({_graph_iri(p): _load(p, isolate=True) for p in paths})
    assert gate.runs == before + 1
    return reports


def _findings(batch: dict[str, SourceReport], path: Path) -> tuple[SourceReport, list[Finding]]:
    report = batch[_graph_iri(path)]
    return report, [*report.violations, *report.warnings]


def _top_level_shapes(shapes: Graph) -> set[str]:
    """Shapes with a target: the ones that must each have fixtures."""
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    return {str(s).removeprefix(DTISH) for t in targets for s in shapes.subjects(t, None)}


def test_fixture_names_are_well_formed() -> None:
    names = sorted(p.name for p in FIXTURES.glob("*.ttl"))
    assert names, f"no fixtures in {FIXTURES}"
    assert [n for n in names if not NAME.match(n)] == []


def test_every_shape_has_a_valid_and_an_invalid_fixture(gate: ShapeGate) -> None:
    shapes = _top_level_shapes(gate.shapes)
    assert len(shapes) >= 30
    valid = {NAME.match(p.name)["shape"] for p in _fixtures("valid")}
    invalid = {NAME.match(p.name)["shape"] for p in _fixtures("invalid")}
    assert sorted(shapes - valid) == []
    assert sorted(shapes - invalid) == []
    assert sorted((valid | invalid) - shapes) == []  # no fixture for a shape that does not exist


@pytest.mark.parametrize("path", _fixtures("valid"), ids=lambda p: p.stem)
def test_valid_fixture_conforms(batch: dict[str, SourceReport], path: Path) -> None:
    report, findings = _findings(batch, path)
    assert report.conforms
    assert [f.as_text() for f in findings] == []


@pytest.mark.parametrize("path", _fixtures("invalid"), ids=lambda p: p.stem)
def test_invalid_fixture_is_rejected_by_the_shape_it_names(
    batch: dict[str, SourceReport], path: Path
) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# invalid: ") and len(lines[0]) > len("# invalid: ")
    expect = EXPECT.match(lines[1])
    assert expect, f"{path.name}: second line must be '# expect: <shape> <severity> sh:<component>'"
    own = NAME.match(path.name)["shape"]
    # The expected shape is the fixture's shape or one of its named property shapes.
    assert expect["shape"] == own or expect["shape"].startswith(own + "-")

    report, findings = _findings(batch, path)
    assert findings, f"{path.name} raised no finding"
    got = {
        (str(f.shape).removeprefix(DTISH), f.severity, str(f.component).removeprefix(str(SH)))
        for f in findings
    }
    assert got == {(expect["shape"], expect["severity"], expect["component"])}, [
        f.as_text() for f in findings
    ]
    assert report.conforms == (expect["severity"] != "Violation")


@pytest.mark.parametrize(
    "name", ["RankShape-invalid-03.ttl", "SourceOutletShape-invalid-01.ttl", "CohortShape-invalid-01.ttl"]
)
def test_a_fixture_alone_gets_the_findings_it_gets_in_the_batch(
    gate: ShapeGate, batch: dict[str, SourceReport], name: str
) -> None:
    """Attribution: validating the union and splitting by focus node equals validating alone."""
    path = FIXTURES / name
    alone = gate.validate({"urn:alone": _load(path, isolate=False)})["urn:alone"]
    _, in_batch = _findings(batch, path)

    def key(f: Finding) -> tuple[str, str, str, str]:
        return (f.severity, str(f.shape), str(f.component), f.message.replace(f"id/{path.stem}/", "id/"))

    assert sorted(map(key, [*alone.violations, *alone.warnings])) == sorted(map(key, in_batch))
    assert alone.violations or alone.warnings


def test_every_shape_is_documented(gate: ShapeGate) -> None:
    """Each named shape (and each SPARQL constraint) says what it checks and why, and has a message."""
    shapes = gate.shapes
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    undocumented = []
    for shape in sorted(named):
        assert isinstance(shape, URIRef), f"anonymous shape {shape!r}: results must name their shape"
        for prop in (
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
            SH.message,
        ):
            if shapes.value(shape, prop) is None:
                undocumented.append((str(shape), str(prop)))
    for constraint in shapes.objects(None, SH.sparql):
        if shapes.value(constraint, SH.message) is None:
            undocumented.append((str(constraint), "sh:message"))
    assert undocumented == []
    # every nested property shape is referenced from a top-level shape (no orphans)
    referenced = set(shapes.objects(None, SH.property))
    top = {URIRef(DTISH + s) for s in _top_level_shapes(shapes)}
    assert sorted(str(s) for s in named - referenced - top) == []
