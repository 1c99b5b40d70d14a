"""``/sparql``: the SPARQL 1.1 Protocol (query operation only) over the killable executor.

GET ``?query=``, POST ``application/x-www-form-urlencoded`` and POST ``application/sparql-query``, with
``default-graph-uri`` / ``named-graph-uri``. The result format follows Accept (q-values) unless a
``format`` parameter is given. Unknown parameters are ignored (SPARQLWrapper sends ``output`` and
``results`` too). A bare GET answers the Service Description; a browser is sent to ``/query``.

Text must be UTF-8 everywhere (the protocol says so): a URL, a form body or a query body that is not
is refused with 400 instead of being read with replacement characters. Relative IRIs in a query
(``CONSTRUCT { <s> <p> 1 }``) resolve against the dataset's base IRI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, current_app, redirect, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from dti_kg.server import bounded, conneg, guard, service_description
from dti_kg.server.caching import current_stamp, etag_for, not_modified
from dti_kg.server.errors import NotAcceptable, QueryRejected, UnsupportedMediaType, UpdateRefused
from dti_kg.server.executor import ExecResult, retry_seconds
from dti_kg.server.results import executor, pinned_build

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
QUERY_PAGE = "/query"
TRUNCATED_HEADER = "X-DTI-Truncated"
BUILD_HEADER = "X-DTI-Build"

FORM_KIND = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graph_uris: tuple[str, ...]
    named_graph_uris: tuple[str, ...]
    accept: str
    in_url: bool  # the query came in the URL (too long -> 414, not 413)


def _utf8(raw: bytes, what: str, parameter: str | None = None) -> None:
    """Refuse percent-encoded ``raw`` (a query string, a form body) unless it decodes as UTF-8."""
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryRejected(
            f"{what} is not valid UTF-8 (bad byte at offset {exc.start} after percent-decoding)",
            parameter=parameter,
        ) from None


@bp.before_app_request
def _utf8_url() -> None:
    """Every URL of the app, and every form body: text that is not UTF-8 is a 400, not U+FFFD."""
    _utf8(request.query_string, "the URL's query string")
    # WSGI hands the decoded path over as latin-1 characters: their bytes are the path's bytes.
    _utf8(request.environ.get("PATH_INFO", "").encode("latin-1"), "the URL's path")
    if request.method == "POST" and request.mimetype == FORM:
        # Here, before any other hook reads request.form (werkzeug would decode it with U+FFFD):
        # get_data() keeps the raw bytes, and the form is parsed from them afterwards.
        _utf8(request.get_data(), "the form body")


def _refuse_update(params: MultiDict[str, str]) -> None:
    if "update" in params:
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted", parameter="update")


def _one_query(values: Sequence[str]) -> str | None:
    if len(values) > 1:
        raise QueryRejected("give exactly one query parameter", parameter="query")
    return values[0] if values else None


def _no_query_in_url() -> None:
    """A POSTed query with another ``query`` in the URL is ambiguous: the protocol says 400."""
    if "query" in request.args:
        raise QueryRejected(
            "the query is given both in the URL and in the request body; send it once", parameter="query"
        )


def _accept(params: MultiDict[str, str]) -> str:
    formats = params.getlist("format")
    if formats:
        accept = conneg.accept_from_format(formats)
        if accept is None:
            known = ", ".join(sorted(conneg.FORMAT_NAMES))
            raise NotAcceptable(f"unknown format {formats[0]!r}; known: {known}", parameter="format")
        return accept
    return request.headers.get("Accept", "*/*")


def _read_request() -> QueryRequest | None:
    """The query request, or None for a bare GET (the Service Description)."""
    if request.method == "GET":
        params = request.args
        _refuse_update(params)
        query = _one_query(params.getlist("query"))
        if query is None:
            return None
        in_url = True
    elif request.mimetype == FORM:
        params = MultiDict([*request.args.items(multi=True), *request.form.items(multi=True)])
        _refuse_update(params)
        _no_query_in_url()
        query = _one_query(request.form.getlist("query"))
        in_url = False
    elif request.mimetype == SPARQL_QUERY:
        params = request.args
        _no_query_in_url()
        charset = request.mimetype_params.get("charset", "utf-8")
        if charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise QueryRejected(f"the query must be sent as UTF-8, not {charset}", parameter="query")
        try:
            query = request.get_data().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QueryRejected(
                f"the request body is not valid UTF-8 (bad byte at offset {exc.start})", parameter="query"
            ) from None
        in_url = False
    elif request.mimetype == SPARQL_UPDATE:
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted")
    else:
        raise UnsupportedMediaType(
            f"a POST body must be {FORM} or {SPARQL_QUERY}, not {request.mimetype or 'untyped'}"
        )
    if query is None or not query.strip():
        raise QueryRejected("the query parameter is missing or empty", parameter="query")
    return QueryRequest(
        query=query,
        default_graph_uris=tuple(params.getlist("default-graph-uri")),
        named_graph_uris=tuple(params.getlist("named-graph-uri")),
        accept=_accept(params),
        in_url=in_url,
    )


def _service_description() -> BaseResponse:  # flask's redirect() is typed as werkzeug's Response
    accept = request.headers.get("Accept")
    if conneg.prefers_html(accept, conneg.GRAPH_TYPES):
        return redirect(request.script_root + QUERY_PAGE, code=303)
    media_type = conneg.choose(accept, "graph")
    if media_type is None:
        raise NotAcceptable(f"the service description is available as {', '.join(conneg.GRAPH_TYPES)}")
    body = service_description.describe(request.base_url, current_app.config["BASE_IRI"], media_type)
    response = Response(body, content_type=content_type(media_type))
    response.vary.add("Accept")
    return response


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def _run(req: QueryRequest, build: str | None, report: guard.Report) -> ExecResult:
    """Run the query: in this process when its shape bounds its cost (dti_kg.server.bounded), else on a
    query worker."""
    config = current_app.config
    if (
        build is None
        and not req.default_graph_uris
        and not req.named_graph_uris
        and bounded.is_bounded(req.query, report.tokens)
    ):
        retry = retry_seconds(float(config["QUERY_TIMEOUT"]))
        return bounded.local_store().run(
            req.query, accept=req.accept, base_iri=config["BASE_IRI"], retry=retry
        )
    return executor().run(
        req.query,
        accept=req.accept,
        default_graph_uris=req.default_graph_uris,
        named_graph_uris=req.named_graph_uris,
        base_iri=config["BASE_IRI"],
        build=build,
    )


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> BaseResponse:
    req = _read_request()
    if req is None:
        return _service_description()
    report = guard.check(req.query, guard.Limits.from_settings(current_app.config), in_url=req.in_url)
    kind = FORM_KIND.get(report.form or "")
    if kind and conneg.choose(req.accept, kind) is None:  # refuse before waking a worker
        offered = ", ".join(conneg.OFFERS[kind])
        raise NotAcceptable(f"a {report.form} result can be returned as {offered}")

    config = current_app.config
    stamp = current_stamp(config["STORE"])
    build = pinned_build()  # ?release=ID (checked by dti_kg.server.releases)
    parts = (req.query, req.accept, req.default_graph_uris, req.named_graph_uris, config["MAX_ROWS"], build)
    etag = etag_for(stamp.build_id, *parts)
    if not_modified(request, etag, stamp):
        response = Response(status=304)
    else:
        result = _run(req, build, report)
        if result.build_id != stamp.build_id:  # the store switched builds while the query ran
            stamp = current_stamp(config["STORE"])
            etag = etag_for(result.build_id, *parts)
        response = Response(result.body, content_type=content_type(result.media_type))
        response.headers[TRUNCATED_HEADER] = "true" if result.truncated else "false"
    response.set_etag(etag)
    response.last_modified = stamp.last_modified
    response.headers[BUILD_HEADER] = stamp.build_id
    response.cache_control.no_cache = True  # reuse only after revalidation (cheap: no query runs)
    response.vary.add("Accept")
    return response
