"""``report.ttl``: every source's SHACL report as one Turtle file, from per-source pieces kept between builds.

The file is what rdflib's Turtle serializer writes for the union of the reports (the bytes of
``parse_nt(reports).serialize(format="turtle")``): the prefixes it used, sorted, then one statement per
subject ordered by (how often the subject is an object, IRI), each followed by a blank line. For graphs
without blank nodes a subject's statement depends only on its own triples, so each report is rendered
once by rdflib on its own (:func:`pieces`), split into its subjects' statements, and kept beside the
build (``report.pieces.json``, keyed by the SHA-256 of the report's N-Triples). A build takes the pieces
of unchanged reports from the current build's file and renders only the new ones: parsing every report
into one rdflib graph and serialising it again was 29 % of a one-article build at 3,000 articles.

Where the pieces cannot give rdflib's bytes (a blank node; a subject in two reports, or one report's
subject another's object, which changes the order), the union is written by rdflib as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.plugins.serializers.turtle import TurtleSerializer

from dti_kg.store import write_atomically

REPORT_FILE = "report.ttl"
PIECES_FILE = "report.pieces.json"
# The pieces are rdflib's own output: another rdflib may write other bytes, so they are not reused.
PIECES_FORMAT = f"report-pieces-1 rdflib-{rdflib.__version__}"
# Report and result IRIs end with or hold this (dti_kg.validate._report_graph): only such an object can
# be another report's subject.
_REPORT_MARK = "/validation"


@dataclass(frozen=True)
class Pieces:
    """One report as rdflib renders it: the prefixes its terms used, each subject's statement with how
    often the subject is an object in this report, and the report-like IRIs it names but does not
    describe (empty in practice; see the module doc)."""

    prefixes: tuple[tuple[str, str], ...]
    statements: tuple[tuple[int, str, str], ...]  # (references, subject IRI, statement text)
    foreign: tuple[str, ...]
    whole: bool = True  # False: blank nodes, whose statements depend on the whole graph

    def as_json(self) -> list[object]:
        return [self.prefixes, self.statements, self.foreign, self.whole]

    @classmethod
    def from_json(cls, data: list[object]) -> Pieces:
        prefixes, statements, foreign, whole = data
        assert isinstance(prefixes, list) and isinstance(statements, list) and isinstance(foreign, list)
        return cls(
            tuple((str(p), str(u)) for p, u in prefixes),
            tuple((int(r), str(s), str(t)) for r, s, t in statements),
            tuple(str(f) for f in foreign),
            bool(whole),
        )


def key(nt: str) -> str:
    return hashlib.sha256(nt.encode("utf-8")).hexdigest()[:32]


def _graph(texts: Iterable[str]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for text in texts:
        if text.strip():
            graph.parse(data=text, format="nt")
    return graph


def pieces(nt: str) -> Pieces:
    """One report (N-Triples) rendered by rdflib's Turtle serializer, statement by statement."""
    graph = _graph([nt])
    whole = not any(isinstance(t, rdflib.BNode) for triple in graph for t in triple)
    writer = TurtleSerializer(graph)
    writer.reset()
    writer.base = None
    writer.preprocess()  # counts references and collects the prefixes every term needs
    statements = []
    for subject in writer.orderSubjects():
        if writer.isDone(subject):
            continue
        out = io.BytesIO()
        writer.stream = out
        writer.statement(subject)
        # rdflib's serialize() writes "\n" after every statement.
        statements.append((writer._references[subject], str(subject), out.getvalue().decode("utf-8") + "\n"))
    subjects = {s for _r, s, _t in statements}
    # A subject that is not a report's or a result's could be named by another report unseen here.
    whole = whole and all(_REPORT_MARK in s for s in subjects)
    foreign = sorted(
        {str(o) for o in graph.objects() if isinstance(o, rdflib.URIRef) and _REPORT_MARK in o} - subjects
    )
    prefixes = tuple(sorted((p, str(ns)) for p, ns in writer.namespaces.items()))  # str: as read back
    return Pieces(prefixes, tuple(statements), tuple(foreign), whole)


def read_pieces(build_dir: Path | None) -> dict[str, Pieces]:
    """The pieces a build kept (empty when it kept none, or of another layout or rdflib)."""
    if build_dir is None:
        return {}
    try:
        data = json.loads((build_dir / PIECES_FILE).read_text(encoding="utf-8"))
        if data.get("format") != PIECES_FORMAT:
            return {}
        return {k: Pieces.from_json(v) for k, v in data["reports"].items()}
    except (OSError, ValueError, KeyError, TypeError, AssertionError, AttributeError):
        return {}  # unreadable: every report is rendered again, which only costs time


def write_report_ttl(build_dir: Path, reports: list[str], previous: Path | None = None) -> bool:
    """Write ``report.ttl`` (and the pieces the next build reuses) for the reports (N-Triples texts),
    taking the pieces of ``previous`` (a build folder) where they are there. False when rdflib had to
    write the union (see the module doc)."""
    known = read_pieces(previous)
    used: dict[str, Pieces] = {}
    for nt in reports:
        if not nt.strip():
            continue
        k = key(nt)
        if k not in used:
            used[k] = known.get(k) or pieces(nt)
    del known
    text = _assemble(used.values())
    if text is None:
        _graph(reports).serialize(build_dir / REPORT_FILE, format="turtle")
    else:
        (build_dir / REPORT_FILE).write_bytes(text.encode("utf-8"))
    data = {"format": PIECES_FORMAT, "reports": {k: used[k].as_json() for k in sorted(used)}}
    with contextlib.suppress(OSError):  # without it the next build renders every report again
        write_atomically(build_dir / PIECES_FILE, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return text is not None


def _assemble(reports: Iterable[Pieces]) -> str | None:
    """rdflib's Turtle of the union of ``reports``; None when the pieces cannot give its bytes."""
    prefixes: set[tuple[str, str]] = set()
    statements: list[tuple[int, str, str]] = []
    foreign: set[str] = set()
    for r in reports:
        if not r.whole:
            return None
        prefixes.update(r.prefixes)
        statements.extend(r.statements)
        foreign.update(r.foreign)
    subjects = {s for _r, s, _t in statements}
    if len(subjects) != len(statements) or subjects & foreign:
        return None  # merged subjects, or references across reports: rdflib's order would differ
    if len({p for p, _u in prefixes}) != len(prefixes):
        return None  # one prefix for two namespaces: rdflib would rename one
    statements.sort()
    head = "".join(f"@prefix {p}: <{u}> .\n" for p, u in sorted(prefixes))
    return head + "".join(t for _r, _s, t in statements) + "\n"
