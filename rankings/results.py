"""The one place an agency's official numbers are computed from its group sums: points achieved, points
excluded (criteria not applicable to it), the applicable maximum, the converted total that ranks, the percent,
and the ranks of a block. Pages, downloads, the admin and the API all read them from here (via selectors).

As provinces publish it, with the columns of their decisions:
  Điểm tối đa (block maximum) 100 · Số điểm không đưa vào đánh giá (excluded) 5 · Số điểm tối đa cần thực hiện
  (applicable maximum) 95 · Số điểm thực hiện (points) 80,75 · Tỷ lệ thực hiện (percent) 85 % ·
  Số điểm quy đổi (total) = points ÷ applicable maximum × block maximum = 85,00, rounded to the cent, halves up.
"""

from dataclasses import dataclass
from decimal import Decimal

from common.numbers import cents, percent_of


@dataclass(frozen=True)
class Result:
    points: Decimal  # achieved, on the criteria that apply
    excluded: Decimal  # the maxima of the criteria that do not apply
    maximum: Decimal  # the block's maximum
    total: Decimal  # converted to the block's maximum: what ranks, classes and averages use
    percent: Decimal  # points ÷ applicable maximum

    @property
    def applicable_max(self):
        return self.maximum - self.excluded


def result(points, excluded, maximum):
    """An agency's result from its achieved and excluded points on a block whose criteria add up to `maximum`."""
    points, excluded = cents(points), cents(excluded)
    applicable = maximum - excluded
    if applicable <= 0:  # nothing applies: nothing to achieve
        return Result(points, excluded, maximum, Decimal("0.00"), Decimal("0.00"))
    total = points if not excluded else cents(points * maximum / applicable)
    return Result(points, excluded, maximum, total, percent_of(points, applicable))


def group_percent(points, excluded, maximum):
    """A criteria group's share of what applies of it, in percent; None when nothing of it applies."""
    applicable = maximum - excluded
    return percent_of(points, applicable) if applicable > 0 else None


def assign_ranks(standings):
    """Rank the standings that are ranked by their converted total, ties sharing a rank and skipping the next
    (1, 2, 2, 4); the others get None. Returns them in the ranking's order: ranked first, each tie and then the
    unranked in Vietnamese alphabetical order.
    """
    ranked = sorted((s for s in standings if s.ranked), key=lambda s: (-s.total, s.sort_key))
    previous_total, previous_rank = None, 0
    for position, standing in enumerate(ranked, start=1):
        if standing.total != previous_total:
            previous_total, previous_rank = standing.total, position
        standing.rank = previous_rank
    unranked = sorted((s for s in standings if not s.ranked), key=lambda s: s.sort_key)
    for standing in unranked:
        standing.rank = None
    return ranked + unranked
