"""The edition page: publisher, framework, and the official ranking of each cohort."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from rdflib import Graph, URIRef

from dti_kg.namespaces import DTI, PREFIXES
from dti_kg.server.pages_common import MEASURE_LABELS, PREFIX_LINES, alternates, facts, labels
from dti_kg.server.results import Term, iri, select

EDITION_RANKING = (
    PREFIX_LINES
    + """
SELECT ?edition ?cohort ?province ?label ?indicator ?measure ?value WHERE {
  ?obs a dti:OfficialObservation ; dti:edition ?edition ; dti:cohort/dti:cohortSize ?cohort ;
       dti:province ?province ; dti:indicator ?ind ; qb:measureType ?m ; ?m ?value .
  ?ind skos:notation ?indicator .
  FILTER(?indicator IN ("overall", "digital_government", "digital_economy", "digital_society"))
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?province skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
}
ORDER BY ?cohort ?province ?indicator ?measure
"""
)

RANKING_COLUMNS = (
    ("overall", "rank"),
    ("overall", "score"),
    ("digital_government", "rank"),
    ("digital_economy", "rank"),
    ("digital_society", "rank"),
)


def edition_ranking(thing: str) -> tuple[dict[str, list[dict]], bool]:
    """Cohort size -> rows (province, label, values by "indicator.measure"), sorted by overall rank."""
    table = select(EDITION_RANKING, {"edition": iri(thing)})
    by_cohort: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in table.rows:
        row = by_cohort[str(r["cohort"])].setdefault(
            str(r["province"]),
            {"province": str(r["province"]), "label": str(r.get("label") or ""), "values": {}},
        )
        row["values"][f"{r['indicator']}.{r['measure']}"] = r["value"]

    def order(row: dict) -> tuple:
        rank = row["values"].get("overall.rank")
        score = row["values"].get("overall.score")
        return (
            rank.number() if rank else float("inf"),
            -(score.number() or 0) if score else 0,
            row["label"],
        )

    return {c: sorted(rows.values(), key=order) for c, rows in sorted(by_cohort.items())}, table.truncated


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
        ranking_columns=RANKING_COLUMNS,
        measure_labels=MEASURE_LABELS,
        alternates=alternates(thing, tables=True),
        truncated=truncated,
    )


TABLE_COLUMNS = ["cohort", "province", "label", "indicator", "measure", "value"]


def edition_rows(thing: str) -> tuple[list[str], list[dict[str, Term]]]:
    """The edition's official ranking, one row per value, for .csv / .json."""
    return TABLE_COLUMNS, select(EDITION_RANKING, {"edition": iri(thing)}).rows
