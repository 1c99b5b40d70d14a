"""This server's IRIs: the base every IRI is minted under, IRIs from user input, and local links.

``{BASE}id/x`` is a thing and ``/doc/x`` the page describing it; when the server runs on another host
than the base, paths on the serving host are mapped onto the base.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app

# Characters that may not appear in an IRI (RFC 3987) or that SPARQL forbids in IRIREF.
_BAD_IRI_CHARS = re.compile(r"[\s<>\"{}|\\^`\x00-\x20]")


def resolve_iri(value: str, *, base: str, host_root: str | None = None) -> str | None:
    """An IRI from user input, or None when it is not one we accept.

    Accepted: IRIs under ``base``; the same paths on the serving host (``host_root``, mapped onto
    ``base``); paths relative to ``{base}id/`` ("province/thai-nguyen", "id/province/..."); any
    absolute http(s) IRI.
    """
    value = value.strip()
    if not value or _BAD_IRI_CHARS.search(value):
        return None
    if value.startswith(base):
        return value
    if host_root and value.startswith(host_root):
        return base + value[len(host_root) :]
    parts = urlsplit(value)
    if parts.scheme:
        return value if parts.scheme in {"http", "https"} and parts.netloc else None
    path = value.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9._~%!$&'()*+,;=:@/-]+", path):
        return None
    return base + (path if path.startswith(("id/", "doc/", "def")) else "id/" + path)


def base() -> str:
    return current_app.config["BASE_IRI"]


def local_href(target: str) -> str:
    """Where a browser of this server should go for ``target``: its /doc page when it is ours."""
    b = base()
    if target.startswith(b + "id/"):
        return "/doc/" + target[len(b) + 3 :]
    if target.startswith(b):
        return "/" + target[len(b) :]
    return target
