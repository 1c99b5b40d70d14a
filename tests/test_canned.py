"""Canned queries: headers, typed parameters written as escaped terms, and every query run on a real store."""

from __future__ import annotations

import csv
import io

import pyoxigraph
import pytest
from server_helpers import app_over

from dti_kg.errors import DtiError
from dti_kg.server import canned
from dti_kg.server.bindings import inline
from dti_kg.server.canned import Param, canned_queries, parse_query, validate
from dti_kg.server.errors import QueryRejected
from dti_kg.server.known import KNOWN_KEY, closest

BASE = "https://w3id.org/dti-kg/"
ID = BASE + "id/"

# Arguments that make every canned query return rows on tests/fixtures/server/sample.trig.
SAMPLE_ARGS = {
    "province-trajectory": {"province": "province/thai-nguyen"},
    "edition-top": {"year": "2021"},
    "pillar-comparison": {"year": "2021", "a": "province/thai-nguyen", "b": ID + "province/da-nang"},
    "claims-about": {"province": ID + "province/thai-nguyen", "year": "2021"},
    "disagreeing-claims": {},
    "agency-editions": {},
    "unit-history": {"unit": "id/province/thai-nguyen-2025"},
    "audit-trail": {"claim": "claim/a000000000000001"},
    "conflicts": {},
    "unverifiable-claims": {},
    "unit-predecessors-scores": {"unit": "province/thai-nguyen-2025"},
    "review-candidates": {},
}


def test_the_required_queries_ship_with_complete_headers() -> None:
    queries = canned_queries()
    assert set(SAMPLE_ARGS) <= set(queries), "a required canned query is missing"
    for q in queries.values():
        assert q.title and q.description and q.columns, q.name
        assert {p.name for p in q.params} <= set(q.columns), q.name


def test_every_canned_query_runs_and_returns_its_declared_columns(pages_client) -> None:
    for name, query in canned_queries().items():
        response = pages_client.get(f"/queries/{name}", query_string={**SAMPLE_ARGS[name], "format": "srj"})
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        assert response.mimetype == "application/sparql-results+json"
        data = response.get_json()
        assert data["head"]["vars"] == list(query.columns), name
        assert data["results"]["bindings"], f"{name} returned no rows on the sample store"
        records = pages_client.get(f"/queries/{name}.json", query_string=SAMPLE_ARGS[name]).get_json()
        assert len(records) == len(data["results"]["bindings"])
        assert all(list(r) == list(query.columns) for r in records), name


def test_edition_top_orders_by_rank_and_binds_the_year(pages_client) -> None:
    response = pages_client.get("/queries/edition-top", query_string={"year": "2021", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["rank"], r["province"].rsplit("/", 1)[-1]) for r in rows] == [
        ("1", "da-nang"),
        ("8", "thai-nguyen"),
    ], "bac-kan (rank 40) is beyond the default limit of 10"
    wider = pages_client.get(
        "/queries/edition-top", query_string={"year": "2021", "limit": "50", "format": "json"}
    )
    assert len(wider.get_json()) == 3


def test_disagreeing_claims_finds_the_8_versus_9_pair(pages_client) -> None:
    rows = pages_client.get("/queries/disagreeing-claims.json").get_json()
    assert {(r["rank_a"], r["rank_b"], r["cohort"]) for r in rows} == {(8, 9, 63)}


def test_trajectory_includes_the_successor_unit_and_comparability_notes(pages_client) -> None:
    rows = pages_client.get(
        "/queries/province-trajectory", query_string={"province": "province/thai-nguyen", "format": "json"}
    ).get_json()
    units = {r["unit"].rsplit("/", 1)[-1] for r in rows}
    assert units == {"thai-nguyen", "thai-nguyen-2025"}
    notes = {r["year"]: r["note"] for r in rows if r["note"]}
    assert "9 main indices" in notes[2021]
    assert 2020 not in notes
    columns = ("unit", "year", "indicator", "measure", "rank", "score", "rank_change", "origin")
    keys = [tuple(r[c] for c in columns) for r in rows]
    assert len(keys) == len(set(keys)), "one row per value, however many sources state it"
    assert all(r["sources"] >= 1 for r in rows if r["origin"] == "claim")


def test_a_format_extension_is_the_format_parameter(pages_client) -> None:
    by_extension = pages_client.get("/queries/agency-editions.csv")
    by_parameter = pages_client.get("/queries/agency-editions?format=csv")
    assert by_extension.status_code == 200 and by_extension.mimetype == "text/csv"
    assert by_extension.data == by_parameter.data
    assert pages_client.get("/queries/agency-editions.json").get_json()
    assert pages_client.get("/queries/agency-editions.xls").status_code == 404


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        ({"year": "2019"}, "year"),
        ({"year": "twenty"}, "year"),
        ({"year": "2021", "limit": "-1"}, "limit"),
        ({"year": "2021", "cohort": "63 } ; DROP ALL"}, "cohort"),
    ],
)
def test_bad_or_missing_parameters_give_400_naming_them(pages_client, args, parameter) -> None:
    response = pages_client.get(
        "/queries/edition-top", query_string=args, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert parameter in error["detail"]


def test_an_iri_parameter_cannot_break_out_of_the_query(pages_client) -> None:
    response = pages_client.get(
        "/queries/claims-about",
        query_string={"province": "x> ?p ?o } #", "year": "2021"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == "province"


@pytest.mark.parametrize(
    ("value", "suggested"),
    [
        ("thai-nguyen", ID + "province/thai-nguyen"),  # the kind left out
        ("province/Thai-Nguyen", ID + "province/thai-nguyen"),  # wrong case
        ("province/thai-nguyen-2026", ID + "province/thai-nguyen-2025"),
        ("https://example.org/a?b=c#d", None),
    ],
)
def test_an_iri_that_names_nothing_is_a_400_with_the_closest_iris(pages_client, value, suggested) -> None:
    response = pages_client.get(
        "/queries/claims-about",
        query_string={"province": value, "year": "2021", "format": "csv"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["parameter"] == "province"
    assert "names nothing in the graph" in error["detail"] and "\n" not in error["detail"]
    if suggested:
        assert f"did you mean {suggested}" in error["detail"]


def test_a_known_iri_in_any_accepted_form_runs(pages_client) -> None:
    for value in ("province/thai-nguyen", "id/province/thai-nguyen", ID + "province/thai-nguyen"):
        response = pages_client.get(
            "/queries/claims-about", query_string={"province": value, "year": "2021", "format": "json"}
        )
        assert response.status_code == 200 and response.get_json(), value


def test_values_are_written_as_escaped_terms_at_the_head_of_the_outer_where() -> None:
    query = (
        "# WHERE { in a comment\nSELECT ?a ?s WHERE { ?a ?p ?s OPTIONAL { SELECT ?x WHERE { ?x ?q ?r } } }"
    )
    query = query.replace("?r } } }", "?r }\n} }")
    text = inline(query, {"s": ("literal", 'x" } DROP ALL {\n', None, None), "a": ("iri", ID + "a")})
    assert text.startswith("# WHERE { in a comment\nSELECT ?a ?s WHERE {\n  VALUES (?a ?s) {")
    assert f'(<{ID}a> "x\\" }} DROP ALL {{\\n")' in text
    assert pyoxigraph.Store().query(text, use_default_graph_as_union=True).variables  # it parses
    assert inline(query, {}) == query
    for bad in ({"s": ("iri", "x> ?p ?o } #")}, {"s p": ("iri", ID)}, {"s": ("blank", "b")}):
        with pytest.raises(ValueError):
            inline(query, bad)


def test_closest_prefers_the_same_last_segment() -> None:
    known = frozenset({ID + "province/thai-nguyen", ID + "province/thai-binh", ID + "edition/2021"})
    assert closest(ID + "thai-nguyen", known)[0] == ID + "province/thai-nguyen"
    assert closest(ID + "PROVINCE/THAI-NGUYEN", known)[0] == ID + "province/thai-nguyen"
    assert closest("https://example.org/zzz", known) == []


def test_validate_types() -> None:
    iri_param = Param("p", "iri", True)
    assert validate(iri_param, "province/hue-2025", base=BASE) == ("iri", ID + "province/hue-2025")
    assert validate(
        iri_param, "http://127.0.0.1:8000/id/edition/2021", base=BASE, host_root="http://127.0.0.1:8000/"
    ) == (
        "iri",
        ID + "edition/2021",
    )
    assert validate(iri_param, "https://schema.org/name", base=BASE) == ("iri", "https://schema.org/name")
    for bad in ("javascript:alert(1)", "ftp://x/y", "a b", "<x>"):
        with pytest.raises(QueryRejected, match="'p'"):
            validate(iri_param, bad, base=BASE)
    year = validate(Param("y", "year", True), "2024", base=BASE)
    assert year == ("literal", "2024", "http://www.w3.org/2001/XMLSchema#integer", None)  # as dti:year
    text = validate(Param("s", "string", True), 'x" } DROP ALL {', base=BASE)
    assert text == ("literal", 'x" } DROP ALL {', None, None)


def test_query_list_in_html_and_json(pages_client) -> None:
    listing = pages_client.get("/queries.json").get_json()["queries"]
    assert [q["name"] for q in listing] == sorted(canned_queries())
    trajectory = next(q for q in listing if q["name"] == "province-trajectory")
    assert trajectory["parameters"][0]["name"] == "province" and trajectory["parameters"][0]["required"]
    page = pages_client.get("/queries", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Province trajectory" in page and 'name="province"' in page
    assert pages_client.get("/queries", headers={"Accept": "application/json"}).is_json


def test_html_result_table_escapes_and_offers_downloads(pages_client) -> None:
    page = pages_client.get(
        "/queries/claims-about",
        query_string={"province": "province/thai-nguyen", "year": "2021"},
        headers={"Accept": "text/html"},
    ).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert "format=csv" in page and "format=json" in page


def test_an_html_answer_shows_its_first_rows_and_sends_to_the_downloads_for_all(
    sample_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: at 10,000 articles audit-trail's page held all 10,000 rows: 13 MB, 5-9 s to write on
    # every request (too large for the response cache to keep). The downloads still give every row.
    args = {"province": ID + "province/thai-nguyen", "year": "2021"}
    with app_over(sample_store, RESPONSE_CACHE_MB=0) as app:
        client = app.test_client()
        rows = list(
            csv.DictReader(io.StringIO(client.get("/queries/claims-about.csv", query_string=args).text))
        )
        assert len(rows) >= 3
        whole = client.get("/queries/claims-about.html", query_string=args).get_data(as_text=True)
        monkeypatch.setattr(canned, "HTML_ROWS", 2)
        cut = client.get("/queries/claims-about.html", query_string=args).get_data(as_text=True)
    assert whole.count("<tr>") == len(rows) + 1 and "this page shows the first" not in whole
    assert cut.count("<tr>") == 2 + 1
    assert (
        f"{len(rows)} dòng" in cut
        and "this page shows the first 2: download CSV or JSON for all of them" in cut
    )


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("# description: no title\n# columns: a\nSELECT ?a {}", "lacks title"),
        ("# title: t\n# param: x color required\n# columns: x\nSELECT ?x {}", "TYPE one of"),
        ("# title: t\n# param: x iri required\n# columns: y\nSELECT ?y {}", "must be a column"),
        ("# title: t\n# param: y year optional default=1999\n# columns: y\nSELECT ?y {}", "edition year"),
    ],
)
def test_malformed_headers_are_errors_naming_the_file(header: str, problem: str) -> None:
    with pytest.raises((DtiError, QueryRejected), match=problem) as info:
        parse_query("broken", header)
    assert "broken" in str(info.value) or problem == "edition year"


def test_a_parameter_is_checked_by_an_ask_not_by_reading_every_known_iri(sample_store) -> None:
    """Regression: reading every typed subject took 25 s at 1,000 articles under load, past the
    deadline, so every canned query with an IRI parameter answered 503."""
    with app_over(sample_store, MAX_ROWS=5) as app:
        client = app.test_client()
        good = client.get("/queries/claims-about.csv?province=province/thai-nguyen&year=2021")
        assert good.status_code == 200 and len(good.text.splitlines()) > 1
        assert KNOWN_KEY not in app.extensions  # a good parameter read no list of IRIs
        bad = client.get("/queries/claims-about?province=province/nowhere&year=2021&format=json")
        assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == "province"
        assert len(app.extensions[KNOWN_KEY].iris) <= 5  # read for the hints only, cut at MAX_ROWS


@pytest.mark.parametrize(
    ("args", "advice"),
    [
        ({}, "narrow it with claim=, province=, year= (see /queries/audit-trail.rq)"),
        ({"province": "province/thai-nguyen"}, "narrow it with claim=, year= (see /queries/audit-trail.rq)"),
        (
            {"claim": "claim/a000000000000001", "province": "province/thai-nguyen", "year": "2021"},
            "retry later",
        ),
    ],
)
def test_a_canned_query_past_the_deadline_says_which_parameters_narrow_it(sample_store, args, advice) -> None:
    # Regression: a canned query past QUERY_TIMEOUT answered the /sparql advice "add LIMIT, narrow the
    # patterns", which its reader cannot follow (at 10,000 articles the whole-graph audit-trail takes
    # 88 s). A 1 ms deadline: no query through a worker's pipe answers in less.
    with app_over(sample_store, QUERY_TIMEOUT=0.001, RESPONSE_CACHE_MB=0) as app:
        response = app.test_client().get("/queries/audit-trail.json", query_string=args)
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    detail = response.get_json()["error"]["detail"]
    assert detail.startswith("the canned query 'audit-trail' did not finish within 0.001 s and was stopped; ")
    assert advice in detail and "claims.csv, /releases" in detail
    assert "LIMIT" not in detail
