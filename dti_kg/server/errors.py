"""Typed HTTP errors and the one handler that renders every error in the same shape.

JSON (the default)::

    {"error": {"status": 400, "title": "Bad Request", "detail": "...", "parameter": "query"}}

``parameter`` is present when one request parameter is at fault. Clients that prefer HTML get a page
styled like the others (``templates/error.html``) that puts the user's SPARQL back in the editor, or a
canned query's form back with the values given, so nothing typed is lost; ``text/plain`` clients get
``status title: detail``. Werkzeug's own errors (404, 405, 413 from
``MAX_CONTENT_LENGTH``) go through the same handler.
"""

from __future__ import annotations

import json

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response as BaseResponse

from dti_kg.server.conneg import negotiate


class ApiError(Exception):
    """An error answered to the client; ``headers`` are added to the response (e.g. Retry-After)."""

    status = 500
    title = "Internal Server Error"

    def __init__(
        self,
        detail: str,
        *,
        parameter: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.parameter = parameter
        if status is not None:
            self.status = status
            self.title = _TITLES.get(status, self.title)
        self.headers = dict(headers or {})


_TITLES = {
    400: "Bad Request",
    403: "Forbidden",
    406: "Not Acceptable",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class QueryRejected(ApiError):
    """The query is malformed or exceeds a limit (400, 413 or 414)."""

    status = 400
    title = "Bad Request"


class UpdateRefused(QueryRejected):
    """SPARQL Update on a read-only endpoint."""

    status = 403
    title = "Forbidden"


class NotAcceptable(ApiError):
    status = 406
    title = "Not Acceptable"


class UnsupportedMediaType(ApiError):
    status = 415
    title = "Unsupported Media Type"


class ServiceUnavailable(ApiError):
    """Temporary: the client may retry after ``retry_after`` seconds."""

    status = 503
    title = "Service Unavailable"

    def __init__(self, detail: str, *, retry_after: int = 5, parameter: str | None = None) -> None:
        super().__init__(detail, parameter=parameter, headers={"Retry-After": str(retry_after)})


class QueryTimeout(ServiceUnavailable):
    """The query ran past the deadline and its worker was killed."""


class BeingPrepared(ServiceUnavailable):
    """The query's answer is being made in the background (dti_kg.server.prepare); come back later."""


class Overloaded(ServiceUnavailable):
    """All workers are busy and the waiting queue is full."""


class WorkerFailed(ServiceUnavailable):
    """The worker died while running the query (memory cap or crash); it has been replaced."""


class StoreUnavailable(ServiceUnavailable):
    """The store is missing or cannot be opened."""


ERROR_MEDIA_TYPES = ("application/json", "text/html", "text/plain")
TIMED_OUT = "dti_query_timed_out"  # g flag: this request's query was stopped at the deadline


def error_response(
    status: int,
    title: str,
    detail: str,
    parameter: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render one error in the media type the client prefers (JSON when it states no preference)."""
    media_type = negotiate(request.headers.get("Accept"), ERROR_MEDIA_TYPES) or "application/json"
    if media_type == "text/html":
        body = render_template(
            "error.html",
            status=status,
            title=title,
            detail=detail,
            parameter=parameter,
            retry_after=(headers or {}).get("Retry-After"),
            query=_submitted_query(status),
            canned=_canned_query_name(),
            values=request.args,
        )
    elif media_type == "text/plain":
        body = f"{status} {title}: {detail}\n"
    else:
        error: dict[str, object] = {"status": status, "title": title, "detail": detail}
        if parameter:
            error["parameter"] = parameter
        body = json.dumps({"error": error}, ensure_ascii=False) + "\n"
    response = Response(body, status=status, content_type=f"{media_type}; charset=utf-8")
    response.headers.update(headers or {})
    return response


def _submitted_query(status: int) -> str | None:
    """The SPARQL text the request carried (URL or HTML form), to put back in the editor."""
    if "query" in request.args:
        return request.args["query"]
    # A 413 body was never read (reading it would raise again); other bodies are not from a browser form.
    if status != 413 and request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        return request.form.get("query")
    return None


def _canned_query_name() -> str | None:
    """The canned query a /queries/<name> request ran, so its form comes back with the user's values."""
    if request.endpoint != "canned.run_query" or not request.view_args:
        return None
    return str(request.view_args.get("name", "")).rsplit(".", 1)[0] or None


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        if isinstance(exc, QueryTimeout):
            g.setdefault(TIMED_OUT, True)  # the response cache answers it again until Retry-After
        return error_response(exc.status, exc.title, exc.detail, exc.parameter, exc.headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> BaseResponse:
        if exc.code is None or exc.code < 400:  # redirects raised as exceptions pass through
            return exc.get_response()
        response = error_response(exc.code, exc.name, exc.description or exc.name)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response
