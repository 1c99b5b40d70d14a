"""CORS and build-bound validators (ETag, Last-Modified) on every GET route, not only ``/sparql``.

Every page, document, canned result, VoID description and dump depends only on the request (URL with
its query string, Accept) and on the store's build, so its ETag is a hash of those, known before the
route runs: a matching ``If-None-Match`` or ``If-Modified-Since`` is answered 304 at once, without a
query. Routes that set their own validators (``/sparql``, ``/dump.nq``) keep them; ``/healthz`` reports
live state and is never cached. CORS is open for reading: any origin may GET (and POST a query).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request

from dti_kg.server.caching import BuildStamp, current_stamp, etag_for, not_modified
from dti_kg.server.errors import StoreUnavailable

bp = Blueprint("validators", __name__)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After, X-DTI-Truncated, X-DTI-Build",
    "Access-Control-Max-Age": "600",
}
OWN_VALIDATORS = {"sparql.sparql", "void.dump", "health.healthz", "static"}
_KEY = "dti_validators"


def _validators() -> tuple[str, BuildStamp] | None:
    """This request's ETag and build stamp, or None when the request is not a cacheable GET."""
    if request.method not in {"GET", "HEAD"} or request.endpoint in OWN_VALIDATORS | {None}:
        return None
    try:
        stamp = current_stamp(current_app.config["STORE"])
    except StoreUnavailable:  # the route answers (from the package, or with its own 503)
        return None
    accept = request.headers.get("Accept", "")
    return etag_for(stamp.build_id, request.url, accept, current_app.config["MAX_ROWS"]), stamp


def _stamp(response: Response, etag: str, stamp: BuildStamp) -> None:
    response.set_etag(etag)
    response.last_modified = stamp.last_modified
    response.cache_control.no_cache = True  # reuse after revalidation, which costs no query
    response.vary.add("Accept")


@bp.before_app_request
def answer_not_modified() -> Response | None:
    validators = _validators()
    g.setdefault(_KEY, validators)
    if validators is None or not not_modified(request, *validators):
        return None
    response = Response(status=304)
    _stamp(response, *validators)
    return response


@bp.after_app_request
def add_headers(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    validators = g.get(_KEY)
    if validators is not None and response.status_code == 200 and "ETag" not in response.headers:
        _stamp(response, *validators)
    return response
