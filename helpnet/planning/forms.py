"""Forms for plans, plan items, priority scoring and measure proposals. They parse and validate; actions write."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpnet.lib.forms import LONG_TEXT_MAX, NOTE_MAX, TEXT_MAX, max_lengths
from helpnet.networks.models import Network, WorkingGroup
from helpnet.organizations.models import Municipality, Organization

from .actions import activity_code_taken, ensure_statuses, measure_code_taken
from .models import (
    SCORE_CRITERIA,
    Activity,
    Goal,
    Measure,
    Milestone,
    NeedsAssessmentRound,
    PriorityArea,
    StatusDefinition,
    Strategy,
)

# Django fills these messages in with %-formatting (limit_value), hence the doubled percent sign.
PROGRESS_ERRORS = {
    "min_value": _("Progress must be between 0 and 100 %%, not %(value)s %%."),
    "max_value": _("Progress must be between 0 and 100 %%, not %(value)s %%."),
}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

CRITERION_LABELS = {
    "severity": _("Severity: how serious is the problem?"),
    "reach": _("Reach: how many people does it affect?"),
    "feasibility": _("Feasibility: can the network do something about it?"),
    "inequality": _("Inequality: does it hit people who are already worse off?"),
}


def population_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Populations"),
        choices=WorkingGroup.Population.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def member_organizations(network: Network) -> Any:
    return Organization.objects.filter(
        network_memberships__network=network, network_memberships__status="active"
    )


def limit_decisions(field: Any, network: Network) -> None:
    """Only the network's own decisions can be linked (the meetings app numbers them per network)."""
    from helpnet.meetings.models import Decision

    field.queryset = Decision.objects.filter(network=network).select_related("meeting")


def _check_dates(cleaned: dict[str, Any], start: str, end: str, form: forms.BaseForm) -> None:
    if cleaned.get(start) and cleaned.get(end) and cleaned[end] < cleaned[start]:
        form.add_error(end, _("The end cannot be before the start."))


class PlanForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = [
            "kind",
            "title",
            "implements",
            "summary",
            "period_start",
            "period_end",
            "status",
            "adopted_by",
        ]
        widgets = {"period_start": DATE_WIDGET, "period_end": DATE_WIDGET}
        formfield_callback = max_lengths(summary=TEXT_MAX)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = Strategy.objects.filter(network=network)
        if self.instance.pk:
            plans = plans.exclude(pk=self.instance.pk)
        self.fields["implements"].queryset = plans  # type: ignore[attr-defined]
        self.fields["implements"].help_text = _("For an action plan: the strategy it puts into practice.")
        limit_decisions(self.fields["adopted_by"], network)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_dates(cleaned, "period_start", "period_end", self)
        return cleaned


class GoalForm(forms.ModelForm):
    populations = population_field()

    class Meta:
        model = Goal
        fields = ["code", "title", "description", "populations", "priority_areas", "order", "weight"]
        widgets = {"priority_areas": forms.CheckboxSelectMultiple}
        formfield_callback = max_lengths(description=TEXT_MAX)

    def __init__(self, *args: Any, plan: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["priority_areas"].queryset = PriorityArea.objects.filter(  # type: ignore[attr-defined]
            round__network=plan.network
        ).select_related("round")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        taken = Goal.objects.filter(strategy=self.plan, code=code).exclude(pk=self.instance.pk or 0)
        if taken.exists():
            raise forms.ValidationError(_("This code is already used in this plan."))
        return code

    def save(self, commit: bool = True) -> Goal:
        self.instance.strategy = self.plan
        return super().save(commit)


class PlanItemForm(forms.ModelForm):
    populations = population_field()
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages=PROGRESS_ERRORS,
        help_text=_("Leave empty to use the status's usual progress."),
    )

    def __init__(self, *args: Any, plan: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        network = plan.network
        ensure_statuses(network)
        self.fields["status"].queryset = StatusDefinition.objects.filter(network=network)  # type: ignore[attr-defined]
        self.fields["status"].required = True
        orgs = member_organizations(network)
        self.fields["lead_organization"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["partners"].queryset = orgs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_dates(cleaned, "start", "end", self)
        return cleaned


ITEM_FIELDS = [
    "code",
    "title",
    "description",
    "lead_organization",
    "partners",
    "populations",
    "start",
    "end",
    "budget",
    "status",
    "weight",
    "progress",
    "order",
]


class MeasureForm(PlanItemForm):
    class Meta:
        model = Measure
        fields = ["goal", *ITEM_FIELDS, "working_group", "adopted_by"]
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET, "partners": forms.CheckboxSelectMultiple}
        formfield_callback = max_lengths(description=TEXT_MAX)

    def __init__(self, *args: Any, plan: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(strategy=plan)  # type: ignore[attr-defined]
        self.fields["working_group"].queryset = WorkingGroup.objects.filter(  # type: ignore[attr-defined]
            network=plan.network
        )
        limit_decisions(self.fields["adopted_by"], plan.network)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if measure_code_taken(self.plan, code, exclude_pk=self.instance.pk):
            raise forms.ValidationError(_("This code is already used in this plan."))
        return code


class ActivityForm(PlanItemForm):
    class Meta:
        model = Activity
        fields = ["measure", *ITEM_FIELDS]
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET, "partners": forms.CheckboxSelectMultiple}
        formfield_callback = max_lengths(description=TEXT_MAX)

    def __init__(self, *args: Any, plan: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(goal__strategy=plan)  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if activity_code_taken(self.plan, code, exclude_pk=self.instance.pk):
            raise forms.ValidationError(_("This code is already used in this plan."))
        return code


class ActivityProgressForm(forms.Form):
    status = forms.ModelChoiceField(label=_("Status"), queryset=StatusDefinition.objects.none())
    progress = forms.IntegerField(
        label=_("Progress (%)"), required=False, min_value=0, max_value=100, error_messages=PROGRESS_ERRORS
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ensure_statuses(network)
        self.fields["status"].queryset = StatusDefinition.objects.filter(network=network)  # type: ignore[attr-defined]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["date", "title", "done"]
        widgets = {"date": DATE_WIDGET}


class RoundForm(forms.ModelForm):
    class Meta:
        model = NeedsAssessmentRound
        fields = ["title", "opens_on", "closes_on", "status"]
        widgets = {"opens_on": DATE_WIDGET, "closes_on": DATE_WIDGET}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_dates(cleaned, "opens_on", "closes_on", self)
        return cleaned


class PriorityAreaForm(forms.ModelForm):
    populations = population_field()

    class Meta:
        model = PriorityArea
        fields = ["title", "description", "evidence", "populations", "municipalities"]
        widgets = {"municipalities": forms.CheckboxSelectMultiple}
        formfield_callback = max_lengths(description=TEXT_MAX, evidence=LONG_TEXT_MAX)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipalities = network.municipalities.all()
        if not municipalities.exists():
            municipalities = Municipality.objects.filter(country=network.country)
        self.fields["municipalities"].queryset = municipalities  # type: ignore[attr-defined]


SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class ScoreForm(forms.Form):
    """One organisation's scores for every area of a round: an area is scored on all four criteria or left
    empty."""

    def __init__(self, *args: Any, areas: list[PriorityArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            for criterion in SCORE_CRITERIA:
                self.fields[f"a{area.pk}_{criterion}"] = forms.TypedChoiceField(
                    label=CRITERION_LABELS[criterion],
                    choices=SCORE_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    def rows(self) -> list[tuple[PriorityArea, list[forms.BoundField]]]:
        return [(area, [self[f"a{area.pk}_{c}"] for c in SCORE_CRITERIA]) for area in self.areas]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for area in self.areas:
            values = [cleaned.get(f"a{area.pk}_{c}") for c in SCORE_CRITERIA]
            if any(v is not None for v in values) and any(v is None for v in values):
                for c in SCORE_CRITERIA:
                    if cleaned.get(f"a{area.pk}_{c}") is None:
                        self.add_error(f"a{area.pk}_{c}", _("Score every criterion of this area, or none."))
        return cleaned

    def scores(self) -> dict[PriorityArea, dict[str, int]]:
        result: dict[PriorityArea, dict[str, int]] = {}
        for area in self.areas:
            values = {c: self.cleaned_data.get(f"a{area.pk}_{c}") for c in SCORE_CRITERIA}
            if all(isinstance(v, int) for v in values.values()):
                result[area] = {c: int(v) for c, v in values.items() if v is not None}
        return result


class OrganizationChoiceForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, organization_ids: set[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=organization_ids
        )


class ProposalForm(OrganizationChoiceForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("What would be done"), widget=forms.Textarea, max_length=TEXT_MAX)
    rationale = forms.CharField(
        label=_("Why it is needed"), widget=forms.Textarea, required=False, max_length=TEXT_MAX
    )
    populations = population_field()


class AcceptProposalForm(forms.Form):
    prefix = "accept"  # the accept and reject forms share a page and both have an answer
    goal = forms.ModelChoiceField(label=_("Goal it serves"), queryset=Goal.objects.none())
    code = forms.CharField(label=_("Code of the new measure"), max_length=30)
    answer = forms.CharField(
        label=_("Answer to the organisation"), widget=forms.Textarea, max_length=NOTE_MAX
    )
    decided_in: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Decided at the meeting"), queryset=None, required=False
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_meetings(self.fields["decided_in"], network)
        self.fields["goal"].queryset = (  # type: ignore[attr-defined]
            Goal.objects.filter(strategy__network=network)
            .exclude(strategy__status=Strategy.Status.ARCHIVED)
            .select_related("strategy")
        )
        self.fields["goal"].label_from_instance = lambda g: f"{g.strategy.title}: {g.code} {g.title}"  # type: ignore[attr-defined]


class RejectProposalForm(forms.Form):
    prefix = "reject"
    answer = forms.CharField(
        label=_("Answer to the organisation"), widget=forms.Textarea, max_length=NOTE_MAX
    )
    decided_in: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Decided at the meeting"), queryset=None, required=False
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_meetings(self.fields["decided_in"], network)


def limit_meetings(field: Any, network: Network) -> None:
    from helpnet.meetings.models import Meeting

    field.queryset = Meeting.objects.filter(network=network).order_by("-start")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("The columns of the CSV export; rows are matched by code.")
    )


class StatusForm(forms.ModelForm):
    default_progress = forms.IntegerField(
        label=_("Default progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages=PROGRESS_ERRORS,
    )

    class Meta:
        model = StatusDefinition
        fields = ["name", "default_progress", "is_closed", "is_cancelled", "order"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_cancelled") and not cleaned.get("is_closed"):
            self.add_error("is_closed", _("A cancelled status is also closed."))
        return cleaned


StatusFormSet = forms.modelformset_factory(StatusDefinition, form=StatusForm, extra=1, can_delete=False)
