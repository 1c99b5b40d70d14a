"""One readable line for a SPARQL syntax error, from pyoxigraph's parser message.

pyoxigraph reports ``error at LINE:COLUMN: expected one of …`` followed by the grammar's character
classes over several lines. Users need the position, the text there and what could come next; the
character classes say nothing to them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
_CLASSES = re.compile(r"\[(?:[^\]'\\]|'(?:[^'\\]|\\.)*'|\\.)*\]")
_ITEM = re.compile(r'"(?:[^"\\]|\\.)+"|[^,"]+')
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%-]*$")
MAX_TOKENS = 8
CONTEXT = 30  # characters of the query shown before the error position


def _expected(detail: str) -> str:
    """ "expected one of `a` `B` …" from pyoxigraph's list, without its character classes ([…])."""
    listed = _CLASSES.sub("", detail.strip()).removeprefix("expected").strip().removeprefix("one of")
    tokens = [_unquote(t.strip()) for t in _ITEM.findall(listed)]
    tokens = [t for t in tokens if t and t != "_"]
    if not tokens:
        return "unexpected text"
    shown = " ".join(f"`{t}`" for t in tokens[:MAX_TOKENS]) + (" …" if len(tokens) > MAX_TOKENS else "")
    return f"expected {'one of ' if len(tokens) > 1 else ''}{shown}"


def _unquote(item: str) -> str:
    if len(item) >= 2 and item[0] == item[-1] == '"':
        return item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return item


def describe(query: str, message: str, predeclared: Iterable[str] = ()) -> str:
    """``line L, column C, after '…': what went wrong`` (one line) for pyoxigraph's ``message``."""
    match = _POSITION.match(message.strip())
    if not match:
        return " ".join(message.split())
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = query.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    before, rest = text[: max(column - 1, 0)], text[max(column - 1, 0) :] + "".join(lines[line:])
    where = f"line {line}, column {column}"
    if before.strip():
        shown = " ".join(before.split())
        where += f", after {'…' + shown[-CONTEXT:] if len(shown) > CONTEXT else shown!r}"
    if "Prefix not found" in detail:
        name = _PREFIXED.search(before)
        prefix = f"{name.group(1) or ''}:" if name else "a prefix"
        known = ", ".join(f"{p}:" for p in sorted(predeclared))
        what = f"{prefix} is not declared (add a PREFIX line{'; predeclared: ' + known if known else ''})"
    else:
        what = _expected(detail)
        if not rest.strip():
            what = f"the query ends too early; {what}"
    return f"{where}: {what}"
