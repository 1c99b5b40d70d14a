"""The SHACL gate: validates many source graphs against the shapes in one pyshacl run.

Costs, measured on this project's shapes (2-core machine, pyshacl 0.40, rdflib 7.6):

* a pyshacl call has a fixed cost (~0.15 s for loading and compiling the shapes), so the gate never
  calls it per source: it validates the *union* of all source graphs with the ontology and the
  reference graph in ONE run, and hands each result to the source graph(s) that state its focus
  node as a subject. Source graphs hold disjoint nodes (claims, spans and sources are minted from
  the source id), so each source gets the findings it would get alone; a node shared by several
  sources (the software agent) reports its findings to every source that states it.
* pyshacl re-parses a SPARQL constraint's text for every focus node (~50 ms a parse): the union
  graph hands rdflib a parsed query instead (``_PreparedQueryGraph``), 10x faster on small runs.
* the reference context (gazetteer, editions; the build adds ~1,000 official observations) would
  be re-validated on every run: ~0.4 s for the reference, ~16 s with the official observations.
  Each run therefore narrows every shape's targets to the nodes the sources state (``sh:targetNode``
  in a per-run copy of the shapes), leaving the reference as context the constraints read. Findings
  about the reference itself come from ``reference_report`` (one run, on demand).

Measured with the reference + official graphs as context and one-claim article graphs written by
dti_kg.graph: 1 source 0.19 s, 10 sources 0.39 s, 50 sources 0.87 s, 200 sources 2.8 s in one run,
against 2.6 s for 10 and 13.5 s for 50 with one run per source.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from dti_kg.errors import DtiError
from dti_kg.iri import Minter
from dti_kg.namespaces import DTI, OA, PREFIXES
from dti_kg.rdfnodes import term
from dti_kg.resources import ontology_file, read_text, shape_files

_PLAIN_DATATYPES = {XSD.integer, XSD.decimal, XSD.boolean, XSD.nonNegativeInteger}
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_SEVERITY_NAMES: dict[Node | None, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    """One validation result, attributed to a source graph."""

    severity: str  # "Violation", "Warning" or "Info"
    shape: Node  # sh:sourceShape (a blank node for a nested property shape)
    focus: Node  # sh:focusNode
    path: Node | None  # sh:resultPath, for property shapes
    value: Node | None  # sh:value, the offending value
    message: str
    component: Node  # sh:sourceConstraintComponent: why the shape failed
    shape_label: str = ""
    quote: str | None = None  # oa:exact of the focus's first evidence span (claims, edition facts, spans)

    def sort_key(self) -> tuple[str, ...]:
        """Violations first, then by shape, focus, path, value: deterministic report order."""
        return (
            str(self.severity != "Violation"),
            self.severity,
            str(self.shape),
            str(self.focus),
            _n3(self.path),
            _n3(self.value),
            str(self.component),
            self.message,
        )

    def as_text(self) -> str:
        parts = [f"{self.severity.upper()} {self.shape_label or _short(self.shape)} [{_short(self.shape)}]"]
        parts.append(f"focus {_short(self.focus)}")
        if self.path is not None:
            parts.append(f"path {_short(self.path)}")
        if self.value is not None and self.value != self.focus:
            parts.append(f"value {_short(self.value)}")
        line = ", ".join(parts) + f": {self.message}"
        return line + (f' | quote: "{self.quote}"' if self.quote else "")


@dataclass
class SourceReport:
    """The findings of one source graph. ``conforms`` means: no violations (warnings do not block)."""

    graph: str
    violations: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    report_graph: Graph = field(default_factory=Graph)

    @property
    def conforms(self) -> bool:
        return not self.violations

    def as_text(self) -> str:
        head = (
            f"{self.graph}: {'conforms' if self.conforms else 'REJECTED'} "
            f"({len(self.violations)} violation(s), {len(self.warnings)} warning(s))"
        )
        return "\n".join([head, *("  " + f.as_text() for f in [*self.violations, *self.warnings])])


class ShapeGate:
    """Shapes, ontology and reference prepared once; ``validate`` costs one pyshacl run per call."""

    def __init__(self, reference: Graph, *, reference_graph_iri: str | None = None) -> None:
        self._reference = reference
        self._reference_iri = reference_graph_iri or str(Minter().graph("reference"))
        self.shapes = _parse_all(shape_files(), "shape file")
        # Targets are re-declared per run (see _focused_shapes); the rest of the shapes is fixed.
        self._targets = sorted((s, p, o) for p in _TARGETS for s, o in self.shapes.subject_objects(p))
        self._untargeted = Graph()
        for triple in self.shapes:
            if triple[1] not in _TARGETS:
                self._untargeted.add(triple)
        self._labels: dict[Node, str] = {
            s: str(label)
            for s, label in sorted(self.shapes.subject_objects(RDFS.label))
            if isinstance(s, URIRef)
        }
        # The data every run starts from: the ontology (so sh:class sees rdfs:subClassOf) plus the
        # reference, which the claim shapes read (cohort sizes, frameworks, mandates, ranked units).
        self._base = _parse_all([ontology_file()], "ontology file")
        self._base += reference
        self.runs = 0  # pyshacl invocations, for tests and benchmarks
        self._reference_report: SourceReport | None = None
        self._prepared: dict[str, Query] = {}  # SPARQL text -> parsed query, shared by all runs

    @property
    def reference_report(self) -> SourceReport:
        """Findings about the reference graph itself (computed on first use, one run)."""
        if self._reference_report is None:
            self._reference_report = self.validate({self._reference_iri: self._reference})[
                self._reference_iri
            ]
        return self._reference_report

    def validate(self, sources: Mapping[str, Graph]) -> dict[str, SourceReport]:
        """Validate every source graph (keyed by its named-graph IRI) in one pyshacl run."""
        if not sources:
            return {}
        data = _PreparedQueryGraph(self._prepared)
        data += self._base
        holders: dict[Node, set[str]] = defaultdict(set)
        for iri, graph in sources.items():
            for s in graph.subjects(unique=True):
                holders[s].add(iri)
            data += graph
        results = self._run(data, self._focused_shapes(data, set(holders)))
        found: dict[str, set[Finding]] = {iri: set() for iri in sources}
        for result in sorted(results.subjects(RDF.type, SH.ValidationResult), key=term):
            finding = self._finding(results, result, data)
            for iri in holders.get(finding.focus, ()):
                found[iri].add(finding)
        return {iri: _report(iri, sorted(found[iri], key=Finding.sort_key)) for iri in sorted(sources)}

    def _focused_shapes(self, data: Graph, subjects: set[Node]) -> Graph:
        """The shapes with each target replaced by the source subjects it selects (sh:targetNode)."""
        shapes = Graph()
        shapes += self._untargeted
        superclasses: dict[Node, set[Node]] = {}
        classes_of: dict[Node, set[Node]] = {}
        for s in subjects:
            classes: set[Node] = set()
            for cls in data.objects(s, RDF.type):
                if cls not in superclasses:  # SHACL instances: rdf:type/rdfs:subClassOf*
                    # (rdflib types the walk as Optional for a None start; ours never is)
                    superclasses[cls] = {
                        c for c in data.transitive_objects(cls, RDFS.subClassOf) if c is not None
                    }
                classes |= superclasses[cls]
            classes_of[s] = classes
        for shape, kind, target in self._targets:
            if kind == SH.targetNode:
                nodes: Iterable[Node] = [target]
            elif kind == SH.targetClass:
                nodes = (s for s in subjects if target in classes_of[s])
            elif kind == SH.targetSubjectsOf:
                nodes = (s for s in subjects if (s, target, None) in data)
            else:  # sh:targetObjectsOf: objects the sources also describe
                nodes = (o for o in data.objects(None, target) if o in subjects)
            for node in nodes:
                shapes.add((shape, SH.targetNode, node))
        return shapes

    def _run(self, data: Graph, shapes: Graph) -> Graph:
        self.runs += 1
        _conforms, results, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            advanced=True,  # SPARQL-based constraints
            inference="none",  # the contract types every node explicitly
            inplace=True,  # ``data`` is our own scratch union: no need for pyshacl to copy it
            allow_warnings=True,
        )
        if not isinstance(results, Graph):  # pyshacl's ValidationFailure: the shapes themselves are wrong
            raise DtiError(f"the SHACL shapes could not be applied: {results}")
        return results

    def _finding(self, results: Graph, result: Node, data: Graph) -> Finding:
        shape = _required(results, result, SH.sourceShape)
        focus = _required(results, result, SH.focusNode)
        # pyshacl reports both the shape's general sh:message and the SPARQL constraint's own one,
        # which names the offending values: prefer the latter.
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        general = {str(m) for m in self.shapes.objects(shape, SH.message)}
        messages = [m for m in messages if m not in general] or messages
        return Finding(
            severity=_SEVERITY_NAMES.get(results.value(result, SH.resultSeverity), "Violation"),
            shape=shape,
            focus=focus,
            path=results.value(result, SH.resultPath),
            value=results.value(result, SH.value),
            message=messages[0] if messages else self._labels.get(shape, ""),
            component=_required(results, result, SH.sourceConstraintComponent),
            shape_label=self._labels.get(shape, ""),
            quote=_quote(data, focus),
        )


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pyshacl re-parses a SPARQL constraint's text for every focus node (~50 ms per parse with rdflib's
    pyparsing grammar), which would make parsing, not checking, the cost of a build. The text does
    not depend on the focus node (it is pre-bound through initBindings), so the parsed query is reused.
    """

    def __init__(self, prepared: dict[str, Query]) -> None:
        super().__init__()
        self._prepared = prepared

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            if query_object not in self._prepared:
                self._prepared[query_object] = prepareQuery(query_object)
            query_object = self._prepared[query_object]
        return super().query(query_object, *args, **kwargs)


def _parse_all(resources: Iterable, what: str) -> Graph:
    graph = Graph()
    for resource in resources:
        try:
            graph.parse(data=read_text(resource), format="turtle")
        except (BadSyntax, ParserError) as exc:
            raise DtiError(f"{what} {resource.name} is not valid Turtle: {exc}") from exc
    return graph


def _required(results: Graph, result: Node, prop: URIRef) -> Node:
    """A property every SHACL validation result has (SHACL §3.6.1); pyshacl always writes them."""
    value = results.value(result, prop)
    if value is None:
        raise DtiError(f"pyshacl wrote a validation result without {prop}")
    return value


def _quote(data: Graph, focus: Node) -> str | None:
    """The quote a reader needs next to a finding: the first evidence span of a claim or fact."""
    spans = list(data.objects(focus, DTI.evidence)) or (
        [focus] if (focus, OA.hasSelector, None) in data else []
    )
    best: tuple[int, str] | None = None
    for span in spans:
        selectors = sorted(data.objects(span, OA.hasSelector), key=term)
        exacts = sorted(str(e) for sel in selectors for e in data.objects(sel, OA.exact))
        starts = [s.value for sel in selectors for s in data.objects(sel, OA.start) if isinstance(s, Literal)]
        if exacts:
            key = (min((v for v in starts if isinstance(v, int)), default=0), exacts[0])
            best = key if best is None or key < best else best
    if best is None and (focus, OA.exact, None) in data:
        return str(data.value(focus, OA.exact))
    return best[1] if best else None


def _report(graph_iri: str, findings: list[Finding]) -> SourceReport:
    report = SourceReport(graph_iri)
    for f in findings:
        (report.violations if f.severity == "Violation" else report.warnings).append(f)
    report.report_graph = _report_graph(graph_iri, findings)
    return report


def _report_graph(graph_iri: str, findings: list[Finding]) -> Graph:
    """The sh:ValidationReport of one source, with IRIs derived from its content (no blank nodes)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    node = URIRef(f"{graph_iri}/validation")
    g.add((node, RDF.type, SH.ValidationReport))
    g.add((node, SH.conforms, Literal(not any(f.severity == "Violation" for f in findings))))
    for f in findings:
        key = "\x1f".join(
            _n3(x) for x in (f.shape, f.focus, f.path, f.value, f.component, Literal(f.message))
        )
        result = URIRef(f"{node}/result/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}")
        g.add((node, SH.result, result))
        g.add((result, RDF.type, SH.ValidationResult))
        g.add((result, SH.resultSeverity, SH[f.severity]))
        g.add((result, SH.sourceShape, f.shape))
        g.add((result, SH.sourceConstraintComponent, f.component))
        g.add((result, SH.focusNode, _named(f.focus, graph_iri)))
        g.add((result, SH.resultMessage, Literal(f.message)))
        if isinstance(f.path, URIRef):  # our shapes use predicate paths only
            g.add((result, SH.resultPath, f.path))
        if f.value is not None:
            g.add((result, SH.value, _named(f.value, graph_iri)))
    return g


def _named(term: Node, graph_iri: str) -> Node:
    """Blank nodes are forbidden in our graphs (NamedNodeShape reports them); name them in reports."""
    if isinstance(term, BNode):
        return URIRef(f"{graph_iri}/validation/bnode/{term}")
    return term


@cache
def _namespaces() -> Graph:
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


def _n3(term: Node | None) -> str:
    return "" if term is None else term.n3()


def _short(term: Node) -> str:
    text = str(term)
    for prefix, ns in (("dtish", "https://w3id.org/dti-kg/shapes#"), *PREFIXES.items()):
        if isinstance(term, URIRef) and text.startswith(str(ns)):
            return f"{prefix}:{text[len(str(ns)) :]}"
    if isinstance(term, Literal):
        if term.datatype in _PLAIN_DATATYPES:
            return text
        return term.n3(_namespaces().namespace_manager)
    return f"<{text}>"
