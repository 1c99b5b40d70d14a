"""How pages print values, over a store built from the seed corpus plus one English fixture article:
derived values are marked (never shown like published ones), scores have four decimals, indicators are
named, and the page tables' .csv/.json alternates carry a ``derived`` field."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from server_helpers import app_over

from dti_kg.build import build_store
from dti_kg.server.pages_common import indicator_label, measure_text, score_text

HTML = {"Accept": "text/html"}
ENGLISH_ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "en_thai_nguyen.txt"
DERIVED = re.compile(r'<em class="derived"[^>]*>([^<]*)\*</em>')


@pytest.fixture(scope="module")
def app(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    # The English article says Thái Nguyên was 8th of 63 in DTI 2024, four places up: both are compared
    # with official ranks derived from the scores (2023: 16, 2024/63: 6).
    store = tmp_path_factory.mktemp("pages-presentation") / "store"
    assert build_store(store, [corpus_dir, ENGLISH_ARTICLE]).ok
    with app_over(store, QUERY_TIMEOUT=20) as app:
        yield app


@pytest.fixture()
def client(app):
    return app.test_client()


def page(client, url: str) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


def row_of(html: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, row_id
    return match.group(1)


def first_cell(row: str, n: int) -> str:
    """The n-th <td> of a table row (0-based)."""
    return re.findall(r"<td>(.*?)</td>", row, re.S)[n]


def official_part(cell: str) -> str:
    """A value cell without its [news claims]."""
    return cell.split('class="claim"', 1)[0]


# ---------------------------------------------------------------- derived values


def test_province_page_marks_derived_official_ranks_and_not_published_ones(client) -> None:
    html = page(client, "/doc/province/thai-nguyen")
    y2023 = row_of(html, "v-2023-63-thai-nguyen")
    y2024 = row_of(html, "v-2024-63-thai-nguyen")
    y2021 = row_of(html, "v-2021-63-thai-nguyen")
    # the overall rank is the first value column (after edition, cohort, unit)
    assert DERIVED.findall(official_part(first_cell(y2023, 3))) == ["16"]
    assert DERIVED.findall(official_part(first_cell(y2024, 3))) == ["6"]
    assert '<strong title="chính thức / official">16</strong>' not in html
    assert '<strong title="chính thức / official">6</strong>' not in html
    assert '<strong title="chính thức / official">8</strong>' in first_cell(y2021, 3)
    assert not DERIVED.search(official_part(first_cell(y2021, 3)))
    # the English article's "8th in 2024, up four places" implies 12th in 2023: a derived claim
    assert re.search(r'class="claim"[^>]*>\[<em class="derived"[^>]*>12\*</em>\]', first_cell(y2023, 3))
    assert "competition ranking" in html and "suy ra từ điểm" in html.lower()
    # the rank-change table and the chart say the same
    changes = html.split('class="data rank-changes"', 1)[1].split("</table>", 1)[0]
    assert DERIVED.findall(changes) == ["16", "16", "6"]  # 2022→2023 (8 → 16*), 2023→2024 (16* → 6*)
    assert len(re.findall(r'<circle class="series-\d+ derived"', html)) == 2


def test_province_page_marks_derived_news_claims(client) -> None:
    html = page(client, "/doc/province/thai-nguyen")
    y2020 = row_of(html, "v-2020-63-thai-nguyen")
    # DTI 2020 rank 12 is computed from "8th, up 4 places" in two seed articles
    assert re.search(r'\[<em class="derived"[^>]*>12\*</em>\]</a><span class="count"[^>]*>×2', y2020)
    assert "Derived claim: the article does not state this value" in html
    evidence = html.split('id="v-2020-63-thai-nguyen-overall-rank"', 1)[1].split("</div>", 1)[0]
    assert len(DERIVED.findall(evidence)) == 2


def test_edition_ranking_marks_derived_ranks_only_where_derived(client) -> None:
    derived_year = page(client, "/doc/edition/2023")
    row = re.search(r'<tr><td><a href="/doc/province/thai-nguyen">.*?</tr>', derived_year, re.S).group(0)
    assert DERIVED.findall(row) == ["16"]
    assert "0.7137" in row and "competition ranking" in derived_year
    published = page(client, "/doc/edition/2021")  # a published ranking: nothing derived
    assert not DERIVED.search(published) and "competition ranking" not in published


def test_merged_unit_history_marks_derived_predecessor_ranks(client) -> None:
    html = page(client, "/doc/province/can-tho-2025")
    section = html.split('<section class="predecessors">', 1)[1].split("</section>", 1)[0]
    ranks = {
        year: re.findall(r'<td class="member-rank">(.*?)</td>', rows, re.S)
        for year, rows in re.findall(r'<tr class="edition-(\d{4})">(.*?)</tr>', section, re.S)
    }
    assert ranks["2023"] and all(DERIVED.fullmatch(r) for r in ranks["2023"])  # derived from 2023 scores
    assert ranks["2021"] and not any(DERIVED.search(r) for r in ranks["2021"])  # published 2021 ranks
    assert '<strong class="unit-rank">19</strong>' in section  # the 34-unit ranking publishes ranks
    assert "competition ranking" in section


def test_claim_and_audit_pages_mark_a_derived_claim_and_what_it_comes_from(client) -> None:
    rows = client.get("/doc/province/thai-nguyen.json").get_json()["rows"]
    derived_claim = next(
        r["obs"] for r in rows if r["origin"] == "claim" and r["year"] == "2020" and r["derived"] is True
    )
    path = derived_claim.split("/id/", 1)[1]
    html = page(client, f"/doc/{path}")
    assert '<td class="value"><em class="derived"' in html and ">12*</em> / 63" in html
    assert "DTI 2021 · rank change +4</a>" in html  # what the rank was computed from
    audit = page(client, f"/audit/{path}")
    assert re.search(r"<h2>.*= <em class=\"derived\"[^>]*>12\*</em>", audit)


def test_audit_trail_marks_the_derived_official_ranks_it_was_compared_with(client) -> None:
    rows = client.get("/doc/province/thai-nguyen.json").get_json()["rows"]
    english = next(
        r["obs"]
        for r in rows
        if r["origin"] == "claim"
        and r["year"] == "2024"
        and r["measure"] == "rank"
        and r["cohort"] == "63"
        and r["indicator"] == "overall"  # the pillar rank (also over the 63) has no official value
    )
    audit = page(client, "/audit/" + english.split("/id/", 1)[1])
    official = re.search(r"official value</span> (.*?) · <a", audit).group(1)
    assert DERIVED.search(official) and "6*" in official and "<strong" not in official
    observation = page(client, "/audit/observation/2024/63/thai-nguyen/overall/rank")
    assert re.search(r'<td class="value"><em class="derived"[^>]*>6\*</em> \(rank, /63\)', observation)
    published = page(client, "/audit/observation/2021/63/thai-nguyen/overall/rank")
    assert '<td class="value">8 (rank, /63)</td>' in published


def test_table_alternates_carry_a_derived_field(client) -> None:
    text = client.get("/doc/province/thai-nguyen.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    flags = {
        (r["year"], r["cohort"], r["origin"], r["value"], r["derived"])
        for r in rows
        if r["indicator"] == "overall" and r["measure"] == "rank"
    }
    assert ("2023", "63", "official", "16", "true") in flags
    assert ("2021", "63", "official", "8", "false") in flags
    assert ("2020", "63", "claim", "12", "true") in flags
    data = client.get("/doc/edition/2023.json").get_json()
    assert "derived" in data["columns"]
    tn = {
        (r["measure"], r["derived"])
        for r in data["rows"]
        if r["province"].endswith("/thai-nguyen") and r["indicator"] == "overall"
    }
    assert tn == {("rank", True), ("score", False)}


# ---------------------------------------------------------------- scores and indicator names


def test_scores_print_with_four_decimals_on_pages_but_not_in_data(client) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/doc/edition/2024.csv").get_data(as_text=True))))
    assert {
        r["value"] for r in rows if r["province"].endswith("/can-tho-2025") and r["measure"] == "score"
    } == {"0.703"}
    edition = page(client, "/doc/edition/2024")
    assert "0.7030" in edition and not re.search(r">0\.703<", edition)
    unit = page(client, "/doc/province/can-tho-2025")
    assert "1.0000" in unit and not re.search(r">1<", unit)  # a main-index score of 1
    canned = page(client, "/queries/unit-history?unit=province/can-tho-2025")
    assert "<td>0.7030</td>" in canned and "<td>0.703</td>" not in canned
    trail = client.get("/queries/audit-trail", query_string={"format": "srj"}).get_json()["results"]
    claim = next(b for b in trail["bindings"] if b["measure"]["value"] == "score")
    shown = page(client, "/doc/" + claim["claim"]["value"].split("/id/", 1)[1])
    assert f'<td class="value">{score_text(claim["value"]["value"])}' in shown


def test_score_and_measure_text() -> None:
    assert [score_text(v) for v in ("1", "0.496", "0.4960", "0.32155", "n/a")] == [
        "1.0000",
        "0.4960",
        "0.4960",
        "0.32155",  # never rounds digits away
        "n/a",
    ]
    assert measure_text("4", "rankChange") == "+4" and measure_text("-3", "rankChange") == "-3"
    assert measure_text("12", "rank") == "12" and measure_text("0.5", "score") == "0.5000"


def test_headers_and_lists_name_indicators_keys_stay_in_data(client) -> None:
    assert indicator_label("digital_government") == ("Chính quyền số", "Digital government")
    for url, vi, en in (
        ("/doc/province/thai-nguyen", "Chính quyền số", "Digital government"),
        ("/doc/edition/2021", "Chính quyền số", "Digital government"),
        ("/doc/province/can-tho-2025", "Nhận thức số", "Digital awareness"),
    ):
        html = page(client, url)
        headers = " ".join(re.findall(r"<th[^>]*>(.*?)</th>", html, re.S))
        assert vi in headers and en in headers, url
        assert not re.search(r"\b(digital_[a-z_]+|overall)\b", headers), url
    lists = page(client, "/doc/province/can-tho-2025").split("News claims about the predecessors", 1)[1]
    claims = lists.split("</ul>", 1)[0]
    assert "Chỉ số DTI tổng thể" in claims and not re.search(r"\boverall\b", claims)
    data = client.get("/doc/edition/2021.json").get_json()["rows"]
    assert {r["indicator"] for r in data} >= {"overall", "digital_government"}


# ---------------------------------------------------------------- what a reader would stumble on


def test_province_page_tables_have_no_empty_columns_and_one_bracket_per_value(client) -> None:
    html = page(client, "/doc/edition/2024")
    for table in re.findall(r'<table class="data ranking">(.*?)</table>', html, re.S):
        body = table.split("<tbody>", 1)[1]
        cells = [
            re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]
        for column in zip(*cells, strict=True):
            assert any(c.strip() for c in column)  # no column without a value
    tn = page(client, "/doc/province/thai-nguyen")
    y2020 = row_of(tn, "v-2020-63-thai-nguyen")
    assert first_cell(y2020, 3).count('class="claim"') == 1  # two claims of rank 12: one bracket, ×2


def test_chart_needs_two_points_and_keeps_series_apart(client) -> None:
    single = page(client, "/doc/province/can-tho-2025")  # ranked in DTI 2024 only
    assert "<svg" not in single and "Too few overall ranks for a chart" in single
    html = page(client, "/doc/province/thai-nguyen")
    points = re.findall(r'<circle class="series-(\d+)[^"]*" cx="([\d.]+)" cy="([\d.]+)"', html)
    positions = [(x, y) for _, x, y in points]
    assert len(positions) == len(set(positions))  # the 2024 /34 rank 8 and the claimed 8 both show
    assert len({s for s, _, _ in points}) == 3  # /34, /63 and claims without a cohort
    assert html.count('class="legend"') == 3


def test_home_lists_provinces_in_vietnamese_alphabetical_order(client) -> None:
    html = page(client, "/")
    section = html.split("The 63 provinces", 1)[1].split("</ul>", 1)[0]
    names = re.findall(r'<a href="/doc/province/[a-z-]+">([^<]+)</a>', section)
    assert len(names) == 63
    for earlier, later in (("Bạc Liêu", "Bắc Giang"), ("Cà Mau", "Cần Thơ"), ("Đắk Lắk", "Gia Lai")):
        assert names.index(earlier) < names.index(later), (earlier, later)
    assert names.index("Yên Bái") == 62 and names[0] == "An Giang"


def test_agency_page_lists_the_merger_event_once(client) -> None:
    html = page(client, "/doc/agency/bo-tttt")
    succession = html.split("Succession", 1)[1].split("</section>", 1)[0]
    assert succession.count('href="/doc/event/ministry-merger-2025"') == 1


def test_query_editor_says_when_there_are_no_results(client) -> None:
    html = page(client, "/query?canned=edition-top&run=1")  # its required parameters stay unbound
    assert "0 dòng" in html and "No results" in html


def test_province_page_shows_each_claims_reconciliation(client) -> None:
    """Issue 4: the status of each claim is shown on the province page, not only on the claim page."""
    html = page(client, "/doc/province/thai-nguyen")
    confirmed = html.split('id="v-2021-63-thai-nguyen-overall-rank"', 1)[1].split("</div>", 1)[0]
    assert confirmed.count('class="status status-confirmed"') == 2  # rank 8, stated by two seed articles
    unverifiable = html.split('id="v-2020-63-thai-nguyen-overall-rank"', 1)[1].split("</div>", 1)[0]
    assert 'class="status status-unverifiable"' in unverifiable  # no official DTI 2020 figure for Thái Nguyên
