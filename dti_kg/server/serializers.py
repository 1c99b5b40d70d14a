"""Write query results in the negotiated media type, after the row cap has been applied.

SELECT results are written here (not by ``QuerySolutions.serialize``) because pyoxigraph can only
serialize a whole, uncapped result, and the JSON form carries the ``"dti:truncated"`` flag.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph

from dti_kg.namespaces import PREFIXES
from dti_kg.server import conneg

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRUNCATED_FLAG = "dti:truncated"

Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
Row = Sequence[Term | None]


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None}
        for row in rows
    ]
    doc: dict[str, object] = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if truncated:
        doc[TRUNCATED_FLAG] = True
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(term: Term) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, pyoxigraph.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    if term.language:
        attr = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype.value != XSD_STRING:
        attr = f" datatype={quoteattr(term.datatype.value)}"
    else:
        attr = ""
    return f"<literal{attr}>{escape(term.value)}</literal>"


def _xml(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out.extend(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(variables, row, strict=True)
            if term is not None
        )
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    if isinstance(term, pyoxigraph.Triple):
        return str(term)
    return term.value


def _csv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(term) for term in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _tsv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    # str() of a pyoxigraph term is its N-Triples form, which is what SPARQL TSV uses.
    lines = ["\t".join("?" + v for v in variables)]
    lines.extend("\t".join("" if term is None else str(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_solutions(variables: Sequence[str], rows: Sequence[Row], media_type: str, truncated: bool) -> bytes:
    if media_type == conneg.SPARQL_JSON:
        return _json(variables, rows, truncated)
    if media_type == conneg.SPARQL_XML:
        return _xml(variables, rows)
    if media_type == conneg.CSV:
        return _csv(variables, rows)
    if media_type == conneg.TSV:
        return _tsv(variables, rows)
    raise ValueError(f"no writer for SELECT results as {media_type}")


# (truth, media type) -> the bytes written: an ASK answer is one of two texts per format, so it is
# written once (serializing it was ~10 % of a bounded ASK's Python). pyoxigraph cannot construct a
# QueryBoolean, hence filled from the first of each seen rather than computed ahead.
_BOOLEANS: dict[tuple[bool, str], bytes] = {}


def write_boolean(value: pyoxigraph.QueryBoolean, media_type: str) -> bytes:
    key = (bool(value), media_type)
    found = _BOOLEANS.get(key)
    if found is None:
        found = _BOOLEANS[key] = _serialize_boolean(value, media_type)  # a few media types: bounded
    return found


def _serialize_boolean(value: pyoxigraph.QueryBoolean, media_type: str) -> bytes:
    result_format = pyoxigraph.QueryResultsFormat.from_media_type(media_type)
    if result_format is None:
        raise ValueError(f"no writer for ASK results as {media_type}")
    out = io.BytesIO()  # serialize() returns None when given an output, bytes without: typed as either
    value.serialize(out, format=result_format)
    return out.getvalue()


def write_triples(triples: Sequence[pyoxigraph.Triple], media_type: str) -> bytes:
    rdf_format = pyoxigraph.RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        raise ValueError(f"no writer for graphs as {media_type}")
    items: Sequence[pyoxigraph.Triple] | list[pyoxigraph.Quad] = triples
    if rdf_format.supports_datasets:  # TriG / N-Quads: the triples form the default graph
        items = [pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples]
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    out = io.BytesIO()
    pyoxigraph.serialize(items, out, format=rdf_format, prefixes=prefixes)
    return out.getvalue()
