"""Canned queries: the ``queries/*.rq`` files, their headers, typed parameters, and ``/queries``.

Each file starts with comment lines that describe it::

    # title: Province trajectory
    # description: ...
    # param: province iri required "A province IRI"
    # param: limit integer optional default=10 "Ranks up to this one"
    # columns: province edition rank score

Parameters are validated by type (an IRI must also name something in the graph) and written into
the query text as typed, escaped terms by ``dti_kg.server.bindings``, never pasted as they came.
Every parameter is also a column, so a result says what it was asked for.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from dti_kg.errors import DtiError
from dti_kg.resources import query_files, read_text
from dti_kg.server import tables
from dti_kg.server.bindings import inline
from dti_kg.server.conneg import negotiate
from dti_kg.server.errors import NotAcceptable, QueryRejected
from dti_kg.server.executor import ExecResult
from dti_kg.server.known import names_something, suggestions
from dti_kg.server.links import resolve_iri
from dti_kg.server.results import (
    SPARQL_JSON,
    XSD,
    decode_rows,
    executor,
    iri,
    literal,
    pinned_build,
    sparql_json_bindings,
)

PARAM_TYPES = ("iri", "integer", "year", "string")
YEARS = range(2020, 2025)  # the editions assessed so far
MAX_INTEGER = 10_000
MAX_STRING = 200

_HEADER = re.compile(r"#\s*(title|description|param|columns)\s*:\s*(.*)")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class CannedQuery:
    name: str  # file name without ".rq"
    title: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str

    @property
    def runs_on_defaults(self) -> bool:
        """It runs with no parameter given (``bind`` refuses a required one that has no default)."""
        return not any(p.required and p.default is None for p in self.params)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "default": p.default,
                    "description": p.description,
                }
                for p in self.params
            ],
            "columns": list(self.columns),
        }


def _parse_param(spec: str, where: str) -> Param:
    try:
        words = shlex.split(spec)
    except ValueError as exc:
        raise DtiError(f"{where}: bad param line {spec!r} ({exc})") from None
    if len(words) < 3 or words[1] not in PARAM_TYPES or words[2] not in {"required", "optional"}:
        raise DtiError(
            f'{where}: param line {spec!r} must read: NAME TYPE required|optional [default=V] ["text"]'
            f" with TYPE one of {', '.join(PARAM_TYPES)}"
        )
    name, kind, need, *rest = words
    if not _NAME.fullmatch(name):
        raise DtiError(f"{where}: parameter name {name!r} must be lower-case letters, digits, _")
    default = None
    description = ""
    for word in rest:
        if word.startswith("default="):
            default = word.removeprefix("default=")
        else:
            description = word
    return Param(name, kind, need == "required", default, description)


def parse_query(name: str, text: str) -> CannedQuery:
    """Read the header of one canned query; a malformed header is an error naming the file."""
    where = f"queries/{name}.rq"
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            params.append(_parse_param(value, where))
        else:
            fields[key] = value
    missing = [k for k in ("title", "columns") if k not in fields]
    if missing:
        raise DtiError(f"{where}: header lacks {', '.join(missing)}")
    columns = tuple(fields["columns"].split())
    for p in params:
        if p.name not in columns:
            raise DtiError(f"{where}: parameter {p.name} must be a column (a result names what it answers)")
        if p.default is not None:
            validate(p, p.default, base="https://example.org/")  # a bad default fails at load time
    return CannedQuery(name, fields["title"], fields.get("description", ""), tuple(params), columns, text)


@cache
def canned_queries() -> dict[str, CannedQuery]:
    """All shipped canned queries by name, in file-name order."""
    out = {}
    for resource in query_files():
        name = resource.name.removesuffix(".rq")
        out[name] = parse_query(name, read_text(resource))
    return out


def validate(param: Param, value: str, *, base: str, host_root: str | None = None) -> tuple:
    """The substitution for one parameter value; QueryRejected (400) naming the parameter when bad."""

    def bad(why: str) -> QueryRejected:
        return QueryRejected(f"parameter {param.name!r}: {why}", parameter=param.name)

    value = value.strip()
    if param.type == "iri":
        resolved = resolve_iri(value, base=base, host_root=host_root)
        if resolved is None:
            raise bad(f"{value!r} is not an IRI under {base} nor an absolute http(s) IRI")
        return iri(resolved)
    if param.type in {"integer", "year"}:
        if not re.fullmatch(r"[+-]?\d{1,9}", value):
            raise bad(f"{value!r} is not an integer")
        number = int(value)
        if param.type == "year":
            if number not in YEARS:
                raise bad(f"{number} is not an edition year ({YEARS.start}–{YEARS.stop - 1})")
            return literal(str(number), XSD + "integer")  # matched against dti:year (an xsd:integer)
        if not 0 <= number <= MAX_INTEGER:
            raise bad(f"{number} is outside 0–{MAX_INTEGER}")
        return literal(str(number), XSD + "integer")
    if len(value) > MAX_STRING:
        raise bad(f"longer than {MAX_STRING} characters")
    return literal(value)


def bind(query: CannedQuery, args: Any, *, base: str, host_root: str | None = None) -> dict[str, tuple]:
    """Substitutions for a request's arguments: defaults applied (so a bare ``/queries/<name>`` runs on
    its defaults), a required parameter with no value and no default refused, all typed."""
    substitutions = {}
    for p in query.params:
        raw = args.get(p.name)
        if raw is None or raw.strip() == "":
            if p.default is None and p.required:
                raise QueryRejected(f"parameter {p.name!r} is required ({p.description})", parameter=p.name)
            if p.default is None:
                continue
            raw = p.default
        substitutions[p.name] = validate(p, raw, base=base, host_root=host_root)
    return substitutions


def require_named(query: CannedQuery, values: dict[str, tuple]) -> None:
    """QueryRejected (400) naming the first IRI parameter whose value names nothing in the graph,
    with the closest IRIs that do (a typo would otherwise be a 200 with no rows)."""
    asked = [p.name for p in query.params if p.type == "iri" and p.name in values]
    if not asked:
        return
    for name in asked:
        value = values[name][1]
        if not names_something(value):
            hints = suggestions(value)
            hint = f"; did you mean {' or '.join(hints)}?" if hints else ""
            detail = f"parameter {name!r}: {value} names nothing in the graph{hint}"
            raise QueryRejected(detail, parameter=name)


# ---------------------------------------------------------------- HTTP

bp = Blueprint("canned", __name__)

# format parameter -> media type of the answer. HTML, JSON records and plain TSV are made here from the
# worker's SPARQL JSON; "srj" (or Accept: application/sparql-results+json) is SPARQL JSON itself.
FORMATS = {
    "html": "text/html",
    "json": "application/json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "srj": SPARQL_JSON,
}
_WRITERS = {"json": tables.records, "tsv": tables.tsv}
# Rows an HTML answer shows (the downloads have them all): 10,000 rows were a 13 MB page that took 5-9 s to
# write at 10,000 articles (audit-trail), too large for the response cache to keep.
HTML_ROWS = 1000


def _choose_format(default: str = "html", extension: str | None = None) -> str:
    fmt = extension or request.args.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise NotAcceptable(
                f"format {fmt!r} is not offered; use one of {', '.join(FORMATS)}", parameter="format"
            )
        # SPARQL clients (SPARQLWrapper) send format=json and ask for SPARQL JSON by name: give them that.
        if fmt == "json" and not extension and SPARQL_JSON in request.headers.get("Accept", ""):
            return "srj"
        return fmt
    offered = [FORMATS[default], *(m for k, m in FORMATS.items() if k != default)]
    media_type = negotiate(request.headers.get("Accept"), offered)
    if media_type is None:
        raise NotAcceptable(f"none of {', '.join(offered)} is acceptable")
    return next(k for k, m in FORMATS.items() if m == media_type)


def _host_root() -> str:
    return request.host_url


@bp.get("/queries")
@bp.get("/queries.<ext>")
def list_queries(ext: str | None = None) -> Response | str:
    queries = list(canned_queries().values())
    if ext == "json" or (ext is None and _choose_listing() == "json"):
        return jsonify(
            {"queries": [{**q.as_json(), "url": url_for("canned.run_query", name=q.name)} for q in queries]}
        )
    if ext not in {None, "html"}:
        abort(404)
    return render_template("queries.html", queries=queries)


def _choose_listing() -> str:
    media_type = negotiate(request.headers.get("Accept"), ["text/html", "application/json"])
    return "json" if media_type == "application/json" else "html"


@bp.get("/queries/<name>.rq")
def query_text(name: str) -> Response:
    query = canned_queries().get(name) or abort(404)
    return Response(query.text, content_type="application/sparql-query; charset=utf-8")


@bp.get("/queries/<name>")
def run_query(name: str) -> Response | str:
    """Run a canned query; ``/queries/<name>.csv`` (or .json, .tsv, .html) is ``?format=csv``."""
    stem, _, extension = name.rpartition(".")
    if stem and extension in FORMATS and stem in canned_queries():
        name = stem
    else:
        extension = ""
    query = canned_queries().get(name)
    if query is None:
        abort(404, f"no canned query named {name!r}; see /queries")
    fmt = _choose_format(extension=extension or None)
    values = bind(query, request.args, base=current_app.config["BASE_IRI"], host_root=_host_root())
    require_named(query, values)
    accept = FORMATS[fmt] if fmt in {"csv", "srj"} else SPARQL_JSON
    result = run_canned(query, values, accept=accept)
    if fmt in _WRITERS:
        response = Response(_WRITERS[fmt](result.body), content_type=f"{FORMATS[fmt]}; charset=utf-8")
    elif fmt != "html":
        response = Response(result.body, content_type=result.media_type)
        if fmt == "csv":
            response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        columns, bindings = sparql_json_bindings(result.body)
        response = Response(
            render_template(
                "query_result.html",
                query=query,
                columns=columns,
                rows=decode_rows(bindings[:HTML_ROWS]),  # only the rows shown become Terms
                total=len(bindings),
                args=request.args,
                truncated=result.truncated,
                alternates=_alternates(name),
            ),
            content_type="text/html; charset=utf-8",
        )
    if result.truncated:
        response.headers["X-DTI-Truncated"] = "true"
    response.headers["Vary"] = "Accept"
    return response


def run_canned(query: CannedQuery, values: dict[str, tuple], *, accept: str) -> ExecResult:
    """Run a canned query with its typed values on the current (or pinned) build."""
    return executor().run(
        inline(query.text, values),
        accept=accept,
        build=pinned_build(),
        what=f"the canned query {query.name!r}",
        advice=timeout_advice(query, values),
    )


def timeout_advice(query: CannedQuery, values: dict[str, tuple]) -> str:
    """What to do when a canned query ran past the deadline (its reader cannot edit the text): the
    optional parameters not given narrow it (over a large graph the whole-graph defaults of conflicts,
    unverifiable-claims or audit-trail read every claim: 20-90 s at 10,000 articles, in Oxigraph's own
    server too); every claim with its verdict is also in a release's download."""
    unasked = [p.name for p in query.params if not p.required and p.name not in values]
    narrow = (
        f"narrow it with {', '.join(f'{name}=' for name in unasked)} (see /queries/{query.name}.rq)"
        if unasked
        else "retry later"
    )
    return f"{narrow}, or take every claim with its verdict from a release's download (claims.csv, /releases)"


def _alternates(name: str) -> list[tuple[str, str]]:
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "format"}
    return [
        (fmt.upper(), url_for("canned.run_query", name=name, format=fmt, **args)) for fmt in ("csv", "json")
    ]


def rows_as_csv(columns: list[str], rows: list[dict]) -> str:
    """CSV of decoded rows (used by pages offering .csv alternates)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([str(row[c]) if row.get(c) is not None else "" for c in columns])
    return out.getvalue()
