"""Check a query's raw text before pyoxigraph parses it.

pyoxigraph 0.5.13's parser recurses on the native stack: ~2,200 nested ``{}`` groups, ~4,700 nested
parentheses, ~6,600 UNION branches, ~10,000 triple patterns, a chain of ~10,000 ``+`` (or a long
``||`` chain) or an RDF collection ``( … )`` of a few thousand items crash the whole process (SIGSEGV,
no exception), a 1,000-step property path takes a minute to plan, and ``SERVICE <url>`` really
fetches. So a lexer (which skips strings and comments) measures the text and refuses what is too big
or not allowed, long before those limits. The counts are deliberately approximate and err on the
side of refusing: triple patterns are counted by their ``.`` ``;`` ``,`` separators inside groups;
every expression operator counts toward one total; every item of a collection (a ``( )`` group
without commas) counts.

``<`` is both the start of an IRI and "less than": in ``FILTER(?o<((((1))))&&?o>0)`` the parser reads
an operator, a lexer an IRI. So the brackets inside an IRI token count toward the depth as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dti_kg.server.errors import QueryRejected, UpdateRefused

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<bnode>_:[\w-]+(?:\.[\w-]+)*)
  | (?P<pname>(?:[^\W\d_](?:[\w.-]*[\w-])?)?:(?:[\w:%-]|\\\S|\.(?=[\w:%-]))*)
  | (?P<number>\d*\.\d+(?:[eE][+-]?\d+)?|\d+(?:\.\d*)?[eE][+-]?\d+|\d+)
  | (?P<word>[^\W\d_][\w-]*)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^|.)
    """,
    re.VERBOSE | re.DOTALL,
)

_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = {"}", ")", "]"}
_PATH_OPS = {"/", "|"}
_PATH_PARTS = {"iri", "pname"}
_PREFIX_OPS = {"!", "-", "+"}
_SEPARATORS = {".", ";", ","}
# Binary and unary expression operators (``/`` ``|`` ``*`` ``+`` also in paths: counted all the same).
_OPERATORS = {"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/"}
_ITEMS = {"iri", "pname", "var", "bnode", "string", "number", "word"}
_IRI_BRACKETS = re.compile(r"[()\[\]]")


@dataclass(frozen=True)
class Limits:
    max_query_bytes: int
    max_depth: int
    max_triple_patterns: int
    max_path_length: int
    max_unions: int
    max_operators: int
    max_list_items: int

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Limits:
        return cls(
            max_query_bytes=settings["MAX_QUERY_BYTES"],
            max_depth=settings["MAX_DEPTH"],
            max_triple_patterns=settings["MAX_TRIPLE_PATTERNS"],
            max_path_length=settings["MAX_PATH_LENGTH"],
            max_unions=settings["MAX_UNIONS"],
            max_operators=settings["MAX_OPERATORS"],
            max_list_items=settings["MAX_LIST_ITEMS"],
        )


@dataclass(frozen=True)
class Report:
    """What the guard measured; ``form`` is SELECT, CONSTRUCT, DESCRIBE, ASK or None if not found."""

    form: str | None
    depth: int
    triple_patterns: int
    path_length: int
    unions: int
    operators: int = 0
    list_items: int = 0  # the most items in one ( ) group without commas
    # The query's tokens, for a second look without tokenizing again (dti_kg.server.bounded).
    tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each significant token; whitespace and comments are dropped."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "op"
        if kind not in ("space", "comment"):
            yield kind, match.group()


def _iri_brackets(iri: str, limits: Limits, outer: int) -> int:
    """Check the nesting of the brackets inside an IRI token as if they were operators; return how
    many it leaves open. A stray closing bracket closes nothing outside the IRI (so it cannot hide
    what follows from the counts)."""
    level = 0
    for bracket in _IRI_BRACKETS.findall(iri):
        level = level + 1 if bracket in _OPEN else max(0, level - 1)
        if outer + level > limits.max_depth:
            raise _reject(f"the query nests groups or brackets deeper than {limits.max_depth} levels")
    return level


def _reject(detail: str, status: int = 400) -> QueryRejected:
    return QueryRejected(detail, parameter="query", status=status)


def check(text: str, limits: Limits, *, in_url: bool = False) -> Report:
    """Measure ``text`` and raise QueryRejected (400/413/414) or UpdateRefused (403) when it is refused."""
    size = len(text.encode("utf-8"))
    if size > limits.max_query_bytes:
        raise _reject(
            f"the query is {size} bytes; this endpoint accepts at most {limits.max_query_bytes}",
            status=414 if in_url else 413,
        )
    form = None
    stack: list[str] = []
    # Per open bracket: the terms and closed groups directly in it, or -1 once a comma shows it is
    # an argument list (a flat list in the parser, unlike a collection's nested rdf:rest chain).
    items: list[int] = []
    depth = patterns = unions = path = longest_path = prefix_run = operators = most_items = 0

    def open_bracket(bracket: str) -> None:
        nonlocal depth
        stack.append(bracket)
        items.append(0)
        depth = max(depth, len(stack))
        if depth > limits.max_depth:
            raise _reject(f"the query nests groups or brackets deeper than {limits.max_depth} levels")

    def close_bracket() -> None:
        if stack:
            stack.pop()
            items.pop()
            count_item()

    def count_item() -> None:
        nonlocal most_items
        if stack and stack[-1] == "(" and items[-1] >= 0:
            items[-1] += 1
            most_items = max(most_items, items[-1])
            if items[-1] > limits.max_list_items:
                raise _reject(f"the query has more than {limits.max_list_items} items in one ( ) collection")

    seen = tuple(tokens(text))
    for kind, value in seen:
        word = value.upper() if kind == "word" else ""
        if word in UPDATE_KEYWORDS:
            raise UpdateRefused(
                f"this endpoint is read-only: SPARQL Update ({word}) is not accepted", parameter="query"
            )
        if word == "SERVICE":
            raise _reject(
                "federated queries (SERVICE) are disabled: this endpoint makes no outbound requests"
            )
        if word in QUERY_FORMS and form is None:
            form = word
        if word in ("UNION", "MINUS"):
            unions += 1
            if unions > limits.max_unions:
                raise _reject(f"the query has more than {limits.max_unions} UNION/MINUS operators")
        if kind == "iri":  # the parser may read "<" as less-than: count the brackets it would
            unclosed = _iri_brackets(value, limits, len(stack))
            for _ in range(unclosed):
                open_bracket("(")
        if kind in _ITEMS:
            count_item()
        elif kind == "op" and value in _OPERATORS:
            operators += 1
            if operators > limits.max_operators:
                raise _reject(f"the query has more than {limits.max_operators} expression operators")
        if kind == "op" and value in _OPEN:
            open_bracket(value)
        elif kind == "op" and value in _CLOSE:
            close_bracket()
        elif kind == "op" and value == "," and stack and stack[-1] == "(":
            items[-1] = -1
        elif kind == "op" and value in _SEPARATORS and stack and stack[-1] in "{[":
            patterns += 1
            if patterns > limits.max_triple_patterns:
                raise _reject(f"the query has more than {limits.max_triple_patterns} triple patterns")
        # Prefix operators (!!!!x, - - -1) recurse like brackets do.
        prefix_run = prefix_run + 1 if kind == "op" and value in _PREFIX_OPS else 0
        if prefix_run > limits.max_depth:
            raise _reject(f"the query chains more than {limits.max_depth} prefix operators")
        # A property path is a chain of IRIs joined by / or | (brackets, ^ and modifiers do not break it).
        if kind == "op" and value in _PATH_OPS:
            path += 1
            longest_path = max(longest_path, path)
            if longest_path >= limits.max_path_length:
                raise _reject(f"the query has a property path longer than {limits.max_path_length} steps")
        elif not (
            kind in _PATH_PARTS
            or value in ("(", ")", "?", "*", "+", "!", "^")
            or (kind == "word" and value == "a")
        ):
            path = 0
    steps = longest_path + 1 if longest_path else 0
    return Report(
        form=form,
        depth=depth,
        triple_patterns=patterns,
        path_length=steps,
        unions=unions,
        operators=operators,
        list_items=most_items,
        tokens=seen,
    )
