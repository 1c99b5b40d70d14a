"""``/openapi.json``: the canned queries as an OpenAPI 3.1 document, built from the queries' headers.

Each query is a GET path with its parameters (type, value list where there is one, default), its
result formats and the project's error shape. Clients and code generators read it; a test checks it
with ``openapi-spec-validator``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from dti_kg import __version__
from dti_kg.server.canned import FORMATS, MAX_INTEGER, MAX_STRING, YEARS, CannedQuery, Param, canned_queries

bp = Blueprint("openapi", __name__)

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "title", "detail"],
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "detail": {"type": "string"},
                "parameter": {"type": "string", "description": "the request parameter at fault"},
            },
        }
    },
}


def _schema(param: Param) -> dict[str, Any]:
    if param.type == "year":
        schema: dict[str, Any] = {"type": "integer", "enum": list(YEARS)}
    elif param.type == "integer":
        schema = {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER}
    elif param.type == "iri":
        schema = {
            "type": "string",
            "description": "an IRI under the base, or a short form such as province/thai-nguyen",
        }
    else:
        schema = {"type": "string", "maxLength": MAX_STRING}
    if param.default is not None:
        schema["default"] = int(param.default) if schema["type"] == "integer" else param.default
    return schema


def _operation(query: CannedQuery) -> dict[str, Any]:
    parameters = [
        {
            "name": p.name,
            "in": "query",
            # A parameter with a default may always be left out: /queries/<name> runs on the defaults.
            "required": p.required and p.default is None,
            "description": p.description or p.name,
            "schema": _schema(p),
        }
        for p in query.params
    ]
    parameters.append(
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "result format (instead of the Accept header)",
            "schema": {"type": "string", "enum": list(FORMATS)},
        }
    )
    return {
        "operationId": query.name.replace("-", "_"),
        "summary": query.title,
        "description": query.description,
        "parameters": parameters,
        "responses": {
            "200": {
                "description": f"rows with the columns {', '.join(query.columns)}",
                "content": {
                    "application/sparql-results+json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}, "example": ",".join(query.columns) + "\r\n"},
                    "text/tab-separated-values": {"schema": {"type": "string"}},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            "400": {
                "description": "a parameter is malformed or names nothing in the graph",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "503": {
                "description": "the query timed out or the server is busy (see Retry-After)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }


def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "DTI-KG canned queries",
            "version": __version__,
            "description": "Ready-made SPARQL queries over Vietnam's provincial Digital Transformation Index "
            "graph. Each runs with its defaults when called without parameters.",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server_url}],
        "paths": {f"/queries/{q.name}": {"get": _operation(q)} for q in canned_queries().values()},
        "components": {"schemas": {"Error": ERROR_SCHEMA}},
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(request.host_url.rstrip("/")))
