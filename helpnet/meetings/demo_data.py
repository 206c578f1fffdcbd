"""Demo meetings for the Sevnica local group (LSKZ): a monthly series with rotating hosts, one held meeting
with attendance, minutes, decisions and open action items, and the next one scheduled.

Runs after the networks demo (load_demo runs the apps in INSTALLED_APPS order); skips when the group is absent.
Idempotent: once the series has meetings, loading again changes nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from helpnet.networks.models import Network, Representative

from . import actions
from .models import Attendance, Meeting, MeetingSeries

NETWORK_SLUG = "lskz-sevnica"
SERIES_TITLE = "Seja Lokalne skupine za krepitev zdravja Sevnica"


@transaction.atomic
def load() -> str:
    network = Network.objects.filter(slug=NETWORK_SLUG).first()
    if network is None:
        return f"skipped: no network {NETWORK_SLUG!r} (load the networks demo first)"
    today = timezone.localdate()
    series, _ = MeetingSeries.objects.get_or_create(
        network=network,
        working_group=None,
        title=SERIES_TITLE,
        defaults={
            # The second Wednesday of each month at 12:00, starting with last month's.
            "rrule": "FREQ=MONTHLY;BYDAY=2WE",
            "dtstart": (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
            "start_time": dt.time(12, 0),
            "duration_minutes": 90,
            "agenda_template": ["Poročila delovnih skupin"],
        },
    )
    if series.meetings.exists():
        return f"{series.meetings.count()} meetings already there"
    meetings = actions.generate_series_meetings(series, count=3)
    now = timezone.now()
    past = [m for m in meetings if m.end < now]
    if not past:  # the 2nd Wednesday of last month is always past; keep the loader safe anyway
        return f"{len(meetings)} meetings scheduled"
    held = past[-1]
    for m in past:
        Meeting.objects.filter(pk=m.pk).update(visibility=Meeting.Visibility.PUBLIC)
        m.refresh_from_db()
    _hold(held, network)
    return (
        f"{len(meetings)} meetings, one held with minutes, {held.decisions.count()} decisions, open actions"
    )


def _hold(meeting: Meeting, network: Network) -> None:
    representatives = list(
        Representative.objects.filter(member__network=network, ended_on__isnull=True)
        .select_related("member__organization", "user")
        .order_by("member__organization__name", "kind")
    )
    for i, rep in enumerate(representatives):
        presence = Attendance.Presence.PRESENT if i % 4 != 3 else Attendance.Presence.EXCUSED
        Attendance.objects.get_or_create(
            meeting=meeting,
            user=rep.user,
            defaults={
                "on_behalf_of": rep.member.organization,
                "representative": rep,
                "invited": True,
                "rsvp": Attendance.Rsvp.YES,
                "presence": presence,
            },
        )
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.INVITED)
    meeting.refresh_from_db()
    actions.mark_meeting_held(meeting)
    item = actions.propose_agenda_item(
        network, title="Teden zdravja v Sevnici", description="Predlog skupnega programa v maju."
    )
    # The item was discussed in a meeting that is already held: put it on that agenda directly.
    item.meeting, item.status, item.order = meeting, item.Status.DISCUSSED, 50
    item.save(update_fields=["meeting", "status", "order"])
    notes = {
        item.pk: "Program pripravi delovna skupina za odrasle. Stojnice na Trgu svobode, "
        "meritve krvnega tlaka in sladkorja, delavnica o zdravi prehrani.",
    }
    actions.save_minutes(meeting, summary="Seja je bila sklepčna. Sprejeta sta bila dva sklepa.", notes=notes)
    actions.record_decision(
        meeting,
        title="Teden zdravja",
        text="Lokalna skupina v maju organizira teden zdravja v Sevnici.",
        agenda_item=item,
    )
    actions.record_decision(
        meeting,
        title="Zloženka o pomoči",
        text="Skupna zloženka o pomoči v občini se natisne v 2000 izvodih.",
        method="vote",
        votes_for=len(representatives) - 1,
        votes_against=0,
        abstentions=1,
    )
    people = [rep for rep in representatives if rep.kind == Representative.Kind.PRIMARY]
    due = timezone.localdate() + dt.timedelta(days=10)
    for rep, title in zip(
        people,
        ["Pripraviti program tedna zdravja", "Zbrati podatke za zloženko", "Rezervirati dvorano"],
        strict=False,
    ):
        actions.create_action_item(
            meeting,
            title=title,
            owner=rep.user,
            owner_org=rep.member.organization,
            due_date=due,
            agenda_item=item,
        )
    actions.circulate_minutes(meeting)
