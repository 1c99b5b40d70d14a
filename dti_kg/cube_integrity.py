"""The W3C Data Cube integrity constraints (https://www.w3.org/TR/vocab-data-cube/#wf), run on a store.

Each constraint is the specification's ASK query, true when the cube is NOT well formed. They are run
on a copy of the store's union graph after the specification's normalization (phase 1: the types and
``qb:componentProperty`` links implied by ``qb:dataSet``, ``qb:dimension``, ``qb:measure``,
``qb:attribute``). Phase 2 (pushing ``qb:componentAttachment`` values down) is not needed: no component
here declares an attachment level. IC-12 and IC-17 compare observations pairwise in the specification;
they are written here per data structure definition with the same meaning, grouping instead of
pairing, so they finish in a second on thousands of observations.

IC-17 ("every measure present for each combination of the other dimensions") is reported but expected
to fail: the DTI tables are sparse by nature (DTI 2020 publishes ranks without scores, official
observations carry no rank change), so a cell may have a rank and no score. ``NOT_APPLICABLE`` lists
the constraints about features this cube does not use (slices, hierarchical code lists).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

NORMALIZE = (
    "INSERT { ?o rdf:type qb:Observation } WHERE { [] qb:observation ?o }",
    "INSERT { ?o rdf:type qb:Observation } WHERE { ?o qb:dataSet [] }",
    "INSERT { ?s rdf:type qb:Slice } WHERE { [] qb:slice ?s }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty } WHERE { ?cs qb:dimension ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty } WHERE { ?cs qb:measure ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty } WHERE { ?cs qb:attribute ?p }",
)

CONSTRAINTS: dict[str, str] = {
    "IC-1 unique data set": """ASK {
  { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . } }
  UNION { ?obs a qb:Observation ; qb:dataSet ?dataset1, ?dataset2 . FILTER (?dataset1 != ?dataset2) } }""",
    "IC-2 unique DSD": """ASK {
  { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?dsd . } }
  UNION { ?dataset a qb:DataSet ; qb:structure ?dsd1, ?dsd2 . FILTER (?dsd1 != ?dsd2) } }""",
    "IC-3 DSD includes measure": """ASK {
  ?dsd a qb:DataStructureDefinition .
  FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty [a qb:MeasureProperty]] } }""",
    "IC-4 dimensions have range": """ASK {
  ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?dim rdfs:range [] } }""",
    "IC-5 concept dimensions have code lists": """ASK {
  ?dim a qb:DimensionProperty ; rdfs:range skos:Concept .
  FILTER NOT EXISTS { ?dim qb:codeList [] } }""",
    "IC-6 only attributes may be optional": """ASK {
  ?dsd qb:component ?componentSpec .
  ?componentSpec qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?component .
  FILTER NOT EXISTS { ?component a qb:AttributeProperty } }""",
    "IC-7 slice keys must be declared": """ASK {
  ?sliceKey a qb:SliceKey .
  FILTER NOT EXISTS { [a qb:DataStructureDefinition] qb:sliceKey ?sliceKey } }""",
    "IC-8 slice keys consistent with DSD": """ASK {
  ?slicekey a qb:SliceKey ; qb:componentProperty ?prop .
  ?dsd qb:sliceKey ?slicekey . FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty ?prop] } }""",
    "IC-9 unique slice structure": """ASK {
  { ?slice a qb:Slice . FILTER NOT EXISTS { ?slice qb:sliceStructure ?key } }
  UNION { ?slice a qb:Slice ; qb:sliceStructure ?key1, ?key2 . FILTER (?key1 != ?key2) } }""",
    "IC-10 slice dimensions complete": """ASK {
  ?slice qb:sliceStructure [qb:componentProperty ?dim] .
  FILTER NOT EXISTS { ?slice ?dim [] } }""",
    "IC-11 all dimensions required": """ASK {
  ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
  ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?obs ?dim [] } }""",
    "IC-13 required attributes": """ASK {
  ?obs qb:dataSet/qb:structure/qb:component ?component .
  ?component qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
  FILTER NOT EXISTS { ?obs ?attr [] } }""",
    "IC-14 all measures present": """ASK {
  ?obs qb:dataSet/qb:structure ?dsd .
  FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
  ?dsd qb:component/qb:componentProperty ?measure . ?measure a qb:MeasureProperty .
  FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-15 measure dimension consistent": """ASK {
  ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure .
  ?dsd qb:component/qb:componentProperty qb:measureType . FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-16 single measure on measure dimension observation": """ASK {
  ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure ; ?omeasure [] .
  ?dsd qb:component/qb:componentProperty qb:measureType ; qb:component/qb:componentProperty ?omeasure .
  ?omeasure a qb:MeasureProperty . FILTER (?omeasure != ?measure) }""",
    "IC-18 consistent data set links": """ASK {
  ?dataset qb:slice ?slice . ?slice qb:observation ?obs .
  FILTER NOT EXISTS { ?obs qb:dataSet ?dataset . } }""",
    "IC-19 codes from code list": """ASK {
  ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
  ?dim a qb:DimensionProperty ; qb:codeList ?list . ?obs ?dim ?v .
  { ?list a skos:ConceptScheme . FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list } }
  UNION { ?list a skos:Collection . FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v } } }""",
}

# IC-20 and IC-21 check hierarchical code lists, instantiated per qb:HierarchicalCodeList: none exists.
NOT_APPLICABLE = {
    "IC-20 codes from hierarchy": "ASK { ?list a qb:HierarchicalCodeList }",
    "IC-21 codes from hierarchy (inverse)": "ASK { ?list a qb:HierarchicalCodeList }",
}

_DSD_DIMENSIONS = """SELECT ?dsd ?dim WHERE { ?dsd a qb:DataStructureDefinition ;
  qb:component/qb:componentProperty ?dim . ?dim a qb:DimensionProperty } ORDER BY ?dsd ?dim"""
_DSD_MEASURES = """SELECT ?dsd (COUNT(DISTINCT ?m) AS ?n) WHERE { ?dsd a qb:DataStructureDefinition ;
  qb:component/qb:componentProperty ?m . ?m a qb:MeasureProperty } GROUP BY ?dsd"""


def _no_duplicates(dsd: str, dims: list[str]) -> str:
    """IC-12 for one DSD: no two observations of one data set share every dimension value."""
    variables = " ".join(f"?d{i}" for i in range(len(dims)))
    pattern = " ".join(f"<{d}> ?d{i} ;" for i, d in enumerate(dims))
    return f"""ASK {{ {{ SELECT ?dataset {variables} WHERE {{
  ?dataset qb:structure <{dsd}> . ?obs qb:dataSet ?dataset ; {pattern} a qb:Observation . }}
  GROUP BY ?dataset {variables} HAVING (COUNT(?obs) > 1) }} }}"""


def _all_measures(dsd: str, dims: list[str], measures: int) -> str:
    """IC-17 for one DSD (with a measure dimension): every cell has an observation for each measure."""
    others = [d for d in dims if d != "http://purl.org/linked-data/cube#measureType"]
    variables = " ".join(f"?d{i}" for i in range(len(others)))
    pattern = " ".join(f"<{d}> ?d{i} ;" for i, d in enumerate(others))
    return f"""ASK {{ {{ SELECT ?dataset {variables} WHERE {{
  ?dataset qb:structure <{dsd}> . ?obs qb:dataSet ?dataset ; {pattern} qb:measureType ?m . }}
  GROUP BY ?dataset {variables} HAVING (COUNT(DISTINCT ?m) != {measures}) }} }}"""


def _normalized_copy(quads: Iterable[pyoxigraph.Quad]) -> pyoxigraph.Store:
    copy = pyoxigraph.Store()
    copy.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in quads)  # the union graph
    for update in NORMALIZE:
        copy.update(PREFIXES + update)
    return copy


def _select(store: pyoxigraph.Store, query: str) -> pyoxigraph.QuerySolutions:
    result = store.query(PREFIXES + query)
    if not isinstance(result, pyoxigraph.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]!r}")
    return result


def check(store: pyoxigraph.Store) -> dict[str, bool]:
    """``{constraint: violated}`` for every applicable constraint (IC-12 and IC-17 once per DSD)."""
    copy = _normalized_copy(store.quads_for_pattern(None, None, None, None))
    results = {name: bool(copy.query(PREFIXES + ask)) for name, ask in CONSTRAINTS.items()}
    dims: dict[str, list[str]] = {}
    for row in _select(copy, _DSD_DIMENSIONS):
        dims.setdefault(row["dsd"].value, []).append(row["dim"].value)
    measures = {row["dsd"].value: int(row["n"].value) for row in _select(copy, _DSD_MEASURES)}
    for dsd, dimensions in sorted(dims.items()):
        name = dsd.rsplit("#", 1)[-1]
        results[f"IC-12 no duplicate observations ({name})"] = bool(
            copy.query(PREFIXES + _no_duplicates(dsd, dimensions))
        )
        if "http://purl.org/linked-data/cube#measureType" in dimensions:
            results[f"IC-17 all measures present ({name})"] = bool(
                copy.query(PREFIXES + _all_measures(dsd, dimensions, measures.get(dsd, 0)))
            )
    return results


def not_applicable(store: pyoxigraph.Store) -> dict[str, bool]:
    """``{constraint: True when it would apply after all}`` for the constraints listed as not applicable."""
    return {
        name: bool(store.query(PREFIXES + ask, use_default_graph_as_union=True))
        for name, ask in NOT_APPLICABLE.items()
    }
