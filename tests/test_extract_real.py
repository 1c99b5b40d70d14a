"""Extraction on real articles nobody here wrote (tests/real_corpus, issue 7), scored per language
and split, with floors at the figures measured so far: a rule change that loses precision or
recall on either split fails here. Rules are tuned on ``dev`` only; ``test`` is reported, never
tuned on (see tests/real_corpus/README.md).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from dti_kg.errors import InputError
from dti_kg.evaluation import (
    MATCH_FIELDS,
    Score,
    comparable,
    evaluate,
    evaluate_file,
    labelled_articles,
    report,
    totals,
)
from dti_kg.loaders.documents import SIDECAR_KEYS

CORPUS = Path(__file__).parent / "real_corpus"
SPLITS = ("dev", "test")

# (language, split) -> (precision, recall) at least, rounded down from the last measurement.
# Baseline before any rule change (commit a702171): vi dev 0.879 / 0.256, vi test 0.970 / 0.390.
# + flattened tables (loaders/tables.py): vi dev 0.945 / 0.601, vi test 0.970 / 0.390.
# + shared values, sequences, cohort cues, anaphora: vi dev 0.987 / 0.751, vi test 0.973 / 0.439.
# Loader 0.4.0 (issue 7, tuned on dev only): vi dev 0.996 / 0.907, vi test 0.976 / 0.500.
# English (corpus-en): baseline en dev 0.720 / 0.265, en test 0.909 / 0.182. Loader 0.4.1 (both
# branches): en dev 0.984 / 0.926, en test 1.000 / 0.436, vi dev 0.997 / 0.917, vi test 0.977 / 0.188.
# Issue 7 round 2 (branch extract2): dev enlarged by 6 hand-labelled vi articles (vi dev 0.997 / 0.880
# before any rule change; the old 63 vi dev files stay at 0.917). After: vi dev 0.997 / 0.924,
# vi test 0.977 / 0.188, en dev 0.984 / 0.926, en test 1.000 / 0.564.
# Issue 7 round 3 (branch vi-extract): dev enlarged by 5 hand-labelled vi excerpts, test by 1 (vi dev
# 0.994 / 0.892 before any rule change). After the layout-free table reader (loaders/table_text.py)
# and general prose fixes, tuned on dev only:
# vi dev 1.000 / 0.964, vi test 0.982 / 0.247; en dev 0.985 / 0.941 (a 2024 rank with places gained
# since 2023 now derives the 2023 rank), en test 1.000 / 0.564.
# Branch en-extract: the English part grown by 23 hand-labelled excerpts (15 dev, 8 test; 15 of them
# negatives). Before any rule change: en dev 0.971 / 0.835 (79 claims), en test 1.000 / 0.571
# (56 claims). After (claims_en_discourse.py / claims_en_lists.py, tuned on dev only): en dev
# 0.988 / 0.942 (86 claims), en test 1.000 / 0.597 (62 claims, 7 of them in the two new test files).
# Branch extract-en: 6 more hand-labelled English excerpts (4 dev, 2 test; 4 negatives). Before any
# rule change: en dev 0.988 / 0.943 (87 claims), en test 1.000 / 0.588 (68 claims). After
# (claims_en_sequences.py and lexicon entries, loader 0.5.1): en dev 0.988 / 0.943, en test 1.000 / 0.838.
# The dti.gov.vn 2021 table (141 claims, a layout no rule reads yet, test split) lowers vi test recall.
# Branch extract-vi (loader 0.5.2): vi dev +1 hand-labelled excerpt (1.000 / 0.964 before any rule
# change); table readers made general by property tests over the official values; runs of editions:
# then an earlier year's ranks by reference, the DTI spoken of again, whole units' derived ranks:
# vi dev 1.000 / 0.983, vi test 0.982 / 0.247 (unchanged).
# Round 5 (session 9, README-blind.md): 51 excerpts labelled blind by labellers who wrote no rules,
# scored once as a whole (vi 0.925 / 0.386, en 1.000 / 0.623), then placed by the split rule (40 dev,
# 11 test). Before any rule change: vi dev 0.993 / 0.899, vi test 0.968 / 0.228, en dev 0.991 / 0.853,
# en test 1.000 / 0.785.
# Branch vi-rules (round 5 dev, general readings: index lists with "lần lượt", alternating index/value
# pairs, bracketed changes, month-only dates, leader and cohort scopes): vi dev 1.000 / 0.993,
# vi test 0.968 / 0.228 (summary only, unchanged).
# Branch en-rules (round 5, English): en dev 0.992 / 0.961, en test 1.000 / 0.785 (summary only).
# Round 6 (tests/real_corpus/README-blind2.md): 28 more blind excerpts (60 claims) scored once as a
# whole with loader 0.6.0 (vi 0.880 / 0.458, en 1.000 / 0.500), then placed by the split rule (23 dev,
# 5 test); no rule changed for them yet: vi dev 0.994 / 0.941, vi test 0.968 / 0.228, en dev
# 0.992 / 0.920, en test 1.000 / 0.793.
# Branch rules23 (round 7, loader 0.7.0: general rules for the round-6 dev misses, docs/extraction-round7.md):
# vi dev 1.000 / 0.994, vi test 0.968 / 0.228, en dev 0.992 / 0.920, en test 1.000 / 0.793 (summary only).
FLOORS: dict[tuple[str, str], tuple[float, float]] = {
    ("vi", "dev"): (0.999, 0.993),
    ("vi", "test"): (0.967, 0.227),
    ("en", "dev"): (0.991, 0.919),
    ("en", "test"): (1.0, 0.792),
}


@pytest.fixture(scope="module")
def results():
    return evaluate([CORPUS / s for s in SPLITS])


def test_every_article_has_a_valid_sidecar_labels_and_the_split_its_url_decides():
    articles = labelled_articles([CORPUS / s for s in SPLITS])
    assert len([a for a in articles if a.name.startswith("vi_")]) >= 96
    assert len([a for a in articles if a.name.startswith("en_")]) >= 89
    for article in articles:
        meta = json.loads(article.with_suffix(".meta.json").read_text(encoding="utf-8"))
        assert set(meta) == SIDECAR_KEYS, article
        digit = hashlib.sha256(meta["url"].encode()).hexdigest()[0]
        assert article.parent.name == ("test" if digit in "0123" else "dev"), article
        labels = article.with_name(article.stem + ".expected.jsonl").read_text(encoding="utf-8")
        for line in labels.splitlines():
            assert json.loads(line)["source"] == article.name


@pytest.mark.parametrize("language, split", sorted(FLOORS))
def test_precision_and_recall_stay_above_the_measured_floor(results, language, split):
    score = totals(results)[(language, split)]
    floor_p, floor_r = FLOORS[(language, split)]
    print(report(results, details=False))
    assert score.precision >= floor_p, f"{language}/{split} precision {score.precision:.3f} < {floor_p}"
    assert score.recall >= floor_r, f"{language}/{split} recall {score.recall:.3f} < {floor_r}"


def test_comparable_ignores_derived_rounds_scores_and_keeps_the_compared_edition():
    base = {"source": "a.txt", "province": "Bến Tre", "edition": 2021, "indicator": "overall", "out_of": None}
    score = {**base, "measure": "score", "value": 0.70240000001, "derived": False}
    assert comparable(score) == comparable({**score, "value": 0.7024, "derived": True})
    change = {**base, "measure": "rank_change", "value": 2, "compared_to_edition": 2020}
    assert comparable(change) != comparable({**change, "compared_to_edition": 2019})
    assert set(MATCH_FIELDS) >= {"source", "province", "edition", "indicator", "measure", "value"}


def test_a_wrong_label_shows_as_a_miss_and_the_claim_as_wrong(tmp_path):
    # A real article with one true label and one altered label (rank 26 instead of 25).
    src = CORPUS / "dev" / "vi_travinh_dti2022_hang_25.txt"
    article = tmp_path / "dev" / src.name
    article.parent.mkdir()
    shutil.copy(src, article)
    shutil.copy(src.with_suffix(".meta.json"), article.with_suffix(".meta.json"))
    labels = [
        {"source": src.name, "province": "Trà Vinh", "edition": 2022, "indicator": "overall",
         "measure": "rank", "value": 26, "out_of": 63, "derived": False},
    ]  # fmt: skip
    article.with_name(article.stem + ".expected.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in labels), encoding="utf-8"
    )
    result = evaluate_file(article)
    assert result.split == "dev" and result.language == "vi"
    assert [r["value"] for r in result.missed] == [26]
    assert any(r["indicator"] == "overall" and r["value"] == 25 for r in result.wrong)
    assert result.score.recall == 0.0 and result.score.false_positives == len(result.wrong)


def test_a_folder_without_labels_is_a_one_line_error(tmp_path):
    (tmp_path / "a.txt").write_text("Không có gì.", encoding="utf-8")
    with pytest.raises(InputError, match="no labelled articles"):
        labelled_articles([tmp_path])


def test_scores_add_up_and_empty_sets_count_as_perfect():
    assert Score(1, 2, 3) + Score(1, 0, 1) == Score(2, 2, 4)
    assert Score().precision == 1.0 and Score().recall == 1.0
    assert Score(3, 1, 0).precision == 0.75
