"""The download of a release: ``dti-<release>.zip`` with the claims and official tables as CSV, their CSVW
metadata and a README naming the sources and what can and cannot be compared.

Written beside the build when it is recorded as a release. The same release gives the same bytes: rows
are sorted by the queries, entries are written in name order with a fixed timestamp and permissions, and
nothing depends on when or where the build ran (the publication time is in ``release.json``, not here).
"""

from __future__ import annotations

import csv
import heapq
import io
import itertools
import json
import zipfile
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph

from dti_kg.csvw import Column, table_metadata, write_csv
from dti_kg.diff import CLAIM_QUOTES, claim_solutions
from dti_kg.namespaces import DTI
from dti_kg.query import run_query, run_select, values_by_key

ZIP_NAME = "release.zip"
CLAIMS_TABLE = "claims.csv"
OFFICIAL_TABLE = "official.csv"
METADATA_NAME = "csv-metadata.json"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold

# Every triple pattern before the first BIND: Oxigraph joins across a BIND without its indexes, and
# ``?source dti:fileName`` after the BIND made this query take 6.4 s at 100 articles (0.24 s now).
CLAIMS_QUERY = """
SELECT ?claim ?province ?province_label ?year ?indicator ?measure ?value ?cohort ?derived ?verdict
       (MIN(?official) AS ?official_value) (MIN(?exact) AS ?quote) ?source ?source_url ?source_file
WHERE {
  ?claim a dti:Claim ; dti:province ?province ; dti:edition/dti:yearAssessed ?year ;
         dti:indicator/skos:notation ?indicator ; qb:measureType ?m ; ?m ?value ; dcterms:source ?source .
  ?source dti:fileName ?source_file .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?source schema:url ?source_url }
  OPTIONAL { ?claim dti:cohort/dti:cohortSize ?cohort }
  OPTIONAL { ?claim dti:derivation ?derivation }
  BIND(COALESCE(?derivation = dti:Derived, false) AS ?derived)
  OPTIONAL { ?province skos:prefLabel ?province_label FILTER(LANG(?province_label) = "vi") }
  OPTIONAL { ?check dti:claim ?claim ; dti:status ?status .
             BIND(LCASE(STRAFTER(STR(?status), "#")) AS ?verdict)
             OPTIONAL { ?check dti:officialValue ?official } }
  OPTIONAL { ?claim dti:evidence/oa:hasSelector/oa:exact ?exact }
}
GROUP BY ?claim ?province ?province_label ?year ?indicator ?measure ?value ?cohort ?derived ?verdict
         ?source ?source_url ?source_file
ORDER BY ?province ?year ?indicator ?measure ?claim
"""

CLAIM_COLUMNS = (
    Column("claim", "anyURI", "Claim", "The claim's IRI: dereference it for its evidence and audit trail."),
    Column("province", "anyURI", "Province", "The province or post-2025 unit the claim is about."),
    Column("province_label", "string", "Province name", "Vietnamese name."),
    Column("year", "gYear", "Edition", "The DTI edition (year assessed)."),
    Column("indicator", "string", "Indicator", "overall or a pillar / main index notation."),
    Column("measure", "string", "Measure", "rank, score or rankChange."),
    Column("value", "decimal", "Value", "The value the article states (ranks are whole numbers)."),
    Column("cohort", "integer", "Cohort size", "63 units (2020-2024) or 34 (since 2025-07-01)."),
    Column("derived", "boolean", "Derived", "true when computed from other stated values, not stated."),
    Column(
        "verdict", "string", "Verdict", "confirmed, contradicted or unverifiable against the official table."
    ),
    Column("official_value", "decimal", "Official value", "The official table's value, when there is one."),
    Column("quote", "string", "Evidence quote", "The words of the article that state the value."),
    Column("source", "anyURI", "Source", "The article (its IRI hashes its normalised text)."),
    Column("source_url", "anyURI", "Source URL", "Where the article was published."),
    Column("source_file", "string", "Source file", "The article's file name in the corpus."),
)

OFFICIAL_QUERY = """
SELECT ?observation ?province ?province_label ?year ?cohort ?indicator ?measure ?value ?derived
       ?source_kind ?src
WHERE {
  ?observation a dti:OfficialObservation ; dti:province ?province ; dti:edition/dti:yearAssessed ?year ;
               dti:cohort/dti:cohortSize ?cohort ; dti:indicator/skos:notation ?indicator ;
               qb:measureType ?m ; ?m ?value .
  BIND(STRAFTER(STR(?m), "#") AS ?measure)
  OPTIONAL { ?observation dti:derivation ?derivation }
  BIND(COALESCE(?derivation = dti:Derived, false) AS ?derived)
  OPTIONAL { ?observation dti:sourceKind ?kind }
  BIND(STRAFTER(STR(?kind), "#") AS ?source_kind)
  OPTIONAL { ?observation dcterms:source ?src }
  OPTIONAL { ?province skos:prefLabel ?province_label FILTER(LANG(?province_label) = "vi") }
}
ORDER BY ?year ?cohort ?indicator ?measure ?province ?src
"""

OFFICIAL_COLUMNS = (
    Column("observation", "anyURI", "Observation", "The official observation's IRI."),
    Column("province", "anyURI", "Province", "The province or post-2025 unit."),
    Column("province_label", "string", "Province name", "Vietnamese name."),
    Column("year", "gYear", "Edition", "The DTI edition (year assessed)."),
    Column("cohort", "integer", "Cohort size", "63 units (2020-2024) or 34 (since 2025-07-01)."),
    Column("indicator", "string", "Indicator", "overall or a pillar / main index notation."),
    Column("measure", "string", "Measure", "rank or score."),
    Column("value", "decimal", "Value", "The official value (scores as printed, four decimals)."),
    Column("derived", "boolean", "Derived", "true when a rank was derived from the published scores."),
    Column("source_kind", "string", "Source kind", "OfficialSite, ThirdPartyScrape or PressReport."),
    Column("sources", "string", "Sources", "Where the row was read, separated by ' | '."),
)

COMPARABILITY = """\
## Comparability notes

- Editions 2020-2023 rank 63 provinces, published by Bộ TT&TT; DTI 2024 was published by Bộ KH&CN
  after the ministries merged (2025-03-01). Since 2025-07-01 there are 34 units; a post-merger unit's
  figure is not the same quantity as any one predecessor province's figure.
- The framework changed between editions (main indices added and renamed): compare an indicator across
  years only where both editions define it (see the edition pages).
- Ranks marked `derived = true` were computed from scores or from a stated rank change, not stated.
- `claims.csv` holds what articles say, with the exact quote; `official.csv` what the tables say, with
  the kind of source each row was read from (the ministry's site, a scrape of it, or a press report).
  A claim's `verdict` compares the two; `unverifiable` means no official figure to compare with.
- Scores are on the 0-1 scale of the official tables.
"""


def _cell(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def _table(opened: pyoxigraph.Store, query: str, columns: tuple[Column, ...]) -> str:
    """The query's rows as CSV. A ``sources`` column gathers the ``?src`` of consecutive rows that are
    otherwise equal, sorted (GROUP_CONCAT's order is not defined, and the zip must not vary)."""
    result = run_query(opened, query)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    names = [c.name for c in columns]
    if "sources" not in names:
        return write_csv(names, ([_cell(row[n]) for n in names] for row in result))
    own = [n for n in names if n != "sources"]
    grouped: dict[tuple[str, ...], set[str]] = {}
    for row in result:
        key = tuple(_cell(row[n]) for n in own)
        grouped.setdefault(key, set())
        if row["src"] is not None:
            grouped[key].add(_cell(row["src"]))
    return write_csv(names, ([*key, " | ".join(sorted(srcs))] for key, srcs in grouped.items()))


def claim_rows(opened: pyoxigraph.Store, only: Collection[str] | None = None) -> list[list[str]]:
    """The rows of ``claims.csv`` (of the claims ``only``, when given), in the table's order."""
    if only is None:
        return sorted(_all_claim_rows(opened), key=_claim_order)
    names = [c.name for c in CLAIM_COLUMNS[1:]]
    rows = [
        [claim, *(_cell(row[n]) for n in names)] for claim, row in claim_solutions(opened, CLAIMS_QUERY, only)
    ]
    return sorted(rows, key=_claim_order)


# CLAIMS_QUERY over the whole store, in parts joined in Python: as one query (a GROUP BY over six
# OPTIONALs) it took 44 s and ~280 MB at 10,000 articles, in the release phase; the parts stream.
_ROW_PARTS = {
    "url": "SELECT DISTINCT ?key ?x WHERE { ?key dti:fileName ?file ; schema:url ?x }",
    "label": """SELECT DISTINCT ?key ?x WHERE {
  ?claim a dti:Claim ; dti:province ?key . ?key skos:prefLabel ?x FILTER(LANG(?x) = "vi") }""",
    "cohort": "SELECT ?key ?x WHERE { ?key a dti:Claim ; dti:cohort/dti:cohortSize ?x }",
    "derivation": "SELECT ?key ?x WHERE { ?key a dti:Claim ; dti:derivation ?x }",
    "quote": CLAIM_QUOTES,
}
_ROW_BASE = """SELECT ?claim ?province ?year ?indicator ?m ?value ?source ?file WHERE {
  ?claim a dti:Claim ; dti:province ?province ; dti:edition/dti:yearAssessed ?year ;
         dti:indicator/skos:notation ?indicator ; qb:measureType ?m ; ?m ?value ; dcterms:source ?source .
  ?source dti:fileName ?file . }"""
_ROW_CHECKS = """SELECT ?key ?status ?official WHERE {
  ?check dti:claim ?key ; dti:status ?status OPTIONAL { ?check dti:officialValue ?official } }"""


def _least_number(values: Collection[str]) -> str:
    """SPARQL's MIN over numeric literals (compared as numbers), as its lexical form; "" for none."""
    return min(values, key=Decimal) if values else ""


def _verdicts(opened: pyoxigraph.Store) -> dict[str, dict[str, set[str]]]:
    """claim -> verdict -> the official values of its checks with that verdict."""
    checks: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in run_select(opened, _ROW_CHECKS):
        status = _cell(row["status"])
        officials = checks[_cell(row["key"])][status.split("#", 1)[1].lower() if "#" in status else ""]
        if row["official"] is not None:
            officials.add(_cell(row["official"]))
    return checks


def _all_claim_rows(opened: pyoxigraph.Store) -> Iterator[list[str]]:
    """The rows of CLAIMS_QUERY over every claim (same groups: each combination of a claim's label,
    cohort, derivation, verdict and source URL; the least official value of the verdict's checks and
    the least quote), from its parts."""
    side = {part: values_by_key(opened, query) for part, query in _ROW_PARTS.items()}
    checks = _verdicts(opened)
    derived_iri = str(DTI.Derived)
    names = ("claim", "province", "year", "indicator", "m", "value", "source", "file")
    bases = {tuple(_cell(row[n]) for n in names) for row in run_select(opened, _ROW_BASE)}
    for claim, province, year, indicator, m, value, source, file in sorted(bases):
        measure = m.split("#", 1)[1] if "#" in m else ""
        quotes = side["quote"].get(claim)
        quote = min(quotes) if quotes else ""
        derived = {"true" if d == derived_iri else "false" for d in side["derivation"].get(claim, ())}
        verdicts = checks.get(claim) or {"": set()}
        for label, cohort, flag, verdict, url in itertools.product(
            sorted(side["label"].get(province) or {""}),
            sorted(side["cohort"].get(claim) or {""}),
            sorted(derived or {"false"}),
            sorted(verdicts),
            sorted(side["url"].get(source) or {""}),
        ):
            official = _least_number(verdicts[verdict])
            row = [claim, province, label, year, indicator, measure, value, cohort, flag, verdict, official]
            yield [*row, quote, source, url, file]


def _claim_order(row: list[str]) -> tuple[str, ...]:
    """The query's ORDER BY ?province ?year ?indicator ?measure ?claim, on the cells (IRIs and plain
    strings order by code point in SPARQL too, and every year is a four-digit xsd:gYear), then the
    whole row: a total order, so rows read per claim and rows read all at once come out alike."""
    return (row[1], row[3], row[4], row[5], row[0], *row)


def previous_table(zip_path: Path, name: str) -> bytes | None:
    """A table of a release's zip as written; None when it is missing or unreadable."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            return zf.read(name)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None


def previous_claim_rows(zip_path: Path) -> list[list[str]] | None:
    """The rows of the ``claims.csv`` in a release's zip; None when it is missing or another layout."""
    data = previous_table(zip_path, CLAIMS_TABLE)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0] != [c.name for c in CLAIM_COLUMNS]:
        return None
    return rows[1:]


def updated_claim_rows(
    before: list[list[str]], opened: pyoxigraph.Store, claims: Collection[str], stale: Collection[str]
) -> list[list[str]]:
    """``claims.csv``'s rows from those of the release ``opened`` was made from (see
    :func:`dti_kg.diff.updated_claims`): kept rows merged with the ``stale`` claims' rows queried again
    (a claim's rows stay together, in the query's order)."""
    kept = [r for r in before if r[0] in claims and r[0] not in stale]
    if not stale:
        return kept
    return list(heapq.merge(kept, claim_rows(opened, stale), key=_claim_order))


def _readme(info: Mapping[str, Any]) -> str:
    lines = [
        f"# DTI-KG release {info['release_id']}",
        "",
        "Vietnam's provincial Digital Transformation Index (DTI) as tables, from the DTI-KG knowledge graph.",
        "",
        f"- Release: {info['release_id']} ({info.get('base_iri', '')}id/release/{info['release_id']})",
        f"- Content hash (SHA-256 of the sorted N-Quads dump): {info['content_hash']}",
        f"- Loader version: {info.get('loader_version')}",
        f"- Reference data version: {info.get('reference_version')}",
        f"- dti-kg version: {info.get('dti_kg_version')}",
        f"- Previous release: {info.get('predecessor') or 'none'}",
        "",
        "## Files",
        "",
        "- `claims.csv`: every served claim of a news article, with its evidence quote and verdict.",
        "- `official.csv`: every official observation (ranks and scores) with its sources.",
        f"- `{METADATA_NAME}`: CSVW metadata (column names, labels, datatypes, release, sources).",
        "",
        "## Sources",
        "",
        "Articles (file, SHA-256 of the normalised text, URL):",
        "",
    ]
    for s in info.get("sources", []):
        lines.append(f"- {s['file']} {s['sha256']} {s.get('url', '')}".rstrip())
    if info.get("not_served"):
        lines += ["", "Not served in this release (quarantined or rejected by the build's checks):", ""]
        lines += [f"- {s['name']} ({s['status']})" for s in info["not_served"]]
    lines += [
        "",
        "Official tables: the ministry's provincial DTI tables 2020-2024, each row with its source URLs",
        "(column `sources` of `official.csv`); the reference data's own sources are listed in the package's",
        "`dti_kg/data/SOURCES.md`.",
        "",
        COMPARABILITY,
        "## Licence",
        "",
        "CC BY 4.0 for the tables; quotes remain the words of their publishers, cited by URL.",
        "",
    ]
    return "\n".join(lines)


def release_files(
    opened: pyoxigraph.Store,
    info: Mapping[str, Any],
    claims: list[list[str]] | None = None,
    official: bytes | None = None,
) -> dict[str, bytes]:
    """The files of a release's zip, by name; ``claims``: the rows of ``claims.csv`` when known;
    ``official``: ``official.csv`` as a release with the same reference data wrote it."""
    release_iri = f"{info.get('base_iri', '')}id/release/{info['release_id']}"
    article_sources = [s.get("url") or s["iri"] for s in info.get("sources", [])]
    metadata = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "dc:title": f"DTI-KG release {info['release_id']}",
        "tables": [
            table_metadata(
                "claims.csv",
                CLAIM_COLUMNS,
                title="Claims of news articles about provincial DTI results",
                release=info["release_id"],
                release_iri=release_iri,
                sources=article_sources,
                context=False,  # one context for the group
            ),
            table_metadata(
                "official.csv",
                OFFICIAL_COLUMNS,
                title="Official provincial DTI ranks and scores",
                release=info["release_id"],
                release_iri=release_iri,
                context=False,
            ),
        ],
    }
    return {
        "README.md": _readme(info).encode("utf-8"),
        CLAIMS_TABLE: write_csv(
            [c.name for c in CLAIM_COLUMNS], claim_rows(opened) if claims is None else claims
        ).encode("utf-8"),
        OFFICIAL_TABLE: official
        if official is not None
        else _table(opened, OFFICIAL_QUERY, OFFICIAL_COLUMNS).encode("utf-8"),
        METADATA_NAME: (json.dumps(metadata, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(),
    }


def write_release_zip(path: Path, files: Mapping[str, bytes]) -> None:
    """A zip whose bytes depend only on ``files``."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            entry.external_attr = 0o100644 << 16
            entry.create_system = 3  # unix, whatever the building machine
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, files[name], compresslevel=9)
    tmp.replace(path)
