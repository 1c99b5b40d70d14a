"""The canned queries rewritten for speed at 10,000 articles answer exactly as before.

``tests/fixtures/queries_before/NAME.rq`` is the text of each query before its rewrite (main at
abb4bcf). Each is run beside today's ``dti_kg/queries/NAME.rq`` on real built stores, for every
province, unit and year the store knows, and the two answers must be the same bytes: same rows, same
order as far as the ORDER BY goes, same columns (docs/query-performance.md says why the texts changed).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest

from dti_kg import store
from dti_kg.config import base_iri
from dti_kg.resources import query_files, read_text
from dti_kg.server.bindings import inline
from dti_kg.server.canned import bind, parse_query
from dti_kg.server.pages_common import PREFIX_LINES
from dti_kg.server.pages_province import PROVINCE_VALUES

REPO = Path(__file__).resolve().parent.parent
BEFORE = REPO / "tests" / "fixtures" / "queries_before"
REWRITTEN = sorted(p.stem for p in BEFORE.glob("*.rq"))
DTI = "https://w3id.org/dti-kg/def#"
YEARS = ("2020", "2021", "2022", "2023", "2024")


def _today(name: str) -> str:
    found = [f for f in query_files() if f.name == f"{name}.rq"]
    assert found, f"queries/{name}.rq is gone but tests/fixtures/queries_before/{name}.rq is still here"
    return read_text(found[0])


def _iris(db: pyoxigraph.Store, cls: str) -> list[str]:
    text = f"SELECT DISTINCT ?x WHERE {{ ?x a <{DTI}{cls}> }} ORDER BY ?x"
    rows = db.query(text, use_default_graph_as_union=True)
    return [row["x"].value for row in rows]


def _arguments(name: str, db: pyoxigraph.Store) -> Iterator[dict[str, str]]:
    """Every argument set worth asking on this store: each province (or unit) the graph names, with
    and without each edition year, plus the query's defaults."""
    query = parse_query(name, _today(name))
    params = {p.name for p in query.params}
    provinces = _iris(db, "Province")
    units = _iris(db, "PostMergerProvince")
    yield {}
    if "unit" in params:
        for unit in units:
            yield {"unit": unit}
            if "year" in params:
                yield from ({"unit": unit, "year": y} for y in YEARS)
    if "province" in params:
        for province in provinces:
            yield {"province": province}
            if "year" in params:
                yield from ({"province": province, "year": y} for y in YEARS)
    elif "a" in params:
        for a, b in zip(provinces, provinces[1:] + provinces[:1], strict=True):
            yield from ({"a": a, "b": b, "year": y} for y in YEARS)
    if "claim" in params:
        for claim in _iris(db, "Claim")[:40]:
            yield {"claim": claim}


def _answer(db: pyoxigraph.Store, name: str, text: str, args: dict[str, str]) -> bytes:
    query = parse_query(name, text)
    bound = inline(query.text, bind(query, args, base=base_iri()))
    result = db.query(bound, use_default_graph_as_union=True)
    return result.serialize(format=pyoxigraph.QueryResultsFormat.TSV)


def _order_keys(text: str) -> list[str]:
    """The variables of the query's ORDER BY, in order (``DESC(?x)`` gives ``x``)."""
    clause = text[text.rindex("ORDER BY") :].splitlines()[0]
    return re.findall(r"\?([A-Za-z_][A-Za-z0-9_]*)", clause)


def _same_answer(old: bytes, new: bytes, keys: list[str]) -> bool:
    """The same columns, the same rows, in the same order as far as ORDER BY orders them: rows that tie
    on every ORDER BY key may come in any order (SPARQL leaves it to the evaluation order)."""
    if old == new:
        return True
    old_lines, new_lines = old.decode().splitlines(), new.decode().splitlines()
    if old_lines[0] != new_lines[0] or sorted(old_lines) != sorted(new_lines):
        return False
    header = [c.removeprefix("?") for c in old_lines[0].split("\t")]
    at = [header.index(k) for k in keys]  # every ORDER BY key of a rewritten query is a column

    def key_sequence(lines: list[str]) -> list[tuple[str, ...]]:
        return [tuple(line.split("\t")[i] for i in at) for line in lines[1:]]

    return key_sequence(old_lines) == key_sequence(new_lines)


def _compare(link: Path, name: str) -> int:
    db = store.open_read_only(link)
    before = (BEFORE / f"{name}.rq").read_text(encoding="utf-8")
    after = _today(name)
    keys = _order_keys(before)
    assert keys == _order_keys(after), f"{name}: the rewrite changed the ORDER BY"
    rows = 0
    for args in _arguments(name, db):
        old = _answer(db, name, before, args)
        new = _answer(db, name, after, args)
        assert _same_answer(old, new, keys), f"{name} with {args} answers differently"
        rows += old.count(b"\n") - 1
    return rows


@pytest.fixture(scope="session")
def generated_store(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """Twelve generated articles (benchmarks/corpus.py): many claims per province, some disagreeing."""
    from dti_kg.build import build_store

    root = tmp_path_factory.mktemp("generated")
    # benchmarks/ is not a package of the install: run its corpus writer from the checkout.
    write = (
        "import sys, pathlib; from benchmarks.corpus import write_corpus; "
        "write_corpus(pathlib.Path(sys.argv[1]), 12)"
    )
    subprocess.run([sys.executable, "-c", write, str(root / "articles")], cwd=REPO, check=True)
    link = root / "store"
    result = build_store(link, [root / "articles"])
    assert result.ok, [o.as_json() for o in result.quarantined]
    return link


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_rewritten_query_answers_as_before_on_the_seed_build(seed_store: Path, name: str) -> None:
    _compare(seed_store, name)


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_rewritten_query_answers_as_before_on_the_server_sample(sample_store: Path, name: str) -> None:
    _compare(sample_store, name)


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_rewritten_query_answers_as_before_on_a_generated_corpus(generated_store: Path, name: str) -> None:
    _compare(generated_store, name)


def test_the_comparison_has_rows_to_compare(seed_store: Path, generated_store: Path) -> None:
    """A comparison of two empty answers proves nothing: the stores give the rewritten queries rows."""
    for name in REWRITTEN:
        if name != "review-candidates":  # no build of news articles has candidates; the sample does
            assert _compare(generated_store, name) > 0, f"{name} has no rows on the generated corpus"


def test_the_province_page_query_answers_as_before(
    seed_store: Path, sample_store: Path, generated_store: Path
) -> None:
    """The province page's values (pages_province.PROVINCE_VALUES), before and after its rewrite, for
    every province and unit of each store."""
    before = PREFIX_LINES + "\n" + (BEFORE / "pages" / "province-values.rq").read_text(encoding="utf-8")
    keys = _order_keys(before)
    assert keys == _order_keys(PROVINCE_VALUES)
    rows = 0
    for link in (seed_store, sample_store, generated_store):
        db = store.open_read_only(link)
        for province in _iris(db, "Province"):
            values = {"province": ("iri", province)}
            old, new = (
                db.query(inline(text, values), use_default_graph_as_union=True).serialize(
                    format=pyoxigraph.QueryResultsFormat.TSV
                )
                for text in (before, PROVINCE_VALUES)
            )
            assert _same_answer(old, new, keys), f"the province page of {province} in {link} differs"
            rows += old.count(b"\n") - 1
    assert rows > 0
