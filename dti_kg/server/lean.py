"""``GET /sparql`` of a bounded query (dti_kg.server.bounded), answered before Flask's dispatch.

Profile (py-spy under 8 clients of ``ASK``, benchmarks/README.md): of the web process's Python time
the query was ~4 %, while Flask's request context, URL matching, the before/after hooks and werkzeug's
Response and Headers objects took most of the rest (~0.45 ms of a ~0.6 ms request in process). A
bounded query needs none of that: this WSGI layer answers it with the same guard, the same store
handle and writer, the same ETag (same parts), 304 check, row cap and headers as the ``/sparql``
route, and hands every other request, and every request it would answer with an error, to Flask
unchanged (so error shapes, 406, 414 and the rest stay the route's own).

What it answers: a GET to exactly ``/sparql`` with one ``query`` parameter (others the route ignores,
e.g. SPARQLWrapper's ``output``, are ignored here too), no ``update``, ``format``, ``release``,
``default-graph-uri`` or ``named-graph-uri``, a URL that is valid UTF-8, a query the guard accepts
whose shape is bounded and whose result form is acceptable to the client. ``tests/
test_lean_sparql.py`` compares its answers with the route's, header by header.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask
from werkzeug.http import http_date, is_resource_modified

from dti_kg.server import bounded, conneg, guard
from dti_kg.server.caching import BuildStamp, current_stamp, etag_for
from dti_kg.server.errors import ApiError
from dti_kg.server.executor import retry_seconds
from dti_kg.server.headers import SECURITY_HEADERS
from dti_kg.server.protocol import BUILD_HEADER, FORM_KIND, TRUNCATED_HEADER, content_type
from dti_kg.server.validators import CORS_HEADERS

PATH = "/sparql"
# Parameters that change what the route does: with any of them the request goes to Flask.
ROUTE_PARAMETERS = frozenset({b"update", b"format", b"release", b"default-graph-uri", b"named-graph-uri"})
# The headers every /sparql answer carries whatever it is (hooks in headers.py and validators.py).
FIXED_HEADERS = (
    ("Cache-Control", "no-cache"),
    ("Vary", "Accept"),
    *SECURITY_HEADERS.items(),
    *CORS_HEADERS.items(),
)

# The request headers werkzeug's ``is_resource_modified`` reads.
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@functools.lru_cache(maxsize=8)
def _build_headers(stamp: BuildStamp) -> tuple[tuple[str, str], ...]:
    return (("Last-Modified", http_date(stamp.last_modified)), (BUILD_HEADER, stamp.build_id))


def _conditional(environ: dict[str, Any]) -> bool:
    """The request has a header werkzeug's ``is_resource_modified`` reads (skipping it saves ~10 %)."""
    return any(name in environ for name in CONDITIONAL)


def _query(raw: str) -> str | None:
    """The one ``query`` parameter of a WSGI query string, or None when the route must look at it
    (another parameter it reads, no query or two, text that is not UTF-8: the route's 400)."""
    query = None
    # WSGI gives the query string as latin-1 characters: their bytes are the URL's bytes.
    for piece in raw.encode("latin-1").split(b"&"):  # as parse_qsl(keep_blank_values=True) splits
        if not piece:
            continue
        name, _, value = piece.replace(b"+", b" ").partition(b"=")
        name, value = unquote_to_bytes(name), unquote_to_bytes(value)
        if name == b"query" and query is None:
            query = value
        elif name == b"query" or name in ROUTE_PARAMETERS:
            return None
        else:
            try:
                name.decode("utf-8"), value.decode("utf-8")
            except UnicodeDecodeError:
                return None
    if query is None:
        return None
    try:
        decoded = query.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if decoded.strip() else None


class LeanSparql:
    """WSGI middleware: bounded ``GET /sparql`` answered here, everything else by ``app``'s Flask."""

    def __init__(self, app: Flask, flask_wsgi: WsgiApp) -> None:
        self.app = app
        self.flask_wsgi = flask_wsgi
        config = app.config
        self.store_link = str(config["STORE"])
        self.limits = guard.Limits.from_settings(config)
        self.max_rows = config["MAX_ROWS"]
        self.base_iri = config["BASE_IRI"]
        self.retry = retry_seconds(float(config["QUERY_TIMEOUT"]))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        answer = self.bounded_answer(environ)
        if answer is not None:
            status, headers, body = answer
            start_response(status, headers)
            return [body]
        return self.flask_wsgi(environ, start_response)

    def bounded_answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """The answer to a bounded ``GET /sparql`` (status, headers, body), or None: Flask's to answer.
        Bounded, so an HTTP front may call it on its event loop (benchmarks/fast_front.py)."""
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "GET":
            return self._answer(environ)
        return None

    def _answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        query = _query(environ.get("QUERY_STRING", ""))
        if query is None:
            return None
        accept = environ.get("HTTP_ACCEPT", "*/*")
        try:
            report = guard.check(query, self.limits, in_url=True)
            kind = FORM_KIND.get(report.form or "")
            if (
                kind is None
                or conneg.choose(accept, kind) is None
                or not bounded.is_bounded(query, report.tokens)
            ):
                return None
            stamp = current_stamp(self.store_link)
            parts = (query, accept, (), (), self.max_rows, None)  # as the route's: the same ETag
            etag = etag_for(stamp.build_id, *parts)
            if _conditional(environ) and not is_resource_modified(
                environ, etag=etag, last_modified=stamp.last_modified
            ):
                # werkzeug drops Last-Modified from a 304 (an entity header): so does this.
                not_modified = [("ETag", f'"{etag}"'), (BUILD_HEADER, stamp.build_id), *FIXED_HEADERS]
                return "304 NOT MODIFIED", not_modified, b""
            result = bounded.store_for(self.app).run(
                query, accept=accept, base_iri=self.base_iri, retry=self.retry
            )
        except ApiError:  # refused or failed: the route answers it again, in its own error shape
            return None
        if result.build_id != stamp.build_id:  # the store switched builds while the query ran
            stamp = current_stamp(self.store_link)
            etag = etag_for(result.build_id, *parts)
        headers = [
            ("Content-Type", content_type(result.media_type)),
            ("Content-Length", str(len(result.body))),
            (TRUNCATED_HEADER, "true" if result.truncated else "false"),
            ("ETag", f'"{etag}"'),
            *_build_headers(stamp),
            *FIXED_HEADERS,
        ]
        return "200 OK", headers, result.body
