"""What loaders produce and the graph writer consumes: sources, claims, evidence spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Literal

from dti_kg.text import origin_map

Measure = Literal["rank", "score", "rank_change"]
EditionBasis = Literal["stated", "inferred_from_date"]
ProvinceBasis = Literal["text", "title", "outlet", "review"]


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``[start, end)`` of a text and ``quote``, exactly that slice. Rules make spans of the
    normalised text; the graph and ``dti extract`` show them over the original (``SourceDocument.cite``)."""

    start: int
    end: int
    quote: str


@dataclass
class SourceDocument:
    """One input file. ``text`` is normalised for the rules; ``original`` is the source after NFC only,
    which quotes and published offsets refer to (see :meth:`cite`)."""

    file_name: str
    text: str
    sha256: str  # of text (UTF-8)
    media_type: str  # "text/plain" or "text/html"
    language: str = "vi"  # "vi" or "en"
    title: str | None = None
    url: str | None = None
    outlet: str | None = None  # slug in the outlet registry
    outlet_name: str | None = None  # as shown in the text, when not in the registry
    published: date | None = None
    metadata_basis: dict[str, str] = field(default_factory=dict)  # field -> "text" | "sidecar" | "html"
    original: str = ""  # the source after NFC only; "" means the same as ``text``

    @cached_property
    def _origin(self) -> list[int]:
        return origin_map(self.text, self.original) if self.original else list(range(len(self.text)))

    @property
    def cited_text(self) -> str:
        """The text that published offsets and quotes refer to."""
        return self.original or self.text

    def cite(self, span: Span) -> Span:
        """``span`` of the normalised text as the same words of the original (exact characters)."""
        start, end = self._origin[span.start], self._origin[span.end - 1] + 1
        return Span(start, end, self.cited_text[start:end])

    @property
    def source_id(self) -> str:
        """Short stable identifier: the first 16 hex digits of the normalised text's SHA-256."""
        return self.sha256[:16]


@dataclass
class Claim:
    """A province's rank, score or rank change in an edition, as one source states (or implies) it."""

    province: str  # unit slug (gazetteer)
    edition: int  # year assessed
    indicator: str  # indicator key ("overall", "digital_government", ...)
    measure: Measure
    value: int | Decimal
    cohort: int | None  # size of the ranked cohort when stated or clearly implied (63 or 34)
    rule: str  # name of the extraction rule
    evidence: list[Span]
    derived: bool = False  # computed from another claim (e.g. previous rank from a rank change)
    derived_from: Claim | None = None
    compared_to: int | None = None  # for rank_change: the edition compared against
    edition_basis: EditionBasis = "stated"
    province_basis: ProvinceBasis = "text"

    def key(self) -> tuple[object, ...]:
        """What makes two claims of one source the same claim (repeated paragraphs merge on it)."""
        return (self.province, self.edition, self.indicator, self.measure, self.compared_to, str(self.value))


@dataclass
class Candidate:
    """A value whose subject province is uncertain: kept for a person to decide (``dti review``),
    never served as a claim. ``rivals`` are the provinces that could be its subject."""

    edition: int
    indicator: str
    measure: Measure
    value: int | Decimal
    cohort: int | None
    rule: str
    evidence: list[Span]
    reason: str
    rivals: tuple[str, ...]  # unit slugs, sorted; may be empty (nobody named: the reason says why)
    compared_to: int | None = None
    edition_basis: EditionBasis = "stated"

    def key(self) -> tuple[object, ...]:
        return (
            self.edition,
            self.indicator,
            self.measure,
            self.compared_to,
            str(self.value),
            self.evidence[0],
        )


@dataclass
class EditionFact:
    """A fact about an edition stated in an article (publisher, counts, named main indices)."""

    edition: int
    fact: Literal[
        "publisher", "main_indices_count", "component_indices_count", "criteria_count", "main_index"
    ]
    value: str | int
    rule: str
    evidence: list[Span]
    consistent: bool | None = None  # with the reference editions; None when the reference is silent
    reference_value: str | int | None = None


@dataclass
class Extraction:
    """Everything a loader got out of one source."""

    source: SourceDocument
    claims: list[Claim]
    facts: list[EditionFact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # human-readable remarks (e.g. "no DTI content")
    candidates: list[Candidate] = field(default_factory=list)  # uncertain attributions, for review
    refused: int = 0  # values that are no province's DTI value (each has a "skipped" note)
