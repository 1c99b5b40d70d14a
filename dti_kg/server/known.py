"""Which IRIs name something: a parameter that names nothing is a 400 with the closest known IRIs.

A parameter is checked by one ``ASK { <iri> a ?type }``, a shape bounded by construction that the web
process answers itself (dti_kg.server.bounded): microseconds at any size. The list of every typed
subject (for the suggestions) is read only when a parameter names nothing, once per build and web
process; it used to be read on the first canned query of each web process, and at 1,000 articles it
passed the query deadline under load, so every canned query with an IRI parameter answered 503.
When the list cannot be read in time, the 400 comes without suggestions.
"""

from __future__ import annotations

import difflib
import json
import threading
from dataclasses import dataclass

from flask import current_app

from dti_kg.server.bindings import term
from dti_kg.server.bounded import local_store
from dti_kg.server.caching import current_stamp
from dti_kg.server.errors import ServiceUnavailable
from dti_kg.server.executor import retry_seconds
from dti_kg.server.results import SPARQL_JSON, iri, select

KNOWN_KEY = "dti_known_iris"  # app.extensions[KNOWN_KEY]: the KnownIris of the last build seen
# Streamed in index order and cut at MAX_ROWS (no DISTINCT, no ORDER BY: at 1,000 articles sorting
# every typed subject took 25 s under load, past the deadline).
KNOWN_IRIS = "SELECT ?s WHERE { ?s a ?type FILTER(ISIRI(?s)) }"
SUGGESTIONS = 3

_lock = threading.Lock()


@dataclass(frozen=True)
class KnownIris:
    build_id: str
    iris: frozenset[str]  # at most MAX_ROWS of them: enough to suggest from


def known_iris() -> KnownIris:
    """The typed subjects of the build the store link points at now."""
    build_id = current_stamp(current_app.config["STORE"]).build_id
    known: KnownIris | None = current_app.extensions.get(KNOWN_KEY)
    if known is None or known.build_id != build_id:
        table = select(KNOWN_IRIS)
        known = KnownIris(table.build_id, frozenset(str(r["s"]) for r in table.rows))
        with _lock:
            current_app.extensions[KNOWN_KEY] = known
    return known


def names_something(value: str) -> bool:
    """True when ``value`` (a valid IRI) is the subject of a typed resource in the current build."""
    query = f"ASK {{ {term(iri(value))} a ?type }}"
    retry = retry_seconds(float(current_app.config["QUERY_TIMEOUT"]))
    body = local_store().run(query, accept=SPARQL_JSON, base_iri=None, retry=retry).body
    return bool(json.loads(body)["boolean"])


def suggestions(value: str) -> list[str]:
    """The known IRIs closest to ``value``; none when the list of known IRIs cannot be read in time."""
    try:
        known = known_iris()
    except ServiceUnavailable:
        return []
    return closest(value, known.iris)


def closest(value: str, candidates: frozenset[str], n: int = SUGGESTIONS) -> list[str]:
    """Known IRIs that ``value`` most likely meant: same spelling in another case or with another
    path before the last segment (``thai-nguyen`` for ``province/thai-nguyen``), then difflib's."""
    lowered = value.lower()
    tail = lowered.rstrip("/").rsplit("/", 1)[-1]
    ordered = sorted(candidates)
    same = [c for c in ordered if c.lower() == lowered]
    same += [c for c in ordered if c.lower().rsplit("/", 1)[-1] == tail and c not in same]
    near = difflib.get_close_matches(value, ordered, n=n, cutoff=0.6)
    return [*same, *(c for c in near if c not in same)][:n]
