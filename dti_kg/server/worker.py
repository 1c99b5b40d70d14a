"""The query worker: a separate process that opens the store read-only and runs one query at a time.

It is started by ``dti_kg.server.executor`` as ``python -m dti_kg.server.worker FD STORE MEMORY_MB``
and talks over the socket FD (a ``multiprocessing.connection.Connection``):

* it first sends ``("ready", None)``;
* then for each job (a dict, see ``Executor``) it sends ``("ok", payload)`` or
  ``("error", (error_class_name, detail, parameter))``.

Its memory is capped (RLIMIT_DATA) so a runaway query fails here, not on the whole machine; the
executor kills it at the deadline. It reopens the store when the store link moves to a new build.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph

from dti_kg import store as dti_store
from dti_kg.errors import StoreError
from dti_kg.limits import cap_memory, exit_with_parent
from dti_kg.query import QUERY_PREFIXES, query_store
from dti_kg.server import conneg
from dti_kg.server.bindings import term
from dti_kg.server.serializers import write_boolean, write_solutions, write_triples
from dti_kg.sparql_errors import describe


class JobError(Exception):
    """An error to send back; ``name`` is the class in ``dti_kg.server.errors`` the executor raises."""

    def __init__(self, name: str, detail: str, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.name, self.detail, self.parameter = name, detail, parameter


class OpenStore:
    """The store of the build the link currently points at, reopened when the link moves.

    ``get(build)`` opens a kept earlier build instead (a release pinned by the client); the last one
    opened stays open beside the current build.
    """

    def __init__(self, link: str) -> None:
        self.link = link
        self.link_path = str(dti_store.paths(link).link)  # a str: os.readlink of a Path costs more
        self.target: str | None = None  # the link's target when the store was opened
        self.build_dir: Path | None = None
        self.build_id = ""  # the build the last query ran on
        self.current_id = ""
        self.store: pyoxigraph.Store | None = None
        self.pinned: tuple[str, pyoxigraph.Store] | None = None

    def get(self, build: str | None = None) -> pyoxigraph.Store:
        if build:
            return self._pinned(build)
        # Published builds never change and the link is switched atomically, so while it names the
        # same target the open store is current: one readlink instead of resolving and checking the
        # build's files per query (a quarter of a bounded query's time in the web process).
        try:
            target: str | None = os.readlink(self.link_path)
        except OSError:
            target = None
        if self.store is not None and target is not None and target == self.target:
            self.build_id = self.current_id
            return self.store
        try:
            build_dir = dti_store.current_build_dir(self.link)
            if self.store is None or build_dir != self.build_dir:
                self.store = None  # release the previous build first
                self.store = dti_store.open_read_only(self.link)
                self.build_dir = build_dir
                info = json.loads((build_dir / dti_store.BUILD_INFO).read_text(encoding="utf-8"))
                self.current_id = str(info.get("build_id", build_dir.name))
            self.target = target
        except StoreError as exc:
            raise JobError("StoreUnavailable", str(exc)) from None
        self.build_id = self.current_id
        return self.store

    def _pinned(self, build: str) -> pyoxigraph.Store:
        directory = dti_store.paths(self.link).builds / build / dti_store.OXIGRAPH_DIR
        if "/" in build or build.startswith(".") or not directory.is_dir():
            raise JobError("StoreUnavailable", f"build {build} is no longer kept")
        if self.pinned is None or self.pinned[0] != build:
            self.pinned = None
            try:
                self.pinned = (build, pyoxigraph.Store.read_only(str(directory)))
            except OSError as exc:
                raise JobError("StoreUnavailable", f"cannot open build {build}: {exc}") from None
        self.build_id = build
        return self.pinned[1]


def _not_acceptable(kind: str, accept: str) -> JobError:
    offered = ", ".join(conneg.OFFERS[kind])
    return JobError("NotAcceptable", f"cannot answer this query in any of {accept!r}; available: {offered}")


def run_query(job: dict[str, Any], opened: OpenStore) -> dict[str, Any]:
    store = opened.get(job.get("build"))
    try:
        substitutions = {pyoxigraph.Variable(k): term(v) for k, v in (job.get("substitutions") or {}).items()}
        # The protocol's dataset (default-graph-uri, named-graph-uri); none means the union of all graphs.
        default = [pyoxigraph.NamedNode(iri) for iri in job.get("default_graph_uris", ())]
        named = [pyoxigraph.NamedNode(iri) for iri in job.get("named_graph_uris", ())]
    except (ValueError, TypeError) as exc:
        raise JobError("QueryRejected", f"bad query argument: {exc}") from None
    try:
        result = query_store(
            store,
            job["query"],
            substitutions=substitutions,
            default_graphs=default,
            named_graphs=named,
            base_iri=job.get("base_iri"),
            predeclared=job.get("predeclared", True),
        )
    except SyntaxError as exc:
        detail = describe(job["query"], str(exc), QUERY_PREFIXES)
        raise JobError("QueryRejected", f"the query is not valid SPARQL 1.1: {detail}", "query") from None
    except (RuntimeError, ValueError, TypeError) as exc:  # e.g. a substituted variable not projected
        raise JobError("QueryRejected", f"the query cannot be run: {exc}", "query") from None
    max_rows = job["max_rows"]
    accept = job["accept"]
    try:
        if isinstance(result, pyoxigraph.QueryBoolean):
            media_type = conneg.choose(accept, "boolean")
            if media_type is None:
                raise _not_acceptable("boolean", accept)
            return _payload(media_type, write_boolean(result, media_type), False, None, opened)
        if isinstance(result, pyoxigraph.QuerySolutions):
            media_type = conneg.choose(accept, "solutions")
            if media_type is None:
                raise _not_acceptable("solutions", accept)
            variables = [v.value for v in result.variables]
            rows = [tuple(solution) for solution in islice(result, max_rows + 1)]
            truncated = len(rows) > max_rows
            rows = rows[:max_rows]
            body = write_solutions(variables, rows, media_type, truncated)
            return _payload(media_type, body, truncated, len(rows), opened)
        media_type = conneg.choose(accept, "graph")
        if media_type is None:
            raise _not_acceptable("graph", accept)
        triples = list(islice(result, max_rows + 1))
        truncated = len(triples) > max_rows
        triples = triples[:max_rows]
        return _payload(media_type, write_triples(triples, media_type), truncated, len(triples), opened)
    except OSError as exc:
        raise JobError("StoreUnavailable", f"error reading the store: {exc}") from None
    except RuntimeError as exc:  # an evaluation error pyoxigraph reports while iterating
        raise JobError("QueryRejected", f"the query failed: {exc}", "query") from None
    except MemoryError:
        raise JobError("WorkerFailed", "the query needs more memory than a worker may use") from None


def _payload(media_type: str, body: bytes, truncated: bool, rows: int | None, opened: OpenStore) -> dict:
    return {
        "media_type": media_type,
        "body": body,
        "truncated": truncated,
        "rows": rows,
        "build_id": opened.build_id,
    }


def main(conn: Connection, store_link: str, memory_mb: int) -> None:
    """Serve jobs from ``conn`` until the executor closes it."""
    exit_with_parent()  # even in the middle of a query (the GIL is free then)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops us
    cap_memory(memory_mb)
    opened = OpenStore(store_link)
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", run_query(job, opened))
        except JobError as exc:
            reply = ("error", (exc.name, exc.detail, exc.parameter))
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


if __name__ == "__main__":
    fd, link, megabytes = sys.argv[1:4]
    main(Connection(int(fd)), link, int(megabytes))
