"""What is measured: one row per workload, each as a request to ``dti serve`` and, where there is one,
the equivalent SPARQL text for Oxigraph's server, pyoxigraph in process and rdflib-endpoint.

Canned queries are sent to dti as ``/queries/NAME`` with parameters; the baselines get the same query
text with the same values written in (a VALUES block at the start of the WHERE clause), so every
contender answers the same question.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from benchmarks.load import Request
from dti_kg.gazetteer import gazetteer
from dti_kg.server.bindings import inline
from dti_kg.server.canned import CannedQuery, bind, canned_queries

BASE = "https://w3id.org/dti-kg/"
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
ASK = "ASK { ?s ?p ?o }"


@dataclass(frozen=True)
class Workload:
    name: str
    dti: Request
    sparql: str | None = None  # the same question for the SPARQL baselines
    accept: str = JSON
    hello: bool = False  # also measure the hello-world app in this row


def _arguments(province_slug: str) -> dict[str, dict[str, str]]:
    """Arguments under which every canned query has rows on a generated corpus."""
    pre = gazetteer().pre_merger
    post = gazetteer().post_merger
    province = BASE + f"id/province/{province_slug}"
    year = {"year": "2021"}
    return {
        "province-trajectory": {"province": province},
        "edition-top": year,
        "pillar-comparison": {**year, "a": province, "b": BASE + f"id/province/{pre[1].slug}"},
        "claims-about": {"province": province, **year},
        "unit-history": {"unit": BASE + f"id/province/{post[0].slug}"},
        "unit-predecessors-scores": {"unit": BASE + f"id/province/{post[0].slug}"},
        "audit-trail": {"province": province, **year},
        "conflicts": {"province": province},
        "unverifiable-claims": {"province": province},
    }


def baseline_text(query: CannedQuery, args: dict[str, str]) -> str:
    """The canned query with ``args`` (and defaults) validated and written in, as dti itself runs it."""
    return inline(query.text, bind(query, args, base=BASE))


def _get(path: str, params: dict[str, str], **headers: str) -> Request:
    return Request(path + ("?" + urllib.parse.urlencode(params) if params else ""), dict(headers))


def workloads(province_slug: str = "ha-noi") -> list[Workload]:
    """Every workload; canned queries and dereferences are about ``province_slug``."""
    args = _arguments(province_slug)
    province = args["claims-about"]["province"]
    rows = [Workload("ASK", _get("/sparql", {"query": ASK}, Accept=JSON), ASK, hello=True)]
    for name, query in canned_queries().items():
        given = args.get(name, {})
        rows.append(
            Workload(
                f"canned {name}",
                _get(f"/queries/{name}", {**given, "format": "srj"}),
                baseline_text(query, given),
            )
        )
    doc = "/doc/" + province.removeprefix(BASE + "id/")
    rows.append(Workload("deref Turtle", _get(doc, {}, Accept=TURTLE), f"DESCRIBE <{province}>", TURTLE))
    rows.append(Workload("deref HTML", _get(doc, {}, Accept="text/html"), hello=True))
    rows.append(Workload("304 revalidation", _get("/sparql", {"query": ASK}, Accept=JSON), hello=True))
    return rows
