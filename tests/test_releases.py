"""Releases end to end: two real builds from different inputs, `dti diff`, and a real `dti serve`.

Release A: seed articles 000, 001, 002 and a Hậu Giang article. Release B: 000 edited (Thái Nguyên's
2021 rank 8 -> 7, so the derived 2020 rank 12 -> 11), 001 unchanged, 002 deleted, seed 003 added, and
the Hậu Giang article edited so that the gate quarantines it (DTI 2022 has no smart-city index).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import rdflib
import requests
from server_helpers import BASE, dti_serve

from dti_kg import releases
from dti_kg.build import build_store
from dti_kg.namespaces import DTI

DTI_EXE = str(Path(sys.executable).parent / "dti")
TN = "000_2115fb3839d4d7c3.txt"
HAU_GIANG = "hau-giang.txt"
HAU_GIANG_OK = (
    "Hậu Giang tiến bộ\n\nTheo DTI 2022, tỉnh Hậu Giang xếp thứ 12/63 tỉnh, thành phố về chuyển đổi số.\n"
)
HAU_GIANG_BAD = (  # passes extraction, fails the shapes: DTI 2022 has no smart-city index
    "Hậu Giang và đô thị thông minh\n\n"
    "Theo DTI 2022, tỉnh Hậu Giang xếp thứ 12/63 về chỉ số đô thị thông minh.\n"
)
OVERALL_2021 = f"""
PREFIX dti: <https://w3id.org/dti-kg/def#>
SELECT ?claim ?rank WHERE {{
  ?claim a dti:Claim ; dti:province <{BASE}id/province/thai-nguyen> ; dti:edition <{BASE}id/edition/2021> ;
         dti:indicator <{BASE}id/indicator/overall> ; dti:rank ?rank ;
         <http://purl.org/dc/terms/source>/dti:fileName "{TN}" .
}}
"""


def _corpus(folder: Path, corpus_dir: Path, *, second: bool) -> Path:
    folder.mkdir()
    names = ["000", "001", "003"] if second else ["000", "001", "002"]
    for prefix in names:
        (src,) = corpus_dir.glob(f"{prefix}_*.txt")
        shutil.copy(src, folder / src.name)
    (folder / HAU_GIANG).write_text(HAU_GIANG_BAD if second else HAU_GIANG_OK, encoding="utf-8")
    if second:
        text = (folder / TN).read_text(encoding="utf-8")
        edited = text.replace(
            "đứng thứ 8/63 tỉnh, thành phố về chuyển đổi số", "đứng thứ 7/63 tỉnh, thành phố về chuyển đổi số"
        )
        assert edited != text, f"{TN} no longer says 'đứng thứ 8/63 tỉnh, thành phố về chuyển đổi số'"
        (folder / TN).write_text(edited, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> dict:
    root = tmp_path_factory.mktemp("releases")
    link = root / "store"
    first = build_store(link, [_corpus(root / "a", corpus_dir, second=False)])
    assert first.ok, [o.as_json() for o in first.quarantined]
    a = releases.current_release(link)
    second = build_store(link, [_corpus(root / "b", corpus_dir, second=True)])
    assert [o.name for o in second.quarantined] == [HAU_GIANG]
    b = releases.current_release(link)
    assert a is not None and b is not None
    return {"link": link, "a": a, "b": b, "root": root}


@pytest.fixture(scope="module")
def server(two_releases: dict, tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with dti_serve(two_releases["link"], {"QUERY_WORKERS": 1, "QUERY_TIMEOUT": 30}, log) as (url, _):
        yield url


def test_each_switched_in_build_is_a_release_with_its_inputs(two_releases: dict) -> None:
    a, b = two_releases["a"], two_releases["b"]
    for r in (a, b):
        assert releases.RELEASE_ID.fullmatch(r.release_id)
        assert r.release_id.endswith(r.content_hash[:8])
        assert r.info["loader_version"] and r.info["reference_version"]
    assert a.predecessor is None and b.predecessor == a.release_id
    assert a.release_id != b.release_id
    files = {s["file"]: s["sha256"] for s in b.info["sources"]}
    assert set(files) == {TN, "001_85e375d9b78ab4b3.txt", "003_46c34877ebc259b5.txt"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", sha) for sha in files.values())
    assert {s["file"]: s["sha256"] for s in a.info["sources"]}[TN] != files[TN]
    assert b.info["not_served"] == [
        {"name": HAU_GIANG, "status": "quarantined", "graph": b.info["not_served"][0]["graph"]}
    ]
    # The content hash is the hash of the export: a release can be checked against its dump.
    export = subprocess.run(
        [DTI_EXE, "export", "--store", str(two_releases["link"])], capture_output=True, check=True
    )
    assert hashlib.sha256(export.stdout).hexdigest() == b.content_hash


def test_the_release_graph_is_dcat_and_prov(two_releases: dict) -> None:
    a, b = two_releases["a"], two_releases["b"]
    g = releases.release_graph([a, b], BASE, b.release_id)
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    prov = rdflib.PROV
    node_b = rdflib.URIRef(b.iri(BASE))
    assert (node_b, rdflib.RDF.type, dcat.Dataset) in g
    assert (node_b, dcat.previousVersion, rdflib.URIRef(a.iri(BASE))) in g
    assert (rdflib.URIRef(BASE + "id/dataset"), dcat.hasCurrentVersion, node_b) in g
    activity = g.value(node_b, prov.wasGeneratedBy)
    used = set(g.objects(activity, prov.used))
    assert len(used) == 3
    assert g.value(node_b, DTI.referenceDataVersion) is not None


def _dti_diff(two_releases: dict, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `dti diff` command on the releases' store."""
    command = [DTI_EXE, "diff", *args, "--store", str(two_releases["link"])]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _diff_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_dti_diff_lists_exactly_the_changed_claims_with_reasons(two_releases: dict) -> None:
    a, b = two_releases["a"], two_releases["b"]
    run = _dti_diff(two_releases, a.release_id, b.release_id, "--format", "csv")
    assert run.returncode == 0, run.stderr
    rows = _diff_rows(run.stdout)
    by_reason = Counter((r["change"], r["reason"], r["source_file"]) for r in rows)
    # Every claim of an edited article gets a new IRI (the IRI hashes the text): all are "changed".
    assert by_reason[("changed", "source changed", TN)] == 6
    assert by_reason[("removed", "source removed", "002_84a8a56c268c4ddd.txt")] == 4
    assert by_reason[("added", "new source", "003_46c34877ebc259b5.txt")] == 6
    assert by_reason[("removed", "review decision", HAU_GIANG)] == 1
    assert sum(by_reason.values()) == 17, by_reason
    values = {
        (r["edition"].rsplit("/", 1)[-1], r["indicator"].rsplit("/", 1)[-1], r["old_value"], r["new_value"])
        for r in rows
        if r["source_file"] == TN and r["old_value"] != r["new_value"]
    }
    assert values == {("2021", "overall", "8", "7"), ("2020", "overall", "12", "11")}
    # The same diff was recorded when B was published.
    recorded = (b.build_dir / "diff.json").read_text(encoding="utf-8")
    assert len(json.loads(recorded)["changes"]) == 17


def test_dti_diff_unknown_release_is_one_line(two_releases: dict) -> None:
    run = _dti_diff(two_releases, "2000-01-01-00000000", two_releases["b"].release_id)
    assert run.returncode == 2
    assert run.stderr.startswith("error: OLD: no kept release '2000-01-01-00000000'")
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_republishing_the_same_inputs_keeps_the_release(
    two_releases: dict, tmp_path: Path, corpus_dir: Path
) -> None:
    link = tmp_path / "store"
    inputs = _corpus(tmp_path / "b", corpus_dir, second=True)
    build_store(link, [inputs])
    first = releases.current_release(link)
    build_store(link, [inputs])
    again = releases.current_release(link)
    assert first is not None and again is not None
    assert again.release_id == first.release_id
    assert first.content_hash == two_releases["b"].content_hash, "same inputs, same content"
    assert again.build_id != first.build_id and again.info["republished"]
    assert [r.release_id for r in releases.kept_releases(link)] == [first.release_id]


# ---------------------------------------------------------------- over HTTP


def _ranks(url: str, release: str | None) -> list[str]:
    params = {"query": OVERALL_2021, **({"release": release} if release else {})}
    r = requests.get(url + "/sparql", params=params, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    if release:
        assert r.headers["X-DTI-Release"] == release
    return sorted(b["rank"]["value"] for b in r.json()["results"]["bindings"])


def test_releases_are_listed_as_html_json_and_turtle(server: str, two_releases: dict) -> None:
    a, b = two_releases["a"], two_releases["b"]
    listed = requests.get(server + "/releases", headers={"Accept": "application/json"}).json()["releases"]
    assert [(r["id"], r["current"]) for r in listed] == [(b.release_id, True), (a.release_id, False)]
    assert listed[0]["diff"] == f"/releases/{b.release_id}/diff"
    page = requests.get(server + "/releases", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b.release_id in page.text and a.release_id in page.text
    ttl = requests.get(server + "/releases.ttl")
    g = rdflib.Graph().parse(data=ttl.text, format="turtle")
    assert len(set(g.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))) == 2


def test_sparql_runs_on_the_pinned_release(server: str, two_releases: dict) -> None:
    assert _ranks(server, two_releases["a"].release_id) == ["8"]
    assert _ranks(server, two_releases["b"].release_id) == ["7"]
    assert _ranks(server, None) == ["7"]
    canned = requests.get(
        server + "/queries/claims-about.csv",
        params={"province": "province/thai-nguyen", "year": "2021", "release": two_releases["a"].release_id},
    )
    assert canned.status_code == 200 and canned.headers["X-DTI-Release"] == two_releases["a"].release_id
    rows = _diff_rows(canned.content.decode("utf-8"))
    overall = {r["rank"] for r in rows if r["indicator"] == "overall" and r["rank"]}
    assert "8" in overall and "7" not in overall


@pytest.mark.parametrize(
    ("release", "status", "words"),
    [("2000-01-01-00000000", 404, "not kept"), ("latest", 400, "not a release id")],
)
def test_sparql_unknown_release_is_an_error_in_the_project_shape(
    server: str, release: str, status: int, words: str
) -> None:
    r = requests.get(server + "/sparql", params={"query": "ASK {}", "release": release})
    assert r.status_code == status
    error = r.json()["error"]
    assert error["status"] == status and error["parameter"] == "release" and words in error["detail"]


def test_release_diff_as_csv_turtle_and_html(server: str, two_releases: dict) -> None:
    a, b = two_releases["a"], two_releases["b"]
    cli = _dti_diff(two_releases, a.release_id, b.release_id, "--format", "csv").stdout
    r = requests.get(server + f"/releases/{b.release_id}/diff", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert _diff_rows(r.text) == _diff_rows(cli)
    ttl = requests.get(server + f"/releases/{b.release_id}/diff.ttl")
    g = rdflib.Graph().parse(data=ttl.text, format="turtle")
    changes = list(g.subjects(rdflib.RDF.type, DTI.ClaimChange))
    assert len(changes) == 17
    assert {str(g.value(c, DTI.changeReason)) for c in changes} == {
        "source changed",
        "source removed",
        "new source",
        "review decision",
    }
    html = requests.get(server + f"/releases/{b.release_id}/diff", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "review decision" in html.text
    first = requests.get(server + f"/releases/{a.release_id}/diff")
    assert first.status_code == 404 and "no recorded predecessor" in first.json()["error"]["detail"]


def _old_and_new_claim(server: str, two_releases: dict) -> tuple[str, str]:
    r = requests.get(server + f"/releases/{two_releases['b'].release_id}/diff.json")
    (change,) = [c for c in r.json()["changes"] if c["old_value"] == "8" and c["new_value"] == "7"]
    return change["old_claim"], change["new_claim"]


def test_a_withdrawn_claim_is_gone_with_its_replacement(server: str, two_releases: dict) -> None:
    old, new = _old_and_new_claim(server, two_releases)
    path = old[len(BASE) :]
    r = requests.get(f"{server}/{path}", headers={"Accept": "application/json"})
    assert r.status_code == 410, r.text
    error = r.json()["error"]
    assert error["withdrawnIn"] == two_releases["b"].release_id
    assert error["lastRelease"] == two_releases["a"].release_id
    assert error["dcterms:isReplacedBy"] == new
    assert f'<{new}>; rel="http://purl.org/dc/terms/isReplacedBy"' in r.headers["Link"]
    assert requests.get(f"{server}/doc/claim/0000000000000000").status_code == 404  # never existed


def test_accept_datetime_answers_with_the_release_of_that_time(server: str, two_releases: dict) -> None:
    from werkzeug.http import http_date

    a, b = two_releases["a"], two_releases["b"]
    old, _ = _old_and_new_claim(server, two_releases)
    path = old[len(BASE) :]
    gate = requests.get(
        f"{server}/{path}",
        headers={"Accept-Datetime": http_date(a.published), "Accept": "text/turtle"},
        allow_redirects=False,
    )
    assert gate.status_code == 302
    assert gate.headers["Location"].endswith(f"?release={a.release_id}")
    assert "accept-datetime" in gate.headers["Vary"].lower()
    memento = requests.get(
        f"{server}/{path}", headers={"Accept-Datetime": http_date(a.published), "Accept": "text/turtle"}
    )
    assert memento.status_code == 200
    assert memento.headers["Memento-Datetime"] == http_date(a.published)
    assert 'rel="original timegate"' in memento.headers["Link"] and 'rel="timemap"' in memento.headers["Link"]
    g = rdflib.Graph().parse(data=memento.text, format="turtle")
    assert str(g.value(rdflib.URIRef(old), DTI.rank)) == "8"
    # At B's time the thing is the current province page of B.
    province = requests.get(
        f"{server}/id/province/thai-nguyen",
        headers={"Accept-Datetime": http_date(b.published)},
        allow_redirects=False,
    )
    assert province.headers["Location"].endswith(f"?release={b.release_id}")
    bad = requests.get(f"{server}/id/province/thai-nguyen", headers={"Accept-Datetime": "yesterday"})
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "Accept-Datetime"


def test_timemap_lists_the_releases_holding_a_thing(server: str, two_releases: dict) -> None:
    a, b = two_releases["a"], two_releases["b"]
    old, _ = _old_and_new_claim(server, two_releases)
    r = requests.get(f"{server}/timemap/{old[len(BASE) :]}")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/link-format")
    assert r.text.count('rel="') == 4 and f"release={a.release_id}" in r.text and b.release_id not in r.text
    province = requests.get(f"{server}/timemap/id/province/thai-nguyen").text
    assert f"release={a.release_id}" in province and f"release={b.release_id}" in province


def test_a_thing_page_links_its_versions(server: str, two_releases: dict) -> None:
    a, b = two_releases["a"], two_releases["b"]
    page = requests.get(f"{server}/doc/province/thai-nguyen", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'href="/doc/province/thai-nguyen?release={a.release_id}"' in page.text
    assert f"<strong>{b.release_id}</strong>" in page.text  # the version shown
    assert 'href="/timemap/id/province/thai-nguyen"' in page.text
    pinned = requests.get(
        f"{server}/doc/province/thai-nguyen",
        params={"release": a.release_id},
        headers={"Accept": "text/html"},
    )
    assert f"<strong>{a.release_id}</strong>" in pinned.text
    assert pinned.headers["Memento-Datetime"] and pinned.headers["X-DTI-Release"] == a.release_id


def test_a_release_iri_dereferences(server: str, two_releases: dict) -> None:
    b = two_releases["b"]
    ttl = requests.get(f"{server}/id/release/{b.release_id}", headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200 and ttl.url.endswith(f"/doc/release/{b.release_id}")
    g = rdflib.Graph().parse(data=ttl.text, format="turtle")
    node = rdflib.URIRef(b.iri(BASE))
    assert (node, rdflib.URIRef("http://www.w3.org/ns/dcat#version"), rdflib.Literal(b.release_id)) in g
    html = requests.get(f"{server}/doc/release/{b.release_id}.html")
    assert html.status_code == 200 and b.release_id in html.text
    assert requests.get(f"{server}/doc/release/2000-01-01-00000000").status_code == 404


# Vietnam News on 2024: "… was fourth with 0.7770 points" after four units: a candidate for review.
REVIEW_ARTICLE = (
    Path(__file__).parent / "fixtures" / "articles" / "unseen" / "en_vietnamnews_2024_cohorts.txt"
)


def test_a_claim_accepted_by_a_reviewer_is_listed_with_that_reason(tmp_path: Path) -> None:
    """Release A has a candidate waiting for review; in B a person accepts it (dti build --decisions)."""
    link = tmp_path / "store"
    build_store(link, [REVIEW_ARTICLE])
    a = releases.current_release(link)
    template = subprocess.run(
        [DTI_EXE, "review", "--template", "--store", str(link)], capture_output=True, text=True, check=True
    )
    candidate = next(csv.DictReader(io.StringIO(template.stdout)))["candidate"]
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "candidate,decision,province,author,date,comment\n"
        f"{candidate},accept,hai-phong-2025,Nguyễn Văn A,2026-11-30,checked\n",
        encoding="utf-8",
    )
    build_store(link, [REVIEW_ARTICLE], decisions=decisions)
    b = releases.current_release(link)
    assert a is not None and b is not None and a.release_id != b.release_id
    rows = _diff_rows(_dti_diff({"link": link}, a.release_id, b.release_id, "--format", "csv").stdout)
    added = [r for r in rows if r["change"] == "added"]
    assert [(r["reason"], r["province"].rsplit("/", 1)[-1]) for r in added] == [
        ("review decision", "hai-phong-2025")
    ]
    assert all(r["reason"] == "review decision" for r in rows), rows


def _fake_build(builds: Path, name: str, release_id: str) -> Path:
    """A build directory as current_release sees it: build.json, an oxigraph folder, release.json."""
    build_dir = builds / name
    (build_dir / "oxigraph").mkdir(parents=True)
    (build_dir / "build.json").write_text("{}", encoding="utf-8")
    _write_release(build_dir, release_id)
    return build_dir


def _write_release(build_dir: Path, release_id: str) -> None:
    info = {"release_id": release_id, "published": "2026-12-01T00:00:00Z", "content_hash": "x" * 64}
    (build_dir / releases.RELEASE_INFO).write_text(json.dumps(info), encoding="utf-8")


def test_the_current_release_follows_the_link_and_a_rewritten_record(tmp_path: Path) -> None:
    """current_release is memoised per record file and link target (the server asks on every page):
    a rewritten release.json, a switched link and a removed record must each be seen at once."""
    link = tmp_path / "store"
    builds = tmp_path / "store.builds"
    first = _fake_build(builds, "b1", "2026-12-01-aaaaaaaa")
    second = _fake_build(builds, "b2", "2026-12-01-bbbbbbbb")
    link.symlink_to(first)
    assert releases.current_release(link).release_id == "2026-12-01-aaaaaaaa"
    assert releases.current_release(link).release_id == "2026-12-01-aaaaaaaa"  # from the memo
    _write_release(first, "2026-12-01-cccccccc-rewritten")  # another size: another key
    assert releases.current_release(link).release_id == "2026-12-01-cccccccc-rewritten"
    link.unlink()
    link.symlink_to(second)
    assert releases.current_release(link).release_id == "2026-12-01-bbbbbbbb"
    (second / releases.RELEASE_INFO).unlink()
    assert releases.current_release(link) is None
