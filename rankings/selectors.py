"""Reads that the public pages, the downloads and the admin share, all built on Score.objects.ranking().

Each function runs a fixed number of queries, whatever the number of agencies, criteria and years.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from statistics import median

from django.http import Http404

from agencies.models import Agency, AgencyGroup
from common.numbers import cents, percent_of
from criteria.models import CriteriaGroup, Criterion, EvaluationYear, ResultClass

from .models import Band, ImportLog, Score


@dataclass
class Standing:
    """One agency's official result in one year."""

    rank: int
    rank_change: int | None  # places gained since the previous published year; None when it was not ranked
    agency_id: int
    name: str
    short_name: str
    slug: str
    sort_key: str
    search_text: str
    total: Decimal
    percent: Decimal
    groups: dict[str, Decimal]  # criteria group code -> score
    band: Band | None = None

    @property
    def display_name(self):
        return self.short_name or self.name


@dataclass
class GroupMaximum:
    criteria_group: CriteriaGroup
    maximum: Decimal

    @property
    def code(self):
        return self.criteria_group.code


@dataclass
class Ranking:
    """A block's ranking in one year, with what is needed to read it."""

    year: EvaluationYear
    block: AgencyGroup
    previous_year: EvaluationYear | None
    group_maxima: list[GroupMaximum]
    standings: list[Standing] = field(default_factory=list)

    @property
    def max_total(self):
        return sum((g.maximum for g in self.group_maxima), Decimal(0))

    @property
    def alphabetical(self):
        return sorted(self.standings, key=lambda s: s.sort_key)

    @property
    def leader(self):
        return self.standings[0] if self.standings else None

    def average(self):
        """The block's mean total, percent and criteria-group scores; None without standings."""
        if not self.standings:
            return None

        # Not statistics.mean: it turns each decimal into an exact fraction, slow over a national block.
        def mean(values):
            return cents(sum(values) / len(self.standings))

        return {
            "total": mean(s.total for s in self.standings),
            "percent": mean(s.percent for s in self.standings),
            "groups": {g.code: mean(s.groups[g.code] for s in self.standings) for g in self.group_maxima},
        }

    def standing_of(self, agency_id):
        return next((s for s in self.standings if s.agency_id == agency_id), None)


class PublishedYears:
    """The published evaluation years, newest first, read once per request."""

    def __init__(self):
        self.years = list(EvaluationYear.objects.published().order_by("-year"))

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


def classes_for(year, block):
    """The labels a year's results in a block are read with: the year's classes for it, or else the bands."""
    year_classes = list(ResultClass.objects.filter(year=year, agency_group=block))
    return year_classes or list(Band.objects.order_by("-min_percent"))


def band_for(percent, bands):
    """The band (or class) whose threshold is the highest one at or below `percent` (sorted from the top)."""
    return next((band for band in bands if percent >= band.min_percent), None)


def build_rankings(*, years, published, blocks):
    """Rankings of `blocks` in `years`, each with its change since the previous published year.

    Returns {(year id, block id): Ranking}. Six queries, whatever the sizes.
    """
    previous = {year.pk: published.previous(year) for year in years}
    year_ids = {year.pk for year in years} | {p.pk for p in previous.values() if p}
    block_ids = [block.pk for block in blocks]
    criteria_groups = list(CriteriaGroup.objects.all())
    bands = list(Band.objects.order_by("-min_percent"))
    classes = defaultdict(list)  # (year id, block id) -> the year's classes for the block, highest first
    for result_class in ResultClass.objects.filter(year_id__in=year_ids, agency_group_id__in=block_ids):
        classes[result_class.year_id, result_class.agency_group_id].append(result_class)

    maxima = defaultdict(dict)
    for row in Criterion.objects.filter(year_id__in=year_ids, agency_group_id__in=block_ids).maxima():
        maxima[row["year_id"], row["agency_group_id"]][row["criteria_group_id"]] = row["maximum"]

    # A block's ranking is made of the scores on its criteria: an agency that has since moved to another
    # block keeps its place in the years it was scored in this one.
    rows = defaultdict(list)
    scores = Score.objects.filter(criterion__year_id__in=year_ids, criterion__agency_group_id__in=block_ids)
    for row in scores.ranking(criteria_groups):
        rows[row["criterion__year_id"], row["criterion__agency_group_id"]].append(row)
    agencies = {
        agency["id"]: agency
        for agency in Agency.objects.filter(pk__in={row["agency_id"] for listed in rows.values() for row in listed})
        .values("id", "name", "short_name", "slug", "sort_key", "search_text")
    }
    for block_rows in rows.values():  # tied agencies in Vietnamese alphabetical order
        block_rows.sort(key=lambda row: (row["rank"], agencies[row["agency_id"]]["sort_key"]))

    def ranks(year, block):
        return {row["agency_id"]: row["rank"] for row in rows[year.pk, block.pk]} if year else {}

    rankings = {}
    for year in years:
        for block in blocks:
            block_maxima = maxima[year.pk, block.pk]
            ranking = Ranking(
                year=year,
                block=block,
                previous_year=previous[year.pk],
                group_maxima=[GroupMaximum(cg, block_maxima[cg.pk]) for cg in criteria_groups if cg.pk in block_maxima],
            )
            previous_ranks = ranks(previous[year.pk], block)
            block_classes = classes[year.pk, block.pk] or bands
            block_maximum = ranking.max_total
            for row in rows[year.pk, block.pk]:
                agency = agencies[row["agency_id"]]
                percent = percent_of(row["total"], block_maximum)
                before = previous_ranks.get(row["agency_id"])
                ranking.standings.append(Standing(
                    rank=row["rank"],
                    rank_change=None if before is None else before - row["rank"],
                    agency_id=row["agency_id"],
                    name=agency["name"],
                    short_name=agency["short_name"],
                    slug=agency["slug"],
                    sort_key=agency["sort_key"],
                    search_text=agency["search_text"],
                    total=cents(row["total"]),
                    percent=percent,
                    groups={g.code: cents(row[f"group_{g.code}"] or 0) for g in ranking.group_maxima},
                    band=band_for(percent, block_classes),
                ))
            rankings[year.pk, block.pk] = ranking
    return rankings


def block_ranking(*, published, year, block):
    """One block's ranking in one published year: what the ranking page and its downloads show."""
    return build_rankings(years=[year], published=published, blocks=[block])[year.pk, block.pk]


@dataclass
class PublicationRecord:
    first_published: datetime | None  # when the year was first published, from its history
    corrections: list  # the reasons given each time it was taken back, oldest first
    changed_since: bool  # whether a score or criterion of the year changed after the first publication


def publication_record(year):
    """What the method page says about a year's publication, from the change history. Four queries at most."""
    history = year.history.order_by("history_date").values("status", "history_date", "history_change_reason")
    history = list(history)
    published = [h["history_date"] for h in history if h["status"] == EvaluationYear.Status.PUBLISHED]
    if not published:
        return PublicationRecord(None, [], False)
    first = published[0]
    reasons = [h["history_change_reason"] for h in history if h["history_change_reason"] and h["history_date"] > first]
    # A score an import created has no history record of its own: its import log says when it came.
    changed = (Score.history.filter(criterion__year=year, history_date__gt=first).exists()
               or ImportLog.objects.filter(year=year, applied_at__gt=first, created__gt=0).exists()
               or Criterion.history.filter(year=year, history_date__gt=first).exists())
    return PublicationRecord(first, reasons, changed)


def agency_profile(agency, ranking, standing):
    """What the agency page shows of one year: its criteria groups against the block's average and leader, the
    groups it stands out in and falls behind in, its place among the block's totals, and every criterion.

    A group's share of its maximum is rounded as the overall percent is (`percent_of`): a group exactly at the
    agency's own ratio (20 of 30 in 200 of 300) is neither a strength nor a weakness. Two queries.
    """
    average, leader = ranking.average(), ranking.leader
    # Strong groups score above the agency's own overall percentage, weak ones below: the article's "nổi trội".
    share = {g.code: percent_of(standing.groups[g.code], g.maximum) for g in ranking.group_maxima}
    by_share = sorted(ranking.group_maxima, key=lambda g: standing.groups[g.code] / g.maximum, reverse=True)
    criteria = list(
        Criterion.objects.filter(year=ranking.year, agency_group=ranking.block)
        .select_related("criteria_group")
        .order_by("criteria_group__order", "order", "code")
    )
    # Appraised values only: a self-assessment waiting for appraisal has no official value.
    scores = dict(Score.objects.filter(agency=agency, criterion__year=ranking.year, value__isnull=False)
                  .values_list("criterion", "value"))
    for criterion in criteria:  # a criterion with sub-criteria shows the sum of theirs
        if criterion.parent_id and criterion.pk in scores:
            scores[criterion.parent_id] = scores.get(criterion.parent_id, 0) + scores[criterion.pk]
    totals = sorted((s.total for s in ranking.standings), reverse=True)
    return {
        "block_ranking": ranking,
        "standing": standing,
        "average": average,
        "leader": leader,
        "criteria_group_rows": [
            (g, standing.groups[g.code], average["groups"][g.code], leader.groups[g.code]) for g in ranking.group_maxima
        ],
        "strong_groups": [g for g in by_share if share[g.code] > standing.percent],
        "weak_groups": [g for g in reversed(by_share) if share[g.code] < standing.percent],
        "criteria": [(c, scores.get(c.pk)) for c in criteria],
        "spread": {
            "highest": totals[0], "lowest": totals[-1], "median": median(totals),
            "below": sum(1 for total in totals if total < standing.total), "count": len(totals),
        },
    }
