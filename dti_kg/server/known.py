"""Which IRIs name something: a parameter that names nothing is a 400 with the closest known IRIs.

The known IRIs are the typed subjects of the current build (about 2,000 on the bundled graph), read
once per build and web process, so a good parameter costs a set lookup. When a build has more than
MAX_ROWS of them the list is partial and a miss is confirmed by an ASK before it is refused.
"""

from __future__ import annotations

import difflib
import json
import threading
from dataclasses import dataclass

from flask import current_app

from dti_kg.server.bindings import inline
from dti_kg.server.caching import current_stamp
from dti_kg.server.results import SPARQL_JSON, executor, iri, select

KNOWN_KEY = "dti_known_iris"  # app.extensions[KNOWN_KEY]: the KnownIris of the last build seen
KNOWN_IRIS = "SELECT DISTINCT ?s WHERE { ?s a ?type FILTER(ISIRI(?s)) } ORDER BY ?s"
IS_KNOWN = "ASK WHERE { ?s a ?type }"
SUGGESTIONS = 3

_lock = threading.Lock()


@dataclass(frozen=True)
class KnownIris:
    build_id: str
    iris: frozenset[str]
    complete: bool  # False when the list was cut at MAX_ROWS


def known_iris() -> KnownIris:
    """The typed subjects of the build the store link points at now."""
    build_id = current_stamp(current_app.config["STORE"]).build_id
    known: KnownIris | None = current_app.extensions.get(KNOWN_KEY)
    if known is None or known.build_id != build_id:
        table = select(KNOWN_IRIS)
        known = KnownIris(table.build_id, frozenset(str(r["s"]) for r in table.rows), not table.truncated)
        with _lock:
            current_app.extensions[KNOWN_KEY] = known
    return known


def names_something(value: str, known: KnownIris) -> bool:
    if value in known.iris:
        return True
    if known.complete:
        return False
    body = executor().run(inline(IS_KNOWN, {"s": iri(value)}), accept=SPARQL_JSON).body
    return bool(json.loads(body)["boolean"])


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
