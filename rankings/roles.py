"""The three roles of an evaluation, as Django groups with their permissions.

- ICT staff (the Sở TT&TT): everything, including publishing and importing.
- Appraisers: see every agency's self-assessment and set the appraised value, with a comment when it differs.
- Agency reporters: a user linked to one agency (agencies.AgencyReporter) edits that agency's self-assessment
  while the year is open for it, and sees nothing of other agencies.

`setup_roles` (run after every migrate, and as `manage.py setup_roles`) keeps the groups' permissions as below.
"""

from django.contrib.auth.models import Group, Permission

ICT_STAFF = "Cán bộ Sở TT&TT"
APPRAISERS = "Thẩm định viên"
REPORTERS = "Cán bộ báo cáo của cơ quan"

_ALL = ["add", "change", "delete", "view"]
ROLE_PERMISSIONS = {
    ICT_STAFF: {
        "agencies": {"agency": _ALL, "agencygroup": _ALL, "agencyreporter": _ALL},
        "criteria": {"evaluationyear": [*_ALL, "publish"], "criteriagroup": _ALL, "criterion": _ALL},
        "rankings": {"score": _ALL, "band": _ALL, "importlog": ["view", "import_scores"]},
    },
    APPRAISERS: {
        "agencies": {"agency": ["view"], "agencygroup": ["view"]},
        "criteria": {"evaluationyear": ["view"], "criteriagroup": ["view"], "criterion": ["view"]},
        "rankings": {"score": ["view", "change"]},
    },
    REPORTERS: {
        "rankings": {"score": ["view", "change"]},
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


def reporter_agency_id(user):
    """The agency a reporter reports for, or None for anybody else."""
    reporter = getattr(user, "reporter", None)
    return reporter.agency_id if reporter else None


def can_appraise(user):
    return user.has_perm("rankings.change_score") and reporter_agency_id(user) is None


def is_ict_staff(user):
    return user.has_perm("criteria.publish_evaluationyear")
