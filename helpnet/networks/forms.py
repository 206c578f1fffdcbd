"""Coordinator forms: they parse and check input; the actions apply the domain rules."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from helpnet.lib.forms import TEXT_MAX, max_lengths
from helpnet.organizations.models import Organization

from .actions import check_parent, check_quorum
from .models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_action_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class NetworkSettingsForm(forms.ModelForm):
    class Meta:
        model = Network
        fields = [
            "name",
            "kind",
            "parent",
            "area_name",
            "purpose",
            "description",
            "quorum_rule",
            "quorum_value",
            "visibility",
            "founded_on",
        ]
        widgets = {"founded_on": DATE, "purpose": forms.Textarea(attrs={"rows": 3})}
        formfield_callback = max_lengths(purpose=TEXT_MAX, description=TEXT_MAX)
        help_texts = {
            "quorum_value": _(
                "For a fixed number: how many members. For a share: the percentage (1 to 100)."
            ),
            "visibility": _("Members-only networks are hidden from the public."),
        }

    def __init__(self, *args: Any, parents: QuerySet[Network], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        parent.queryset = parents.exclude(pk=self.instance.pk)
        parent.error_messages["invalid_choice"] = _("Choose one of the networks in the list.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Both rules are checked, so that both messages show at once.
        try:
            if "parent" in cleaned:
                check_parent(self.instance, cleaned["parent"])
        except ValidationError as error:
            add_action_error(self, error)
        try:
            if "quorum_rule" in cleaned and "quorum_value" in cleaned:
                check_quorum(cleaned["quorum_rule"], cleaned["quorum_value"])
        except ValidationError as error:
            add_action_error(self, error)
        return cleaned

    def _post_clean(self) -> None:
        # The actions save the instance; the model's check constraints are repeated above in plain words.
        pass


class MemberAddForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": _("Choose an organisation from the list.")},
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=NetworkMember.Role.choices, initial=NetworkMember.Role.MEMBER
    )
    has_voting_right = forms.BooleanField(label=_("Has a vote"), required=False, initial=True)
    hosts_meetings = forms.BooleanField(label=_("Willing to host meetings"), required=False, initial=True)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = network.members.filter(status=NetworkMember.Status.ACTIVE).values("organization_id")
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = (
            Organization.objects.filter(country=network.country).exclude(pk__in=current).order_by("name")
        )


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=NetworkMember.Role.choices)
    status = forms.ChoiceField(label=_("Status"), choices=NetworkMember.Status.choices)
    has_voting_right = forms.BooleanField(label=_("Has a vote"), required=False)
    hosts_meetings = forms.BooleanField(label=_("Willing to host meetings"), required=False)

    @staticmethod
    def initial_for(member: NetworkMember) -> dict[str, Any]:
        return {
            "role": member.role,
            "status": member.status,
            "has_voting_right": member.has_voting_right,
            "hosts_meetings": member.hosts_meetings,
        }


class PersonForm(forms.Form):
    """A person by e-mail address: an existing account, or a new contact who cannot sign in."""

    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)


class RepresentativeForm(PersonForm):
    kind = forms.ChoiceField(
        label=_("Appointed as"), choices=Representative.Kind.choices, initial=Representative.Kind.PRIMARY
    )
    appointed_on = forms.DateField(label=_("Appointed on"), required=False, widget=DATE)

    field_order = ["kind", "email", "first_name", "last_name", "appointed_on"]


class ReplacePrimaryForm(PersonForm):
    pass


class WorkingGroupForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = [
            "name",
            "slug",
            "kind",
            "population",
            "mandate",
            "lead_organization",
            "started_on",
            "ended_on",
        ]
        widgets = {"started_on": DATE, "ended_on": DATE, "mandate": forms.Textarea(attrs={"rows": 3})}
        formfield_callback = max_lengths(mandate=TEXT_MAX)
        help_texts = {"slug": _("Lower-case letters, numbers and hyphens, e.g. “children-youth”.")}

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = network.members.filter(status=NetworkMember.Status.ACTIVE).values("organization_id")
        lead = cast(forms.ModelChoiceField, self.fields["lead_organization"])
        lead.queryset = Organization.objects.filter(pk__in=active).order_by("name")
        lead.error_messages["invalid_choice"] = _(
            "The lead organisation must be an active member of the network."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end date is before the start date."))
        return cleaned

    def _post_clean(self) -> None:
        # Uniqueness of the short name within the network is checked by the action (the form has no network).
        pass


class WorkingGroupMemberForm(PersonForm):
    on_behalf_of = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organization.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the network's member organisations.")},
    )
    role = forms.ChoiceField(
        label=_("Role in the group"),
        choices=WorkingGroupMember.Role.choices,
        initial=WorkingGroupMember.Role.MEMBER,
    )

    field_order = ["email", "first_name", "last_name", "on_behalf_of", "role"]

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Former and suspended members stay in the list so the action can say why they cannot be chosen.
        members = network.members.values("organization_id")
        on_behalf_of = cast(forms.ModelChoiceField, self.fields["on_behalf_of"])
        on_behalf_of.queryset = Organization.objects.filter(pk__in=members).order_by("name")
