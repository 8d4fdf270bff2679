"""Reads that the public pages, the downloads and the admin share, built on Score.objects.group_sums() and
rankings.results.

Each function runs a fixed number of queries, whatever the number of agencies, criteria and years. Those marked
`once_per_version` (common/data_version.py) run theirs once per process and data version while public pages are
rendered: the rows every page of a version reads alike.
"""

import copy
import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from statistics import median
from types import MappingProxyType, SimpleNamespace
from typing import NamedTuple

from django.db.models import Exists, Max, OuterRef, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyGroup, Succession
from common.data_version import kept_items, once_per_version
from common.numbers import cents
from criteria import rules
from criteria.models import CriteriaGroup, Criterion, EvaluationYear, ResultClass
from criteria.rules import Rule

from . import results
from .models import Band, ImportLog, Participant, RecordedRanking, Score


@dataclass
class Standing:
    """One agency's official result in one year (its numbers from rankings.results)."""

    agency_id: int
    name: str
    short_name: str
    slug: str
    sort_key: str
    search_text: str
    points: Decimal  # achieved on the criteria that apply
    excluded: Decimal  # maxima of the criteria that do not apply to it
    applicable_max: Decimal
    total: Decimal  # converted to the block's maximum: ranks, classes and averages use it
    percent: Decimal
    groups: dict[str, Decimal]  # criteria group code -> points
    group_excluded: dict[str, Decimal]  # criteria group code -> points excluded from it
    unranked_reason: str = ""  # why it is left out of the ranking; "" when it is ranked
    rank: int | None = None  # None when not ranked
    rank_change: int | None = None  # places gained since the previous published year; None when not ranked in both
    band: Band | None = None
    # The agencies it came from since the previous published year: [{"slug", "name", "kind"}] (agencies.Succession)
    predecessors: list = field(default_factory=list)

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def ranked(self):
        return not self.unranked_reason

    @property
    def newly_formed(self):
        """Formed from others or split from one since the previous published year: it has no change in rank."""
        return any(p["kind"] not in Succession.CONTINUING for p in self.predecessors)

@dataclass
class GroupMaximum:
    criteria_group: CriteriaGroup
    maximum: Decimal

    @property
    def code(self):
        return self.criteria_group.code


@dataclass
class Ranking:
    """A block's ranking in one year, with what is needed to read it.

    Built once by build_rankings and then only read: the pages of a data version share it (its standings are a
    tuple), so what is worked out from the whole block (its average, its ranked agencies, its order by name) is
    worked out once."""

    year: EvaluationYear
    block: AgencyGroup
    previous_year: EvaluationYear | None
    group_maxima: list[GroupMaximum]
    standings: tuple[Standing, ...] = ()
    # {criterion id: the block's highest figure} for the rule "relative to the best", from a published year's
    # record; None where it is read when needed (criterion_results)
    best_figures: dict | None = None

    @functools.cached_property
    def max_total(self):
        return sum((g.maximum for g in self.group_maxima), Decimal(0))

    @functools.cached_property
    def alphabetical(self):
        return tuple(sorted(self.standings, key=lambda s: s.sort_key))

    @functools.cached_property
    def ranked(self):
        return tuple(s for s in self.standings if s.ranked)

    @property
    def leader(self):
        return self.standings[0] if self.standings and self.standings[0].ranked else None

    @property
    def has_exclusions(self):
        """Whether any agency has criteria that do not apply: the pages then show the converted columns."""
        return any(s.excluded for s in self.standings)

    @property
    def has_unranked(self):
        return any(not s.ranked for s in self.standings)

    def average(self):
        """The ranked agencies' mean converted total, percent and criteria-group scores; None without any."""
        return self._block_average

    @functools.cached_property
    def _block_average(self):
        ranked = self.ranked
        if not ranked:
            return None

        # Not statistics.mean: it turns each decimal into an exact fraction, slow over a national block.
        def mean(values):
            return cents(sum(values) / len(ranked))

        return MappingProxyType({
            "total": mean(s.total for s in ranked),
            "percent": mean(s.percent for s in ranked),
            "groups": MappingProxyType({g.code: mean(s.groups[g.code] for s in ranked) for g in self.group_maxima}),
        })

    def group_percents(self, standing=None):
        """{criteria group code: percent of what applies of it} for `standing`, or for the block's ranked agencies
        together; a group none of whose criteria apply counts 0."""
        if standing is None:
            return self._block_group_percents
        return {g.code: results.group_percent(standing.groups[g.code], standing.group_excluded[g.code], g.maximum) or 0
                for g in self.group_maxima}

    @functools.cached_property
    def _block_group_percents(self):
        """What the block's ranked agencies achieved of what applies to them, group by group."""
        ranked = self.ranked
        return MappingProxyType({
            g.code: results.group_percent(sum(s.groups[g.code] for s in ranked),
                                          sum(s.group_excluded[g.code] for s in ranked), g.maximum * len(ranked)) or 0
            for g in self.group_maxima})

    def standing_of(self, agency_id):
        return next((s for s in self.standings if s.agency_id == agency_id), None)


class PublishedYears:
    """The published evaluation years, newest first, read once per request, each knowing whether its results are
    recorded (`recorded`: rankings/records.py)."""

    def __init__(self):
        self.years = list(published_years())

    def __iter__(self):
        return iter(self.years)

    def __bool__(self):
        return bool(self.years)

    @property
    def latest(self):
        return self.years[0] if self.years else None

    def get(self, year_number):
        """The published year, or a 404: a draft year does not exist for the public."""
        for year in self.years:
            if year.year == year_number:
                return year
        raise Http404(f"No published evaluation year {year_number}.")

    def previous(self, year):
        older = [y for y in self.years if y.year < year.year]
        return older[0] if older else None


@once_per_version
def published_years():
    return tuple(EvaluationYear.objects.published().annotate(
        recorded=Exists(RecordedRanking.objects.filter(year=OuterRef("pk")))).order_by("-year"))


@once_per_version
def agency_groups():
    """Every block, in order, whichever years it exists in."""
    return tuple(AgencyGroup.objects.all())


@once_per_version
def bands():
    """The bands results are read with where a year sets no classes, highest first."""
    return tuple(Band.objects.order_by("-min_percent"))


@dataclass
class Member:
    agency: Agency
    name: str  # of that year
    short_name: str


def block_members(year, block):
    """The agencies evaluated in a block in a year, under the names of that year, in Vietnamese alphabetical order:
    its participants, and, in a year not yet published, the block's active agencies that take part nowhere else yet
    that year, did not begin later and have not ended (a year's first sheet is made of them). Two queries."""
    participants = list(Participant.objects.filter(year=year).select_related("agency"))
    placed = {p.agency_id for p in participants}
    members = [(p.sort_key, Member(p.agency, p.name, p.short_name)) for p in participants if p.block_id == block.pk]
    if not year.is_published:  # a published year's members are its participants; an agency begun later is none
        newer = Agency.objects.filter(origins__year__gt=year.year, origins__kind__in=Succession.BEGINNING)
        ended = Agency.objects.filter(successions__year__lte=year.year)
        members += [(a.sort_key, Member(a, a.name, a.short_name))
                    for a in Agency.objects.filter(group=block, is_active=True).exclude(pk__in=newer)
                    .exclude(pk__in=ended) if a.pk not in placed]
    return [member for _key, member in sorted(members, key=lambda pair: (pair[0], pair[1].agency.pk))]


def blocks_of(year):
    """The blocks that have criteria in `year`, in their order."""
    return AgencyGroup.objects.filter(criteria__year=year).distinct().order_by("order", "name")


def classes_for(year, block):
    """The labels a year's results in a block are read with: the year's classes for it, or else the bands."""
    year_classes = list(ResultClass.objects.filter(year=year, agency_group=block))
    return year_classes or list(bands())


def band_for(percent, bands):
    """The band (or class) whose threshold is the highest one at or below `percent` (sorted from the top)."""
    return next((band for band in bands if percent >= band.min_percent), None)


def build_rankings(*, years, published, blocks, totals_only=False, successions=None):
    """Rankings of `blocks` in `years`, each with its change since the previous published year.

    Returns {(year id, block id): Ranking}. Four queries, whatever the sizes: five more when a year's results are
    not known to be recorded (a year not published, or not read by PublishedYears; rankings/records.py), one fewer
    when none is. `totals_only`: the
    standings without their criteria groups (empty `groups`) nor change in rank, for a page that shows only totals
    and ranks. `successions`: the agencies.Succession rows up to the latest of `years` at least, when the caller has
    read them already (agency_lineage): one query fewer.

    While a public page is rendered, the rankings a page of the same data version built in the same language are
    handed out again (kept_items): built from the same rows, they are the same. Rankings are only read once built.
    """
    # (year id, block id, totals_only, language) -> Ranking: a ranking holds words of the language it was built in
    kept, language = kept_items("rankings"), get_language()
    wanted = [(year.pk, block.pk, totals_only, language) for year in years for block in blocks]
    if all(key in kept for key in wanted):
        return {key[:2]: kept[key] for key in wanted}
    previous = {year.pk: None if totals_only else published.previous(year) for year in years}
    every_year = {year.pk: year for year in [*years, *filter(None, previous.values())]}
    block_ids = [block.pk for block in blocks]
    # A year read by PublishedYears knows whether it is recorded; its blocks without a record have no criteria.
    recorded = [year for year in every_year.values() if year.is_published and getattr(year, "recorded", False)]
    results_of = recorded_results(recorded, block_ids)  # (year id, block id) -> BlockResults
    unrecorded = {year.pk: year for year in every_year.values() if year not in recorded}
    if unrecorded:
        results_of |= computed_results(unrecorded, blocks, by_group=not totals_only)
    default_bands = bands()
    if successions is None:
        successions = successions_with_successor()
    successions = [s for s in successions if s.successor_id]
    # Today's addresses and names: of the agencies ranked (their own names stand in a year they have no
    # participation in: names of the time), and of those they came from.
    agency_ids = {result.agency_id for block in results_of.values() for result in block.agencies}
    agencies = agency_names(agency_ids | {s.predecessor_id for s in successions})
    origins = defaultdict(list)  # successor id -> the successions it came from, any year, by year and name
    for succession in sorted(successions, key=lambda s: (s.year, agencies[s.predecessor_id]["sort_key"])):
        predecessor = agencies[succession.predecessor_id]
        origins[succession.successor_id].append({
            "year": succession.year, "kind": succession.kind, "predecessor_id": succession.predecessor_id,
            "slug": predecessor["slug"], "name": predecessor["name"]})

    def ranking_of(year, block):
        block_results = results_of.get((year.pk, block.pk), BlockResults([], [], [], {}))
        ranking = Ranking(
            year=year,
            block=block,
            previous_year=previous.get(year.pk),  # the years before are built only for their ranks
            group_maxima=block_results.group_maxima,
            best_figures=block_results.best_figures,
        )
        since = previous[year.pk].year if previous.get(year.pk) else year.year - 1
        year_classes = block_results.classes or default_bands
        standings = []
        for result in block_results.agencies:
            agency = agencies[result.agency_id]
            # Its participation's names that year; without one, the agency's own.
            names = result if result.name is not None else SimpleNamespace(**agency)
            applies = result.applicable_max > 0
            standings.append(Standing(
                agency_id=result.agency_id,
                name=names.name,
                short_name=names.short_name,
                slug=agency["slug"],
                sort_key=names.sort_key,
                search_text=names.search_text,
                points=result.points,
                excluded=result.excluded,
                applicable_max=result.applicable_max,
                total=result.total,
                percent=result.percent,
                groups={} if totals_only else result.groups,
                group_excluded={} if totals_only else result.group_excluded,
                unranked_reason=result.unranked_reason
                or ("" if applies else _("No criterion applies to this agency.")),
                band=band_for(result.percent, year_classes) if applies else None,
                predecessors=predecessors_of(result.agency_id, origins, since, year.year),
            ))
        ranking.standings = tuple(results.assign_ranks(standings))
        return ranking

    # Each year's rankings, and those of the years before them, which give the change in rank.
    built = {(year_id, block.pk): ranking_of(year, block) for year_id, year in every_year.items() for block in blocks}
    for year in years:
        before = previous[year.pk]
        for block in blocks if before else ():
            ranks = {s.agency_id: s.rank for s in built[before.pk, block.pk].standings}
            for standing in built[year.pk, block.pk].standings:
                standing.rank_change = rank_change(standing, ranks)
    # Only those of `years`: the years before have no change in rank.
    kept.update({key: built[key[:2]] for key in wanted})
    return {(year.pk, block.pk): built[year.pk, block.pk] for year in years for block in blocks}


class AgencyResult(NamedTuple):
    """An agency's numbers in a block and year, from rankings.results, and its participation's name and reason for
    being left unranked (name None: it has no participation that year, and the agency's own names stand).

    A named tuple: read-only, and made in a third of a frozen dataclass's time, which counts when a process decodes
    a block's record for the first time (decoded_standings)."""

    agency_id: int
    name: str | None
    short_name: str
    sort_key: str
    search_text: str
    unranked_reason: str
    points: Decimal
    excluded: Decimal
    applicable_max: Decimal
    total: Decimal
    percent: Decimal
    groups: dict[str, Decimal]  # criteria group code -> points
    group_excluded: dict[str, Decimal]

    TEXTS = ("agency_id", "name", "short_name", "sort_key", "search_text", "unranked_reason")
    NUMBERS = ("points", "excluded", "applicable_max", "total", "percent")

    def as_record(self, codes):
        """As rankings.RecordedRanking stores it: a list in the order of TEXTS, NUMBERS, then the points and the
        excluded points of the criteria groups `codes`, in that order (a JSON object's keys keep no order in
        PostgreSQL's jsonb); decimals as text."""
        return [*(getattr(self, name) for name in self.TEXTS), *(str(getattr(self, name)) for name in self.NUMBERS),
                [str(self.groups[code]) for code in codes], [str(self.group_excluded[code]) for code in codes]]

    @classmethod
    def from_record(cls, record, codes):
        """The numbers `as_record` stored, read-only: decoded records are shared (`decoded_standings`)."""
        agency_id, name, short_name, sort_key, search_text, unranked_reason, *numbers, groups, excluded = record
        points, excluded_points, applicable_max, total, percent = map(Decimal, numbers)
        return cls(agency_id, name, short_name, sort_key, search_text, unranked_reason,
                   points, excluded_points, applicable_max, total, percent,
                   MappingProxyType(dict(zip(codes, map(Decimal, groups), strict=True))),
                   MappingProxyType(dict(zip(codes, map(Decimal, excluded), strict=True))))


@dataclass
class BlockResults:
    """A block's results in a year and the year's framework for it, from its record or computed."""

    group_maxima: list[GroupMaximum]  # in order
    classes: list  # the year's classes for the block (criteria.ResultClass), highest first
    agencies: Sequence[AgencyResult]
    best_figures: dict | None  # {criterion id: the block's highest figure}; None: not read yet (criterion_results)


@once_per_version
def successions_with_successor():
    return tuple(Succession.objects.filter(successor__isnull=False).order_by())


def agency_names(agency_ids):
    """{id: {"id", "name", "short_name", "slug", "sort_key", "search_text"}}: today's names of the agencies of
    `agency_ids`. One query, none when the pages of the same data version have read them all (kept_items)."""
    kept = kept_items("agency_names")
    if missing := set(agency_ids) - kept.keys():
        kept.update({agency["id"]: agency for agency in Agency.objects.filter(pk__in=missing).order_by().values(
            "id", "name", "short_name", "slug", "sort_key", "search_text")})
    return {pk: kept[pk] for pk in agency_ids if pk in kept}


def recorded_results(years, block_ids):
    """{(year id, block id): BlockResults} of `years`, published years with recorded results (rankings/records.py),
    and blocks `block_ids`. One query, none without a year or when a page of the same data version has read them
    all (kept_items: a block without a record that year is remembered too)."""
    kept = kept_items("recorded_results")  # (year id, block id) -> BlockResults, or None: no record
    wanted = [(year.pk, block_id) for year in years for block_id in block_ids]
    missing = [pair for pair in wanted if pair not in kept]
    if missing:
        restore, read = RecordedRanking.restore, dict.fromkeys(missing)
        # The agencies' numbers as the texts stored: decoded_standings decodes each once per process.
        records = RecordedRanking.objects.filter(
            year_id__in={year_id for year_id, _block in missing}, block_id__in={block for _year, block in missing}
        ).values_list("year_id", "block_id", "groups", "classes", Cast("best_figures", TextField()),
                      Cast("standings", TextField()))
        for year_id, block_id, groups, classes, best, standings in records:
            group_maxima = [GroupMaximum(restore(CriteriaGroup, group), Decimal(maximum)) for group, maximum in groups]
            read[year_id, block_id] = BlockResults(
                group_maxima, [restore(ResultClass, result_class) for result_class in classes],
                *decoded_standings(standings, best, tuple(g.code for g in group_maxima)))
        kept.update(read)
    return {pair: kept[pair] for pair in wanted if kept[pair] is not None}


@functools.lru_cache(maxsize=64)
def decoded_standings(standings, best_figures, codes):
    """(the AgencyResults, the best figures) of a record's `standings` and `best_figures` texts, its criteria groups
    `codes` in order. Every page of a published year decodes its block's record, most of the work of reading it: a
    process decodes each once (equal texts are the same numbers), and its callers share them: they are read-only."""
    return (tuple(AgencyResult.from_record(record, codes) for record in json.loads(standings)),
            MappingProxyType({int(pk): Decimal(best) for pk, best in json.loads(best_figures).items()}))


def computed_results(years, blocks, by_group=True):
    """{(year id, block id): BlockResults} computed from the scores of `years` ({id: year}): five queries. Without
    `by_group`, the agencies' totals only (empty `groups`)."""
    block_ids = [block.pk for block in blocks]
    in_scope = {"year_id__in": set(years), "agency_group_id__in": block_ids}
    criteria_groups = defaultdict(list)  # (year id, block id) -> the year's groups for the block, in order
    for group in CriteriaGroup.objects.filter(**in_scope).order_by("order", "code"):
        criteria_groups[group.year_id, group.agency_group_id].append(group)
    classes = defaultdict(list)  # (year id, block id) -> the year's classes for the block, highest first
    for result_class in ResultClass.objects.filter(**in_scope).order_by("-min_percent"):
        classes[result_class.year_id, result_class.agency_group_id].append(result_class)
    maxima = defaultdict(dict)
    for row in Criterion.objects.filter(**in_scope).maxima():
        maxima[row["year_id"], row["agency_group_id"]][row["criteria_group_id"]] = row["maximum"]
    # Who took part, under which name, ranked or not: the names of the time (agencies.Agency has today's).
    participants = {(p["year_id"], p["agency_id"]): p for p in Participant.objects.filter(
        year_id__in=set(years), block_id__in=block_ids).order_by().values(
        "year_id", "agency_id", "name", "short_name", "sort_key", "search_text", "unranked_reason")}
    # A block's ranking is made of the scores on its criteria: an agency that has since moved to another
    # block keeps its place in the years it was scored in this one.
    sums = defaultdict(lambda: defaultdict(dict))  # (year id, block id) -> agency id -> group id -> (points, excl.)
    scores = Score.objects.filter(criterion__year_id__in=set(years), criterion__agency_group_id__in=block_ids)
    for row in scores.group_sums(by_group=by_group):
        sums[row["year_id"], row["block_id"]][row["agency_id"]][row.get("criteria_group_id")] = (
            row["points"] or 0, row["excluded"] or 0)
    computed = {}
    for year_id in years:
        for block in blocks:
            block_maxima = maxima[year_id, block.pk]
            group_maxima = [GroupMaximum(g, block_maxima[g.pk]) for g in criteria_groups[year_id, block.pk]
                            if g.pk in block_maxima]
            maximum = sum((g.maximum for g in group_maxima), Decimal(0))
            groups = [(g.code, g.criteria_group.pk) for g in group_maxima] if by_group else []
            agencies = []
            for agency_id, by_group_sums in sums[year_id, block.pk].items():
                participant = participants.get((year_id, agency_id), {})
                numbers = results.result(sum(p for p, _e in by_group_sums.values()),
                                         sum(e for _p, e in by_group_sums.values()), maximum)
                agencies.append(AgencyResult(
                    agency_id=agency_id,
                    name=participant.get("name"),
                    short_name=participant.get("short_name", ""),
                    sort_key=participant.get("sort_key", ""),
                    search_text=participant.get("search_text", ""),
                    unranked_reason=participant.get("unranked_reason", ""),
                    points=numbers.points,
                    excluded=numbers.excluded,
                    applicable_max=numbers.applicable_max,
                    total=numbers.total,
                    percent=numbers.percent,
                    groups={code: cents(by_group_sums.get(pk, (0, 0))[0]) for code, pk in groups},
                    group_excluded={code: cents(by_group_sums.get(pk, (0, 0))[1]) for code, pk in groups},
                ))
            computed[year_id, block.pk] = BlockResults(group_maxima, classes[year_id, block.pk], agencies, None)
    return computed


def predecessors_of(agency_id, origins, since, until):
    """The agencies `agency_id` came from in the years (since, until], following renames back: a name changed twice
    since the previous published year still continues from the first. `origins` is {successor id: [successions]}."""
    found, todo, seen = [], [agency_id], {agency_id}
    while todo:
        current = todo.pop(0)
        for origin in origins.get(current, ()):
            if since < origin["year"] <= until and origin["predecessor_id"] not in seen:
                seen.add(origin["predecessor_id"])
                found.append({"slug": origin["slug"], "name": origin["name"], "kind": origin["kind"],
                              "agency_id": origin["predecessor_id"]})
                if origin["kind"] == Succession.Kind.RENAMED:
                    todo.append(origin["predecessor_id"])
    return found


def rank_change(standing, previous_ranks):
    """Places gained since the previous published year, by the comparison rule (agencies.Succession): an agency
    formed or split since has none; a renamed one continues from its former self; None when it was not ranked."""
    if standing.rank is None or standing.newly_formed:
        return None
    before = previous_ranks.get(standing.agency_id)
    if before is None:  # its former self, by the renames back from it
        renamed = [previous_ranks.get(p["agency_id"]) for p in standing.predecessors
                   if p["kind"] == Succession.Kind.RENAMED]
        before = next((rank for rank in renamed if rank is not None), None)
    return None if before is None else before - standing.rank


def block_ranking(*, published, year, block):
    """One block's ranking in one published year: what the ranking page and its downloads show."""
    return build_rankings(years=[year], published=published, blocks=[block])[year.pk, block.pk]


@dataclass
class Lineage:
    """An agency through the years: where it was evaluated, what it came from and what became of it."""

    agency: Agency
    origins: list  # the successions it came from (agencies.Succession), oldest first
    fates: list  # the successions it went into
    blocks: dict  # (agency id, year id) -> block id, for it and the forebears whose results its page shows
    forebears: list  # the successions whose predecessors' results its page shows, as theirs (renamed, formed, split)
    # Every succession up to the year it was read until, as read and shared (successions_until): their agencies are
    # not read on them (origins, fates and forebears have theirs).
    successions: tuple

    def block_in(self, agency_id, year):
        """The block an agency was evaluated in that year; for the agency itself, its block of today otherwise."""
        return self.blocks.get((agency_id, year.pk), self.agency.group_id if agency_id == self.agency.pk else None)

    @property
    def block_ids(self):
        return {*self.blocks.values(), self.agency.group_id}


def agency_lineage(agency, until):
    """The agency's Lineage, by the successions that take effect up to the year `until` (the latest published year
    for the public: a reorganisation still to come is not told). Two queries, and a third for an agency that has a
    lineage (the agencies of its successions, to name them)."""
    successions = successions_until(until or 0)
    origins = [s for s in successions if s.successor_id == agency.pk]
    # The forebears whose results its page shows: formed or split from, or renamed from — back through every rename.
    # The absorbed keep their own history.
    forebears, todo = [], [agency.pk]
    while todo:
        current = todo.pop(0)
        for succession in successions:
            if (succession.successor_id == current and succession.kind != Succession.Kind.MERGED
                    and succession not in forebears):
                forebears.append(succession)
                if succession.kind == Succession.Kind.RENAMED:
                    todo.append(succession.predecessor_id)
    fates = [s for s in successions if s.predecessor_id == agency.pk]
    named = {*origins, *fates, *forebears}
    if named:
        agencies = Agency.objects.in_bulk({s.predecessor_id for s in named}
                                          | {s.successor_id for s in named if s.successor_id})
        # The rows read are shared by the pages of a data version (successions_until): its own copies are named.
        copies = {succession: copy.copy(succession) for succession in named}
        for succession in copies.values():
            succession.predecessor, succession.successor = (agencies[succession.predecessor_id],
                                                            agencies.get(succession.successor_id))
        origins, fates, forebears = ([copies[s] for s in group] for group in (origins, fates, forebears))
        origins.sort(key=lambda s: (s.year, s.predecessor.sort_key))  # each year's in alphabetical order
    blocks = {(agency_id, year_id): block_id for agency_id, year_id, block_id in Participant.objects.filter(
        agency__in={agency.pk, *(s.predecessor_id for s in forebears)}).order_by().values_list(
        "agency_id", "year_id", "block_id")}
    return Lineage(agency, origins, fates, blocks, forebears, successions)


@once_per_version
def successions_until(year_number):
    """Every succession that takes effect up to `year_number`, oldest first."""
    return tuple(Succession.objects.filter(year__lte=year_number).order_by("year", "pk"))


@dataclass
class PublicationRecord:
    first_published: datetime | None  # when the year was first published, from its history
    corrections: list  # the reasons given each time it was taken back, oldest first
    changed_since: bool  # whether a score or criterion of the year changed after the first publication
    decisions: list = field(default_factory=list)  # (number, signing date) of each decision it was published by


@once_per_version
def publication_record(year):
    """What the method page says about a year's publication, from the change history. Eight queries at most."""
    history = list(year.history.order_by("history_date").values(
        "status", "history_date", "history_change_reason", "decision_number", "decision_signed_on"))
    published = [h["history_date"] for h in history if h["status"] == EvaluationYear.Status.PUBLISHED]
    if not published:
        return PublicationRecord(None, [], False)
    first = published[0]
    reasons = [h["history_change_reason"] for h in history if h["history_change_reason"] and h["history_date"] > first]
    # A score an import created has no history record of its own: its import log says when it came.
    changed = (Score.history.filter(criterion__year=year, history_date__gt=first).exists()
               or ImportLog.objects.filter(year=year, applied_at__gt=first, created__gt=0).exists()
               or Criterion.history.filter(year=year, history_date__gt=first).exists()
               # names, ranked or not, groups, classes and the successions that the year's comparison reads
               or Participant.history.filter(year=year, history_date__gt=first).exists()
               or CriteriaGroup.history.filter(year=year, history_date__gt=first).exists()
               or ResultClass.history.filter(year=year, history_date__gt=first).exists()
               or Succession.history.filter(year__lte=year.year, history_date__gt=first).exists())
    decisions = list(dict.fromkeys((h["decision_number"], h["decision_signed_on"]) for h in history
                                   if h["status"] == EvaluationYear.Status.PUBLISHED and h["decision_number"]))
    return PublicationRecord(first, reasons, changed, decisions)


@dataclass
class CriterionResult:
    """One criterion of an agency's evaluation as the agency page shows it."""

    criterion: Criterion
    criteria_group: CriteriaGroup
    value: Decimal | None  # appraised points; a criterion with sub-criteria shows the sum of theirs
    not_applicable: bool = False
    reason: str = ""  # why it does not apply
    explanation: str = ""  # how a computed criterion's points follow from the figures


def criterion_results(agency, ranking):
    """Every criterion of the ranking's block and year with the agency's appraised result on it. Two queries, three
    in a year not recorded (the block's best figures)."""
    year, block = ranking.year, ranking.block
    criteria = block_criteria(year, block)
    groups = {g.criteria_group.pk: g.criteria_group for g in ranking.group_maxima}  # read with the ranking
    if unread := {criterion.criteria_group_id for criterion in criteria} - groups.keys():  # a group with no maximum
        groups |= CriteriaGroup.objects.in_bulk(unread)
    # Appraised values only: a self-assessment waiting for appraisal has no official value.
    scores = {s["criterion_id"]: s for s in Score.objects.filter(agency=agency, criterion__year=year).values(
        "criterion_id", "value", "not_applicable", "not_applicable_reason", "numerator", "denominator")}
    best = ranking.best_figures if ranking.best_figures is not None else best_figures(year, block)
    rows, by_id = [], {}
    for criterion in criteria:
        score = scores.get(criterion.pk) or {}
        value = score.get("value")
        row = by_id[criterion.pk] = CriterionResult(
            criterion, groups[criterion.criteria_group_id], value, score.get("not_applicable", False),
            score.get("not_applicable_reason", ""),
            rules.explain(criterion, score.get("numerator"), score.get("denominator"), best.get(criterion.pk), value),
        )
        rows.append(row)
    for row in rows:  # a criterion with sub-criteria shows the sum of theirs
        parent = by_id.get(row.criterion.parent_id)
        if parent and row.value is not None:
            parent.value = (parent.value or 0) + row.value
    return rows


@once_per_version
def block_criteria(year, block):
    """A block's criteria in a year, in the order the pages list them (their criteria groups are not read)."""
    return tuple(Criterion.objects.filter(year=year, agency_group=block).in_framework_order())


@dataclass
class Change:
    """One criteria group or criterion of an agency, in the year shown and in the year it is compared with."""

    name: str
    now: Decimal | None
    then: Decimal | None
    maximum: Decimal
    maximum_then: Decimal | None

    @property
    def difference(self):
        """Points gained (negative: lost); None where either year has no value, or the maximum changed."""
        if self.now is None or self.then is None or self.maximum != self.maximum_then:
            return None
        return self.now - self.then


@dataclass
class Movement:
    """An agency's year against another of its years: its rank, each criteria group and each criterion. Groups
    and criteria are matched by code; one a framework added or dropped has no comparison."""

    against: EvaluationYear
    now: Standing
    ranking_now: Ranking
    then: Standing
    ranking_then: Ranking
    groups: list
    criteria: list

    @property
    def passed_by(self):
        """The agencies ranked above it now that were below it then: why a rank falls when a total rises."""
        if not (self.now.rank and self.then.rank):
            return []
        then = {s.agency_id: s.rank for s in self.ranking_then.standings}
        return [s for s in self.ranking_now.ranked if s.rank < self.now.rank
                and (then.get(s.agency_id) or 0) > self.then.rank]

    def _moved(self, sign):
        moved = [c for c in self.groups if c.difference is not None and c.difference * sign > 0]
        return sorted(moved, key=lambda c: c.difference * sign, reverse=True)[:2]

    @property
    def gains(self):
        """The (at most two) criteria groups that gained most points."""
        return self._moved(1)

    @property
    def losses(self):
        return self._moved(-1)


def movement(agency, ranking, standing, ranking_then, standing_then, criteria_now):
    """`standing` in `ranking` against `standing_then` in `ranking_then` (another year of the same agency), with
    `criteria_now` (criterion_results of the year shown). Two or three queries (the other year's criteria)."""
    maxima_then = {g.code: g.maximum for g in ranking_then.group_maxima}
    groups = [Change(g.criteria_group.localized_name, standing.groups[g.code], standing_then.groups.get(g.code),
                     g.maximum, maxima_then.get(g.code)) for g in ranking.group_maxima]
    then = {row.criterion.code: row for row in criterion_results(agency, ranking_then)}
    criteria = [Change(f"{row.criterion.code} {row.criterion.localized_name}", row.value,
                       then[row.criterion.code].value if row.criterion.code in then else None,
                       row.criterion.max_points,
                       then[row.criterion.code].criterion.max_points if row.criterion.code in then else None)
                for row in criteria_now]
    return Movement(ranking_then.year, standing, ranking, standing_then, ranking_then, groups, criteria)


def best_figures(year, block):
    """{criterion id: the highest appraised figure in the block}, for the rule “relative to the block's best”."""
    return dict(Score.objects.filter(criterion__year=year, criterion__agency_group=block,
                                     criterion__rule=Rule.RELATIVE, not_applicable=False)
                .values("criterion_id").annotate(best=Max("numerator")).values_list("criterion_id", "best"))


def groups_by_share(ranking, standing):
    """[(GroupMaximum, share)] of the criteria groups that apply to `standing`, best first: its share of what applies
    of each, rounded as the overall percent is (`percent_of`), so that a group exactly at the agency's own ratio (20
    of 30 in 200 of 300) is neither a strength nor a weakness."""
    shares = [(g, results.group_percent(standing.groups[g.code], standing.group_excluded[g.code], g.maximum))
              for g in ranking.group_maxima]
    return sorted(((g, share) for g, share in shares if share is not None), key=lambda pair: pair[1], reverse=True)


def agency_profile(agency, ranking, standing):
    """What the agency page shows of one year: its criteria groups against the block's average and leader, the
    groups it stands out in and falls behind in (`groups_by_share`), its place among the block's totals, and every
    criterion. Two or three queries (criterion_results).
    """
    average, leader = ranking.average(), ranking.leader
    shared = groups_by_share(ranking, standing)
    totals = sorted((s.total for s in ranking.ranked), reverse=True) or [standing.total]
    return {
        "block_ranking": ranking,
        "standing": standing,
        "average": average,
        "leader": leader,
        "criteria_group_rows": [
            (g, standing.groups[g.code], average["groups"][g.code] if average else None,
             leader.groups[g.code] if leader else None, g.maximum - standing.group_excluded[g.code])
            for g in ranking.group_maxima
        ],
        # Strong groups score above the agency's own overall percentage, weak ones below: the article's "nổi trội".
        "strong_groups": [g for g, share in shared if share > standing.percent],
        "weak_groups": [g for g, share in reversed(shared) if share < standing.percent],
        "criteria": criterion_results(agency, ranking),
        "spread": {
            "highest": totals[0], "lowest": totals[-1], "median": median(totals),
            "below": sum(1 for total in totals if total < standing.total), "count": len(totals),
        },
    }
