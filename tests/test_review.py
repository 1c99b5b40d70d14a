"""Uncertain attributions are kept for review, never served as claims, and a person's decisions are
loaded in the next build with their author and date in PROV (issue 7).

Real files, the real extractor, the real gate, a real on-disk store and the real ``dti`` command.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from dti_kg import store
from dti_kg.iri import Minter
from dti_kg.loaders.extract import extract_path
from dti_kg.namespaces import DCTERMS
from dti_kg.namespaces import DTI as DTI_NS
from dti_kg.query import run_select
from dti_kg.review import _accepted_claim

DTI = str(Path(sys.executable).parent / "dti")
# Vietnam News on the 2024 rankings: "… was fourth with 0.7770 points" follows a sentence naming four units.
ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "unseen" / "en_vietnamnews_2024_cohorts.txt"
SOURCE_ID_QUERY = "SELECT ?c WHERE { ?c a dti:CandidateClaim ; dti:rank 4 }"


def dti(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DTI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def rows(link: Path, query: str) -> list[dict[str, str]]:
    solutions = run_select(store.open_read_only(link), query)
    names = [v.value for v in solutions.variables]
    return [{n: r[i].value for i, n in enumerate(names) if r[i] is not None} for r in solutions]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review")
    run = dti("build", "--articles", ARTICLE, "--store", "store", cwd=root)
    assert run.returncode == 0, run.stderr
    return root


def test_an_uncertain_value_becomes_a_candidate_with_its_reason_and_rivals() -> None:
    extraction = extract_path(ARTICLE)
    (rank,) = [c for c in extraction.candidates if c.measure == "rank"]
    assert rank.value == 4 and rank.edition == 2024
    assert "several provinces" in rank.reason
    assert {"ha-noi-2025", "hai-phong-2025", "hue-2025", "ho-chi-minh-2025"} <= set(rank.rivals)
    assert not any(c.measure == "rank" and c.value == 4 for c in extraction.claims), "never also a claim"


def test_extract_says_per_file_what_was_kept_sent_to_review_and_refused(tmp_path: Path) -> None:
    run = dti("extract", ARTICLE, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    # 12 kept: the 6 of loader 0.3, the 4 of "followed by Đà Nẵng (0.8335) and Hải Phòng (0.8253)" and
    # the 2 of en-extract ("… and Hải Phòng third", "… and 6th among the 63 former provinces").
    assert f"summary: {ARTICLE}: 12 kept, 2 sent to review, 0 refused" in run.stderr
    assert "review: " in run.stderr and "was fourth with 0.7770 points" in run.stderr


def test_candidates_sit_in_the_review_graph_and_no_claim_query_sees_them(built: Path) -> None:
    link = built / "store"
    found = rows(link, "SELECT ?g ?c WHERE { GRAPH ?g { ?c a dti:CandidateClaim } }")
    assert len(found) == 2 and {r["g"] for r in found} == {"https://w3id.org/dti-kg/id/graph/review"}
    assert not rows(
        link,
        "SELECT ?c WHERE { ?c a dti:Claim ; dti:rank 4 ; dti:edition/dti:year 2024 }",  # an integer year
    )
    listing = dti("review", "--store", "store", cwd=built)
    assert listing.returncode == 0 and "was fourth with 0.7770 points" in listing.stdout
    assert "(2 rows)" in listing.stdout


def test_decisions_are_loaded_with_author_and_date_in_prov(built: Path) -> None:
    template = dti("review", "--template", "--store", "store", cwd=built)
    table = list(csv.DictReader(io.StringIO(template.stdout)))
    assert len(table) == 2 and all(r["decision"] == "" for r in table)
    (rank_iri,) = [r["c"] for r in rows(built / "store", SOURCE_ID_QUERY)]
    other = next(r["candidate"] for r in table if r["candidate"] != rank_iri)
    decisions = built / "decisions.csv"
    decisions.write_text(
        "candidate,decision,province,author,date,comment\n"
        f"{rank_iri},accept,hai-phong-2025,Nguyễn Văn A,2026-11-30,checked against the table\n"
        f"{other},reject,,Nguyễn Văn A,2026-11-30,\n"
        "https://w3id.org/dti-kg/id/candidate/0000000000000000,accept,nowhere,B,2026-11-30,\n",
        encoding="utf-8",
    )
    run = dti("build", "--articles", ARTICLE, "--decisions", decisions, "--store", "store2", cwd=built)
    # The bad row is named with its line and rejected; the other two decisions are used.
    assert run.returncode == 1 and "decisions.csv:4: province 'nowhere'" in run.stderr, run.stderr
    (claim,) = rows(
        built / "store2",
        """SELECT ?c ?p ?who ?when ?verdict WHERE {
             ?c a dti:Claim ; dti:province ?p ; dti:rank 4 ; dti:provinceBasis dti:ProvinceChosenByReviewer ;
                prov:wasGeneratedBy ?d .
             ?d a dti:ReviewDecision ; dti:decidedOn ?cand ; dti:verdict ?verdict ;
                prov:wasAssociatedWith/rdfs:label ?who ; prov:endedAtTime ?when }""",
    )
    assert claim["p"].endswith("/province/hai-phong-2025")
    assert claim["who"] == "Nguyễn Văn A" and claim["when"].startswith("2026-11-30")
    verdicts = rows(built / "store2", "SELECT ?c ?v WHERE { ?c dti:reviewDecision/dti:verdict ?v }")
    assert sorted(v["v"].rsplit("#", 1)[-1] for v in verdicts) == ["Accepted", "Rejected"]
    # The accepted claim is reconciled with the official tables like any other.
    assert rows(
        built / "store2",
        "SELECT ?s WHERE { ?r dti:claim ?c ; dti:status ?s . "
        "?c dti:provinceBasis dti:ProvinceChosenByReviewer }",
    )


def test_a_decisions_file_with_a_wrong_header_is_one_clear_error(built: Path) -> None:
    bad = built / "bad.csv"
    bad.write_text("iri,verdict\nx,accept\n", encoding="utf-8")
    run = dti("build", "--articles", ARTICLE, "--decisions", bad, "--store", "store3", cwd=built)
    assert run.returncode == 1
    assert "bad.csv: the header must be candidate,decision,province,author,date,comment" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_accepted_candidate_without_a_measure_type_leaves_the_gate_to_say_so() -> None:
    # Regression (found by mypy): with no qb:measureType, objects(candidate, None) copied every object
    # of the candidate under a None predicate, which rdflib refuses with an AssertionError.
    minter = Minter("https://w3id.org/dti-kg/")
    candidate = URIRef("https://w3id.org/dti-kg/id/candidate/x")
    review = Graph()
    review.add((candidate, DCTERMS.source, minter.source("a")))
    review.add((candidate, DTI_NS.rank, Literal(8)))
    graph = Graph()
    _accepted_claim(graph, review, candidate, URIRef("urn:decision"), "thai-nguyen", minter)
    claim = minter.claim(str(candidate), "accepted", "thai-nguyen")
    assert (claim, DTI_NS.rank, None) not in graph and (claim, DTI_NS.province, None) in graph
