"""What every HTML page shares: prefixes for the pages' SPARQL, IRI links and labels, the facts table
of a resource, alternate formats."""

from __future__ import annotations

from flask import Response, current_app
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from dti_kg.namespaces import PREFIXES
from dti_kg.server.results import Term

PREFIX_LINES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in sorted(PREFIXES.items()))
PILLAR_ORDER = ("overall", "digital_government", "digital_economy", "digital_society")
MEASURE_ORDER = ("rank", "score", "rankChange")
MEASURE_LABELS = {
    "rank": ("Hạng", "Rank"),
    "score": ("Điểm", "Score"),
    "rankChange": ("Thay đổi hạng", "Rank change"),
}


# ---------------------------------------------------------------- links and labels


def href(target: str | Term | URIRef) -> str:
    from dti_kg.server.resources import local_href

    return local_href(str(target))


def curie(target: str | URIRef) -> str:
    text = str(target)
    best = ""
    for prefix, ns in PREFIXES.items():
        if text.startswith(str(ns)) and len(str(ns)) > len(best):
            best, name = str(ns), f"{prefix}:{text[len(str(ns)) :]}"
    if best:
        return name
    base = current_app.config["BASE_IRI"]
    return text[len(base) :] if text.startswith(base) else text


def labels(graph: Graph, node: URIRef) -> dict[str, str]:
    """Labels of ``node`` by language ("vi", "en", ""), prefLabel before rdfs:label."""
    out: dict[str, str] = {}
    for predicate in (SKOS.prefLabel, RDFS.label):
        for value in sorted(graph.objects(node, predicate)):
            if isinstance(value, Literal):
                out.setdefault(value.language or "", str(value))
    return out


def html_response(body: str) -> Response:
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def alternates(thing: str, *, tables: bool = False) -> list[tuple[str, str]]:
    doc = href(thing)
    out = [("Turtle", doc + ".ttl"), ("JSON-LD", doc + ".jsonld"), ("N-Triples", doc + ".nt")]
    if tables:
        out += [("CSV", doc + ".csv"), ("JSON", doc + ".json")]
    return out


# ---------------------------------------------------------------- a resource's own triples


def facts(graph: Graph, node: URIRef) -> list[dict]:
    """Outgoing triples of ``node`` for display: predicate, object, object's label."""
    out = []
    for predicate, obj in sorted(graph.predicate_objects(node)):
        lab = labels(graph, obj) if isinstance(obj, URIRef) else {}
        out.append(
            {
                "predicate": predicate,
                "object": obj,
                "is_iri": isinstance(obj, URIRef),
                "label": lab.get("vi") or lab.get("en") or lab.get(""),
                "lang": obj.language if isinstance(obj, Literal) else None,
            }
        )
    return out


def incoming(graph: Graph, node: URIRef) -> list[dict]:
    out = []
    for subject, predicate in sorted(graph.subject_predicates(node)):
        lab = labels(graph, subject)
        out.append(
            {
                "subject": subject,
                "predicate": predicate,
                "label": lab.get("vi") or lab.get("en") or lab.get(""),
                "types": sorted(curie(t) for t in graph.objects(subject, RDF.type)),
            }
        )
    return out
