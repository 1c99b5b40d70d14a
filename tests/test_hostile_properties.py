"""Property-based tests (hypothesis): any text through the extractor, any string through the query
guard — never a crash, never a value out of range; and a value out of range injected past
extraction is stopped by the SHACL gate."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dti_kg.iri import Minter
from dti_kg.loaders.extract import extract_document
from dti_kg.model import SourceDocument
from dti_kg.namespaces import DTI
from dti_kg.reference import editions, indicators
from dti_kg.server import guard
from dti_kg.server.errors import QueryRejected
from dti_kg.server.settings import DEFAULTS
from dti_kg.source_entries import Cache, gather_sources, reference_graphs, shape_gate
from dti_kg.sources import ArticleSource
from dti_kg.text import normalise_text, sha256_hex

pytestmark = pytest.mark.hostile
LIMITS = guard.Limits.from_settings(DEFAULTS)

# Pieces of DTI articles, so that random text often reaches the claim rules, not only the "no DTI" exit.
ARTICLE_PIECES = [
    "DTI",
    "DTI 2021",
    "DTI 2023",
    "Chỉ số chuyển đổi số",
    "chỉ số DTI năm 2022",
    "Thái Nguyên",
    "tỉnh Bến Tre",
    "Hà Nội",
    "Đà Nẵng",
    "thành phố Hồ Chí Minh",
    "Bắc Ninh",
    "xếp thứ",
    "đứng thứ",
    "hạng",
    "/63",
    "/34",
    "trên 63 tỉnh, thành phố",
    "tăng",
    "bậc",
    "giảm",
    "điểm",
    "đạt",
    "0,4962",
    "0.51",
    "1,2",
    "99",
    "64",
    "-3",
    "chính quyền số",
    "kinh tế số",
    "xã hội số",
    "ranked",
    "out of 63",
    "score of",
    "rose",
    "places",
    "digital government",
    "province",
    "\n\n",
    ". ",
    ", ",
    " ",
]
NUMBER = st.one_of(
    st.integers(-100, 2100).map(str),
    st.decimals(-2, 200, places=4, allow_nan=False).map(lambda d: str(d).replace(".", ",")),
)
SENTENCES = [
    "Theo DTI {y}, tỉnh {p} xếp thứ {n}/{c} tỉnh, thành phố về chuyển đổi số.",
    "{p} đứng thứ {n} trên {c} tỉnh, thành phố về Chỉ số chuyển đổi số (DTI) năm {y}, đạt {n} điểm.",
    "Năm {y}, chỉ số DTI của {p} tăng {n} bậc, xếp hạng {n}; chính quyền số hạng {n}, kinh tế số {n} điểm.",
    "In DTI {y}, {p} ranked {n} out of {c} provinces with a score of {n}, up {n} places.",
]
PROVINCES = ["Thái Nguyên", "Bến Tre", "Hà Nội", "Đà Nẵng", "Bắc Ninh", "Thành phố Hồ Chí Minh", "Atlantis"]
claim_sentence = st.builds(
    lambda template, y, p, n, c: template.format(y=y, p=p, n=n, c=c),
    st.sampled_from(SENTENCES),
    st.one_of(st.integers(2018, 2026).map(str), NUMBER),
    st.sampled_from(PROVINCES),
    NUMBER,
    st.one_of(st.sampled_from(["63", "34"]), NUMBER),
)
article_text = st.lists(
    st.one_of(claim_sentence, st.sampled_from(ARTICLE_PIECES), st.text(max_size=12)), max_size=30
).map(lambda parts: "Chuyển đổi số DTI\n\n" + " ".join(parts))

SPARQL_PIECES = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "?s",
    "?p",
    "?o",
    "<s>",
    "<http://e/x>",
    "<",
    ">",
    "||",
    "&&",
    "+",
    "-",
    "*",
    "/",
    "|",
    "^",
    "!",
    "=",
    ".",
    ";",
    ",",
    "a",
    "1",
    '"x"',
    "'''y'''",
    "#c\n",
    "FILTER",
    "BIND",
    "AS",
    "UNION",
    "MINUS",
    "OPTIONAL",
    "VALUES",
    "SERVICE",
    "INSERT",
    "PREFIX",
    "ex:",
    "ex:p",
    "_:b",
    "GRAPH",
    "IN",
    "LIMIT",
    " ",
    "\n",
    "\\",
    "@en",
    "^^",
]
sparql_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(SPARQL_PIECES), max_size=80).map(" ".join),
    st.lists(st.sampled_from(SPARQL_PIECES), max_size=80).map("".join),
)


def _document(text: str) -> SourceDocument:
    normalised = normalise_text(text)
    return SourceDocument("prop.txt", normalised, sha256_hex(normalised), "text/plain", "vi")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_text)
@example("Chuyển đổi số DTI\n\nTheo DTI 2021, tỉnh Thái Nguyên xếp thứ 8/63. Thái Nguyên tăng 63 bậc.")
def test_any_text_extracts_without_crash_and_every_value_is_in_range(text: str) -> None:
    doc = _document(text)
    extraction = extract_document(doc)
    for claim in extraction.claims:
        assert claim.edition in editions()
        assert claim.indicator in indicators()
        cohort = claim.cohort or 63
        if claim.measure == "rank":
            assert 1 <= claim.value <= cohort, claim
        elif claim.measure == "score":
            assert Decimal(0) <= claim.value <= Decimal(1), claim
        else:
            assert abs(claim.value) <= cohort - 1, claim
        for span in claim.evidence:
            assert doc.text[span.start : span.end] == span.quote


@settings(max_examples=500, deadline=None)
@given(sparql_text)
def test_any_string_is_refused_cleanly_or_passed_and_then_runs_without_crash(text: str) -> None:
    try:
        report = guard.check(text, LIMITS)
    except QueryRejected as refused:  # UpdateRefused is one too
        assert refused.status in (400, 403, 413) and refused.detail and "\n" not in refused.detail
        return
    assert report.depth <= LIMITS.max_depth and report.operators <= LIMITS.max_operators
    # What the guard passes reaches the engine: it may be invalid SPARQL, but must not crash it.
    try:
        result = pyoxigraph.Store().query(text, base_iri="http://e/", use_default_graph_as_union=True)
        if not isinstance(result, pyoxigraph.QueryBoolean):
            list(result)
    except (SyntaxError, ValueError, RuntimeError, OSError, TypeError):
        pass


class OutOfRange(ArticleSource):
    """A real article whose extracted graph is tampered with after extraction: its first rank
    becomes 99 (of 63) and a score 1.7 is added, as a buggy rule or a hand-edited cache would."""

    def extract(self, minter: Minter) -> tuple[rdflib.Graph, int, list[str]]:
        graph, claims, notes = super().extract(minter)
        claim, rank = next(iter(sorted(graph.subject_objects(DTI.rank))))
        graph.set((claim, DTI.rank, rdflib.Literal("99", datatype=rank.datatype)))
        graph.add((claim, DTI.score, rdflib.Literal("1.7", datatype=rdflib.XSD.decimal)))
        return graph, claims, notes


def test_an_out_of_range_claim_injected_past_extraction_is_quarantined_by_the_gate(
    corpus_dir: Path,
) -> None:
    minter = Minter("https://w3id.org/dti-kg/")
    article = corpus_dir / "000_2115fb3839d4d7c3.txt"
    reference = reference_graphs(minter)
    taken: list[str] = []
    (tampered,) = gather_sources(
        [OutOfRange(article)],
        minter,
        Cache(None, "test"),
        lambda: shape_gate(reference),
        lambda _message: None,
        lambda _outcome, entry: taken.append(entry.status),
    )
    assert taken == ["quarantined"]
    assert tampered.status == "quarantined", tampered.report
    assert "99" in tampered.report and "1.7" in tampered.report
