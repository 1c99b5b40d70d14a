"""Each source of a build as an :class:`Entry`: its graph, candidates, verdict and claim records as text.

A build never holds its sources' rdflib graphs all at once (at ~1 KB a triple, 10,000 articles would
take gigabytes). A fresh source is extracted, validated with the other fresh sources of its batch
(``BATCH`` graphs in one gate run: pyshacl's fixed cost is shared, memory stays bounded), turned into
an Entry, written to the cache under its content key and handed on; an unchanged source's Entry is read
back from the cache. Both paths hand on the same Entry, so a cached source and a fresh one put the
same triples in the store: an incremental build equals a full one.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rdflib

from dti_kg.errors import InputError
from dti_kg.graph import claims_from_graph
from dti_kg.iri import Minter
from dti_kg.names import shown
from dti_kg.review import split_review
from dti_kg.sources import Source
from dti_kg.validate import ShapeGate

Progress = Callable[[str], None]
# Bumped whenever Entry changes, so that entries of an older layout are recomputed, never misread.
CACHE_FORMAT = "e2"
BATCH = 40  # fresh graphs per gate run: measured 0.2-0.3 s a source either side of it
# What reconciliation reads of a claim record (the rest of the record is in the store).
RECONCILE_FIELDS = (
    "iri",
    "source",
    "province",
    "province_code",
    "edition",
    "indicator",
    "measure",
    "value",
    "out_of",
    "compared_to_edition",
    "quote",
)


@dataclass
class SourceOutcome:
    """What happened to one source in a build."""

    name: str  # file name, or the snapshot graph's source id
    graph: str | None  # named-graph IRI, when the source got that far
    status: str  # "served", "quarantined" or "rejected"
    reason: str = ""  # for rejected inputs: the one-line reason
    claims: int = 0
    cached: bool = False
    report: str = ""  # readable validation findings (violations and warnings)

    def as_json(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


@dataclass
class Entry:
    """One validated source, as the cache keeps it and the build consumes it."""

    status: str  # "served" or "quarantined"
    report: str  # readable findings (and the loader's notes)
    claims: int
    graph: str  # N-Triples of the source's graph, its candidate claims moved out
    review: str  # N-Triples of its candidate claims (they go to the review graph)
    validation: str  # N-Triples of its SHACL report graph
    records: list[dict[str, Any]] = field(default_factory=list)  # RECONCILE_FIELDS of each claim

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def make_entry(
    iri: str, graph: rdflib.Graph, minter: Minter, status: str, report: str, validation: rdflib.Graph
) -> Entry:
    """The Entry of a validated source graph."""
    served, review = split_review({iri: graph}, minter)
    kept = served[iri]
    records = (
        [{k: r.get(k) for k in RECONCILE_FIELDS} for r in claims_from_graph(kept)]
        if status == "served"
        else []
    )
    return Entry(
        status=status,
        report=report,
        claims=0,
        graph=kept.serialize(format="nt"),
        review=review.serialize(format="nt"),
        validation=validation.serialize(format="nt"),
        records=records,
    )


class Cache:
    """Per-source Entries keyed by content hash + loader version + gate fingerprint.

    With no directory it remembers nothing (used when regenerating the snapshot).
    """

    def __init__(self, directory: Path | None, version: str) -> None:
        self.directory = directory
        self.version = version

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{key}-{self.version}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        if self.directory is None:
            return None
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None  # a damaged cache entry is recomputed, never trusted

    def put(self, key: str, value: dict[str, Any]) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self._path(key).with_suffix(".tmp")
        tmp.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
        tmp.replace(self._path(key))


def _cached_entry(cache: Cache, key: str) -> Entry | None:
    hit = cache.get(key)
    if hit is None:
        return None
    try:
        return Entry.from_json(hit)
    except (KeyError, TypeError):
        return None  # an entry of another layout: recomputed


def gather_sources(
    sources: Sequence[Source],
    minter: Minter,
    cache: Cache,
    gate: Callable[[], ShapeGate],
    say: Progress,
    take: Callable[[SourceOutcome, Entry], None],
) -> list[SourceOutcome]:
    """Every source's outcome, in source order; ``take`` receives each validated source's Entry as soon
    as it is ready (cached ones at once, fresh ones batch by batch). ``gate`` makes the shape gate the
    first time a fresh graph needs it."""
    outcomes: list[SourceOutcome] = []
    seen: set[str] = set()
    batch: dict[str, tuple[SourceOutcome, str, rdflib.Graph]] = {}
    shapes: list[ShapeGate] = []
    total = len(sources)
    for i, source in enumerate(sources, 1):
        if total > 5 and (i == 1 or i % 25 == 0 or i == total):
            say(f"reading sources: {i}/{total}")
        try:
            key = source.identify()
            graph_iri = source.graph_name(minter)
            if graph_iri in seen:
                raise InputError(f"{source.name}: same content as another source of this build")
            entry = _cached_entry(cache, key)
            if entry is not None:
                outcome = SourceOutcome(
                    source.name,
                    graph_iri,
                    entry.status,
                    claims=entry.claims,
                    cached=True,
                    report=entry.report,
                )
            else:
                graph, claims, notes = source.extract(minter)
                outcome = SourceOutcome(
                    source.name, graph_iri, "served", claims=claims, report="\n".join(notes)
                )
                batch[graph_iri] = (outcome, key, graph)
        except InputError as exc:
            # The reason names the file: escaped, it stays one line of the report and valid UTF-8.
            outcomes.append(SourceOutcome(source.name, None, "rejected", reason=shown(str(exc))))
            continue
        seen.add(graph_iri)
        outcomes.append(outcome)
        if entry is not None:
            take(outcome, entry)
        elif len(batch) >= BATCH:
            _validate_batch(batch, minter, cache, _gate(shapes, gate), say, take)
            batch = {}
    if batch:
        _validate_batch(batch, minter, cache, _gate(shapes, gate), say, take)
    return outcomes


def _gate(made: list[ShapeGate], make: Callable[[], ShapeGate]) -> ShapeGate:
    if not made:
        made.append(make())
    return made[0]


def _validate_batch(
    batch: dict[str, tuple[SourceOutcome, str, rdflib.Graph]],
    minter: Minter,
    cache: Cache,
    gate: ShapeGate,
    say: Progress,
    take: Callable[[SourceOutcome, Entry], None],
) -> None:
    say(f"validating {len(batch)} new source graph(s)")
    found = gate.validate({iri: graph for iri, (_o, _k, graph) in batch.items()})
    for iri, (outcome, key, graph) in batch.items():
        report = found[iri]
        outcome.status = "served" if report.conforms else "quarantined"
        outcome.report = "\n".join(x for x in (outcome.report, report.as_text()) if x)
        entry = make_entry(iri, graph, minter, outcome.status, outcome.report, report.report_graph)
        entry.claims = outcome.claims
        with contextlib.suppress(OSError):  # the cache is an optimisation: a full disk only skips it
            cache.put(key, asdict(entry))
        take(outcome, entry)


def parse_nt(texts: Iterable[str], identifier: rdflib.URIRef | None = None) -> rdflib.Graph:
    """One rdflib graph of N-Triples texts (small graphs only: reports, candidates)."""
    graph = rdflib.Graph(identifier=identifier)
    for text in texts:
        if text.strip():
            graph.parse(data=text, format="nt")
    return graph
