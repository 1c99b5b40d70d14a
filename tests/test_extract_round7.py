"""Readings added in round 7 of issue 7 (the 23 blind-labelled excerpts placed in
tests/real_corpus/dev by README-blind2.md), one test each, on invented sentences shaped like the
misses they were written for. Each also checks what must not be read."""

from __future__ import annotations

from pathlib import Path

from extract_helpers import article_claims

from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.segments import unwrapped

HEAD = "Tin chuyển đổi số"


def _ranks(rows: set) -> set[tuple]:
    return {(p, e, i, v, c) for p, e, i, m, v, c in rows if m == "rank"}


def test_a_hard_wrapped_sentence_is_read_across_its_lines(tmp_path: Path) -> None:
    # A legal text saved line by line: the rank's cohort, its change and the index's score and rank
    # are cut by line breaks that are not the ends of sentences.
    body = (
        "Năm 2023, Chỉ số DTI tỉnh Sóc Trăng đạt 0,4120, xếp thứ 41/63\n"
        "tỉnh, thành phố, tăng 7 bậc so với năm 2022. Cụ thể: Kinh tế số đạt\n"
        "0,3310, tăng 12% so với năm 2022, xếp thứ 38/63 tỉnh, thành phố."
    )
    got = article_claims(tmp_path, body, title=HEAD)
    assert ("soc-trang", 2023, "overall", "rank_change", 7, None) in got
    assert ("soc-trang", 2022, "overall", "rank", 48, 63) in got  # derived from the change
    assert ("soc-trang", 2023, "digital_economy", "rank", 38, 63) in got
    assert any(r[2:4] == ("digital_economy", "score") and float(r[4]) == 0.331 for r in got)
    # the quote is still the source's characters, line break included
    path = tmp_path / "a.txt"
    quotes = {s.quote for c in extract_path(path).claims for s in c.evidence}
    assert any("đạt\n0,3310" in q for q in quotes)


def test_unwrapping_keeps_offsets_and_real_line_breaks() -> None:
    text = "Tiêu đề\nDòng một kết thúc.\nDòng hai\nnối tiếp\n\n1 Đà Nẵng 0,8\nXếp hạng\n2 Hà Nội"
    out = unwrapped(text)
    assert len(out) == len(text)
    assert "Dòng hai nối tiếp" in out
    assert "kết thúc.\nDòng hai" in out  # a sentence's end stays a line break
    assert "Xếp hạng\n2 Hà Nội" in out  # a table's rows stay rows
    assert "\n\n1 Đà Nẵng" in out
