"""The province page: every value of a unit (official and claimed) pivoted by edition and cohort, the
overall-rank chart, official rank changes, and for a post-2025 unit its predecessors' history."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from flask import render_template
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from dti_kg.namespaces import DTI
from dti_kg.server.pages_chart import rank_chart
from dti_kg.server.pages_common import (
    MEASURE_LABELS,
    MEASURE_ORDER,
    PILLAR_ORDER,
    PREFIX_LINES,
    STATUS_LABELS,
    alternates,
    column_groups,
    facts,
    indicator_order,
    labels,
)
from dti_kg.server.pages_unit_history import predecessor_history
from dti_kg.server.results import Table, Term, iri, select

PROVINCE_VALUES = (
    PREFIX_LINES
    + """
SELECT ?province ?unit ?unitLabel ?postMerger ?year ?indicator ?measure ?value ?derived ?cohort ?origin ?obs
       ?source ?title ?quote ?note ?status
WHERE {
  ?province dti:mergedInto? ?unit .
  ?obs dti:province ?unit ; dti:edition ?edition ; dti:indicator ?ind ; qb:measureType ?m ; ?m ?value .
  ?ind skos:notation ?indicator .
  ?edition dti:yearAssessed ?year .
  # The UNION sits in the first group, with ?obs bound by the province, and every OPTIONAL body is one
  # triple pattern on a bound variable, the rest nested (a required part as OPTIONAL + FILTER(BOUND), a
  # property path spelt out; same rows): a body of joined patterns, or a path, was read for every claim
  # in the store (24.8 s -> under a second at 10,000 articles; docs/query-performance.md).
  { ?obs a dti:OfficialObservation . BIND("official" AS ?origin) }
  UNION
  { ?obs a dti:Claim . BIND("claim" AS ?origin) }
  OPTIONAL {
    ?obs dti:evidence ?span
    OPTIONAL { ?span oa:hasSelector ?sel OPTIONAL { ?sel oa:exact ?quote } FILTER(BOUND(?quote)) }
    FILTER(BOUND(?quote) && ?origin = "claim")
  }
  OPTIONAL {
    ?reconciliation dti:claim ?obs OPTIONAL { ?reconciliation dti:status ?statusConcept }
    FILTER(BOUND(?statusConcept) && ?origin = "claim")
  }
  BIND(LCASE(STRAFTER(STR(?statusConcept), "#")) AS ?status)
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?obs dti:derivation ?derivation }
  BIND(COALESCE(?derivation = dti:Derived, false) AS ?derived)
  OPTIONAL { ?obs dti:cohort ?c OPTIONAL { ?c dti:cohortSize ?cohort } FILTER(BOUND(?cohort)) }
  OPTIONAL { ?obs dcterms:source ?source OPTIONAL { ?source dcterms:title ?title } }
  OPTIONAL { ?edition dti:framework ?fw OPTIONAL { ?fw dti:comparabilityNote ?note } FILTER(BOUND(?note)) }
  OPTIONAL { ?unit skos:prefLabel ?unitLabel FILTER(LANG(?unitLabel) = "vi") }
  OPTIONAL { ?unit a dti:PostMergerProvince . BIND(true AS ?postMerger) }
}
ORDER BY ?year ?cohort ?indicator ?measure ?origin ?obs ?source ?quote
"""
)

MERGERS = (
    PREFIX_LINES
    + """
SELECT ?province ?relation ?other ?label WHERE {
  { ?province dti:mergedInto ?other . BIND("successor" AS ?relation) }
  UNION { ?province dti:mergedFrom ?other . BIND("predecessor" AS ?relation) }
  UNION { ?peer dti:mergedInto ?succ . ?province dti:mergedInto ?succ . FILTER(?peer != ?province)
          BIND(?peer AS ?other) BIND("merged-with" AS ?relation) }
  OPTIONAL { ?other skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
}
ORDER BY ?relation ?label
"""
)

# The .csv / .json alternates: one row per value and source; ``derived`` is true for ranks computed from
# the scores (official) or from other figures of the article (claims).
TABLE_COLUMNS = [
    "year",
    "cohort",
    "unit",
    "indicator",
    "measure",
    "value",
    "derived",
    "origin",
    "obs",
    "source",
    "quote",
]


@dataclass(frozen=True)
class Official:
    value: str
    obs: str  # the observation IRI (audit links)
    derived: bool


@dataclass
class Evidence:
    claim: str
    value: str
    derived: bool
    quote: str = ""
    source: str = ""
    title: str = ""
    status: str = ""  # reconciliation with the official tables: confirmed, contradicted, unverifiable


@dataclass(frozen=True)
class ClaimGroup:
    """One distinct claimed value of a cell and how many claims state (or derive) it."""

    value: str
    derived: bool
    count: int


@dataclass
class Cell:
    official: list[Official] = field(default_factory=list)
    claims: dict[str, Evidence] = field(default_factory=dict)

    @property
    def claim_groups(self) -> list[ClaimGroup]:
        counts: dict[tuple[str, bool], int] = defaultdict(int)
        for e in self.claims.values():
            counts[(e.value, e.derived)] += 1
        return [
            ClaimGroup(v, d, n) for (v, d), n in sorted(counts.items(), key=lambda k: (_num(k[0][0]), k[0]))
        ]


def _num(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("inf")


def _column_key(column: tuple[str, str]) -> tuple[int, int]:
    indicator, measure = column
    return (indicator_order(indicator), MEASURE_ORDER.index(measure) if measure in MEASURE_ORDER else 9)


def anchor(row: dict) -> str:
    return "v-" + re.sub(
        r"[^a-z0-9]+", "-", f"{row['year']}-{row['cohort'] or 'x'}-{row['unit'].rsplit('/', 1)[-1]}".lower()
    )


def province_table(table: Table) -> dict:
    """Pivot the province's values: one row per (edition, cohort, unit), one column per indicator+measure.

    Columns are split into the headline table (overall index and pillars) and the main indices; each row
    collects the official sources of its values once.
    """
    cells: dict[tuple[str, str, str], dict[tuple[str, str], Cell]] = defaultdict(lambda: defaultdict(Cell))
    sources: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    units: dict[str, tuple[str, bool]] = {}
    notes: dict[str, str] = {}
    for r in table.rows:
        year, unit = str(r["year"]), str(r["unit"])
        cohort = str(r["cohort"]) if r.get("cohort") else ""
        key = (year, cohort, unit)
        cell = cells[key][(str(r["indicator"]), str(r["measure"]))]
        value, derived = str(r["value"]), str(r["derived"]) == "true"
        units[unit] = (str(r.get("unitLabel") or ""), bool(r.get("postMerger")))
        if r.get("note"):
            notes[year] = str(r["note"])
        if str(r["origin"]) == "official":
            if all(o.value != value for o in cell.official):
                cell.official.append(Official(value, str(r["obs"]), derived))
            if r.get("source") and str(r["source"]) not in sources[key]:
                sources[key].append(str(r["source"]))
        else:
            ev = cell.claims.setdefault(str(r["obs"]), Evidence(str(r["obs"]), value, derived))
            ev.quote = ev.quote or (str(r["quote"]) if r.get("quote") else "")
            ev.source = ev.source or (str(r["source"]) if r.get("source") else "")
            ev.title = ev.title or (str(r["title"]) if r.get("title") else "")
            ev.status = ev.status or (str(r["status"]) if r.get("status") else "")
    columns = sorted({c for row in cells.values() for c in row}, key=_column_key)
    rows = []
    for y, c, u in sorted(cells, key=lambda k: (k[0], k[1] or "~", k[2])):
        row: dict[str, Any] = {
            "year": y,
            "cohort": c,
            "unit": u,
            "cells": cells[(y, c, u)],
            "sources": sources[(y, c, u)],
        }
        row["unit_label"], row["post_merger"] = units[u]
        row["anchor"] = anchor(row)
        rows.append(row)
    headline = [c for c in columns if c[0] in PILLAR_ORDER]
    indices = [c for c in columns if c[0] not in PILLAR_ORDER]
    every_cell = [cell for row in rows for cell in row["cells"].values()]
    return {
        "columns": columns,
        "headline_columns": headline,
        "headline_groups": column_groups(headline),
        "index_columns": indices,
        "index_groups": column_groups(indices),
        "index_rows": [r for r in rows if any(c in r["cells"] for c in indices)],
        "rows": rows,
        "notes": notes,
        "derived_official": any(o.derived for cell in every_cell for o in cell.official),
        "derived_claims": any(e.derived for cell in every_cell for e in cell.claims.values()),
    }


def rank_changes(pivot: dict) -> list[dict]:
    """Official overall rank changes between consecutive editions of one cohort and unit, each with the
    later edition's comparability note (a change across a framework change is not like for like)."""
    series: dict[tuple[str, str], list[tuple[int, Official]]] = defaultdict(list)
    unit_labels = {row["unit"]: row["unit_label"] for row in pivot["rows"]}
    for row in pivot["rows"]:
        cell = row["cells"].get(("overall", "rank"))
        if row["cohort"] and cell is not None and cell.official:
            best = min(cell.official, key=lambda o: int(o.value))
            series[(row["cohort"], row["unit"])].append((int(row["year"]), best))
    out = []
    for (cohort, unit), points in sorted(series.items()):
        points.sort(key=lambda p: p[0])
        for (y0, r0), (y1, r1) in pairwise(points):
            out.append(
                {
                    "unit": unit,
                    "unit_label": unit_labels[unit],
                    "cohort": cohort,
                    "from_year": y0,
                    "to_year": y1,
                    "from": r0,
                    "to": r1,
                    "change": int(r0.value) - int(r1.value),  # + = places gained
                    "note": pivot["notes"].get(str(y1), ""),
                }
            )
    return out


def province_page(thing: str, graph: Graph) -> str:
    node = URIRef(thing)
    table = select(PROVINCE_VALUES, {"province": iri(thing)})
    pivot = province_table(table)
    mergers = select(MERGERS, {"province": iri(thing)})
    merged_unit = (node, RDF.type, DTI.PostMergerProvince) in graph
    return render_template(
        "province.html",
        status_labels=STATUS_LABELS,
        rank_changes=rank_changes(pivot),
        predecessors=predecessor_history(thing) if merged_unit else None,
        post_merger=merged_unit,
        thing=thing,
        labels=labels(graph, node),
        alt_labels=sorted(str(v) for v in graph.objects(node, SKOS.altLabel)),
        facts=facts(graph, node),
        pivot=pivot,
        chart=rank_chart(pivot),
        measure_labels=MEASURE_LABELS,
        mergers=mergers.rows,
        alternates=alternates(thing, tables=True),
        truncated=table.truncated,
    )


def province_rows(thing: str) -> tuple[list[str], list[dict[str, Term]]]:
    """The province page's values, one row per value and source, for .csv / .json."""
    return TABLE_COLUMNS, select(PROVINCE_VALUES, {"province": iri(thing)}).rows
