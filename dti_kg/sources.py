"""The inputs of a build, each of which becomes one named graph.

A source is identified cheaply first (content hash of the normalised text), so that a build can
take its graph from the cache instead of extracting it again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import rdflib

from dti_kg.config import DEFAULT_BASE_IRI
from dti_kg.errors import InputError
from dti_kg.graph import activity_time_from_env, extraction_graph
from dti_kg.iri import Minter
from dti_kg.loaders import LOADER_VERSION
from dti_kg.loaders.documents import document_key, expand_paths, load_document
from dti_kg.loaders.extract import extract_document
from dti_kg.names import shown
from dti_kg.namespaces import DTI
from dti_kg.resources import data_file

SNAPSHOT = "seed-articles.nq"  # in dti_kg/data: the article graphs of the seed corpus


class Source(Protocol):
    name: str

    def identify(self) -> str:
        """A key that changes whenever anything the source's graph is made from changes; cheap (no
        extraction), as a build asks it of every source to find it in the cache. May raise InputError."""

    def extract(self, minter: Minter) -> tuple[rdflib.Graph, int, list[str]]:
        """The source's graph, its number of claims and notes for the report. May raise InputError."""

    def graph_name(self, minter: Minter) -> str: ...


@dataclass
class ArticleSource:
    """An article file (.txt or saved .html) to extract claims from.

    It keeps its graph's name, not its document: a build holds every source until it ends, and a
    cold 10,000-article build kept every document it had read for a name (~24 KB each, pickled) into
    its store phase, though a worker process extracts it. Extraction reads the file again (~4 ms,
    against ~100 ms to validate the graph)."""

    path: Path
    name: str = ""
    _source_id: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.name = self.name or shown(self.path.name)

    def identify(self) -> str:
        return document_key(self.path)

    def graph_name(self, minter: Minter) -> str:
        if self._source_id is None:
            self._source_id = load_document(self.path).source_id
        return str(minter.graph(self._source_id))

    def extract(self, minter: Minter) -> tuple[rdflib.Graph, int, list[str]]:
        extraction = extract_document(load_document(self.path))
        if not extraction.claims and not extraction.candidates:
            reason = "; ".join(extraction.notes) or "no DTI claims found"
            raise InputError(f"{self.path}: no DTI content ({reason})")
        graph = extraction_graph(extraction, minter, LOADER_VERSION, activity_time_from_env())
        return graph, len(extraction.claims), list(extraction.notes)


@dataclass
class SnapshotSource:
    """One article graph of the bundled snapshot (built earlier from the seed corpus)."""

    name: str
    graph_iri: str
    ntriples: str  # the graph's triples, sorted N-Triples, already moved onto this build's base

    def identify(self) -> str:
        return hashlib.sha256(self.ntriples.encode("utf-8")).hexdigest()

    def graph_name(self, minter: Minter) -> str:
        return self.graph_iri

    def extract(self, minter: Minter) -> tuple[rdflib.Graph, int, list[str]]:
        graph = rdflib.Graph()
        graph.parse(data=self.ntriples, format="nt")
        claims = sum(1 for _ in graph.subjects(rdflib.RDF.type, DTI.Claim))
        return graph, claims, []


_FILE_NAME = DTI.fileName.n3()  # as it stands in N-Triples


def article_sources(paths: Sequence[Path]) -> list[ArticleSource]:
    """Files as given, folders expanded to their article files (sorted)."""

    return [ArticleSource(p) for p in expand_paths(list(paths))]


def snapshot_sources(minter: Minter) -> list[SnapshotSource]:
    """The article graphs of the bundled snapshot, moved onto ``minter``'s base IRI."""
    text = data_file(SNAPSHOT).read_text(encoding="utf-8")
    if minter.base != DEFAULT_BASE_IRI:
        text = text.replace("<" + DEFAULT_BASE_IRI, "<" + minter.base)
    by_graph: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        triple, graph = _split_quad(line)
        by_graph[graph].append(triple)
        if f" {_FILE_NAME} " in triple:
            names[graph] = str(rdflib.util.from_n3(triple.split(f" {_FILE_NAME} ", 1)[1].rstrip(" .")))
    return [
        SnapshotSource(names.get(g, g.rsplit("/", 1)[-1]), g, "\n".join(sorted(lines)) + "\n")
        for g, lines in sorted(by_graph.items())
    ]


def _split_quad(line: str) -> tuple[str, str]:
    """Split a sorted N-Quads line whose graph is an IRI into (N-Triples line, graph IRI)."""
    body = line.rstrip()
    if not body.endswith("> ."):
        raise InputError(f"bundled snapshot {SNAPSHOT}: a quad without a named graph: {line[:80]}")
    start = body.rindex(" <", 0, len(body) - 2)
    return body[:start] + " .", body[start + 2 : -3]
