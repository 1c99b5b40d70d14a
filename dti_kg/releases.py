"""Releases: every build that is switched in gets an identity people can pin, compare and cite.

A release id is ``<date>-<hash8>``: the UTC date of the first publication of that content in this store
and the first 8 hex digits of the SHA-256 of the build's sorted N-Quads dump. Publishing the same content
again keeps the id (same inputs, same release). What a release was made from — source hashes, loader
version, reference data version — is written beside the build as ``release.json``, with the claim diff
against its predecessor (``diff.json``, see :mod:`dti_kg.diff`). Neither is in the store itself, so two
builds of the same inputs still export byte-identical dumps. :func:`release_graph` states all kept releases
in DCAT and PROV.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from dti_kg import config, store
from dti_kg.diff import (
    CLAIMS_FILE,
    DIFF_FILE,
    claims_of,
    diff_claims,
    one_subject,
    read_claims,
    touched_slots,
    updated_claims,
    write_claims,
    write_diff,
)
from dti_kg.errors import InputError, StoreError
from dti_kg.namespaces import DTI, PREFIXES
from dti_kg.query import run_query
from dti_kg.release_zip import (
    OFFICIAL_TABLE,
    ZIP_NAME,
    previous_claim_rows,
    previous_table,
    release_files,
    updated_claim_rows,
    write_release_zip,
)
from dti_kg.serialize import dump_nquads

DCAT = PREFIXES["dcat"]  # DCAT 3 terms (version, previousVersion, ...) that rdflib's DCAT lacks
RELEASE_INFO = "release.json"
NQUADS_DUMP = "dump.nq"  # written by dti_kg.dumps, which this layer may not import
RELEASE_ID = re.compile(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{8}")

SOURCES_QUERY = """
SELECT ?source ?file ?sha ?url WHERE {
  ?source a schema:NewsArticle ; dti:sha256 ?sha ; dti:fileName ?file .
  OPTIONAL { ?source schema:url ?url }
} ORDER BY ?file ?sha
"""


@dataclass(frozen=True)
class Release:
    """One kept release: its record (``release.json``) and the build directory that holds it."""

    release_id: str
    build_dir: Path
    published: datetime
    content_hash: str
    predecessor: str | None
    info: dict[str, Any]

    @property
    def build_id(self) -> str:
        return self.build_dir.name

    @property
    def published_text(self) -> str:
        return self.published.strftime("%Y-%m-%dT%H:%M:%SZ")

    def iri(self, base: str) -> str:
        return f"{base}id/release/{self.release_id}"


def keep_releases(environ: Mapping[str, str] | None = None) -> int:
    """How many builds (releases) a store keeps readable: DTI_KG_KEEP_RELEASES (default 5), at least 2."""
    value = int(config.read("KEEP_RELEASES", environ) or 0)
    if value < 2:  # the current release and the one a running server may still read
        raise InputError(f"{config.BY_NAME['KEEP_RELEASES'].env} must be at least 2, got {value}")
    return value


def content_hash(quads: pyoxigraph.Store) -> str:
    """SHA-256 of the store's canonical sorted N-Quads dump (what ``dti export`` writes)."""
    return hashlib.sha256(dump_nquads(quads).encode("utf-8")).hexdigest()


def _dump_hash(build_dir: Path) -> str | None:
    """SHA-256 of the build's ``dump.nq`` (the bytes ``content_hash`` would render), read in chunks:
    rendering the dump again would hold it in memory (~1 GB at 10,000 articles)."""
    path = build_dir / NQUADS_DUMP
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# release.json path -> (its bytes, its Release); (store link, link target, device and inode of the
# directory the whole chain of links ends at) -> that build directory. The server asks for the current
# release on every page and document (Signposting and Memento headers): parsing release.json and
# resolving the link each time cost 0.7 ms of a 5.6 ms Turtle description (cProfile,
# benchmarks/README.md). The record is checked by its content, not its stat: a file rewritten in place
# to the same size within one timestamp tick (a second on some filesystems) or with its mtime set back
# (``cp -p``) has the same inode, size and mtime. Comparing the bytes with the memo's (memcmp) costs
# less than hashing them as a key would. The link is keyed by where it ends, not only its own
# target: a directory link above it ("/srv/current" -> a copy of the store) may switch.
_parsed: dict[str, tuple[bytes, Release]] = {}
_build_dirs: dict[tuple[str, str, int, int], Path] = {}
_MEMO_SIZE = 64  # entries kept before a memo starts over (one or two per build switch)
_K = TypeVar("_K")
_V = TypeVar("_V")


def _memo_put(memo: dict[_K, _V], key: _K, value: _V) -> None:
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value


def _read(build_dir: Path) -> Release | None:
    path = build_dir / RELEASE_INFO
    try:
        data = path.read_bytes()
    except OSError:
        return None  # a build made without a release record is not a release
    memo = _parsed.get(str(path))
    if memo is not None and memo[0] == data:
        return memo[1]
    try:
        info = json.loads(data.decode("utf-8"))
        published = datetime.strptime(info["published"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        release = Release(
            info["release_id"], build_dir, published, info["content_hash"], info.get("predecessor"), info
        )
    except (ValueError, KeyError, TypeError):
        return None  # a damaged record: not a release
    _memo_put(_parsed, str(path), (data, release))
    return release


def kept_releases(store_link: str | os.PathLike[str]) -> list[Release]:
    """The releases whose builds are still on disk, oldest first; one per release id (its newest build)."""
    p = store.paths(store_link)
    if not p.builds.is_dir():
        return []
    by_id: dict[str, Release] = {}
    for d in sorted(p.builds.iterdir()):
        if not (d / store.OXIGRAPH_DIR).is_dir():
            continue
        release = _read(d)
        if release is not None:
            by_id[release.release_id] = release  # build dirs sort by age: the newest build wins
    return sorted(by_id.values(), key=lambda r: (r.published, r.build_id))


def current_release(store_link: str | os.PathLike[str]) -> Release | None:
    link = os.fspath(store_link)
    try:
        end = os.stat(link)  # follows every link on the way, the store link's and its folders'
        key: tuple[str, str, int, int] | None = (link, os.readlink(link), end.st_dev, end.st_ino)
    except OSError:
        key = None  # not a link, or a dangling one: current_build_dir says why
    build_dir = _build_dirs.get(key) if key else None
    if build_dir is None:
        try:
            build_dir = store.current_build_dir(store_link)
        except StoreError:
            return None
        if key:
            _memo_put(_build_dirs, key, build_dir)
    return _read(build_dir)


def release_of_build(store_link: str | os.PathLike[str], build_id: str) -> Release | None:
    """The release a kept build was recorded as (None for a build without a record)."""
    if "/" in build_id or build_id.startswith(".") or not build_id:
        return None
    return _read(store.paths(store_link).builds / build_id)


def find_release(store_link: str | os.PathLike[str], release_id: str) -> Release | None:
    for release in kept_releases(store_link):
        if release.release_id == release_id:
            return release
    return None


def release_at(releases: list[Release], moment: datetime) -> Release | None:
    """The release that was current at ``moment``: the last one published at or before it."""
    found = None
    for release in releases:
        if release.published <= moment:
            found = release
    return found


def _sources(quads: pyoxigraph.Store, only: Collection[str] | None = None) -> list[dict[str, str]]:
    """The release's article sources, in the query's order (of the sources ``only``, when given)."""
    out = []
    for iri in [None] if only is None else sorted(only):
        query = SOURCES_QUERY if iri is None else one_subject(SOURCES_QUERY, "source", iri)
        rows = run_query(quads, query)
        assert isinstance(rows, pyoxigraph.QuerySolutions)
        for row in rows:
            entry = {"iri": iri or row["source"].value, "file": row["file"].value, "sha256": row["sha"].value}
            if row["url"] is not None:
                entry["url"] = row["url"].value
            out.append(entry)
    return out


def _updated_sources(
    before: list[dict[str, str]], quads: pyoxigraph.Store, changed: Collection[str]
) -> list[dict[str, str]]:
    """The sources of a release made from the one that lists ``before``: the rows of the sources not
    ``changed`` (extracted again or taken out) kept, the changed ones queried again, in the query's
    order (ORDER BY ?file ?sha: plain strings, which SPARQL orders by code point as Python does)."""
    kept = [s for s in before if s["iri"] not in changed]
    return sorted(kept + _sources(quads, changed), key=lambda s: (s["file"], s["sha256"]))


@dataclass(frozen=True)
class Reuse:
    """What a build made from a checkpoint of ``build_dir`` lets its release take from that build's:
    the per-claim rows of every claim it still holds (``claims``) but those of ``stale`` (the claims of
    the sources it extracted again, and the claims whose reconciliation changed), which are queried.
    Every other input of a claim's rows (its source's graph, the province labels) is unchanged."""

    build_dir: Path
    claims: frozenset[str]
    stale: frozenset[str]
    sources: frozenset[str] = frozenset()  # the article sources extracted again or taken out


def record_release(
    p: store.StorePaths,
    build_dir: Path,
    *,
    now: datetime | None = None,
    reuse: Reuse | None = None,
    nquads_sha256: str | None = None,
) -> dict[str, Any]:
    """Write ``release.json`` (and ``diff.json`` against the current release) for an unpublished build.

    Call it before ``store.publish``: the release current now becomes the new one's predecessor.
    ``reuse``: the build started from the current release's; its claim rows are updated, not queried.
    ``nquads_sha256``: dump.nq's hash as write_dumps returned it, so dump.nq is not read again.
    """
    build_info = json.loads((build_dir / store.BUILD_INFO).read_text(encoding="utf-8"))
    opened = pyoxigraph.Store.read_only(str(build_dir / store.OXIGRAPH_DIR))
    digest = nquads_sha256 or _dump_hash(build_dir) or content_hash(opened)
    previous = current_release(p.link)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    republished = previous is not None and previous.content_hash == digest
    if previous is None or reuse is None or previous.build_dir.resolve() != reuse.build_dir.resolve():
        reuse = None  # made from another build than the one served now: nothing to take
    if previous is not None and republished:
        # Same content as the release being served: the same release, published again.
        info = {**previous.info, "build_id": build_dir.name, "republished": f"{moment:%Y-%m-%dT%H:%M:%SZ}"}
        for name in (DIFF_FILE, CLAIMS_FILE):
            recorded = previous.build_dir / name
            if recorded.is_file():
                shutil.copyfile(recorded, build_dir / name)
    else:
        info = {
            "release_id": f"{moment:%Y-%m-%d}-{digest[:8]}",
            "content_hash": digest,
            "published": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "predecessor": previous.release_id if previous else None,
            "build_id": build_dir.name,
            "dti_kg_version": build_info.get("dti_kg_version"),
            "loader_version": build_info.get("loader_version"),
            "reference_version": build_info.get("reference_version"),
            "base_iri": build_info.get("base_iri"),
            "input": build_info.get("input"),
            "quads": build_info.get("quads"),
            "sources": _sources(opened)
            if reuse is None or previous is None or "sources" not in previous.info
            else _updated_sources(previous.info["sources"], opened, reuse.sources),
            "not_served": [
                {"name": s["name"], "status": s["status"], **({"graph": s["graph"]} if "graph" in s else {})}
                for s in build_info.get("sources", [])
                if s.get("status") != "served"
            ],
        }
    # The two queries over every claim run one after the other: at once they doubled the peak memory.
    before = read_claims(previous.build_dir) if previous is not None else None
    if not republished:
        only = None  # the slots the diff looks at: every one, unless the claims were updated
        if reuse is not None and before is not None:
            claims = updated_claims(before, opened, reuse.claims, reuse.stale)
            only = touched_slots(before, claims, reuse.claims, reuse.stale)
        else:
            claims = claims_of(opened)
        write_claims(build_dir, claims)
        if previous is not None:
            if before is None:
                before = claims_of(pyoxigraph.Store.read_only(str(previous.build_dir / store.OXIGRAPH_DIR)))
            write_diff(
                build_dir,
                previous.release_id,
                info["release_id"],
                diff_claims(before, claims, previous.info, info, only),
            )
        del claims
    del before
    rows = previous_claim_rows(reuse.build_dir / ZIP_NAME) if reuse is not None else None
    if reuse is not None and rows is not None:
        rows = updated_claim_rows(rows, opened, reuse.claims, reuse.stale)
    # The official table depends only on the package's data, which the checkpoint's fingerprint covers.
    official = previous_table(reuse.build_dir / ZIP_NAME, OFFICIAL_TABLE) if reuse is not None else None
    write_release_zip(build_dir / ZIP_NAME, release_files(opened, info, rows, official))
    (build_dir / RELEASE_INFO).write_text(
        json.dumps(info, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return info


def publish_release(
    p: store.StorePaths, build_dir: Path, reuse: Reuse | None = None, nquads_sha256: str | None = None
) -> dict[str, Any]:
    """Record the build as a release, then switch the store link to it (pruning to the kept releases)."""
    info = record_release(p, build_dir, reuse=reuse, nquads_sha256=nquads_sha256)
    store.publish(p, build_dir, keep=keep_releases())
    return info


# ---------------------------------------------------------------- DCAT + PROV


def release_graph(releases: list[Release], base: str, current: str | None = None) -> Graph:
    """The kept releases as ``dcat:Dataset`` versions of the DTI-KG dataset, each a ``prov:Entity``
    generated by its build from its sources, loader and reference data."""
    g = Graph()
    dataset = URIRef(base + "id/dataset")
    for r in releases:
        node = URIRef(r.iri(base))
        info = r.info
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDFS.label, Literal(f"DTI-KG release {r.release_id}")))
        g.add((node, DCTERMS.identifier, Literal(r.release_id)))
        g.add((node, DCTERMS.isVersionOf, dataset))
        g.add((node, DCAT.isVersionOf, dataset))
        g.add((node, DCAT.version, Literal(r.release_id)))
        g.add((node, DCTERMS.issued, Literal(r.published_text, datatype=XSD.dateTime)))
        g.add((node, PROV.generatedAtTime, Literal(r.published_text, datatype=XSD.dateTime)))
        g.add((node, DTI.contentHash, Literal(r.content_hash)))
        if r.predecessor:
            previous = URIRef(f"{base}id/release/{r.predecessor}")
            g.add((node, DCAT.previousVersion, previous))
            g.add((node, PROV.wasRevisionOf, previous))
        activity = URIRef(f"{base}id/release/{r.release_id}/build")
        g.add((node, PROV.wasGeneratedBy, activity))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, PROV.endedAtTime, Literal(r.published_text, datatype=XSD.dateTime)))
        if info.get("loader_version"):
            software = URIRef(f"{base}id/software/dti-kg/{info['loader_version']}")
            g.add((activity, PROV.wasAssociatedWith, software))
            g.add((software, DTI.version, Literal(info["loader_version"])))
        if info.get("reference_version"):
            g.add((node, DTI.referenceDataVersion, Literal(info["reference_version"])))
        for source in info.get("sources", []):
            entity = URIRef(source["iri"])
            g.add((activity, PROV.used, entity))
            g.add((entity, DTI.sha256, Literal(source["sha256"])))
        if (r.build_dir / ZIP_NAME).is_file():
            dist = URIRef(f"{base}releases/{r.release_id}/dti.zip")
            g.add((node, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            g.add((dist, DCAT.downloadURL, dist))
            g.add(
                (dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/application/zip"))
            )
            g.add((dist, DCTERMS.conformsTo, URIRef("http://www.w3.org/ns/csvw")))
        if r.release_id == current:
            g.add((dataset, DCAT.hasCurrentVersion, node))
        g.add((dataset, DCAT.hasVersion, node))
    return g
