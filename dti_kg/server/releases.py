"""Releases on the web: the list, one release, its diff, pinned queries, Memento and withdrawn things.

- ``/releases`` (HTML, JSON, Turtle): the kept releases, described in DCAT and PROV.
- ``/releases/<id>/diff`` (HTML, CSV, Turtle, JSON): the claims changed from its predecessor, with reasons.
- ``?release=<id>`` on ``/sparql``, ``/doc/…`` and ``/queries/…`` runs the request on that kept release
  (read-only, like any build); an unknown id is 404, a malformed one 400, both in the error shape of
  ``errors.py``.
- ``/id/…`` with ``Accept-Datetime`` is its own TimeGate (RFC 7089 pattern 2.2): 302 to the description
  in the release that was current at that time, ``/doc/…?release=<id>``, which carries
  ``Memento-Datetime``. ``/timemap/id/…`` lists the versions as ``application/link-format``.
- A ``/doc/…`` of a thing that an older kept release holds but the current one does not answers
  410 Gone naming the release that removed it, with ``dcterms:isReplacedBy`` when a claim replaced it.

The web process never opens a store: release records are small JSON files beside each build, and
queries on a pinned release go to the query workers with the build's name.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, send_file
from werkzeug.exceptions import NotFound
from werkzeug.http import http_date, parse_date
from werkzeug.wrappers import Response as WerkzeugResponse

from dti_kg import releases as rel
from dti_kg.diff import COLUMNS, diff_csv, diff_graph, read_diff
from dti_kg.release_zip import ZIP_NAME
from dti_kg.serialize import dump_turtle
from dti_kg.server.bindings import inline
from dti_kg.server.conneg import HTML, JSON_LD, TURTLE
from dti_kg.server.errors import ApiError, error_response
from dti_kg.server.pages_common import alternates
from dti_kg.server.resources import choose_media_type, rdf_response, sorted_graph, split_extension
from dti_kg.server.results import executor, iri

bp = Blueprint("releases", __name__)

JSON = "application/json"
CSV = "text/csv"
LINK_FORMAT = "application/link-format"
RELEASE_PARAM = "release"
# Paths whose queries may be pinned to a release with ?release=ID.
PINNABLE = ("/sparql", "/doc/", "/queries/")


class ReleaseNotFound(ApiError):
    status = 404
    title = "Not Found"


class Gone(ApiError):
    status = 410
    title = "Gone"


def _store() -> str:
    return current_app.config["STORE"]


def _base() -> str:
    return current_app.config["BASE_IRI"]


def _kept() -> list[rel.Release]:
    return rel.kept_releases(_store())


def _find(release_id: str, parameter: str | None = None) -> rel.Release:
    if not rel.RELEASE_ID.fullmatch(release_id):
        raise ApiError(
            f"{release_id!r} is not a release id (YYYY-MM-DD-hash8, see /releases)",
            parameter=parameter,
            status=400,
        )
    found = rel.find_release(_store(), release_id)
    if found is None:
        kept = ", ".join(r.release_id for r in _kept()) or "none"
        raise ReleaseNotFound(
            f"release {release_id} is not kept on this server (kept: {kept}; see /releases)",
            parameter=parameter,
        )
    return found


def page_versions() -> dict | None:
    """For the footer of an HTML page of a thing: its TimeMap and, per kept release (newest first), the
    release id, the URL of the thing's version in it and whether that is the version shown."""
    if not request.path.startswith("/doc/"):
        return None
    rest = quote(thing_path(request.path))
    shown = g.get("release") or rel.current_release(_store())
    shown_id = shown.release_id if shown else None
    versions = [
        (r.release_id, f"/doc/{rest}?{RELEASE_PARAM}={r.release_id}", r.release_id == shown_id)
        for r in reversed(_kept())
    ]
    return {"versions": versions, "timemap": f"/timemap/id/{rest}"} if versions else None


def thing_path(path: str) -> str:
    """``/doc/<rest>[.ext]`` (or ``.csv-metadata.json``) -> ``rest``."""
    return split_extension(path[len("/doc/") :].removesuffix(".csv-metadata.json"))[0]


@bp.record_once
def _register_template_helpers(state: object) -> None:
    state.app.jinja_env.globals["page_versions"] = page_versions  # type: ignore[attr-defined]


# ---------------------------------------------------------------- pinning and the TimeGate


@bp.before_app_request
def _pin_release() -> WerkzeugResponse | None:
    path = request.path
    if path.startswith("/id/") and "Accept-Datetime" in request.headers:
        return _timegate(path[len("/id/") :])
    if not path.startswith(PINNABLE):
        return None
    values = request.args.getlist(RELEASE_PARAM)
    if request.mimetype == "application/x-www-form-urlencoded":
        values += request.form.getlist(RELEASE_PARAM)
    if not values:
        return None
    if len(values) > 1:
        raise ApiError("give at most one release", parameter=RELEASE_PARAM, status=400)
    release = _find(values[0], RELEASE_PARAM)
    g.release = release
    g.release_build = release.build_id
    return None


def _timegate(rest: str) -> WerkzeugResponse:
    raw = request.headers["Accept-Datetime"]
    moment = parse_date(raw)
    if moment is None:
        raise ApiError(
            f"Accept-Datetime must be an HTTP date (e.g. {http_date(datetime.now(UTC))}), got {raw!r}",
            parameter="Accept-Datetime",
            status=400,
        )
    kept = _kept()
    if not kept:
        raise ReleaseNotFound("this store records no releases: build it with `dti build`")
    # Before the first kept release, the first one is the closest (RFC 7089 4.1.1).
    chosen = rel.release_at(kept, moment.astimezone(UTC)) or kept[0]
    response = redirect(f"/doc/{quote(rest)}?{RELEASE_PARAM}={chosen.release_id}", code=302)
    response.headers["Vary"] = "Accept-Datetime"
    response.headers["Link"] = _memento_links(rest, timegate=False)
    return response


def _memento_links(rest: str, *, timegate: bool = True) -> str:
    original = f"{_base()}id/{rest}"
    links = [f'<{original}>; rel="original{" timegate" if timegate else ""}"']
    links.append(f'</timemap/id/{quote(rest)}>; rel="timemap"; type="{LINK_FORMAT}"')
    return ", ".join(links)


@bp.after_app_request
def _memento_headers(response: Response) -> Response:
    if g.get("release") is not None:
        response.headers["X-DTI-Release"] = g.release.release_id
    if not request.path.startswith("/doc/") or response.status_code >= 400:
        return response
    rest = thing_path(request.path)
    release = g.get("release")
    if release is None:
        current = rel.current_release(_store())
        if current is None:
            return response
        release = current
    response.headers["Memento-Datetime"] = http_date(release.published)
    response.headers["X-DTI-Release"] = release.release_id
    link = _memento_links(rest)
    existing = response.headers.get("Link")
    response.headers["Link"] = f"{existing}, {link}" if existing else link
    return response


@bp.get("/timemap/id/<path:rest>")
def timemap(rest: str) -> Response:
    """RFC 7089 TimeMap of ``{BASE}id/rest``: one memento per kept release that holds the thing."""
    thing = f"{_base()}id/{rest}"
    lines = [
        f'<{thing}>; rel="original"',
        f'</id/{quote(rest)}>; rel="timegate"',
        f'</timemap/id/{quote(rest)}>; rel="self"; type="{LINK_FORMAT}"',
    ]
    held = [r for r in _kept() if _holds(r, thing)]
    if not held:
        raise NotFound(f"no kept release describes {thing}")
    for i, r in enumerate(held):
        kinds = ["memento"]
        if i == 0:
            kinds.insert(0, "first")
        if i == len(held) - 1:
            kinds.insert(0, "last")
        lines.append(
            f'</doc/{quote(rest)}?{RELEASE_PARAM}={r.release_id}>; rel="{" ".join(kinds)}"; '
            f'datetime="{http_date(r.published)}"'
        )
    response = Response(",\n".join(lines) + "\n", content_type=LINK_FORMAT)
    return response


HOLDS = "ASK WHERE { { ?this ?p ?o } UNION { ?s ?p ?this } }"


def _holds(release: rel.Release, thing: str) -> bool:
    query = inline(HOLDS, {"this": iri(thing)})
    result = executor().run(query, accept="application/sparql-results+json", build=release.build_id)
    return bool(json.loads(result.body)["boolean"])


# ---------------------------------------------------------------- withdrawn things


@bp.app_errorhandler(NotFound)
def _not_found(exc: NotFound) -> Response:
    """A /doc/… that an older kept release holds is Gone, not Not Found."""
    if request.path.startswith("/doc/") and g.get("release") is None:
        rest = thing_path(request.path)
        gone = _withdrawn(f"{_base()}id/{rest}")
        if gone is not None:
            return gone
    return error_response(404, exc.name, exc.description or exc.name)


def _withdrawn(thing: str) -> Response | None:
    kept = _kept()
    current = rel.current_release(_store())
    older = [r for r in kept if current is None or r.release_id != current.release_id]
    for i in range(len(older) - 1, -1, -1):  # newest first: the last release that held it
        if not _holds(older[i], thing):
            continue
        successors = [r for r in kept if r.published > older[i].published]
        removed_by = successors[0] if successors else current
        if removed_by is None:
            return None
        replacement = _replacement(thing, successors)
        detail = f"{thing} was withdrawn in release {removed_by.release_id} (last in {older[i].release_id})"
        if replacement:
            detail += f"; it is replaced by {replacement}"
        response = error_response(410, "Gone", detail)
        if response.mimetype == JSON:
            body = json.loads(response.get_data())
            body["error"].update(
                {
                    "withdrawnIn": removed_by.release_id,
                    "lastRelease": older[i].release_id,
                    **({"dcterms:isReplacedBy": replacement} if replacement else {}),
                }
            )
            response.set_data(json.dumps(body, ensure_ascii=False) + "\n")
        links = [
            f'</doc/{quote(thing[len(_base()) + 3 :])}?{RELEASE_PARAM}={older[i].release_id}>; rel="memento"',
            f'<{_base()}id/release/{removed_by.release_id}>; rel="http://purl.org/dc/terms/isReferencedBy"',
        ]
        if replacement:
            links.insert(0, f'<{replacement}>; rel="http://purl.org/dc/terms/isReplacedBy"')
        response.headers["Link"] = ", ".join(links)
        return response
    return None


def _replacement(thing: str, successors: list[rel.Release]) -> str | None:
    """Follow the diffs of the later releases from a claim to the claim that replaced it."""
    current = thing
    for r in successors:
        recorded = read_diff(r.build_dir)
        if recorded is None:
            continue
        for change in recorded[2]:
            if change.old_claim == current and change.new_claim:
                current = change.new_claim
                break
    return current if current != thing else None


# ---------------------------------------------------------------- the list and the diffs


def _choose(ext: str | None, offers: tuple[str, ...]) -> str:
    by_ext = {".html": HTML, ".json": JSON, ".ttl": TURTLE, ".jsonld": JSON_LD, ".csv": CSV}
    if ext:
        if by_ext.get(ext) not in offers:
            raise NotFound(f"no {ext} form of this resource")
        return by_ext[ext]
    return choose_media_type(None, offers)


def _rdf(graph_turtle: str, media_type: str) -> Response:
    return Response(graph_turtle, content_type=f"{media_type}; charset=utf-8")


def _release_json(r: rel.Release, current: str | None) -> dict:
    return {
        "id": r.release_id,
        "iri": r.iri(_base()),
        "published": r.published_text,
        "current": r.release_id == current,
        "predecessor": r.predecessor,
        "content_hash": r.content_hash,
        "loader_version": r.info.get("loader_version"),
        "reference_version": r.info.get("reference_version"),
        "dti_kg_version": r.info.get("dti_kg_version"),
        "quads": r.info.get("quads"),
        "sources": r.info.get("sources", []),
        "not_served": r.info.get("not_served", []),
        "sparql": f"/sparql?{RELEASE_PARAM}={r.release_id}",
        "diff": f"/releases/{r.release_id}/diff" if r.predecessor else None,
        "download": f"/releases/{r.release_id}/dti.zip" if (r.build_dir / ZIP_NAME).is_file() else None,
    }


@bp.get("/releases")
@bp.get("/releases<any('.html', '.json', '.ttl'):ext>")
def release_list(ext: str | None = None) -> Response:
    kept = list(reversed(_kept()))  # newest first
    current = rel.current_release(_store())
    current_id = current.release_id if current else None
    media_type = _choose(ext, (HTML, JSON, TURTLE))
    if media_type == JSON:
        body = {"releases": [_release_json(r, current_id) for r in kept]}
        response = Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", content_type=JSON)
    elif media_type == TURTLE:
        response = _rdf(dump_turtle(rel.release_graph(kept, _base(), current_id)), TURTLE)
    else:
        html = render_template(
            "releases.html",
            releases=[_release_json(r, current_id) for r in kept],
            alternates=[("JSON", "/releases.json"), ("Turtle", "/releases.ttl")],
        )
        response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/doc/release/<release_id>")
def release_document(release_id: str) -> Response:
    """The description of ``{BASE}id/release/<id>`` (its IRI dereferences like every minted IRI)."""
    release_id, ext = split_extension(release_id)
    release = _find(release_id)
    media_type = choose_media_type(ext)
    current = rel.current_release(_store())
    if media_type == HTML:
        html = render_template(
            "releases.html",
            releases=[_release_json(release, current.release_id if current else None)],
            alternates=alternates(release.iri(_base())),
        )
        return Response(html, content_type="text/html; charset=utf-8")
    graph = rel.release_graph([release], _base(), current.release_id if current else None)
    return rdf_response(sorted_graph(graph), media_type)


@bp.get("/releases/<release_id>/dti.zip")
def release_zip(release_id: str) -> Response:
    """The release's tables (CSV + CSVW metadata + README), the same bytes for the same release."""
    release = _find(release_id)
    path = release.build_dir / ZIP_NAME
    if not path.is_file():
        raise NotFound(f"release {release_id} was recorded without a download")
    response = send_file(
        path, mimetype="application/zip", download_name=f"dti-kg-{release_id}.zip", etag=True
    )
    response.headers["Link"] = f'<{release.iri(_base())}>; rel="describedby"'
    return response


@bp.get("/releases/<release_id>/diff")
@bp.get("/releases/<release_id>/diff<any('.html', '.json', '.ttl', '.csv'):ext>")
def release_diff(release_id: str, ext: str | None = None) -> Response:
    release = _find(release_id)
    recorded = read_diff(release.build_dir)
    if recorded is None:
        raise NotFound(
            f"release {release_id} has no recorded predecessor"
            + (f" ({release.predecessor} is no longer kept)" if release.predecessor else "")
        )
    old_id, new_id, changes = recorded
    media_type = _choose(ext, (HTML, CSV, TURTLE, JSON))
    if media_type == CSV:
        response = Response(diff_csv(changes), content_type="text/csv; charset=utf-8; header=present")
    elif media_type == TURTLE:
        response = _rdf(dump_turtle(diff_graph(changes, old_id, new_id, _base())), TURTLE)
    elif media_type == JSON:
        body = {"old": old_id, "new": new_id, "changes": [c.__dict__ for c in changes]}
        response = Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", content_type=JSON)
    else:
        base = f"/releases/{release_id}/diff"
        html = render_template(
            "release_diff.html",
            old=old_id,
            new=new_id,
            changes=changes,
            columns=COLUMNS,
            alternates=[("CSV", base + ".csv"), ("Turtle", base + ".ttl"), ("JSON", base + ".json")],
        )
        response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response
