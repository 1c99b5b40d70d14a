"""Reconciliation verdicts as schema.org ``ClaimReview`` (JSON-LD in the claim page's head), so that
fact-checking harvesters can read them.

The context is inline (``@vocab`` schema.org) so the block parses offline. The rating follows the
verdict: confirmed 5, contradicted 1 (of 1-5); an unverifiable claim has no rating value, only its name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from flask import Blueprint, current_app, request
from markupsafe import Markup

from dti_kg import releases as rel
from dti_kg.server.results import Term

bp = Blueprint("claim_review", __name__)

SCHEMA = "https://schema.org/"
VERDICTS = {  # dti:status local name -> (rating value or None, rating name)
    "Confirmed": (5, "Confirmed by the official table"),
    "Contradicted": (1, "Contradicted by the official table"),
    "Unverifiable": (None, "Unverifiable: no official figure to compare with"),
}


def _text(row: Mapping[str, Term], key: str) -> str | None:
    term = row.get(key)
    return term.value if term is not None else None


def claim_review(
    thing: str, claim: Mapping[str, Term], status: Term | None, evidence: Sequence[Mapping[str, Term]]
) -> dict | None:
    """The ClaimReview of one claim page, or None when the claim was not reconciled."""
    if status is None:
        return None
    verdict = status.value.rsplit("#", 1)[-1]
    rating, name = VERDICTS.get(verdict, (None, verdict))
    appearance: dict = {"@type": "NewsArticle", "@id": _text(claim, "source")}
    for key, prop in (("url", "url"), ("title", "headline"), ("issued", "datePublished")):
        if _text(claim, key):
            appearance[prop] = _text(claim, key)
    publisher = _text(claim, "publisher") or _text(claim, "outlet")
    if publisher:
        appearance["publisher"] = {"@type": "Organization", "name": publisher}
    quote = next((e["exact"].value for e in evidence if e.get("exact") is not None), None)
    review_rating: dict = {"@type": "Rating", "alternateName": name, "bestRating": 5, "worstRating": 1}
    if rating is not None:
        review_rating["ratingValue"] = rating
    base = current_app.config["BASE_IRI"]
    review = {
        "@context": {"@vocab": SCHEMA},
        "@type": "ClaimReview",
        "@id": f"{thing}/reconciliation",
        "url": request.base_url,
        "claimReviewed": quote or thing,
        "itemReviewed": {"@type": "Claim", "@id": thing, "appearance": appearance},
        "reviewRating": review_rating,
        "author": {"@type": "Organization", "name": "DTI-KG", "url": base},
    }
    current = rel.current_release(current_app.config["STORE"])
    if current is not None:
        review["datePublished"] = current.published.date().isoformat()
    return review


def claim_review_script(*args: object) -> Markup:
    """The ``<script type="application/ld+json">`` block, or nothing."""
    review = claim_review(*args)  # type: ignore[arg-type]
    if review is None:
        return Markup("")
    body = json.dumps(review, ensure_ascii=False, indent=1)
    # Markup from the sources stays inert inside <script>: JSON escapes, not HTML entities.
    body = body.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup('<script type="application/ld+json">\n') + Markup(body) + Markup("\n</script>")


@bp.record_once
def _register(state: object) -> None:
    state.app.jinja_env.globals["claim_review_script"] = claim_review_script  # type: ignore[attr-defined]
