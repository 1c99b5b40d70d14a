"""``/cite/<claim or observation>``: how to cite one value — its IRI, the release, the quote and the source.

Every value with an audit link on a page also has a "cite" link here. Answers HTML, plain text (one
citation line) or JSON (CSL-JSON-like fields plus the release and quote).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, g, render_template, request
from werkzeug.exceptions import NotFound

from dti_kg import releases as rel
from dti_kg.server.audit import audit_href
from dti_kg.server.conneg import HTML, negotiate
from dti_kg.server.errors import NotAcceptable
from dti_kg.server.pages_claim import CLAIM_EVIDENCE, CLAIM_FACTS
from dti_kg.server.pages_common import PREFIX_LINES
from dti_kg.server.results import Term, iri, select

bp = Blueprint("cite", __name__)

TEXT = "text/plain"
JSON = "application/json"

OBSERVATION = (
    PREFIX_LINES
    + """
SELECT ?observation ?plabel ?year ?cohort ?measure ?value ?src WHERE {
  ?observation a dti:OfficialObservation ; dti:province ?province ; dti:edition/dti:yearAssessed ?year ;
               dti:cohort/dti:cohortSize ?cohort ; qb:measureType ?m ; ?m ?value .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?observation dcterms:source ?src }
  OPTIONAL { ?province skos:prefLabel ?plabel FILTER(LANG(?plabel) = "vi") }
} ORDER BY ?src
"""
)


def cite_href(target: str | Term) -> str:
    """The cite page of a claim or official observation IRI ('' for anything else)."""
    audit = audit_href(target)
    return "/cite/" + audit.removeprefix("/audit/") if audit else ""


@bp.record_once
def _register(state: object) -> None:
    state.app.jinja_env.globals["cite_href"] = cite_href  # type: ignore[attr-defined]


def _value(row: dict[str, Term], key: str) -> str:
    term = row.get(key)
    return term.value if term is not None else ""


def citation(thing: str) -> dict[str, str]:
    """The parts of a citation of one claim or official observation."""
    release = g.get("release") or rel.current_release(current_app.config["STORE"])
    parts = {"iri": thing, "release": release.release_id if release else ""}
    if release is not None:
        parts["release_iri"] = release.iri(current_app.config["BASE_IRI"])
    subs = {"claim": iri(thing)}
    rows = select(CLAIM_FACTS, subs).rows if "/id/claim/" in thing else []
    if rows:
        row = rows[0]
        quote = next((_value(e, "exact") for e in select(CLAIM_EVIDENCE, subs).rows), "")
        parts.update(
            kind="claim",
            statement=f"{_value(row, 'plabel')}, DTI {_value(row, 'elabel') or _value(row, 'edition')}, "
            f"{_value(row, 'ilabel')}: {_value(row, 'measure')} {_value(row, 'value')}",
            quote=quote,
            source=_value(row, "source"),
            source_title=_value(row, "title"),
            source_publisher=_value(row, "publisher") or _value(row, "outlet"),
            source_date=_value(row, "issued"),
            source_url=_value(row, "url"),
        )
        return parts
    found = select(OBSERVATION, {"observation": iri(thing)}).rows if "/id/observation/" in thing else []
    if not found:
        raise NotFound(f"{thing} is not a claim or official observation of this release")
    row = found[0]
    parts.update(
        kind="official observation",
        statement=f"{_value(row, 'plabel')}, DTI {_value(row, 'year')} /{_value(row, 'cohort')}: "
        f"{_value(row, 'measure')} {_value(row, 'value')} (official table)",
        source_url=" | ".join(sorted({_value(r, "src") for r in found if r.get("src")})),
    )
    return parts


def citation_text(parts: dict[str, str]) -> str:
    pieces = [f"DTI-KG release {parts['release']}." if parts.get("release") else "DTI-KG."]
    pieces.append(parts.get("statement", "") + ".")
    if parts.get("quote"):
        pieces.append(f"“{parts['quote']}”.")
    source = ", ".join(
        x for x in (parts.get("source_title"), parts.get("source_publisher"), parts.get("source_date")) if x
    )
    if source or parts.get("source_url"):
        pieces.append(f"Source: {', '.join(x for x in (source, parts.get('source_url', '')) if x)}.")
    pieces.append(parts["iri"])
    return " ".join(p for p in pieces if p.strip(". "))


@bp.get("/cite/<path:rest>")
def cite(rest: str) -> Response:
    thing = current_app.config["BASE_IRI"] + "id/" + rest
    if not audit_href(thing):
        abort(404, f"only claims and official observations have citations, not {thing}")
    parts = citation(thing)
    media_type = negotiate(request.headers.get("Accept"), (HTML, TEXT, JSON))
    if media_type is None:
        raise NotAcceptable(f"a citation is available as {HTML}, {TEXT} or {JSON}")
    if media_type == TEXT:
        response = Response(citation_text(parts) + "\n", content_type="text/plain; charset=utf-8")
    elif media_type == JSON:
        body = {**parts, "citation": citation_text(parts)}
        response = Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", content_type=JSON)
    else:
        page = render_template("cite.html", parts=parts, text=citation_text(parts), thing=thing)
        response = Response(page, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = f'<{thing}>; rel="cite-as"'
    return response
