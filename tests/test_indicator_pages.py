"""The indicator pages (issue 8): what links to an indicator is grouped and labelled (by edition and
cohort, by kind), not one long list of bare IRIs; the scheme lists the indicators under one heading per
kind, with their pillar and editions."""

from __future__ import annotations

import re

HTML = {"Accept": "text/html"}


def page(client, url: str) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


def test_an_indicator_groups_its_official_values_by_edition_and_cohort(pages_client) -> None:
    html = page(pages_client, "/doc/indicator/overall")
    assert 'Chỉ số tổng thể <span class="en">Overall index</span>' in html  # its kind, labelled
    summaries = re.findall(r"<summary><strong>DTI (\d{4}) · /(\d+)</strong>", html)
    assert summaries == [("2024", "34"), ("2021", "63"), ("2020", "63")]  # newest first
    group_2021 = html[html.index("DTI 2021 · /63") : html.index("DTI 2020 · /63")]
    units = re.findall(r'<a href="/doc/province/[^"]+">([^<]+)</a>', group_2021)
    assert units == ["Đà Nẵng", "Thái Nguyên", "Bắc Kạn"]  # by rank, under their names
    assert '<a href="/doc/observation/2021/63/thai-nguyen/overall/rank">8</a>' in group_2021
    assert "Liên kết đến" not in html  # the generic page's unlabelled list is gone


def test_an_indicator_lists_claims_with_unit_measure_and_reconciliation(pages_client) -> None:
    html = page(pages_client, "/doc/indicator/overall")
    claims = html[html.index('<section id="claims">') : html.index('<section id="checks">')]
    assert '<a href="/doc/claim/b000000000000001">9</a>' in claims
    assert "status-contradicted" in claims and "Thay đổi hạng" in claims
    for heading in ("Vị trí trong bộ chỉ số", "Số liệu chính thức", "Tin báo", "Kiểm tra chất lượng"):
        assert f"<h2>{heading}" in html, heading


def test_the_scheme_groups_indicators_by_kind_with_editions(pages_client) -> None:
    html = page(pages_client, "/doc/indicator")
    headings = re.findall(r'<h2>([^<]+) <span class="en">([^<]+)</span>', html)
    assert headings[:2] == [("Chỉ số tổng thể", "Overall index"), ("Các trụ cột", "Pillars")]
    pillars = html[html.index("Các trụ cột") : html.index("Theo kỳ")]
    assert pillars.count('<a href="/doc/indicator/') == 3 and "digital_government" in pillars
    assert "2020, 2021, 2024" in pillars
    by_edition = html[html.index("Theo kỳ") :]
    assert re.search(r"DTI 2021</a></td><td>.*?</td>\s*<td>4</td><td>9</td><td>98</td>", by_edition)
