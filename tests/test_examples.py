"""docs/examples.md: every ```sparql block runs over HTTP at /sparql on the bundled graph and gives the rows
shown under it; every canned-query URL in its code runs and has rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from conftest import REPO
from server_helpers import dti_serve

EXAMPLES = REPO / "docs" / "examples.md"
_BLOCK = re.compile(r"```sparql\n(.*?)```\n(.*?)(?=\n```|\n## |\Z)", re.DOTALL)
_COUNT = re.compile(r"^\((\d+) rows?(?:; the first (\d+) shown)?\)$", re.MULTILINE)
_CANNED_URL = re.compile(r'f"\{base\}(/queries/[^"]+)"')


@dataclass(frozen=True)
class Example:
    query: str
    header: list[str]
    rows: list[list[str]]
    count: int


def examples() -> list[Example]:
    found = []
    for match in _BLOCK.finditer(EXAMPLES.read_text(encoding="utf-8")):
        query, after = match.group(1), match.group(2)
        lines = [line for line in after.splitlines() if line.startswith("|")]
        cells = [[c.strip() for c in line.strip().strip("|").split(" | ")] for line in lines]
        count = _COUNT.search(after)
        assert cells and count, f"docs/examples.md: {query!r} needs a result table and a (N rows) line"
        found.append(Example(query, cells[0], cells[2:], int(count.group(1))))
    return found


EXAMPLE_LIST = examples()


@pytest.fixture(scope="module")
def server(bundled_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dti_serve(bundled_store, {"QUERY_TIMEOUT": "30"}, tmp_path_factory.mktemp("ex") / "log") as (url, _):
        yield url


def test_the_examples_are_there() -> None:
    assert len(EXAMPLE_LIST) >= 6


@pytest.mark.parametrize("example", EXAMPLE_LIST, ids=lambda e: e.query.split("WHERE")[0][:60])
def test_an_example_gives_the_rows_it_shows(server: str, example: Example) -> None:
    response = requests.post(
        server + "/sparql", data={"query": example.query}, headers={"Accept": "text/csv"}, timeout=60
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == example.header
    assert len(rows) - 1 == example.count
    assert rows[1 : 1 + len(example.rows)] == example.rows


def test_the_claims_example_keeps_every_source(server: str) -> None:
    """Regression: the README's example required schema:url and so kept one article of five."""
    claims = next(e for e in EXAMPLE_LIST if "?quote" in e.query and "dti:Claim" in e.query)
    response = requests.post(server + "/sparql", data={"query": claims.query, "format": "csv"}, timeout=60)
    files = {row["file"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8")))}
    assert len(files) == 3  # the three seed articles that mention Thái Nguyên, with a URL or not
    every = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?c a dti:Claim ; dti:province ?p ; dcterms:source ?s }"
    sources = requests.get(server + "/sparql", params={"query": every, "format": "csv"}, timeout=60)
    assert sources.text.split() == ["n", "5"]


def test_the_canned_urls_in_the_python_example_answer_rows(server: str) -> None:
    urls = _CANNED_URL.findall(EXAMPLES.read_text(encoding="utf-8"))
    assert len(urls) >= 3
    for url in urls:
        response = requests.get(server + url, timeout=60)
        assert response.status_code == 200, (url, response.text)
        assert len(response.text.strip().splitlines()) > 1 or response.json(), url


def test_the_cross_cohort_claim_is_neither_a_conflict_nor_a_disagreement(server: str) -> None:
    """Thái Nguyên, DTI 2024: a claim of rank 8 confirmed among the 34 units, where the 63-province table
    says 6 (derived): both true, so no canned query lists them against each other."""
    for name in ("conflicts", "disagreeing-claims"):
        assert requests.get(f"{server}/queries/{name}.json", timeout=60).json() == [], name
    claims = requests.get(
        f"{server}/queries/claims-about.json",
        params={"province": "province/thai-nguyen", "year": "2024"},
        timeout=60,
    ).json()
    assert [(r["indicator"], r["rank"]) for r in claims if r["measure"] == "rank"] == [("overall", 8)]


README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_sparql_blocks() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_every_sparql_example_in_the_readme_is_a_checked_example() -> None:
    """The README's SPARQL blocks are examples of docs/examples.md, whose rows the test above checks."""
    blocks = _readme_sparql_blocks()
    assert blocks
    checked = {e.query.strip() for e in EXAMPLE_LIST}
    for block in blocks:
        assert block.strip() in checked, f"README example not in docs/examples.md: {block[:80]!r}"


def test_the_readme_command_line_query_gives_thai_nguyens_official_ranks(server: str) -> None:
    """The `dti query "…"` of the README's command-line section, run over HTTP: one row per edition."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r'dti query "(SELECT .*?)" --store store', text, re.S)
    assert found, "the README shows a dti query example"
    query = " ".join(found.group(1).split())
    response = requests.post(server + "/sparql", data={"query": query, "format": "csv"}, timeout=60)
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows == [["year", "rank"], ["2021", "8"], ["2022", "8"], ["2023", "16"], ["2024", "6"]]
