"""E-mail to the people a step of the round concerns: when a stage opens, an agency submits, an appraisal is
finished, an explanation is filed or answered, and a few days before a deadline (`manage.py send_reminders`).

Messages go once the transaction that made the step commits, one per recipient (nobody sees the others'
addresses), in the site's first language, through the SMTP server the settings name (EMAIL_HOST, EMAIL_PORT).
"""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def _holding(permission):
    """Active users with an address who hold `permission` (by a group or their own), as rankings.roles reads it."""
    users = get_user_model().objects.with_perm(permission, include_superusers=False,
                                               backend="django.contrib.auth.backends.ModelBackend")
    return users.exclude(email="")


def reporters_of(agency_ids):
    """The addresses of the reporters of these agencies: linked to one, and still holding the reporter's right."""
    return list(_holding("rankings.report_score").filter(reporter__agency__in=agency_ids)
                .values_list("email", flat=True))


def appraisers():
    """Appraisers linked to no agency (a linked user acts for its agency only)."""
    return list(_holding("rankings.appraise_score").filter(reporter__isnull=True).values_list("email", flat=True))


def ict_staff():
    return list(_holding("criteria.publish_evaluationyear").filter(reporter__isnull=True)
                .values_list("email", flat=True))


def link(route, *args):
    """An address in the admin that the e-mail points to, absolute when the site's address is known."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{settings.SITE_URL}{reverse(route, args=args)}"


def send(recipients, subject, body):
    """Send `subject` and `body` (made by a function, so that they are written in the site's language) to each
    address, after the commit."""
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = str(subject()), str(body())

    def deliver():
        # The step is committed: a mail server that is down must not turn it into an error page. The log says
        # what was not sent; `send_reminders` tells the people again before the deadline.
        try:
            with get_connection() as connection:
                connection.send_messages([EmailMessage(subject, body, to=[address]) for address in recipients])
        except (OSError, smtplib.SMTPException):
            logger.exception("E-mail “%s” to %d people was not sent", subject, len(recipients))

    transaction.on_commit(deliver)
