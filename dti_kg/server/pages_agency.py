"""The agency page: succession, the merger event and the editions the agency published."""

from __future__ import annotations

from flask import render_template
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from dti_kg.namespaces import DTI
from dti_kg.rdfnodes import term
from dti_kg.server.pages_common import PREFIX_LINES, alternates, facts, labels
from dti_kg.server.results import iri, select

AGENCY_EDITIONS = (
    PREFIX_LINES
    + """
SELECT ?agency ?edition ?year ?issued WHERE {
  ?edition dcterms:publisher ?agency ; dti:yearAssessed ?year .
  OPTIONAL { ?edition dcterms:issued ?issued }
}
ORDER BY ?year
"""
)

AGENCY_EVENTS = (
    PREFIX_LINES
    + """
SELECT DISTINCT ?agency ?event ?label ?started ?role ?other ?otherLabel WHERE {
  { ?agency org:changedBy ?event . BIND("changed-by" AS ?role) }
  UNION { ?agency org:resultedFrom ?event . BIND("resulted-from" AS ?role) }
  OPTIONAL { ?event rdfs:label ?label FILTER(LANG(?label) = "vi") }
  OPTIONAL { ?event prov:startedAtTime ?started }
  OPTIONAL { { ?event org:originalOrganization ?other } UNION { ?event org:resultingOrganization ?other }
             FILTER(?other != ?agency)
             OPTIONAL { ?other skos:prefLabel ?otherLabel FILTER(LANG(?otherLabel) = "vi") } }
}
ORDER BY ?started ?event ?other
"""
)


def agency_page(thing: str, graph: Graph) -> str:
    node = URIRef(thing)
    subs = {"agency": iri(thing)}
    succeeded_by = sorted(graph.objects(node, DTI.succeededBy), key=term)
    preceded_by = sorted(graph.subjects(DTI.succeededBy, node), key=term)
    return render_template(
        "agency.html",
        thing=thing,
        labels=labels(graph, node),
        alt_labels=sorted(str(v) for v in graph.objects(node, SKOS.altLabel)),
        facts=facts(graph, node),
        editions=select(AGENCY_EDITIONS, subs).rows,
        events=select(AGENCY_EVENTS, subs).rows,
        succeeded_by=[(s, labels(graph, s)) for s in succeeded_by],
        preceded_by=[(s, labels(graph, s)) for s in preceded_by],
        alternates=alternates(thing),
    )
