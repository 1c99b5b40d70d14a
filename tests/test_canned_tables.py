"""Canned results made for pandas: typed JSON records, plain TSV, integer years and ranks, decimal
scores, English and Vietnamese labels. Checked by parsing what the real app sends (csv, json)."""

from __future__ import annotations

import csv
import io

import pytest
from test_canned import SAMPLE_ARGS

from dti_kg.server.canned import canned_queries

# A column naming a unit, indicator or agency comes with its labels: label_en/label_vi for the row's own
# subject, <column>_label_en/_vi for a second one (a unit beside its predecessor members).
LABELS = ("province", "member", "unit", "agency", "indicator")
INTEGER_COLUMNS = ("year", "cohort", "limit", "sources", "claims")


def _kind(column: str) -> str | None:
    bare = column.removesuffix("_a").removesuffix("_b").removeprefix("other_")
    bare = bare.removeprefix("unit_").removeprefix("member_")
    if bare in {"rank", "rank_change"} or column in INTEGER_COLUMNS:
        return "integer"
    if bare == "score":
        return "decimal"
    return None


@pytest.mark.parametrize("name", sorted(SAMPLE_ARGS))
def test_records_have_typed_numbers_and_both_labels(pages_client, name: str) -> None:
    query = canned_queries()[name]
    response = pages_client.get(f"/queries/{name}.json", query_string=SAMPLE_ARGS[name])
    assert response.status_code == 200 and response.mimetype == "application/json"
    records = response.get_json()
    assert isinstance(records, list) and records, name
    for column in query.columns:
        kind = _kind(column)
        values = [r[column] for r in records if r[column] is not None]
        if kind == "integer":
            assert all(type(v) is int for v in values), (name, column, values)
        elif kind == "decimal":
            assert all(isinstance(v, float) for v in values), (name, column, values)
    own = {"label_en", "label_vi"} <= set(query.columns)
    for column in (c for c in LABELS if c in query.columns):
        named = (f"{column}_label_en", f"{column}_label_vi")
        assert own or set(named) <= set(query.columns), f"{name} returns {column} without its labels"
        if column == "indicator":
            assert set(named) <= set(query.columns), f"{name} returns indicators without their labels"
            assert any(r[named[0]] for r in records) and any(r[named[1]] for r in records), name
    assert not {"value", "label"} & set(query.columns) or name == "audit-trail", (
        f"{name}: ranks and scores belong in separate columns, labels in label_en/label_vi"
    )


@pytest.mark.parametrize("name", sorted(SAMPLE_ARGS))
def test_tsv_is_csv_with_tabs_and_no_datatype_tails(pages_client, name: str) -> None:
    args = SAMPLE_ARGS[name]
    tsv = pages_client.get(f"/queries/{name}.tsv", query_string=args)
    assert tsv.status_code == 200 and tsv.mimetype == "text/tab-separated-values"
    text = tsv.get_data(as_text=True)
    assert "^^<" not in text and not text.startswith("?")
    tsv_rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    csv_rows = list(csv.reader(io.StringIO(pages_client.get(f"/queries/{name}.csv", query_string=args).text)))
    assert tsv_rows == csv_rows


def test_a_year_is_a_plain_integer_in_csv_and_in_a_query(pages_client) -> None:
    rows = list(csv.DictReader(io.StringIO(pages_client.get("/queries/edition-top.csv?year=2021").text)))
    assert {r["year"] for r in rows} == {"2021"}
    assert all(r["rank"].isdigit() for r in rows)
    assert all(float(r["score"]) > 0 for r in rows if r["score"])


def test_sparql_json_stays_at_sparql_and_on_request(pages_client) -> None:
    srj = pages_client.get(
        "/queries/edition-top?year=2021", headers={"Accept": "application/sparql-results+json"}
    )
    assert srj.mimetype == "application/sparql-results+json"
    assert srj.get_json()["results"]["bindings"][0]["rank"]["datatype"].endswith("#integer")
