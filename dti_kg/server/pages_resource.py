"""Pages without a dedicated layout: any resource (its triples, parts and incoming links) and the
vocabulary."""

from __future__ import annotations

from flask import render_template
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from dti_kg.namespaces import DTI
from dti_kg.server.pages_common import alternates, curie, facts, incoming, labels


def generic_page(thing: str, graph: Graph) -> str:
    node = URIRef(thing)
    parts = sorted(
        {o for o in graph.objects(node, None) if isinstance(o, URIRef) and str(o).startswith(thing + "/")}
    )
    return render_template(
        "resource.html",
        thing=thing,
        labels=labels(graph, node),
        types=sorted(graph.objects(node, RDF.type)),
        facts=facts(graph, node),
        parts=[(p, facts(graph, p)) for p in parts],
        incoming=incoming(graph, node),
        alternates=alternates(thing),
    )


def render_vocabulary(graph: Graph) -> str:
    terms = []
    for term in sorted(
        {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(DTI))}
    ):
        lab = labels(graph, term)
        comments = [str(c) for c in graph.objects(term, RDFS.comment)]
        terms.append(
            {
                "iri": term,
                "name": str(term)[len(str(DTI)) :],
                "types": sorted(curie(t) for t in graph.objects(term, RDF.type)),
                "labels": lab,
                "comment": sorted(comments)[0] if comments else "",
            }
        )
    return render_template("vocabulary.html", terms=terms)
