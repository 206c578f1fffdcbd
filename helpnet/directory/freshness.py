"""Data that stays true (issue #4): review reminders, one-click confirmation, staleness, problem reports.

A service's age counts from its last verification (HSDS ``assured_date``), or from its creation when it
was never verified, so a newly entered service is not flagged as stale. Reminders are the exception: a
service that was never verified is due for review at once, because confirming it is what sets the date.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpnet.accounts.models import User
from helpnet.organizations.models import Country, Membership, Organization

from .models import Metadata, ProblemReport, ReviewReminder, Service

Staleness = Literal["fresh", "stale", "expired"]
LEVELS = ("fresh", "due", "stale", "hidden")  # the dashboard's buckets, each service in exactly one

LISTED_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)
EDIT_ROLES = (Membership.Role.EDITOR, Membership.Role.ADMIN)

CONFIRM_LINK_MAX_AGE = dt.timedelta(days=30)
_CONFIRM_SALT = "helpnet.directory.freshness.confirm"

REPORTS_PER_WINDOW = 5
REPORT_WINDOW_SECONDS = 60 * 60

# The dashboard lists the oldest services due for review; the counts above it stay complete.
DUE_LIST_LIMIT = 500


# --- how old is a service's information ----------------------------------------------------------------


def _months_before(today: dt.date, months: int) -> dt.date:
    return today - relativedelta(months=months)


def _verified_on_or_before(day: dt.date) -> Q:
    """Services last verified (or, never verified, created) on ``day`` or earlier, in local time."""
    next_midnight = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return Q(assured_date__lte=day) | Q(assured_date__isnull=True, created_at__lt=next_midnight)


def _due_for_review(today: dt.date) -> Q:
    return Q(assured_date__isnull=True) | Q(
        assured_date__lte=_months_before(today, settings.HELPNET_REVIEW_MONTHS)
    )


def last_verified(service: Service) -> dt.date:
    """The date staleness counts from: the last verification, or the day the service was entered."""
    return service.assured_date or timezone.localdate(service.created_at)


def staleness(service: Service, *, today: dt.date | None = None) -> Staleness:
    """ "stale" once unconfirmed for HELPNET_STALE_MONTHS ("may be out of date"), "expired" (hidden from
    the public) after HELPNET_HIDE_MONTHS; both start on the anniversary day."""
    today = today or timezone.localdate()
    verified = last_verified(service)
    if verified <= _months_before(today, settings.HELPNET_HIDE_MONTHS):
        return "expired"
    if verified <= _months_before(today, settings.HELPNET_STALE_MONTHS):
        return "stale"
    return "fresh"


def is_due_for_review(service: Service, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return service.assured_date is None or service.assured_date <= _months_before(
        today, settings.HELPNET_REVIEW_MONTHS
    )


def exclude_expired(services: QuerySet[Service], *, today: dt.date | None = None) -> QuerySet[Service]:
    """Drop services unconfirmed for HELPNET_HIDE_MONTHS: the public no longer sees them."""
    today = today or timezone.localdate()
    return services.exclude(_verified_on_or_before(_months_before(today, settings.HELPNET_HIDE_MONTHS)))


def is_listed(
    status: str, assured_date: dt.date | None, created_at: dt.datetime, *, today: dt.date | None = None
) -> bool:
    """listed_services() for one row already read: a listed status and not expired (the same condition as
    exclude_expired and _verified_on_or_before, for a page of search results read by primary key)."""
    if status not in {Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED}:
        return False
    day = _months_before(today or timezone.localdate(), settings.HELPNET_HIDE_MONTHS)
    if assured_date is not None:
        return assured_date > day
    next_midnight = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return created_at >= next_midnight


def _level(today: dt.date) -> Case:
    """SQL for the dashboard bucket; the first matching branch wins, so the buckets never overlap."""
    return Case(
        When(
            _verified_on_or_before(_months_before(today, settings.HELPNET_HIDE_MONTHS)),
            then=Value("hidden"),
        ),
        When(
            _verified_on_or_before(_months_before(today, settings.HELPNET_STALE_MONTHS)),
            then=Value("stale"),
        ),
        When(_due_for_review(today), then=Value("due")),
        default=Value("fresh"),
        output_field=CharField(),
    )


# --- who may see what (another organisation's object is a 404, a read-only role a 403) -------------


def _role_in(user: Any, organization_id: UUID) -> str | None:
    return (
        Membership.objects.filter(user=user, organization_id=organization_id)
        .values_list("role", flat=True)
        .first()
    )


def _check_role(user: Any, organization_id: UUID, *, edit: bool) -> None:
    if user.is_superuser:
        return
    role = _role_in(user, organization_id)
    if role is None:
        raise Http404
    if edit and role not in EDIT_ROLES:
        raise PermissionDenied


def get_service_for_member_or_404(user: Any, pk: UUID, *, edit: bool = False) -> Service:
    service = get_object_or_404(Service.objects.select_related("organization"), pk=pk)
    _check_role(user, service.organization_id, edit=edit)
    return service


def get_problem_report_for_editor_or_404(user: Any, pk: UUID) -> ProblemReport:
    report = get_object_or_404(ProblemReport.objects.select_related("service"), pk=pk)
    _check_role(user, report.service.organization_id, edit=True)
    return report


def editable_organization_ids(user: Any) -> set[UUID] | Literal["all"]:
    """Organisations whose reports and services the user may change (one query, for whole lists)."""
    if user.is_superuser:
        return "all"
    return set(
        Membership.objects.filter(user=user, role__in=EDIT_ROLES).values_list("organization_id", flat=True)
    )


def problem_reports_visible_to(user: Any) -> QuerySet[ProblemReport]:
    reports = ProblemReport.objects.select_related("service", "service__organization", "resolved_by")
    if user.is_superuser:
        return reports
    return reports.filter(service__organization__memberships__user=user)


def organizations_administered_by(user: Any) -> QuerySet[Organization]:
    """Whose staleness dashboard the user sees. TODO(#5): network coordinators see their networks'."""
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.ADMIN
    ).distinct()


# --- the one-click "still correct" link ----------------------------------------------------------------


def _date_text(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_CONFIRM_SALT)


def make_confirm_token(service: Service, user: User) -> str:
    """A link token for one editor and one service, bound to its current assured_date: once the service is
    verified or edited to a new date the old link is spent."""
    payload = {"s": str(service.pk), "a": _date_text(service.assured_date), "u": user.pk}
    return _signer().sign_object(payload, compress=True)


@dataclass(frozen=True)
class ConfirmLink:
    service: Service
    user: User


def read_confirm_token(token: str) -> ConfirmLink | None:
    """What a link confirms, or None when it is expired, tampered with, spent, or its editor has left."""
    try:
        data = _signer().unsign_object(token, max_age=CONFIRM_LINK_MAX_AGE)
        service_id, assured, user_id = UUID(str(data["s"])), str(data["a"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    service = Service.objects.select_related("organization").filter(pk=service_id).first()
    if service is None or _date_text(service.assured_date) != assured:
        return None
    user = User.objects.filter(
        pk=user_id,
        is_active=True,
        memberships__organization_id=service.organization_id,
        memberships__role__in=EDIT_ROLES,
    ).first()
    return ConfirmLink(service=service, user=user) if user else None


@transaction.atomic
def confirm_service(service: Service, *, by: User, via_link: bool = False) -> bool:
    """Record that the service's information is still correct today, with an HSDS Metadata row.

    Confirms what the caller saw: if the service was verified since ``service`` was loaded (a second click,
    a second tab), nothing is written and False is returned.
    """
    today = timezone.localdate()
    current = Service.objects.select_for_update().get(pk=service.pk)
    if current.assured_date != service.assured_date or current.assured_date == today:
        return False
    current.assured_date = today
    current.assurer_email = by.email
    current.save(update_fields=["assured_date", "assurer_email", "last_modified"])
    Metadata.objects.create(
        resource_id=current.pk,
        resource_type="service",
        last_action_date=timezone.now(),
        last_action_type="verify",
        field_name="assured_date",
        previous_value=_date_text(service.assured_date),
        replacement_value=today.isoformat(),
        # Only the username: the change log is public in HSDS exports.
        updated_by=f"signed link: {by.get_username()}" if via_link else by.get_username(),
    )
    service.assured_date, service.assurer_email = current.assured_date, current.assurer_email
    return True


# --- review reminders ----------------------------------------------------------------------------------


def services_to_remind(*, now: dt.datetime | None = None) -> QuerySet[Service]:
    """Listed services due for review that were not reminded within the review period."""
    now = now or timezone.now()
    recently = ReviewReminder.objects.filter(
        service=OuterRef("pk"), sent_at__gt=now - relativedelta(months=settings.HELPNET_REVIEW_MONTHS)
    )
    return (
        Service.objects.filter(status__in=LISTED_STATUSES)
        .filter(_due_for_review(timezone.localdate(now)))
        .exclude(Exists(recently))
        .select_related("organization")
        .order_by("organization_id", F("assured_date").asc(nulls_first=True), "name")
    )


def recipient_language(user: User, organization: Organization) -> str:
    """The editor's own language if set, else the language of the organisation's country."""
    languages = {code for code, _name in settings.LANGUAGES}
    if user.preferred_language in languages:
        return user.preferred_language
    return {Country.SLOVENIA.value: "sl", Country.DENMARK.value: "da"}.get(organization.country, "en")


def edit_path(service: Service) -> str:
    try:
        return reverse("directory:service_edit", args=[service.pk])
    except NoReverseMatch:
        # The staff edit page is built alongside this feature; until it exists, link the staff home.
        return reverse("directory:staff_home")


def _reminder_email(
    user: User, organization: Organization, services: list[Service]
) -> EmailMultiAlternatives:
    base_url = settings.HELPNET_BASE_URL.rstrip("/")
    lang = recipient_language(user, organization)
    with translation.override(lang):
        items = [
            {
                "name": service.tr("name", lang),
                "assured_date": service.assured_date,
                "confirm_url": base_url
                + reverse("directory:service_confirm_link", args=[make_confirm_token(service, user)]),
                "edit_url": base_url + edit_path(service),
            }
            for service in services
        ]
        context = {
            "organization_name": organization.tr("name", lang),
            "items": items,
            "months": settings.HELPNET_REVIEW_MONTHS,
            "link_days": CONFIRM_LINK_MAX_AGE.days,
            "dashboard_url": base_url + reverse("directory:staff_home"),
        }
        subject = _("Are your services on helpnet still correct? (%(organization)s)") % {
            "organization": context["organization_name"]
        }
        text = render_to_string("directory/email/review_reminder.txt", context)
        html = render_to_string("directory/email/review_reminder.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_review_reminders(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """E-mail every organisation's editors the services due for review; returns (e-mails, services).

    Each service is reminded at most once per review period, so a second run sends nothing. An
    organisation without an editor is skipped without recording anything: its services are reminded once
    someone can act on them.
    """
    now = now or timezone.now()
    by_organization: dict[UUID, list[Service]] = defaultdict(list)
    for service in services_to_remind(now=now):
        by_organization[service.organization_id].append(service)
    editors: dict[UUID, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            organization_id__in=list(by_organization), role__in=EDIT_ROLES, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    ):
        editors[membership.organization_id].append(membership.user)
    sent = reminded = 0
    connection = get_connection()
    for organization_id, services in by_organization.items():
        recipients = editors.get(organization_id)
        if not recipients:
            continue
        organization = services[0].organization
        # Recorded and sent in one transaction per organisation: a failed send leaves nothing recorded, so
        # the next run tries again (a rare duplicate beats a reminder lost for a whole period).
        with transaction.atomic():
            # Two runs at once (cron on two machines): the organisation's row lock makes the second wait for
            # the first to commit, and it then finds these services already reminded.
            list(Organization.objects.select_for_update().filter(pk=organization_id).values_list("pk"))
            services = list(services_to_remind(now=now).filter(organization_id=organization_id))
            if not services:
                continue
            ReviewReminder.objects.bulk_create(
                ReviewReminder(service=s, sent_at=now, recipient_count=len(recipients)) for s in services
            )
            sent += (
                connection.send_messages(
                    [_reminder_email(user, organization, services) for user in recipients]
                )
                or 0
            )
        reminded += len(services)
    return sent, reminded


# --- problem reports -----------------------------------------------------------------------------------


def create_problem_report(service: Service, *, kind: str, text: str, email: str) -> ProblemReport:
    return ProblemReport.objects.create(service=service, kind=kind, text=text, email=email)


@transaction.atomic
def close_problem_report(report: ProblemReport, *, status: str, by: User) -> bool:
    """Resolve or dismiss an open report; False (nothing written) when it was already closed."""
    if status not in {ProblemReport.Status.RESOLVED, ProblemReport.Status.DISMISSED}:
        raise ValueError(status)
    now = timezone.now()
    changed = ProblemReport.objects.filter(pk=report.pk, status=ProblemReport.Status.OPEN).update(
        status=status, resolved_by=by, resolved_at=now
    )
    if changed:
        report.status, report.resolved_by, report.resolved_at = status, by, now
    return bool(changed)


# --- the staleness dashboard and the change history ------------------------------------------------------


@dataclass
class OrganizationFreshness:
    organization: Organization
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    due: list[Service] = field(default_factory=list)
    open_reports: int = 0


def freshness_overview(
    organizations: QuerySet[Organization], *, today: dt.date | None = None
) -> list[OrganizationFreshness]:
    """Per organisation: services per bucket, the oldest due for review, open problem reports.

    Four queries whatever the number of services: organisations, bucket counts, due services, reports.
    """
    today = today or timezone.localdate()
    rows = {o.pk: OrganizationFreshness(organization=o) for o in organizations.order_by("name")}
    listed = Service.objects.filter(organization_id__in=list(rows), status__in=LISTED_STATUSES)
    for count in (
        listed.annotate(level=_level(today))
        .order_by()
        .values("organization_id", "level")
        .annotate(n=Count("pk"))
    ):
        rows[count["organization_id"]].counts[count["level"]] = count["n"]
    due = (
        listed.filter(_due_for_review(today))
        .annotate(level=_level(today))
        .order_by(F("assured_date").asc(nulls_first=True), "created_at")[:DUE_LIST_LIMIT]
    )
    for service in due:
        rows[service.organization_id].due.append(service)
    for count in (
        ProblemReport.objects.filter(
            status=ProblemReport.Status.OPEN, service__organization_id__in=list(rows)
        )
        .order_by()
        .values("service__organization_id")
        .annotate(n=Count("pk"))
    ):
        rows[count["service__organization_id"]].open_reports = count["n"]
    return list(rows.values())


def service_history(service: Service) -> QuerySet[Metadata]:
    return Metadata.objects.filter(resource_type="service", resource_id=service.pk).order_by(
        "-last_action_date", "field_name"
    )
