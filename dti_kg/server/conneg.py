"""Content negotiation as pure functions: an Accept header (or a ``format`` parameter) in, a media type out.

Nothing here touches Flask or the store, so the whole behaviour is tested as a table.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"
TRIG = "application/trig"
N_QUADS = "application/n-quads"
HTML = "text/html"

# What each kind of result can be written as, in the server's order of preference (first wins ties).
SOLUTION_TYPES = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
BOOLEAN_TYPES = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
GRAPH_TYPES = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, TRIG, N_QUADS)
OFFERS: Mapping[str, Sequence[str]] = {
    "solutions": SOLUTION_TYPES,
    "boolean": BOOLEAN_TYPES,
    "graph": GRAPH_TYPES,
}

# Media types clients commonly send for the same format; answered with the canonical type.
ALIASES: Mapping[str, Mapping[str, str]] = {
    "solutions": {"application/json": SPARQL_JSON, "application/xml": SPARQL_XML, "text/xml": SPARQL_XML},
    "boolean": {"application/json": SPARQL_JSON, "application/xml": SPARQL_XML, "text/xml": SPARQL_XML},
    "graph": {
        "application/json": JSON_LD,
        "application/xml": RDF_XML,
        "text/xml": RDF_XML,
        "application/x-turtle": TURTLE,
        "text/n3": TURTLE,
        "text/plain": N_TRIPLES,
    },
}

# ``format`` parameter values (short names and full media types) -> the media types they may mean.
# One name can serve both kinds: ``json`` is SPARQL JSON for SELECT/ASK and JSON-LD for CONSTRUCT.
FORMAT_NAMES: Mapping[str, tuple[str, ...]] = {
    "json": (SPARQL_JSON, JSON_LD),
    "xml": (SPARQL_XML, RDF_XML),
    "csv": (CSV,),
    "tsv": (TSV,),
    "ttl": (TURTLE,),
    "turtle": (TURTLE,),
    "n3": (TURTLE,),
    "nt": (N_TRIPLES,),
    "ntriples": (N_TRIPLES,),
    "n-triples": (N_TRIPLES,),
    "jsonld": (JSON_LD,),
    "json-ld": (JSON_LD,),
    "rdfxml": (RDF_XML,),
    "rdf+xml": (RDF_XML,),
    "rdf": (RDF_XML,),
    "trig": (TRIG,),
    "nq": (N_QUADS,),
    "nquads": (N_QUADS,),
    "n-quads": (N_QUADS,),
}


@dataclass(frozen=True)
class MediaRange:
    type: str  # "text", "*"
    subtype: str  # "turtle", "*"
    q: float

    @property
    def specificity(self) -> int:
        return 0 if self.type == "*" else 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries and q values are skipped, not fatal."""
    ranges = []
    for entry in (header or "").split(","):
        media, *params = (part.strip() for part in entry.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
                break
        if 0.0 <= q <= 1.0:
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q value the client gives ``media_type``: that of the most specific matching range (RFC 9110)."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return best.q if best else 0.0


def negotiate(accept: str | None, offered: Iterable[str]) -> str | None:
    """The offered media type the client accepts most; ties go to the earlier offer.

    No, an empty or an unreadable Accept header accepts anything. None when nothing offered is acceptable.
    """
    offered = list(offered)
    ranges = parse_accept(accept)
    if not ranges:  # absent, empty or unreadable: the client accepts anything
        return offered[0] if offered else None
    best, best_q = None, 0.0
    for media_type in offered:
        q = quality(ranges, media_type)
        if q > best_q:
            best, best_q = media_type, q
    return best


# Result-set types that SPARQL clients send for every query form (roqet, rdflib's SPARQLStore): a graph
# asked for in one of them is answered in the default RDF format, as Oxigraph and Fuseki do.
RESULT_SET_DEFAULTS = (SPARQL_XML, SPARQL_JSON)


@functools.lru_cache(maxsize=256)  # clients repeat their Accept header: parsing it was 10 % of an ASK
def choose(accept: str | None, kind: str) -> str | None:
    """The canonical media type to write a result of ``kind`` ("solutions", "boolean", "graph") in."""
    aliases = ALIASES[kind]
    chosen = negotiate(accept, [*OFFERS[kind], *aliases])
    if chosen is None and kind == "graph" and negotiate(accept, RESULT_SET_DEFAULTS) is not None:
        return GRAPH_TYPES[0]
    return aliases.get(chosen, chosen) if chosen else None


def accept_from_format(values: Sequence[str]) -> str | None:
    """An Accept header equivalent to the ``format`` parameter values (None when none is known).

    SPARQLWrapper sends several, e.g. ``format=tsv&format=text/tab-separated-values``.
    """
    known: list[str] = []
    for value in values:
        value = value.strip().lower()
        media_types = FORMAT_NAMES.get(value) or ((value,) if "/" in value else ())
        known.extend(m for m in media_types if m not in known)
    return ", ".join(known) if known else None


def prefers_html(accept: str | None, alternatives: Iterable[str]) -> bool:
    """True when the client (a browser) ranks HTML above every one of ``alternatives``."""
    ranges = parse_accept(accept)
    html_q = quality(ranges, HTML)
    return html_q > 0 and all(html_q > quality(ranges, m) for m in alternatives)
