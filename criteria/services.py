from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import AgencyGroup
from common.data_version import invalidate_public_pages

from .models import CriteriaGroup, Criterion, EvaluationYear, ResultClass


@transaction.atomic
def copy_criteria(*, source: EvaluationYear, target_year: int, user) -> tuple[EvaluationYear, int]:
    """Copy every criterion of `source` (all blocks, with sub-criteria, rules), its groups and classes, to
    `target_year`.

    Needs the rights to add years and criteria; `user` None is the command line.

    The target year is created as a draft when it does not exist. A target that already has
    criteria is refused, so that a copy never mixes with criteria someone has already edited.
    Returns the target year and the number of criteria copied.
    """
    if user is not None and not user.has_perms(["criteria.add_evaluationyear", "criteria.add_criterion"]):
        raise PermissionDenied(f"{user} may not copy criteria.")
    if target_year == source.year:
        raise ValidationError(_("Choose a different year to copy the criteria to."))
    target, _created = EvaluationYear.objects.get_or_create(year=target_year)
    target.check_not_published()
    if target.criteria.exists() or target.criteria_groups.exists():
        raise ValidationError(
            _("The year %(year)s already has criteria or criteria groups; nothing was copied.") % {"year": target_year}
        )
    # Only the blocks that exist in the target year: a block that has ended takes no new criteria.
    blocks = AgencyGroup.objects.in_year(target_year)
    source_groups = list(source.criteria_groups.filter(agency_group__in=blocks).order_by("pk"))
    copied_groups = CriteriaGroup.objects.bulk_create(
        CriteriaGroup(year=target, agency_group_id=g.agency_group_id, code=g.code, name=g.name, name_en=g.name_en,
                      short_name=g.short_name, short_name_en=g.short_name_en, order=g.order)
        for g in source_groups
    )
    groups = {original.pk: copy for original, copy in zip(source_groups, copied_groups, strict=True)}
    originals = list(source.criteria.filter(agency_group__in=blocks).order_by("pk"))
    copies = {}  # id of the original -> its copy
    # Parents before children, one bulk insert per level of the tree.
    remaining = originals
    while remaining:
        level = [c for c in remaining if c.parent_id is None or c.parent_id in copies]
        if not level:
            raise ValidationError(_("The criteria of %(year)s refer to a missing parent.") % {"year": source})
        created = Criterion.objects.bulk_create(
            Criterion(
                year=target,
                agency_group_id=c.agency_group_id,
                criteria_group=groups[c.criteria_group_id],
                parent=copies.get(c.parent_id),
                code=c.code,
                name=c.name,
                max_points=c.max_points,
                order=c.order,
                rule=c.rule,
                points_per_item=c.points_per_item,
                tiers=c.tiers,
                unit=c.unit,
            )
            for c in level
        )
        copies.update(zip((c.pk for c in level), created, strict=True))
        remaining = [c for c in remaining if c.pk not in copies]
    ResultClass.objects.bulk_create(  # the year's classes are part of its framework
        ResultClass(year=target, agency_group_id=c.agency_group_id, name=c.name, name_en=c.name_en,
                    min_percent=c.min_percent)
        for c in source.result_classes.filter(agency_group__in=blocks)
    )
    invalidate_public_pages()  # bulk writes send no signal
    return target, len(copies)


STATUS_ORDER = list(EvaluationYear.Status.values)
# Sent once the move of a year to another stage is committed (rankings tells the people it concerns by e-mail).
stage_changed = Signal()


@transaction.atomic
def change_year_status(*, year: EvaluationYear, status: str, user, reason: str = "") -> EvaluationYear:
    """Move a year along draft -> self-assessment -> appraisal -> published.

    Going forward needs no reason; going back (unpublishing above all) needs one, and the reason is kept
    in the year's history. Publishing sets the publication date to today. Publishing and unpublishing need
    the publish permission, any other move the right to change years; `user` None is the command line.
    """
    year = EvaluationYear.objects.select_for_update().get(pk=year.pk)
    if status == year.status:
        return year
    publishing = EvaluationYear.Status.PUBLISHED in (status, year.status)
    needed = "criteria.publish_evaluationyear" if publishing else "criteria.change_evaluationyear"
    if user is not None and not user.has_perm(needed):
        raise PermissionDenied(f"{user} may not move {year} from {year.status} to {status}.")
    backwards = STATUS_ORDER.index(status) < STATUS_ORDER.index(year.status)
    if backwards and not reason.strip():
        raise ValidationError(_("Give a reason for taking the year %(year)s back to “%(status)s”.")
                              % {"year": year.year, "status": EvaluationYear.Status(status).label})
    year.status = status
    # The date of the publication in force: none while the year is taken back (its history keeps the earlier ones).
    year.published_on = timezone.localdate() if status == EvaluationYear.Status.PUBLISHED else None
    year._change_reason = reason.strip() or None  # django-simple-history keeps it with the change
    year._history_user = user
    year.save()
    transaction.on_commit(lambda: stage_changed.send(sender=EvaluationYear, year=year, user=user))
    return year
