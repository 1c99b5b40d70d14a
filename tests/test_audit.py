"""``dti audit`` on a store built from the seed corpus: span re-verification, reconciliation summary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from dti_kg.cli import main

TAMPERED_FILE = "004_a227b877d161f5a7.txt"
TAMPERED_QUOTE = "với chỉ số giá trị DTI đạt 0,3215"


def audit(store: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "--store", str(store), *args])
    return result.exit_code, result.output


def audit_json(store: Path, *args: str) -> tuple[int, dict]:
    code, out = audit(store, *args, "--format", "json")
    return code, json.loads(out)


def claims_of(report: dict, province: str, edition: int) -> list[dict]:
    return [
        c
        for c in report["reconciliation"]["claims"]
        if c["province_label"] == province and c["edition"] == edition
    ]


def test_thai_nguyen_2021_ranks_are_confirmed_by_two_articles_each(seed_store: Path) -> None:
    code, report = audit_json(seed_store)
    assert code == 0
    ranks = {
        c["indicator"]: c
        for c in claims_of(report, "Thái Nguyên", 2021)
        if c["measure"] == "rank" and c["source"].startswith("000_")
    }
    assert {k: c["value"] for k, c in ranks.items()} == {
        "overall": "8",
        "digital_government": "9",
        "digital_economy": "5",
        "digital_society": "8",
    }
    for c in ranks.values():
        assert c["status"] == "confirmed"
        assert c["matched_cohorts"] == [63] and c["official_values"] == [c["value"]]
        assert c["corroboration"] == 2
        assert c["sources"] == ["000_2115fb3839d4d7c3.txt", "003_46c34877ebc259b5.txt"]


def test_seed_001_rank_matches_the_34_unit_ranking_and_its_full_scores_are_confirmed(
    seed_store: Path,
) -> None:
    _code, report = audit_json(seed_store)
    claims = [c for c in claims_of(report, "Thái Nguyên", 2024) if c["source"].startswith("001_")]
    by_what = {(c["indicator"], c["measure"]): c for c in claims}
    rank = by_what[("overall", "rank")]
    assert (rank["value"], rank["status"], rank["matched_cohorts"], rank["official_values"]) == (
        "8",
        "confirmed",
        [34],
        ["8"],
    )
    assert rank["official_observations"] == [
        "https://w3id.org/dti-kg/id/observation/2024/34/thai-nguyen-2025/overall/rank"
    ]
    scores = [c for c in claims if c["measure"] == "score"]
    assert len(scores) == 2
    assert all(c["status"] == "confirmed" and c["matched_cohorts"] == [34] for c in scores)
    assert all(float(c["value"]) == 1.0 and float(c["official_values"][0]) == 1.0 for c in scores)


def test_every_claim_without_an_official_figure_is_unverifiable(seed_store: Path) -> None:
    _code, report = audit_json(seed_store)
    claims = report["reconciliation"]["claims"]
    assert claims and all(c["status"] != "not reconciled" for c in claims)
    for c in claims:
        assert (c["status"] == "unverifiable") == (not c["official_values"]), c
    counts = report["reconciliation"]["counts"]
    assert counts == {
        "confirmed": sum(c["status"] == "confirmed" for c in claims),
        "contradicted": 0,
        "unverifiable": sum(c["status"] == "unverifiable" for c in claims),
    }
    assert counts["unverifiable"] > 0
    unverifiable = {(c["province_label"], c["edition"]) for c in claims if c["status"] == "unverifiable"}
    assert {("Bến Tre", 2020), ("Hậu Giang", 2020)} <= unverifiable


def test_without_sources_the_spans_are_not_reverified(seed_store: Path) -> None:
    code, out = audit(seed_store)
    assert code == 0
    assert "not re-verified" in out
    assert "Reconciliation: 27 claim(s):" in out
    _code, report = audit_json(seed_store)
    assert report["spans"]["verified"] is False and "sources" not in report["spans"]


def test_unchanged_corpus_verifies_every_span(seed_store: Path, corpus_dir: Path) -> None:
    code, report = audit_json(seed_store, "--sources", str(corpus_dir))
    assert code == 0, report["spans"]
    sources = report["spans"]["sources"]
    assert len(sources) == 5
    assert all(s["status"] == "ok" and s["file_sha256"] == s["stored_sha256"] for s in sources)
    assert sum(s["spans"] for s in sources) > 27  # every claim has at least one span, facts too


def _copy(corpus_dir: Path, target: Path) -> Path:
    shutil.copytree(corpus_dir, target)
    return target


def test_a_changed_digit_is_reported_as_drift_with_exit_status_1(
    seed_store: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    copy = _copy(corpus_dir, tmp_path / "corpus")
    path = copy / TAMPERED_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count("0,3215") == 1
    path.write_text(text.replace("0,3215", "0,3216"), encoding="utf-8")

    code, out = audit(seed_store, "--sources", str(copy))
    assert code == 1
    assert f"DRIFT    {TAMPERED_FILE}" in out
    assert "hash changed" in out
    assert f'quote gone: "{TAMPERED_QUOTE}"' in out

    code, report = audit_json(seed_store, "--sources", str(copy))
    assert code == 1 and report["ok"] is False
    bad = [s for s in report["spans"]["sources"] if s["status"] != "ok"]
    assert [s["file_name"] for s in bad] == [TAMPERED_FILE]
    (problem,) = bad[0]["problems"]
    assert (problem["kind"], problem["exact"], problem["now_at"]) == ("gone", TAMPERED_QUOTE, [])
    assert problem["cited_by"], "the claim resting on the span is named"


def test_a_moved_quote_says_where_it_is_now(seed_store: Path, corpus_dir: Path, tmp_path: Path) -> None:
    copy = _copy(corpus_dir, tmp_path / "corpus")
    path = copy / TAMPERED_FILE
    path.write_text("Dòng mới.\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    code, report = audit_json(seed_store, "--sources", str(copy))
    assert code == 1
    (bad,) = [s for s in report["spans"]["sources"] if s["status"] != "ok"]
    moved = {p["exact"]: p for p in bad["problems"]}
    assert all(p["kind"] == "moved" for p in moved.values())
    quote = moved[TAMPERED_QUOTE]
    shift = len("Dòng mới.\n")
    assert quote["now_at"][0] == [quote["start"] + shift, quote["end"] + shift]


def test_a_missing_file_is_reported(seed_store: Path, corpus_dir: Path, tmp_path: Path) -> None:
    copy = _copy(corpus_dir, tmp_path / "corpus")
    (copy / TAMPERED_FILE).unlink()
    code, out = audit(seed_store, "--sources", str(copy))
    assert code == 1
    assert f"MISSING  {TAMPERED_FILE}: no file named {TAMPERED_FILE}" in out
    assert out.count("  ok       ") == 4


def test_sources_folder_found_in_a_subfolder_and_bad_folder_named(
    seed_store: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    nested = _copy(corpus_dir, tmp_path / "outer" / "inner")
    code, _report = audit_json(seed_store, "--sources", str(nested.parent))
    assert code == 0
    code, out = audit(seed_store, "--sources", str(tmp_path / "nope"))
    assert code == 2
    assert "nope: not a directory" in out


def test_the_json_report_is_deterministic(seed_store: Path, corpus_dir: Path) -> None:
    first = audit(seed_store, "--sources", str(corpus_dir), "--format", "json")
    assert first == audit(seed_store, "--sources", str(corpus_dir), "--format", "json")
