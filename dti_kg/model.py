"""What loaders produce and the graph writer consumes: sources, claims, evidence spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Measure = Literal["rank", "score", "rank_change"]
EditionBasis = Literal["stated", "inferred_from_date"]
ProvinceBasis = Literal["text", "title", "outlet"]


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``[start, end)`` of the source's normalised text; ``quote`` is exactly that slice."""

    start: int
    end: int
    quote: str


@dataclass
class SourceDocument:
    """One input file after normalisation. ``text`` is what every offset refers to."""

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
