"""HTML pages: home, province, edition, claim, agency, any other resource, the vocabulary, /query.

Every value comes from the store through the executor (``dti_kg.server.results``) and is escaped by
Jinja's autoescape; the SVG chart is drawn here from numbers only. Pages with a table also answer
``.json`` and ``.csv`` (datasette style), all of them Turtle/JSON-LD/N-Triples via ``/doc``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from dti_kg.namespaces import DTI, PREFIXES
from dti_kg.server.canned import canned_queries, rows_as_csv
from dti_kg.server.results import SPARQL_JSON, Table, Term, decode_sparql_json, executor, iri, select

PILLAR_ORDER = ("overall", "digital_government", "digital_economy", "digital_society")
MEASURE_ORDER = ("rank", "score", "rankChange")
MEASURE_LABELS = {
    "rank": ("Hạng", "Rank"),
    "score": ("Điểm", "Score"),
    "rankChange": ("Thay đổi hạng", "Rank change"),
}
PREFIX_LINES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in sorted(PREFIXES.items()))

bp = Blueprint("pages", __name__)


# ---------------------------------------------------------------- helpers shared by templates


def href(target: str | Term | URIRef) -> str:
    from dti_kg.server.resources import local_href

    return local_href(str(target))


def curie(target: str | URIRef) -> str:
    text = str(target)
    best = ""
    for prefix, ns in PREFIXES.items():
        if text.startswith(str(ns)) and len(str(ns)) > len(best):
            best, name = str(ns), f"{prefix}:{text[len(str(ns)) :]}"
    if best:
        return name
    base = current_app.config["BASE_IRI"]
    return text[len(base) :] if text.startswith(base) else text


def labels(graph: Graph, node: URIRef) -> dict[str, str]:
    """Labels of ``node`` by language ("vi", "en", ""), prefLabel before rdfs:label."""
    out: dict[str, str] = {}
    for predicate in (SKOS.prefLabel, RDFS.label):
        for value in sorted(graph.objects(node, predicate)):
            if isinstance(value, Literal):
                out.setdefault(value.language or "", str(value))
    return out


def register_template_helpers(state: object) -> None:
    app = state.app  # type: ignore[attr-defined]
    app.jinja_env.globals.update(href=href, curie=curie)


bp.record_once(register_template_helpers)


def html_response(body: str) -> Response:
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


# ---------------------------------------------------------------- province


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
        facts=_facts(graph, node),
        pivot=pivot,
        chart=rank_chart(pivot),
        measure_labels=MEASURE_LABELS,
        mergers=mergers.rows,
        anchor=anchor,
        alternates=_alternates(thing, tables=True),
        truncated=table.truncated,
    )


# ---------------------------------------------------------------- edition

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
        facts=_facts(graph, node),
        framework=framework,
        framework_facts=_facts(graph, framework) if framework else [],
        publisher=publisher,
        publisher_labels=labels(graph, publisher) if publisher else {},
        ranking=ranking,
        ranking_columns=RANKING_COLUMNS,
        measure_labels=MEASURE_LABELS,
        alternates=_alternates(thing, tables=True),
        truncated=truncated,
    )


# ---------------------------------------------------------------- claim

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
    facts = select(CLAIM_FACTS, subs).rows
    evidence = select(CLAIM_EVIDENCE, subs).rows
    checks = select(CLAIM_CHECKS, subs).rows
    return render_template(
        "claim.html",
        thing=thing,
        claim=facts[0] if facts else None,
        derived_from=sorted({str(r["derivedFrom"]) for r in facts if r.get("derivedFrom")}),
        evidence=evidence,
        checks=checks,
        measure_labels=MEASURE_LABELS,
        facts=_facts(Graph(), URIRef(thing)) if not facts else [],
        alternates=_alternates(thing),
    )


# ---------------------------------------------------------------- agency

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
SELECT ?agency ?event ?label ?started ?role ?other ?otherLabel WHERE {
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
    succeeded_by = sorted(graph.objects(node, DTI.succeededBy))
    preceded_by = sorted(graph.subjects(DTI.succeededBy, node))
    return render_template(
        "agency.html",
        thing=thing,
        labels=labels(graph, node),
        alt_labels=sorted(str(v) for v in graph.objects(node, SKOS.altLabel)),
        facts=_facts(graph, node),
        editions=select(AGENCY_EDITIONS, subs).rows,
        events=select(AGENCY_EVENTS, subs).rows,
        succeeded_by=[(s, labels(graph, s)) for s in succeeded_by],
        preceded_by=[(s, labels(graph, s)) for s in preceded_by],
        alternates=_alternates(thing),
    )


# ---------------------------------------------------------------- any resource


def _facts(graph: Graph, node: URIRef) -> list[dict]:
    """Outgoing triples of ``node`` for display: predicate, object, object's label."""
    out = []
    for predicate, obj in sorted(graph.predicate_objects(node)):
        lab = labels(graph, obj) if isinstance(obj, URIRef) else {}
        out.append(
            {
                "predicate": predicate,
                "object": obj,
                "is_iri": isinstance(obj, URIRef),
                "label": lab.get("vi") or lab.get("en") or lab.get(""),
                "lang": obj.language if isinstance(obj, Literal) else None,
            }
        )
    return out


def _incoming(graph: Graph, node: URIRef) -> list[dict]:
    out = []
    for subject, predicate in sorted(graph.subject_predicates(node)):
        lab = labels(graph, subject)
        out.append(
            {
                "subject": subject,
                "predicate": predicate,
                "label": lab.get("vi") or lab.get("en") or lab.get(""),
                "types": sorted(curie(t) for t in graph.objects(subject, RDF.type)),
            }
        )
    return out


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
        facts=_facts(graph, node),
        parts=[(p, _facts(graph, p)) for p in parts],
        incoming=_incoming(graph, node),
        alternates=_alternates(thing),
    )


_PAGES = (
    (re.compile(r"province/[^/]+"), province_page),
    (re.compile(r"edition/\d{4}"), edition_page),
    (re.compile(r"claim/[^/]+"), claim_page),
    (re.compile(r"agency/[^/]+"), agency_page),
)


def render_document(path: str, thing: str, graph: Graph) -> str:
    """The HTML representation of ``{BASE}id/{path}``."""
    for pattern, page in _PAGES:
        if pattern.fullmatch(path):
            return page(thing, graph)
    return generic_page(thing, graph)


def _alternates(thing: str, *, tables: bool = False) -> list[tuple[str, str]]:
    from dti_kg.server.resources import local_href

    doc = local_href(thing)
    out = [("Turtle", doc + ".ttl"), ("JSON-LD", doc + ".jsonld"), ("N-Triples", doc + ".nt")]
    if tables:
        out += [("CSV", doc + ".csv"), ("JSON", doc + ".json")]
    return out


# ---------------------------------------------------------------- tables as .csv / .json


def _table_rows(path: str) -> tuple[list[str], list[dict[str, Term]]] | None:
    base = current_app.config["BASE_IRI"]
    thing = base + "id/" + path
    if re.fullmatch(r"province/[^/]+", path):
        table = select(PROVINCE_VALUES, {"province": iri(thing)})
        columns = [
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
        return columns, table.rows
    if re.fullmatch(r"edition/\d{4}", path):
        table = select(EDITION_RANKING, {"edition": iri(thing)})
        return ["cohort", "province", "label", "indicator", "measure", "value"], table.rows
    return None


def table_alternate(path: str, ext: str) -> Response | None:
    """The page's table as CSV or JSON, or None when the page has no table (-> 404)."""
    found = _table_rows(path)
    if found is None:
        return None
    columns, rows = found
    if ext == ".csv":
        return Response(rows_as_csv(columns, rows), content_type="text/csv; charset=utf-8")
    data = [{c: (str(r[c]) if r.get(c) is not None else None) for c in columns} for r in rows]
    body = json.dumps({"columns": columns, "rows": data}, ensure_ascii=False, indent=1)
    return Response(body + "\n", content_type="application/json; charset=utf-8")


# ---------------------------------------------------------------- vocabulary


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


# ---------------------------------------------------------------- home and /query

HOME_INDEX = (
    PREFIX_LINES
    + """
SELECT ?kind ?thing ?label ?era ?year WHERE {
  {
    ?thing a dti:Province . BIND("province" AS ?kind)
    OPTIONAL { ?thing a dti:PostMergerProvince . BIND("34" AS ?post) }
    BIND(COALESCE(?post, "63") AS ?era)
  }
  UNION { ?thing a dti:Edition ; dti:yearAssessed ?year . BIND("edition" AS ?kind) }
  UNION { ?thing a dti:Agency . BIND("agency" AS ?kind) }
  OPTIONAL { ?thing skos:prefLabel|rdfs:label ?label FILTER(LANG(?label) = "vi") }
}
ORDER BY ?kind ?era ?year ?label ?thing
"""
)


@bp.get("/")
def home() -> Response:
    table = select(HOME_INDEX)
    groups: dict[str, list[dict[str, Term]]] = defaultdict(list)
    seen: set[str] = set()
    for row in table.rows:
        if str(row["thing"]) in seen:
            continue
        seen.add(str(row["thing"]))
        key = f"province-{row['era']}" if str(row["kind"]) == "province" else str(row["kind"])
        groups[key].append(row)
    return html_response(render_template("home.html", groups=groups, queries=list(canned_queries().values())))


QUERY_PAGE_ACCEPT = f"{SPARQL_JSON}, application/n-triples;q=0.9"


@bp.get("/query")
def query_page() -> Response:
    queries = canned_queries()
    chosen = request.args.get("canned")
    text = request.args.get("query")
    if text is None:
        text = queries[chosen].text if chosen in queries else _default_query()
    result = None
    if request.args.get("run") and text.strip():
        result = _run_for_page(text)
    return html_response(
        render_template("query.html", text=text, queries=list(queries.values()), chosen=chosen, result=result)
    )


def _default_query() -> str:
    return (
        PREFIX_LINES
        + "\nSELECT ?province ?label WHERE {\n"
        + "  ?province a dti:PostMergerProvince ; skos:prefLabel ?label .\n"
        + '  FILTER(LANG(?label) = "vi")\n}\nORDER BY ?label\nLIMIT 50\n'
    )


def _run_for_page(text: str) -> dict:
    """Run the editor's query through the executor, after the same guard as /sparql."""
    from dti_kg.server import guard

    guard.check(text, guard.Limits.from_settings(current_app.config), in_url=True)
    result = executor().run(text, accept=QUERY_PAGE_ACCEPT)
    if result.media_type.startswith(SPARQL_JSON):
        data = json.loads(result.body)
        if "boolean" in data:
            return {"boolean": data["boolean"], "truncated": result.truncated}
        columns, rows = decode_sparql_json(result.body)
        return {"columns": columns, "rows": rows, "truncated": result.truncated}
    lines = sorted(line for line in result.body.decode("utf-8").splitlines() if line)
    return {"triples": lines, "truncated": result.truncated}
