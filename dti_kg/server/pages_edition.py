"""The edition page: publisher, framework, and the official ranking of each cohort (overall index and
pillars; ranks derived from the scores are marked)."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from rdflib import Graph, URIRef

from dti_kg.namespaces import DTI, PREFIXES
from dti_kg.server.pages_common import (
    MEASURE_LABELS,
    MEASURE_ORDER,
    PILLAR_ORDER,
    PREFIX_LINES,
    alternates,
    column_groups,
    facts,
    labels,
)
from dti_kg.server.results import Term, iri, select

EDITION_RANKING = (
    PREFIX_LINES
    + """
SELECT ?edition ?cohort ?province ?label ?indicator ?measure ?value ?derived ?obs WHERE {
  ?obs a dti:OfficialObservation ; dti:edition ?edition ; dti:cohort/dti:cohortSize ?cohort ;
       dti:province ?province ; dti:indicator ?ind ; qb:measureType ?m ; ?m ?value .
  ?ind skos:notation ?indicator .
  FILTER(?indicator IN ("overall", "digital_government", "digital_economy", "digital_society"))
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?obs dti:derivation ?derivation }
  BIND(COALESCE(?derivation = dti:Derived, false) AS ?derived)
  OPTIONAL { ?province skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
}
ORDER BY ?cohort ?province ?indicator ?measure
"""
)

# Candidate columns in display order; a cohort's table shows those it has values for.
RANKING_COLUMNS = tuple((i, m) for i in PILLAR_ORDER for m in MEASURE_ORDER if m != "rankChange")

TABLE_COLUMNS = ["cohort", "province", "label", "indicator", "measure", "value", "derived"]


def edition_ranking(thing: str) -> tuple[dict[str, dict], bool]:
    """Cohort size -> {"columns": the (indicator, measure) pairs with values, "rows": one per province
    (province, label, values, observations and derived flags by "indicator.measure"), sorted by overall
    rank}."""
    table = select(EDITION_RANKING, {"edition": iri(thing)})
    by_cohort: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in table.rows:
        row = by_cohort[str(r["cohort"])].setdefault(
            str(r["province"]),
            {
                "province": str(r["province"]),
                "label": str(r.get("label") or ""),
                "values": {},
                "obs": {},  # the official observation of each value, for its cite link
                "derived": set(),
            },
        )
        key = f"{r['indicator']}.{r['measure']}"
        row["values"][key] = r["value"]
        row["obs"][key] = str(r["obs"])
        if str(r["derived"]) == "true":
            row["derived"].add(key)

    def order(row: dict) -> tuple:
        rank = row["values"].get("overall.rank")
        score = row["values"].get("overall.score")
        return (
            rank.number() if rank else float("inf"),
            -(score.number() or 0) if score else 0,
            row["label"],
        )

    out = {}
    for cohort, rows in sorted(by_cohort.items()):
        present = {key for row in rows.values() for key in row["values"]}
        columns = [(i, m) for i, m in RANKING_COLUMNS if f"{i}.{m}" in present]
        out[cohort] = {
            "columns": columns,
            "groups": column_groups(columns),
            "rows": sorted(rows.values(), key=order),
            "derived": any(row["derived"] for row in rows.values()),
        }
    return out, table.truncated


def edition_page(thing: str, graph: Graph) -> str:
    node = URIRef(thing)
    framework = graph.value(node, DTI.framework)
    publisher = graph.value(node, URIRef(str(PREFIXES["dcterms"]) + "publisher"))
    ranking, truncated = edition_ranking(thing)
    return render_template(
        "edition.html",
        thing=thing,
        labels=labels(graph, node),
        facts=facts(graph, node),
        framework=framework,
        framework_facts=facts(graph, framework) if framework else [],
        publisher=publisher,
        publisher_labels=labels(graph, publisher) if publisher else {},
        ranking=ranking,
        measure_labels=MEASURE_LABELS,
        alternates=alternates(thing, tables=True),
        truncated=truncated,
    )


def edition_rows(thing: str) -> tuple[list[str], list[dict[str, Term]]]:
    """The edition's official ranking, one row per value, for .csv / .json."""
    return TABLE_COLUMNS, select(EDITION_RANKING, {"edition": iri(thing)}).rows
