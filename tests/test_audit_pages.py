"""Audit pages, unit and agency pages and the audit canned queries over a store built from the seed corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from server_helpers import app_over

ID = "https://w3id.org/dti-kg/id/"
HTML = {"Accept": "text/html"}
SEED_001_RANK = "claim/e82d3b81853a1036"  # seed 001: Thái Nguyên 8th in DTI 2024 (cohort 34)


@pytest.fixture(scope="module")
def seed_app(seed_store: Path):
    with app_over(seed_store, QUERY_TIMEOUT=20) as app:
        yield app


@pytest.fixture()
def client(seed_app):
    return seed_app.test_client()


def page(client, url: str) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


def canned(client, name: str, **args: str) -> list[dict]:
    # SPARQL JSON (format=srj): the lexical forms, and unbound columns left out
    response = client.get(f"/queries/{name}", query_string={**args, "format": "srj"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [{k: v["value"] for k, v in b.items()} for b in response.get_json()["results"]["bindings"]]


def test_claim_audit_page_shows_every_step_of_the_trail(client) -> None:
    html = page(client, f"/audit/{SEED_001_RANK}")
    # The quote, in the source's own characters (its no-break space included).
    assert "Tỉnh Thái Nguyên hiện xếp\u00a0vị trí thứ 8 toàn quốc" in html
    assert re.search(r"characters</span> \d+–\d+", html)  # its offsets
    assert "<code>001_85e375d9b78ab4b3.txt</code>" in html and re.search(r"SHA-256: <code>[0-9a-f]{64}", html)
    assert "Outlet</span>: VOV5" in html
    assert '<code class="loader-version">' in html and '<code class="rule">vi.rank</code>' in html
    assert re.search(
        r'href="/doc/graph/[0-9a-f]{16}/validation"[^<]*</a>: <strong class="validation">đạt / conforms', html
    )
    assert '<strong class="status">Confirmed</strong>' in html
    assert '<strong class="official-value">8</strong>' in html
    assert 'href="/audit/observation/2024/34/thai-nguyen-2025/overall/rank"' in html
    for step in ("/doc/claim/", "/doc/source/", "/doc/activity/extract/", "/doc/observation/2024/34/"):
        assert f'href="{step}' in html, step


def test_claim_audit_page_links_the_source_url(client) -> None:
    rows = canned(client, "audit-trail", province="province/thai-nguyen", year="2021")
    claim = next(r["claim"] for r in rows if r.get("url") and r["indicator"] == "overall")
    html = page(client, "/audit/" + claim.removeprefix(ID))
    url = next(r["url"] for r in rows if r["claim"] == claim)
    assert f'<a class="url" href="{url}">' in html
    assert "baothainguyen.vn" in url


def test_observation_audit_page_shows_sources_checks_and_compared_claims(client) -> None:
    html = page(client, "/audit/observation/2021/63/thai-nguyen/overall/rank")
    assert '<td class="value">8 (rank, /63)</td>' in html
    assert "cohort-completeness" in html and "rank-ties" in html
    assert html.count('<section class="trail">') == 2  # seeds 000 and 003 both state rank 8


def test_audit_pages_404_for_unknown_things(client) -> None:
    assert client.get("/audit/claim/0000000000000000", headers=HTML).status_code == 404
    assert client.get("/audit/province/thai-nguyen", headers=HTML).status_code == 404
    assert client.get("/audit/observation/2021/63/nowhere/overall/rank", headers=HTML).status_code == 404


def test_claim_and_province_pages_link_to_the_audit(client) -> None:
    assert f'href="/audit/{SEED_001_RANK}"' in page(client, f"/doc/{SEED_001_RANK}")
    html = page(client, "/doc/province/thai-nguyen")
    assert 'href="/audit/observation/2021/63/thai-nguyen/overall/rank"' in html  # an official value
    assert f'href="/audit/{SEED_001_RANK}"' in html  # a claimed value


def test_province_page_shows_rank_changes_with_comparability_notes(client) -> None:
    html = page(client, "/doc/province/thai-nguyen")
    table = html.split('class="data rank-changes"', 1)[1].split("</table>", 1)[0]
    text = re.sub(r"<[^>]+>", "", table)  # derived ranks (2023, 2024 /63) are marked "*"
    assert "2021 → 20228 → 80" in text
    assert "9 main indices in DTI 2021, 8 in DTI 2022" in table
    assert "2023 → 202416* → 6*+10" in text


def test_merged_unit_page_shows_predecessors_beside_its_own_2024_score(client) -> None:
    html = page(client, "/doc/province/can-tho-2025")
    section = html.split('<section class="predecessors">', 1)[1].split("</section>", 1)[0]
    for name in ("Cần Thơ", "Hậu Giang", "Sóc Trăng"):
        assert name in section
    rows_2024 = re.findall(r'<tr class="edition-2024">(.*?)</tr>', section, re.S)
    assert len(rows_2024) == 3
    assert '<strong class="unit-score">0.7030</strong>' in rows_2024[0]  # scores print with 4 decimals
    scores = re.findall(r'<td class="member-score">([\d.]+)</td>', "".join(rows_2024))
    assert scores == ["0.7505", "0.7093", "0.6493"]  # Cần Thơ, Hậu Giang, Sóc Trăng in 2024 (/63)
    # the history of the predecessors, with the news claims about Hậu Giang's DTI 2020
    assert '<tr class="edition-2021">' in section and "0.4794" in section
    assert "DTI 2020 · <a" in section and 'href="/audit/claim/' in section


def test_unit_predecessors_scores_query_puts_the_unit_beside_its_predecessors(client) -> None:
    rows = canned(client, "unit-predecessors-scores", unit="province/can-tho-2025", year="2024")
    got = {r["member"].removeprefix(ID): (r["member_score"], r["unit_score"], r["unit_rank"]) for r in rows}
    assert got == {
        "province/can-tho": ("0.7505", "0.703", "19"),
        "province/hau-giang": ("0.7093", "0.703", "19"),
        "province/soc-trang": ("0.6493", "0.703", "19"),
    }


def test_agency_pages_show_editions_and_the_succession(client) -> None:
    mic = page(client, "/doc/agency/bo-tttt")
    editions = mic.split("Editions published", 1)[1].split("</section>", 1)[0]
    assert re.findall(r"DTI (\d{4})</a>", editions) == ["2020", "2021", "2022", "2023"]
    assert 'succeeded by</span> <a href="/doc/agency/bo-khcn">' in mic
    most = page(client, "/doc/agency/bo-khcn")
    editions = most.split("Editions published", 1)[1].split("</section>", 1)[0]
    assert re.findall(r"DTI (\d{4})</a>", editions) == ["2024"]
    assert 'succeeded</span> <a href="/doc/agency/bo-tttt">' in most


def test_unverifiable_claims_query_lists_exactly_the_claims_without_an_official_figure(client) -> None:
    rows = canned(client, "unverifiable-claims")
    trail = canned(client, "audit-trail")
    without_official = {r["claim"] for r in trail} - {r["claim"] for r in trail if r.get("official")}
    assert {r["claim"] for r in rows} == without_official
    assert {r["status"] for r in rows} == {"unverifiable"}
    assert all(r["quote"] and r["note"] for r in rows)


def test_conflicts_query_is_empty_on_the_agreeing_seed_corpus(client) -> None:
    # No two seed articles disagree and no claim contradicts an official value.
    assert canned(client, "conflicts") == []


def test_conflicts_query_names_the_contradicted_claim_and_the_official_value(pages_client) -> None:
    # The sample store: one article says 9 where the table and another article say 8 (of 63).
    rows = canned(pages_client, "conflicts")
    assert [
        (
            r["claim"].removeprefix(ID),
            r["rank"],
            r["kind"],
            r["other"].removeprefix(ID).replace("stated-value/2021/thai-nguyen/overall/", "…/"),
            r["other_rank"],
            r.get("other_sources"),
            r.get("cohort"),
        )
        for r in rows
    ] == [
        ("claim/a000000000000001", "8", "claim", "…/rank/9", "9", "1", None),
        ("claim/b000000000000001", "9", "claim", "…/rank/8-in-63", "8", "1", None),
        (
            "claim/b000000000000001",
            "9",
            "official",
            "observation/2021/63/thai-nguyen/overall/rank",
            "8",
            None,
            "63",
        ),
    ]
