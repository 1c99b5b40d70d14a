"""RDF namespaces. The vocabulary namespace is fixed; instance IRIs hang off a configurable base."""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, ORG, PROV, QB, RDF, RDFS, SDO, SH, SKOS, VOID, XSD

DTI = Namespace("https://w3id.org/dti-kg/def#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = SDO  # schema.org, https://schema.org/

PREFIXES: dict[str, Namespace] = {
    "dti": DTI,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "qb": Namespace(str(QB)),
    "org": Namespace(str(ORG)),
    "oa": OA,
    "schema": Namespace(str(SCHEMA)),
    "sh": Namespace(str(SH)),
    "void": Namespace(str(VOID)),
    "dcat": Namespace(str(DCAT)),
}

__all__ = [
    "DCAT",
    "DCTERMS",
    "DTI",
    "OA",
    "ORG",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "VOID",
    "XSD",
]

# A claim record's measure name -> its Data Cube measure property.
MEASURE_TERMS = {"rank": DTI.rank, "score": DTI.score, "rank_change": DTI.rankChange}
