"""The sentence engine shared by both languages: find ranks, scores and rank changes in DTI
sentences and tie each to an indicator, a province mention and (when stated) an edition.

A language supplies a ``lexicon.Lexicon`` of patterns (``claims_vi``, ``claims_en``). The engine is
deliberately strict: a value is kept only when its clause says which indicator it is about, so a
missed claim is preferred over a wrong one.

Here: ``find_in_sentence`` (which indicator each value of a sentence is about) and ``find_all`` (the
DTI sentences of a text). Its parts: ``clause_values`` (the values a clause states),
``stated_editions``, ``discourse`` (what a sentence carries over from the one before), ``value_places``
(whose value it is), ``coordination`` (lists in one sentence), ``rank_order`` (ranks read off the
order names come in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import regex

from dti_kg.loaders import clause_values, coordination, discourse, rank_order
from dti_kg.loaders.clause_values import Value
from dti_kg.loaders.discourse import Context
from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.guards import other_subject, refusal
from dti_kg.loaders.lexicon import Lexicon, clause_indicators, clause_mentions
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.segments import Piece, clauses
from dti_kg.loaders.stated_editions import known_year, sentence_edition, sentence_years
from dti_kg.loaders.value_places import PlaceCursor, inside_places, quote_span, unknown_place


def _states_edition(lex: Lexicon) -> Callable[[str, int, int], bool]:
    def probe(text: str, start: int, end: int) -> bool:
        return any(p.search(text, start, max(start, end)) for p in lex.edition_anchored)

    return probe


def _names_dti(lex: Lexicon) -> Callable[[str, int, int], bool]:
    def probe(text: str, start: int, end: int) -> bool:
        piece = text[start:end]
        return bool(lex.dti_mark.search(piece) or clause_indicators(piece, lex))

    return probe


_NATIONAL_AFTER = regex.compile(
    # "12th among cities and provinces nationwide … and second in the Southeast region"
    r"\s*(?:trên\s+|trong\s+)?(?:among\s+(?:all\s+)?(?:the\s+)?(?:cities\s+and\s+provinces|provinces\s+and\s+cities"
    r"|localities)\s+)?(?:cả\s+nước|toàn\s+quốc|nationwide|nationally|in\s+the\s+(?:whole\s+)?country)(?![\p{L}])",
    regex.IGNORECASE,
)


def find_in_sentence(
    text: str, sentence: Piece, lex: Lexicon, context: Context | None = None
) -> list[Finding]:
    """Every DTI value the sentence states, with the indicator, province and edition it names."""
    context = context or Context()
    found = places_in(text, sentence.start, sentence.end, lex.language)
    places = found.places
    anaphor = discourse.ANAPHOR.match(text, sentence.start, sentence.end) or discourse.ANAPHOR_INNER.search(
        text, sentence.start, sentence.end
    )
    # "chỉ số của tỉnh" continuing a DTI sentence is the index just spoken of, of the one province the
    # last sentence naming provinces named, even in the paragraph before ("Năm 2022, tỉnh vươn lên …"
    # after a paragraph break, with no index word, is not).
    of_index = anaphor is not None and anaphor.groupdict().get("index") is not None
    who = context.subject or (context.antecedent if context.continued and of_index else None)
    if not places and anaphor and who and discourse.agrees(anaphor.group("a"), who):
        places = [PlaceMention(anaphor.start("a"), anaphor.end("a"), who)]
    parts = clauses(text, sentence)
    # Indicators named after a reason ("…, driven by three pillars of A, B and C") are not the
    # sentence's own, however the clauses split the list.
    sentence_has_indicator = any(
        lex.reason is None or not lex.reason.search(text, sentence.start, m[0])
        for c in parts
        for m in clause_mentions(text, c, lex)
    )
    sentence_overall = bool(lex.overall.search(sentence.text)) or context.overall
    other_in_sentence = bool(lex.other_index.search(sentence.text))
    edition = sentence_edition(text, sentence, lex)
    unknown = unknown_place(text, sentence, places, lex)
    bare = bool(lex.bare_province.search(sentence.text))
    sentence_cohort = discourse.sentence_cohort(text, sentence, lex, places) or context.cohort
    several_years = bool(lex.several_years.search(sentence.text))
    shared = coordination.SHARED.search(sentence.text)

    # "Về trụ cột kinh tế số, tỉnh đạt 0,4512 điểm, xếp hạng 15/63": a leading clause naming one
    # indicator and no value is the topic of the clauses after it that name none themselves.
    topic = None
    lead = clause_indicators(parts[0].text, lex) if parts else []
    if parts and (listing0 := coordination.listing_in(shared, sentence, parts[0])) is not None:
        # "dẫn đầu … ở cả 3 trụ cột chính quyền số, …": the listed indices are no topic
        lead = [m for m in lead if parts[0].start + m[0] < listing0]
    if len({k for _, _, k in lead}) == 1 and not clause_values.values(text, parts[0], lex):
        topic = lead[0][2]

    # A region, a district, a ministry or a provincial city in the sentence: its values may be
    # theirs; only ranks stated over a cohort of provinces ("5/63") stay.
    narrow = bool(lex.narrow_scope.search(sentence.text)) or found.names_city
    # "đứng thứ 39/63 tỉnh, tăng 10 bậc so với năm 2021 và đứng thứ 9/13 khu vực ĐBSCL": a change
    # after a rank over all provinces and before the region is named is that rank's change.
    scope = lex.narrow_scope.search(sentence.text)
    narrow_from = sentence.start + scope.start() if scope and not found.names_city else sentence.start
    national_rank_at: int | None = None
    # "chỉ đạt 0,24 điểm, xếp thứ 58 trong cả nước và xếp thứ 5 khu vực Tây Nguyên": a score beside
    # a national rank, both before the region is named, is the province's (a score has no scope).
    national_first = narrow and any(
        v.measure == "rank"
        and v.start < narrow_from
        and (v.cohort is not None or _NATIONAL_AFTER.match(text, v.end))
        for c in parts
        for v in clause_values.ranks(text, c, lex)
    )

    years = sentence_years(text, sentence, lex)
    env = _Env(
        text,
        sentence,
        edition,
        unknown,
        bare,
        bool(places),
        lex,
        context.continued,
        years,
        context.about,
        context.antecedent,
    )
    findings: list[Finding] = []
    listed = coordination.respectively(text, sentence, lex, places)
    listed_rule = "respectively" if listed else "tie"
    listed = listed or coordination.tie_list(text, sentence, lex, places)
    listed_span = (listed[0][2], listed[0][3]) if listed else None
    by_index, index_span = ([], None) if listed else coordination.respectively_indices(text, sentence, lex)
    if by_index and index_span:
        # a score list from its first score: a rank between the indices and the verb ("Kinh tế số và Xã
        # hội số đồng xếp hạng 58/63, đạt giá trị lần lượt là …") stays the indices' own
        first = by_index[0][1]
        listed_span = (first.start, index_span[1]) if first.measure == "score" else index_span
        env = replace(env, paired=listed_span)
    elif not listed and (unpaired := coordination.respectively_numbers(text, sentence, lex)):
        listed_span = unpaired  # "A và B lần lượt xếp thứ 20, 12 và 15": no pairing, no value
    pending_changes: list[tuple[Piece, Value, PlaceMention | None]] = []
    seen_rank_verb = False
    previous: tuple[str, frozenset[str]] | None = None  # the last clause's indicator and measures
    asides = [(m.start(), m.end()) for m in lex.aside.finditer(text, sentence.start, sentence.end)]
    cursor = PlaceCursor(
        [p for p in places if not any(a <= p.start < b for a, b in asides)], sentence, text, lex.bare_province
    )
    # "An toàn thông tin mạng, hạ tầng số (xếp thứ 2)": index names standing alone before an index
    # with its rank in brackets share that rank (the clauses of bare names so far).
    bare_indices: list[tuple[str, Piece]] = []
    for i, clause in enumerate(parts):
        waiting, bare_indices = bare_indices, []
        if lex.other_index.search(clause.text):
            previous = None
            continue
        mentions = clause_mentions(text, clause, lex) + coordination.list_tail(
            text, clause, parts[i + 1 :], lex
        )
        listing = coordination.listing_in(shared, sentence, clause)
        if listing is not None:
            # "… dẫn đầu cả nước về chuyển đổi số với 3 trụ cột chính quyền số (CQS), …": the indices
            # after "với 3 trụ cột" are the list the value is shared by, not the clause's own.
            mentions = [m for m in mentions if m[0] < listing]
        keys = sorted({k for _, _, k in mentions})
        overall_here = bool(lex.overall.search(clause.text))
        if other_in_sentence and not (keys or overall_here):
            previous = None
            continue
        values = clause_values.ranks(text, clause, lex) + clause_values.named_ranks(text, clause, lex, places)
        if values:
            seen_rank_verb = True
        elif seen_rank_verb and keys:
            values = clause_values.list_ranks(text, clause, lex)
        if not several_years:
            values += clause_values.leaders(text, clause, lex, places)
        if narrow:
            # "đứng thứ 17 cả nước …, đứng thứ 3 khu vực Nam Trung Bộ": a rank said to be national
            # stays beside the region's, as a rank over a cohort of provinces does
            national = {v.start for v in values if v.measure == "rank" and _NATIONAL_AFTER.match(text, v.end)}
            values = [v for v in values if v.cohort is not None or v.start in national]
            if national_rank_at is None:
                stated = [
                    v.start
                    for v in values
                    if v.measure == "rank" and (v.cohort in (34, 63) or v.start in national)
                ]
                national_rank_at = min(stated) if stated else None
            if national_rank_at is not None:
                values += [
                    v
                    for v in clause_values.changes(text, clause, lex)
                    if national_rank_at < v.start < narrow_from
                ]
            if national_first:
                values += [v for v in clause_values.scores(text, clause, lex) if v.start < narrow_from]
        else:
            values += clause_values.scores(text, clause, lex) + clause_values.changes(text, clause, lex)
        if listed_span:
            values = [v for v in values if not listed_span[0] <= v.start < listed_span[1]]
        if not values:
            if len(mentions) == 1 and (mentions[0][0], mentions[0][1]) == (clause.start, clause.end):
                gap = text[waiting[-1][1].end : clause.start] if waiting else ", "
                bare_indices = [*waiting, (keys[0], clause)] if _LIST_GAP.fullmatch(gap) else []
            # "…, về Xã hội số, Vĩnh Phúc xếp thứ 3": a clause naming one indicator and no value
            # is the topic of the clauses after it.
            if len(keys) == 1:
                topic = keys[0]
            elif not keys and overall_here and text[clause.end : clause.end + 1] == ":":
                topic = "overall"  # "Đối với xếp hạng chuyển đổi số cấp tỉnh DTI năm 2022: A xếp thứ nhất, …"
            if keys or overall_here or inside_places(places, clause) or lex.dti_mark.search(clause.text):
                previous = None
            # else an aside that names nothing ("Chính quyền số đạt 0,3512, tăng 52,2% so với năm
            # 2020, xếp thứ 47/63") does not end the index's run of values
            continue
        values.sort(key=lambda v: v.start)
        measures = frozenset(v.measure for v in values)
        # "xếp hạng 42/63 (tăng 5 bậc so với năm 2022)": a rank's own change does not make the clause
        # one of mixed values.
        core = [v for v in values if v.measure != "rank_change"] or values
        indicators: list[str] = []
        if len(keys) == 1:
            # "… và xã hội số. với DTI là 0,4874 điểm": the DTI named right before the value is its
            indicators = ["overall"] if _dti_names_value(text, clause, mentions, values[0]) else keys
        elif keys and shared is not None and all(v.measure == "rank" for v in values) and len(values) == 1:
            # "cả 3 trụ cột, gồm: Chính quyền số, kinh tế số và xã hội số đều xếp vị trí thứ 2/63":
            # one rank shared by every indicator the clause names.
            place = cursor.place_for(values[0], clause)
            hint = values[0].cohort or discourse.era_cohort(place) or sentence_cohort
            v = replace(values[0], cohort=values[0].cohort or hint, rule=f"{lex.rule_prefix}.rank.shared")
            findings.extend(_finding(env, clause, v, k, place, hint) for k in keys)
            previous = None
            continue
        elif keys:
            if pairs := coordination.alternating(mentions, values):
                # "Kinh tế số xếp hạng thứ 31 và Xã hội số xếp hạng thứ 11": each index the value
                # right after it
                for key, v in pairs:
                    place = cursor.place_for(v, clause)
                    hint = v.cohort or discourse.era_cohort(place) or sentence_cohort
                    v = replace(v, cohort=v.cohort or (hint if v.measure == "rank" else None))
                    findings.append(_finding(env, clause, v, key, place, hint))
                previous = None
                continue
            if not coordination.coordinated(text, mentions, values, lex):
                previous = None
                continue  # two indicators in one clause: which value belongs to which is a guess
            # "Digital Economy and Digital Society both ranked 8th", "topped … in all three pillars"
            indicators = keys + (["overall"] if any(v.overall_object for v in values) else [])
        elif listed_after := coordination.listed_after(text, clause, sentence, values, lex):
            indicators = listed_after  # "Hanoi led in four key indicators: A, B, C and D"
        elif (
            previous is not None
            and lex.coordination is not None
            and not measures & previous[1]
            and not any(clause.start <= p.start < clause.end for p in places)
            and not lex.dti_mark.search(clause.text)
        ):
            # "digital government reached 0.4455 points, ranking 7th": the rank completes the
            # indicator of the clause before ("nationwide" after it does not make it the overall index).
            indicators = [previous[0]]
        elif topic and (scope := lex.overall.search(clause.text)) and _SCOPE_ONLY.fullmatch(scope.group(0)):
            indicators = [topic]  # "Ở trụ cột xã hội số, tỉnh đạt 0,6864 điểm, xếp hạng 2 toàn quốc"
        elif overall_here or (sentence_overall and not sentence_has_indicator):
            indicators = ["overall"]
        elif (
            not sentence_has_indicator
            and lex.dti_mark.search(sentence.text)
            and any(v.measure == "rank" and v.cohort for v in values)
        ):
            indicators = ["overall"]  # "…mức độ chuyển đổi số…, Thừa Thiên Huế xếp thứ 2/63 tỉnh thành"
        elif (
            previous is not None
            and ("rank" in previous[1] or all(v.measure == "rank" for v in core))
            and (all(v.measure == "score" for v in core) or all(v.measure == "rank" for v in core))
            and (
                not any(clause.start <= p.start < clause.end for p in places)
                # "Hà Nội dẫn đầu cả nước, thứ 2 là TP Huế": a rank after a rank, another province
                or ("rank" in previous[1] and all(v.measure == "rank" for v in core))
            )
        ):
            # "trụ cột kinh tế số xếp thứ 22, đạt 0,4552 điểm", "kinh tế số đạt 0,6647 điểm, xếp thứ 27"
            indicators = [previous[0]]
        elif topic:
            indicators = [topic]
        elif shared is not None and listing is not None and all(v.measure == "rank" for v in values):
            # "Đây cũng là địa phương xếp hạng nhất ở cả 3 trụ cột Chính quyền số, …": the value is
            # each listed index's (the count must match, see coordination.shared_indicators).
            for v in values:
                place = cursor.place_for(v, clause)
                hint = v.cohort or discourse.era_cohort(place) or sentence_cohort
                probe = _finding(env, clause, replace(v, cohort=v.cohort or hint), "overall", place, hint)
                shared_by = coordination.shared_indicators(
                    text, sentence, lex, shared, [probe], include_self=False
                )
                findings.extend(shared_by)
                if shared_by and v.overall_object:  # "dẫn đầu bảng xếp hạng ở cả 3 trụ cột …": and overall
                    findings.append(probe)
            previous = None
            continue
        elif lex.dti_mark.search(sentence.text) and not any(
            clause_mentions(text, c, lex) for c in parts if c.start < clause.start
        ):
            # "In the DTI 2023, Thanh Hoa ranked 11th, Digital Government ranked 9th": a value
            # before any indicator is named, in a sentence about the DTI, is the overall index's.
            indicators = ["overall"]
        previous = (indicators[0], measures) if len(indicators) == 1 else None
        clause_cohorts = {v.cohort for v in values if v.cohort is not None}
        for v in values:
            place = cursor.place_for(v, clause)
            if v.rule.endswith(".rank.bracketed"):
                # "… như Hà Nội (thứ 43), Nghệ An (thứ 36)": the name right before the bracket.
                place = next((p for p in reversed(places) if p.end <= v.start), place)
            hint = v.cohort or (next(iter(clause_cohorts)) if len(clause_cohorts) == 1 else None)
            hint = hint or discourse.era_cohort(place) or sentence_cohort
            if v.previous:
                changes = [c for c in values if c.measure == "rank_change"]
                v = replace(v, compared_to=changes[0].compared_to if changes else None)
                hint = None  # the cohorts of the article's edition are not the earlier one's
            elif v.measure == "rank" and v.cohort is None and hint is not None:
                v = replace(v, cohort=hint)  # "Nếu tính theo 63 tỉnh, thành phố, X đứng thứ 6"
            if not indicators:
                if v.measure == "rank_change":
                    pending_changes.append((clause, v, place))
                continue
            # "Thể chế số - 57" in a "lần lượt là: …" list: the clause pairs index and value itself.
            paired = bool(keys) and all(
                clause.start + e <= v.start for _, e, _ in clause_indicators(clause.text, lex)
            )
            own_pair = paired and not inside_places(places, clause)
            findings.extend(_finding(env, clause, v, key, place, hint, listed=own_pair) for key in indicators)
            if (
                waiting
                and len(values) == 1
                and v.measure == "rank"
                and indicators == keys
                and len(mentions) == 1
                and _LIST_GAP.fullmatch(text, waiting[-1][1].end, clause.start)
                and _BRACKETED_RANK.fullmatch(text, mentions[0][1], v.start)
            ):
                shared_v = replace(v, rule=f"{lex.rule_prefix}.rank.shared-bracket")
                findings.extend(
                    _finding(
                        env,
                        Piece(c.start, clause.end, text[c.start : clause.end]),
                        shared_v,
                        key,
                        place,
                        hint,
                    )
                    for key, c in waiting
                )
    # A rank change with no indicator of its own ("tăng 4 bậc, đứng thứ 8 về …") shares the rank's.
    rank_indicators = {f.indicator for f in findings if f.measure == "rank"}
    if len(rank_indicators) == 1:
        indicator = rank_indicators.pop()
        for clause, v, place in pending_changes:
            findings.append(
                _finding(env, clause, v, indicator, place, discourse.era_cohort(place) or sentence_cohort)
            )
    else:
        # "CQS xếp hạng 39/63, tăng 20 bậc …; XHS xếp hạng 39/63, tăng 18 bậc …": ranks of several
        # indicators; a change takes the one rank right before it in its part of the sentence.
        for clause, v, place in pending_changes:
            before = [
                f
                for f in findings
                if f.measure == "rank" and f.span.end <= v.start and ";" not in text[f.span.end : v.start]
            ]
            last_end = max((f.span.end for f in before), default=None)
            last_keys = {f.indicator for f in before if f.span.end == last_end}
            if len(last_keys) == 1:
                cohort = discourse.era_cohort(place) or sentence_cohort
                findings.append(_finding(env, clause, v, last_keys.pop(), place, cohort))
    if by_index and len({p.name for p in places}) <= 1 and not narrow:
        # "3 trụ cột gồm A, B và C lần lượt xếp thứ 20, 12 và 15": each index its rank, in order
        place = places[0] if places else None
        cohort = discourse.era_cohort(place) or sentence_cohort
        for key, v in by_index:
            v = replace(v, cohort=cohort if v.measure == "rank" else None)
            start, end = index_span or (v.start, v.end)
            piece = Piece(start, end, text[start:end])
            findings.append(_finding(env, piece, v, key, place, cohort, listed=True))
    listed_indicator = _sentence_indicator(sentence, lex, sentence_overall)
    if listed and listed_indicator and not narrow:
        for place, n, start, end in listed:
            cohort = discourse.era_cohort(place) or sentence_cohort
            v = Value("rank", n, start, end, f"{lex.rule_prefix}.rank.{listed_rule}", cohort=cohort)
            piece = Piece(start, end, text[start:end])
            findings.append(_finding(env, piece, v, listed_indicator, place, cohort, listed=True))
    if shared is not None:
        findings.extend(coordination.shared_indicators(text, sentence, lex, shared, findings))
    findings.extend(coordination.ties(text, sentence, lex, places, findings))
    for rule in lex.extra_rules:
        findings.extend(rule(text, sentence, lex))
    return findings


# The DTI itself named right before a value, with only linking words between: "DTI là", "DTI đạt".
_DTI_BEFORE_VALUE = regex.compile(
    r"(?<![\p{L}])P?DTI\)?(?:\s+(?:là|đạt|được|ở\s+mức|reached|was|of|at|stood\s+at))*\s*:?\s*$",
    regex.IGNORECASE,
)


def _dti_names_value(text: str, clause: Piece, mentions: list[tuple[int, int, str]], value: Value) -> bool:
    last_name = max((e for _, e, _ in mentions if e <= value.start), default=clause.start)
    return bool(_DTI_BEFORE_VALUE.search(text, last_name, value.start))


def _sentence_indicator(sentence: Piece, lex: Lexicon, overall: bool) -> str | None:
    keys = {k for _, _, k in clause_indicators(sentence.text, lex)}
    if len(keys) == 1:
        return keys.pop()
    return "overall" if overall and not keys else None


_COMPARED_BRACKET = regex.compile(
    r"(?:so\s+với|compared\s+with|from)\s+(?:năm\s+|DTI\s+)?(?P<year>20\d\d)\s*\(\s*"
    r"(?:(?:xếp|đứng)\s+(?:thứ|hạng)\s+|hạng\s+|thứ\s+|vị\s+trí\s+)?$",
    regex.IGNORECASE,
)
_LIST_GAP = regex.compile(r"\s*,\s*|\s+(?:và|and)\s+", regex.IGNORECASE)
_BRACKETED_RANK = regex.compile(r"\s*\(\s*(?:xếp\s+)?(?:thứ|hạng|vị\s+trí)\s+", regex.IGNORECASE)
_SCOPE_ONLY = regex.compile(r"cả\s+nước|toàn\s+quốc|nationwide", regex.IGNORECASE)
_CONTRAST = regex.compile(r"(?<![\p{L}])(?:trong\s+khi|còn|whereas|while)(?![\p{L}])", regex.IGNORECASE)


@dataclass(frozen=True)
class _Env:
    """What every finding of one sentence shares."""

    text: str
    sentence: Piece
    edition: int | None
    unknown: str | None
    bare: bool
    names_places: bool
    lex: Lexicon
    continued: bool  # a sentence without a DTI word that continues the one before it
    years: list[tuple[int, int]]  # (position, year) of the editions the sentence names
    inherited_subject: str | None = None  # the nation or average the sentence before spoke of
    antecedent: str | None = None
    paired: tuple[int, int] | None = None  # where an index list and its "lần lượt" values paired up

    def _aside_year(self, v: Value, at: int) -> bool:
        """ "xếp thứ 24/63 (năm 2021: thứ 20/63)": a year in a bracket opened after the value, with a
        value of its own after it, is the aside's ("xếp thứ 24/63 (DTI 2022)" names the value's)."""
        opened = self.text.rfind("(", v.end, at)
        if opened < 0 or ")" in self.text[opened:at]:
            return False
        closed = self.text.find(")", at)
        return bool(regex.search(r"\d", self.text[at + 4 : closed if closed > 0 else at + 40]))

    def edition_at(self, v: Value, clause: Piece) -> tuple[int | None, str | None]:
        """The edition of a value: the sentence's own, or, where the sentence names several ("DTI
        2022 xếp thứ 9, DTI 2021 xếp thứ 21"), the one its clause names before it, else (not for a
        change: "up from 24th in 2022" is the comparison) after it, else the last one named before
        it in the sentence; none of these: unclear."""
        earlier = _COMPARED_BRACKET.search(self.text, max(0, v.start - 60), v.start)
        if earlier and known_year(int(earlier.group("year"))):
            return int(earlier.group("year")), None  # "tăng 17 bậc so với năm 2020 (xếp thứ 40/63)"
        if len({y for _, y in self.years}) < 2:
            # "… xếp thứ 24/63, …, trong khi năm 2020 thì …": the one year the sentence names
            # starts a contrast after this value's clause; it is not this value's edition.
            later = [p for p, _ in self.years if p >= v.end]
            if later and len(later) == len(self.years) and _CONTRAST.search(self.text, v.end, later[0]):
                return None, None
            return self.edition, None
        own_before = [y for p, y in self.years if clause.start <= p < v.start]
        own_after = [
            y
            for p, y in self.years
            if v.start < p < clause.end
            and not self._aside_year(v, p)
            and not _CONTRAST.search(self.text, v.end, p)  # "xếp 9/63 trong khi năm 2020 thì …"
        ]
        before = [y for p, y in self.years if p < v.start]
        if own_before:
            return own_before[-1], None
        if own_after and v.measure != "rank_change":
            return own_after[0], None
        if before:
            return before[-1], None
        return None, "the sentence names several editions and it is unclear which one this value is of"


def _finding(
    env: _Env,
    clause: Piece,
    v: Value,
    indicator: str,
    place: PlaceMention | None,
    cohort_hint: int | None,
    listed: bool = False,
) -> Finding:
    start, end = quote_span(env.text, clause, place, env.sentence)
    edition, unclear = env.edition_at(v, clause)
    g = env.lex.guards
    # "Đà Nẵng có năm thứ 3 liên tiếp dẫn đầu, TP.HCM và Quảng Ninh lần lượt xếp thứ 2 và 3": a
    # value whose clause names its own province, before the "respectively" list, is not in it.
    resp = g.respectively.search(env.text, env.sentence.start, env.sentence.end)
    own = place is not None and clause.start <= place.start < clause.end
    before_list = own and resp is not None and resp.start() >= clause.end
    # "…, xếp hạng 51/63; Kinh tế số và Xã hội số … lần lượt là …": a value in an earlier part of the
    # sentence, or outside a list that paired up, is not in the list
    elsewhere = resp is not None and v.end <= resp.start() and ";" in env.text[v.end : resp.start()]
    outside = env.paired is not None and not env.paired[0] <= v.start < env.paired[1]
    before_list = before_list or elsewhere or outside
    value = (v.start, v.measure, listed or before_list)
    why = unclear or refusal(
        env.text, env.sentence, clause, value, g, _states_edition(env.lex), _names_dti(env.lex)
    )
    subject = other_subject(env.text, env.sentence, clause, g) or env.inherited_subject
    if subject is None and env.continued:
        subject = discourse.CONTINUED_SUBJECT
    return Finding(
        indicator=indicator,
        measure=v.measure,  # type: ignore[arg-type]
        value=v.value,
        span=span_of(env.text, start, end),
        rule=v.rule,
        sentence=env.sentence,
        edition=edition,
        cohort=v.cohort,
        compared_to=v.compared_to,
        place=place,
        unknown_place=env.unknown if place is None else None,
        bare_province=env.bare,
        cohort_hint=cohort_hint,
        previous_edition=v.previous,
        antecedent=env.antecedent if place is None and env.bare else None,
        ambiguous_place=place is None and env.names_places,
        refusal=why,
        other_subject=subject,
    )


def find_all(text: str, lex: Lexicon) -> list[Finding]:
    out: list[Finding] = []
    ranks: dict[str, Finding] = {}  # overall ranks stated so far in the paragraph, by name
    stated: dict[str, Finding] = {}  # … and in the whole text ("Following Da Nang is …" a line later)
    end = 0
    for sentence, context in discourse.dti_sentences(text, lex):
        if "\n" in text[end : sentence.start]:
            ranks = {}
        end = sentence.end
        found = find_in_sentence(text, sentence, lex, context)
        found += rank_order.position_first(text, sentence, lex, found, context)
        found += rank_order.ranked_behind(text, sentence, lex, found)
        last = next(reversed(ranks.values()), None)
        found += rank_order.sequence(text, sentence, lex, found, {**stated, **ranks}, last)
        for f in found:
            if f.measure == "rank" and f.indicator == "overall" and f.place and f.refusal is None:
                ranks.pop(f.place.name, None)  # the last stated rank comes last
                ranks[f.place.name] = stated[f.place.name] = f
        out.extend(found)
    return out
