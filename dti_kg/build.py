"""``dti build``: sources -> per-source named graphs -> SHACL gate -> a new store, switched in atomically.

One build:
1. takes the build lock of the store (a second concurrent build fails at once);
2. prepares the reference graphs (gazetteer, editions, official tables) and the shapes ONCE;
3. turns each source into its own named graph — an article file (extracted unless its hash and the
   loader version are in the cache) or a graph of the bundled snapshot;
4. validates all new source graphs in one gate run; failing sources are quarantined with a report;
5. reconciles the served claims with the official tables;
6. writes everything into a fresh store directory and switches the store link to it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib

from dti_kg import __version__, releases, store
from dti_kg.config import base_iri, cache_dir
from dti_kg.cube import vocabulary_graphs
from dti_kg.dumps import create_servable_build
from dti_kg.errors import DtiError, InputError, StorageFailure, first_line
from dti_kg.graph import claims_from_graph
from dti_kg.iri import Minter
from dti_kg.loaders import LOADER_VERSION
from dti_kg.loaders.official import official_graph, official_observations
from dti_kg.names import shown
from dti_kg.namespaces import DTI, SH
from dti_kg.quality import quality_graph
from dti_kg.reconcile import reconcile, reconciliation_graph
from dti_kg.reference_graph import reference_graph
from dti_kg.resources import data_file, ontology_file, read_text, shape_files
from dti_kg.review import DECISIONS_GRAPH, decisions_graph, read_decisions, split_review, with_sources
from dti_kg.sources import Source, article_sources, snapshot_sources
from dti_kg.validate import ShapeGate

Progress = Callable[[str], None]
# Shipped data files a validation verdict depends on.
REFERENCE_FILES = (
    "provinces_63.csv",
    "units_2025.csv",
    "editions.csv",
    "indicators.csv",
    "agencies.csv",
    "outlets.csv",
    "official_provincial.csv",
)
# A build serving fewer than this share of the current build's sources (or none at all) is not
# switched in without --allow-shrink: a mistyped --articles path must not empty the served store.
MIN_SERVED_RATIO = 0.5


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
class BuildResult:
    store: Path
    build_dir: Path
    outcomes: list[SourceOutcome] = field(default_factory=list)
    quads: int = 0
    kept: list[Path] = field(default_factory=list)  # builds on disk after this one, newest first
    refused: str = ""  # why the store was not switched to this build ("" when it was)

    @property
    def quarantined(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if o.status != "served"]

    @property
    def ok(self) -> bool:
        return not self.quarantined and not self.refused


def shrink_refusal(served: int, previous: int | None) -> str:
    """Why a build serving ``served`` sources must not replace one serving ``previous`` ("" if it may)."""
    if served == 0:
        return "it serves no source"
    if previous is not None and served < previous * MIN_SERVED_RATIO:
        return f"it serves {served} source(s), under half of the {previous} the current build serves"
    return ""


def _served_now(p: store.StorePaths) -> int | None:
    """How many sources the current build serves; None when there is no readable current build."""
    try:
        return int(store.read_build_info(p.link)["served"])
    except (DtiError, OSError, ValueError, KeyError, TypeError):
        return None  # no build yet, or one this guard cannot read: nothing to compare with


def gate_fingerprint(minter: Minter) -> str:
    """Changes whenever validation could judge a cached source differently."""
    return _gate_fingerprint(minter.base)


@functools.cache  # packaged files: they cannot change while the process runs
def reference_version() -> str:
    """The version of the shipped reference data and official tables: a hash of their files."""
    h = hashlib.sha256()
    for name in REFERENCE_FILES:
        h.update(name.encode() + b"\0" + read_text(data_file(name)).encode())
    return h.hexdigest()[:16]


@functools.cache  # packaged files: they cannot change while the process runs
def _gate_fingerprint(base: str) -> str:
    h = hashlib.sha256()
    h.update(base.encode())
    h.update(read_text(ontology_file()).encode())
    for f in shape_files():
        h.update(f.name.encode() + read_text(f).encode())
    for name in REFERENCE_FILES:
        h.update(read_text(data_file(name)).encode())
    return h.hexdigest()[:16]


def check_reference(
    reference: dict[str, rdflib.Graph], minter: Minter, say: Progress
) -> dict[str, rdflib.Graph]:
    """Validate the shipped reference and official graphs; their SHACL reports, by graph IRI.

    They are sources too, but they only change with the package, so the verdict is kept per
    fingerprint of shapes, ontology, data files and base IRI: the ~10 s run happens once per machine
    and version, not once per build. Shipped data that violates a shape stops the build.
    """
    content = hashlib.sha256(gate_fingerprint(minter).encode())
    for name in sorted(reference):  # the graphs themselves: the code that builds them counts too
        content.update(name.encode())
        content.update("\n".join(sorted(reference[name].serialize(format="nt").splitlines())).encode())
    cache = Cache(cache_dir() / "reference", content.hexdigest()[:16])
    hit = cache.get("reference")
    if hit is not None:
        return {g: rdflib.Graph().parse(data=nt, format="nt") for g, nt in hit["reports"].items()}

    say("validating the shipped reference data and official tables (once per version)")
    found = ShapeGate(union(reference.values())).validate(reference)
    failing = [f"{g}: {r.as_text()}" for g, r in sorted(found.items()) if not r.conforms]
    if failing:
        raise DtiError("the shipped reference data violates the shapes:\n" + "\n".join(failing))
    reports = {g: r.report_graph for g, r in found.items()}
    with contextlib.suppress(OSError):  # an unwritable cache only costs the next build the same run
        cache.put("reference", {"reports": {g: r.serialize(format="nt") for g, r in reports.items()}})
    return reports


def build_store(
    store_path: str | Path,
    articles: Sequence[Path] | None = None,
    *,
    progress: Progress | None = None,
    decisions: Path | None = None,
    allow_shrink: bool = False,
) -> BuildResult:
    """Build a new store at ``store_path`` from ``articles`` (files, folders) or the bundled snapshot;
    ``decisions`` is a reviewer's CSV of accept/reject decisions on candidate claims (``dti review``).

    A build that serves no source, or under MIN_SERVED_RATIO of the current build's, is written
    (reports only) but not switched in unless ``allow_shrink``; ``BuildResult.refused`` says why.
    """
    say: Progress = progress or _silent
    minter = Minter(base_iri())
    with store.build_lock(store_path) as p:
        say("preparing reference data and shapes")
        reference = reference_graphs(minter)
        reference_reports = check_reference(reference, minter, say)
        cache = Cache(p.cache, f"{LOADER_VERSION}-{gate_fingerprint(minter)}")
        sources: Sequence[Source] = (
            article_sources(articles) if articles is not None else snapshot_sources(minter)
        )
        outcomes, graphs, reports = gather_sources(sources, minter, cache, reference, say)
        served = {o.graph: graphs[o.graph] for o in outcomes if o.status == "served" and o.graph}
        served, review_graph = split_review(served, minter)
        if decisions is not None:
            outcome, decided, report, bad_rows = _review_decisions(
                decisions, review_graph, served, reference, minter, say
            )
            outcomes.append(outcome)
            outcomes.extend(SourceOutcome(decisions.name, None, "rejected", reason=row) for row in bad_rows)
            if decided is not None:
                graphs[str(decided.identifier)], reports[str(decided.identifier)] = decided, report
                if outcome.status == "served":
                    served[str(decided.identifier)] = decided
        info = _build_info(minter, LOADER_VERSION, articles, outcomes)
        refusal = "" if allow_shrink else shrink_refusal(len(served), _served_now(p))
        keep = releases.keep_releases()
        try:
            if refusal:
                build_dir = store.create_refused(p, {**info, "refused": refusal})
                _write_reports(build_dir, outcomes, graphs, reports)
                kept = store.prune(p, also_keep=build_dir, keep=keep)
                return BuildResult(p.link, build_dir, outcomes, 0, kept, refusal)
            say("reconciling claims with the official tables")
            derived = _derived_graphs(minter, served)
            derived[str(minter.graph("validation"))] = validation_graph(
                minter, {**reference_reports, **{g: reports[g] for g in served}}
            )
            derived[str(review_graph.identifier)] = review_graph
            say("writing the store and its dumps")
            build_dir = create_servable_build(p, list(graph_quads({**reference, **served, **derived})), info)
            _write_reports(build_dir, outcomes, graphs, reports)
            releases.publish_release(p, build_dir)
        except OSError as exc:  # disk full, I/O error: nothing was switched, so say so and clean up
            store.prune(p, keep=keep)
            raise StorageFailure(
                f"cannot write the new build under {p.builds}: {first_line(exc)}; "
                f"{p.link} still serves its previous build"
            ) from None
        kept = store.prune(p, keep=keep)  # already pruned by the switch: this lists what is kept
        result = BuildResult(p.link, build_dir, outcomes, store.read_build_info(p.link)["quads"], kept)
    say(f"built {p.link} -> {build_dir.name}: {result.quads} quads")
    return result


def _review_decisions(
    path: Path,
    review_graph: rdflib.Graph,
    served: dict[str, rdflib.Graph],
    reference: dict[str, rdflib.Graph],
    minter: Minter,
    say: Progress,
) -> tuple[SourceOutcome, rdflib.Graph | None, rdflib.Graph, list[str]]:
    """The decisions file as one more source: its graph goes through the gate like an article's.
    Unusable rows (returned last, one line each) are left out; the rest of the file is used."""
    try:
        rows, problems = read_decisions(path)
    except InputError as exc:
        return SourceOutcome(path.name, None, "rejected", reason=str(exc)), None, rdflib.Graph(), []
    decided, unknown = decisions_graph(rows, review_graph, minter)
    iri = str(decided.identifier)
    say(f"validating {len(rows) - len(unknown)} review decision(s)")
    found = ShapeGate(union(reference.values())).validate({iri: with_sources(decided, served)})[iri]
    claims = sum(1 for _ in decided.subjects(rdflib.RDF.type, DTI.Claim))
    status = "served" if found.conforms else "quarantined"
    outcome = SourceOutcome(path.name, iri, status, claims=claims, report=found.as_text())
    return outcome, decided, found.report_graph, [*problems, *unknown]


def reference_graphs(minter: Minter) -> dict[str, rdflib.Graph]:
    return {
        str(minter.graph("reference")): reference_graph(minter),
        str(minter.graph("official")): official_graph(minter),
        **vocabulary_graphs(minter),
    }


def gather_sources(
    sources: Sequence[Source],
    minter: Minter,
    cache: Cache,
    reference: dict[str, rdflib.Graph],
    say: Progress,
) -> tuple[list[SourceOutcome], dict[str, rdflib.Graph], dict[str, rdflib.Graph]]:
    """Every source's graph and validation report, from the cache or freshly extracted and validated.

    New graphs are validated together in one gate run. Returns outcomes, graphs and report graphs,
    the last two keyed by the source's named-graph IRI.
    """
    outcomes: list[SourceOutcome] = []
    graphs: dict[str, rdflib.Graph] = {}
    reports: dict[str, rdflib.Graph] = {}
    fresh: dict[str, tuple[SourceOutcome, str]] = {}
    total = len(sources)
    for i, source in enumerate(sources, 1):
        if total > 5 and (i == 1 or i % 25 == 0 or i == total):
            say(f"reading sources: {i}/{total}")
        try:
            key = source.identify()
            graph_iri = source.graph_name(minter)
            if graph_iri in graphs:
                raise InputError(f"{source.name}: same content as another source of this build")
            hit = cache.get(key)
            if hit is not None:
                graph = rdflib.Graph().parse(data=hit["graph"], format="nt")
                reports[graph_iri] = rdflib.Graph().parse(data=hit["validation"], format="nt")
                outcome = SourceOutcome(
                    source.name,
                    graph_iri,
                    hit["status"],
                    claims=hit["claims"],
                    cached=True,
                    report=hit["report"],
                )
            else:
                graph, claims, notes = source.extract(minter)
                outcome = SourceOutcome(
                    source.name, graph_iri, "served", claims=claims, report="\n".join(notes)
                )
                fresh[graph_iri] = (outcome, key)
        except InputError as exc:
            # The reason names the file: escaped, it stays one line of the report and valid UTF-8.
            outcomes.append(SourceOutcome(source.name, None, "rejected", reason=shown(str(exc))))
            continue
        graphs[graph_iri] = graph
        outcomes.append(outcome)
    if fresh:
        say(f"validating {len(fresh)} new source graph(s)")
        found = ShapeGate(union(reference.values())).validate({iri: graphs[iri] for iri in fresh})
        for iri, (outcome, key) in fresh.items():
            report = found[iri]
            outcome.status = "served" if report.conforms else "quarantined"
            outcome.report = "\n".join(x for x in (outcome.report, report.as_text()) if x)
            reports[iri] = report.report_graph
            with contextlib.suppress(OSError):  # the cache is an optimisation: a full disk only skips it
                cache.put(
                    key,
                    {
                        "status": outcome.status,
                        "report": outcome.report,
                        "claims": outcome.claims,
                        "graph": graphs[iri].serialize(format="nt"),
                        "validation": reports[iri].serialize(format="nt"),
                    },
                )
    return outcomes, graphs, reports


def validation_graph(minter: Minter, reports: dict[str, rdflib.Graph]) -> rdflib.Graph:
    """The served graphs' SHACL reports, linked by dti:validationReport from the article (for an
    article's graph) or from the named graph itself (reference data, official tables)."""

    named = {str(minter.graph(name)) for name in ("reference", "official")}
    graph = rdflib.Graph()
    for graph_iri, report in sorted(reports.items()):
        graph += report
        subject = (
            rdflib.URIRef(graph_iri) if graph_iri in named else minter.source(graph_iri.rsplit("/", 1)[-1])
        )
        for node in report.subjects(rdflib.RDF.type, SH.ValidationReport):
            graph.add((subject, DTI.validationReport, node))
    return graph


def _derived_graphs(minter: Minter, served: dict[str, rdflib.Graph]) -> dict[str, rdflib.Graph]:
    official = official_observations()
    decisions_iri = str(minter.graph(DECISIONS_GRAPH))
    claims = [c for iri, g in served.items() if iri != decisions_iri for c in claims_from_graph(g)]
    if decisions_iri in served:  # accepted candidates: read with the sources they cite
        accepted = {str(c) for c in served[decisions_iri].subjects(rdflib.RDF.type, DTI.Claim)}
        claims += [
            c for c in claims_from_graph(with_sources(served[decisions_iri], served)) if c["iri"] in accepted
        ]
    graph = reconciliation_graph(reconcile(claims, official), minter)
    graph += quality_graph(official, minter)
    return {str(minter.graph("reconciliation")): graph}


def union(graphs: Iterable[rdflib.Graph]) -> rdflib.Graph:
    """One graph holding the triples of all ``graphs``."""
    merged = rdflib.Graph()
    for g in graphs:
        merged += g
    return merged


def graph_quads(graphs: dict[str, rdflib.Graph]) -> Iterable[pyoxigraph.Quad]:
    for name in sorted(graphs):
        gname = pyoxigraph.NamedNode(name)
        data = graphs[name].serialize(format="nt", encoding="utf-8")
        for t in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES):
            yield pyoxigraph.Quad(t.subject, t.predicate, t.object, gname)


def _build_info(
    minter: Minter, loader_version: str, articles: Sequence[Path] | None, outcomes: list[SourceOutcome]
) -> dict[str, object]:
    return {
        "dti_kg_version": __version__,
        "loader_version": loader_version,
        "reference_version": reference_version(),
        "base_iri": minter.base,
        "input": "articles" if articles is not None else "bundled snapshot",
        "sources": [o.as_json() for o in outcomes],
        "served": sum(o.status == "served" for o in outcomes),
        "quarantined": sum(o.status == "quarantined" for o in outcomes),
        "rejected": sum(o.status == "rejected" for o in outcomes),
    }


def _write_reports(
    build_dir: Path,
    outcomes: list[SourceOutcome],
    graphs: dict[str, rdflib.Graph],
    reports: dict[str, rdflib.Graph],
) -> None:
    """report.txt for people, report.ttl as RDF, and the quarantined graphs themselves."""
    lines = []
    for o in outcomes:
        head = f"{o.status.upper():12} {o.name}" + (
            f"  ({o.claims} claims)" if o.status != "rejected" else ""
        )
        lines.append(head + ("  [cached]" if o.cached else ""))
        if o.reason:
            lines.append(f"    {o.reason}")
        lines.extend("    " + line for line in o.report.splitlines())
    (build_dir / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    union(reports.values()).serialize(build_dir / "report.ttl", format="turtle")
    quarantine = build_dir / "quarantine"
    for o in outcomes:
        if o.status == "quarantined" and o.graph:
            quarantine.mkdir(exist_ok=True)
            stem = o.graph.rsplit("/", 1)[-1]
            graphs[o.graph].serialize(quarantine / f"{stem}.nt", format="nt", encoding="utf-8")
            (quarantine / f"{stem}.txt").write_text(f"{o.name}\n{o.report}\n", encoding="utf-8")


class Cache:
    """Per-source results keyed by content hash + loader version + gate fingerprint.

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


def _silent(_message: str) -> None:
    """The default progress sink: say nothing."""
