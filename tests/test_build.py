"""``dti build`` end to end: real files, the real gate, a real on-disk store, the real ``dti`` command."""

from __future__ import annotations

import csv
import io
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from process_helpers import alive, command_line, descendants

from dti_kg import store
from dti_kg.build import build_store
from dti_kg.resources import data_file
from dti_kg.snapshot import snapshot_text

DTI = [str(Path(sys.executable).parent / "dti")]


def dti(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DTI, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_seed_build_serves_the_27_expected_claims(seed_store: Path, expected_claims: list[dict]) -> None:
    info = store.read_build_info(seed_store)
    assert info["served"] == 5 and info["quarantined"] == 0 and info["rejected"] == 0
    s = store.open_read_only(seed_store)
    (row,) = s.query(
        "SELECT (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?c a <https://w3id.org/dti-kg/def#Claim> } }"
    )
    assert int(row[0].value) == len(expected_claims) == 27


def test_snapshot_regenerates_byte_for_byte(corpus_dir: Path) -> None:
    shipped = data_file("seed-articles.nq").read_text(encoding="utf-8")
    assert snapshot_text(corpus_dir) == shipped, "run `dti snapshot` and commit dti_kg/data/seed-articles.nq"


def test_builds_from_articles_and_from_snapshot_export_identical_bytes(
    tmp_path: Path, seed_store: Path
) -> None:
    from_snapshot = dti("build", "--store", "snap", cwd=tmp_path)
    assert from_snapshot.returncode == 0, from_snapshot.stderr
    dumps = {}
    for name, link in (("articles", seed_store), ("snapshot", tmp_path / "snap")):
        for fmt in ("nq", "trig"):
            run = subprocess.run([*DTI, "export", "--format", fmt, "--store", str(link)], capture_output=True)
            assert run.returncode == 0, run.stderr
            dumps[name, fmt] = run.stdout
    assert dumps["articles", "nq"] == dumps["snapshot", "nq"]
    assert dumps["articles", "trig"] == dumps["snapshot", "trig"]
    assert dumps["articles", "nq"].count(b"\n") > 15000


def _write_bad_inputs(folder: Path, corpus_dir: Path) -> dict[str, str]:
    """Files that must each be reported with a reason; returns file name -> expected words."""
    shutil.copy(corpus_dir / "000_2115fb3839d4d7c3.txt", folder / "good.txt")
    # Latin-1 "á" (0xE1) inside otherwise UTF-8 text: not valid UTF-8.
    (folder / "latin1.txt").write_bytes(
        "Báo cáo chuyển đổi số: Bến Tre".encode().replace(b"\xc3\xa1", b"\xe1")
    )
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"DTI\x00\x01\x02 2021")
    (folder / "huge.txt").write_bytes(b"a" * (10 * 1024 * 1024 + 1))
    (folder / "menu.html").write_text(
        "<html><head><title>Trang chủ</title></head>"
        "<body><ul><li>Tin tức</li><li>Liên hệ</li></ul></body></html>",
        encoding="utf-8",
    )
    (folder / "weather.txt").write_text(
        "Thời tiết Hà Nội\n\nNgày 05/03/2024 trời nắng, nhiệt độ 28 độ, độ ẩm 80%.\n", encoding="utf-8"
    )
    (folder / "atlantis.txt").write_text(
        "Atlantis đứng đầu\n\nTheo DTI 2021, tỉnh Atlantis đứng thứ 3/63 tỉnh, thành phố về chuyển đổi số.\n",
        encoding="utf-8",
    )
    # Passes extraction, fails the shapes: DTI 2022 has no smart-city index.
    (folder / "smart-city.txt").write_text(
        "Hậu Giang và đô thị thông minh\n\n"
        "Theo DTI 2022, tỉnh Hậu Giang xếp thứ 12/63 về chỉ số đô thị thông minh.\n",
        encoding="utf-8",
    )
    return {
        "latin1.txt": "UTF-8",
        "empty.txt": "empty",
        "binary.txt": "binary",
        "huge.txt": "10 MB",
        "menu.html": "article",
        "weather.txt": "no DTI",
        "atlantis.txt": "no DTI",
        "smart-city.txt": "framework",
    }


def test_bad_inputs_are_reported_and_the_rest_is_served(tmp_path: Path, corpus_dir: Path) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    expected = _write_bad_inputs(articles, corpus_dir)
    run = dti("build", "--articles", str(articles), "--store", "store", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    build_dir = store.current_build_dir(tmp_path / "store")
    report = (build_dir / "report.txt").read_text(encoding="utf-8")
    sections = _report_sections(report)
    assert sections["good.txt"][0].startswith("SERVED")
    for name, words in expected.items():
        section = "\n".join(sections[name])
        assert not section.startswith("SERVED"), name
        assert words.lower() in section.lower(), f"{name}: {section}"
    info = store.read_build_info(tmp_path / "store")
    assert info["served"] == 1 and info["quarantined"] == 1 and info["rejected"] == 7
    quarantined = list((build_dir / "quarantine").glob("*.nt"))
    assert len(quarantined) == 1, "the quarantined graph is kept, not dropped"
    s = store.open_read_only(tmp_path / "store")
    graphs = {str(g.value).rsplit("/", 1)[-1] for g in s.named_graphs()}
    assert quarantined[0].stem not in graphs, "a quarantined source is not served"


def _report_sections(report: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in report.splitlines():
        if line and not line.startswith(" "):
            current = line.split()[1]
            sections[current] = [line]
        elif current:
            sections[current].append(line.strip())
    return sections


def test_unchanged_sources_come_from_the_cache(tmp_path: Path, corpus_dir: Path) -> None:
    first = build_store(tmp_path / "store", [corpus_dir])
    assert not any(o.cached for o in first.outcomes)
    second = build_store(tmp_path / "store", [corpus_dir])
    assert all(o.cached for o in second.outcomes)
    assert second.quads == first.quads
    assert second.build_dir != first.build_dir


def test_a_killed_build_leaves_the_previous_store_intact(tmp_path: Path, corpus_dir: Path) -> None:
    link = tmp_path / "store"
    build_store(link, [corpus_dir / "000_2115fb3839d4d7c3.txt"])
    before = store.read_build_info(link)
    many = tmp_path / "many"
    many.mkdir()
    for i in range(300):  # our own short articles: enough work to be killed in the middle
        (many / f"a{i:03}.txt").write_text(
            f"Tin {i}\n\nTheo DTI 2021, tỉnh Hậu Giang đứng thứ {i % 60 + 1}/63 tỉnh, thành phố.\n",
            encoding="utf-8",
        )
    proc = subprocess.Popen(
        [*DTI, "build", "--articles", str(many), "--store", str(link)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(_is_worker(p) for p in descendants(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)  # killed once its SHACL workers run (300 sources: more than one batch)
    workers = descendants(proc.pid)  # the workers and multiprocessing's resource tracker
    assert any(_is_worker(p) for p in workers), "the build started no worker process"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (
        "the build finished before it could be killed: give it more work"
    )
    # Regression: a worker of a killed build waited forever to hand back its batch (each ~170 MB).
    deadline = time.monotonic() + 30
    while (left := [w for w in workers if alive(w)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"worker processes {left} outlived the killed build"
    assert store.read_build_info(link) == before
    assert len(store.open_read_only(link)) == before["quads"]
    # The lock died with the process: the next build runs.
    assert build_store(link, [corpus_dir / "000_2115fb3839d4d7c3.txt"]).ok


def _is_worker(pid: int) -> bool:
    return b"spawn_main" in command_line(pid)


def test_a_second_concurrent_build_fails_clearly(tmp_path: Path) -> None:
    with store.build_lock(tmp_path / "store"):
        run = dti("build", "--store", "store", cwd=tmp_path)
    assert run.returncode == 2
    assert "another build is running" in run.stderr
    assert "Traceback" not in run.stderr


def test_query_formats(seed_store: Path) -> None:
    q = (
        "SELECT ?indicator ?rank WHERE { ?c dti:province <https://w3id.org/dti-kg/id/province/thai-nguyen> ;"
        ' dti:edition/dti:yearAssessed "2021"^^xsd:gYear ;'
        " dti:indicator/skos:notation ?indicator ; dti:rank ?rank }"
        " ORDER BY ?indicator ?rank"
    )
    run = subprocess.run(
        [*DTI, "query", q, "--store", str(seed_store), "--format", "csv"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    ranks = {(r["indicator"], r["rank"]) for r in rows}
    assert ranks == {
        ("overall", "8"),
        ("digital_government", "9"),
        ("digital_economy", "5"),
        ("digital_society", "8"),
    }
    run = subprocess.run(
        [*DTI, "query", q, "--store", str(seed_store), "--format", "json"], capture_output=True, text=True
    )
    assert len(json.loads(run.stdout)["results"]["bindings"]) == len(rows)
    run = subprocess.run([*DTI, "query", q, "--store", str(seed_store)], capture_output=True, text=True)
    assert f"({len(rows)} rows)" in run.stdout


def test_construct_as_turtle_and_ntriples(seed_store: Path, tmp_path: Path) -> None:
    # Regression: --format ttl passed prefixes to QueryTriples.serialize, which takes none (a traceback).
    q = "CONSTRUCT { ?i skos:notation ?n } WHERE { ?i a dti:Pillar ; skos:notation ?n }"
    ttl = dti("query", q, "--store", str(seed_store), "--format", "ttl", cwd=tmp_path)
    assert ttl.returncode == 0 and "Traceback" not in ttl.stderr, ttl.stderr
    assert "@prefix skos: <http://www.w3.org/2004/02/skos/core#> ." in ttl.stdout
    assert ttl.stdout.count("skos:notation") == 3
    nt = dti("query", q, "--store", str(seed_store), "--format", "nt", cwd=tmp_path)
    assert nt.returncode == 0, nt.stderr
    assert len(nt.stdout.splitlines()) == 3 and "@prefix" not in nt.stdout


def test_bad_query_and_missing_store_are_one_line_errors(seed_store: Path, tmp_path: Path) -> None:
    bad = dti("query", "SELECT ?x WHERE {", "--store", str(seed_store), cwd=tmp_path)
    assert bad.returncode == 2 and "not valid SPARQL" in bad.stderr and "Traceback" not in bad.stderr
    missing = dti("stats", "--store", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and "no store" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "nowhere").exists()


def test_stats(seed_store: Path, tmp_path: Path) -> None:
    run = dti("stats", "--store", str(seed_store), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "https://w3id.org/dti-kg/id/graph/official" in run.stdout
    assert "27" in run.stdout.split("\n")[3]  # claims, sources, official observations


def test_shipped_reference_data_is_validated_and_a_violation_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The official tables and reference graph pass the shapes; a broken one is refused, not served."""
    import rdflib

    from dti_kg.build import check_reference, reference_graphs
    from dti_kg.errors import DtiError
    from dti_kg.iri import Minter

    monkeypatch.setenv("DTI_KG_CACHE", str(tmp_path / "cache"))
    minter = Minter()
    graphs = reference_graphs(minter)
    reports, _digest = check_reference(graphs, minter, lambda _m: None)
    assert set(reports) == set(graphs)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert all((None, sh.conforms, rdflib.Literal(True)) in r for r in reports.values())
    # DTI 2021 published by the ministry that only took charge in 2025: the publisher shape refuses it.
    edition = minter.edition(2021)
    dcterms = rdflib.Namespace("http://purl.org/dc/terms/")
    broken = {k: g for k, g in graphs.items()}
    reference_iri = str(minter.graph("reference"))
    broken[reference_iri] = rdflib.Graph() + graphs[reference_iri]
    broken[reference_iri].set((edition, dcterms.publisher, minter.agency("bo-khcn")))
    with pytest.raises(DtiError, match="violates the shapes"):
        check_reference(broken, minter, lambda _m: None)
