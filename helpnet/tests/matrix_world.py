"""The world the permission matrix walks: the demo data, plus an unrelated organisation B and a network M.

Organisation A is the demo's Zdravstveni dom Sevnica (viewer `bralec`, editor `urednik`, admin `skrbnik`); it
coordinates network N (`lskz-sevnica`), which holds the demo's meetings, decisions, action items, plans,
priority rounds, proposals, indicators, periods, measurements, training needs, events, intervision groups and
good practices. A referral is sent from A to another organisation C. Organisation B and network M are made here
and have nothing to do with A or N: B's admin and M's coordinator must see nothing of A's or N's private pages.
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q

ROLES = ("anonymous", "viewer_a", "editor_a", "admin_a", "user_b", "coordinator_m", "superuser")


@dataclass
class World:
    users: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)  # world key -> URL kwarg value
    admin_objects: dict[str, Any] = field(default_factory=dict)  # "app_model" -> pk


def _load_demo() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())


def _one_of_each_admin_model(org_a: Any, service: Any, network: Any, period: Any) -> None:
    """The admin's change, delete and history pages need an object: the few models the demo leaves empty."""
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from helpnet.directory import models as d
    from helpnet.monitoring.models import MonitoringSettings
    from helpnet.monitoring.models import ReminderSent as ReportingReminder
    from helpnet.search.models import SearchStat

    Group.objects.get_or_create(name="Matrix group")
    d.Contact.objects.create(service=service, name="Ana")
    d.Funding.objects.create(organization=org_a, source="Municipality")
    d.RequiredDocument.objects.create(service=service, document="Health card")
    d.Url.objects.create(service=service, url="https://example.org/more")
    d.Metadata.objects.create(
        resource_id=service.pk,
        resource_type="service",
        last_action_date=timezone.now(),
        last_action_type="update",
        field_name="name",
        updated_by="editor@example.org",
    )
    d.MetaTableDescription.objects.create(name="services")
    d.ReviewReminder.objects.create(service=service, sent_at=timezone.now())
    MonitoringSettings.objects.get_or_create(network=network)
    ReportingReminder.objects.create(
        period=period, organization=org_a, kind=ReportingReminder.Kind.choices[0][0]
    )
    SearchStat.objects.get_or_create(day=dt.date(2026, 1, 5), query="pomoc", language="sl")
    from helpnet.meetings.tasks import send_reminders_task

    send_reminders_task.using(backend="default").enqueue()  # a task result row (the database backend here)


def build_world() -> World:
    from helpnet.accounts.models import User
    from helpnet.directory.freshness import make_confirm_token
    from helpnet.directory.models import Location, ProblemReport, Service, ServiceAtLocation, TaxonomyTerm
    from helpnet.learning.models import GoodPractice, IntervisionGroup, TrainingEvent
    from helpnet.meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries
    from helpnet.meetings.views.calendar import make_feed_token
    from helpnet.monitoring.models import Indicator, Measurement, ReportingPeriod
    from helpnet.networks.models import Network, NetworkMember, Representative, WorkingGroupMember
    from helpnet.networks.tests.factories import NetworkFactory, NetworkMemberFactory, RepresentativeFactory
    from helpnet.organizations.models import Membership, Organization
    from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory
    from helpnet.planning.models import MeasureProposal, NeedsAssessmentRound, Strategy
    from helpnet.referrals.models import Referral, Status

    _load_demo()
    org_a = Organization.objects.get(name="Zdravstveni dom Sevnica")
    network = Network.objects.get(slug="lskz-sevnica")
    org_b = OrganizationFactory(name="Organisation B (unrelated)")
    user_b = MembershipFactory(organization=org_b, role=Membership.Role.ADMIN, user__username="matrix_b").user
    network_m = NetworkFactory(slug="matrix-network-m", name="Network M")
    org_x = OrganizationFactory(name="Coordinator of M")
    member_x = NetworkMemberFactory(
        network=network_m, organization=org_x, role=NetworkMember.Role.COORDINATOR
    )
    network_m.coordinator_organization = org_x
    network_m.save(update_fields=["coordinator_organization"])
    coordinator_m = MembershipFactory(
        organization=org_x, role=Membership.Role.ADMIN, user__username="matrix_m"
    ).user
    RepresentativeFactory(member=member_x, user=coordinator_m)
    users = {
        "anonymous": None,
        "viewer_a": User.objects.get(username="bralec"),
        "editor_a": User.objects.get(username="urednik"),
        "admin_a": User.objects.get(username="skrbnik"),
        "user_b": user_b,
        "coordinator_m": coordinator_m,
        "superuser": User.objects.get(username="admin"),
    }
    editor_a = users["editor_a"]

    service = (
        Service.objects.filter(organization=org_a, status=Service.Status.ACTIVE).order_by("name").first()
    )
    assert service is not None
    referral = Referral.objects.filter(sender_organization=org_a, status=Status.REQUESTED).first()
    assert referral is not None and referral.receiving_organization_id != org_a.pk
    # referral settings live in the referrals app, which the directory does not know of
    self_service = (
        Service.objects.filter(referral_settings__accepts_self_referrals=True).order_by("name").first()
    )
    report = ProblemReport.objects.filter(
        service__organization=org_a
    ).first() or ProblemReport.objects.create(
        service=service, kind=ProblemReport.Kind.PHONE, text="The phone number is wrong."
    )
    held = Meeting.objects.filter(network=network, status=Meeting.Status.HELD).order_by("start").first()
    meeting = held or Meeting.objects.filter(network=network).first()
    assert meeting is not None
    # a meeting for the network's members only: its pages are where the privacy rule bites
    private = Meeting.objects.filter(network=network, visibility=Meeting.Visibility.NETWORK).first()
    assert private is not None
    item = AgendaItem.objects.filter(meeting=private).first() or AgendaItem.objects.create(
        network=network, meeting=private, title="Health fair", status=AgendaItem.Status.PROPOSED
    )
    backlog_item = AgendaItem.objects.filter(
        network=network, meeting__isnull=True
    ).first() or AgendaItem.objects.create(network=network, title="Volunteers for the health fair")
    strategy = Strategy.objects.filter(network=network, goals__measures__activities__isnull=False).first()
    assert strategy is not None
    goal = strategy.goals.filter(measures__activities__isnull=False).first()
    measure = goal.measures.filter(activities__isnull=False).first()
    activity = measure.activities.first()
    rnd = NeedsAssessmentRound.objects.filter(network=network, areas__isnull=False).first()
    indicator = Indicator.objects.filter(network=network, measurements__isnull=False).first()
    measurement = Measurement.objects.filter(indicator=indicator).first()
    practice_public = GoodPractice.objects.filter(status=GoodPractice.Status.PUBLISHED).first()
    practice_a = (
        GoodPractice.objects.filter(network=network, status=GoodPractice.Status.SUBMITTED).first()
        or GoodPractice.objects.filter(network=network).first()
    )
    group = IntervisionGroup.objects.filter(network=network, memberships__isnull=False).first()
    member_a = NetworkMember.objects.get(network=network, organization=org_a)
    working_group = network.working_groups.filter(participants__isnull=False).first()
    values = {
        "network": network.slug,
        "group_slug": working_group.slug,
        "network_member": member_a.pk,
        "representative": Representative.objects.filter(member=member_a).first().pk,
        "group_member": WorkingGroupMember.objects.filter(working_group=working_group).first().pk,
        "feed_network": make_feed_token("network", network.pk, editor_a.pk),
        "feed_group": make_feed_token("group", working_group.pk, editor_a.pk),
        "feed_person": make_feed_token("person", editor_a.pk, editor_a.pk),
        "meeting": meeting.pk,  # held, public, with minutes
        "private_meeting": private.pk,
        "series": MeetingSeries.objects.filter(network=network).first().pk,
        "agenda_item": item.pk,
        "backlog_item": backlog_item.pk,
        "action": ActionItem.objects.filter(network=network).first().pk,
        "service": service.pk,
        "self_service": self_service.pk,
        "referral": referral.pk,
        "strategy": strategy.pk,
        "goal": goal.pk,
        "measure": measure.pk,
        "activity": activity.pk,
        "round": rnd.pk,
        "area": rnd.areas.first().pk,
        "proposal": MeasureProposal.objects.filter(network=network).first().pk,
        "indicator": indicator.pk,
        "period": measurement.period_id,
        "measurement": measurement.pk,
        "reporting_period": ReportingPeriod.objects.filter(network=network).first().pk,
        "event": TrainingEvent.objects.filter(network=network).first().pk,
        "intervision_group": group.pk,
        "intervision_user": group.memberships.first().user_id,
        "practice_slug": practice_public.slug,
        "practice": practice_a.pk,
        "municipality": "sevnica",
        "location": Location.objects.filter(organization=org_a).first().pk,
        "report": report.pk,
        "confirm_token": make_confirm_token(service, editor_a),
        "hsds_service": str(service.pk),
        "hsds_sal": str(ServiceAtLocation.objects.filter(service__organization=org_a).first().pk),
        "hsds_organization": str(org_a.pk),
        "hsds_taxonomy": str(TaxonomyTerm.objects.first().taxonomy_id),
        "hsds_term": str(TaxonomyTerm.objects.first().pk),
    }
    _one_of_each_admin_model(org_a, service, network, measurement.period)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=editor_a).first() or TOTPDevice.objects.create(
            user=editor_a, name="matrix"
        )
        values["totp_device"] = device.pk
    if apps.is_installed("django_otp.plugins.otp_static"):
        from django_otp.plugins.otp_static.models import StaticDevice

        StaticDevice.objects.get_or_create(user=editor_a, name="Backup codes")
    values["org_query"] = f"org={org_a.pk}"
    values["service_query"] = f"service={referral.service_id}"
    admin_objects = {}
    for model in admin.site._registry:
        key = f"{model._meta.app_label}_{model._meta.model_name}"
        obj = _first_of(model, org_a)
        admin_objects[key] = obj.pk if obj is not None else None
    values["profile_name"] = "service"
    values["user_editor_a"] = editor_a.pk
    values["content_type"] = ContentType.objects.get_for_model(Service).pk
    return World(users=users, values=values, admin_objects=admin_objects)


def _first_of(model: type[Model], org_a: Any) -> Model | None:
    field_names = {f.name for f in model._meta.get_fields()}
    if "organization" in field_names:
        return model._default_manager.filter(Q(organization=org_a)).first() or model._default_manager.first()
    return model._default_manager.first()
