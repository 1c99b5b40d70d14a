"""Reading input files: normalisation, metadata and its sources, and every kind of bad input."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from dti_kg.errors import InputError
from dti_kg.loaders.documents import MAX_BYTES, expand_paths, load_document
from dti_kg.loaders.metadata import detect_language, parse_date
from dti_kg.text import sha256_hex

ARTICLE = "Tin chuyển đổi số\n\nNgày 20-10-2021\n\nTỉnh Khánh Hoà đứng thứ 5/63 về chuyển đổi số.\n"


def test_text_is_normalised_and_hashed(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(unicodedata.normalize("NFD", ARTICLE).replace("\n", "\r\n"), encoding="utf-8")
    doc = load_document(path)
    assert "Khánh Hòa" in doc.text and "\r" not in doc.text
    assert doc.sha256 == sha256_hex(doc.text) and doc.source_id == doc.sha256[:16]
    assert doc.title == "Tin chuyển đổi số" and doc.published.isoformat() == "2021-10-20"
    assert doc.media_type == "text/plain" and doc.language == "vi"
    assert doc.metadata_basis == {"language": "text", "published": "text", "title": "text"}


def test_sidecar_fills_only_what_the_text_lacks(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    sidecar = {
        "url": "https://baokhanhhoa.vn/a.html",
        "outlet": "VnExpress",
        "published": "2030-01-01",
        "title": "X",
    }
    (tmp_path / "a.txt.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    doc = load_document(path)
    assert doc.published.isoformat() == "2021-10-20" and doc.title == "Tin chuyển đổi số"  # the text wins
    assert doc.url == "https://baokhanhhoa.vn/a.html" and doc.outlet == "vnexpress"
    assert doc.metadata_basis["url"] == "sidecar" and doc.metadata_basis["published"] == "text"


def test_sidecar_outlet_outside_the_registry_keeps_its_name(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"outlet": "Báo Mới Lạ", "language": "vi"}', encoding="utf-8")
    doc = load_document(path)
    assert (doc.outlet, doc.outlet_name, doc.metadata_basis["language"]) == (None, "Báo Mới Lạ", "sidecar")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"outlet": 3}', "must be a string"),
        ('{"publisher": "x"}', "unknown keys"),
        ('{"published": "20/10/2021"}', "ISO date"),
        ('{"language": "fr"}', "'language'"),
        ("{not json", "not a valid"),
    ],
)
def test_bad_sidecar(tmp_path, content, reason):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=reason) as info:
        load_document(path)
    assert "a.txt.meta.json" in str(info.value)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("latin1.txt", "Tỉnh Hà Nội".encode("utf-16-le").replace(b"\x00", b"") + b"\xe9\xff", "not UTF-8"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\n\xe2\x80\x8b\n", "empty"),
        ("binary.txt", b"PK\x03\x04\x00\x00binary", "binary"),
        ("report.pdf", b"%PDF-1.4", "unsupported file type"),
        (
            "menu.html",
            "<html><body><nav><a href=/>Trang chủ</a> <a href=/x>Thời sự</a></nav>"
            "<footer>Bản quyền 2024</footer></body></html>".encode(),
            "without an article",
        ),
        (
            "noarticle.html",
            b"<html><head><title>x</title></head><body><nav>a</nav></body></html>",
            "without an article",
        ),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_file(tmp_path, name, data, reason):
    path = _write(tmp_path / name, data)
    with pytest.raises(InputError, match=reason) as info:
        load_document(path)
    assert name in str(info.value)


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(InputError, match="over the 10 MB limit") as info:
        load_document(path)
    assert "huge.txt" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "gone.txt")


def test_a_missing_folder_is_missing_not_an_unsupported_file_type(tmp_path):
    # Regression: `dti snapshot` without ../shared said "corpus: unsupported file type '(none)'".
    with pytest.raises(InputError, match="corpus: no such file or directory"):
        load_document(tmp_path / "corpus")


def test_directory_expands_to_its_articles(tmp_path):
    for name in ("b.txt", "a.html", "a.html.meta.json", "README.md", "README.txt", "claims.jsonl", "x.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.html", "b.txt"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \.txt or \.html"):
        expand_paths([tmp_path / "empty"])


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Cập nhật ngày: 08/08/2022 04:30 (Lượt xem: 980)", "2022-08-08"),
        ("09/09/2021 - 22:09", "2021-09-09"),
        ("KIM DUNG 11/08/2022 11:30", "2022-08-11"),
        ("Ngày 20-10-2021 - Lượt xem: 30", "2021-10-20"),
        ("Published 2025-10-21T10:00", "2025-10-21"),
        ("October 21, 2025", "2025-10-21"),
        ("21 October 2025", "2025-10-21"),
        ("Ngày 8-8, tại phiên họp", None),
        ("31/02/2022", None),
    ],
)
def test_date_formats(line, iso):
    d = parse_date(line)
    assert (d.isoformat() if d else None) == iso


def test_language_detection():
    assert detect_language("Tỉnh Thái Nguyên đứng thứ 8 về chuyển đổi số") == "vi"
    assert detect_language("Thai Nguyen province ranked 8th out of 63 provinces in the index") == "en"
    # Few function words, no diacritic: still English (en-extract); Vietnamese typed without its
    # diacritics has no English function words.
    assert (
        detect_language(
            "Digital transformation news\n\nBac Giang's 2022 DTI score was 0.6512, ranking it 9th"
        )
        == "en"
    )
    assert detect_language("Tinh Bac Giang xep thu 9 ve chuyen doi so nam 2022") == "vi"
    # English that writes the names with their marks (extract-en): more than 5 % of its letters are
    # marked, but it is full of English function words; a Vietnamese sentence with an English word is not.
    assert detect_language("In the 2022 DTI, Bắc Ninh ranked 7th, while Đà Nẵng topped the ranking.") == "en"
    assert detect_language("Tỉnh Bắc Ninh xếp thứ 7 trong bảng xếp hạng DTI năm 2022 và the index") == "vi"


@pytest.mark.parametrize(
    "header",
    [
        "Thứ Hai, 08/08/2022 04:30",
        "Cập nhật ngày: 08/08/2022",
        "October 21, 2025",
        "KIM DUNG 11/08/2022 11:30",
        "2025-10-21",
    ],
)
def test_a_date_line_is_never_the_title(tmp_path, header):
    """Regression (issue 7): a date line above the headline became the article's title."""
    path = tmp_path / "a.txt"
    path.write_text(f"{header}\nĐà Nẵng dẫn đầu chỉ số DTI 2022\n\nNội dung bài viết.\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Đà Nẵng dẫn đầu chỉ số DTI 2022"
    assert doc.published is not None


def test_a_headline_with_a_date_is_still_the_title(tmp_path):
    path = tmp_path / "a.txt"
    headline = "Bộ TT&TT công bố kết quả DTI 2022 ngày 12/7/2023 tại Hà Nội"
    path.write_text(f"{headline}\n\nNội dung.\n", encoding="utf-8")
    assert load_document(path).title == headline
