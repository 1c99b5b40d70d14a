"""HTTP validators tied to the store's build: a new build changes every ETag and Last-Modified.

The build's identity comes from ``build.json``, which is parsed once per build: each request only
reads the store link and stats ``build.json`` (two system calls), and parses it again only when the
link's target or the file's inode/mtime changed. So the web process answers ``304 Not Modified``
without waking a worker or reading a file.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Request
from werkzeug.http import is_resource_modified

from dti_kg import store as dti_store
from dti_kg.errors import StoreError
from dti_kg.server.errors import StoreUnavailable


@dataclass(frozen=True)
class BuildStamp:
    build_id: str
    last_modified: datetime  # when the build was written (build.json's mtime), whole seconds, UTC
    quads: int = 0  # as recorded in build.json
    build_dir: str = ""  # the build directory the link pointed at


# (store link) -> ((link target, build.json inode, build.json mtime_ns), stamp); one entry per store.
_stamps: dict[str, tuple[tuple[str, int, int], BuildStamp]] = {}
_stamps_lock = threading.Lock()


def _unavailable(exc: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"the store is not available: {exc}", retry_after=30)


def current_stamp(store_link: str | os.PathLike[str]) -> BuildStamp:
    """The build the store link points at now; 503 (StoreUnavailable) if there is none."""
    link = os.fspath(store_link)
    try:
        target = os.readlink(link)
        build_dir = os.path.join(os.path.dirname(os.path.abspath(link)), target)
        st = os.stat(os.path.join(build_dir, dti_store.BUILD_INFO))
    except OSError:
        # Not a link, or a dangling/incomplete build: let the store module say which, clearly.
        try:
            dti_store.current_build_dir(link)
        except StoreError as exc:
            raise _unavailable(exc) from None
        raise _unavailable(FileNotFoundError(f"{link} changed while it was read")) from None
    key = (target, st.st_ino, st.st_mtime_ns)
    cached = _stamps.get(link)
    if cached is not None and cached[0] == key:
        return cached[1]
    with _stamps_lock:  # a build switch: parse build.json once, not once per waiting request
        cached = _stamps.get(link)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            resolved = dti_store.current_build_dir(link)
            info = dti_store.read_build_info(link)
        except (StoreError, OSError, ValueError) as exc:
            raise _unavailable(exc) from None
        stamp = BuildStamp(
            str(info.get("build_id", resolved.name)),
            datetime.fromtimestamp(int(st.st_mtime), UTC),
            int(info.get("quads", 0)),
            str(resolved),
        )
        _stamps[link] = (key, stamp)
        return stamp


class LinkStamps:
    """The current build's stamp for request paths that run on every request: one readlink per call;
    ``current_stamp`` (a stat and, on a switch, build.json) only when the link's target changed.
    Published builds never change and the link is switched atomically (as the query workers rely on,
    worker.OpenStore)."""

    def __init__(self, store_link: str) -> None:
        self.store_link = store_link
        self._known: tuple[str, BuildStamp] | None = None  # (the link's target, its build's stamp)

    def current(self) -> BuildStamp:
        try:
            target = os.readlink(self.store_link)
        except OSError:
            return current_stamp(self.store_link)  # its 503, clearly worded
        known = self._known
        if known is not None and known[0] == target:
            return known[1]
        stamp = current_stamp(self.store_link)
        # A switch between the readlink and current_stamp leaves a stale pair: the next readlink
        # differs from it, so it is replaced on the next call.
        self._known = (target, stamp)  # one assignment: thread-safe
        return stamp


def etag_for(build_id: str, *parts: object) -> str:
    """A strong entity tag for one response of one build (``parts``: everything the body depends on)."""
    digest = hashlib.sha256(repr((build_id, *parts)).encode("utf-8")).hexdigest()[:32]
    return digest


def not_modified(request: Request, etag: str, stamp: BuildStamp) -> bool:
    """True when a GET/HEAD request's If-None-Match / If-Modified-Since already match this response."""
    if request.method not in ("GET", "HEAD"):
        return False
    return not is_resource_modified(request.environ, etag=etag, last_modified=stamp.last_modified)
