"""The Flask app factory. Blueprints are listed in BLUEPRINTS (module, attribute); add a line to add one."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from flask import Flask

from dti_kg.server.errors import register_error_handlers
from dti_kg.server.executor import EXECUTOR_KEY, Executor
from dti_kg.server.lean import LeanSparql
from dti_kg.server.replay import Replay
from dti_kg.server.settings import load_settings
from dti_kg.server.shared_answers import shared_answers

BLUEPRINTS: list[tuple[str, str]] = [
    ("dti_kg.server.protocol", "bp"),
    ("dti_kg.server.health", "bp"),
    ("dti_kg.server.canned", "bp"),
    ("dti_kg.server.resources", "bp"),
    ("dti_kg.server.pages", "bp"),
    ("dti_kg.server.void", "bp"),
    ("dti_kg.server.audit", "bp"),
    ("dti_kg.server.releases", "bp"),
    ("dti_kg.server.downloads", "bp"),
    ("dti_kg.server.signposting", "bp"),
    ("dti_kg.server.claim_review", "bp"),
    ("dti_kg.server.openapi", "bp"),
    ("dti_kg.server.cite", "bp"),
    ("dti_kg.server.validators", "bp"),  # CORS, ETag and Last-Modified on every route
    ("dti_kg.server.response_cache", "bp"),  # after validators: a 304 is cheaper than a kept answer
    ("dti_kg.server.headers", "bp"),  # CSP, nosniff, no framing on every response
]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A configured app: defaults, then DTI_KG_* variables (or DTI_KG_SETTINGS), then ``config``.

    Query worker processes start on the first query, not here.
    """
    settings = load_settings(config)
    app = Flask("dti_kg.server")
    app.config.update(settings)
    if not (config or {}).get("MAX_CONTENT_LENGTH"):  # Flask's own default is None (unlimited)
        app.config["MAX_CONTENT_LENGTH"] = settings["MAX_REQUEST_BYTES"]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Vietnamese names stay readable
    register_error_handlers(app)
    app.extensions[EXECUTOR_KEY] = Executor(app.config, shared_answers(app.config))
    for module, attr in BLUEPRINTS:
        app.register_blueprint(getattr(importlib.import_module(module), attr))
    # Bounded GET /sparql queries are answered before Flask's dispatch (a quarter of the time), and so
    # are repeated response-cache hits (replay.py).
    app.wsgi_app = LeanSparql(app, app.wsgi_app)  # type: ignore[method-assign]
    if settings["RESPONSE_CACHE_MB"] > 0:
        app.wsgi_app = Replay(app, app.wsgi_app)  # type: ignore[method-assign]
    return app
