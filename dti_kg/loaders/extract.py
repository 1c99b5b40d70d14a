"""Extraction of one document: findings -> claims with edition, province and cohort resolved.

Resolution order (each claim records which one applied):
edition -- stated in the sentence; else the nearest edition the article names in DTI context
(before the sentence, else after it); else inferred from the publication date (the edition in
force then, or the year before when none had been announced yet).
province -- named in the sentence (``text``); else the one province the title names (``title``);
else, for a provincial paper, a bare "tỉnh"/"the province" (``outlet``). The title and the outlet
stand in only when nothing else can be the subject: not when the sentence speaks of the nation, a
region, an average, a ministry, a district, a firm or "the leading province", nor in a sentence
that continues a DTI sentence without naming the DTI.
cohort -- stated ("8/63"); else implied when the edition ranked one cohort (63 before DTI 2024);
DTI 2024 ranked the 63 and the 34, so there it stays unknown unless stated, or unless the article
states its DTI 2024 ranks over one cohort only (then its other DTI 2024 ranks are over that one).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import regex

from dti_kg.gazetteer import POST_MERGER, Unit, gazetteer
from dti_kg.loaders import claims_en, claims_vi, facts, table_text, tables
from dti_kg.loaders.discourse import agrees, document_cohorts
from dti_kg.loaders.documents import load_document
from dti_kg.loaders.findings import EditionMention, Finding, span_of
from dti_kg.loaders.lexicon import Lexicon
from dti_kg.loaders.metadata import find_published_month
from dti_kg.loaders.places import find_places, resolve
from dti_kg.loaders.segments import unwrapped
from dti_kg.loaders.stated_editions import edition_mentions
from dti_kg.model import Candidate, Claim, EditionBasis, Extraction, ProvinceBasis, SourceDocument
from dti_kg.reference import edition_in_force, editions, outlets

_BASIS_RANK = {"text": 0, "title": 1, "outlet": 2}
_OF_WHICH = regex.compile(r"Trong\s+đó\s*,")


def _lexicon(language: str) -> Lexicon:
    return claims_en.lexicon() if language == "en" else claims_vi.lexicon()


def _find(doc: SourceDocument) -> list[Finding]:
    found = claims_en.find_claims(doc.text) if doc.language == "en" else claims_vi.find_claims(doc.text)
    lex = _lexicon(doc.language)
    in_tables = table_text.find_table_findings(doc.text, lex) + tables.find_grid_findings(doc.text, lex)
    # A table's row is read as a row: the sentence rules' reading of it ("Lào Cai 0.5138 0.8658 14"
    # as one score) is not another claim.
    rows = sorted({(f.sentence.start, f.sentence.end) for f in in_tables})
    starts = [start for start, _ in rows]

    def in_a_row(f: Finding) -> bool:
        k = bisect_right(starts, f.sentence.start) - 1
        return k >= 0 and f.sentence.end <= rows[k][1]

    return [f for f in found if not in_a_row(f)] + in_tables


def inferred_edition(published: date | None) -> int | None:
    """The edition an article most likely means when it names none: the one in force on its date;
    before the first announcement, the year before publication (the edition being assessed)."""
    if published is None:
        return None
    in_force = edition_in_force(published)
    if in_force is not None:
        return in_force.year
    year = published.year - 1
    return year if year in editions() else None


def edition_date(doc: SourceDocument) -> date | None:
    """The date the edition of a value that names none is inferred from: the publication date; else,
    for a text dated by its month only (" date 2023-04"), the month's first day when the same edition
    was in force all month (never a guess between two)."""
    if doc.published is not None:
        return doc.published
    month = find_published_month(doc.text)
    if month is None:
        return None
    first = date(month[0], month[1], 1)
    last = date(month[0] + month[1] // 12, month[1] % 12 + 1, 1) - timedelta(days=1)
    edition = inferred_edition(first)
    return first if edition is not None and edition == inferred_edition(last) else None


def resolve_edition(
    finding: Finding, mentions: list[EditionMention], published: date | None
) -> tuple[int | None, EditionBasis]:
    edition, basis = _edition_of(finding, mentions, published)
    if finding.previous_edition and edition is not None:
        edition = finding.compared_to or edition - 1  # "rose four places from fifth": the earlier rank
    return edition, basis


def _edition_of(
    finding: Finding, mentions: list[EditionMention], published: date | None
) -> tuple[int | None, EditionBasis]:
    if finding.edition is not None:
        return finding.edition, "stated"
    if finding.years_before_publication:
        # "Last year, it ranked 12th": only an edition announced by the publication date
        year = published.year - finding.years_before_publication if published else None
        in_force = edition_in_force(published) if published else None
        ok = year is not None and in_force is not None and year <= in_force.year
        return (year if ok else None), "inferred_from_date"
    before = [m for m in mentions if m.start < finding.sentence.start]
    after = [m for m in mentions if m.start >= finding.sentence.start]
    if before or after:
        return (before[-1] if before else after[0]).year, "stated"
    if published is None and finding.passage_year is not None:
        return finding.passage_year, "stated"
    return inferred_edition(published), "inferred_from_date"


def _title_place(doc: SourceDocument) -> str | None:
    if not doc.title:
        return None
    names = {p.name for p in find_places(doc.title, doc.language)}
    return names.pop() if len(names) == 1 else None


def resolve_province(
    finding: Finding, doc: SourceDocument, edition: int, cohort: int | None
) -> tuple[Unit | None, ProvinceBasis, str | None]:
    """The unit, how it was found, and a note when it could not be (never a guess)."""
    cohort = cohort if cohort is not None else finding.cohort_hint
    if finding.place is not None:
        unit = resolve(finding.place.name, edition, cohort)
        return (
            unit,
            "text",
            None if unit else f"{finding.place.name!r} was not ranked in DTI {edition} as named",
        )
    if finding.unknown_place:
        return None, "text", f"province name {finding.unknown_place!r} is not in the gazetteer"
    if finding.ambiguous_place:
        # The sentence names provinces but none is this value's: the title's or the outlet's
        # province would be a guess — unless "tỉnh" can only be the one province the whole article
        # names ("Trà Vinh tăng 15 bậc, xếp thứ 12; với xã hội số, tỉnh tăng 28 bậc").
        sole = _sole_province(finding, doc) if finding.bare_province else None
        if sole is None:
            return None, "text", "the sentence names several provinces and it is unclear whose value this is"
        unit = resolve(sole, edition, cohort)
        return unit, "text", None if unit else f"{sole!r} was not ranked in DTI {edition}"
    if finding.other_subject:
        return (
            None,
            "text",
            f"the province is not named and the sentence may be about {finding.other_subject!r}",
        )
    title_name = _title_place(doc)
    if title_name:
        unit = resolve(title_name, edition, cohort)
        return unit, "title", None if unit else f"{title_name!r} was not ranked in DTI {edition}"
    if finding.antecedent:  # "HCM City ranked second. … The city earned first position in …"
        unit = resolve(finding.antecedent, edition, cohort)
        return unit, "text", None if unit else f"{finding.antecedent!r} was not ranked in DTI {edition}"
    outlet = outlets().get(doc.outlet or "")
    if outlet and outlet.province and finding.bare_province:
        unit = gazetteer().by_slug[outlet.province]
        if edition >= 2025 or cohort == 34:
            unit = gazetteer().successor(unit) or unit
        return unit, "outlet", None
    if finding.bare_province or _OF_WHICH.match(finding.sentence.text):
        # "chỉ số DTI của tỉnh năm 2024 xếp hạng thứ 24/63", "Trong đó, …" in an article that has
        # named one province only, before this sentence: the value is that province's.
        names = {p.name for p in find_places(doc.text[: finding.sentence.start], doc.language)}
        if len(names) == 1:
            name = names.pop()
            unit = resolve(name, edition, cohort)
            return unit, "text", None if unit else f"{name!r} was not ranked in DTI {edition}"
    return None, "text", "the province is not named"


# "So với Bạc Liêu (thứ 20), tỉnh xếp thứ 40": a province named as the one compared with is not "tỉnh".
_COMPARED_NAME = regex.compile(
    r"(?:so\s+với|như|hơn|sau|trước|trên|dưới)\s+(?:(?:tỉnh|thành\s+phố|TP\.?)\s*)?$"
)


def _sole_province(finding: Finding, doc: SourceDocument) -> str | None:
    """The one province a Vietnamese article names up to the finding's sentence, when its title and
    outlet name no other and the sentence does not name it as the one compared with."""
    if doc.language != "vi":
        return None
    s = finding.sentence
    if any(
        _COMPARED_NAME.search(doc.text, max(s.start, s.start + p.start - 40), s.start + p.start)
        for p in find_places(s.text, doc.language)
    ):
        return None
    names = {p.name for p in find_places(doc.text[: finding.sentence.end], doc.language)}
    if doc.title:
        names |= {p.name for p in find_places(doc.title, doc.language)}
    outlet = outlets().get(doc.outlet or "")
    if len(names) != 1 or (outlet is not None and outlet.province):
        return None
    name = names.pop()
    return name if agrees("tỉnh", name) else None  # "tỉnh" is never Hà Nội or Đà Nẵng


def _cohort(finding: Finding, edition: int) -> tuple[int | None, str | None]:
    """The cohort for a rank (None for scores and changes) and a note when it contradicts the edition."""
    if finding.measure != "rank":
        return None, None
    sizes = editions()[edition].cohorts
    if finding.cohort is not None:
        if finding.cohort not in sizes:
            return None, f"DTI {edition} did not rank {finding.cohort} units"
        return finding.cohort, None
    return (sizes[0], None) if len(sizes) == 1 else (None, None)


def _compared_edition(finding: Finding, edition: int) -> int | None:
    """The edition a rank change is counted from: the one the text names, else the one before."""
    if finding.measure != "rank_change":
        return None
    return finding.compared_to if finding.compared_to is not None else edition - 1


def _where(finding: Finding) -> str:
    return f"{finding.span.quote[:80]!r} at {finding.span.start}"


def _claim(
    finding: Finding, doc: SourceDocument, mentions: list[EditionMention]
) -> tuple[Claim | None, str | None]:
    """The finding's claim, or None and why not (the problem alone; the caller says where)."""
    if finding.refusal:
        return None, finding.refusal
    edition, edition_basis = resolve_edition(finding, mentions, edition_date(doc))
    if edition is None or edition not in editions():
        return None, "the edition is not stated and the publication date is unknown"
    cohort, problem = _cohort(finding, edition)
    if problem:
        return None, problem
    if finding.measure == "rank" and not (1 <= int(finding.value) <= (cohort or 63)):
        return None, f"rank {finding.value} is out of range"
    compared = _compared_edition(finding, edition)
    if compared is not None:
        if compared not in editions() or compared >= edition:
            return None, f"no DTI {compared} to compare with"
        # Found by the property tests: "tăng 63 bậc" in a cohort of 63 (at most 62 places to move).
        most = max(editions()[edition].cohorts) - 1
        if abs(int(finding.value)) > most:
            return None, f"a change of {finding.value} places is more than {most}"
    unit, province_basis, problem = resolve_province(finding, doc, edition, cohort)
    if unit is None:
        return None, problem
    return (
        Claim(
            province=unit.slug,
            edition=edition,
            indicator=finding.indicator,
            measure=finding.measure,
            value=finding.value,
            cohort=cohort,
            rule=finding.rule,
            evidence=[finding.span],
            compared_to=compared,
            edition_basis=edition_basis,
            province_basis=province_basis,
        ),
        None,
    )


def _candidate(
    finding: Finding, doc: SourceDocument, mentions: list[EditionMention], reason: str
) -> Candidate | None:
    """An uncertain attribution as a candidate for review: the value is a DTI value of some province,
    but whose is not clear (several named, or the subject may be the nation, a ministry …)."""
    if finding.refusal or not (finding.ambiguous_place or finding.other_subject):
        return None  # not a province's value at all, or nothing to choose between
    edition, edition_basis = resolve_edition(finding, mentions, edition_date(doc))
    if edition is None or edition not in editions():
        return None
    cohort, problem = _cohort(finding, edition)
    if problem:
        return None
    rivals = {
        unit.slug
        for place in find_places(finding.sentence.text, doc.language)
        if (unit := resolve(place.name, edition, cohort or finding.cohort_hint)) is not None
    }
    if (title := _title_place(doc)) and (unit := resolve(title, edition, cohort)) is not None:
        rivals.add(unit.slug)
    compared = _compared_edition(finding, edition)
    return Candidate(
        edition=edition,
        indicator=finding.indicator,
        measure=finding.measure,
        value=finding.value,
        cohort=cohort,
        rule=finding.rule,
        evidence=[finding.span],
        reason=reason,
        rivals=tuple(sorted(rivals)),
        compared_to=compared,
        edition_basis=edition_basis,
    )


def _conflict_candidates(group: list[Claim], reason: str) -> list[Candidate]:
    """Two values for one slot in one article: each is a candidate; a person keeps one."""
    return [
        Candidate(
            edition=c.edition,
            indicator=c.indicator,
            measure=c.measure,
            value=c.value,
            cohort=c.cohort,
            rule=c.rule,
            evidence=list(c.evidence),
            reason=reason,
            rivals=(c.province,),
            compared_to=c.compared_to,
            edition_basis=c.edition_basis,
        )
        for c in group
    ]


def _adopt_stated_cohorts(claims: list[Claim]) -> list[Claim]:
    """A DTI 2024 rank without a cohort ("Hà Nội tops the 2024 rankings") that the article also
    states over a cohort ("ranked first among the 34") is that claim: take its cohort and unit
    rather than let the name fall back to the 63-era unit (Hà Nội was 4th of the 63)."""
    gaz = gazetteer()
    stated = [c for c in claims if c.measure == "rank" and c.cohort is not None]
    out = []
    for claim in claims:
        if claim.measure == "rank" and claim.cohort is None:
            unit = gaz.by_slug[claim.province]
            same = {
                (c.province, c.cohort)
                for c in stated
                if (c.edition, c.indicator, c.value) == (claim.edition, claim.indicator, claim.value)
                and (c.province == unit.slug or _successor_slug(unit) == c.province)
            }
            if len(same) == 1:
                province, cohort = same.pop()
                claim = replace(claim, province=province, cohort=cohort)
        out.append(claim)
    return out


def _adopt_document_cohort(claims: list[Claim], cohorts: set[int]) -> list[Claim]:
    """A DTI 2024 claim whose sentence names no cohort, in an article that speaks of one cohort
    only ("… kết quả DTI của các tỉnh, thành sau sáp nhập"): that cohort, and its unit."""
    if len(cohorts) != 1:
        return claims
    cohort = next(iter(cohorts))
    out = []
    for claim in claims:
        sizes = editions()[claim.edition].cohorts
        unit = gazetteer().by_slug[claim.province]
        if len(sizes) > 1 and cohort in sizes and claim.cohort is None:
            if cohort == 34 and unit.era != POST_MERGER:
                successor = _successor_slug(unit)
                if successor is None:
                    out.append(claim)
                    continue
                claim = replace(claim, province=successor)
            claim = replace(claim, cohort=cohort if claim.measure == "rank" else None)
        out.append(claim)
    return out


def _adopt_province_cohort(claims: list[Claim]) -> list[Claim]:
    """A province's DTI 2024 rank without a cohort, in an article that ranks that province over one
    cohort only ("Hanoi has topped among 34 provinces … Hanoi led in four key indicators"), is over
    that cohort too; other provinces' ranks keep what their own sentences say."""
    gaz = gazetteer()

    def place(slug: str) -> str:  # one key for a 63-era unit and the 34-era unit that is the same place
        return _successor_slug(gaz.by_slug[slug]) or slug

    stated: dict[tuple[str, int], set[int]] = {}
    for c in claims:
        if c.measure == "rank" and c.cohort is not None and len(editions()[c.edition].cohorts) > 1:
            stated.setdefault((place(c.province), c.edition), set()).add(c.cohort)
    out = []
    for claim in claims:
        cohorts = stated.get((place(claim.province), claim.edition), set())
        if claim.measure == "rank" and claim.cohort is None and len(cohorts) == 1:
            cohort = next(iter(cohorts))
            unit = resolve(gaz.by_slug[claim.province].name_vi, claim.edition, cohort)
            if unit is not None:
                claim = replace(claim, province=unit.slug, cohort=cohort)
        out.append(claim)
    return out


def _successor_slug(unit: Unit) -> str | None:
    """The 34-era unit that is the same place as ``unit`` (same name or sole predecessor)."""
    new = gazetteer().successor(unit)
    return new.slug if new is not None and resolve(unit.name_vi, 2025, 34) == new else None


def _merge(claims: list[Claim]) -> tuple[list[Claim], list[str], list[Candidate]]:
    """One claim per key with all its evidence (a repeated paragraph is one claim, several spans);
    two different values for the same slot in one article are both sent to review, with a note."""
    merged: dict[tuple[object, ...], Claim] = {}
    for claim in sorted(claims, key=lambda c: c.evidence[0]):
        key = claim.key()
        if key not in merged:
            merged[key] = replace(claim, evidence=list(claim.evidence))
            continue
        kept = merged[key]
        kept.evidence = sorted(set(kept.evidence) | set(claim.evidence))
        if kept.cohort is None:
            kept.cohort = claim.cohort
        if claim.edition_basis == "stated":
            kept.edition_basis = "stated"
        if _BASIS_RANK[claim.province_basis] < _BASIS_RANK[kept.province_basis]:
            kept.province_basis = claim.province_basis
    notes = []
    candidates: list[Candidate] = []
    slots: dict[tuple[object, ...], list[Claim]] = {}
    for claim in merged.values():
        slot = (claim.province, claim.edition, claim.indicator, claim.measure, claim.compared_to)
        slots.setdefault(slot, []).append(claim)
    out = []
    for where, group in slots.items():
        if len(group) > 1:
            values = sorted(str(c.value) for c in group)
            note = f"conflicting values {values} for {where}: none kept"
            notes.append(f"{note}, sent to review")
            candidates.extend(_conflict_candidates(group, note))
            continue
        out.extend(group)
    return out, notes, candidates


def derive_previous_ranks(claims: list[Claim]) -> list[Claim]:
    """Rank 8 after gaining 4 places means rank 12 in the edition compared with, when both
    rankings are over the same cohort."""
    ranks = {(c.province, c.edition, c.indicator): c for c in claims if c.measure == "rank" and not c.derived}
    out = []
    for change in claims:
        if change.measure != "rank_change" or change.compared_to is None:
            continue
        if (change.province, change.compared_to, change.indicator) in ranks:
            continue  # the text states that rank itself ("tăng 17 bậc so với năm 2020 (xếp thứ 40/63)")
        rank = ranks.get((change.province, change.edition, change.indicator))
        if rank is None:
            continue
        cohort = rank.cohort
        earlier = editions()[change.compared_to].cohorts
        if cohort is None and len(earlier) == 1 and _era_of(change.province) != POST_MERGER:
            # "xếp thứ 2 (tăng 1 bậc so với năm 2023)" in DTI 2024, cohort unsaid: places gained
            # since an edition ranked over the 63 alone are places among the 63
            cohort = earlier[0]
        province = change.province
        if cohort == 34 and 34 not in earlier:
            # "Huế … xếp thứ 2 (tăng 1 bậc so với năm 2023)": a unit the merger left whole is
            # compared with its own place among the 63 (a merged one, with nothing to compare)
            old = gazetteer().predecessors(unit) if (unit := gazetteer().by_slug.get(province)) else []
            province, cohort = (
                (old[0].slug, earlier[0]) if len(old) == 1 and len(earlier) == 1 else (province, None)
            )
        if (
            cohort is None
            or cohort not in earlier
            or (province, change.compared_to, change.indicator) in ranks
        ):
            continue
        previous = int(rank.value) + int(change.value)
        if not 1 <= previous <= cohort:
            continue
        out.append(
            Claim(
                province=province,
                edition=change.compared_to,
                indicator=change.indicator,
                measure="rank",
                value=previous,
                cohort=cohort,
                rule="derived.previous-rank (rank + places gained)",
                evidence=sorted(set(change.evidence) | set(rank.evidence)),
                derived=True,
                derived_from=change,
                edition_basis=change.edition_basis,
                province_basis=change.province_basis,
            )
        )
    return out


def _era_of(slug: str) -> str | None:
    unit = gazetteer().by_slug.get(slug)
    return unit.era if unit is not None else None


def claim_sort_key(claim: Claim) -> tuple[object, ...]:
    return (
        claim.province,
        claim.edition,
        claim.indicator,
        claim.measure,
        claim.compared_to or 0,
        claim.derived,
        str(claim.value),
        claim.evidence[0],
    )


def extract_document(doc: SourceDocument) -> Extraction:
    """Claims and edition facts of one document; notes say what was skipped and why."""
    lex = _lexicon(doc.language)
    if not lex.dti_mark.search(doc.text):
        return Extraction(doc, [], [], ["no DTI content: the text never mentions the DTI"])
    # The rules read hard-wrapped lines as one sentence; spans keep the offsets, and so quote ``doc``.
    source, doc = doc, replace(doc, text=unwrapped(doc.text))
    mentions = edition_mentions(doc.text, lex)
    notes: list[str] = []
    claims: list[Claim] = []
    candidates: list[Candidate] = []
    refusals: set[str] = set()  # one per distinct refused value (a repeated paragraph refuses once)
    findings = [replace(f, span=span_of(source.text, f.span.start, f.span.end)) for f in _find(doc)]
    # A document that states one edition only inside its sentences ("Năm 2022, …, xếp thứ 37/63")
    # and has no date: its sentences that state none speak of that edition too.
    sentence_editions = {f.edition for f in findings if f.edition is not None and not f.refusal}
    only = next(iter(sentence_editions)) if len(sentence_editions) == 1 else None
    for finding in findings:
        if only is not None and not mentions and doc.published is None and finding.edition is None:
            finding = replace(finding, edition=only)
        claim, problem = _claim(finding, doc, mentions)
        if claim:
            claims.append(claim)
        elif problem:
            note = f"skipped {_where(finding)}: {problem}"
            candidate = _candidate(finding, doc, mentions, problem)
            if candidate is None:
                refusals.add(note)
            else:
                candidates.append(candidate)
                note = f"{note} (sent to review)"
            notes.append(note)
    claims = _adopt_document_cohort(claims, document_cohorts(doc.text, lex))
    claims, conflict_notes, conflicts = _merge(_adopt_province_cohort(_adopt_stated_cohorts(claims)))
    notes.extend(conflict_notes)
    candidates.extend(conflicts)
    derived = derive_previous_ranks(claims)
    known = {c.key() for c in claims}
    claims.extend(d for d in derived if d.key() not in known)
    fact_list, fact_notes = facts.find_facts(source, mentions, lambda: inferred_edition(edition_date(doc)))
    notes.extend(fact_notes)
    if not claims:
        notes.append("no DTI claims: no rank, score or rank change is stated precisely enough")
    unique = {c.key(): c for c in sorted(candidates, key=Candidate.key)}  # repeated paragraphs: once
    return Extraction(
        source,
        sorted(claims, key=claim_sort_key),
        fact_list,
        sorted(dict.fromkeys(notes)),
        list(unique.values()),
        refused=len(refusals),
    )


def extract_path(path: Path) -> Extraction:
    return extract_document(load_document(path))


__all__ = ["extract_document", "extract_path", "inferred_edition"]
