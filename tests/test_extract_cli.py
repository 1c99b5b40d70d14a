"""``dti extract`` through click's runner and as a real process (exit statuses)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from dti_kg.cli import main

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def _dti() -> str:
    found = shutil.which("dti", path=str(Path(sys.executable).parent))
    assert found, "the dti console script is not installed next to this Python"
    return found


def test_jsonl_on_the_seeds(corpus_dir, expected_claims):
    result = CliRunner().invoke(main, ["extract", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(expected_claims) == 27
    assert records == sorted(
        records, key=lambda r: (r["source"], r["province"], r["edition"], r["indicator"])
    )
    for r in records:
        assert {
            "province_code",
            "quote",
            "start",
            "end",
            "rule",
            "evidence",
            "edition_basis",
            "province_basis",
        } <= set(r)
        assert ("compared_to_edition" in r) == (r["measure"] == "rank_change")
        assert isinstance(r["value"], float if r["measure"] == "score" else int)
        assert r["evidence"][0] == {"start": r["start"], "end": r["end"], "quote": r["quote"]}
    ben_tre = next(r for r in records if r["province"] == "Bến Tre")
    assert (ben_tre["province_code"], ben_tre["province_basis"], ben_tre["edition_basis"]) == (
        "83",
        "outlet",
        "inferred_from_date",
    )


def test_table_format_and_bad_file_goes_on(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    result = CliRunner().invoke(
        main, ["extract", str(bad), str(ARTICLES / "en_thai_nguyen.txt"), "--format", "table"]
    )
    assert result.exit_code == 1
    assert "bad.txt" in result.stderr and "binary" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["source", "province", "edition", "indicator"]
    assert len(lines) == 1 + 6 and all("en_thai_nguyen.txt" in line for line in lines[1:])


def test_notes_go_to_stderr():
    result = CliRunner().invoke(main, ["extract", str(ARTICLES / "vi_non_dti.txt")])
    assert result.exit_code == 0 and result.stdout == ""
    assert "no DTI content" in result.stderr


def test_process_exit_statuses(tmp_path):
    good = subprocess.run(
        [_dti(), "extract", str(ARTICLES / "vi_lang_son.html")], capture_output=True, text=True
    )
    assert good.returncode == 0 and len(good.stdout.splitlines()) == 3
    missing = subprocess.run(
        [_dti(), "extract", str(tmp_path / "nope.txt"), str(ARTICLES / "vi_lang_son.html")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and "nope.txt" in missing.stderr and "Traceback" not in missing.stderr
    assert missing.stdout == good.stdout
    usage = subprocess.run([_dti(), "extract"], capture_output=True, text=True)
    assert usage.returncode == 2
