"""``dti audit``: re-check a built store against its inputs and summarise the reconciliation.

Two independent checks, both read from the store only (never from the build's caches):

* **spans** — every source's file (``dti:fileName``) is looked up in the given folders and read
  with the same loader the build used, so the text is normalised exactly as it was then. The
  SHA-256 of that text must equal ``dti:sha256`` and every evidence span's ``oa:exact`` must equal
  ``text[start:end]``. A quote that is no longer at its offsets is reported as moved (with where it
  is now) or gone.
* **reconciliation** — the ``dti:Reconciliation`` results of the build, one row per claim, with
  counts per status.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph

from dti_kg.errors import InputError
from dti_kg.loaders.documents import load_document
from dti_kg.query import run_select

STATUSES = ("confirmed", "contradicted", "unverifiable")

SOURCES_QUERY = """
SELECT ?source ?file ?sha WHERE {
  ?source a schema:NewsArticle ; dti:fileName ?file .
  OPTIONAL { ?source dti:sha256 ?sha }
}
"""

SPANS_QUERY = """
SELECT ?source ?span ?start ?end ?exact ?cited WHERE {
  ?span a oa:SpecificResource ; oa:hasSource ?source ; oa:hasSelector ?q, ?p .
  ?q oa:exact ?exact .
  ?p oa:start ?start ; oa:end ?end .
  OPTIONAL { ?cited dti:evidence ?span }
}
"""

RECONCILIATION_QUERY = """
SELECT ?claim ?status ?corroboration ?note ?province ?label ?year ?indicator ?measure ?value ?compared
       ?file ?cohort ?official ?officialValue ?conflict
WHERE {
  ?claim a dti:Claim ; dti:province ?province ; dti:edition ?edition ; dti:indicator ?ind ;
         qb:measureType ?m ; ?m ?value ; dcterms:source ?source .
  ?edition dti:yearAssessed ?year .
  ?ind skos:notation ?indicator .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?source dti:fileName ?file }
  OPTIONAL { ?claim dti:comparedTo/dti:yearAssessed ?compared }
  OPTIONAL { ?province skos:prefLabel ?label FILTER(LANG(?label) = "vi") }
  OPTIONAL {
    ?r a dti:Reconciliation ; dti:claim ?claim ; dti:status ?st .
    BIND(LCASE(STRAFTER(STR(?st), "#")) AS ?status)
    OPTIONAL { ?r dti:corroborationCount ?corroboration }
    OPTIONAL { ?r dti:reconciliationNote ?note }
    OPTIONAL { ?r dti:matchedCohort/dti:cohortSize ?cohort }
    OPTIONAL { ?r dti:officialObservation ?official }
    OPTIONAL { ?r dti:officialValue ?officialValue }
    OPTIONAL { ?r dti:conflictsWithValue ?conflict }
  }
}
"""


# ---------------------------------------------------------------- span re-verification


@dataclass
class SpanProblem:
    """An evidence span whose quote is no longer at its offsets."""

    span: str
    start: int
    end: int
    exact: str
    kind: str  # "moved" or "gone"
    now_at: list[tuple[int, int]] = field(default_factory=list)  # where the quote is now (moved)
    cited_by: list[str] = field(default_factory=list)  # claims and facts resting on this span


@dataclass
class SourceCheck:
    """One source of the store set against its file."""

    source: str
    file_name: str
    status: str  # "ok", "drift", "missing" or "unreadable"
    spans: int = 0
    path: str = ""
    stored_sha256: str = ""
    file_sha256: str = ""
    reason: str = ""  # missing / unreadable: why
    problems: list[SpanProblem] = field(default_factory=list)

    @property
    def hash_changed(self) -> bool:
        return bool(self.file_sha256) and self.file_sha256 != self.stored_sha256


@dataclass(frozen=True)
class _Span:
    source: str
    span: str
    start: int
    end: int
    exact: str
    cited_by: tuple[str, ...]


def _select(store: pyoxigraph.Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT as plain strings (unbound variables left out)."""
    solutions = run_select(store, query)
    names = [v.value for v in solutions.variables]
    return [{n: row[i].value for i, n in enumerate(names) if row[i] is not None} for row in solutions]


def _spans(store: pyoxigraph.Store) -> dict[str, list[_Span]]:
    cited: dict[str, set[str]] = defaultdict(set)
    found: dict[str, dict[str, str]] = {}
    for row in _select(store, SPANS_QUERY):
        found[row["span"]] = row
        if "cited" in row:
            cited[row["span"]].add(row["cited"])
    by_source: dict[str, list[_Span]] = defaultdict(list)
    for iri, row in found.items():
        by_source[row["source"]].append(
            _Span(
                row["source"],
                iri,
                int(row["start"]),
                int(row["end"]),
                row["exact"],
                tuple(sorted(cited[iri])),
            )
        )
    return {s: sorted(spans, key=lambda x: (x.start, x.end, x.span)) for s, spans in by_source.items()}


def _candidates(file_name: str, folders: Sequence[Path]) -> list[Path]:
    """Files called ``file_name`` in the folders: directly inside first, then deeper (sorted)."""
    out: list[Path] = []
    for folder in folders:
        direct = folder / file_name
        if direct.is_file():
            out.append(direct)
        out.extend(p for p in sorted(folder.rglob(file_name)) if p.is_file() and p != direct)
    return out


def _check_spans(text: str, spans: Iterable[_Span]) -> list[SpanProblem]:
    problems = []
    for s in spans:
        if text[s.start : s.end] == s.exact:
            continue
        places = []
        at = text.find(s.exact)
        while at != -1 and s.exact:
            places.append((at, at + len(s.exact)))
            at = text.find(s.exact, at + 1)
        places.sort(key=lambda p: (abs(p[0] - s.start), p[0]))  # nearest to the old place first
        problems.append(
            SpanProblem(
                s.span, s.start, s.end, s.exact, "moved" if places else "gone", places, list(s.cited_by)
            )
        )
    return problems


def verify_spans(store: pyoxigraph.Store, folders: Sequence[Path]) -> list[SourceCheck]:
    """Every source of the store checked against its file in ``folders`` (sorted by file name)."""

    for folder in folders:
        if not folder.is_dir():
            raise InputError(f"--sources {folder}: not a directory")
    spans = _spans(store)
    checks = []
    for row in sorted(_select(store, SOURCES_QUERY), key=lambda r: (r["file"], r["source"])):
        source, name = row["source"], row["file"]
        own = spans.get(source, [])
        check = SourceCheck(source, name, "ok", len(own), stored_sha256=row.get("sha", ""))
        checks.append(check)
        candidates = _candidates(name, folders)
        if not candidates:
            check.status = "missing"
            check.reason = f"no file named {name} in {', '.join(str(f) for f in folders)}"
            continue
        documents = []
        for path in candidates:
            try:
                documents.append((path, load_document(path)))
            except InputError as exc:
                check.reason = str(exc)
        if not documents:
            check.status, check.path = "unreadable", str(candidates[0])
            continue
        # Several files may share the name: the one whose text is unchanged wins.
        path, doc = next(((p, d) for p, d in documents if d.sha256 == check.stored_sha256), documents[0])
        check.path, check.file_sha256, check.reason = str(path), doc.sha256, ""
        check.problems = _check_spans(doc.cited_text, own)
        if check.hash_changed or check.problems:
            check.status = "drift"
    return checks


# ---------------------------------------------------------------- reconciliation summary


@dataclass
class ClaimStatus:
    """One claim and what reconciliation found for it."""

    claim: str
    province: str
    province_label: str
    edition: int
    indicator: str
    measure: str  # "rank", "score" or "rankChange"
    value: str  # lexical form, as stored
    compared_to: int | None
    status: str  # confirmed / contradicted / unverifiable, or "not reconciled"
    matched_cohorts: list[int]
    official_values: list[str]
    official_observations: list[str]
    corroboration: int | None
    source: str  # the file this claim was read from
    sources: list[str]  # files of the claims stating this value for the same thing, this one included
    conflicts_with: list[str]  # stated values (dti:StatedValue) of other claims that disagree with it
    note: str


def _number(lexical: str) -> Decimal:
    return Decimal(lexical)


def reconciliation_summary(store: pyoxigraph.Store) -> list[ClaimStatus]:
    """One entry per claim of the store, sorted by province, edition, indicator, measure, source."""
    merged: dict[str, dict] = {}
    for row in _select(store, RECONCILIATION_QUERY):
        entry = merged.setdefault(
            row["claim"],
            {
                "row": row,
                "cohorts": set(),
                "values": set(),
                "observations": set(),
                "conflicts": set(),
            },
        )
        for key, column in (
            ("cohorts", "cohort"),
            ("values", "officialValue"),
            ("observations", "official"),
            ("conflicts", "conflict"),
        ):
            if column in row:
                entry[key].add(row[column])
    # Sources stating the same value for the same thing (as the reconciliation's corroboration).
    same: dict[tuple, set[str]] = defaultdict(set)

    def same_thing(row: dict[str, str]) -> tuple:
        return (
            row["province"],
            row["year"],
            row["indicator"],
            row["measure"],
            row.get("compared"),
            _number(row["value"]),
        )

    for entry in merged.values():
        same[same_thing(entry["row"])].add(entry["row"].get("file", ""))
    out = []
    for claim, entry in merged.items():
        row = entry["row"]
        out.append(
            ClaimStatus(
                claim=claim,
                province=row["province"],
                province_label=row.get("label", ""),
                edition=int(row["year"]),
                indicator=row["indicator"],
                measure=row["measure"],
                value=row["value"],
                compared_to=int(row["compared"]) if "compared" in row else None,
                status=row.get("status", "not reconciled"),
                matched_cohorts=sorted(int(c) for c in entry["cohorts"]),
                official_values=sorted(entry["values"], key=_number),
                official_observations=sorted(entry["observations"]),
                corroboration=int(row["corroboration"]) if "corroboration" in row else None,
                source=row.get("file", ""),
                sources=sorted(same[same_thing(row)] - {""}),
                conflicts_with=sorted(entry["conflicts"]),
                note=row.get("note", ""),
            )
        )
    return sorted(
        out,
        key=lambda c: (c.province_label, c.edition, c.indicator, c.measure, c.source, c.value, c.claim),
    )


def status_counts(claims: Iterable[ClaimStatus]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for c in claims:
        counts[c.status] = counts.get(c.status, 0) + 1
    return counts


# ---------------------------------------------------------------- the whole audit


@dataclass
class AuditReport:
    claims: list[ClaimStatus]
    sources: list[SourceCheck] | None  # None: spans were not re-verified (no --sources)
    folders: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.sources is None or all(s.status == "ok" for s in self.sources)

    def as_json(self) -> dict[str, object]:
        spans: dict[str, object] = {"verified": self.sources is not None, "folders": self.folders}
        if self.sources is not None:
            spans["sources"] = [asdict(s) for s in self.sources]
            spans["failures"] = sum(s.status != "ok" for s in self.sources)
        return {
            "ok": self.ok,
            "spans": spans,
            "reconciliation": {
                "counts": status_counts(self.claims),
                "claims": [asdict(c) for c in self.claims],
            },
        }


def audit_store(store: pyoxigraph.Store, folders: Sequence[Path] | None = None) -> AuditReport:
    """The span check (when ``folders`` are given) and the reconciliation summary of ``store``."""
    checks = verify_spans(store, folders) if folders else None
    return AuditReport(reconciliation_summary(store), checks, [str(f) for f in folders or ()])
