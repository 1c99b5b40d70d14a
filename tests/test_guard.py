"""The query guard measures raw text before pyoxigraph sees it."""

from __future__ import annotations

import pytest

from dti_kg.server import guard
from dti_kg.server.errors import QueryRejected, UpdateRefused
from dti_kg.server.settings import DEFAULTS

LIMITS = guard.Limits.from_settings(DEFAULTS)


def reject(query: str, limits: guard.Limits = LIMITS, **kwargs: bool) -> QueryRejected:
    with pytest.raises(QueryRejected) as info:
        guard.check(query, limits, **kwargs)
    return info.value


def test_an_ordinary_query_passes_and_is_measured() -> None:
    query = """PREFIX dti: <https://w3id.org/dti-kg/def#>
    SELECT ?p ?r WHERE { ?o dti:province ?p ; dti:rank ?r . ?p a dti:Province , dti:PreMergerProvince }
    ORDER BY ?r"""
    report = guard.check(query, LIMITS)
    assert report.form == "SELECT"
    assert report.depth == 1
    assert report.triple_patterns == 3
    assert report.unions == 0


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX ex: <http://e/> CONSTRUCT WHERE { ?s ex:p ?o }", "CONSTRUCT"),
        ("ask {}", "ASK"),
        ("BASE <http://e/> DESCRIBE <x>", "DESCRIBE"),
        ("# SELECT\n ASK {}", "ASK"),
    ],
)
def test_query_form(query: str, form: str) -> None:
    assert guard.check(query, LIMITS).form == form


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "delete where { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "CREATE GRAPH <urn:g>",
        "ADD DEFAULT TO <urn:g>",
        "MOVE <urn:a> TO <urn:b>",
        "COPY <urn:a> TO <urn:b>",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ],
)
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(UpdateRefused, match="read-only"):
        guard.check(query, LIMITS)


def test_service_is_refused_in_any_case() -> None:
    assert "SERVICE" in reject("SELECT * { service <http://evil.example/sparql> { ?s ?p ?o } }").detail


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "INSERT DATA and SERVICE" }',
        "SELECT * { ?s ?p '''multi\nline DELETE''' }",
        "SELECT * { <http://e/service/drop> ?p ?o }",
        "SELECT * { ?s ?p ?o } # DROP ALL; SERVICE <x>",
        "PREFIX load: <http://e/> SELECT * { ?s load:insert ?delete }",
        "SELECT ?service ?with { ?service ?with ?o }",
        'SELECT * { ?s ?p "say \\"delete\\"" }',
        "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    ],
)
def test_keywords_in_strings_iris_comments_and_names_are_allowed(query: str) -> None:
    guard.check(query, LIMITS)


def test_deep_nesting_is_rejected() -> None:
    assert "nests" in reject("SELECT * " + "{" * 2200 + "}" * 2200).detail
    assert "nests" in reject("ASK { FILTER(" + "(" * 100 + "1" + ")" * 100 + ") }").detail
    guard.check("SELECT * " + "{" * 30 + "}" * 30, LIMITS)


def test_braces_inside_strings_do_not_count() -> None:
    assert guard.check('SELECT * { ?s ?p "' + "{" * 500 + '" }', LIMITS).depth == 1


def test_prefix_operator_chains_are_rejected() -> None:
    assert "prefix operators" in reject("ASK { FILTER(" + "!" * 100 + "true) }").detail


def test_many_triple_patterns_are_rejected() -> None:
    many = "SELECT * { " + " . ".join(f"?s <urn:p{i}> ?o{i}" for i in range(500)) + " }"
    assert "triple patterns" in reject(many).detail
    values = "SELECT * { VALUES ?x { " + " ".join(f"<urn:{i}>" for i in range(2000)) + " } }"
    guard.check(values, LIMITS)  # separators are counted, not terms


def test_function_arguments_are_not_triple_patterns() -> None:
    query = "SELECT * { ?s ?p ?o FILTER(?o IN (" + ", ".join(str(i) for i in range(1000)) + ")) }"
    assert guard.check(query, LIMITS).triple_patterns == 0


def test_long_property_paths_are_rejected() -> None:
    path = "/".join(["<urn:p>"] * 1000)
    assert "property path" in reject(f"SELECT * {{ ?s {path} ?o }}").detail
    alternatives = "|".join(f"<urn:p{i}>" for i in range(50))
    assert "property path" in reject(f"SELECT * {{ ?s ({alternatives})+ ?o }}").detail
    short = "SELECT * { ?s <urn:a>/^<urn:b>/(<urn:c>|<urn:d>)* ?o }"
    assert guard.check(short, LIMITS).path_length == 4


def test_division_chains_of_variables_are_not_paths() -> None:
    query = "SELECT (" + " / ".join(f"?v{i}" for i in range(100)) + " AS ?x) { }"
    guard.check(query, LIMITS)


def test_many_unions_are_rejected() -> None:
    unions = "SELECT * { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(200)) + " }"
    assert "UNION" in reject(unions).detail


def test_size_limit_is_413_in_a_body_and_414_in_a_url() -> None:
    big = "SELECT * { ?s ?p ?o } #" + "x" * LIMITS.max_query_bytes
    assert reject(big).status == 413
    assert reject(big, in_url=True).status == 414
    assert reject(big).parameter == "query"


def test_size_counts_utf8_bytes() -> None:
    limits = guard.Limits(
        max_query_bytes=40,
        max_depth=10,
        max_triple_patterns=10,
        max_path_length=5,
        max_unions=5,
        max_operators=5,
        max_list_items=5,
    )
    guard.check('ASK { ?s ?p "abc" }', limits)
    assert reject('ASK { ?s ?p "Thái Nguyên Đà Nẵng" }', limits).status == 413
