"""Helpers for the ``dti publish`` tests: run the CLI, ask a published store every canned query as
``dti serve`` answers it, and compare result rows.

Rows are compared as multisets of bindings. Against Oxigraph the terms must be identical; against
another store (Virtuoso) a term is compared by its *value* where SPARQL's ``=`` would compare it so:
numbers (any XSD numeric type: ``"1"^^xsd:int`` = ``"1.0"^^xsd:decimal``), ``xsd:dateTime`` (by instant),
plain vs ``xsd:string`` literals, language tags without case, and a boolean as the number 1 or 0:
Virtuoso has no boolean value type and returns a computed one (``EXISTS {…}``, ``true``) as
``"1"^^xsd:integer``, the same truth value.
A column computed with ``GROUP_CONCAT`` is compared as the multiset of its items, because SPARQL leaves
the order of a group unspecified. Nothing else is normalised: IRIs, strings and which rows there are
must match exactly.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import requests
from server_helpers import dti_serve

from dti_kg import store
from dti_kg.server.bindings import inline
from dti_kg.server.canned import CannedQuery, bind, canned_queries

DTI = Path(sys.executable).with_name("dti")
BASE = "https://w3id.org/dti-kg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RELEASE = f"{BASE}id/graph/release"
SPARQL_JSON = "application/sparql-results+json"
# One example per parameter, as a client of /queries would send it.
EXAMPLES = {
    "province": "province/thai-nguyen",
    "year": "2021",
    "unit": "province/thai-nguyen-2025",
    "a": "province/thai-nguyen",
    "b": "province/ben-tre",
    "cohort": "63",
    "limit": "10",
}
NUMERIC = {
    XSD + t
    for t in [
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    ]
}
_GROUP_CONCAT = re.compile(r"GROUP_CONCAT\s*\(.*?\)\s+AS\s+\?(\w+)", re.I | re.S)


def publish(
    store_link: Path, to: str, *extra: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``dti publish --to URL`` as a user runs it; a password goes in the environment, never argv."""
    env = dict(os.environ)
    if password is not None:
        env["DTI_KG_PUBLISH_PASSWORD"] = password
    return subprocess.run(
        [str(DTI), "publish", "--to", to, "--store", str(store_link), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def example_params(query: CannedQuery) -> dict[str, str]:
    return {p.name: EXAMPLES[p.name] for p in query.params if p.required or p.name in EXAMPLES}


def served_text(query: CannedQuery, params: dict[str, str]) -> str:
    """The text ``dti serve`` runs for ``params``: validated, typed and bound by one VALUES row (its
    own ``bind`` and ``inline``), so the other store is asked exactly the same query."""
    return inline(query.text, bind(query, params, base=BASE))


def rows(results: dict, *, by_value: bool = False, concatenated: Iterable[str] = ()) -> Counter:
    """The bindings of a SPARQL JSON result as a multiset of sorted (variable, term) tuples."""
    grouped = set(concatenated)
    return Counter(
        tuple(sorted((k, _key(v, by_value, k in grouped)) for k, v in b.items()))
        for b in results["results"]["bindings"]
    )


def _key(term: dict, by_value: bool, concatenated: bool) -> tuple:
    kind = "literal" if term["type"] == "typed-literal" else term["type"]  # SPARQL 1.0 JSON's name
    value, datatype, lang = term["value"], term.get("datatype", ""), term.get("xml:lang", "")
    if not by_value:
        return (kind, value, datatype, lang)
    if kind != "literal":
        return (kind, value)
    if concatenated:
        return ("concat", tuple(sorted(value.split(" "))))
    if lang:
        return ("lang", value, lang.lower())
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(value).normalize())
        except InvalidOperation:
            return ("number?", value)
    if datatype == XSD + "boolean":  # Virtuoso computes EXISTS and `true` as "1"^^xsd:integer
        return ("number", Decimal(1 if value in ("true", "1") else 0))
    if datatype == XSD + "dateTime":
        return ("dateTime", _instant(value))
    if datatype in ("", XSD + "string"):
        return ("string", value)
    return ("literal", value, datatype)


def _instant(value: str) -> datetime.datetime | str:
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def concatenated_columns(query: CannedQuery) -> set[str]:
    return set(_GROUP_CONCAT.findall(query.text))


def select(endpoint: str, text: str, **request_options: object) -> requests.Response:
    return requests.post(
        endpoint,
        data={"query": text},
        headers={"Accept": SPARQL_JSON},
        timeout=60,
        **request_options,  # type: ignore[arg-type]
    )


Answers = dict[str, tuple[CannedQuery, dict[str, str], dict]]  # name -> (query, parameters, SPARQL JSON)


def canned_answers(
    serve_url: str, params_for: Callable[[CannedQuery], dict[str, str]] = example_params
) -> Answers:
    """Every canned query's answer from ``dti serve`` for ``params_for(query)`` (the examples unless
    told); a query whose parameters name nothing in this store (400) is left out."""
    answers = {}
    for name, query in sorted(canned_queries().items()):
        params = params_for(query)
        ours = requests.get(f"{serve_url}/queries/{name}.srj", params=params, timeout=60)
        assert ours.status_code in (200, 400), (name, ours.text)
        if ours.status_code == 200:
            answers[name] = (query, params, ours.json())
    return answers


def compare(
    endpoint: str, answers: dict[str, tuple[CannedQuery, dict[str, str], dict]], *, by_value: bool
) -> set[str]:
    """Ask ``endpoint`` each canned query as ``dti serve`` ran it and assert the same rows; the names
    of the queries that had rows."""
    answered = set()
    for name, (query, params, ours) in answers.items():
        theirs = select(endpoint, served_text(query, params))
        assert theirs.status_code == 200, (name, theirs.text[:500])
        grouped = concatenated_columns(query)
        expected = rows(ours, by_value=by_value, concatenated=grouped)
        assert rows(theirs.json(), by_value=by_value, concatenated=grouped) == expected, name
        if expected:
            answered.add(name)
    return answered


def same_rows_as_dti_serve(
    store_link: Path,
    endpoint: str,
    log: Path,
    *,
    by_value: bool,
    params_for: Callable[[CannedQuery], dict[str, str]] = example_params,
) -> tuple[Answers, set[str]]:
    """Run ``dti serve`` over ``store_link``, ask it every canned query, then ``endpoint`` the same
    text, asserting the same rows; the answers and the names of the queries that had rows."""
    with dti_serve(store_link, {"QUERY_TIMEOUT": "30"}, log) as (url, _process):
        answers = canned_answers(url, params_for)
    return answers, compare(endpoint, answers, by_value=by_value)


# ---- a reader during a publish: which release does each of its queries see? ----------------------
GRAPH_SIZES = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER(STRSTARTS(STR(?g), "{BASE}")) }} GROUP BY ?g'
)


def release_sizes(store_link: Path) -> dict[str, int]:
    """Triples per graph of a published release of ``store_link``: its graphs and its manifest
    (one dcterms:identifier and one dcterms:hasPart per graph)."""
    sizes = Counter(q.graph_name.value for q in store.open_read_only(store_link))
    return {**sizes, RELEASE: 1 + len(sizes)}


def graph_sizes(endpoint: str) -> dict[str, int]:
    """Triples per graph under the base, in one query: one snapshot of the store (on Oxigraph)."""
    reply = select(endpoint, GRAPH_SIZES)
    reply.raise_for_status()
    return {b["g"]["value"]: int(b["n"]["value"]) for b in reply.json()["results"]["bindings"]}


@contextlib.contextmanager
def reader(endpoint: str) -> Iterator[list[dict[str, int] | str]]:
    """Query ``endpoint`` for the graph sizes over and over in a thread until the block ends; yields
    the list the observations go in (an error is recorded as its text)."""
    seen: list[dict[str, int] | str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.append(graph_sizes(endpoint))
            except requests.RequestException as exc:
                seen.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        done.set()
        thread.join(timeout=120)


def releases_seen(
    endpoint: str,
    releases: dict[str, Path],
    switch: Callable[[Path], subprocess.CompletedProcess[str]],
    rounds: int,
) -> list[str]:
    """Publish the ``releases`` in turn ``rounds`` times with ``switch`` while a reader queries
    ``endpoint``; what each read saw: a release's name, "mix" (graphs of several or a part of one), or
    the error it got."""
    sizes = {name: release_sizes(link) for name, link in releases.items()}
    with reader(endpoint) as seen:
        for _ in range(rounds):
            for link in releases.values():
                run = switch(link)
                assert run.returncode == 0, run.stderr
    return [
        next((name for name, size in sizes.items() if size == s), "mix") if isinstance(s, dict) else s
        for s in seen
    ]
