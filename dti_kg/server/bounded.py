"""Queries whose cost is bounded by their shape, answered in the web process without the worker hop.

The hop to a query worker (dti_kg.server.executor) exists because pyoxigraph cannot cancel a query
and a bad one can exhaust memory or crash the process. A query of one of these shapes can do
neither, so the web process runs it itself on its own read-only handle of the same build:

* ``ASK [WHERE] { S P O [.] }`` (or ``{}``)
* ``SELECT (* | ?v …) [WHERE] { S P O [.] } LIMIT n`` with n ≤ ``MAX_LOCAL_ROWS``
* ``DESCRIBE <iri>`` (or a prefixed name), without WHERE

after PREFIX/BASE declarations only, where S, P and O are each an IRI, a prefixed name, a plain
literal, a number, ``true``/``false`` (``a`` as P), or a variable, with no variable twice.

Why that is safe: one triple pattern with distinct variables is one range scan of one of Oxigraph's
indexes, in which every entry read is an answer; ASK stops at the first, SELECT at LIMIT, DESCRIBE
reads the IRI's own triples, capped at MAX_ROWS like everything else. So the work is proportional
to the answer (at most MAX_LOCAL_ROWS rows), the deadline cannot be reached, memory stays small, and
the parser sees one flat group (the crashes the guard protects against need thousands of nested
groups or operators). Anything else (a FILTER, a second pattern, a path, ORDER BY, DISTINCT, an
OFFSET, a dataset, a pinned release) goes to a worker as before. The handle is read-only (Oxigraph's
read-only mode: no write is possible) and reopened when the store link moves to a new build, as the
workers do; results are written by the workers' own code, with the same row cap and formats.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app

from dti_kg.server.executor import ExecResult, job_error
from dti_kg.server.guard import tokens
from dti_kg.server.worker import JobError, OpenStore, run_query

MAX_LOCAL_ROWS = 1000
LOCAL_KEY = "dti_local_store"  # app.extensions[LOCAL_KEY]: this web process's LocalStore

_TERMS = {"iri", "pname", "var", "string", "number"}
_WORDS = {"TRUE", "FALSE"}


def _term(token: tuple[str, str], seen: set[str], predicate: bool = False) -> bool:
    kind, value = token
    if kind == "var":
        name = value[1:]
        if name in seen:  # ?x ?x ?x filters a scan instead of reading an index range
            return False
        seen.add(name)
        return True
    if kind == "word":
        return value == "a" if predicate else value.upper() in _WORDS
    if predicate and kind in {"string", "number"}:
        return False
    return kind in _TERMS


def _prologue(toks: list[tuple[str, str]]) -> int:
    """The index of the first token after PREFIX/BASE declarations, or -1 if they are malformed."""
    i = 0
    while i < len(toks) and toks[i][0] == "word" and toks[i][1].upper() in {"PREFIX", "BASE"}:
        if toks[i][1].upper() == "PREFIX":
            if i + 2 >= len(toks) or toks[i + 1][0] != "pname" or toks[i + 2][0] != "iri":
                return -1
            i += 3
        else:
            if i + 1 >= len(toks) or toks[i + 1][0] != "iri":
                return -1
            i += 2
    return i


def _one_pattern(toks: list[tuple[str, str]], i: int) -> int:
    """The index after ``[WHERE] { S P O [.] }`` starting at ``i``, or -1 when that is not what is there."""
    if i < len(toks) and toks[i][0] == "word" and toks[i][1].upper() == "WHERE":
        i += 1
    if toks[i : i + 2] == [("op", "{"), ("op", "}")]:  # the empty group: one solution, nothing read
        return i + 2
    if i + 4 >= len(toks) or toks[i] != ("op", "{"):
        return -1
    seen: set[str] = set()
    s, p, o = toks[i + 1 : i + 4]
    if not (_term(s, seen) and _term(p, seen, predicate=True) and _term(o, seen)):
        return -1
    if s[0] in {"string", "number", "word"}:  # a literal subject matches nothing: not worth a case
        return -1
    i += 4
    if toks[i] == ("op", "."):
        i += 1
    if i >= len(toks) or toks[i] != ("op", "}"):
        return -1
    return i + 1


def is_bounded(query: str, given: Sequence[tuple[str, str]] | None = None) -> bool:
    """True when ``query`` has one of the shapes above (the guard has already accepted it); ``given``:
    its tokens, when the guard's report has them."""
    toks = list(tokens(query) if given is None else given)
    i = _prologue(toks)
    if i < 0 or i >= len(toks) or toks[i][0] != "word":
        return False
    form = toks[i][1].upper()
    if form == "DESCRIBE":
        return len(toks) == i + 2 and toks[i + 1][0] in {"iri", "pname"}
    if form == "ASK":
        return _one_pattern(toks, i + 1) == len(toks)
    if form != "SELECT":
        return False
    i += 1
    if i < len(toks) and toks[i] == ("op", "*"):
        i += 1
    else:
        start = i
        while i < len(toks) and toks[i][0] == "var":
            i += 1
        if i == start:
            return False
    i = _one_pattern(toks, i)
    if i < 0 or len(toks) != i + 2 or toks[i][0] != "word" or toks[i][1].upper() != "LIMIT":
        return False
    return toks[i + 1][0] == "number" and toks[i + 1][1].isdigit() and int(toks[i + 1][1]) <= MAX_LOCAL_ROWS


class LocalStore:
    """This web process's read-only handle on the current build, for bounded queries only."""

    def __init__(self, store_link: str, max_rows: int) -> None:
        self.opened = OpenStore(store_link)
        self.max_rows = max_rows
        self._lock = threading.Lock()  # one build switch at a time; the queries are microseconds

    def run(
        self, query: str, *, accept: str, base_iri: str | None, retry: int, predeclared: bool = True
    ) -> ExecResult:
        """``predeclared=False``: the query has no prefixed name, so the common prefixes are not
        passed (~10 % of a bounded ASK's query call); one it did need fails to parse, as an error."""
        job: dict[str, Any] = {
            "query": query,
            "accept": accept,
            "max_rows": self.max_rows,
            "base_iri": base_iri,
            "predeclared": predeclared,
        }
        with self._lock:
            try:
                return ExecResult(**run_query(job, self.opened))
            except JobError as exc:
                raise job_error(exc.name, exc.detail, exc.parameter, retry) from None


def store_for(app: Flask) -> LocalStore:
    """``app``'s LocalStore in this web process (opened on first use)."""
    found: LocalStore | None = app.extensions.get(LOCAL_KEY)
    if found is None:
        found = app.extensions.setdefault(
            LOCAL_KEY, LocalStore(str(app.config["STORE"]), int(app.config["MAX_ROWS"]))
        )
    return found


def local_store() -> LocalStore:
    """The current app's LocalStore."""
    return store_for(current_app)
