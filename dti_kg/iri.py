"""Minting instance IRIs: readable, stable, deterministic, never blank nodes.

All IRIs are ``{base}id/<kind>/<key>``; their documents live at ``{base}doc/<kind>/<key>``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from rdflib import URIRef

from dti_kg.config import base_iri


class Minter:
    """Makes the IRIs of one build. ``base`` defaults to the configured base IRI."""

    def __init__(self, base: str | None = None) -> None:
        self.base = base or base_iri()

    def _id(self, *parts: object) -> URIRef:
        return URIRef(self.base + "id/" + "/".join(str(p) for p in parts))

    # reference entities
    def province(self, slug: str) -> URIRef:
        return self._id("province", slug)

    def edition(self, year: int) -> URIRef:
        return self._id("edition", year)

    def framework(self, year: int) -> URIRef:
        return self._id("edition", year, "framework")

    def cohort(self, year: int, size: int) -> URIRef:
        return self._id("edition", year, "cohort", size)

    def indicator(self, key: str) -> URIRef:
        return self._id("indicator", key.replace("_", "-"))

    def indicator_scheme(self) -> URIRef:
        return self._id("indicator")

    def agency(self, slug: str) -> URIRef:
        return self._id("agency", slug)

    def event(self, slug: str) -> URIRef:
        return self._id("event", slug)

    def outlet(self, slug: str) -> URIRef:
        return self._id("outlet", slug)

    def dataset(self) -> URIRef:
        return self._id("dataset")

    # sources, evidence, provenance
    def source(self, source_id: str) -> URIRef:
        return self._id("source", source_id)

    def graph(self, name: str) -> URIRef:
        """Named graph of one source (``name`` = source id) or of reference data (e.g. "reference")."""
        return self._id("graph", name)

    def span(self, source_id: str, start: int, end: int) -> URIRef:
        return self._id("source", source_id, "span", f"{start}-{end}")

    def selector(self, source_id: str, start: int, end: int, kind: str) -> URIRef:
        """``kind`` is "quote" (oa:TextQuoteSelector) or "position" (oa:TextPositionSelector)."""
        return self._id("source", source_id, "span", f"{start}-{end}", kind)

    def activity(self, source_id: str) -> URIRef:
        return self._id("activity", "extract", source_id)

    def software(self, version: str) -> URIRef:
        return self._id("software", "dti-kg", version)

    def claim(self, source_id: str, *key: object) -> URIRef:
        digest = hashlib.sha256("|".join([source_id, *map(str, key)]).encode("utf-8")).hexdigest()[:16]
        return self._id("claim", digest)

    def candidate(self, source_id: str, *key: object) -> URIRef:
        digest = hashlib.sha256("|".join([source_id, *map(str, key)]).encode("utf-8")).hexdigest()[:16]
        return self._id("candidate", digest)

    def stated_value(
        self,
        edition: int,
        province: str,
        indicator: str,
        measure: str,
        compared_to: int | None,
        printed: str,
        cohorts: Sequence[int] | None,
    ) -> URIRef:
        """A value as article claims state it for one slot, e.g. ``id/stated-value/2024/thai-nguyen/
        overall/rank/8-in-34``: the cohorts it can be about when known, the comparison edition of a
        rank change (``rank-change-since-2022``); a score with its printed places (``0.3200``)."""
        what = measure.replace("_", "-") + (f"-since-{compared_to}" if compared_to is not None else "")
        value = printed + ("-in-" + "-".join(map(str, cohorts)) if cohorts else "")
        return self._id("stated-value", edition, province, indicator.replace("_", "-"), what, value)

    def decision(self, candidate: URIRef) -> URIRef:
        """A person's review decision on one candidate (at most one per candidate and build)."""
        return self._id("decision", str(candidate).rsplit("/", 1)[-1])

    def person(self, name: str) -> URIRef:
        digest = hashlib.sha256(name.strip().encode("utf-8")).hexdigest()[:12]
        return self._id("agent", digest)

    def edition_fact(self, source_id: str, *key: object) -> URIRef:
        digest = hashlib.sha256("|".join([source_id, *map(str, key)]).encode("utf-8")).hexdigest()[:16]
        return self._id("fact", digest)
