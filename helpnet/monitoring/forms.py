"""Forms of monitoring: each limits its choices to the network, so another network's ids are refused."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from helpnet.lib.forms import NOTE_MAX, max_lengths
from helpnet.networks.models import Network
from helpnet.networks.permissions import member_organization_ids
from helpnet.organizations.models import Organization

from .actions import check_value
from .models import DisaggregationCategory, DisaggregationOption, Indicator, ReportingPeriod


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "kind",
            "definition",
            "unit",
            "direction",
            "frequency",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "goal",
            "measure",
            "responsible_organization",
            "reporting_organizations",
            "breakdowns",
            "source",
            "automatic_key",
            "is_active",
        ]
        widgets = {
            "baseline_date": forms.DateInput(attrs={"type": "date"}),
            "target_date": forms.DateInput(attrs={"type": "date"}),
            "definition": forms.Textarea(attrs={"rows": 3}),
            "reporting_organizations": forms.CheckboxSelectMultiple,
            "breakdowns": forms.CheckboxSelectMultiple,
        }
        formfield_callback = max_lengths(definition=NOTE_MAX)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from helpnet.planning.models import Goal, Measure

        self.network = network
        self.instance.network = network
        members = Organization.objects.filter(pk__in=member_organization_ids(network)).order_by("name")
        self.fields["responsible_organization"].queryset = members  # type: ignore[attr-defined]
        self.fields["reporting_organizations"].queryset = members  # type: ignore[attr-defined]
        self.fields["breakdowns"].queryset = DisaggregationCategory.objects.filter(  # type: ignore[attr-defined]
            network=network
        )
        self.fields["goal"].queryset = Goal.objects.filter(  # type: ignore[attr-defined]
            strategy__network=network
        ).select_related("strategy")
        self.fields["measure"].queryset = Measure.objects.filter(  # type: ignore[attr-defined]
            goal__strategy__network=network
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        taken = Indicator.objects.filter(network=self.network, code__iexact=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("Another indicator of this network has the code %(code)s."), params={"code": code}
            )
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        baseline, target = data.get("baseline_value"), data.get("target_value")
        if baseline is not None and target is not None and baseline == target:
            self.add_error(
                "target_value",
                _("The target must differ from the baseline, otherwise achievement cannot be worked out."),
            )
        if data.get("source") == Indicator.Source.AUTOMATIC and not data.get("automatic_key"):
            self.add_error("automatic_key", _("Choose which figure helpnet computes."))
        if data.get("source") == Indicator.Source.MANUAL:
            data["automatic_key"] = ""
        goal, measure = data.get("goal"), data.get("measure")
        if goal and measure and measure.goal_id != goal.pk:
            self.add_error("measure", _("This measure belongs to another goal."))
        for name in ("baseline_value", "target_value"):
            value = data.get(name)
            if value is not None:
                try:
                    check_value(Indicator(unit=data.get("unit") or Indicator.Unit.COUNT), value)
                except ValidationError as error:
                    self.add_error(name, error)
        return data


class PeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["label", "frequency", "indicator", "start", "end", "due_date", "timely_until"]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"})
            for name in ("start", "end", "due_date", "timely_until")
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.network = network
        self.fields["indicator"].queryset = Indicator.objects.filter(network=network)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, due = data.get("start"), data.get("end"), data.get("due_date")
        timely = data.get("timely_until")
        if start and end and end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        elif end and due and due < end:
            self.add_error("due_date", _("Reports can only be due after the period ends."))
        if due and timely and timely < due:
            self.add_error("timely_until", _("“On time until” cannot be before the due date."))
        return data


class MeasurementForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Reporting organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX,
        help_text=_("How the figure was counted. No names or personal details."),
    )

    def __init__(
        self,
        *args: Any,
        indicator: Indicator,
        organizations: QuerySet[Organization],
        categories: list[DisaggregationCategory],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.categories = categories
        for category in categories:
            self.fields[f"breakdown_{category.pk}"] = forms.ModelChoiceField(
                label=category.name,
                queryset=DisaggregationOption.objects.filter(category=category),
                required=False,
                empty_label=_("Total (all)"),
            )
        if indicator.unit == Indicator.Unit.PERCENT:
            self.fields["value"].help_text = _("Per cent, from 0 to 100.")
        elif indicator.is_count:
            self.fields["value"].help_text = _("A whole number, 0 or more.")

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        check_value(self.indicator, value)
        return value

    def options(self) -> list[DisaggregationOption]:
        chosen = (self.cleaned_data.get(f"breakdown_{category.pk}") for category in self.categories)
        return [option for option in chosen if option is not None]

    def breakdown_fields(self) -> list[forms.BoundField]:
        return [self[f"breakdown_{category.pk}"] for category in self.categories]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs correcting"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
