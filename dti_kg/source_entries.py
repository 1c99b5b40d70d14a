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
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rdflib

from dti_kg.cube import vocabulary_graphs
from dti_kg.errors import InputError
from dti_kg.graph import claims_from_graph
from dti_kg.iri import Minter
from dti_kg.limits import exit_with_parent
from dti_kg.loaders.official import official_graph
from dti_kg.names import shown
from dti_kg.reference_graph import reference_graph
from dti_kg.review import split_review
from dti_kg.sources import Source
from dti_kg.store import write_atomically
from dti_kg.validate import ShapeGate

Progress = Callable[[str], None]
# Bumped whenever Entry changes, so that entries of an older layout are recomputed, never misread.
CACHE_FORMAT = "e3"
BATCH = 40  # fresh graphs per gate run: measured 0.2-0.3 s a source either side of it
# Processes validating fresh batches (pyshacl is pure Python: one core each). The machine's cores.
WORKERS = min(4, os.cpu_count() or 1)
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
    key: str = ""  # the source's cache key (not reported: dti_kg.increment compares it across builds)

    def as_json(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None) and k != "key"}


@dataclass
class Entry:
    """One validated source, as the cache keeps it and the build consumes it."""

    iri: str  # the source's named graph
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
        iri=iri,
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
        write_atomically(self._path(key), json.dumps(value, sort_keys=True))


class KnownCache(Cache):
    """``cache`` whose entries of the keys in ``known`` are taken from there instead: the small fields
    of the sources a previous build served unchanged (its ``entries.json``, see :func:`summary`),
    without their graph's text, which a source already in the store is not loaded from. Reading every
    source's whole entry (~50 KB of N-Triples in JSON each) was the extract phase of an increment."""

    def __init__(self, cache: Cache, known: dict[str, dict[str, Any]]) -> None:
        super().__init__(cache.directory, cache.version)
        self.known = known

    def get(self, key: str) -> dict[str, Any] | None:
        hit = self.known.get(key)
        return {**hit, "graph": ""} if hit is not None else super().get(key)


SUMMARY_FILE = "entries.json"


def summary(entry: Entry) -> dict[str, Any]:
    """What :class:`KnownCache` hands on for an unchanged served source: its entry but the graph."""
    return {k: getattr(entry, k) for k in Entry.__dataclass_fields__ if k != "graph"}  # not copied


def write_summaries(build_dir: Path, version: str, entries: dict[str, dict[str, Any]]) -> None:
    """The served sources' summaries by cache key, for the next build (``version``: the cache's)."""
    text = json.dumps({"version": version, "entries": entries}, ensure_ascii=False, separators=(",", ":"))
    with contextlib.suppress(OSError):  # without it the next build reads the cache entries whole
        write_atomically(build_dir / SUMMARY_FILE, text)


def read_summaries(build_dir: Path, version: str, graphs: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The summaries a build kept, of the sources it served with the key ``graphs`` (its manifest) names;
    empty when it kept none (a build made before them) or of another cache version."""
    try:
        data = json.loads((build_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
        if data.get("version") != version:
            return {}
        return {
            k: e
            for k, e in data["entries"].items()
            if e.get("status") == "served" and graphs.get(e.get("iri")) == k
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def cached_entry(cache: Cache, key: str) -> Entry | None:
    hit = cache.get(key)
    if hit is None:
        return None
    try:
        return Entry.from_json(hit)
    except (KeyError, TypeError):
        return None  # an entry of another layout: recomputed


def reference_graphs(minter: Minter) -> dict[str, rdflib.Graph]:
    """The graphs every build serves besides its sources: reference data, official tables, vocabulary."""
    return {
        str(minter.graph("reference")): reference_graph(minter),
        str(minter.graph("official")): official_graph(minter),
        **vocabulary_graphs(minter),
    }


def shape_gate(reference: dict[str, rdflib.Graph]) -> ShapeGate:
    """The gate a build validates its sources with: the reference graphs are the context."""
    context = rdflib.Graph()
    for graph in reference.values():
        context += graph
    return ShapeGate(context)


# The gate of a worker process, made on its first batch (a process validates for one base IRI).
_WORKER_GATE: dict[str, ShapeGate] = {}


def fresh_entries(
    base: str, batch: list[tuple[str, Source]], gate: ShapeGate | None = None
) -> list[tuple[str, dict[str, Any] | None, str]]:
    """Extract and validate a batch of fresh sources in one gate run (in a worker process, or here
    with ``gate``): per source its graph IRI, its Entry as a dict, or None and why it was rejected."""
    minter = Minter(base)
    if gate is None:
        if base not in _WORKER_GATE:
            _WORKER_GATE[base] = shape_gate(reference_graphs(minter))
        gate = _WORKER_GATE[base]
    extracted: dict[str, tuple[rdflib.Graph, int, list[str]]] = {}
    out: dict[str, tuple[str, dict[str, Any] | None, str]] = {}
    for iri, source in batch:
        try:
            extracted[iri] = source.extract(minter)
        except InputError as exc:
            # The reason names the file: escaped, it stays one line of the report and valid UTF-8.
            out[iri] = (iri, None, shown(str(exc)))
    found = gate.validate({iri: graph for iri, (graph, _c, _n) in extracted.items()})
    for iri, (graph, claims, notes) in extracted.items():
        report = found[iri]
        status = "served" if report.conforms else "quarantined"
        text = "\n".join(x for x in ("\n".join(notes), report.as_text()) if x)
        entry = make_entry(iri, graph, minter, status, text, report.report_graph)
        entry.claims = claims
        out[iri] = (iri, asdict(entry), "")
    return [out[iri] for iri, _source in batch]


# A fresh source waiting for its verdict: graph IRI, source, its outcome (filled in), cache key.
Pending = tuple[str, Source, SourceOutcome, str]


class _Fresh:
    """Fresh sources, batch by batch. A build with at most one batch of them validates it here; a
    larger one validates every batch in ``WORKERS`` spawned processes, so this process never holds a
    shape gate (~90 MB) nor an extraction's leftovers into the store phase, where a build peaks.
    Results are taken in submission order, so a build's order of work never depends on timing."""

    def __init__(
        self,
        minter: Minter,
        cache: Cache,
        gate: Callable[[], ShapeGate],
        say: Progress,
        take: Callable[[SourceOutcome, Entry], None],
    ) -> None:
        self.minter, self.cache, self.gate, self.say, self.take = minter, cache, gate, say, take
        self.pending: list[Pending] = []
        self.running: list[tuple[Future[Any], list[Pending]]] = []
        self.pool: ProcessPoolExecutor | None = None
        self._gate: ShapeGate | None = None  # made for the first batch validated here

    def add(self, iri: str, source: Source, outcome: SourceOutcome, key: str) -> None:
        self.pending.append((iri, source, outcome, key))
        # Without workers, or once they run, a batch goes as soon as it is full; before, a second
        # batch is what shows the build is worth a pool.
        if len(self.pending) >= (BATCH if self.pool is not None or WORKERS < 2 else 2 * BATCH):
            self.send()

    def send(self) -> None:
        """Every pending source, ``BATCH`` at a time: here without workers, or when no pool runs and
        they are one batch at most (a one-article build starts no process); else to the workers."""
        here = WORKERS < 2 or (self.pool is None and len(self.pending) <= BATCH)
        while self.pending:
            batch, self.pending = self.pending[:BATCH], self.pending[BATCH:]
            self.say(f"validating {len(batch)} new source graph(s)")
            work = [(iri, source) for iri, source, _o, _k in batch]
            if here:
                if self._gate is None:
                    self._gate = self.gate()
                self.finish(fresh_entries(self.minter.base, work, self._gate), batch)
                continue
            if self.pool is None:
                self.pool = ProcessPoolExecutor(
                    max_workers=WORKERS,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=exit_with_parent,  # a killed build leaves no worker behind
                    initargs=(os.getpid(),),
                )
            self.running.append((self.pool.submit(fresh_entries, self.minter.base, work), batch))
            while len(self.running) > WORKERS:  # bounded: at most one batch queued per worker
                self.collect()

    def collect(self) -> None:
        future, batch = self.running.pop(0)
        self.finish(future.result(), batch)

    def finish(self, results: list[tuple[str, dict[str, Any] | None, str]], batch: list[Pending]) -> None:
        for (_iri, data, reason), (_i, _source, outcome, key) in zip(results, batch, strict=True):
            if data is None:
                outcome.graph, outcome.status, outcome.reason = None, "rejected", reason
                continue
            entry = Entry.from_json(data)
            outcome.status, outcome.report, outcome.claims = entry.status, entry.report, entry.claims
            with contextlib.suppress(OSError):  # the cache is an optimisation: a full disk only skips it
                self.cache.put(key, data)
            self.take(outcome, entry)

    def close(self) -> None:
        """Validate what is left and take every result."""
        try:
            self.send()
            while self.running:
                self.collect()
        finally:
            self.abandon()

    def abandon(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def gather_sources(
    sources: Sequence[Source],
    minter: Minter,
    cache: Cache,
    gate: Callable[[], ShapeGate],
    say: Progress,
    take: Callable[[SourceOutcome, Entry], None],
) -> list[SourceOutcome]:
    """Every source's outcome, in source order; ``take`` receives each validated source's Entry when
    it is ready (cached ones at once, fresh ones batch by batch). ``gate`` makes the shape gate the
    first time a fresh graph is validated in this process."""
    outcomes: list[SourceOutcome] = []
    seen: set[str] = set()
    fresh = _Fresh(minter, cache, gate, say, take)
    total = len(sources)
    try:
        for i, source in enumerate(sources, 1):
            if total > 5 and (i == 1 or i % 25 == 0 or i == total):
                say(f"reading sources: {i}/{total}")
            try:
                key = source.identify()
                entry = cached_entry(cache, key)
                # Known from the cache, an unchanged source is not even read as a document.
                graph_iri = entry.iri if entry is not None else source.graph_name(minter)
                if graph_iri in seen:
                    raise InputError(f"{source.name}: same content as another source of this build")
            except InputError as exc:
                outcomes.append(SourceOutcome(source.name, None, "rejected", reason=shown(str(exc))))
                continue
            seen.add(graph_iri)
            if entry is None:
                outcome = SourceOutcome(source.name, graph_iri, "served", key=key)
                outcomes.append(outcome)
                fresh.add(graph_iri, source, outcome, key)
                continue
            outcome = SourceOutcome(
                source.name,
                graph_iri,
                entry.status,
                claims=entry.claims,
                cached=True,
                report=entry.report,
                key=key,
            )
            outcomes.append(outcome)
            take(outcome, entry)
    except BaseException:
        fresh.abandon()  # an interrupted build validates nothing more; its workers are stopped
        raise
    fresh.close()
    return outcomes


def parse_nt(texts: Iterable[str], identifier: rdflib.URIRef | None = None) -> rdflib.Graph:
    """One rdflib graph of N-Triples texts (small graphs only: reports, candidates)."""
    graph = rdflib.Graph(identifier=identifier)
    for text in texts:
        if text.strip():
            graph.parse(data=text, format="nt")
    return graph
