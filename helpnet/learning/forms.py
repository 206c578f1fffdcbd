"""Input of the learning pages. Times are typed in the network's time zone (the views activate it)."""

import datetime as dt
from typing import Any

from dateutil.rrule import rrulestr
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpnet.directory import vocabulary
from helpnet.lib.forms import LONG_TEXT_MAX, NOTE_MAX, TEXT_MAX, max_lengths
from helpnet.organizations.models import Organization

from . import queries
from .models import CRITERIA, GoodPractice, IntervisionGroup, TrainingEvent, TrainingNeed


def _field(form: Any, name: str) -> Any:
    """The form's field, typed loosely: model choice fields have a queryset, choice fields choices."""
    return form.fields[name]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OrganizationChoiceMixin:
    """An 'on behalf of' choice limited to the organisations the user acts for in the network."""

    def limit_organizations(self, organizations: Any) -> None:
        field = _field(self, "organization")
        field.queryset = organizations
        if organizations.count() == 1:
            field.initial = organizations.first()


class TrainingNeedForm(OrganizationChoiceMixin, forms.ModelForm):
    class Meta:
        model = TrainingNeed
        fields = [
            "organization",
            "topic",
            "need_area",
            "description",
            "target_staff",
            "people_count",
            "urgency",
            "preferred_format",
        ]
        formfield_callback = max_lengths(description=TEXT_MAX)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_organizations(organizations)
        _field(self, "organization").empty_label = None
        _field(self, "need_area").queryset = queries.terms_of(vocabulary.NEED_AREAS_TAXONOMY)
        _field(self, "people_count").min_value = 1
        self.fields["people_count"].widget.attrs["min"] = 1

    def clean_people_count(self) -> int:
        count: int = self.cleaned_data["people_count"]
        if count < 1:
            raise ValidationError(_("At least one person."))
        return count


class TrainingEventForm(forms.ModelForm):
    class Meta:
        model = TrainingEvent
        fields = [
            "title",
            "kind",
            "description",
            "start",
            "end",
            "place",
            "online_url",
            "capacity",
            "registration_opens",
            "registration_closes",
            "trainer",
            "organizer",
            "intervision_group",
            "addressed_needs",
        ]
        widgets = {
            "start": DateTimeInput(),
            "end": DateTimeInput(),
            "registration_opens": DateTimeInput(),
            "registration_closes": DateTimeInput(),
            "addressed_needs": forms.CheckboxSelectMultiple,
        }
        formfield_callback = max_lengths(description=TEXT_MAX)

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "addressed_needs").queryset = network.training_needs.select_related(
            "organization"
        ).order_by("topic")
        _field(self, "organizer").queryset = Organization.objects.filter(
            network_memberships__network=network
        ).order_by("name")
        _field(self, "intervision_group").queryset = IntervisionGroup.objects.filter(network=network)
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data.get("capacity")
        if capacity is None or capacity < 1:
            raise ValidationError(_("An event needs at least one place."))
        return int(capacity)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        opens, closes = data.get("registration_opens"), data.get("registration_closes")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes", _("Registration must close after it opens."))
        if closes and end and closes > end:
            self.add_error("registration_closes", _("Registration must close before the event ends."))
        if not data.get("place") and not data.get("online_url"):
            raise ValidationError(_("Give a place or an online meeting link."))
        return data

    def event_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "addressed_needs"}


class RegistrationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "organization").queryset = organizations


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, registrations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "present").choices = [
            (r.pk, r.user.get_full_name() or r.user.username) for r in registrations
        ]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was it for your work?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 = very useful, 1 = not useful"),
    )
    comments = forms.CharField(
        label=_("Comments"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=NOTE_MAX
    )


class IntervisionGroupForm(forms.ModelForm):
    class Meta:
        model = IntervisionGroup
        fields = ["name", "description", "facilitator", "schedule_note", "rrule", "confidential"]
        formfield_callback = max_lengths(description=TEXT_MAX)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "facilitator").queryset = people

    def clean_rrule(self) -> str:
        rule: str = self.cleaned_data.get("rrule", "").strip()
        if rule:
            try:
                rrulestr(rule.removeprefix("RRULE:"), dtstart=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
            except (ValueError, TypeError) as error:
                raise ValidationError(_("This is not a valid repeat rule.")) from error
        return rule.removeprefix("RRULE:")


class GroupMemberForm(forms.Form):
    user: Any = forms.ModelChoiceField(label=_("Person"), queryset=Organization.objects.none())
    on_behalf_of = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, people: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "user").queryset = people
        _field(self, "on_behalf_of").queryset = organizations


class GoodPracticeForm(OrganizationChoiceMixin, forms.ModelForm):
    """The practice, with one text box per EU Best Practice Portal criterion."""

    class Meta:
        model = GoodPractice
        fields = [
            "organization",
            "title",
            "summary",
            "description",
            "populations",
            "need_areas",
            "territory",
            "period_start",
            "period_end",
            "contact",
            "links",
            "original_language",
        ]
        widgets = {
            "populations": forms.CheckboxSelectMultiple,
            "need_areas": forms.CheckboxSelectMultiple,
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "links": forms.Textarea(attrs={"rows": 3}),
        }
        formfield_callback = max_lengths(description=LONG_TEXT_MAX, links=NOTE_MAX)

    original_language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=[("sl", _("Slovenian")), ("da", _("Danish")), ("en", _("English"))],
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_organizations(organizations)
        _field(self, "organization").empty_label = None
        _field(self, "populations").queryset = queries.terms_of(vocabulary.TARGET_GROUPS_TAXONOMY)
        _field(self, "need_areas").queryset = queries.terms_of(vocabulary.NEED_AREAS_TAXONOMY)
        self.criterion_names = []
        for code, label, help_text in CRITERIA:
            name = f"criterion_{code}"
            self.fields[name] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=NOTE_MAX,
            )
            if self.instance.pk:
                self.fields[name].initial = self.instance.criteria.get(code, "")
            self.criterion_names.append(name)

    def clean_links(self) -> str:
        validate = forms.URLField().clean
        lines = [line.strip() for line in self.cleaned_data.get("links", "").splitlines() if line.strip()]
        for line in lines:
            try:
                validate(line)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(line)s” is not a web address. Put one address per line.") % {"line": line}
                ) from error
        return "\n".join(lines)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end cannot be before the start."))
        return data

    def criterion_fields(self) -> list[Any]:
        return [self[name] for name in self.criterion_names]

    def practice_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        for m2m in ("populations", "need_areas", "organization"):
            data.pop(m2m, None)
        data["criteria"] = {
            code: self.cleaned_data[f"criterion_{code}"].strip()
            for code, _label, _help in CRITERIA
            if self.cleaned_data.get(f"criterion_{code}", "").strip()
        }
        return data


class ReviewForm(forms.Form):
    SCORES = [
        (0, _("0 – not met")),
        (1, _("1 – partly met")),
        (2, _("2 – mostly met")),
        (3, _("3 – fully met")),
    ]
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_MAX
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label, _help in CRITERIA:
            self.fields[f"score_{code}"] = forms.TypedChoiceField(
                label=label, choices=self.SCORES, coerce=int, widget=forms.RadioSelect
            )

    def scores(self) -> dict[str, int]:
        return {code: self.cleaned_data[f"score_{code}"] for code, _label, _help in CRITERIA}


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the organisation change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX,
    )


class PracticeFilterForm(forms.Form):
    population = forms.ChoiceField(label=_("Population"), required=False)
    need = forms.ChoiceField(label=_("Need area"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from helpnet.lib.templatetags.helpnet import tr

        everyone: list[tuple[str, Any]] = [("", _("All"))]
        _field(self, "population").choices = everyone + [
            (t.code, tr(t, "name")) for t in queries.terms_of(vocabulary.TARGET_GROUPS_TAXONOMY)
        ]
        _field(self, "need").choices = everyone + [
            (t.code, tr(t, "name")) for t in queries.terms_of(vocabulary.NEED_AREAS_TAXONOMY)
        ]
