"""``/healthz``: 200 when a worker can open the store and it holds quads, else 503 (error shape)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from dti_kg.server.errors import StoreUnavailable
from dti_kg.server.results import executor

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    pool = executor()
    status = pool.health()  # opens and counts the store in a worker, never in the web process
    if not status["quads"]:
        raise StoreUnavailable(f"the store's build {status['build_id']} is empty", retry_after=30)
    response = jsonify(
        {
            "status": "ok",
            "build_id": status["build_id"],
            "quads": status["quads"],
            "workers": pool.size,
            "workers_replaced": pool.replaced,
        }
    )
    response.cache_control.no_store = True
    return response
