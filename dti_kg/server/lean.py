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

Per request it does little Python beyond the query: the verdict on a (query string, Accept) pair —
the query parameter, the guard, the result form, the bounded shape — is kept in an LRU (a pure
function of the pair: the guard's limits are read once, at start); the build's stamp is kept per
store-link target (one readlink per request, build.json read once per build switch); and the ETag and
the headers that follow from it are kept per pair and build.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask
from werkzeug.http import http_date, is_resource_modified

from dti_kg.server import bounded, conneg, guard
from dti_kg.server.caching import BuildStamp, LinkStamps, current_stamp, etag_for
from dti_kg.server.errors import ApiError
from dti_kg.server.executor import retry_seconds
from dti_kg.server.headers import SECURITY_HEADERS
from dti_kg.server.protocol import BUILD_HEADER, FORM_KIND, TRUNCATED_HEADER, content_type
from dti_kg.server.validators import CORS_HEADERS

PATH = "/sparql"
REPLAYABLE = "dti_kg.replayable"  # environ key: this answer may be replayed (replay.py)
# Parameters that change what the route does: with any of them the request goes to Flask.
ROUTE_PARAMETERS = frozenset({b"update", b"format", b"release", b"default-graph-uri", b"named-graph-uri"})
# The headers every /sparql answer carries whatever it is (hooks in headers.py and validators.py).
FIXED_HEADERS = (
    ("Cache-Control", "no-cache"),
    ("Vary", "Accept"),
    *SECURITY_HEADERS.items(),
    *CORS_HEADERS.items(),
)

# The (query string, Accept) pairs whose verdict is kept: clients repeat their query text, and the guard
# and the bounded-shape test were ~21 % of an ASK's Python (benchmarks/README.md). A pair longer than
# MAX_KEPT characters is checked each time, so the kept keys take at most PLANS × MAX_KEPT characters.
PLANS = 512
MAX_KEPT = 4096

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@functools.lru_cache(maxsize=8)
def _build_headers(stamp: BuildStamp) -> tuple[tuple[str, str], ...]:
    return (("Last-Modified", http_date(stamp.last_modified)), (BUILD_HEADER, stamp.build_id))


_content_type = functools.lru_cache(maxsize=32)(content_type)  # a few media types, every request


def _conditional(environ: dict[str, Any]) -> bool:
    """The request has a header werkzeug's ``is_resource_modified`` reads (skipping it saves ~10 %)."""
    return (
        "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ or "HTTP_IF_MATCH" in environ
    )


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


class _Plan:
    """What the lean path needs of one (query string, Accept) pair, worked out once: the query, the
    ETag's parts and, per build, the headers that depend only on the build and the ETag."""

    __slots__ = ("parts", "per_build", "prefixed", "query")

    def __init__(self, query: str, prefixed: bool, accept: str, max_rows: int) -> None:
        self.query = query
        self.prefixed = prefixed  # it has a prefixed name: the predeclared prefixes may be needed
        self.parts = (query, accept, (), (), max_rows, None)  # as the route's: the same ETag
        # (build id, headers of a 200 after Content-Type/Length/Truncated, headers of a 304, ETag)
        self.per_build: tuple[str, tuple[tuple[str, str], ...], list[tuple[str, str]], str] | None = None

    def for_build(
        self, stamp: BuildStamp
    ) -> tuple[str, tuple[tuple[str, str], ...], list[tuple[str, str]], str]:
        found = self.per_build
        if found is None or found[0] != stamp.build_id:
            etag = etag_for(stamp.build_id, *self.parts)
            tag = ("ETag", f'"{etag}"')
            ok = (tag, *_build_headers(stamp), *FIXED_HEADERS)
            # werkzeug drops Last-Modified from a 304 (an entity header): so does this.
            not_modified = [tag, (BUILD_HEADER, stamp.build_id), *FIXED_HEADERS]
            found = self.per_build = (stamp.build_id, ok, not_modified, etag)  # one assignment: thread-safe
        return found


class LeanSparql:
    """WSGI middleware: bounded ``GET /sparql`` answered here, everything else by ``app``'s Flask."""

    def __init__(self, app: Flask, flask_wsgi: WsgiApp) -> None:
        self.app = app
        self.flask_wsgi = flask_wsgi
        config = app.config
        self.store_link = str(config["STORE"])
        # Read once here, like everything the verdict depends on: so the verdict is a pure function of
        # (query string, Accept) for this layer's lifetime, and can be kept per pair.
        self.limits = guard.Limits.from_settings(config)
        self.max_rows = config["MAX_ROWS"]
        self.base_iri = config["BASE_IRI"]
        self.retry = retry_seconds(float(config["QUERY_TIMEOUT"]))
        self._plan = functools.lru_cache(maxsize=PLANS)(self._verdict)
        self.stamps = LinkStamps(self.store_link)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        answer = self.bounded_answer(environ)
        if answer is not None:
            status, headers, body = answer
            environ[REPLAYABLE] = True  # the same request gets the same answer until the build changes
            start_response(status, headers)
            return [body]
        return self.flask_wsgi(environ, start_response)

    def bounded_answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """The answer to a bounded ``GET /sparql`` (status, headers, body), or None: Flask's to answer.
        Bounded, so an HTTP front may call it on its event loop (benchmarks/fast_front.py)."""
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "GET":
            return self._answer(environ)
        return None

    def _verdict(self, query_string: str, accept: str) -> _Plan | None:
        """The plan for a query string the lean path answers, or None when the route must: the guard
        refuses it (the route refuses it again, in its own error shape), it is not bounded, or no
        result form the client accepts."""
        query = _query(query_string)
        if query is None:
            return None
        try:
            report = guard.check(query, self.limits, in_url=True)
        except ApiError:
            return None
        kind = FORM_KIND.get(report.form or "")
        if kind is None or conneg.choose(accept, kind) is None:
            return None
        if not bounded.is_bounded(query, report.tokens):
            return None
        prefixed = any(token_kind == "pname" for token_kind, _ in report.tokens)
        return _Plan(query, prefixed, accept, self.max_rows)

    def _answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        query_string = environ.get("QUERY_STRING", "")
        accept = environ.get("HTTP_ACCEPT", "*/*")
        if len(query_string) + len(accept) <= MAX_KEPT:
            plan = self._plan(query_string, accept)
        else:  # too long to keep (the cache's memory stays small): checked each time
            plan = self._verdict(query_string, accept)
        if plan is None:
            return None
        try:
            stamp = self.stamps.current()
            build_id, ok, not_modified, etag = plan.for_build(stamp)
            if _conditional(environ) and not is_resource_modified(
                environ, etag=etag, last_modified=stamp.last_modified
            ):
                return "304 NOT MODIFIED", not_modified, b""
            result = bounded.store_for(self.app).run(
                plan.query,
                accept=accept,
                base_iri=self.base_iri,
                retry=self.retry,
                predeclared=plan.prefixed,
            )
        except ApiError:  # refused or failed: the route answers it again, in its own error shape
            return None
        if result.build_id != build_id:  # the store switched builds while the query ran
            _, ok, _, _ = plan.for_build(current_stamp(self.store_link))
        headers = [
            ("Content-Type", _content_type(result.media_type)),
            ("Content-Length", str(len(result.body))),
            (TRUNCATED_HEADER, "true" if result.truncated else "false"),
            *ok,
        ]
        return "200 OK", headers, result.body
