"""``/healthz``: 200 when a worker can open the store and it holds quads, else 503 (error shape)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from dti_kg.server.errors import StoreUnavailable
from dti_kg.server.executor import Executor

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    executor: Executor = current_app.extensions["dti_executor"]
    status = executor.health()  # opens and counts the store in a worker, never in the web process
    if not status["quads"]:
        raise StoreUnavailable(f"the store's build {status['build_id']} is empty", retry_after=30)
    response = jsonify(
        {
            "status": "ok",
            "build_id": status["build_id"],
            "quads": status["quads"],
            "workers": executor.size,
            "workers_replaced": executor.replaced,
        }
    )
    response.cache_control.no_store = True
    return response
