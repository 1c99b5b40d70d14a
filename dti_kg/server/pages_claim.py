"""The claim page: the claimed value, its evidence in context, its source and its reconciliation."""

from __future__ import annotations

from flask import render_template
from rdflib import Graph, URIRef

from dti_kg.server.pages_common import MEASURE_LABELS, PREFIX_LINES, alternates, facts, is_derived
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
SELECT ?claim ?check ?status ?officialValue ?note WHERE {
  ?check a dti:Reconciliation ; dti:claim ?claim .
  OPTIONAL { ?check dti:status ?status }
  OPTIONAL { ?check dti:officialValue ?officialValue }
  OPTIONAL { ?check dti:reconciliationNote ?note }
}
ORDER BY ?check ?officialValue
"""
)

# The official observations the claim was compared with, each with its own value and derivation (a
# reconciliation may name several: one per cohort, or both editions of a rank change).
CLAIM_OFFICIALS = (
    PREFIX_LINES
    + """
SELECT ?claim ?official ?year ?cohort ?measure ?value ?derived WHERE {
  ?check a dti:Reconciliation ; dti:claim ?claim ; dti:officialObservation ?official .
  ?official dti:edition/dti:yearAssessed ?year ; dti:cohort/dti:cohortSize ?cohort ;
            qb:measureType ?m ; ?m ?value .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?official dti:derivation ?derivation }
  BIND(COALESCE(?derivation = dti:Derived, false) AS ?derived)
}
ORDER BY ?cohort ?year ?official
"""
)

# The values other articles state for the same thing that disagree with the claim: one shared node
# per value (dti:StatedValue), with how many sources state it; its page lists their claims.
CLAIM_DISAGREEMENTS = (
    PREFIX_LINES
    + """
SELECT ?claim ?other ?measure ?value ?sources WHERE {
  ?check a dti:Reconciliation ; dti:claim ?claim ; dti:conflictsWithValue ?other .
  ?other qb:measureType ?m ; ?m ?value ; dti:sourceCount ?sources .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
}
ORDER BY ?value ?other
"""
)

# What a derived claim was computed from (e.g. a rank and a rank change of the same article).
CLAIM_SOURCES = (
    PREFIX_LINES
    + """
SELECT ?claim ?from ?year ?measure ?value WHERE {
  ?claim prov:wasDerivedFrom ?from .
  ?from dti:edition/dti:yearAssessed ?year ; qb:measureType ?m ; ?m ?value .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
}
ORDER BY ?from
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
        derived=is_derived(rows[0].get("derivation")) if rows else False,
        derived_from=select(CLAIM_SOURCES, subs).rows,
        evidence=evidence,
        checks=checks,
        status=next((r["status"] for r in checks if r.get("status")), None),
        official_values=sorted({str(r["officialValue"]) for r in checks if r.get("officialValue")}),
        officials=select(CLAIM_OFFICIALS, subs).rows,
        disagreements=select(CLAIM_DISAGREEMENTS, subs).rows,
        measure_labels=MEASURE_LABELS,
        facts=facts(Graph(), URIRef(thing)) if not rows else [],
        alternates=alternates(thing),
    )
