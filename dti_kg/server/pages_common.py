"""What every HTML page shares: prefixes for the pages' SPARQL, IRI links and labels, the facts table
of a resource, alternate formats, and how values are printed: scores with four decimals, indicators by
their names, derived values marked."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from urllib.parse import urlsplit

from flask import Response, current_app
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from dti_kg.namespaces import DTI, PREFIXES
from dti_kg.rdfnodes import term
from dti_kg.reference import indicators
from dti_kg.server.links import local_href
from dti_kg.server.results import XSD, Term

PREFIX_LINES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in sorted(PREFIXES.items()))
PILLAR_ORDER = ("overall", "digital_government", "digital_economy", "digital_society")
MEASURE_ORDER = ("rank", "score", "rankChange")
MEASURE_LABELS = {
    "rank": ("Hạng", "Rank"),
    "score": ("Điểm", "Score"),
    "rankChange": ("Thay đổi hạng", "Rank change"),
}
DERIVED = str(DTI.Derived)
# Reconciliation of a news claim with the official tables (dti:status), as shown beside the claim.
STATUS_LABELS = {
    "confirmed": ("khớp bảng chính thức", "confirmed by the official table"),
    "contradicted": ("trái với bảng chính thức", "contradicted by the official table"),
    "unverifiable": ("chưa có số liệu chính thức", "no official figure to check"),
}
# The official tables print scores with four decimals; the store keeps canonical decimals ("0.496", "1").
SCORE_QUANTUM = Decimal("0.0001")
_QUANTUM_EXPONENT = -4  # SCORE_QUANTUM's


# ---------------------------------------------------------------- links and labels


def href(target: str | Term | URIRef) -> str:
    return local_href(str(target))


def linkable(target: str | Term | URIRef | None) -> bool:
    """Whether ``target`` may be a link: a page of this server or an http(s) URL. Any other IRI
    (``javascript:``, ``data:``, ``urn:``) is shown as text, never made clickable."""
    if target is None:
        return False
    url = href(target)
    return (url.startswith("/") and not url.startswith("//")) or urlsplit(url).scheme in ("http", "https")


def curie(target: str | Node) -> str:
    text = str(target)
    best = ""
    for prefix, ns in PREFIXES.items():
        if text.startswith(str(ns)) and len(str(ns)) > len(best):
            best, name = str(ns), f"{prefix}:{text[len(str(ns)) :]}"
    if best:
        return name
    base = current_app.config["BASE_IRI"]
    return text[len(base) :] if text.startswith(base) else text


def labels(graph: Graph, node: Node) -> dict[str, str]:
    """Labels of ``node`` by language ("vi", "en", ""), prefLabel before rdfs:label."""
    out: dict[str, str] = {}
    for predicate in (SKOS.prefLabel, RDFS.label):
        for value in sorted(graph.objects(node, predicate), key=term):
            if isinstance(value, Literal):
                out.setdefault(value.language or "", str(value))
    return out


def html_response(body: str) -> Response:
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def alternates(thing: str, *, tables: bool = False) -> list[tuple[str, str]]:
    doc = href(thing)
    out = [("Turtle", doc + ".ttl"), ("JSON-LD", doc + ".jsonld"), ("N-Triples", doc + ".nt")]
    if tables:
        out += [("CSV", doc + ".csv"), ("JSON", doc + ".json")]
    return out


# ---------------------------------------------------------------- a resource's own triples


def facts(graph: Graph, node: Node) -> list[dict]:
    """Outgoing triples of ``node`` for display: predicate, object, object's label."""
    out = []
    for predicate, obj in sorted(graph.predicate_objects(node)):
        lab = labels(graph, obj) if isinstance(obj, URIRef) else {}
        out.append(
            {
                "predicate": predicate,
                "object": obj,
                "is_iri": isinstance(obj, URIRef),
                "label": lab.get("vi") or lab.get("en") or lab.get(""),
                "lang": obj.language if isinstance(obj, Literal) else None,
            }
        )
    return out


def incoming(graph: Graph, node: URIRef) -> list[dict]:
    out = []
    for subject, predicate in sorted(
        graph.subject_predicates(node), key=lambda sp: (term(sp[0]), term(sp[1]))
    ):
        lab = labels(graph, subject)
        out.append(
            {
                "subject": subject,
                "predicate": predicate,
                "label": lab.get("vi") or lab.get("en") or lab.get(""),
                "types": sorted(curie(t) for t in graph.objects(subject, RDF.type)),
            }
        )
    return out


def column_groups(columns: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Consecutive columns of one indicator: (indicator, its measures), for a two-row table header."""
    groups: list[tuple[str, list[str]]] = []
    for indicator, measure in columns:
        if groups and groups[-1][0] == indicator:
            groups[-1][1].append(measure)
        else:
            groups.append((indicator, [measure]))
    return groups


# Vietnamese letters written with a mark (ă â ê ô ơ ư đ) sort after their base letter and everything
# that follows it; tone marks only break ties.
_LETTER_MARKS = {"\u0306": "\x7f1", "\u0302": "\x7f2", "\u031b": "\x7f3"}  # breve, circumflex, horn


def vi_sort_key(text: str) -> tuple[str, str]:
    """Vietnamese alphabetical order (code-point order puts "Đà Nẵng" after "Yên Bái")."""
    out = []
    for c in unicodedata.normalize("NFD", text.lower().replace("đ", "d\x7f")):
        if c in _LETTER_MARKS:
            out.append(_LETTER_MARKS[c])
        elif not unicodedata.combining(c):
            out.append(c)
    return ("".join(out), text)


# ---------------------------------------------------------------- printing values


def score_text(value: str | Term) -> str:
    """A score as the tables print it, with four decimals ("1" -> "1.0000", "0.496" -> "0.4960").

    Only pads: a value with more than four decimals is shown as stored, never rounded.
    """
    text = str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < _QUANTUM_EXPONENT:
        return text
    return str(number.quantize(SCORE_QUANTUM))


def measure_text(value: str | Term, measure: str | Term) -> str:
    """A value of a measure ("rank", "score", "rankChange") as shown on pages."""
    if str(measure) == "score":
        return score_text(value)
    if str(measure) == "rankChange":
        return f"{int(str(value)):+d}" if str(value).lstrip("+-").isdigit() else str(value)
    return str(value)


def term_text(term: Term) -> str:
    """A literal of any query result as shown on pages: xsd:decimal values (scores) with four decimals."""
    return score_text(term.value) if term.datatype == XSD + "decimal" else term.value


def is_derived(derivation: str | Term | None) -> bool:
    """Whether a dti:derivation value says the value was derived rather than stated or published."""
    return derivation is not None and str(derivation) == DERIVED


@cache
def _indicator_names() -> dict[str, tuple[str, str]]:
    return {key: (i.label_vi, i.label_en) for key, i in indicators().items()}


def indicator_label(key: str | Term) -> tuple[str, str]:
    """Vietnamese and English name of an indicator key ("digital_government"); the key if unknown."""
    return _indicator_names().get(str(key), (str(key), str(key)))


def indicator_order(key: str) -> int:
    """Position of an indicator in the reference list: overall, the pillars, then the main indices."""
    names = list(_indicator_names())
    return names.index(key) if key in names else len(names)
