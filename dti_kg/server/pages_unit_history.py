"""The history of a post-2025 unit on its page: each predecessor's official overall values per edition
beside the unit's own (the canned query unit-predecessors-scores, shared with /queries), which of them
are derived ranks, and the news claims about the predecessors."""

from __future__ import annotations

from collections import defaultdict

from dti_kg.server.canned import canned_queries
from dti_kg.server.pages_common import PREFIX_LINES
from dti_kg.server.results import Term, iri, select

PREDECESSOR_CLAIMS = (
    PREFIX_LINES
    + """
SELECT ?unit ?member ?label ?year ?indicator ?measure ?value ?derived ?claim ?status WHERE {
  ?unit dti:mergedFrom ?member .
  ?claim a dti:Claim ; dti:province ?member ; dti:edition ?edition ; dti:indicator ?ind ;
         qb:measureType ?m ; ?m ?value .
  ?edition dti:yearAssessed ?year .
  ?ind skos:notation ?indicator .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?claim dti:derivation ?derivation }
  BIND(COALESCE(?derivation = dti:Derived, false) AS ?derived)
  OPTIONAL { ?member skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
  OPTIONAL { ?rec dti:claim ?claim ; dti:status ?st . BIND(STRAFTER(STR(?st), "#") AS ?status) }
}
ORDER BY ?year ?label ?indicator ?measure ?claim
"""
)

# Overall values of the unit and its predecessors that were derived (competition ranking of the scores),
# not published. A 63-era unit is ranked only in cohort 63 and a 34-era unit only in cohort 34, so
# (province, year, measure) names one value of the unit-predecessors-scores table.
DERIVED_OVERALL = (
    PREFIX_LINES
    + """
SELECT ?unit ?province ?year ?measure WHERE {
  ?unit dti:mergedFrom? ?province .
  ?obs a dti:OfficialObservation ; dti:province ?province ; dti:edition/dti:yearAssessed ?year ;
       dti:indicator/a dti:OverallIndex ; dti:derivation dti:Derived ; qb:measureType ?m .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
}
ORDER BY ?province ?year ?measure
"""
)


def predecessor_history(thing: str) -> dict:
    """Rows of unit-predecessors-scores grouped by edition year, the derived values among them as
    (province IRI, year, measure), and the claims about the predecessors."""
    subs = {"unit": iri(thing)}
    table = select(canned_queries()["unit-predecessors-scores"].text, subs)
    by_year: dict[str, list[dict[str, Term]]] = defaultdict(list)
    for row in table.rows:
        by_year[str(row["year"])].append(row)
    derived = {
        (str(r["province"]), str(r["year"]), str(r["measure"])) for r in select(DERIVED_OVERALL, subs).rows
    }
    claims = select(PREDECESSOR_CLAIMS, subs).rows
    return {
        "years": sorted(by_year.items()),
        "derived": derived,
        "claims": claims,
        "derived_claims": any(str(c["derived"]) == "true" for c in claims),
        "truncated": table.truncated,
    }
