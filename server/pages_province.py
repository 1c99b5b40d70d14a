"""The province page: every value of a unit (official and claimed) pivoted by edition and cohort, the
overall-rank chart, official rank changes, and for a post-2025 unit its predecessors' history."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from flask import render_template
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from dti_kg.namespaces import DTI
from dti_kg.server.canned import canned_queries
from dti_kg.server.pages_common import (
    MEASURE_LABELS,
    MEASURE_ORDER,
    PILLAR_ORDER,
    PREFIX_LINES,
    alternates,
    facts,
    labels,
)
from dti_kg.server.results import Table, Term, iri, select

PROVINCE_VALUES = (
    PREFIX_LINES
    + """
SELECT ?province ?unit ?year ?indicator ?measure ?value ?cohort ?origin ?obs ?source ?title ?quote ?note
WHERE {
  ?province dti:mergedInto? ?unit .
  ?obs dti:province ?unit ; dti:edition ?edition ; dti:indicator ?ind ; qb:measureType ?m ; ?m ?value .
  ?ind skos:notation ?indicator .
  ?edition dti:yearAssessed ?year .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?obs dti:cohort/dti:cohortSize ?cohort }
  OPTIONAL { ?obs dcterms:source ?source OPTIONAL { ?source dcterms:title ?title } }
  { ?obs a dti:OfficialObservation . BIND("official" AS ?origin) }
  UNION
  {
    ?obs a dti:Claim . BIND("claim" AS ?origin)
    OPTIONAL { ?obs dti:evidence/oa:hasSelector/oa:exact ?quote }
  }
  OPTIONAL { ?edition dti:framework/dti:comparabilityNote ?note }
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


@dataclass
class Evidence:
    claim: str
    value: str
    quote: str = ""
    source: str = ""
    title: str = ""


@dataclass
class Cell:
    official: list[str] = field(default_factory=list)
    official_obs: dict[str, str] = field(default_factory=dict)  # value -> observation IRI (audit links)
    sources: list[str] = field(default_factory=list)
    claims: dict[str, Evidence] = field(default_factory=dict)

    @property
    def anchor_values(self) -> list[str]:
        return sorted({e.value for e in self.claims.values()})


def _column_key(column: tuple[str, str]) -> tuple[int, int]:
    indicator, measure = column
    i = PILLAR_ORDER.index(indicator) if indicator in PILLAR_ORDER else len(PILLAR_ORDER)
    return (i, MEASURE_ORDER.index(measure) if measure in MEASURE_ORDER else 9)


def province_table(table: Table) -> dict:
    """Pivot the province's values: one row per (edition, cohort, unit), one column per indicator+measure."""
    cells: dict[tuple[str, str, str], dict[tuple[str, str], Cell]] = defaultdict(lambda: defaultdict(Cell))
    notes: dict[str, str] = {}
    for r in table.rows:
        year, unit = str(r["year"]), str(r["unit"])
        cohort = str(r["cohort"]) if r.get("cohort") else ""
        column = (str(r["indicator"]), str(r["measure"]))
        cell = cells[(year, cohort, unit)][column]
        value = str(r["value"])
        if r.get("note"):
            notes[year] = str(r["note"])
        if str(r["origin"]) == "official":
            if value not in cell.official:
                cell.official.append(value)
                cell.official_obs[value] = str(r["obs"])
            if r.get("source") and str(r["source"]) not in cell.sources:
                cell.sources.append(str(r["source"]))
        else:
            ev = cell.claims.setdefault(str(r["obs"]), Evidence(str(r["obs"]), value))
            ev.quote = ev.quote or (str(r["quote"]) if r.get("quote") else "")
            ev.source = ev.source or (str(r["source"]) if r.get("source") else "")
            ev.title = ev.title or (str(r["title"]) if r.get("title") else "")
    columns = sorted({c for row in cells.values() for c in row}, key=_column_key)
    rows = [
        {"year": y, "cohort": c, "unit": u, "cells": cells[(y, c, u)]}
        for (y, c, u) in sorted(cells, key=lambda k: (k[0], k[1] or "~", k[2]))
    ]
    return {"columns": columns, "rows": rows, "notes": notes}


def rank_chart(pivot: dict, *, width: int = 560, height: int = 260) -> dict:
    """Coordinates of an inline SVG line chart of the overall rank per edition, one series per cohort.

    Official ranks are drawn filled, ranks known only from news claims hollow. Rank 1 is at the top.
    """
    series: dict[str, list[dict]] = defaultdict(list)
    for row in pivot["rows"]:
        cell = row["cells"].get(("overall", "rank"))
        if cell is None:
            continue
        values = cell.official or cell.anchor_values
        if not values:
            continue
        # Several claims may disagree: plot the official value, else the smallest claimed rank.
        rank = min(int(v) for v in values)
        label = row["cohort"] or "?"
        series[label].append(
            {"year": int(row["year"]), "rank": rank, "official": bool(cell.official), "anchor": anchor(row)}
        )
    if not series:
        return {}
    years = list(range(2020, 2025))
    worst = max(max(p["rank"] for pts in series.values() for p in pts), 10)
    left, right, top, bottom = 48, 16, 16, 32
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(year: int) -> float:
        return round(left + plot_w * (year - years[0]) / (len(years) - 1), 1)

    def y(rank: int) -> float:
        return round(top + plot_h * (rank - 1) / max(worst - 1, 1), 1)

    ticks = sorted({1, *range(10, worst + 1, 10), worst})
    out_series = []
    for name in sorted(series):
        points = sorted(series[name], key=lambda p: p["year"])
        for p in points:
            p["x"], p["y"] = x(p["year"]), y(p["rank"])
        out_series.append(
            {
                "name": name,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "bottom": height - bottom,
        "right": width - right,
        "xticks": [{"year": yr, "x": x(yr)} for yr in years],
        "yticks": [{"rank": t, "y": y(t)} for t in ticks],
        "series": out_series,
    }


def anchor(row: dict) -> str:
    return "v-" + re.sub(
        r"[^a-z0-9]+", "-", f"{row['year']}-{row['cohort'] or 'x'}-{row['unit'].rsplit('/', 1)[-1]}".lower()
    )


def rank_changes(pivot: dict) -> list[dict]:
    """Official overall rank changes between consecutive editions of one cohort and unit, each with the
    later edition's comparability note (a change across a framework change is not like for like)."""
    series: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for row in pivot["rows"]:
        cell = row["cells"].get(("overall", "rank"))
        if row["cohort"] and cell is not None and cell.official:
            series[(row["cohort"], row["unit"])].append(
                (int(row["year"]), min(int(v) for v in cell.official))
            )
    out = []
    for (cohort, unit), points in sorted(series.items()):
        points.sort()
        for (y0, r0), (y1, r1) in pairwise(points):
            out.append(
                {
                    "unit": unit,
                    "cohort": cohort,
                    "from_year": y0,
                    "to_year": y1,
                    "from_rank": r0,
                    "to_rank": r1,
                    "change": r0 - r1,  # + = places gained
                    "note": pivot["notes"].get(str(y1), ""),
                }
            )
    return out


PREDECESSOR_CLAIMS = (
    PREFIX_LINES
    + """
SELECT ?unit ?member ?label ?year ?indicator ?measure ?value ?claim ?status WHERE {
  ?unit dti:mergedFrom ?member .
  ?claim a dti:Claim ; dti:province ?member ; dti:edition ?edition ; dti:indicator ?ind ;
         qb:measureType ?m ; ?m ?value .
  ?edition dti:yearAssessed ?year .
  ?ind skos:notation ?indicator .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?member skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
  OPTIONAL { ?rec dti:claim ?claim ; dti:status ?st . BIND(STRAFTER(STR(?st), "#") AS ?status) }
}
ORDER BY ?year ?label ?indicator ?measure ?claim
"""
)


def predecessor_history(thing: str) -> dict:
    """A post-2025 unit's predecessors: official overall values per edition beside the unit's own, and
    the news claims about them (the canned query unit-predecessors-scores, shared with /queries)."""
    subs = {"unit": iri(thing)}
    table = select(canned_queries()["unit-predecessors-scores"].text, subs)
    by_year: dict[str, list[dict[str, Term]]] = defaultdict(list)
    for row in table.rows:
        by_year[str(row["year"])].append(row)
    return {
        "years": sorted(by_year.items()),
        "claims": select(PREDECESSOR_CLAIMS, subs).rows,
        "truncated": table.truncated,
    }


def province_page(thing: str, graph: Graph) -> str:
    node = URIRef(thing)
    table = select(PROVINCE_VALUES, {"province": iri(thing)})
    pivot = province_table(table)
    mergers = select(MERGERS, {"province": iri(thing)})
    merged_unit = (node, RDF.type, DTI.PostMergerProvince) in graph
    return render_template(
        "province.html",
        rank_changes=rank_changes(pivot),
        predecessors=predecessor_history(thing) if merged_unit else None,
        thing=thing,
        labels=labels(graph, node),
        alt_labels=sorted(str(v) for v in graph.objects(node, SKOS.altLabel)),
        facts=facts(graph, node),
        pivot=pivot,
        chart=rank_chart(pivot),
        measure_labels=MEASURE_LABELS,
        mergers=mergers.rows,
        anchor=anchor,
        alternates=alternates(thing, tables=True),
        truncated=table.truncated,
    )


TABLE_COLUMNS = [
    "year",
    "cohort",
    "unit",
    "indicator",
    "measure",
    "value",
    "origin",
    "obs",
    "source",
    "quote",
]


def province_rows(thing: str) -> tuple[list[str], list[dict[str, Term]]]:
    """The province page's values, one row per value and source, for .csv / .json."""
    return TABLE_COLUMNS, select(PROVINCE_VALUES, {"province": iri(thing)}).rows
