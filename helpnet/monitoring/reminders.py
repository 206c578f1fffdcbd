"""Reminders to report: 7 days before a period's due date and once it is overdue, each sent once.

Recipients are the active representatives of the organisations expected to report and still missing a
report; the e-mail carries the network, the period and a link, never a figure or a person's details.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from helpnet.networks.models import Representative

from .models import Indicator, Measurement, ReminderSent, ReportingPeriod
from .queries import COUNTED, applies, expected_reporters

logger = logging.getLogger(__name__)

DAYS_BEFORE = 7
# Overdue reminders stop after this long: an old, forgotten period should not mail people every night.
OVERDUE_WINDOW = dt.timedelta(days=60)
DEFAULT_LANGUAGE = {"SI": "sl", "DK": "da"}


def missing_reporters(period: ReportingPeriod) -> set[Any]:
    """Organisations still owing at least one report for the period."""
    indicators = Indicator.objects.filter(
        network_id=period.network_id, is_active=True, source=Indicator.Source.MANUAL
    ).prefetch_related("reporting_organizations")
    reported = set(
        Measurement.objects.filter(period=period, status__in=COUNTED).values_list(
            "indicator_id", "reporting_organization_id"
        )
    )
    missing: set[Any] = set()
    for indicator in indicators:
        if applies(period, indicator):
            missing |= {org for org in expected_reporters(indicator) if (indicator.pk, org) not in reported}
    return missing


def reminder_kind(period: ReportingPeriod, today: dt.date) -> str | None:
    if period.is_locked:
        return None
    if period.due_date - dt.timedelta(days=DAYS_BEFORE) <= today <= period.due_date:
        return ReminderSent.Kind.DUE_SOON
    if period.due_date < today <= period.due_date + OVERDUE_WINDOW:
        return ReminderSent.Kind.OVERDUE
    return None


def _language(user: Any, country: str) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    if user.preferred_language in available:
        return str(user.preferred_language)
    return DEFAULT_LANGUAGE.get(country, settings.LANGUAGE_CODE)


def _send(period: ReportingPeriod, organization_id: Any, kind: str) -> int:
    representatives = Representative.objects.filter(
        member__network_id=period.network_id,
        member__organization_id=organization_id,
        ended_on__isnull=True,
    ).select_related("user", "member__network")
    sent = 0
    for representative in representatives:
        user = representative.user
        if not user.email or not user.is_active:
            continue
        network = representative.member.network
        with translation.override(_language(user, network.country)):
            path = reverse("monitoring:dashboard", args=[network.slug])
            context = {
                "network": network,
                "period": period,
                "overdue": kind == ReminderSent.Kind.OVERDUE,
                "url": settings.HELPNET_BASE_URL.rstrip("/") + path,
            }
            subject = render_to_string("monitoring/email/reminder_subject.txt", context).strip()
            body = render_to_string("monitoring/email/reminder.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


def send_due_reminders(today: dt.date | None = None) -> str:
    """Send each due-soon and overdue reminder once per period and organisation."""
    today = today or timezone.localdate()
    periods = ReportingPeriod.objects.filter(
        locked_at__isnull=True,
        due_date__gte=today - OVERDUE_WINDOW,
        due_date__lte=today + dt.timedelta(days=DAYS_BEFORE),
    ).select_related("network")
    emails = 0
    for period in periods:
        kind = reminder_kind(period, today)
        if kind is None:
            continue
        for organization_id in missing_reporters(period):
            try:
                with transaction.atomic():
                    # The unique row is the "sent once" guarantee. Mailing inside the transaction (not on
                    # commit) means a failed send rolls the row back and is retried the next night.
                    ReminderSent.objects.create(period=period, organization_id=organization_id, kind=kind)
                    emails += _send(period, organization_id, kind)
            except IntegrityError:
                continue
    logger.info("monitoring reminders: %s e-mails", emails)
    return f"{emails} reporting reminders sent"
