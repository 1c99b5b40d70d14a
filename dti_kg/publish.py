"""``dti publish --to URL``: push the served graph to a triple store over the SPARQL 1.1 Graph Store
Protocol (HTTP PUT/DELETE on ``URL?graph=IRI``), switching releases in one SPARQL Update request
where the store offers one (``--update-endpoint``).

What is pushed is the store's current build: every named graph in it. Quarantined sources are never
in a build's store (they stay in ``STORE.builds/<build>/quarantine/``), and a graph the build lists as
quarantined is refused here all the same.

With an update endpoint the whole switch is one request: for every graph ``DROP SILENT GRAPH`` then
``INSERT DATA`` (in chunks a server's parser can take), the release manifest likewise, and ``DROP
SILENT GRAPH`` of the previous release's graphs this one no longer has. No staging graphs: a store's
union default graph (how both Oxigraph and Virtuoso are queried) would show them to readers beside
the live ones, which is the mix the switch is meant to prevent, and a failure would leave them
behind. A server that runs an update request as one transaction (Oxigraph) switches atomically.

Without one, or when that request is refused, a release is replaced graph by graph, each with one
``PUT`` (which the server applies atomically), in an order that keeps readers from ever seeing a
graph *missing*: first every graph of the new release, then the release manifest (the graph
``{BASE}id/graph/release``: the build, when, and which graphs), and only then ``DELETE`` of the
graphs the previous manifest listed that this release no longer has. During that push a reader may
see graphs of both releases side by side. docs/publishing.md says which store does what.
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
SPARQL_UPDATE = "application/sparql-update"
DCTERMS = "http://purl.org/dc/terms/"
TIMEOUT = 120.0  # seconds per request: a graph of the bundled build is a few MB at most
# Triples per INSERT DATA: Virtuoso 7's SPARQL compiler runs out of memory on one of ~6,000 lines
# ("SP030 ... memory exhausted"); 1,000 keeps every operation small on any server.
CHUNK = 1000


class PublishError(DtiError):
    """The target store refused or could not be reached; the message names the request."""


@dataclass(frozen=True)
class Credentials:
    """A user of the target store; sent with HTTP Digest or Basic auth, whichever the server asks."""

    user: str
    password: str


@dataclass
class PublishResult:
    target: str
    build_id: str
    replaced: list[str] = field(default_factory=list)  # graph IRIs written, in order
    removed: list[str] = field(default_factory=list)  # stale graphs of the previous release, dropped
    triples: int = 0
    previous_build: str | None = None
    update_endpoint: str | None = None  # set when the release was switched in one update request
    fallback: str | None = None  # why an update endpoint given was not used

    def summary(self) -> str:
        before = f" (replacing build {self.previous_build})" if self.previous_build else ""
        head = f"published build {self.build_id}{before} to {self.target}: "
        if self.update_endpoint:
            return head + (
                f"{len(self.replaced)} graph(s) ({self.triples} triples), the release manifest and the "
                f"removal of {len(self.removed)} stale graph(s) of the previous release sent as one SPARQL "
                f"Update request to {self.update_endpoint}: one transaction, so an atomic switch, on "
                "Oxigraph; not on Virtuoso 7, which applies a request operation by operation "
                "(docs/publishing.md). No staging graphs were made, so none can be left behind."
            )
        why = (
            f"the update endpoint did not take the release ({self.fallback}), so "
            if self.fallback
            else "no --update-endpoint was given, so "
        )
        return (
            head
            + why
            + (
                f"{len(self.replaced)} graph(s) were replaced with one PUT each ({self.triples} triples), "
                f"then the release manifest; {len(self.removed)} stale graph(s) of the previous release "
                "deleted. Each graph was replaced atomically; the release as a whole was not (the Graph "
                "Store Protocol has no transaction over several graphs)."
            )
        )


def release_graph(minter: Minter) -> str:
    return str(minter.graph("release"))


def publish(
    store_path: str | Path,
    target: str,
    *,
    update_endpoint: str | None = None,
    credentials: Credentials | None = None,
) -> PublishResult:
    """Push the current build of ``store_path`` to the Graph Store at ``target``: in one SPARQL Update
    request to ``update_endpoint`` when given and it takes it, else graph by graph."""
    _check_url("--to", target, "a Graph Store endpoint")
    if update_endpoint is not None:
        _check_url("--update-endpoint", update_endpoint, "a SPARQL Update endpoint")
    http = _Http(credentials, [u for u in (target, update_endpoint) if u])
    info = store.read_build_info(store_path)
    minter = Minter(info.get("base_iri") or base_iri())  # stores made by hand may not record it
    manifest_iri = release_graph(minter)
    source = store.open_read_only(store_path)
    graphs = sorted(g.value for g in source.named_graphs() if isinstance(g, pyoxigraph.NamedNode))
    quarantined = {s["graph"] for s in info.get("sources", []) if s["status"] != "served" and s.get("graph")}
    leaked = sorted(quarantined & set(graphs))
    if leaked:  # cannot happen with a store dti build wrote; refuse rather than publish it
        raise PublishError(f"the store holds quarantined source graphs, not publishing: {', '.join(leaked)}")
    previous_build, previous_graphs = _previous_release(http, target, manifest_iri)
    stale = sorted(previous_graphs - set(graphs) - {manifest_iri})
    bodies = {graph: graph_ntriples(source, graph) for graph in graphs}
    manifest = _manifest(manifest_iri, info, graphs)
    result = PublishResult(target, str(info["build_id"]), previous_build=previous_build)
    result.triples = sum(body.count(b"\n") for body in bodies.values())
    if update_endpoint is not None:
        try:
            http.send(
                "POST", update_endpoint, switch_request(bodies, manifest_iri, manifest, stale), SPARQL_UPDATE
            )
        except PublishError as exc:
            # One transaction on Oxigraph: nothing was applied. Virtuoso may have applied the
            # operations before the failing one; the PUTs below replace every graph all the same.
            result.fallback = str(exc)
        else:
            result.update_endpoint = update_endpoint
            result.replaced, result.removed = list(graphs), stale
            return result
    for graph in graphs:
        http.send("PUT", _graph_url(target, graph), bodies[graph], NTRIPLES)
        result.replaced.append(graph)
    http.send("PUT", _graph_url(target, manifest_iri), manifest, NTRIPLES)
    for graph in stale:
        http.send("DELETE", _graph_url(target, graph), None, None, missing_ok=True)
        result.removed.append(graph)
    return result


def _check_url(option: str, url: str, what: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{option} {url}: expected the http(s) URL of {what}")


def switch_request(bodies: dict[str, bytes], manifest_iri: str, manifest: bytes, stale: list[str]) -> bytes:
    """One SPARQL Update request that replaces every graph and the manifest and drops ``stale``.

    N-Triples lines are valid SPARQL triples. A graph is cut into INSERT DATA operations of CHUNK
    triples, unless it holds blank nodes: a label names one node only within one operation."""
    operations = []
    for graph, body in [*bodies.items(), (manifest_iri, manifest)]:
        name = str(pyoxigraph.NamedNode(graph))
        operations.append(f"DROP SILENT GRAPH {name}")
        lines = body.decode("utf-8").splitlines()
        size = len(lines) if any("_:" in line for line in lines) else CHUNK
        for start in range(0, len(lines), max(size, 1)):
            chunk = "\n".join(lines[start : start + size])
            operations.append(f"INSERT DATA {{ GRAPH {name} {{\n{chunk}\n}} }}")
    operations += [f"DROP SILENT GRAPH {pyoxigraph.NamedNode(graph)}" for graph in stale]
    return (" ;\n".join(operations) + "\n").encode("utf-8")


def graph_ntriples(source: pyoxigraph.Store, graph: str) -> bytes:
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


def _previous_release(http: _Http, target: str, manifest_iri: str) -> tuple[str | None, set[str]]:
    """The build id and graphs of the release the target holds now (none on a first publish)."""
    body = http.send("GET", _graph_url(target, manifest_iri), None, None, missing_ok=True)
    if not body:
        return None, set()
    try:
        triples = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise PublishError(f"{target}: the release manifest {manifest_iri} is not N-Triples: {exc}") from None
    build = next((t.object.value for t in triples if t.predicate.value == DCTERMS + "identifier"), None)
    graphs = {t.object.value for t in triples if t.predicate.value == DCTERMS + "hasPart"}
    return build, graphs


def _graph_url(target: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(target).query else "?"
    return f"{target}{separator}{urllib.parse.urlencode({'graph': graph})}"


class _Http:
    """Requests to the target store, authenticated as ``credentials`` on the given endpoints."""

    def __init__(self, credentials: Credentials | None, endpoints: list[str]) -> None:
        handlers: list[urllib.request.BaseHandler] = []
        if credentials is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for endpoint in endpoints:
                passwords.add_password(None, endpoint, credentials.user, credentials.password)
            handlers = [
                urllib.request.HTTPDigestAuthHandler(passwords),
                urllib.request.HTTPBasicAuthHandler(passwords),
            ]
        self._opener = urllib.request.build_opener(*handlers)

    def send(
        self, method: str, url: str, body: bytes | None, content_type: str | None, *, missing_ok: bool = False
    ) -> bytes:
        request = urllib.request.Request(url, data=body, method=method)
        if content_type is not None:
            request.add_header("Content-Type", content_type)
        request.add_header("Accept", NTRIPLES if method == "GET" else "*/*")
        shown = url if method != "POST" else f"{url} (SPARQL Update, {len(body or b'')} bytes)"
        try:
            with self._opener.open(request, timeout=TIMEOUT) as reply:
                return reply.read()
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code == 404:
                return b""
            detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
            raise PublishError(
                f"{method} {shown}: {exc.code} {exc.reason}" + (f" ({detail[0]})" if detail else "")
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PublishError(f"{method} {shown}: cannot reach the store ({reason})") from None
