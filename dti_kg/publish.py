"""``dti publish --to URL``: push the served graph to a triple store over the SPARQL 1.1 Graph Store
Protocol (HTTP PUT/DELETE on ``URL?graph=IRI``).

What is pushed is the store's current build: every named graph in it. Quarantined sources are never
in a build's store (they stay in ``STORE.builds/<build>/quarantine/``), and a graph the build lists as
quarantined is refused here all the same.

The protocol has no transaction over several graphs. So a release is replaced graph by graph, each
with one ``PUT`` (which the server applies atomically), in an order that keeps readers from ever
seeing a graph *missing*: first every graph of the new release, then the release manifest (the graph
``{BASE}id/graph/release``: the build, when, and which graphs), and only then ``DELETE`` of the
graphs the previous manifest listed that this release no longer has. During the push a reader may
see graphs of both releases side by side; that is what "atomically where the server allows it"
means for a Graph Store: per graph.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from dti_kg import store
from dti_kg.config import base_iri
from dti_kg.errors import DtiError, InputError
from dti_kg.iri import Minter

NTRIPLES = "application/n-triples"
DCTERMS = "http://purl.org/dc/terms/"
TIMEOUT = 120.0  # seconds per request: a graph of the bundled build is a few MB at most


class PublishError(DtiError):
    """The target store refused or could not be reached; the message names the request."""


@dataclass
class PublishResult:
    target: str
    build_id: str
    replaced: list[str] = field(default_factory=list)  # graph IRIs PUT, in order
    removed: list[str] = field(default_factory=list)  # stale graphs of the previous release, DELETEd
    triples: int = 0
    previous_build: str | None = None

    def summary(self) -> str:
        before = f" (replacing build {self.previous_build})" if self.previous_build else ""
        return (
            f"published build {self.build_id}{before} to {self.target}: {len(self.replaced)} graph(s) "
            f"replaced with one PUT each ({self.triples} triples), then the release manifest; "
            f"{len(self.removed)} stale graph(s) of the previous release deleted. Each graph was "
            "replaced atomically; the release as a whole was not (the Graph Store Protocol has no "
            "transaction over several graphs)."
        )


def release_graph(minter: Minter) -> str:
    return str(minter.graph("release"))


def publish(store_path: str | Path, target: str) -> PublishResult:
    """Push the current build of ``store_path`` to the Graph Store at ``target``."""
    parts = urllib.parse.urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--to {target}: expected the http(s) URL of a Graph Store endpoint")
    info = store.read_build_info(store_path)
    minter = Minter(info.get("base_iri") or base_iri())  # stores made by hand may not record it
    manifest_iri = release_graph(minter)
    source = store.open_read_only(store_path)
    graphs = sorted(g.value for g in source.named_graphs() if isinstance(g, pyoxigraph.NamedNode))
    quarantined = {s["graph"] for s in info.get("sources", []) if s["status"] != "served" and s.get("graph")}
    leaked = sorted(quarantined & set(graphs))
    if leaked:  # cannot happen with a store dti build wrote; refuse rather than publish it
        raise PublishError(f"the store holds quarantined source graphs, not publishing: {', '.join(leaked)}")
    previous_build, previous_graphs = _previous_release(target, manifest_iri)
    result = PublishResult(target, str(info["build_id"]), previous_build=previous_build)
    for graph in graphs:
        body = _graph_ntriples(source, graph)
        result.triples += body.count(b"\n")
        _request("PUT", target, graph, body)
        result.replaced.append(graph)
    _request("PUT", target, manifest_iri, _manifest(manifest_iri, info, graphs))
    for graph in sorted(previous_graphs - set(graphs) - {manifest_iri}):
        _request("DELETE", target, graph, None, missing_ok=True)
        result.removed.append(graph)
    return result


def _graph_ntriples(source: pyoxigraph.Store, graph: str) -> bytes:
    """One graph as sorted N-Triples (deterministic: the same build sends the same bytes)."""
    quads = source.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph))
    triples = [pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads]
    lines = sorted(_ntriples(triples).splitlines())
    return b"\n".join(lines) + b"\n" if lines else b""


def _manifest(manifest_iri: str, info: dict, graphs: list[str]) -> bytes:
    subject = pyoxigraph.NamedNode(manifest_iri)
    triples = [
        pyoxigraph.Triple(
            subject, pyoxigraph.NamedNode(DCTERMS + "identifier"), pyoxigraph.Literal(info["build_id"])
        ),
        *(
            pyoxigraph.Triple(subject, pyoxigraph.NamedNode(DCTERMS + "hasPart"), pyoxigraph.NamedNode(g))
            for g in graphs
        ),
    ]
    return _ntriples(triples)


def _ntriples(triples: list[pyoxigraph.Triple]) -> bytes:
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""


def _previous_release(target: str, manifest_iri: str) -> tuple[str | None, set[str]]:
    """The build id and graphs of the release the target holds now (none on a first publish)."""
    body = _request("GET", target, manifest_iri, None, missing_ok=True)
    if not body:
        return None, set()
    try:
        triples = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise PublishError(f"{target}: the release manifest {manifest_iri} is not N-Triples: {exc}") from None
    build = next((t.object.value for t in triples if t.predicate.value == DCTERMS + "identifier"), None)
    graphs = {t.object.value for t in triples if t.predicate.value == DCTERMS + "hasPart"}
    return build, graphs


def _request(method: str, target: str, graph: str, body: bytes | None, *, missing_ok: bool = False) -> bytes:
    separator = "&" if urllib.parse.urlsplit(target).query else "?"
    url = f"{target}{separator}{urllib.parse.urlencode({'graph': graph})}"
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", NTRIPLES)
    request.add_header("Accept", NTRIPLES)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
            return reply.read()
    except urllib.error.HTTPError as exc:
        if missing_ok and exc.code == 404:
            return b""
        detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        raise PublishError(
            f"{method} {url}: {exc.code} {exc.reason}" + (f" ({detail[0]})" if detail else "")
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PublishError(f"{method} {url}: cannot reach the Graph Store ({reason})") from None
