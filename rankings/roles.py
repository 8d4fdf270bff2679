"""The three roles of an evaluation, as Django groups with their permissions, and what each may reach.

- ICT staff (the department in charge): everything, including publishing and importing.
- Appraisers: see every agency's self-assessment and set the appraised value, with a comment when it differs.
- Agency reporters: a user linked to one agency (agencies.AgencyReporter) edits that agency's self-assessment
  while the year is open for it, and sees nothing of other agencies.

A role is a permission, never the absence of one: a user in the reporters' group without an agency link, or
staff in no group, reaches no score at all. A link to an agency always narrows: a linked user sees that
agency only, whatever else it holds.

`setup_roles` (run after every migrate, and as `manage.py setup_roles`) keeps the groups' permissions as below.
"""

from django.contrib.auth.models import Group, Permission

from criteria.models import EvaluationYear

ICT_STAFF = "Cán bộ Sở TT&TT"
APPRAISERS = "Thẩm định viên"
REPORTERS = "Cán bộ báo cáo của cơ quan"

_ALL = ["add", "change", "delete", "view"]
ROLE_PERMISSIONS = {
    ICT_STAFF: {
        "agencies": {"agency": _ALL, "agencygroup": _ALL, "agencyreporter": _ALL, "succession": _ALL},
        "criteria": {"evaluationyear": [*_ALL, "publish"], "criteriagroup": _ALL, "criterion": _ALL,
                     "resultclass": _ALL},
        "rankings": {"score": ["view"], "band": _ALL, "importlog": ["view", "import_scores"], "participant": _ALL},
    },
    APPRAISERS: {
        "agencies": {"agency": ["view"], "agencygroup": ["view"], "succession": ["view"]},
        "criteria": {"evaluationyear": ["view"], "criteriagroup": ["view"], "criterion": ["view"],
                     "resultclass": ["view"]},
        "rankings": {"score": ["view", "appraise"], "participant": ["view"]},
    },
    REPORTERS: {
        "rankings": {"score": ["view", "report"]},
    },
}


def _codename(action, model):
    return "import_scores" if action == "import_scores" else f"{action}_{model}"


def setup_roles():
    """Create the groups and give each exactly its permissions. Safe to run again."""
    for name, apps in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = [
            (app, _codename(action, model))
            for app, models in apps.items()
            for model, actions in models.items()
            for action in actions
        ]
        permissions = Permission.objects.filter(
            content_type__app_label__in={app for app, _codename in wanted},
            codename__in={codename for _app, codename in wanted},
        ).select_related("content_type")
        group.permissions.set([p for p in permissions if (p.content_type.app_label, p.codename) in wanted])


def _linked_agency_id(user):
    reporter = getattr(user, "reporter", None)
    return reporter.agency_id if reporter else None


def reporter_agency_id(user):
    """The agency `user` reports for, or None when it is no reporter (a link without the permission is none)."""
    agency_id = _linked_agency_id(user)
    return agency_id if agency_id is not None and user.has_perm("rankings.report_score") else None


def is_ict_staff(user):
    return user.has_perm("criteria.publish_evaluationyear") and _linked_agency_id(user) is None


def can_appraise(user):
    return user.has_perm("rankings.appraise_score") and _linked_agency_id(user) is None


def may_import(user):
    """Importing writes every agency of a block: never for a user linked to one agency, whatever its groups."""
    return user.has_perm("rankings.import_scores") and _linked_agency_id(user) is None


def sees_every_agency(user):
    """ICT staff and appraisers read every agency's scores, evidence and standing, in every stage."""
    return is_ict_staff(user) or can_appraise(user)


def may_read_scores_of(user, agency_id):
    return sees_every_agency(user) or (agency_id is not None and reporter_agency_id(user) == agency_id)


def reaches_scores(user):
    """Whether `user` may read any score at all."""
    return sees_every_agency(user) or reporter_agency_id(user) is not None


def visible_scores(user, scores):
    """The part of the `scores` queryset that `user` may read."""
    if sees_every_agency(user):
        return scores
    agency_id = reporter_agency_id(user)
    return scores.filter(agency_id=agency_id) if agency_id is not None else scores.none()


def scores_in_sight(user, scores):
    """The part of the `scores` queryset (or of their history) that `user` may read with their appraisal: a
    reporter reads its agency's appraisal from the explanation stage on, not while it runs."""
    if sees_every_agency(user):
        return scores
    Status = EvaluationYear.Status
    return visible_scores(user, scores).filter(criterion__year__status__in=[Status.EXPLANATION, Status.PUBLISHED])
