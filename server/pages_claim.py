"""The claim page: the claimed value, its evidence in context, its source and its reconciliation."""

from __future__ import annotations

from flask import render_template
from rdflib import Graph, URIRef

from dti_kg.server.pages_common import MEASURE_LABELS, PREFIX_LINES, alternates, facts
from dti_kg.server.results import iri, select

CLAIM_FACTS = (
    PREFIX_LINES
    + """
SELECT ?claim ?province ?plabel ?edition ?elabel ?indicator ?ilabel ?measure ?value ?cohort ?derivation
       ?rule ?editionBasis ?provinceBasis ?comparedTo ?source ?title ?url ?issued ?publisher ?outlet
       ?derivedFrom ?graph
WHERE {
  ?claim a dti:Claim ; dti:province ?province ; dti:edition ?edition ; dti:indicator ?indicator ;
         qb:measureType ?m ; ?m ?value ; dti:extractionRule ?rule ; dcterms:source ?source .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?claim dti:derivation ?derivation }
  OPTIONAL { ?claim dti:editionBasis ?editionBasis }
  OPTIONAL { ?claim dti:provinceBasis ?provinceBasis }
  OPTIONAL { ?claim dti:comparedTo ?comparedTo }
  OPTIONAL { ?claim dti:cohort/dti:cohortSize ?cohort }
  OPTIONAL { ?claim prov:wasDerivedFrom ?derivedFrom }
  OPTIONAL { ?claim qb:dataSet ?graph }
  OPTIONAL { ?province skos:prefLabel ?plabel FILTER(LANG(?plabel) = "vi") }
  OPTIONAL { ?edition rdfs:label ?elabel FILTER(LANG(?elabel) = "vi") }
  OPTIONAL { ?indicator skos:prefLabel ?ilabel FILTER(LANG(?ilabel) = "vi") }
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source schema:url ?url }
  OPTIONAL { ?source dcterms:issued ?issued }
  OPTIONAL { ?source schema:publisher/schema:name ?publisher }
  OPTIONAL { ?source dti:outletName ?outlet }
}
ORDER BY ?derivedFrom
"""
)

CLAIM_EVIDENCE = (
    PREFIX_LINES
    + """
SELECT ?claim ?span ?exact ?prefix ?suffix ?start ?end WHERE {
  ?claim dti:evidence ?span .
  ?span oa:hasSelector ?q . ?q oa:exact ?exact .
  OPTIONAL { ?q oa:prefix ?prefix }
  OPTIONAL { ?q oa:suffix ?suffix }
  OPTIONAL { ?span oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end }
}
ORDER BY ?start ?span
"""
)

CLAIM_CHECKS = (
    PREFIX_LINES
    + """
SELECT ?claim ?check ?status ?officialValue ?official ?cohort WHERE {
  ?check a dti:Reconciliation ; ?link ?claim .
  OPTIONAL { ?check dti:status ?status }
  OPTIONAL { ?check dti:officialValue ?officialValue }
  OPTIONAL { ?check dti:officialObservation ?official }
  OPTIONAL { ?check dti:matchedCohort/dti:cohortSize ?cohort }
}
ORDER BY ?check
"""
)


def claim_page(thing: str, graph: Graph) -> str:
    subs = {"claim": iri(thing)}
    rows = select(CLAIM_FACTS, subs).rows
    evidence = select(CLAIM_EVIDENCE, subs).rows
    checks = select(CLAIM_CHECKS, subs).rows
    return render_template(
        "claim.html",
        thing=thing,
        claim=rows[0] if rows else None,
        derived_from=sorted({str(r["derivedFrom"]) for r in rows if r.get("derivedFrom")}),
        evidence=evidence,
        checks=checks,
        measure_labels=MEASURE_LABELS,
        facts=facts(Graph(), URIRef(thing)) if not rows else [],
        alternates=alternates(thing),
    )
