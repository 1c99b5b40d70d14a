"""Response-cache hits (and bounded /sparql answers) replayed before Flask's dispatch.

A hit of the response cache (response_cache.py) is answered in the web process, but still through
Flask: request context, URL matching, the before hooks (UTF-8 check, release pinning, 304 check), the
cache lookup, a werkzeug Response, then the after hooks (ETag, CORS, security headers). For a kept
answer that is most of its cost: at 1,000 articles a cached 1 ms canned query ran at 0.82-1.02x
Oxigraph's rate while the hello-world app under the same gunicorn did better (benchmarks/README.md).

This WSGI layer keeps what Flask answered on such a hit, exactly as it left Flask (status, every
header, body), and what the lean path (lean.py) answered to a bounded ``GET /sparql`` (an ASK a client
repeats cost the lean path its query and headers each time), and replays it to the next request that
is the same in everything the answer depends on: the build (the store link's target), the method
(GET), scheme, host, script and path, the raw query string and Accept. Whatever else could change an
answer goes on down: a conditional or range request (If-None-Match, If-Modified-Since, If-Match,
If-Unmodified-Since, If-Range, Range: answered 304/206 from the validators), any method but GET, and
any answer but those 200s (a kept 503 counts down its Retry-After, so it is never replayed); those
answers are unchanged. ``tests/test_replay.py`` compares replayed answers with the originals, header
by header.

The replayed answers are kept per web process, least recently used first out, within the same
RESPONSE_CACHE_MB as the response cache (the bodies are the cache's own bytes objects, not copies),
and forgotten on a build switch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from dti_kg.server.caching import LinkStamps
from dti_kg.server.errors import StoreUnavailable
from dti_kg.server.lean import REPLAYABLE
from dti_kg.server.response_cache import CACHE_HEADER, BodyLRU

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Key = tuple[str, str, str, str, str, str, str]
Answer = tuple[str, tuple[tuple[str, str], ...], bytes]  # as kept
Written = tuple[str, list[tuple[str, str]], bytes]  # as a front writes it (lean.bounded_answer's shape)

# Request headers that make Flask answer other than the kept 200 (304, 412, 206).
CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
HIT = (CACHE_HEADER, "hit")


class Replay:
    """WSGI middleware: a request Flask answered from its response cache is answered here next time."""

    def __init__(self, app: Flask, inner: WsgiApp) -> None:
        self.inner = inner
        # The lean path's answer to a bounded GET /sparql (lean.py), for inline_answer; None over another app.
        self._bounded: Callable[[dict[str, Any]], Written | None] | None = getattr(
            inner, "bounded_answer", None
        )
        self.stamps = LinkStamps(str(app.config["STORE"]))
        max_bytes = int(app.config["RESPONSE_CACHE_MB"]) * 1024 * 1024  # installed only when it is > 0
        self._items: BodyLRU[Key, Answer] = BodyLRU(max_bytes, lambda answer: len(answer[2]))
        self._build = ""
        self._lock = threading.Lock()
        self.replayed = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.inner(environ, start_response)
        found = self._kept(key)
        if found is not None:
            status, headers, body = found
            start_response(status, list(headers))
            return [body]
        return self._answer_and_keep(key, environ, start_response)

    def inline_answer(self, environ: dict[str, Any]) -> Written | None:
        """The answer to a request that costs no query (a kept one, or the lean path's bounded one), or
        None: for an HTTP front that answers such requests on its event loop."""
        key = self._key(environ)
        if key is None:
            return None
        found = self._kept(key)
        if found is not None:
            return found[0], list(found[1]), found[2]
        answer = self._bounded(environ) if self._bounded is not None else None
        if answer is not None:
            self._keep(key, (answer[0], tuple(answer[1]), answer[2]))
        return answer

    def _kept(self, key: Key) -> Answer | None:
        with self._lock:
            if key[0] != self._build:  # a new build: every kept answer is stale
                self._items.clear()
                self._build = key[0]
            found = self._items.get(key)
            if found is not None:
                self.replayed += 1
        return found

    def _key(self, environ: dict[str, Any]) -> Key | None:
        if environ.get("REQUEST_METHOD") != "GET" or any(h in environ for h in CONDITIONAL):
            return None
        try:
            build = self.stamps.current().build_id
        except StoreUnavailable:  # Flask answers its 503
            return None
        return (
            build,
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}",
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT", ""),
        )

    def _answer_and_keep(
        self, key: Key, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        said: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            said[:] = [status, headers]
            return start_response(status, headers, *exc_info)

        chunks = self.inner(environ, capture)
        if not said or not said[0].startswith("200 ") or not (HIT in said[1] or environ.get(REPLAYABLE)):
            return chunks
        try:  # the body is in memory (the response cache keeps no streamed answer; the lean path's is bytes)
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        self._keep(key, (said[0], tuple(said[1]), body))
        return [body]

    def _keep(self, key: Key, answer: Answer) -> None:
        with self._lock:
            if key[0] == self._build:  # else the build switched while Flask answered
                self._items.put(key, answer)
