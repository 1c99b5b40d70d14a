"""Audit pages: ``/audit/claim/{id}`` and ``/audit/observation/...`` show how a served value got there.

A claim's trail is the canned ``audit-trail`` query (one source of truth for page and API): value ->
claim -> evidence quote and offsets -> source article -> extraction activity -> validation of the
source graph -> comparison with the official tables. An official observation's page shows where the
figure comes from (sources, derivation), the data-quality checks of its table, and the trail of every
claim compared with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, current_app, render_template

from dti_kg.server.canned import canned_queries
from dti_kg.server.pages import MEASURE_LABELS, PREFIX_LINES, html_response
from dti_kg.server.pages_common import is_derived
from dti_kg.server.results import Term, iri, select

bp = Blueprint("audit", __name__)

_CLAIM_PATH = re.compile(r"claim/[0-9a-zA-Z]+")
_OBSERVATION_PATH = re.compile(r"observation/\d{4}/\d+/[a-z0-9-]+/[a-z0-9-]+/[a-zA-Z_-]+")


def audit_href(target: str | Term) -> str:
    """The audit page of a claim or official observation IRI ('' for anything else)."""
    text = str(target)
    base = current_app.config["BASE_IRI"] + "id/"
    if not text.startswith(base):
        return ""
    path = text[len(base) :]
    return f"/audit/{path}" if _CLAIM_PATH.fullmatch(path) or _OBSERVATION_PATH.fullmatch(path) else ""


def _register_helpers(state: object) -> None:
    state.app.jinja_env.globals.update(audit_href=audit_href)  # type: ignore[attr-defined]


bp.record_once(_register_helpers)


@dataclass
class Trail:
    """The audit trail of one claim, from the rows of the audit-trail query."""

    claim: dict[str, Term]
    spans: list[dict[str, Term]] = field(default_factory=list)
    officials: list[dict[str, Term]] = field(default_factory=list)


def claim_trails(rows: list[dict[str, Term]]) -> list[Trail]:
    """Group audit-trail rows by claim; spans and official observations without repeats, in row order."""
    trails: dict[str, Trail] = {}
    for row in rows:
        trail = trails.setdefault(str(row["claim"]), Trail(row))
        if row.get("span") and all(str(s["span"]) != str(row["span"]) for s in trail.spans):
            trail.spans.append(row)
        if row.get("official") and all(str(o["official"]) != str(row["official"]) for o in trail.officials):
            trail.officials.append(row)
    return list(trails.values())


def trail_of(claim: str) -> list[Trail]:
    return claim_trails(select(canned_queries()["audit-trail"].text, {"claim": iri(claim)}).rows)


OBSERVATION_FACTS = (
    PREFIX_LINES
    + """
SELECT ?obs ?province ?plabel ?edition ?year ?indicator ?ilabel ?measure ?value ?cohort ?derivation
       ?derivationNote ?sourceKind ?source ?derivedFrom
WHERE {
  ?obs a dti:OfficialObservation ; dti:province ?province ; dti:edition ?edition ; dti:indicator ?ind ;
       qb:measureType ?m ; ?m ?value ; dti:cohort/dti:cohortSize ?cohort .
  ?edition dti:yearAssessed ?year .
  ?ind skos:notation ?indicator .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?ind skos:prefLabel ?ilabel FILTER(LANG(?ilabel) = "vi") }
  OPTIONAL { ?province skos:prefLabel ?plabel FILTER(LANG(?plabel) = "vi") }
  OPTIONAL { ?obs dti:derivation ?derivation }
  OPTIONAL { ?obs dti:derivationNote ?derivationNote }
  OPTIONAL { ?obs dti:sourceKind ?sourceKind }
  OPTIONAL { ?obs dcterms:source ?source }
  OPTIONAL { ?obs prov:wasDerivedFrom ?derivedFrom }
}
ORDER BY ?source ?derivedFrom
"""
)

OBSERVATION_CHECKS = (
    PREFIX_LINES
    + """
SELECT ?obs ?check ?kind ?result ?violations WHERE {
  ?obs dti:edition ?edition ; dti:cohort ?cohort ; dti:indicator ?ind .
  ?check a dti:QualityCheck ; dti:edition ?edition ; dti:cohort ?cohort ; dti:indicator ?ind ;
         dti:checkKind ?kind ; dti:result ?result .
  OPTIONAL { ?check dti:violationCount ?violations }
}
ORDER BY ?kind
"""
)

OBSERVATION_CLAIMS = (
    PREFIX_LINES
    + """
SELECT DISTINCT ?obs ?claim WHERE { ?rec dti:officialObservation ?obs ; dti:claim ?claim . }
ORDER BY ?claim
"""
)


# Which of a claim and the official observations it was compared with are derived values (a rank
# computed from other figures or from the scores), so the page can mark them.
DERIVED_NEAR_CLAIM = (
    PREFIX_LINES
    + """
SELECT ?claim ?claimDerivation ?official ?officialDerivation WHERE {
  ?claim a dti:Claim .
  OPTIONAL { ?claim dti:derivation ?claimDerivation }
  OPTIONAL {
    ?rec dti:claim ?claim ; dti:officialObservation ?official .
    ?official dti:derivation ?officialDerivation
  }
}
ORDER BY ?official
"""
)


def derived_among(trails: list[Trail]) -> set[str]:
    """IRIs of the derived claims and derived official observations of ``trails``."""
    out: set[str] = set()
    for trail in trails:
        for row in select(DERIVED_NEAR_CLAIM, {"claim": iri(str(trail.claim["claim"]))}).rows:
            if is_derived(row.get("claimDerivation")):
                out.add(str(row["claim"]))
            if is_derived(row.get("officialDerivation")):
                out.add(str(row["official"]))
    return out


@bp.get("/audit/<path:path>")
def audit_page(path: str) -> Response:
    thing = current_app.config["BASE_IRI"] + "id/" + path
    if _CLAIM_PATH.fullmatch(path):
        trails = trail_of(thing)
        if not trails:
            abort(404, f"no claim {thing} in the store")
        body = render_template(
            "audit.html",
            thing=thing,
            observation=None,
            trails=trails,
            derived=derived_among(trails),
            measure_labels=MEASURE_LABELS,
        )
        return html_response(body)
    if _OBSERVATION_PATH.fullmatch(path):
        subs = {"obs": iri(thing)}
        facts = select(OBSERVATION_FACTS, subs).rows
        if not facts:
            abort(404, f"no official observation {thing} in the store")
        claims = [str(r["claim"]) for r in select(OBSERVATION_CLAIMS, subs).rows]
        trails = [t for claim in claims for t in trail_of(claim)]
        body = render_template(
            "audit.html",
            thing=thing,
            observation=facts[0],
            sources=sorted({str(r["source"]) for r in facts if r.get("source")}),
            derived_from=sorted({str(r["derivedFrom"]) for r in facts if r.get("derivedFrom")}),
            checks=select(OBSERVATION_CHECKS, subs).rows,
            trails=trails,
            derived=derived_among(trails),
            measure_labels=MEASURE_LABELS,
        )
        return html_response(body)
    abort(
        404,
        "audit pages exist for claims (/audit/claim/...) and official observations (/audit/observation/...)",
    )
