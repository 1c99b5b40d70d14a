"""``dti build``: sources -> per-source named graphs -> SHACL gate -> a new store, switched in atomically.

One build:
1. takes the build lock of the store (a second concurrent build fails at once);
2. prepares the reference graphs (gazetteer, editions, official tables) and the shapes ONCE;
3. turns each source into its own named graph — an article file (extracted unless its hash and the
   loader version are in the cache) or a graph of the bundled snapshot;
4. validates the new source graphs in batches (dti_kg.source_entries); failing sources are
   quarantined with a report; each served graph goes straight into a fresh, staged store (no build
   holds every source's graph in memory);
5. reconciles the served claims with the official tables (from the claim records, not the graphs);
6. writes the dumps from the staged store, records the release and switches the store link to it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib
from rdflib.namespace import SH

from dti_kg import __version__, increment, releases, store
from dti_kg.config import base_iri, cache_dir
from dti_kg.dumps import Previous, PreviousUnusable, write_dumps
from dti_kg.errors import DtiError, InputError, StorageFailure, first_line
from dti_kg.graph import claims_from_graph
from dti_kg.iri import Minter
from dti_kg.loaders import LOADER_VERSION
from dti_kg.loaders.official import OfficialData, official_observations
from dti_kg.namespaces import DCTERMS, DTI
from dti_kg.quality import quality_graph
from dti_kg.reconcile import NODE_SUFFIX as RECONCILIATION_SUFFIX
from dti_kg.reconcile import group_keys as reconcile_groups
from dti_kg.reconcile import reconcile, reconciliation_triples, stated_values
from dti_kg.report_ttl import write_report_ttl
from dti_kg.resources import data_file, ontology_file, read_text, shape_files
from dti_kg.review import REVIEW_GRAPH, decisions_graph, read_decisions, with_sources
from dti_kg.serialize import as_quads
from dti_kg.source_entries import (
    CACHE_FORMAT,
    Cache,
    Entry,
    KnownCache,
    SourceOutcome,
    cached_entry,
    gather_sources,
    parse_nt,
    read_summaries,
    reference_graphs,
    shape_gate,
    summary,
    write_summaries,
)
from dti_kg.sources import Source, article_sources, snapshot_sources

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
RECONCILIATION_NODE = f"{RECONCILIATION_SUFFIX}>".encode()  # its subject's end in an N-Quads line


@dataclass
class BuildResult:
    store: Path
    build_dir: Path
    outcomes: list[SourceOutcome] = field(default_factory=list)
    quads: int = 0
    kept: list[Path] = field(default_factory=list)  # builds on disk after this one, newest first
    refused: str = ""  # why the store was not switched to this build ("" when it was)
    reuse: releases.Reuse | None = None  # what its release may take from the previous one's
    nquads_sha256: str | None = None  # of its dump.nq, as write_dumps hashed it (not read again)

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
) -> tuple[dict[str, rdflib.Graph], str]:
    """Validate the shipped reference and official graphs; their SHACL reports, by graph IRI, and a
    digest of the graphs with the gate's fingerprint (what the reports depend on).

    They are sources too, but they only change with the package, so the verdict is kept per
    fingerprint of shapes, ontology, data files and base IRI: the ~10 s run happens once per machine
    and version, not once per build. Shipped data that violates a shape stops the build.
    """
    content = hashlib.sha256(gate_fingerprint(minter).encode())
    for name in sorted(reference):  # the graphs themselves: the code that builds them counts too
        content.update(name.encode())
        content.update("\n".join(sorted(reference[name].serialize(format="nt").splitlines())).encode())
    digest = content.hexdigest()[:16]
    cache = Cache(cache_dir() / "reference", digest)
    hit = cache.get("reference")
    if hit is not None:
        return {g: rdflib.Graph().parse(data=nt, format="nt") for g, nt in hit["reports"].items()}, digest

    say("validating the shipped reference data and official tables (once per version)")
    found = shape_gate(reference).validate(reference)
    failing = [f"{g}: {r.as_text()}" for g, r in sorted(found.items()) if not r.conforms]
    if failing:
        raise DtiError("the shipped reference data violates the shapes:\n" + "\n".join(failing))
    reports = {g: r.report_graph for g, r in found.items()}
    with contextlib.suppress(OSError):  # an unwritable cache only costs the next build the same run
        cache.put("reference", {"reports": {g: r.serialize(format="nt") for g, r in reports.items()}})
    return reports, digest


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
        reference_reports, reference_digest = check_reference(reference, minter, say)
        cache = Cache(p.cache, f"{CACHE_FORMAT}-{LOADER_VERSION}-{gate_fingerprint(minter)}")
        fingerprint = increment.fingerprint(cache.version, reference_digest)
        previous = increment.previous_build(p, fingerprint, decisions is not None, say)
        sources: Sequence[Source] = (
            article_sources(articles) if articles is not None else snapshot_sources(minter)
        )
        keep = releases.keep_releases()
        try:
            with store.staging(p, previous.oxigraph if previous else None) as staged:
                if previous is not None and not staged.from_checkpoint:
                    say(
                        f"full build: cannot copy the store of {previous.build_dir.name} "
                        f"({staged.checkpoint_failure})"
                    )
                    previous = None
                result = _build(
                    staged,
                    p,
                    minter,
                    reference,
                    reference_reports,
                    cache,
                    sources,
                    say,
                    articles=articles,
                    decisions=decisions,
                    allow_shrink=allow_shrink,
                    previous=previous,
                    fingerprint=fingerprint,
                )
        except OSError as exc:  # disk full, I/O error: nothing was switched, so say so and clean up
            store.prune(p, keep=keep)
            raise StorageFailure(
                f"cannot write the new build under {p.builds}: {first_line(exc)}; "
                f"{p.link} still serves its previous build"
            ) from None
        if result.refused:
            result.kept = store.prune(p, also_keep=result.build_dir, keep=keep)
            return result
        say("recording the release")
        releases.publish_release(p, result.build_dir, result.reuse, result.nquads_sha256)
        result.kept = store.prune(p, keep=keep)  # already pruned by the switch: this lists what is kept
        result.quads = store.read_build_info(p.link)["quads"]
    say(f"built {p.link} -> {result.build_dir.name}: {result.quads} quads")
    return result


class _Collected:
    """What a build keeps of its sources while their triples go straight into the staged store.

    With ``previous`` (the source graphs of the checkpoint the store started from, by cache key) an
    unchanged source is not loaded again, and a changed or removed one is taken out first."""

    def __init__(
        self,
        staged: store.Staged,
        minter: Minter,
        quarantine: Path,
        cache: Cache,
        previous: dict[str, str] | None = None,
    ) -> None:
        self.staged = staged
        self.cache = cache
        self.minter = minter
        self.quarantine = quarantine
        self.previous = previous or {}
        self.keys: dict[str, str] = {}  # served source graph -> cache key
        self.changed: set[str] = set()  # source graphs whose content differs from the checkpoint's
        self.served: list[str] = []  # graph IRIs, in the order they were taken
        self.records: list[dict[str, Any]] = []
        self.fresh_claims: set[str] = set()  # claims of the sources not taken from the checkpoint
        # Claim records of the checkpoint's sources taken out (None: one is no longer in the cache).
        self.dropped_records: list[dict[str, Any]] | None = []
        self.reviews: list[str] = []  # N-Triples of the served sources' candidate claims
        self.reports: list[str] = []  # N-Triples of every source's SHACL report (report.ttl)
        self.summaries: dict[str, dict[str, Any]] = {}  # served sources' entries but their graph, by key
        self.validation = pyoxigraph.NamedNode(str(minter.graph("validation")))

    def take(self, outcome: SourceOutcome, entry: Entry) -> None:
        assert outcome.graph is not None
        self.reports.append(entry.validation)
        if entry.status != "served":
            self.quarantine.mkdir(exist_ok=True)
            stem = outcome.graph.rsplit("/", 1)[-1]
            (self.quarantine / f"{stem}.nt").write_text(entry.graph + entry.review, encoding="utf-8")
            (self.quarantine / f"{stem}.txt").write_text(
                f"{outcome.name}\n{outcome.report}\n", encoding="utf-8"
            )
            return
        self.served.append(outcome.graph)
        self.summaries[outcome.key] = summary(entry)
        self.records.extend(entry.records)
        self.reviews.append(entry.review)
        self.keys[outcome.graph] = outcome.key
        if self.previous.get(outcome.graph) == outcome.key:
            return  # already in the store, with its report: the checkpoint holds this very entry
        self.fresh_claims.update(str(r["iri"]) for r in entry.records)
        self.drop(outcome.graph)
        self.staged.load(entry.graph, outcome.graph)
        self.add_report(outcome.graph, entry.validation)

    def drop(self, graph_iri: str) -> None:
        """Take a source graph of the checkpoint out of the store, with its report (before anything
        new goes into it: loads are buffered, removals are not)."""
        self.changed.add(graph_iri)
        if graph_iri not in self.previous:
            return
        old = cached_entry(self.cache, self.previous[graph_iri])
        if old is None or self.dropped_records is None:
            self.dropped_records = None
        else:
            self.dropped_records.extend(old.records)
        self.staged.remove_graph(graph_iri)
        opened = self.staged.opened
        report = pyoxigraph.NamedNode(f"{graph_iri}/validation")
        # The report and its results are the only subjects of a source's report (validate._report_graph).
        quads = list(opened.quads_for_pattern(report, None, None, self.validation))
        results = [q.object for q in quads if q.predicate.value == str(SH.result)]
        for result in results:
            if isinstance(result, pyoxigraph.NamedNode):
                quads += opened.quads_for_pattern(result, None, None, self.validation)
        link = pyoxigraph.NamedNode(str(validation_subject(self.minter, graph_iri)))
        quads += opened.quads_for_pattern(link, None, report, self.validation)
        for quad in quads:
            opened.remove(quad)

    def drop_removed(self) -> None:
        """Take out the checkpoint's source graphs this build no longer serves."""
        for graph_iri in sorted(self.previous.keys() - self.keys.keys()):
            self.drop(graph_iri)

    def add_report(self, graph_iri: str, validation: str) -> None:
        """A served graph's SHACL report into the validation graph, linked from what it validates."""
        self.staged.load(validation, self.validation.value)
        self.staged.add(
            pyoxigraph.Quad(
                pyoxigraph.NamedNode(str(validation_subject(self.minter, graph_iri))),
                pyoxigraph.NamedNode(str(DTI.validationReport)),
                pyoxigraph.NamedNode(f"{graph_iri}/validation"),
                self.validation,
            )
        )


def _build(
    staged: store.Staged,
    p: store.StorePaths,
    minter: Minter,
    reference: dict[str, rdflib.Graph],
    reference_reports: dict[str, rdflib.Graph],
    cache: Cache,
    sources: Sequence[Source],
    say: Progress,
    *,
    articles: Sequence[Path] | None,
    decisions: Path | None,
    allow_shrink: bool,
    previous: increment.PreviousBuild | None,
    fingerprint: str,
) -> BuildResult:
    if previous is not None:  # the unchanged sources' entries from the previous build's summaries
        cache = KnownCache(cache, read_summaries(previous.build_dir, cache.version, previous.graphs))
    collected = _Collected(
        staged, minter, staged.directory / "quarantine", cache, previous.graphs if previous else None
    )
    outcomes = gather_sources(sources, minter, cache, lambda: shape_gate(reference), say, collected.take)
    collected.drop_removed()
    review_graph = parse_nt(collected.reviews, minter.graph(REVIEW_GRAPH))
    decided_claims: list[dict[str, Any]] = []
    if decisions is not None:
        staged.flush_buffer()  # the cited graphs are read back from the store
        outcome, decided, report, bad_rows, cited = _review_decisions(
            decisions, review_graph, staged.opened, collected.served, reference, minter, say
        )
        outcomes.append(outcome)
        outcomes.extend(SourceOutcome(decisions.name, None, "rejected", reason=row) for row in bad_rows)
        if decided is not None:
            iri = str(decided.identifier)
            collected.reports.append(report.serialize(format="nt"))
            if outcome.status == "served":
                collected.served.append(iri)
                staged.load(decided.serialize(format="nt"), iri)
                collected.add_report(iri, report.serialize(format="nt"))
                accepted = {str(c) for c in decided.subjects(rdflib.RDF.type, DTI.Claim)}
                decided_claims = [
                    c for c in claims_from_graph(with_sources(decided, cited)) if c["iri"] in accepted
                ]
            else:
                collected.quarantine.mkdir(exist_ok=True)
                stem = iri.rsplit("/", 1)[-1]
                decided.serialize(collected.quarantine / f"{stem}.nt", format="nt", encoding="utf-8")
                (collected.quarantine / f"{stem}.txt").write_text(
                    f"{outcome.name}\n{outcome.report}\n", encoding="utf-8"
                )
    info = _build_info(minter, LOADER_VERSION, articles, outcomes)
    refusal = "" if allow_shrink else shrink_refusal(len(collected.served), _served_now(p))
    if refusal:
        build_dir = staged.refuse({**info, "refused": refusal})
        _write_reports(build_dir, outcomes, collected.reports, None)
        return BuildResult(p.link, build_dir, outcomes, 0, [], refusal)
    say("reconciling claims with the official tables")
    official = official_observations()
    reconciliation = pyoxigraph.NamedNode(str(minter.graph("reconciliation")))
    review = pyoxigraph.NamedNode(str(review_graph.identifier))
    edits = {}
    if previous is not None and collected.dropped_records is not None:
        # Over a checkpoint: only the groups of claims the changed sources had or have.
        edits[reconciliation.value] = _reconcile_changes(staged, collected, official, minter, reconciliation)
        edits[review.value] = staged.replace_graph(review.value, as_quads(review_graph, review))
    else:
        results = reconcile(collected.records + decided_claims, official)
        # Graphs every source feeds: over a checkpoint only the quads that differ are written.
        shared = {
            reconciliation.value: itertools.chain(
                as_quads(reconciliation_triples(results, minter), reconciliation),
                as_quads(quality_graph(official, minter), reconciliation),
            ),
            review.value: as_quads(review_graph, review),
        }
        for iri, quads in shared.items():
            if previous is None:
                staged.extend(quads)
            else:
                edits[iri] = staged.replace_graph(iri, quads)
        del results, shared
    # Those of the package only change with the fingerprint: a checkpoint holds them.
    if previous is None:
        for iri, report in reference_reports.items():
            collected.add_report(iri, report.serialize(format="nt"))
        for name, graph in reference.items():
            staged.extend(as_quads(graph, pyoxigraph.NamedNode(name)))
    say("writing the store and its dumps")
    touched = frozenset({*collected.changed, *edits, collected.validation.value, ""})

    digest: list[str] = []

    def finish(build_dir: Path, opened: pyoxigraph.Store) -> None:
        digest.append(_finish(build_dir, opened, p, previous, touched, edits, say))
        increment.write_manifest(build_dir, fingerprint, collected.keys, decisions is not None)
        write_summaries(build_dir, cache.version, collected.summaries)

    build_dir = staged.finish(info, finish=finish)
    _write_reports(build_dir, outcomes, collected.reports, previous.build_dir if previous else None)
    reuse = None
    if previous is not None:
        claims = frozenset(str(r["iri"]) for r in collected.records)
        # Removed lines name the claims of the sources taken out too: those are gone, not stale.
        stale = claims & (collected.fresh_claims | _reconciled_claims(edits.get(reconciliation.value)))
        changed = frozenset(str(validation_subject(minter, g)) for g in collected.changed)
        reuse = releases.Reuse(previous.build_dir, claims, stale, changed)
    return BuildResult(p.link, build_dir, outcomes, 0, [], reuse=reuse, nquads_sha256=digest[0])


def _reconcile_changes(
    staged: store.Staged,
    collected: _Collected,
    official: OfficialData,
    minter: Minter,
    graph: pyoxigraph.NamedNode,
) -> tuple[list[bytes], list[bytes]]:
    """Reconcile again the groups (province, edition, indicator, measure, compared edition) that hold
    a claim of a source extracted again or taken out, and replace those claims' reconciliation nodes;
    the other groups' results cannot have changed (a claim is only compared within its group), nor
    the official tables' quality checks (the checkpoint's fingerprint covers them)."""
    records = collected.records
    dropped = collected.dropped_records or []
    keys = reconcile_groups(records)
    fresh = collected.fresh_claims
    touched = {k for k in reconcile_groups(dropped) if k is not None}
    touched |= {k for k, r in zip(keys, records, strict=True) if k is not None and r["iri"] in fresh}
    again = [r for k, r in zip(keys, records, strict=True) if k in touched or r["iri"] in fresh]
    subjects = {f"{r['iri']}{RECONCILIATION_SUFFIX}" for r in itertools.chain(again, dropped)}
    # The stated values of those groups, shared by their claims: the ones the checkpoint's
    # reconciliations linked to (a value node exists only when one of its group links to it; every
    # claim of the groups is in ``subjects``) and the ones they link to now.
    conflicts = pyoxigraph.NamedNode(str(DTI.conflictsWithValue))
    opened = staged.opened
    linked = [opened.quads_for_pattern(pyoxigraph.NamedNode(s), conflicts, None, graph) for s in subjects]
    found = (q.object for q in itertools.chain.from_iterable(linked))
    subjects.update(o.value for o in found if isinstance(o, pyoxigraph.NamedNode))
    results = reconcile(again, official)
    subjects.update(str(iri) for iri in stated_values(results, minter))
    quads = as_quads(reconciliation_triples(results, minter), graph)
    return staged.replace_subjects(graph.value, subjects, quads)


def _reconciled_claims(edit: tuple[list[bytes], list[bytes]] | None) -> set[str]:
    """The claims whose reconciliation node (``<claim>/reconciliation``) lost or gained a quad."""
    claims = set()
    for line in itertools.chain(*(edit or ((), ()))):
        subject = line.split(b" ", 1)[0]
        if subject.startswith(b"<") and subject.endswith(RECONCILIATION_NODE):
            claims.add(subject[1 : -len(RECONCILIATION_NODE)].decode("utf-8"))
    return claims


def _finish(
    build_dir: Path,
    opened: pyoxigraph.Store,
    p: store.StorePaths,
    previous: increment.PreviousBuild | None,
    touched: frozenset[str],
    edits: dict[str, tuple[list[bytes], list[bytes]]],
    say: Progress,
) -> str:
    """The dumps: from the previous build's where the store started from its checkpoint.

    Returns dump.nq's SHA-256 (the release's content hash)."""
    blocks = p.cache / "trig"
    if previous is not None:
        before = pyoxigraph.Store.read_only(str(previous.oxigraph))
        try:
            written = write_dumps(
                build_dir, opened, blocks, Previous(previous.build_dir, before, touched, edits)
            )
            return str(written["nquads_sha256"])
        except PreviousUnusable as exc:
            say(f"writing the dumps in full: {exc}")
        finally:
            del before
    return str(write_dumps(build_dir, opened, blocks)["nquads_sha256"])


def _graphs_from_store(opened: pyoxigraph.Store, iris: Iterable[str]) -> dict[str, rdflib.Graph]:
    """Named graphs of the staged store as rdflib graphs (the few a decisions file cites)."""
    out = {}
    for iri in iris:
        data = opened.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.NamedNode(iri))
        out[iri] = rdflib.Graph(identifier=rdflib.URIRef(iri)).parse(data=data, format="nt")
    return out


def _review_decisions(
    path: Path,
    review_graph: rdflib.Graph,
    staged: pyoxigraph.Store,
    served: Sequence[str],
    reference: dict[str, rdflib.Graph],
    minter: Minter,
    say: Progress,
) -> tuple[SourceOutcome, rdflib.Graph | None, rdflib.Graph, list[str], dict[str, rdflib.Graph]]:
    """The decisions file as one more source: its graph goes through the gate like an article's,
    read with the graphs of the sources it cites (returned last, from the staged store).
    Unusable rows (returned fourth, one line each) are left out; the rest of the file is used."""
    try:
        rows, problems = read_decisions(path)
    except InputError as exc:
        return SourceOutcome(path.name, None, "rejected", reason=str(exc)), None, rdflib.Graph(), [], {}
    decided, unknown = decisions_graph(rows, review_graph, minter)
    iri = str(decided.identifier)
    cited_ids = {str(s).rsplit("/", 1)[-1] for s in decided.objects(None, DCTERMS.source)}
    cited = _graphs_from_store(staged, [g for g in served if g.rsplit("/", 1)[-1] in cited_ids])
    say(f"validating {len(rows) - len(unknown)} review decision(s)")
    found = shape_gate(reference).validate({iri: with_sources(decided, cited)})[iri]
    claims = sum(1 for _ in decided.subjects(rdflib.RDF.type, DTI.Claim))
    status = "served" if found.conforms else "quarantined"
    outcome = SourceOutcome(path.name, iri, status, claims=claims, report=found.as_text())
    return outcome, decided, found.report_graph, [*problems, *unknown], cited


def validation_subject(minter: Minter, graph_iri: str) -> rdflib.URIRef:
    """What links to a graph's SHACL report (dti:validationReport): the article of an article's
    graph, the named graph itself for the reference data and official tables."""
    if graph_iri in {str(minter.graph(name)) for name in ("reference", "official")}:
        return rdflib.URIRef(graph_iri)
    return minter.source(graph_iri.rsplit("/", 1)[-1])


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
    build_dir: Path, outcomes: list[SourceOutcome], reports: list[str], previous: Path | None
) -> None:
    """report.txt for people and report.ttl as RDF (the quarantined graphs are written as they come);
    ``previous``: a build whose rendered reports may be reused (dti_kg.report_ttl)."""
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
    write_report_ttl(build_dir, reports, previous)


def _silent(_message: str) -> None:
    """The default progress sink: say nothing."""
