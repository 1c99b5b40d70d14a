"""The SPARQL 1.1 Service Description answered by a bare ``GET /sparql``."""

from __future__ import annotations

import pyoxigraph

from dti_kg.namespaces import PREFIXES
from dti_kg.server import conneg
from dti_kg.server.serializers import write_triples

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCTERMS = "http://purl.org/dc/terms/"
FORMATS = "http://www.w3.org/ns/formats/"
SH = "http://www.w3.org/ns/shacl#"
XSD_ANY_URI = "http://www.w3.org/2001/XMLSchema#anyURI"

# Result formats by their W3C format IRI (https://www.w3.org/ns/formats/).
_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "TriG",
    "N-Quads",
)


def describe(endpoint: str, base_iri: str, media_type: str) -> bytes:
    """The description of the endpoint at ``endpoint`` (its absolute URL) in ``media_type``."""
    service = pyoxigraph.NamedNode(endpoint)

    def sd(name: str) -> pyoxigraph.NamedNode:
        return pyoxigraph.NamedNode(SD + name)

    triples = [
        pyoxigraph.Triple(service, pyoxigraph.NamedNode(RDF_TYPE), sd("Service")),
        pyoxigraph.Triple(service, sd("endpoint"), service),
        pyoxigraph.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        # Without a dataset in the request, the default graph is the union of all named graphs.
        pyoxigraph.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        pyoxigraph.Triple(
            service,
            pyoxigraph.NamedNode(DCTERMS + "description"),
            pyoxigraph.Literal(
                "Read-only SPARQL 1.1 endpoint of DTI-KG (Vietnam's provincial Digital Transformation "
                "Index). The union of all named graphs is the default graph, and the prefixes "
                + ", ".join(f"{name}:" for name in PREFIXES)
                + " are predeclared (sh:declare), as in the dti query command. "
                "SPARQL Update and SERVICE are refused; queries are time- and size-limited.",
                language="en",
            ),
        ),
        pyoxigraph.Triple(
            service, pyoxigraph.NamedNode(DCTERMS + "source"), pyoxigraph.NamedNode(base_iri + "id/dataset")
        ),
    ]
    triples += [
        pyoxigraph.Triple(service, sd("resultFormat"), pyoxigraph.NamedNode(FORMATS + name))
        for name in _FORMAT_IRIS
    ]
    # The predeclared prefixes, as SHACL prefix declarations (each named under the endpoint, no blank nodes).
    for name, namespace in PREFIXES.items():
        declaration = pyoxigraph.NamedNode(f"{endpoint}#prefix-{name}")
        triples += [
            pyoxigraph.Triple(service, pyoxigraph.NamedNode(SH + "declare"), declaration),
            pyoxigraph.Triple(declaration, pyoxigraph.NamedNode(SH + "prefix"), pyoxigraph.Literal(name)),
            pyoxigraph.Triple(
                declaration,
                pyoxigraph.NamedNode(SH + "namespace"),
                pyoxigraph.Literal(str(namespace), datatype=pyoxigraph.NamedNode(XSD_ANY_URI)),
            ),
        ]
    if media_type not in conneg.GRAPH_TYPES:
        raise ValueError(f"a service description cannot be written as {media_type}")
    return write_triples(triples, media_type)
