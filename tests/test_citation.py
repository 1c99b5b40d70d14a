"""Citing and reusing over a real `dti serve` of the seed corpus: Signposting headers read by the
`signposting` client, ClaimReview JSON-LD on every claim page, the canned queries' OpenAPI document
(checked with openapi-spec-validator) and their defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
import requests
import signposting
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from server_helpers import BASE, dti_serve

from dti_kg import releases, store
from dti_kg.query import run_query

SCHEMA = rdflib.Namespace("https://schema.org/")
VERDICT_QUERY = """
SELECT ?claim ?status WHERE {
  ?check a <https://w3id.org/dti-kg/def#Reconciliation> ; <https://w3id.org/dti-kg/def#claim> ?claim ;
         <https://w3id.org/dti-kg/def#status> ?status .
} ORDER BY ?claim
"""
_SCRIPT = re.compile(r'<script type="application/ld\+json">\n(.*?)\n</script>', re.S)


def _json_ld(text: str) -> rdflib.Graph:
    """JSON-LD through pyoxigraph's JSON-LD parser (rdflib's warns on import), as an rdflib Graph."""
    triples = pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.JSON_LD)
    nt = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")


@pytest.fixture(scope="module")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with dti_serve(seed_store, {"QUERY_WORKERS": 1, "QUERY_TIMEOUT": 30}, log) as (url, _):
        yield url


def test_the_signposting_client_finds_cite_as_and_the_rest(server: str, seed_store: Path) -> None:
    found = signposting.find_signposting_http(f"{server}/doc/province/thai-nguyen")
    assert found.citeAs is not None and str(found.citeAs.target) == BASE + "id/province/thai-nguyen"
    assert found.license is not None and "creativecommons.org/licenses/by/4.0" in str(found.license.target)
    described = {str(s.target) for s in found.describedBy}
    assert f"{server}/doc/province/thai-nguyen.ttl" in described
    release = releases.current_release(seed_store)
    assert release is not None
    assert {str(s.target) for s in found.items} == {f"{server}/releases/{release.release_id}/dti.zip"}
    ttl = requests.get(f"{server}/doc/province/thai-nguyen.ttl")
    assert 'rel="cite-as"' in ttl.headers["Link"], "RDF descriptions carry the signposts too"


def test_every_claim_page_carries_its_verdict_as_claim_review(server: str, seed_store: Path) -> None:
    verdicts = {
        row["claim"].value: row["status"].value.rsplit("#", 1)[-1]
        for row in run_query(store.open_read_only(seed_store), VERDICT_QUERY)
    }
    assert len(verdicts) == 27
    ratings = {"Confirmed": 5, "Contradicted": 1, "Unverifiable": None}
    for claim, verdict in verdicts.items():
        page = requests.get(f"{server}/doc/{claim[len(BASE) + 3 :]}", headers={"Accept": "text/html"})
        assert page.status_code == 200, claim
        (block,) = _SCRIPT.findall(page.text)
        g = _json_ld(block)
        (review,) = g.subjects(rdflib.RDF.type, SCHEMA.ClaimReview)
        assert g.value(review, SCHEMA.itemReviewed) == rdflib.URIRef(claim)
        rating = g.value(review, SCHEMA.reviewRating)
        assert str(g.value(rating, SCHEMA.alternateName)).startswith(verdict), claim
        value = g.value(rating, SCHEMA.ratingValue)
        assert (value.toPython() if value is not None else None) == ratings[verdict], claim
        assert str(g.value(review, SCHEMA.claimReviewed)).strip(), "the quote under review"
    assert set(verdicts.values()) >= {"Confirmed", "Unverifiable"}


def test_the_openapi_document_of_the_canned_queries_is_valid(server: str) -> None:
    document = requests.get(f"{server}/openapi.json").json()
    validate(document)  # raises on an invalid document
    queries = requests.get(f"{server}/queries.json").json()["queries"]
    assert set(document["paths"]) == {f"/queries/{q['name']}" for q in queries}
    top = {p["name"]: p for p in document["paths"]["/queries/edition-top"]["get"]["parameters"]}
    assert top["year"]["schema"] == {
        "type": "integer",
        "enum": [2020, 2021, 2022, 2023, 2024],
        "default": 2024,
    }
    assert top["cohort"]["schema"]["default"] == 63 and top["format"]["schema"]["enum"][0] == "html"
    broken = {**document, "paths": {"/queries/x": {"get": {"parameters": [{"name": "y"}]}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_a_canned_query_without_parameters_runs_on_its_defaults(server: str) -> None:
    document = requests.get(f"{server}/openapi.json").json()
    for path, item in document["paths"].items():
        defaults = {
            p["name"]: str(p["schema"]["default"])
            for p in item["get"]["parameters"]
            if "default" in p["schema"]
        }
        bare = requests.get(f"{server}{path}.csv")
        assert bare.status_code == 200, (path, bare.text)
        explicit = requests.get(f"{server}{path}.csv", params=defaults)
        assert bare.text == explicit.text, path
    trajectory = requests.get(f"{server}/queries/province-trajectory.csv").text
    assert "thai-nguyen" in trajectory and len(trajectory.splitlines()) > 5


def test_every_value_on_a_province_page_has_a_cite_link_that_cites_it(server: str, seed_store: Path) -> None:
    html = requests.get(f"{server}/doc/province/thai-nguyen", headers={"Accept": "text/html"}).text
    audits = re.findall(r'<a class="audit" href="/audit/([^"]+)"', html)
    cites = set(re.findall(r'<a class="cite" href="/cite/([^"]+)"', html))
    assert audits and set(audits) == cites, "every audited value can be cited"
    release = releases.current_release(seed_store)
    assert release is not None
    claim = next(path for path in audits if path.startswith("claim/"))
    cited = requests.get(f"{server}/cite/{claim}", headers={"Accept": "application/json"}).json()
    assert cited["iri"] == BASE + "id/" + claim and cited["release"] == release.release_id
    assert cited["quote"] and cited["quote"] in html and cited["source"].startswith(BASE + "id/source/")
    text = requests.get(f"{server}/cite/{claim}", headers={"Accept": "text/plain"}).text
    assert text.startswith(f"DTI-KG release {release.release_id}.") and cited["quote"] in text
    official = next(path for path in audits if path.startswith("observation/"))
    assert (
        "official table" in requests.get(f"{server}/cite/{official}", headers={"Accept": "text/plain"}).text
    )
    assert requests.get(f"{server}/cite/province/thai-nguyen").status_code == 404


@pytest.mark.parametrize(
    ("page", "at_least"),
    [("/doc/edition/2024", 63 + 34), ("/doc/indicator/overall", 63)],
)
def test_every_value_in_edition_and_indicator_tables_can_be_cited(
    server: str, page: str, at_least: int
) -> None:
    """Regression (issue 11): the edition and indicator tables showed values with no cite link."""
    html = requests.get(f"{server}{page}", headers={"Accept": "text/html"}).text
    cites = re.findall(r'<a class="cite" href="/cite/([^"]+)"', html)
    assert len(cites) >= at_least, (page, len(cites))
    observation = next(path for path in cites if path.startswith("observation/"))
    cited = requests.get(f"{server}/cite/{observation}", headers={"Accept": "application/json"})
    assert cited.status_code == 200 and cited.json()["iri"] == BASE + "id/" + observation
