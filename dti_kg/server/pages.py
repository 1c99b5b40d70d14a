"""HTML pages: the blueprint, the dispatch of ``/doc/...`` to each page type, tables as .csv/.json, the
home page and /query.

Each page type lives in its own module (``pages_province``, ``pages_edition``, ``pages_claim``,
``pages_agency``, ``pages_resource``) with its SPARQL as module constants; shared helpers are in
``pages_common``. Every value comes from the store through the executor (``dti_kg.server.results``) and
is escaped by Jinja's autoescape. Pages with a table also answer ``.json`` and ``.csv`` (datasette
style), all of them Turtle/JSON-LD/N-Triples via ``/doc``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import Graph

from dti_kg.server import guard
from dti_kg.server.canned import canned_queries, rows_as_csv
from dti_kg.server.pages_agency import agency_page
from dti_kg.server.pages_claim import claim_page
from dti_kg.server.pages_common import (
    DERIVED,
    MEASURE_LABELS,
    PREFIX_LINES,
    curie,
    href,
    html_response,
    indicator_label,
    linkable,
    measure_text,
    score_text,
    term_text,
    vi_sort_key,
)
from dti_kg.server.pages_edition import edition_page, edition_rows
from dti_kg.server.pages_indicator import indicator_page, scheme_page
from dti_kg.server.pages_province import province_page, province_rows
from dti_kg.server.pages_resource import generic_page, render_vocabulary
from dti_kg.server.results import SPARQL_JSON, XSD, Term, decode_sparql_json, executor, select

# Imported from here by audit.py, resources.py and void.py.
__all__ = [
    "MEASURE_LABELS",
    "PREFIX_LINES",
    "bp",
    "generic_page",
    "html_response",
    "render_document",
    "render_vocabulary",
    "table_alternate",
]

bp = Blueprint("pages", __name__)


def register_template_helpers(state: object) -> None:
    app = state.app  # type: ignore[attr-defined]
    app.jinja_env.globals.update(
        href=href,
        linkable=linkable,
        canned_queries=canned_queries,  # the error page puts a canned query's form back
        curie=curie,
        derived_iri=DERIVED,
        indicator_label=indicator_label,
        measure_labels=MEASURE_LABELS,
        measure_text=measure_text,
        score_text=score_text,
        term_text=term_text,
    )


bp.record_once(register_template_helpers)


_PAGES: tuple[tuple[re.Pattern[str], Callable[[str, Graph], str]], ...] = (
    (re.compile(r"province/[^/]+"), province_page),
    (re.compile(r"edition/\d{4}"), edition_page),
    (re.compile(r"claim/[^/]+"), claim_page),
    (re.compile(r"agency/[^/]+"), agency_page),
    (re.compile(r"indicator/[^/]+"), indicator_page),
    (re.compile(r"indicator"), scheme_page),
)

# Pages with a table: path pattern -> (columns, rows) of the table for .csv / .json.
_TABLES: tuple[tuple[re.Pattern[str], Callable[[str], tuple[list[str], list[dict[str, Term]]]]], ...] = (
    (re.compile(r"province/[^/]+"), province_rows),
    (re.compile(r"edition/\d{4}"), edition_rows),
)


def render_document(path: str, thing: str, graph: Graph) -> str:
    """The HTML representation of ``{BASE}id/{path}``."""
    for pattern, page in _PAGES:
        if pattern.fullmatch(path):
            return page(thing, graph)
    return generic_page(thing, graph)


# ---------------------------------------------------------------- tables as .csv / .json


def page_table(path: str) -> tuple[list[str], list[dict[str, Term]]] | None:
    """The columns and rows of the table of the page of ``{BASE}id/<path>``, None when it has none."""
    thing = current_app.config["BASE_IRI"] + "id/" + path
    return next((rows(thing) for pattern, rows in _TABLES if pattern.fullmatch(path)), None)


def table_alternate(path: str, ext: str) -> Response | None:
    """The page's table as CSV or JSON, or None when the page has no table (-> 404)."""
    found = page_table(path)
    if found is None:
        return None
    columns, rows = found
    if ext == ".csv":
        return Response(rows_as_csv(columns, rows), content_type="text/csv; charset=utf-8")
    data = [{c: _json_value(r.get(c)) for c in columns} for r in rows]
    body = json.dumps({"columns": columns, "rows": data}, ensure_ascii=False, indent=1)
    return Response(body + "\n", content_type="application/json; charset=utf-8")


def _json_value(term: Term | None) -> str | bool | None:
    """Lexical forms as strings (values keep their stored precision); xsd:boolean (``derived``) as JSON."""
    if term is None:
        return None
    if term.datatype == XSD + "boolean":
        return term.value == "true"
    return term.value


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
    for key in ("province-34", "province-63"):
        groups[key].sort(key=lambda r: vi_sort_key(str(r.get("label") or r["thing"])))
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
