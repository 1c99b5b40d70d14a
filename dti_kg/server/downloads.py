"""CSVW metadata for canned query CSVs: ``/queries/<name>.csv-metadata.json`` (the CSVW naming convention).

The metadata describes the CSV that ``/queries/<name>.csv`` returns for the same parameters: column
names, labels and datatypes (read from the typed SPARQL results), the release the rows come from and
that release's sources.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, g, request

from dti_kg import releases as rel
from dti_kg.csvw import Column, infer_columns, table_metadata
from dti_kg.server.canned import bind, canned_queries, run_canned
from dti_kg.server.pages import page_table
from dti_kg.server.results import SPARQL_JSON, Term

bp = Blueprint("downloads", __name__)

CSVW_JSON = "application/csvm+json"
METADATA_SUFFIX = ".csv-metadata.json"


@bp.after_app_request
def _link_csv_to_its_metadata(response: Response) -> Response:
    """A canned query's or a page's CSV points at its CSVW metadata (CSVW 5.2: Link rel=describedby)."""
    if request.path.startswith(("/queries/", "/doc/")) and response.mimetype == "text/csv":
        args = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "format"])
        target = request.path.removesuffix(".csv") + METADATA_SUFFIX + (f"?{args}" if args else "")
        link = f'<{target}>; rel="describedby"; type="{CSVW_JSON}"'
        existing = response.headers.get("Link")
        response.headers["Link"] = f"{existing}, {link}" if existing else link
    return response


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


@bp.before_app_request
def _page_table_metadata() -> Response | None:
    """``/doc/<path>.csv-metadata.json``: the CSVW metadata of a page's table (``/doc/<path>.csv``).

    A hook rather than a route: ``/doc/<path:rest>`` (resources.py) would take the path first."""
    if not (request.path.startswith("/doc/") and request.path.endswith(METADATA_SUFFIX)):
        return None
    path = request.path[len("/doc/") : -len(METADATA_SUFFIX)]
    found = page_table(path)
    if found is None:
        abort(404, f"the page of {path} has no table")
    names, rows = found
    bindings = [{c: _sparql_json(t) for c, t in row.items() if t is not None} for row in rows]
    columns = [
        Column(c.name, c.datatype, _label(c.name), f"Column {c.name} of the table on the page of {path}.")
        for c in infer_columns(names, bindings)
    ]
    args = urlencode(list(request.args.items(multi=True)))
    url = path.rsplit("/", 1)[-1] + ".csv" + (f"?{args}" if args else "")
    return _metadata_response(url, columns, f"The table of {path}", "", _release_of_pin())


def _sparql_json(term: Term) -> dict[str, str]:
    """A decoded term back in the shape of a SPARQL JSON binding (what infer_columns reads)."""
    out = {"type": "uri" if term.is_iri else term.kind, "value": term.value}
    if term.datatype:
        out["datatype"] = term.datatype
    return out


def _release_of_pin() -> rel.Release | None:
    return g.get("release") or rel.current_release(current_app.config["STORE"])


@bp.get("/queries/<name>.csv-metadata.json")
def canned_csv_metadata(name: str) -> Response:
    query = canned_queries().get(name)
    if query is None:
        abort(404, f"no canned query named {name!r}; see /queries")
    base = current_app.config["BASE_IRI"]
    values = bind(query, request.args, base=base, host_root=request.host_url)
    result = run_canned(query, values, accept=SPARQL_JSON)
    data = json.loads(result.body)
    columns = [
        Column(c.name, c.datatype, _label(c.name), f"Column {c.name} of the canned query {name}.")
        for c in infer_columns(data["head"]["vars"], data["results"]["bindings"])
    ]
    release = rel.release_of_build(current_app.config["STORE"], result.build_id)
    args = urlencode(list(request.args.items(multi=True)))
    return _metadata_response(
        f"{name}.csv" + (f"?{args}" if args else ""), columns, query.title, query.description, release
    )


def _metadata_response(
    url: str, columns: list[Column], title: str, description: str, release: rel.Release | None
) -> Response:
    """CSVW metadata of one table of ``release``, naming the release and its sources."""
    base = current_app.config["BASE_IRI"]
    meta = table_metadata(
        url,
        columns,
        title=title,
        description=description,
        release=release.release_id if release else None,
        release_iri=release.iri(base) if release else None,
        sources=[s.get("url") or s["iri"] for s in release.info.get("sources", [])] if release else (),
    )
    body = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    response = Response(body, content_type=f"{CSVW_JSON}; charset=utf-8")
    response.headers["Link"] = f'<{url}>; rel="describes"'
    return response
