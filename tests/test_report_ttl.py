"""``report.ttl`` written from per-source pieces (dti_kg.report_ttl) has the bytes rdflib writes for the union
of every source's report, whether the pieces were rendered now, taken from the previous build, or missing
there (a build made before the pieces were kept); where pieces cannot give those bytes, rdflib writes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dti_kg import build, report_ttl, store
from dti_kg.build import build_store
from dti_kg.source_entries import parse_nt

SH = "http://www.w3.org/ns/shacl#"
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
A_RESULT = "http://e/g/a/validation/result/1"


def _rdflib_bytes(reports: list[str], tmp_path: Path) -> bytes:
    """What the build wrote before the pieces: one rdflib graph of every report, as Turtle."""
    out = tmp_path / "rdflib.ttl"
    parse_nt(reports).serialize(out, format="turtle")
    return out.read_bytes()


def _reports_of(store_path: Path) -> list[str]:
    """Every cached source's SHACL report (N-Triples), as the build hands them on."""
    cache = store.paths(store_path).cache
    return [json.loads(f.read_text("utf-8"))["validation"] for f in sorted(cache.glob("*.json"))]


def test_report_ttl_of_a_build_with_findings_is_rdflibs_turtle_of_every_report(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """Seeds (warnings) and a quarantined article (violations): every kind of statement a report has."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in sorted(corpus_dir.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    (folder / "smart-city.txt").write_text(
        "Theo DTI 2022, tỉnh Hậu Giang xếp thứ 12/63 về chỉ số đô thị thông minh.\n", encoding="utf-8"
    )
    result = build_store(tmp_path / "store", [folder])
    assert [o.status for o in result.outcomes].count("quarantined") == 1
    reports = _reports_of(tmp_path / "store")
    written = (result.build_dir / report_ttl.REPORT_FILE).read_bytes()
    assert b"sh:result" in written and b"sh:conforms false" in written
    assert written == _rdflib_bytes(reports, tmp_path)
    kept = report_ttl.read_pieces(result.build_dir)
    assert set(kept) == {report_ttl.key(r) for r in reports if r.strip()}


def test_a_build_without_pieces_renders_them_and_the_next_renders_only_the_new_report(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A current build made before pieces were kept (no report.pieces.json: main's builds) still works:
    the next build renders every report and keeps the pieces; the one after renders only the report
    of the article it adds. Each report.ttl is the bytes of rdflib's union of the reports."""
    seeds = sorted(corpus_dir.glob("*.txt"))
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in seeds[:3]:
        shutil.copy(seed, folder / seed.name)
    first = build_store(tmp_path / "store", [folder])
    (first.build_dir / report_ttl.PIECES_FILE).unlink()
    rendered: list[str] = []
    real = report_ttl.pieces

    def counting(nt: str) -> report_ttl.Pieces:
        rendered.append(nt)
        return real(nt)

    monkeypatch.setattr(report_ttl, "pieces", counting)
    shutil.copy(seeds[3], folder / seeds[3].name)
    second = build_store(tmp_path / "store", [folder])
    assert second.reuse is not None, "an incremental build, over the build without pieces"
    assert len(rendered) == 4
    assert (second.build_dir / "report.ttl").read_bytes() == _rdflib_bytes(rendered, tmp_path)
    rendered.clear()
    shutil.copy(seeds[4], folder / seeds[4].name)
    written: list[bool] = []
    real_write = report_ttl.write_report_ttl
    monkeypatch.setattr(build, "write_report_ttl", lambda *a: written.append(real_write(*a)) or written[-1])
    third = build_store(tmp_path / "store", [folder])
    assert len(rendered) == 1, "only the added article's report is rendered"
    assert written == [True], "from the pieces (fresh and kept ones together), not rdflib's union"
    reports = _reports_of(tmp_path / "store")
    assert (third.build_dir / "report.ttl").read_bytes() == _rdflib_bytes(reports, tmp_path)


def _report(graph: str, results: list[str], extra: str = "") -> str:
    node = f"<{graph}/validation>"
    lines = [
        f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SH}ValidationReport> .",
        f'{node} <{SH}conforms> "{"false" if results else "true"}"^^<{BOOLEAN}> .',
    ]
    for r in results:
        lines.append(f"{node} <{SH}result> <{graph}/validation/result/{r}> .")
        lines.append(f'<{graph}/validation/result/{r}> <{SH}resultMessage> "message {r}\\nsecond line" .')
    return "\n".join(lines) + "\n" + extra


@pytest.mark.parametrize(
    "reports",
    [
        pytest.param([_report("http://e/g/a", ["1", "2"]), _report("http://e/g/b", [])], id="apart"),
        # One subject in two reports: rdflib merges their statements.
        pytest.param([_report("http://e/g/a", ["1"]), _report("http://e/g/a", ["2"])], id="merged"),
        # A report naming another's result: it is then referenced twice, which moves it in rdflib's order.
        pytest.param(
            [
                _report("http://e/g/a", ["1"]),
                _report(
                    "http://e/g/b",
                    ["2"],
                    f"<http://e/g/b/validation> <{SH}result> <http://e/g/a/validation/result/1> .\n",
                ),
            ],
            id="across",
        ),
        # Blank nodes: a statement's text depends on the whole graph.
        pytest.param(
            [_report("http://e/g/a", ["1"], f"_:x <{SH}value> <http://e/g/a/validation> .\n")], id="blank"
        ),
        pytest.param([], id="none"),
    ],
)
def test_report_ttl_equals_rdflibs_union(
    tmp_path: Path, reports: list[str], request: pytest.FixtureRequest
) -> None:
    apart = request.node.callspec.id in ("apart", "none")
    assert report_ttl.write_report_ttl(tmp_path, reports) == apart
    assert (tmp_path / report_ttl.REPORT_FILE).read_bytes() == _rdflib_bytes(reports, tmp_path)
    # Again with one more report: the pieces kept above (read back) and a fresh one together.
    more = [*reversed(reports), _report("http://e/g/c", ["3"])]
    again = tmp_path / "again"
    again.mkdir()
    assert report_ttl.write_report_ttl(again, more, previous=tmp_path) == apart
    assert (again / report_ttl.REPORT_FILE).read_bytes() == _rdflib_bytes(more, tmp_path)
