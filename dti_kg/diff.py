"""The claims added, removed and changed between two releases, each with the reason it changed.

A claim's *slot* is what it is about: its source file, province, edition, indicator, measure (and the
edition a rank change is compared to). Claim IRIs hash the source's text, so an edited article gives every
one of its claims a new IRI; matching on the slot still pairs the old claim with the new one. Within a
slot, claims with equal values pair first; the rest pair in value order as "changed", leftovers are
"added" or "removed".

Reasons, checked in this order from the two releases' records (``release.json``):

- ``new source``: the claim's source file is not in the older release;
- ``source removed``: the source is in neither the newer release nor its not-served list;
- ``review decision``: a person's review decision made the claim (``dti build --decisions``, see
  :mod:`dti_kg.review`), or the source was kept out of the newer release by the validation gate
  (quarantined) or rejected;
- ``source changed``: the source file's text hash differs;
- ``loader version``: the extraction loader's version differs;
- ``reference correction``: the reference data or official tables changed (a verdict or a name moved);
- ``software version``: only the dti-kg version differs;
- ``unexplained``: none of the recorded inputs differ (should not happen: a build is deterministic).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from dti_kg.errors import InputError
from dti_kg.namespaces import DTI
from dti_kg.query import run_query, run_select, values_by_key
from dti_kg.store import write_atomically

DIFF_FILE = "diff.json"
# A release's claims as diff_claims reads them, kept beside it so that the next release's diff does not
# query this one's store again (the query is ~O(claims) and was half of a one-article release's cost).
CLAIMS_FILE = "claims.json"

CLAIMS_QUERY = """
SELECT ?claim ?province ?edition ?indicator ?measure ?value ?compared ?file ?status ?reviewed
       (MIN(?exact) AS ?quote)
WHERE {
  ?claim a dti:Claim ; dti:province ?province ; dti:edition ?edition ; dti:indicator ?indicator ;
         qb:measureType ?measure ; ?measure ?value ; dcterms:source/dti:fileName ?file .
  OPTIONAL { ?claim dti:comparedTo ?compared }
  OPTIONAL { ?check a dti:Reconciliation ; dti:claim ?claim ; dti:status ?status }
  OPTIONAL { ?claim dti:evidence/oa:hasSelector/oa:exact ?exact }
  OPTIONAL { ?claim prov:wasGeneratedBy/a dti:ReviewDecision . BIND(true AS ?reviewed) }
}
GROUP BY ?claim ?province ?edition ?indicator ?measure ?value ?compared ?file ?status ?reviewed
"""


@dataclass(frozen=True)
class ClaimRow:
    claim: str
    province: str
    edition: str
    indicator: str
    measure: str
    value: str
    compared: str
    file: str
    verdict: str
    quote: str
    reviewed: bool = False  # made a claim by a person's review decision (dti_kg.review)

    @property
    def slot(self) -> tuple[str, ...]:
        return (self.file, self.province, self.edition, self.indicator, self.measure, self.compared)


@dataclass(frozen=True)
class Change:
    """One line of a diff. ``change`` is "added", "removed" or "changed"."""

    change: str
    reason: str
    province: str
    edition: str
    indicator: str
    measure: str
    compared_to: str
    source_file: str
    old_claim: str
    new_claim: str
    old_value: str
    new_value: str
    old_verdict: str
    new_verdict: str
    quote: str


COLUMNS = tuple(f.name for f in fields(Change))


def _value(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def one_claim(query: str, claim: str) -> str:
    """``query`` (whose pattern binds ``?claim``) about ``claim`` alone: see :func:`one_subject`."""
    return one_subject(query, "claim", claim)


def one_subject(query: str, var: str, iri: str) -> str:
    """``query`` (whose pattern binds ``?var``) about ``iri`` alone: the IRI (checked and escaped by
    Oxigraph) written where the pattern had ``?var``, which the projection and modifiers drop.
    Oxigraph evaluated a VALUES or BIND of a few claims over every claim (~25 ms a claim at 1,000
    articles); with the IRI in the pattern a claim takes ~2 ms."""
    term = str(pyoxigraph.NamedNode(iri))
    variable = re.compile(rf"\?{re.escape(var)}\b")
    head, rest = query.split("WHERE {", 1)
    pattern, modifiers = rest.rsplit("}", 1)
    where = "WHERE {" + variable.sub(term, pattern) + "}"
    return variable.sub("", head) + where + variable.sub("", modifiers)


def claim_solutions(
    opened: pyoxigraph.Store, query: str, only: Collection[str] | None = None
) -> Iterator[tuple[str, pyoxigraph.QuerySolution]]:
    """The solutions of ``query`` (whose pattern binds ``?claim``), each with its claim: of every
    claim in the query's order, or of the claims ``only``, one query each (see :func:`one_claim`)."""
    if only is None:
        result = run_query(opened, query)
        assert isinstance(result, pyoxigraph.QuerySolutions)
        for row in result:
            yield _value(row["claim"]), row
        return
    for claim in sorted(only):
        result = run_query(opened, one_claim(query, claim))
        assert isinstance(result, pyoxigraph.QuerySolutions)
        for row in result:
            yield claim, row


# Every claim's evidence quotes, a part of both claim tables (this one and release_zip's claims.csv).
CLAIM_QUOTES = "SELECT ?key ?x WHERE { ?key a dti:Claim ; dti:evidence/oa:hasSelector/oa:exact ?x }"
# CLAIMS_QUERY over the whole store, in parts joined in Python: as one query (a GROUP BY over four
# OPTIONALs) it took 35 s and ~370 MB at 10,000 articles, the release phase's peak; the parts stream.
_CLAIM_PARTS = {
    "compared": "SELECT ?key ?x WHERE { ?key a dti:Claim ; dti:comparedTo ?x }",
    "status": "SELECT ?key ?x WHERE { ?check a dti:Reconciliation ; dti:claim ?key ; dti:status ?x }",
    "quote": CLAIM_QUOTES,
    "reviewed": "SELECT ?key ?x WHERE { ?key a dti:Claim ; prov:wasGeneratedBy/a dti:ReviewDecision }",
}
_CLAIM_BASE = """SELECT ?claim ?province ?edition ?indicator ?measure ?value ?file WHERE {
  ?claim a dti:Claim ; dti:province ?province ; dti:edition ?edition ; dti:indicator ?indicator ;
         qb:measureType ?measure ; ?measure ?value ; dcterms:source/dti:fileName ?file . }"""


def _all_claim_rows(opened: pyoxigraph.Store) -> Iterator[ClaimRow]:
    """The rows of CLAIMS_QUERY over every claim (same groups: each combination of a claim's stated
    comparison, status and review mark; the least quote), from its parts."""
    side = {part: values_by_key(opened, query) for part, query in _CLAIM_PARTS.items()}
    names = ("claim", "province", "edition", "indicator", "measure", "value", "file")
    bases = {tuple(_value(row[n]) for n in names) for row in run_select(opened, _CLAIM_BASE)}
    for claim, province, edition, indicator, measure, value, file in sorted(bases):
        quotes = side["quote"].get(claim)
        for compared in sorted(side["compared"].get(claim) or {""}):
            for status in sorted(side["status"].get(claim) or {""}):
                yield ClaimRow(
                    claim=claim,
                    province=province,
                    edition=edition,
                    indicator=indicator,
                    measure=measure.rsplit("#", 1)[-1],
                    value=value,
                    compared=compared,
                    file=file,
                    verdict=status.rsplit("#", 1)[-1].lower() if status else "",
                    quote=min(quotes) if quotes else "",
                    reviewed=claim in side["reviewed"],
                )


def claims_of(opened: pyoxigraph.Store, only: Collection[str] | None = None) -> list[ClaimRow]:
    """Every claim of a store (or those of ``only``) with what it is about, its value, verdict and
    first evidence quote."""
    if only is None:
        return sorted(_all_claim_rows(opened), key=_order)
    return sorted(
        (solution_row(claim, row) for claim, row in claim_solutions(opened, CLAIMS_QUERY, only)), key=_order
    )


def solution_row(claim: str, row: pyoxigraph.QuerySolution) -> ClaimRow:
    """The row of one solution of CLAIMS_QUERY."""
    verdict = _value(row["status"])
    return ClaimRow(
        claim=claim,
        province=_value(row["province"]),
        edition=_value(row["edition"]),
        indicator=_value(row["indicator"]),
        measure=_value(row["measure"]).rsplit("#", 1)[-1],
        value=_value(row["value"]),
        compared=_value(row["compared"]),
        file=_value(row["file"]),
        verdict=verdict.rsplit("#", 1)[-1].lower() if verdict else "",
        quote=_value(row["quote"]),
        reviewed=row["reviewed"] is not None,
    )


def _order(row: ClaimRow) -> tuple[object, ...]:
    # Total, so that rows read per claim and rows read all at once come out in one order.
    return (row.slot, row.value, row.claim, row.verdict, row.quote, row.reviewed)


def updated_claims(
    before: list[ClaimRow], opened: pyoxigraph.Store, claims: Collection[str], stale: Collection[str]
) -> list[ClaimRow]:
    """The claims of ``opened`` from those of the release it was made from (``before``): rows of
    ``claims`` (every claim it holds) not in ``stale`` are kept; ``stale`` ones are queried again.
    The same rows as :func:`claims_of` over the whole store when nothing else changed."""
    kept = [r for r in before if r.claim in claims and r.claim not in stale]
    return sorted(kept + claims_of(opened, stale), key=_order) if stale else kept


def _numeric_order(value: str) -> tuple[float, str]:
    try:
        return (float(value), value)
    except ValueError:
        return (float("inf"), value)


def _pair(old: list[ClaimRow], new: list[ClaimRow]) -> Iterable[tuple[ClaimRow | None, ClaimRow | None]]:
    """Pair one slot's claims: equal values first, then the rest in value order."""
    old_left = sorted(old, key=lambda r: _numeric_order(r.value))
    new_left = sorted(new, key=lambda r: _numeric_order(r.value))
    for o in list(old_left):
        match = next((n for n in new_left if n.value == o.value), None)
        if match is not None:
            old_left.remove(o)
            new_left.remove(match)
            yield o, match
    for i in range(max(len(old_left), len(new_left))):
        yield (old_left[i] if i < len(old_left) else None, new_left[i] if i < len(new_left) else None)


def _by_file(info: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {entry.get("file") or entry.get("name"): entry for entry in info.get(key, [])}


def _reason(
    old: ClaimRow | None, new: ClaimRow | None, old_info: Mapping[str, Any], new_info: Mapping[str, Any]
) -> str:
    either = new or old
    assert either is not None
    file, kind = either.file, "added" if old is None else "removed" if new is None else "changed"
    old_sources, new_sources = _by_file(old_info, "sources"), _by_file(new_info, "sources")
    if kind == "added" and file not in old_sources:
        return "new source"
    if kind == "removed" and file not in new_sources:
        return "review decision" if file in _by_file(new_info, "not_served") else "source removed"
    if any(row is not None and row.reviewed for row in (old, new)):
        return "review decision"  # a person accepted (or no longer accepts) a candidate claim
    old_sha = old_sources.get(file, {}).get("sha256")
    if old_sha and file in new_sources and old_sha != new_sources[file]["sha256"]:
        return "source changed"
    for key, reason in (
        ("loader_version", "loader version"),
        ("reference_version", "reference correction"),
        ("dti_kg_version", "software version"),
    ):
        if old_info.get(key) != new_info.get(key):
            return reason
    return "unexplained"


def touched_slots(
    before: list[ClaimRow], after: list[ClaimRow], claims: Collection[str], stale: Collection[str]
) -> set[tuple[str, ...]]:
    """The slots whose claims may differ between ``before`` and ``after`` (made by
    :func:`updated_claims` with ``claims`` and ``stale``): those of a row it dropped or queried again.
    Every other slot holds the very same rows in both, which :func:`diff_claims` pairs with themselves."""
    gone = {r.slot for r in before if r.claim not in claims or r.claim in stale}
    return gone | {r.slot for r in after if r.claim in stale}


def diff_claims(
    old: list[ClaimRow],
    new: list[ClaimRow],
    old_info: Mapping[str, Any],
    new_info: Mapping[str, Any],
    only: Collection[tuple[str, ...]] | None = None,
) -> list[Change]:
    """What changed from ``old`` to ``new`` (the releases' claims and records), sorted; looking only at
    the slots ``only`` when given (see :func:`touched_slots`)."""
    slots: dict[tuple[str, ...], tuple[list[ClaimRow], list[ClaimRow]]] = defaultdict(lambda: ([], []))
    for row in old:
        if only is None or row.slot in only:
            slots[row.slot][0].append(row)
    for row in new:
        if only is None or row.slot in only:
            slots[row.slot][1].append(row)
    changes = []
    for slot in sorted(slots):
        for o, n in _pair(*slots[slot]):
            if o is not None and n is not None and (o.claim, o.verdict) == (n.claim, n.verdict):
                continue  # the same claim with the same verdict
            kind = "added" if o is None else "removed" if n is None else "changed"
            either = n or o
            assert either is not None
            changes.append(
                Change(
                    change=kind,
                    reason=_reason(o, n, old_info, new_info),
                    province=either.province,
                    edition=either.edition,
                    indicator=either.indicator,
                    measure=either.measure,
                    compared_to=either.compared,
                    source_file=either.file,
                    old_claim=o.claim if o else "",
                    new_claim=n.claim if n else "",
                    old_value=o.value if o else "",
                    new_value=n.value if n else "",
                    old_verdict=o.verdict if o else "",
                    new_verdict=n.verdict if n else "",
                    quote=either.quote,
                )
            )
    return changes


# ---------------------------------------------------------------- files and formats


def write_diff(build_dir: Path, old_id: str, new_id: str, changes: list[Change]) -> None:
    data = {"old": old_id, "new": new_id, "changes": [asdict(c) for c in changes]}
    (build_dir / DIFF_FILE).write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def write_claims(build_dir: Path, rows: list[ClaimRow]) -> None:
    fields_ = [f.name for f in fields(ClaimRow)]
    data = {"fields": fields_, "rows": [[getattr(r, f) for f in fields_] for r in rows]}
    write_atomically(build_dir / CLAIMS_FILE, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def read_claims(build_dir: Path) -> list[ClaimRow] | None:
    """The claims recorded with a release; None when they are not there (or not readable): query them."""
    try:
        data = json.loads((build_dir / CLAIMS_FILE).read_text(encoding="utf-8"))
        if data["fields"] != [f.name for f in fields(ClaimRow)]:
            return None  # another layout
        return [ClaimRow(*row) for row in data["rows"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_diff(build_dir: Path) -> tuple[str, str, list[Change]] | None:
    """The diff recorded with a release (None for the first release, or a build made without one)."""
    path = build_dir / DIFF_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["old"], data["new"], [Change(**c) for c in data["changes"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a readable diff ({exc})") from None


def diff_csv(changes: list[Change]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in changes:
        writer.writerow([getattr(c, name) for name in COLUMNS])
    return out.getvalue()


def diff_graph(changes: list[Change], old_id: str, new_id: str, base: str) -> Graph:
    """The diff as RDF: one ``dti:ClaimChange`` per line, linked to both releases and claims."""
    g = Graph()
    new_release = URIRef(f"{base}id/release/{new_id}")
    old_release = URIRef(f"{base}id/release/{old_id}")
    diff = URIRef(f"{base}id/release/{new_id}/diff")
    g.add((diff, RDF.type, DTI.ReleaseDiff))
    g.add((diff, RDFS.label, Literal(f"Claims changed from release {old_id} to {new_id}", lang="en")))
    g.add((diff, DTI.fromRelease, old_release))
    g.add((diff, DTI.toRelease, new_release))
    for i, c in enumerate(changes, 1):
        node = URIRef(f"{base}id/release/{new_id}/diff/{i}")
        g.add((diff, DTI.change, node))
        g.add((node, RDF.type, DTI.ClaimChange))
        g.add((node, DTI.changeKind, Literal(c.change)))
        g.add((node, DTI.changeReason, Literal(c.reason)))
        g.add((node, DTI.province, URIRef(c.province)))
        g.add((node, DTI.edition, URIRef(c.edition)))
        g.add((node, DTI.indicator, URIRef(c.indicator)))
        g.add((node, DTI.sourceFile, Literal(c.source_file)))
        if c.old_claim:
            g.add((node, DTI.oldClaim, URIRef(c.old_claim)))
            g.add((node, DTI.oldValue, Literal(c.old_value)))
        if c.new_claim:
            g.add((node, DTI.newClaim, URIRef(c.new_claim)))
            g.add((node, DTI.newValue, Literal(c.new_value)))
        if c.old_claim and c.new_claim and c.old_claim != c.new_claim:
            g.add((URIRef(c.old_claim), DCTERMS.isReplacedBy, URIRef(c.new_claim)))
        g.add((node, PROV.wasGeneratedBy, URIRef(f"{base}id/release/{new_id}/build")))
    return g
