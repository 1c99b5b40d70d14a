"""Normalisation and the gazetteer: the ground every loader stands on."""

from __future__ import annotations

import csv
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
import vietnam_provinces

from dti_kg.gazetteer import POST_MERGER, PRE_MERGER, gazetteer
from dti_kg.text import normalise_text, parse_score, parse_vi_decimal


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("hoàng", "hoàng"),  # closed syllable: tone stays on "a"
        ("quý", "quý"),  # "qu" is a consonant: tone stays on "y"
        ("thuỷ lợi", "thủy lợi"),
        (unicodedata.normalize("NFD", "Thái Nguyên"), "Thái Nguyên"),
        ("a\u00a0 b\r\nc", "a b\nc"),
    ],
)
def test_normalise_text(raw: str, normalised: str) -> None:
    assert normalise_text(raw) == normalised + "\n"


def test_vietnamese_numbers() -> None:
    assert parse_vi_decimal("0,3215") == Decimal("0.3215")
    assert parse_vi_decimal("1.260") == Decimal(1260)
    assert parse_score("1.000") == Decimal("1.000")  # the maximum score, not one thousand
    assert parse_score("0,3215") == Decimal("0.3215")
    assert parse_score("1.260") is None


def test_gazetteer_sizes_and_codes() -> None:
    g = gazetteer()
    assert len(g.pre_merger) == 63
    assert len(g.post_merger) == 34
    assert len({u.gso_code for u in g.pre_merger}) == 63
    predecessors = sorted(p for u in g.post_merger for p in u.predecessors)
    assert predecessors == sorted(u.slug for u in g.pre_merger), (
        "every old province is in exactly one new unit"
    )


def test_post_merger_units_match_vietnam_provinces() -> None:
    ours = {u.gso_code: u.name_vi for u in gazetteer().post_merger}
    theirs = {f"{int(p.code):02d}": p.name for p in vietnam_provinces.Province.iter_all()}
    assert set(ours) == set(theirs)
    for code, name in theirs.items():
        assert gazetteer().lookup(name, POST_MERGER) is not None, f"{name} ({code}) not found"
        assert gazetteer().lookup(name, POST_MERGER).gso_code == code


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("TP.HCM", "ho-chi-minh"),
        ("TP Hồ Chí Minh", "ho-chi-minh"),
        ("Thừa Thiên - Huế", "thua-thien-hue"),
        ("Thanh Hoá", "thanh-hoa"),
        (unicodedata.normalize("NFD", "Hoà Bình"), "hoa-binh"),
        ("tỉnh Thái Nguyên", "thai-nguyen"),
        ("TP. Cần Thơ", "can-tho"),
    ],
)
def test_lookup_spellings(name: str, slug: str) -> None:
    unit = gazetteer().lookup(name, PRE_MERGER)
    assert unit is not None and unit.slug == slug


def test_merger_table_reproduces_official_2024_means(reference_dir: Path) -> None:
    """The ministry scored each merged unit as the mean of its members' pre-merger totals."""
    g = gazetteer()
    with (reference_dir / "dti_provincial.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    old = {
        g.lookup(r["province_as_published"]).slug: Decimal(r["score"])
        for r in rows
        if r["edition"] == "2024" and r["cohort"] == "63"
    }
    assert len(old) == 63
    checked = 0
    for r in rows:
        if r["edition"] == "2024" and r["cohort"] == "34":
            unit = g.lookup(r["province_as_published"], POST_MERGER)
            members = [old[p] for p in unit.predecessors]
            assert abs(sum(members) / len(members) - Decimal(r["score"])) <= Decimal("0.00015"), unit.slug
            checked += 1
    assert checked == 34
