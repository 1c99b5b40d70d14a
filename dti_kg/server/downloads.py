"""CSVW metadata for canned query CSVs: ``/queries/<name>.csv-metadata.json`` (the CSVW naming convention).

The metadata describes the CSV that ``/queries/<name>.csv`` returns for the same parameters: column
names, labels and datatypes (read from the typed SPARQL results), the release the rows come from and
that release's sources.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, request

from dti_kg import releases as rel
from dti_kg.csvw import Column, infer_columns, table_metadata
from dti_kg.server.bindings import inline
from dti_kg.server.canned import bind, canned_queries
from dti_kg.server.results import SPARQL_JSON, executor, pinned_build

bp = Blueprint("downloads", __name__)

CSVW_JSON = "application/csvm+json"


@bp.after_app_request
def _link_csv_to_its_metadata(response: Response) -> Response:
    """A canned query's CSV points at its CSVW metadata (CSVW 5.2: Link rel=describedby)."""
    if request.path.startswith("/queries/") and response.mimetype == "text/csv":
        name = request.path[len("/queries/") :].removesuffix(".csv")
        args = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "format"])
        target = f"/queries/{name}.csv-metadata.json" + (f"?{args}" if args else "")
        link = f'<{target}>; rel="describedby"; type="{CSVW_JSON}"'
        existing = response.headers.get("Link")
        response.headers["Link"] = f"{existing}, {link}" if existing else link
    return response


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


@bp.get("/queries/<name>.csv-metadata.json")
def canned_csv_metadata(name: str) -> Response:
    query = canned_queries().get(name)
    if query is None:
        abort(404, f"no canned query named {name!r}; see /queries")
    base = current_app.config["BASE_IRI"]
    values = bind(query, request.args, base=base, host_root=request.host_url)
    result = executor().run(inline(query.text, values), accept=SPARQL_JSON, build=pinned_build())
    data = json.loads(result.body)
    columns = [
        Column(c.name, c.datatype, _label(c.name), f"Column {c.name} of the canned query {name}.")
        for c in infer_columns(data["head"]["vars"], data["results"]["bindings"])
    ]
    release = rel.release_of_build(current_app.config["STORE"], result.build_id)
    args = urlencode(list(request.args.items(multi=True)))
    meta = table_metadata(
        f"{name}.csv" + (f"?{args}" if args else ""),
        columns,
        title=query.title,
        description=query.description,
        release=release.release_id if release else None,
        release_iri=release.iri(base) if release else None,
        sources=[s.get("url") or s["iri"] for s in release.info.get("sources", [])] if release else (),
    )
    body = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    response = Response(body, content_type=f"{CSVW_JSON}; charset=utf-8")
    response.headers["Link"] = f'<{name}.csv{"?" + args if args else ""}>; rel="describes"'
    return response
