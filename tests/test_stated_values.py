"""Disagreements recorded linearly: a reconciliation ``dti:conflictsWithValue`` a shared
``dti:StatedValue`` that ``dti:statedBy`` each claim stating it.

"claim i conflicts with claim j" must stay exactly what :func:`dti_kg.reconcile.conflicts` says: checked
with a SPARQL join over real built stores (the seed corpus and a generated one with disagreeing
articles), against the pairwise definition (``_same_subject``, like with like, ``_same_value``), and on
hand-made claims for the edge cases (non-transitive score precision, two cohorts of 2024).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from dti_kg import store
from dti_kg.build import build_store
from dti_kg.graph import claims_from_graph
from dti_kg.iri import Minter
from dti_kg.loaders.official import OfficialData, load_official
from dti_kg.reconcile import (
    Result,
    _Claim,
    _parse_claim,
    _possible_cohorts,
    _same_value,
    conflicts,
    reconcile,
    reconciliation_triples,
)
from dti_kg.serialize import as_quads
from dti_kg.source_entries import RECONCILE_FIELDS


def _same_subject(a: _Claim, b: _Claim) -> bool:
    """The pairwise definition reconcile() replaced (the oracle here): same province, edition,
    indicator, measure and comparison, in compatible cohorts. Within a slot the cohort test is implied
    by like with like (a stated cohort is the claim's only possible one), so reconcile() compares keys."""
    province_a = a.unit.slug if a.unit else None
    province_b = b.unit.slug if b.unit else None
    return (
        province_a is not None
        and province_a == province_b
        and (a.edition, a.indicator, a.measure, a.compared_to)
        == (b.edition, b.indicator, b.measure, b.compared_to)
        and (a.cohort is None or b.cohort is None or a.cohort == b.cohort)
    )


ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/dti-kg/"
# benchmarks.corpus's articles, by number, about two provinces in turn (the benchmarks package is run
# from the checkout, as its README does, not installed).
WRITE_ARTICLES = """
import sys
from pathlib import Path
from benchmarks.corpus import article, seed_texts
seeds = seed_texts(Path(sys.argv[1]))
for k, number in enumerate([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 20, 21, 30, 40]):
    province = ("Thái Nguyên", "Bến Tre")[k % 2]
    Path(sys.argv[2], f"a{k:02}.txt").write_text(article(seeds[k % len(seeds)], number, province), "utf-8")
"""
DTI = "https://w3id.org/dti-kg/def#"
JOIN = f"""
SELECT ?claim ?other WHERE {{
  ?rec a <{DTI}Reconciliation> ; <{DTI}claim> ?claim ; <{DTI}conflictsWithValue> ?value .
  ?value a <{DTI}StatedValue> ; <{DTI}statedBy> ?other .
}}
"""


@pytest.fixture(scope="module")
def official() -> OfficialData:
    return load_official()


def _joined(opened: pyoxigraph.Store) -> set[tuple[str, str]]:
    """(claim, other) for every claim whose reconciliation conflicts with a value ``other`` states."""
    rows = opened.query(JOIN, use_default_graph_as_union=True)
    return {(row["claim"].value, row["other"].value) for row in rows}  # type: ignore[union-attr]


def _directed(results: list[Result]) -> set[tuple[str, str]]:
    return {(r.claim["iri"], results[j].claim["iri"]) for r in results for j in r.conflicts}


def _pairwise(claims: list[dict[str, Any]], results: list[Result]) -> set[tuple[int, int]]:
    """The definition, pair by pair: same subject, like with like, and another value."""
    parsed = [_parse_claim(c, i) for i, c in enumerate(claims)]
    possible = [
        _possible_cohorts(p, r.matched if r.status == "confirmed" else ())
        for p, r in zip(parsed, results, strict=True)
    ]

    def like(i: int, j: int) -> bool:
        a, b = possible[i], possible[j]
        return a is None or b is None or bool(a & b)

    return {
        (i, j)
        for i, a in enumerate(parsed)
        for j, b in enumerate(parsed)
        if _same_subject(a, b) and like(i, j) and not _same_value(a, b)
    }


def _records_of(link: Path) -> list[dict[str, Any]]:
    """The claim records a build reconciled: those of each served source graph, as the build read them
    (source_entries.make_entry)."""
    opened = pyoxigraph.Store.read_only(str(store.current_build_dir(link) / store.OXIGRAPH_DIR))
    records = []
    for name in opened.named_graphs():
        if name.value.endswith(("/reconciliation", "/review", "/validation")):
            continue  # the graphs every source feeds: no claims of their own
        graph = Graph().parse(
            data=opened.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=name), format="nt"
        )
        records += [{k: r.get(k) for k in RECONCILE_FIELDS} for r in claims_from_graph(graph)]
    return records


def _check_store(link: Path, official: OfficialData) -> set[tuple[str, str]]:
    claims = _records_of(link)
    results = reconcile(claims, official)
    opened = pyoxigraph.Store.read_only(str(store.current_build_dir(link) / store.OXIGRAPH_DIR))
    joined = _joined(opened)
    assert joined == _directed(results)
    undirected = {tuple(sorted((claims[i]["iri"], claims[j]["iri"]))) for i, j in conflicts(results)}
    assert {tuple(sorted(pair)) for pair in joined} == undirected
    assert {(i, j) for r in results for j in r.conflicts for i in [r.index]} == _pairwise(claims, results)
    return joined


def test_the_join_is_the_conflicts_of_the_seed_build(seed_store: Path, official: OfficialData) -> None:
    assert _check_store(seed_store, official) == set(), "no two seed articles disagree"


def test_the_join_is_the_conflicts_of_a_generated_corpus(
    tmp_path: Path, corpus_dir: Path, official: OfficialData
) -> None:
    """benchmarks.corpus articles about two provinces; those numbered 10, 20, ... shift every N/63 rank
    by their number, so the slots hold several values, stated by several sources each."""
    folder = tmp_path / "articles"
    folder.mkdir()
    command = [sys.executable, "-c", WRITE_ARTICLES, str(corpus_dir), str(folder)]
    subprocess.run(command, cwd=ROOT, check=True, timeout=60)
    result = build_store(tmp_path / "store", [folder])
    assert result.ok
    joined = _check_store(tmp_path / "store", official)
    assert len(joined) > 20, "the corpus has disagreeing claims"
    nodes = pyoxigraph.Store.read_only(str(result.build_dir / store.OXIGRAPH_DIR)).query(
        f"SELECT ?v (COUNT(?c) AS ?n) WHERE {{ ?v <{DTI}statedBy> ?c }} GROUP BY ?v",
        use_default_graph_as_union=True,
    )
    counts = [int(row["n"].value) for row in nodes]  # type: ignore[union-attr]
    assert max(counts) > 1, "a value stated by several sources is one node"


def _claim(value: Any, source: str, **fields: Any) -> dict[str, Any]:
    claim = {
        "source": source,
        "province": "Thái Nguyên",
        "edition": 2021,
        "indicator": "digital_government",
        "measure": "score",
        "value": value,
        **fields,
    }
    return {**claim, "iri": f"{BASE}id/claim/{source}"}


def _graph(claims: list[dict[str, Any]], official: OfficialData) -> tuple[list[Result], pyoxigraph.Store]:
    results = reconcile(claims, official)
    minter = Minter(BASE)
    opened = pyoxigraph.Store()
    graph = pyoxigraph.NamedNode(str(minter.graph("reconciliation")))
    opened.extend(as_quads(reconciliation_triples(results, minter), graph))
    return results, opened


def _values(opened: pyoxigraph.Store) -> dict[str, set[str]]:
    rows = opened.query(f"SELECT ?v ?c WHERE {{ ?v <{DTI}statedBy> ?c }}", use_default_graph_as_union=True)
    found: dict[str, set[str]] = {}
    for row in rows:  # type: ignore[union-attr]
        found.setdefault(row["v"].value.removeprefix(BASE + "id/"), set()).add(
            row["c"].value.rsplit("/", 1)[-1]
        )
    return found


def test_score_precision_is_not_transitive(official: OfficialData) -> None:
    """0.32 agrees with 0.3215 and with 0.3249 (equal at two places); 0.3215 and 0.3249 disagree. So
    the 0.32 is a value nobody disagrees with (no node), and each of the others conflicts with the
    other's node only. (The official score is 0.5496: all three are contradicted, no cohort known.)"""
    claims = [_claim("0.32", "rough"), _claim("0.3215", "exact"), _claim("0.3249", "other")]
    results, opened = _graph(claims, official)
    assert [r.conflicts for r in results] == [(), (2,), (1,)]
    assert [r.corroborating_sources for r in results] == [
        ("exact", "other", "rough"),
        ("exact", "rough"),
        ("other", "rough"),
    ]
    assert _values(opened) == {
        "stated-value/2021/thai-nguyen/digital-government/score/0.3215": {"exact"},
        "stated-value/2021/thai-nguyen/digital-government/score/0.3249": {"other"},
    }
    assert _joined(opened) == _directed(results)


def test_a_score_printed_with_trailing_zeros_disagrees_both_ways(official: OfficialData) -> None:
    """Regression: a JSON number keeps 0.32 of a quoted "0.3200", and ``_same_value`` read the other
    side at the JSON number's two places: 0.3200 disagreed with 0.3249, but 0.3249 not with it (a
    one-way conflict, which no shared value node can say). Both are read at their printed places now."""
    printed = _claim(0.32, "zeros", quote="điểm 0.3200")
    other = _claim("0.3249", "other")
    results, opened = _graph([printed, other], official)
    assert [r.conflicts for r in results] == [(1,), (0,)]
    assert set(_values(opened)) == {
        "stated-value/2021/thai-nguyen/digital-government/score/0.3200",
        "stated-value/2021/thai-nguyen/digital-government/score/0.3249",
    }
    assert _joined(opened) == _directed(results)


def test_two_cohorts_of_2024_both_confirmed_do_not_conflict(official: OfficialData) -> None:
    """Thái Nguyên, DTI 2024, no cohort stated: rank 6 (confirmed among the 63) and rank 8 (confirmed
    among the 34) are two true facts; a 10, true of neither, disagrees with both."""
    rank = {"indicator": "overall", "measure": "rank", "edition": 2024}
    sixth, eighth = _claim(6, "sixth", **rank), _claim(8, "eighth", **rank)
    results, opened = _graph([sixth, eighth], official)
    assert [r.status for r in results] == ["confirmed", "confirmed"]
    assert [r.conflicts for r in results] == [(), ()] and _values(opened) == {}
    results, opened = _graph([sixth, eighth, _claim(10, "tenth", **rank)], official)
    assert [r.conflicts for r in results] == [(2,), (2,), (0, 1)]
    assert _values(opened) == {
        "stated-value/2024/thai-nguyen/overall/rank/6-in-63": {"sixth"},
        "stated-value/2024/thai-nguyen/overall/rank/8-in-34": {"eighth"},
        "stated-value/2024/thai-nguyen/overall/rank/10": {"tenth"},
    }
    assert _joined(opened) == _directed(results)


def test_a_stated_value_carries_its_slot_and_counts_its_sources(official: OfficialData) -> None:
    """The rank-change slot names the comparison edition; two sources stating one value share a node."""
    change = {"indicator": "overall", "measure": "rank_change", "edition": 2024, "compared_to_edition": 2022}
    claims = [_claim(2, "right", **change), _claim(-2, "wrong", **change), _claim(-2, "again", **change)]
    results, opened = _graph(claims, official)
    assert [r.conflicts for r in results] == [(1, 2), (0,), (0,)]
    node = f"{BASE}id/stated-value/2024/thai-nguyen/overall/rank-change-since-2022/-2"
    rows = opened.query(
        f"SELECT ?p ?o WHERE {{ <{node}> ?p ?o }} ORDER BY ?p ?o", use_default_graph_as_union=True
    )
    found = {(row["p"].value.rsplit("#", 1)[-1], str(row["o"])) for row in rows}  # type: ignore[union-attr]
    assert found == {
        ("type", f"<{DTI}StatedValue>"),
        ("province", f"<{BASE}id/province/thai-nguyen>"),
        ("edition", f"<{BASE}id/edition/2024>"),
        ("indicator", f"<{BASE}id/indicator/overall>"),
        ("measureType", f"<{DTI}rankChange>"),
        ("rankChange", '"-2"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("comparedTo", f"<{BASE}id/edition/2022>"),
        ("statedBy", f"<{BASE}id/claim/wrong>"),
        ("statedBy", f"<{BASE}id/claim/again>"),
        ("sourceCount", '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    }


def test_a_stated_value_dereferences_like_any_iri(pages_client) -> None:
    """/id/… 303 to /doc/…, which answers HTML and Turtle naming the claims stating the value."""
    path = "stated-value/2021/thai-nguyen/overall/rank/8-in-63"
    seen = pages_client.get(f"/id/{path}")
    assert seen.status_code == 303 and seen.headers["Location"].endswith(f"/doc/{path}")
    turtle = pages_client.get(f"/doc/{path}", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    thing = f"{BASE}id/{path}"
    stated_by = {str(o) for o in graph.objects(URIRef(thing), URIRef(DTI + "statedBy"))}
    assert stated_by == {f"{BASE}id/claim/a000000000000001"}
    linked_from = {str(s) for s in graph.subjects(URIRef(DTI + "conflictsWithValue"), URIRef(thing))}
    assert linked_from == {f"{BASE}id/claim/b000000000000001/reconciliation"}
    html = pages_client.get(f"/doc/{path}", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "a000000000000001" in html.get_data(as_text=True)
