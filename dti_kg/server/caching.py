"""HTTP validators tied to the store's build: a new build changes every ETag and Last-Modified.

Reading the link and ``build.json`` is a file lookup, not a query, so the web process answers
``304 Not Modified`` without waking a worker.
"""

from __future__ import annotations

import hashlib
import os
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


def current_stamp(store_link: str | os.PathLike[str]) -> BuildStamp:
    """The build the store link points at now; 503 (StoreUnavailable) if there is none."""
    try:
        build_dir = dti_store.current_build_dir(store_link)
        info = dti_store.read_build_info(store_link)
        mtime = (build_dir / dti_store.BUILD_INFO).stat().st_mtime
    except (StoreError, OSError, ValueError) as exc:
        raise StoreUnavailable(f"the store is not available: {exc}", retry_after=30) from None
    build_id = str(info.get("build_id", build_dir.name))
    return BuildStamp(build_id, datetime.fromtimestamp(int(mtime), UTC))


def etag_for(build_id: str, *parts: object) -> str:
    """A strong entity tag for one response of one build (``parts``: everything the body depends on)."""
    digest = hashlib.sha256(repr((build_id, *parts)).encode("utf-8")).hexdigest()[:32]
    return digest


def not_modified(request: Request, etag: str, stamp: BuildStamp) -> bool:
    """True when a GET/HEAD request's If-None-Match / If-Modified-Since already match this response."""
    if request.method not in ("GET", "HEAD"):
        return False
    return not is_resource_modified(request.environ, etag=etag, last_modified=stamp.last_modified)
