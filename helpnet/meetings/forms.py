"""Forms for meetings. They parse and validate; the actions apply the domain rules."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from django import forms
from django.utils.translation import gettext_lazy as _

from helpnet.lib.forms import LONG_TEXT_MAX, NOTE_MAX, TEXT_MAX, max_lengths
from helpnet.networks.models import Network, WorkingGroup
from helpnet.organizations.models import Organization

from .actions import MeetingInput
from .models import ActionItem, AgendaItem, Attendance, Decision, Meeting, MeetingSeries, Mode
from .queries import member_organizations, member_people, usable_rule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _person_label(user: Any) -> str:
    return user.get_full_name() or user.username


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME)
    host_organization = forms.ModelChoiceField(
        label=_("Host"),
        queryset=Organization.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Choose one of the network's active member organisations as host.")
        },
    )
    mode = forms.ChoiceField(label=_("Form"), choices=Mode.choices, initial=Mode.IN_PERSON)
    location_text = forms.CharField(
        label=_("Place"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to use the host's address."),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    # As long as Meeting.online_url can hold (a URLField's 200 characters), so a longer link is a form error.
    online_url = forms.URLField(label=_("Online meeting link"), required=False, max_length=200)
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Meeting.Visibility.choices, initial=Meeting.Visibility.NETWORK
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["host_organization"].queryset = member_organizations(network)  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        zone = ZoneInfo(meeting.timezone)
        start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
        return {
            "title": meeting.title,
            "date": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0),
            "host_organization": meeting.host_organization_id,
            "mode": meeting.mode,
            "location_text": meeting.location_text,
            "address": meeting.address,
            "online_url": meeting.online_url,
            "visibility": meeting.visibility,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("start_time") and data.get("end_time"):
            from .queries import local_datetime

            data["start"] = local_datetime(data["date"], data["start_time"], self.network.timezone)
            data["end"] = local_datetime(data["date"], data["end_time"], self.network.timezone)
            if data["end"] <= data["start"]:
                self.add_error("end_time", _("The meeting must end after it starts."))
        if data.get("mode") in (Mode.ONLINE, Mode.HYBRID) and not data.get("online_url"):
            self.add_error("online_url", _("An online meeting needs a link."))
        return data

    def to_input(self) -> MeetingInput:
        data = self.cleaned_data
        return MeetingInput(
            title=data["title"],
            start=data["start"],
            end=data["end"],
            host_organization=data["host_organization"],
            mode=data["mode"],
            location_text=data["location_text"],
            address=data["address"],
            online_url=data["online_url"],
            visibility=data["visibility"],
        )


class SeriesForm(forms.ModelForm):
    agenda_lines = forms.CharField(
        label=_("Extra standing items"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, for example “Reports from the working groups”."),
    )

    class Meta:
        model = MeetingSeries
        fields = [
            "title",
            "working_group",
            "rrule",
            "dtstart",
            "start_time",
            "duration_minutes",
            "default_mode",
            "default_online_url",
            "rotate_hosts",
        ]
        widgets = {"dtstart": DATE, "start_time": TIME}

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = WorkingGroup.objects.filter(network=network)  # type: ignore[attr-defined]
        self.fields["working_group"].required = False
        if self.instance.pk:
            self.initial["agenda_lines"] = "\n".join(str(x) for x in self.instance.agenda_template)

    def clean_rrule(self) -> str:
        text = self.cleaned_data["rrule"].strip()
        if text.upper().startswith("RRULE:"):
            text = text[6:]
        rule = usable_rule(text, dt.date(2026, 1, 1))
        if rule is None or "FREQ=" not in text.upper():
            raise forms.ValidationError(_("This is not a valid repeat rule. Example: FREQ=MONTHLY;BYDAY=2WE"))
        # A month filter on a daily or weekly rule can name days that never come ("every day in February
        # that is the 30th"): dateutil would then walk day by day to the year 9999 looking for one.
        if rule._bymonth and rule._freq in (du.DAILY, du.WEEKLY):  # type: ignore[attr-defined]
            raise forms.ValidationError(_("Use a monthly or yearly rule to pick months."))
        try:
            first = rule.after(dt.datetime(2026, 1, 1), inc=True)  # noqa: DTZ001 - a naive local rule
        except (IndexError, ValueError, OverflowError):
            first = None
        if first is None:
            raise forms.ValidationError(
                _("This rule gives no meeting dates. Example: FREQ=MONTHLY;BYDAY=2WE")
            )
        return text.upper()

    def clean_duration_minutes(self) -> int:
        value = self.cleaned_data["duration_minutes"]
        if not 15 <= value <= 24 * 60:
            raise forms.ValidationError(_("A meeting lasts between 15 minutes and a day."))
        return int(value)

    def save(self, commit: bool = True) -> MeetingSeries:
        series = super().save(commit=False)
        lines = self.cleaned_data.get("agenda_lines") or ""
        series.agenda_template = [line.strip() for line in lines.splitlines() if line.strip()]
        return series


class GenerateForm(forms.Form):
    count = forms.IntegerField(label=_("How many meetings"), min_value=1, max_value=12, initial=3)


class ProposeForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=255)
    description = forms.CharField(
        label=_("What it is about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX,
    )
    public = forms.BooleanField(label=_("Can be shown to the public"), required=False, initial=True)


class AcceptForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        error_messages={"invalid_choice": _("Choose a planned meeting of this group.")},
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes_summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=LONG_TEXT_MAX
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=item.title,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=LONG_TEXT_MAX,
            )
            self.initial.setdefault(f"item_{item.pk}", item.notes)

    def item_fields(self) -> list[Any]:
        return [self[f"item_{item.pk}"] for item in self.items]

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


class AddAttendeeForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=None)
    on_behalf_of = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organization.objects.none(), required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=Attendance.Role.choices, initial=Attendance.Role.MEMBER)
    presence = forms.ChoiceField(
        label=_("Presence"), choices=Attendance.Presence.choices, initial=Attendance.Presence.PRESENT
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = member_people(network)  # type: ignore[attr-defined]
        self.fields["on_behalf_of"].queryset = member_organizations(network)  # type: ignore[attr-defined]


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["agenda_item", "title", "text", "method", "votes_for", "votes_against", "abstentions"]
        formfield_callback = max_lengths(text=TEXT_MAX)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("order", "pk")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == Decision.Method.VOTE and data.get("votes_for") is None:
            self.add_error("votes_for", _("Give the number of votes for."))
        return data


class ActionForm(forms.Form):
    title = forms.CharField(label=_("What is to be done"), max_length=255)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX
    )
    owner = PersonChoiceField(label=_("Responsible person"), queryset=None)
    owner_org = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organization.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=DATE)
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    decision = forms.ModelChoiceField(label=_("Decision"), queryset=Decision.objects.none(), required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = member_people(meeting.network)  # type: ignore[attr-defined]
        self.fields["owner_org"].queryset = member_organizations(meeting.network)  # type: ignore[attr-defined]
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("order", "pk")  # type: ignore[attr-defined]
        self.fields["decision"].queryset = meeting.decisions.all()  # type: ignore[attr-defined]


class ActionUpdateForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX
    )
    new_status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("(unchanged)")), *ActionItem.Status.choices], required=False
    )
    new_due_date = forms.DateField(label=_("New due date"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not (data.get("note") or "").strip()
            and not data.get("new_status")
            and not data.get("new_due_date")
        ):
            raise forms.ValidationError(_("Write a note or change the status or the due date."))
        return data


class DecisionSearchForm(forms.Form):
    q = forms.CharField(label=_("Search decisions"), required=False, max_length=100)
