"""``/healthz``: 200 when the store link points at a complete build holding quads, else 503 (error shape).

It answers from the web process (the cached build stamp, no file parsed, no query worker woken), so it
stays fast and truthful while every query worker is busy and queries are queued.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from dti_kg.server.caching import current_stamp
from dti_kg.server.errors import StoreUnavailable
from dti_kg.server.results import executor

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    stamp = current_stamp(current_app.config["STORE"])
    if not stamp.quads:
        raise StoreUnavailable(f"the store's build {stamp.build_id} is empty", retry_after=30)
    pool = executor()
    shared = pool.answers
    response = jsonify(
        {
            "status": "ok",
            "build_id": stamp.build_id,
            "quads": stamp.quads,
            "workers": pool.size,
            "workers_replaced": pool.replaced,
            "queries_waiting": pool.waiting,
            # this web process's reads and writes of the answers all processes share (shared_answers.py)
            "shared_answers": None if shared is None else {"read": shared.hits, "written": shared.written},
        }
    )
    response.cache_control.no_store = True
    return response
