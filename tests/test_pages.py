"""HTML pages over the sample store: content, links, escaping of source text, offline assets."""

from __future__ import annotations

import csv
import io
import re

import pytest

HTML = {"Accept": "text/html"}


def page(client, url: str) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_home_links_provinces_editions_agencies_and_queries(pages_client) -> None:
    html = page(pages_client, "/")
    for target in (
        "/doc/province/thai-nguyen",
        "/doc/province/thai-nguyen-2025",
        "/doc/edition/2021",
        "/doc/agency/bo-khcn",
        "/queries/province-trajectory",
        "/query",
        "/.well-known/void",
        "/dump.nq",
    ):
        assert f'href="{target}"' in html, target


def test_province_page_has_table_chart_evidence_and_merger_history(pages_client) -> None:
    html = page(pages_client, "/doc/province/thai-nguyen")
    assert "<svg" in html and "<polyline" in html
    assert html.count("<circle") == 4  # 2020 (claim), 2021 (official), 2021 without cohort (claim), 2024 /34
    assert '<strong title="chính thức / official">8</strong>' in html
    # each claimed value links to its evidence, which links to the claim and the source
    anchor = re.search(r'href="#(v-2020-63-thai-nguyen-overall-rank)"', html)
    assert anchor and f'id="{anchor.group(1)}"' in html
    assert 'href="/doc/claim/a000000000000003"' in html
    assert 'href="/doc/source/0a1b2c3d4e5f6071"' in html
    assert "9 main indices" in html  # comparability note of 2021
    assert 'href="/doc/province/thai-nguyen-2025"' in html and 'href="/doc/province/bac-kan"' in html
    assert 'href="/doc/province/thai-nguyen.csv"' in html and 'href="/doc/province/thai-nguyen.ttl"' in html


def test_successor_page_lists_its_predecessors(pages_client) -> None:
    html = page(pages_client, "/doc/province/thai-nguyen-2025")
    assert "Hình thành từ" in html
    assert 'href="/doc/province/thai-nguyen"' in html and 'href="/doc/province/bac-kan"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/doc/province/thai-nguyen",
        "/doc/claim/b000000000000001",
        "/doc/source/1f2e3d4c5b6a7980",
        "/doc/source/1f2e3d4c5b6a7980/span/10-40",
        "/queries/claims-about?province=province/thai-nguyen&year=2021",
        "/query?run=1&query=SELECT+%3Fq+WHERE+%7B+%3Fs+%3Chttp%3A%2F%2Fwww.w3.org%2Fns%2Foa%23exact%3E+%3Fq+%7D",
    ],
)
def test_text_from_sources_is_escaped(pages_client, url: str) -> None:
    html = page(pages_client, url)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>thử</b>" not in html
    assert "&lt;script&gt;alert" in html or "&lt;b&gt;thử&lt;/b&gt;" in html


def test_claim_page_shows_value_quote_in_context_source_rule_and_status(pages_client) -> None:
    html = page(pages_client, "/doc/claim/b000000000000001")
    assert '<td class="value">9</td>' in html
    assert "<mark>Thái Nguyên đứng thứ 9 &lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;</span><mark>" in html  # the prefix, before the quote
    assert "trong năm 2021" in html  # the suffix
    assert "vi.rank.dung-thu" in html
    assert "dti:Contradicted" in html and "official value</span> 8" in html
    assert "Trang tin &lt;i&gt;thử nghiệm&lt;/i&gt;" in html
    # Another article states 8: the shared value node, with how many sources state it.
    assert 'href="/doc/stated-value/2021/thai-nguyen/overall/rank/8-in-63">8</a> · 1 nguồn' in html
    derived = page(pages_client, "/doc/claim/a000000000000003")
    assert 'href="/doc/claim/a000000000000001"' in derived and "dti:Derived" in derived
    assert "Chưa đối chiếu" in derived  # not reconciled


def test_edition_page_shows_framework_publisher_and_full_ranking(pages_client) -> None:
    html = page(pages_client, "/doc/edition/2021")
    assert 'href="/doc/agency/bo-tttt"' in html
    assert "9 main indices" in html
    order = [m.group(1) for m in re.finditer(r'<tr><td><a href="/doc/province/([a-z-0-9]+)"', html)]
    assert order == ["da-nang", "thai-nguyen", "bac-kan"]
    both = page(pages_client, "/doc/edition/2024")
    assert "Cohort of 34 units" in both and 'href="/doc/agency/bo-khcn"' in both


def test_agency_pages_show_editions_and_succession(pages_client) -> None:
    mic = page(pages_client, "/doc/agency/bo-tttt")
    assert 'href="/doc/edition/2020"' in mic and 'href="/doc/edition/2021"' in mic
    assert 'href="/doc/edition/2024"' not in mic
    assert 'succeeded by</span> <a href="/doc/agency/bo-khcn"' in mic
    most = page(pages_client, "/doc/agency/bo-khcn")
    assert 'href="/doc/edition/2024"' in most
    assert 'succeeded</span> <a href="/doc/agency/bo-tttt"' in most
    assert "2025-03-01" in most


def test_table_alternates_as_csv_and_json(pages_client) -> None:
    response = pages_client.get("/doc/province/thai-nguyen.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    official = {
        (r["year"], r["indicator"], r["measure"], r["value"]) for r in rows if r["origin"] == "official"
    }
    assert ("2021", "overall", "rank", "8") in official
    data = pages_client.get("/doc/edition/2024.json").get_json()
    assert {(r["cohort"], r["province"].rsplit("/", 1)[-1], r["value"]) for r in data["rows"]} == {
        ("34", "thai-nguyen-2025", "8"),
        ("34", "da-nang-2025", "2"),
    }


def test_generic_resource_page(pages_client) -> None:
    html = page(pages_client, "/doc/event/ministry-merger-2025")
    assert "Hợp nhất Bộ TT&amp;TT và Bộ KH&amp;CN" in html
    assert 'href="/doc/agency/bo-tttt"' in html


def test_query_page_prefills_runs_and_links_downloads(pages_client) -> None:
    chooser = page(pages_client, "/query?canned=edition-top")
    assert "dti:year ?year" in chooser and "<textarea" in chooser
    query = "SELECT ?p WHERE { ?p a <https://w3id.org/dti-kg/def#PostMergerProvince> } ORDER BY ?p"
    html = page(pages_client, "/query?run=1&query=" + query.replace(" ", "+").replace("#", "%23"))
    assert 'href="/doc/province/da-nang-2025"' in html and 'href="/doc/province/thai-nguyen-2025"' in html
    assert "/sparql?query=" in html and "format=csv" in html and "format=json" in html
    graph = page(
        pages_client,
        "/query?run=1&query=CONSTRUCT+%7B+%3Fs+%3Fp+%3Fo+%7D+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D+LIMIT+2",
    )
    assert "&lt;https://w3id.org/dti-kg/" in graph


def test_query_page_applies_the_guard(pages_client) -> None:
    deep = "SELECT * WHERE " + "{" * 200 + "}" * 200
    response = pages_client.get(
        "/query", query_string={"run": "1", "query": deep}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    refused = pages_client.get("/query", query_string={"run": "1", "query": "DROP ALL"}, headers=HTML)
    assert refused.status_code in {400, 403}


def test_pages_need_no_internet(pages_client) -> None:
    for url in ("/", "/doc/province/thai-nguyen", "/query", "/queries", "/def"):
        html = page(pages_client, url)
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), url
    with pages_client.get("/static/style.css") as css:
        assert css.status_code == 200 and b"@import" not in css.data and b"url(" not in css.data
