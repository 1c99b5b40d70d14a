"""Downloads with metadata: the release zip (reproducible, CSVW-valid) and canned query CSVW metadata,
checked with the `csvw` library over a real `dti serve`."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import csvw
import pytest
import requests
from server_helpers import dti_serve

from dti_kg import releases, store
from dti_kg.build import build_store
from dti_kg.release_zip import ZIP_NAME


@pytest.fixture(scope="module")
def two_stores(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> tuple[Path, Path]:
    """The same inputs built into two separate stores."""
    root = tmp_path_factory.mktemp("downloads")
    links = root / "one" / "store", root / "two" / "store"
    for link in links:
        assert build_store(link, [corpus_dir]).ok
    return links


@pytest.fixture(scope="module")
def server(two_stores: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with dti_serve(two_stores[0], {"QUERY_WORKERS": 1, "QUERY_TIMEOUT": 30}, log) as (url, _):
        yield url


def _zip(link: Path) -> bytes:
    return (store.current_build_dir(link) / ZIP_NAME).read_bytes()


def test_the_release_zip_is_byte_identical_for_the_same_inputs(two_stores: tuple[Path, Path]) -> None:
    one, two = two_stores
    assert store.current_build_dir(one) != store.current_build_dir(two)
    assert _zip(one) == _zip(two)
    names = zipfile.ZipFile(io.BytesIO(_zip(one))).namelist()
    assert names == ["README.md", "claims.csv", "csv-metadata.json", "official.csv"]


def test_the_release_zip_validates_as_csvw_and_holds_every_claim(
    two_stores: tuple[Path, Path], tmp_path: Path, expected_claims: list[dict]
) -> None:
    zipfile.ZipFile(io.BytesIO(_zip(two_stores[0]))).extractall(tmp_path)
    checked = csvw.CSVW(str(tmp_path / "csv-metadata.json"), validate=True)
    assert checked.is_valid
    claims, official = checked.tablegroup.tables
    rows = list(claims.iterdicts(strict=True))
    assert len(rows) == len(expected_claims) == 27
    assert {type(r["cohort"]) for r in rows if r["cohort"] is not None} == {int}
    assert len(list(official.iterdicts(strict=True))) > 1000
    release = releases.current_release(two_stores[0])
    assert release is not None
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert release.release_id in readme and "Comparability notes" in readme
    for source in release.info["sources"]:
        assert source["sha256"] in readme
    metadata = (tmp_path / "csv-metadata.json").read_text(encoding="utf-8")
    assert f'"dc:hasVersion": "{release.release_id}"' in metadata


def test_csvw_validation_catches_a_value_of_the_wrong_type(
    two_stores: tuple[Path, Path], tmp_path: Path
) -> None:
    """The check above can fail: a cohort that is not an integer makes the table invalid."""
    zipfile.ZipFile(io.BytesIO(_zip(two_stores[0]))).extractall(tmp_path)
    claims = tmp_path / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace(",63,false,", ",sixty-three,false,", 1), encoding="utf-8")
    checked = csvw.CSVW(str(tmp_path / "csv-metadata.json"), validate=True)
    # csvw collects invalid cells as warnings; let them be warnings here, not errors (pytest's setting).
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert not checked.is_valid


def test_the_zip_is_served_per_release(server: str, two_stores: tuple[Path, Path]) -> None:
    release = releases.current_release(two_stores[0])
    assert release is not None
    r = requests.get(f"{server}/releases/{release.release_id}/dti.zip")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    assert r.content == _zip(two_stores[0])
    assert requests.get(f"{server}/releases/2000-01-01-00000000/dti.zip").status_code == 404


def test_canned_query_csv_has_csvw_metadata_that_validates(
    server: str, two_stores: tuple[Path, Path]
) -> None:
    csv_url = f"{server}/queries/province-trajectory.csv?province=province/thai-nguyen"
    r = requests.get(csv_url)
    assert r.status_code == 200
    assert 'rel="describedby"' in r.headers["Link"]
    meta_url = f"{server}/queries/province-trajectory.csv-metadata.json?province=province/thai-nguyen"
    meta = requests.get(meta_url).json()
    release = releases.current_release(two_stores[0])
    assert release is not None and meta["dc:hasVersion"] == release.release_id
    types = {c["name"]: c["datatype"] for c in meta["tableSchema"]["columns"]}
    assert types["province"] == "anyURI" and types["year"] == "integer" and types["score"] == "decimal"
    assert types["rank"] == "integer" and types["label_vi"] == "string"
    assert all(c["titles"] for c in meta["tableSchema"]["columns"])
    assert meta["dc:source"], "the release's sources are named"
    checked = csvw.CSVW(meta_url, validate=True)
    assert checked.is_valid
    rows = list(checked.tablegroup.tables[0].iterdicts(strict=True))
    assert len(rows) == len(r.text.strip().splitlines()) - 1 > 0
    bad = requests.get(f"{server}/queries/province-trajectory.csv-metadata.json?province=%3Cbad")
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "province"


def test_a_page_table_csv_has_csvw_metadata_that_validates(
    server: str, two_stores: tuple[Path, Path]
) -> None:
    csv_page = requests.get(f"{server}/doc/province/thai-nguyen.csv")
    assert csv_page.status_code == 200
    meta_url = f"{server}/doc/province/thai-nguyen.csv-metadata.json"
    assert '</doc/province/thai-nguyen.csv-metadata.json>; rel="describedby"' in csv_page.headers["Link"]
    meta = requests.get(meta_url).json()
    release = releases.current_release(two_stores[0])
    assert release is not None and meta["dc:hasVersion"] == release.release_id
    assert meta["url"] == "thai-nguyen.csv"
    assert "anyURI" in {c["datatype"] for c in meta["tableSchema"]["columns"]}
    checked = csvw.CSVW(meta_url, validate=True)
    assert checked.is_valid
    rows = list(checked.tablegroup.tables[0].iterdicts(strict=True))
    assert len(rows) == len(csv_page.content.decode("utf-8").strip().splitlines()) - 1 > 0
    assert requests.get(f"{server}/doc/agency/bo-tttt.csv-metadata.json").status_code == 404
