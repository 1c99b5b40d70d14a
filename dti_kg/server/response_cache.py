"""Answers kept until the next build: the store is read-only per build, so the same request gets the
same answer until the store link moves.

Only the query-backed GET routes are kept (``CACHED_ENDPOINTS``: ``/sparql``, canned queries, ``/doc``
descriptions and pages, the home page), only 200 answers with a body held in memory, and only while
the build they came from is current (or pinned by ``?release=``, which is part of the URL). The key
is everything such an answer depends on (validators.py says the same of ETags): the build, the full
URL with its query string, and Accept. A hit is answered in the web process without waking a query
worker and carries ``X-DTI-Cache: hit``. It is looked up after the UTF-8 check, the release pinning
and (on the routes validators.py covers) the 304 check; ``/sparql``'s own 304 is answered from the
kept answer's ETag. The guard does not run again on a hit: the same text passed it when the answer
was made. While one request makes an answer, others for the same key wait for it (as long as the leader
may take: QUEUE_WAIT + QUERY_TIMEOUT + LEADER_GRACE) instead of queueing copies of the same query: 32
clients arriving at once on a 1 s query were otherwise refused (503) by admission before the first
answer was kept. A query stopped at the deadline
is answered 503 again, from the web process, until its Retry-After has passed: every client asking
for it again (or waiting for it while it ran) would otherwise take a worker for another full deadline
only to be stopped too (at 10,000 articles the whole-graph ``conflicts`` takes ~20 s). Each web process
keeps at most RESPONSE_CACHE_MB of bodies (least recently used first out); 0 turns the cache off (the
benchmark's ``dti-nocache``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import Blueprint, Response, current_app, g, request

from dti_kg.server.caching import current_stamp
from dti_kg.server.errors import TIMED_OUT, StoreUnavailable

bp = Blueprint("response_cache", __name__)

CACHE_KEY = "dti_response_cache"  # app.extensions[CACHE_KEY]: this web process's ResponseCache
CACHE_HEADER = "X-DTI-Cache"
CACHED_ENDPOINTS = frozenset({"sparql.sparql", "canned.run_query", "resources.document", "pages.home"})
BUILD_HEADER = "X-DTI-Build"  # set by /sparql: the build a result came from
_KEY = "dti_cache_key"
_LEADER = "dti_cache_leader"
LEADER_GRACE = 1.0  # seconds past its deadline a leader may take to replace a stopped worker and answer
MAX_STOPPED = 1024  # stopped queries remembered per web process (tiny error bodies, for seconds)

Key = tuple[str, str, str, str]  # (build, URL, Accept, pinned build)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BodyLRU(Generic[K, V]):
    """Least recently used first out, bounded by the bytes of the bodies (``size`` of a value); one
    value may take an eighth at most, so one large answer cannot push out everything else. Not
    thread-safe: its owner holds a lock (the response cache here, replay.py's layer)."""

    def __init__(self, max_bytes: int, size: Callable[[V], int]) -> None:
        self.max_bytes = max_bytes
        self.max_item = max_bytes // 8
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._bytes = 0

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        size = self._size(value)
        if size > self.max_item:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= self._size(old)
        self._items[key] = value
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= self._size(dropped)

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0


@dataclass(frozen=True)
class Kept:
    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]


class ResponseCache:
    """A thread-safe LRU of answers, bounded by the bytes of their bodies; emptied on a build switch."""

    def __init__(self, max_bytes: int) -> None:
        self._items: BodyLRU[Key, Kept] = BodyLRU(max_bytes, lambda kept: len(kept.body))
        self._making: dict[Key, threading.Event] = {}  # keys a request is answering now
        self._stopped: OrderedDict[Key, tuple[Kept, float]] = OrderedDict()  # 503 and when it expires
        self._build = ""
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_lead(self, key: Key, wait: float) -> tuple[Kept | None, bool]:
        """The kept answer, or (None, True) when this request is to make it. While one request makes
        an answer, the others asking for the same key wait up to ``wait`` seconds for it instead of
        each running the same query (32 clients arriving at once would otherwise queue 32 copies)."""
        while True:
            with self._lock:
                self._switch(key[0])
                kept = self._items.get(key) or self._stopped_answer(key)
                if kept is not None:
                    self.hits += 1
                    return kept, False
                making = self._making.get(key)
                if making is None:
                    self._making[key] = threading.Event()
                    self.misses += 1
                    return None, True
            if not making.wait(wait):  # the leader is slow: make it too rather than wait past a deadline
                return None, False
            wait = 0.0  # made (or failed): one more look, then run it ourselves

    def done(self, key: Key) -> None:
        """The request that led ``key`` has ended (answered, failed or refused): wake the waiters."""
        with self._lock:
            making = self._making.pop(key, None)
        if making is not None:
            making.set()

    def put(self, key: Key, kept: Kept) -> None:
        with self._lock:
            self._switch(key[0])
            self._items.put(key, kept)

    def put_stopped(self, key: Key, kept: Kept, seconds: float) -> None:
        """Keep the 503 of a query stopped at the deadline for ``seconds`` (its Retry-After)."""
        with self._lock:
            self._switch(key[0])
            self._stopped.pop(key, None)
            self._stopped[key] = (kept, time.monotonic() + seconds)
            while len(self._stopped) > MAX_STOPPED:
                self._stopped.popitem(last=False)

    def _stopped_answer(self, key: Key) -> Kept | None:
        """The kept 503 of ``key`` while its Retry-After runs, saying the seconds left (lock held)."""
        stopped = self._stopped.get(key)
        if stopped is None:
            return None
        kept, until = stopped
        left = until - time.monotonic()
        if left <= 0:
            del self._stopped[key]
            return None
        headers = tuple((k, str(math.ceil(left)) if k == "Retry-After" else v) for k, v in kept.headers)
        return Kept(kept.body, kept.status, headers)

    def _switch(self, build: str) -> None:
        """A new current build: every kept answer is stale (caller holds the lock)."""
        if build != self._build:
            self._items.clear()
            self._stopped.clear()
            self._build = build


def response_cache() -> ResponseCache | None:
    """This web process's cache, None when RESPONSE_CACHE_MB is 0."""
    cache = current_app.extensions.get(CACHE_KEY)
    if cache is None and current_app.config["RESPONSE_CACHE_MB"] > 0:
        cache = current_app.extensions.setdefault(
            CACHE_KEY, ResponseCache(int(current_app.config["RESPONSE_CACHE_MB"]) * 1024 * 1024)
        )
    return cache


def _key() -> Key | None:
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS:
        return None
    try:
        build = current_stamp(current_app.config["STORE"]).build_id
    except StoreUnavailable:  # the route answers its own 503
        return None
    return (build, request.url, request.headers.get("Accept", ""), g.get("release_build") or "")


@bp.before_app_request
def answer_from_cache() -> Response | None:
    cache = response_cache()
    if cache is None:
        return None
    key = _key()
    if key is None:
        return None
    # The leader's answer (or its 503) comes within its queue wait, its run and the worker's replacement: a
    # waiter that stopped at QUERY_TIMEOUT alone ran the same query again just before the leader's answer.
    config = current_app.config
    wait = float(config["QUEUE_WAIT"]) + float(config["QUERY_TIMEOUT"]) + LEADER_GRACE
    kept, leader = cache.get_or_lead(key, wait)
    if kept is None:
        g.setdefault(_KEY, key)  # the after-request hook keeps the answer
        if leader:
            g.setdefault(_LEADER, key)  # the teardown hook wakes whoever waits for it
        return None
    response = Response(kept.body, status=kept.status, headers=list(kept.headers))
    response.headers[CACHE_HEADER] = "hit"
    # /sparql sets its own validators (the routes validators.py covers were answered 304 before this).
    if kept.status == 200:  # a kept 503 has no validators to revalidate
        response.make_conditional(request)
    return response


@bp.after_app_request
def keep_answer(response: Response) -> Response:
    key: Key | None = g.pop(_KEY, None)
    cache = response_cache()
    if key is None or cache is None:
        return response
    if response.status_code == 503 and g.get(TIMED_OUT):
        retry = float(response.headers.get("Retry-After", "1"))
        cache.put_stopped(key, Kept(response.get_data(), 503, tuple(response.headers.items())), retry)
        return response
    if response.status_code != 200:
        return response
    if response.is_streamed or response.direct_passthrough:  # files (dumps) are sent, not kept
        return response
    if response.headers.get(BUILD_HEADER, key[0]) != key[0] and not key[3]:
        return response  # the store switched builds while the query ran: this is the next build's answer
    cache.put(key, Kept(response.get_data(), response.status_code, tuple(response.headers.items())))
    return response


@bp.teardown_app_request
def wake_waiters(_: BaseException | None) -> None:
    key: Key | None = g.pop(_LEADER, None)
    cache = response_cache()
    if key is not None and cache is not None:
        cache.done(key)
