"""What an HTTP server in front of the app refuses before the app sees a request, and how it says so.

Shared by ``dti serve``'s two HTTP servers (front_connection.py, the default; gunicorn_worker.py) so
that a hostile request gets the same answer from either (issue 10, tests/test_hostile_server.py).
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

HEADER_ALLOWANCE = 32 * 1024  # request headers besides the request line
MAX_HEADER_FIELDS = 100  # as gunicorn's limit_request_fields


def head_limit(settings: dict[str, Any]) -> int:
    """Bytes a request head may take: a URL may carry a query of MAX_QUERY_BYTES percent-encoded (up to
    three times as long), plus the headers."""
    return 3 * int(settings["MAX_QUERY_BYTES"]) + HEADER_ALLOWANCE


def wsgi_error(status: int, detail: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status line, headers and body of a ``Connection: close`` answer in the endpoint's JSON error shape,
    as WSGI's ``start_response`` takes them: for the HTTP servers' own refusals, made before the app sees
    the request (inside a request, :func:`dti_kg.server.errors.error_response` negotiates the type)."""
    title = HTTPStatus(status).phrase
    body = json.dumps({"error": {"status": status, "title": title, "detail": detail}}).encode() + b"\n"
    headers = [
        ("Connection", "close"),
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ]
    return f"{status} {title}", headers, body


def error_bytes(status: int, detail: str) -> bytes:
    """A complete ``Connection: close`` response in the endpoint's JSON error shape."""
    line, headers, body = wsgi_error(status, detail)
    head = f"HTTP/1.1 {line}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + body
