"""The scoring rules of real provincial frameworks: how a criterion's points follow from the figures an agency
reports, and how the public pages write that out ("412/520 hồ sơ = 79,23 % × 35 = 27,73").

The one place each rule is computed: the score services store its result as the score's points, the pages
explain it, the imports and the entry screen check figures with it. Plain functions of numbers, no queries.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.numbers import cents, lazy_message, percent_of, points


class Rule(models.TextChoices):
    POINTS = "points", _("Points entered")
    RATIO = "ratio", _("Ratio × maximum")
    RELATIVE = "relative", _("Relative to the block's best")
    PER_ITEM = "per_item", _("Points per item, capped")
    TIERS = "tiers", _("Tiers on a ratio")
    YES_NO = "yes_no", _("Yes / no")


# The figures each computed rule reads: a numerator always, a denominator for the ratios.
FIGURES = {
    Rule.RATIO: ("numerator", "denominator"),
    Rule.RELATIVE: ("numerator",),
    Rule.PER_ITEM: ("numerator",),
    Rule.TIERS: ("numerator", "denominator"),
    Rule.YES_NO: ("numerator",),
}
# What each rule does, for the method page.
DESCRIPTIONS = {
    Rule.POINTS: _("The appraisers set the points, up to the maximum."),
    Rule.RATIO: _("Points = the reported ratio (a number out of a total) × the maximum."),
    Rule.RELATIVE: _("Points = the agency's figure ÷ the highest figure in the block × the maximum."),
    Rule.PER_ITEM: _("Points = points per item × the number of items, never above the maximum."),
    Rule.TIERS: _("The reported ratio reaches a tier, which gives a share of the maximum."),
    Rule.YES_NO: _("The maximum when the answer is yes, nothing when it is no."),
}
HUNDRED = Decimal(100)


def parse_tiers(text):
    """“90: 100; 70: 75” -> [(90, 100), (70, 75)]: from a ratio of 90 % the full maximum, from 70 % three quarters.

    Highest threshold first; ValidationError naming what is wrong.
    """
    tiers = []
    for part in filter(None, (p.strip() for p in (text or "").replace(",", ".").split(";"))):
        try:
            threshold, share = (Decimal(n.strip().rstrip("%").strip()) for n in part.split(":"))
            if not (threshold.is_finite() and share.is_finite()):  # "NaN" and "Infinity" are decimals too
                raise InvalidOperation
        except (ValueError, InvalidOperation):
            raise ValidationError(
                _("“%(part)s” is not a tier: write the ratio and the share of the maximum, e.g. “90: 100”."),
                params={"part": part},
            ) from None
        if not (0 <= threshold <= 100 and 0 <= share <= 100):
            raise ValidationError(_("In “%(part)s”, both numbers are percentages from 0 to 100."),
                                  params={"part": part})
        tiers.append((threshold, share))
    if not tiers:
        raise ValidationError(_("The rule “tiers” needs at least one tier, e.g. “90: 100; 70: 75”."))
    if len({t for t, _share in tiers}) != len(tiers):
        raise ValidationError(_("Each tier starts at a ratio of its own."))
    return sorted(tiers, reverse=True)


def check_parameters(criterion):
    """The criterion's rule has what it needs: ValidationError by field otherwise."""
    if criterion.rule == Rule.PER_ITEM and not (criterion.points_per_item and criterion.points_per_item > 0):
        raise ValidationError({"points_per_item": _("The rule “points per item” needs the points of one item.")})
    if criterion.rule != Rule.PER_ITEM and criterion.points_per_item is not None:
        raise ValidationError({"points_per_item": _("Points per item belong to the rule “points per item” only.")})
    if criterion.rule == Rule.TIERS:
        try:
            parse_tiers(criterion.tiers)
        except ValidationError as error:
            raise ValidationError({"tiers": error.error_list}) from None
    elif criterion.tiers:
        raise ValidationError({"tiers": _("Tiers belong to the rule “tiers” only.")})


def figures_error(criterion, numerator, denominator):
    """Why these figures cannot be the criterion's, naming it, or None. Missing figures are no error."""
    if numerator is None and denominator is None:
        return None
    params = {"code": criterion.code, "name": criterion.name}
    needed = FIGURES.get(criterion.rule, ())
    if not needed:
        return lazy_message(_("Criterion %(code)s “%(name)s” takes points, not figures."), **params)
    if "denominator" not in needed and denominator is not None:
        return lazy_message(_("Criterion %(code)s “%(name)s” takes one figure, not a total."), **params)
    if numerator is None or ("denominator" in needed and denominator is None):
        return lazy_message(_("Criterion %(code)s “%(name)s”: enter both the number and the total."), **params)
    if numerator < 0:
        return lazy_message(_("Criterion %(code)s “%(name)s”: a figure cannot be below zero."), **params)
    if "denominator" in needed:
        if denominator <= 0:
            return lazy_message(_("Criterion %(code)s “%(name)s”: the total must be above zero."), **params)
        if numerator > denominator:
            return lazy_message(_("Criterion %(code)s “%(name)s”: the number %(numerator)s is above the total "
                                  "%(denominator)s."), numerator=points(numerator),
                                denominator=points(denominator), **params)
    if criterion.rule == Rule.YES_NO and numerator not in (0, 1):
        return lazy_message(_("Criterion %(code)s “%(name)s”: answer 1 (yes) or 0 (no)."), **params)
    if criterion.rule == Rule.PER_ITEM and numerator != numerator.to_integral_value():
        return lazy_message(_("Criterion %(code)s “%(name)s”: a number of items is a whole number."), **params)
    return None


def compute(criterion, numerator, denominator, best=None):
    """The points the figures give on `criterion` (rounded to the cent, halves up), or None without figures.

    `best` is the highest figure in the block, for the rule “relative to the best”.
    """
    if numerator is None or criterion.rule not in FIGURES:
        return None
    maximum = criterion.max_points
    if criterion.rule == Rule.RATIO:
        return cents(numerator * maximum / denominator)
    if criterion.rule == Rule.RELATIVE:
        return cents(numerator * maximum / best) if best else Decimal(0)
    if criterion.rule == Rule.PER_ITEM:
        return min(cents(numerator * criterion.points_per_item), maximum)
    if criterion.rule == Rule.TIERS:
        return cents(tier_share(criterion, numerator * HUNDRED / denominator) * maximum / HUNDRED)
    return maximum if numerator else Decimal(0)  # yes / no


def tier_share(criterion, ratio):
    """The share of the maximum (percent) that a ratio (percent) reaches: the highest tier at or below it."""
    return next((share for threshold, share in parse_tiers(criterion.tiers) if ratio >= threshold), Decimal(0))


def explain(criterion, numerator, denominator, best, result):
    """The computation written out, as the public pages show it next to the points; "" when there is none."""
    if numerator is None or result is None or criterion.rule not in FIGURES:
        return ""
    unit = f" {criterion.unit}" if criterion.unit else ""
    maximum = points(criterion.max_points)
    if criterion.rule == Rule.RATIO:
        return (f"{points(numerator)}/{points(denominator)}{unit} = {points(percent_of(numerator, denominator))} % "
                f"× {maximum} = {points(result)}")
    if criterion.rule == Rule.RELATIVE:
        return str(_("%(value)s%(unit)s ÷ %(best)s (highest in the block) × %(max)s = %(points)s") % {
            "value": points(numerator), "unit": unit, "best": points(best or 0), "max": maximum,
            "points": points(result)})
    if criterion.rule == Rule.PER_ITEM:
        text = f"{points(numerator)}{unit} × {points(criterion.points_per_item)}"
        uncapped = cents(numerator * criterion.points_per_item)
        if uncapped > result:
            return str(_("%(text)s = %(uncapped)s, capped at %(max)s") % {
                "text": text, "uncapped": points(uncapped), "max": maximum})
        return f"{text} = {points(result)}"
    if criterion.rule == Rule.TIERS:
        ratio = percent_of(numerator, denominator)
        share = tier_share(criterion, numerator * HUNDRED / denominator)
        return (f"{points(numerator)}/{points(denominator)}{unit} = {points(ratio)} % → {points(share)} % "
                f"× {maximum} = {points(result)}")
    return str(_("Yes → %(points)s") if numerator else _("No → %(points)s")) % {"points": points(result)}
