"""The indicator pages: one indicator (its place in the framework, the editions that include it, and
what links to it grouped by edition and cohort: official values, news claims, quality checks) and the
indicator scheme (the indicators grouped by kind, with their pillar and editions).

Without them an indicator fell to the generic page: hundreds of unlabelled "linked from" IRIs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from flask import render_template
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from dti_kg.namespaces import DTI
from dti_kg.server.pages_common import (
    PREFIX_LINES,
    STATUS_LABELS,
    alternates,
    facts,
    labels,
    vi_sort_key,
)
from dti_kg.server.results import Term, iri, select

# Kinds of indicator, broadest first: (class, (Vietnamese, English) singular, plural). The graph has no
# component indices as concepts, only their number per framework (shown on the scheme page).
KINDS = (
    (DTI.OverallIndex, ("Chỉ số tổng thể", "Overall index"), ("Chỉ số tổng thể", "Overall index")),
    (DTI.Pillar, ("Trụ cột", "Pillar"), ("Các trụ cột", "Pillars")),
    (DTI.MainIndex, ("Chỉ số chính", "Main index"), ("Các chỉ số chính", "Main indices")),
)

OFFICIAL_VALUES = (
    PREFIX_LINES
    + """
SELECT ?indicator ?obs ?year ?cohort ?province ?label ?measure ?value ?derived WHERE {
  ?obs a dti:OfficialObservation ; dti:indicator ?indicator ; dti:edition/dti:yearAssessed ?year ;
       dti:cohort/dti:cohortSize ?cohort ; dti:province ?province ; qb:measureType ?m ; ?m ?value .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?obs dti:derivation ?derivation }
  BIND(COALESCE(?derivation = dti:Derived, false) AS ?derived)
  OPTIONAL { ?province skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
}
"""
)

CLAIMS = (
    PREFIX_LINES
    + """
SELECT ?indicator ?claim ?year ?province ?label ?measure ?value ?derived ?status WHERE {
  ?claim a dti:Claim ; dti:indicator ?indicator ; dti:edition/dti:yearAssessed ?year ;
         dti:province ?province ; qb:measureType ?m ; ?m ?value .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?claim dti:derivation ?derivation }
  BIND(COALESCE(?derivation = dti:Derived, false) AS ?derived)
  OPTIONAL { ?rec dti:claim ?claim ; dti:status ?st . BIND(LCASE(STRAFTER(STR(?st), "#")) AS ?status) }
  OPTIONAL { ?province skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
}
ORDER BY ?year ?label ?measure ?claim
"""
)

QUALITY_CHECKS = (
    PREFIX_LINES
    + """
SELECT ?indicator ?check ?year ?cohort ?kind ?result ?violations WHERE {
  ?check a dti:QualityCheck ; dti:indicator ?indicator ; dti:edition/dti:yearAssessed ?year ;
         dti:cohort/dti:cohortSize ?cohort ; dti:checkKind ?kind ; dti:result ?result .
  OPTIONAL { ?check dti:violationCount ?violations }
}
ORDER BY ?year ?cohort ?kind
"""
)

SCHEME_INDICATORS = (
    PREFIX_LINES
    + """
SELECT ?scheme ?indicator ?kind ?label ?labelEn ?notation ?pillar ?pillarLabel ?year WHERE {
  ?indicator skos:inScheme ?scheme ; a ?kind .
  FILTER(?kind IN (dti:OverallIndex, dti:Pillar, dti:MainIndex))
  OPTIONAL { ?indicator skos:notation ?notation }
  OPTIONAL { ?indicator skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
  OPTIONAL { ?indicator skos:prefLabel ?labelEn FILTER(LANG(?labelEn) = "en") }
  OPTIONAL { ?indicator dti:pillar ?pillar
             OPTIONAL { ?pillar skos:prefLabel ?pillarLabel FILTER(LANG(?pillarLabel) = "vi") } }
  OPTIONAL { ?framework dti:includesIndicator ?indicator . ?edition dti:framework ?framework ;
             dti:yearAssessed ?year }
}
ORDER BY ?indicator ?year
"""
)

FRAMEWORKS = (
    PREFIX_LINES
    + """
SELECT ?edition ?year ?framework ?included ?mainIndices ?componentIndices ?criteria WHERE {
  ?edition dti:framework ?framework ; dti:yearAssessed ?year .
  OPTIONAL { SELECT ?framework (COUNT(?i) AS ?included) WHERE { ?framework dti:includesIndicator ?i }
             GROUP BY ?framework }
  OPTIONAL { ?framework dti:mainIndexCount ?mainIndices }
  OPTIONAL { ?framework dti:componentIndexCount ?componentIndices }
  OPTIONAL { ?framework dti:criteriaCount ?criteria }
}
ORDER BY DESC(?year)
"""
)


def kind_of(types: Iterable[Node]) -> tuple[str, str] | None:
    """The (Vietnamese, English) name of the indicator's kind, or None."""
    present = set(types)
    return next((singular for cls, singular, _ in KINDS if cls in present), None)


def _iris(nodes: Iterable[Node | None]) -> list[URIRef]:
    return sorted(n for n in nodes if isinstance(n, URIRef))


def indicator_page(thing: str, graph: Graph) -> str:
    node = URIRef(thing)
    subs = {"indicator": iri(thing)}
    pillar = _iris([graph.value(node, DTI.pillar)])
    official = select(OFFICIAL_VALUES, subs)
    claims = select(CLAIMS, subs)
    checks = select(QUALITY_CHECKS, subs)
    return render_template(
        "indicator.html",
        thing=thing,
        labels=labels(graph, node),
        kind=kind_of(graph.objects(node, RDF.type)),
        notation=graph.value(node, SKOS.notation),
        alt_labels=sorted({str(v) for v in graph.objects(node, SKOS.altLabel)}),
        scheme=graph.value(node, SKOS.inScheme),
        pillar=(pillar[0], labels(graph, pillar[0])) if pillar else None,
        indices=[(i, labels(graph, i)) for i in _iris(graph.subjects(DTI.pillar, node))],
        frameworks=[(f, labels(graph, f)) for f in _iris(graph.subjects(DTI.includesIndicator, node))],
        official=official_groups(official.rows),
        claims=claims.rows,
        checks=check_groups(checks.rows),
        status_labels=STATUS_LABELS,
        facts=facts(graph, node),
        alternates=alternates(thing),
        truncated=official.truncated or claims.truncated or checks.truncated,
    )


def official_groups(rows: list[dict[str, Term]]) -> list[dict]:
    """One group per (edition, cohort), newest edition first and its smaller (newer) cohort first; in
    each, one row per unit with its rank and score (each a dict of value, observation and derived flag),
    ordered by rank, then score, then name."""
    groups: dict[tuple[int, int], dict[str, dict]] = defaultdict(dict)
    for r in rows:
        key = (int(str(r["year"])), int(str(r["cohort"])))
        unit = groups[key].setdefault(
            str(r["province"]), {"province": str(r["province"]), "label": str(r.get("label") or "")}
        )
        unit[str(r["measure"])] = {
            "value": r["value"],
            "obs": str(r["obs"]),
            "derived": str(r["derived"]) == "true",
        }

    def order(unit: dict) -> tuple:
        rank = unit.get("rank", {}).get("value")
        score = unit.get("score", {}).get("value")
        return (
            rank.number() if rank else float("inf"),
            -(score.number() or 0) if score else 0,
            vi_sort_key(unit["label"] or unit["province"]),
        )

    out = []
    for (year, cohort), units in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        ordered = sorted(units.values(), key=order)
        out.append(
            {
                "year": year,
                "cohort": cohort,
                "units": ordered,
                "measures": [m for m in ("rank", "score") if any(m in u for u in ordered)],
                "derived": any(u.get(m, {}).get("derived") for u in ordered for m in ("rank", "score")),
            }
        )
    return out


def check_groups(rows: list[dict[str, Term]]) -> list[dict]:
    """Quality checks per (edition, cohort), in the order of :func:`official_groups`."""
    groups: dict[tuple[int, int], list[dict[str, Term]]] = defaultdict(list)
    for r in rows:
        groups[(int(str(r["year"])), int(str(r["cohort"])))].append(r)
    return [
        {"year": year, "cohort": cohort, "checks": checks}
        for (year, cohort), checks in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
    ]


def scheme_page(thing: str, graph: Graph) -> str:
    """The indicator scheme: its indicators under one heading per kind, with pillar and editions."""
    node = URIRef(thing)
    by_indicator: dict[str, dict] = {}
    for r in select(SCHEME_INDICATORS, {"scheme": iri(thing)}).rows:
        entry = by_indicator.setdefault(
            str(r["indicator"]),
            {
                "indicator": str(r["indicator"]),
                "kind": str(r["kind"]),
                "label": str(r.get("label") or ""),
                "label_en": str(r.get("labelEn") or ""),
                "notation": str(r.get("notation") or ""),
                "pillar": str(r["pillar"]) if r.get("pillar") else None,
                "pillar_label": str(r.get("pillarLabel") or ""),
                "years": [],
            },
        )
        if r.get("year") and str(r["year"]) not in entry["years"]:
            entry["years"].append(str(r["year"]))
    sections = []
    for cls, _, plural in KINDS:
        members = [e for e in by_indicator.values() if e["kind"] == str(cls)]
        if members:
            members.sort(key=lambda e: (vi_sort_key(e["pillar_label"]), vi_sort_key(e["label"])))
            sections.append({"names": plural, "members": members})
    return render_template(
        "indicator_scheme.html",
        thing=thing,
        labels=labels(graph, node),
        sections=sections,
        frameworks=select(FRAMEWORKS).rows,
        facts=facts(graph, node),
        alternates=alternates(thing),
    )
