"""Forms of the staff pages: they hide HSDS's tables behind plain questions.

Plain ``Form`` classes, not ``ModelForm``: the actions compare the stored state with the input to
log each changed field, so a form must never touch the model instance itself.
"""

from typing import Any, cast

from django import forms
from django.conf import global_settings, settings
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from helpnet.organizations.models import Country, Municipality, Organization

from ..actions import (
    NEED_AREA,
    TARGET_GROUP,
    ClosureInput,
    LocationInput,
    ScheduleInput,
    ServiceInput,
)
from ..models import Attribute, Location, Schedule, Service, TaxonomyTerm
from ..vocabulary import NEED_AREAS_TAXONOMY, TARGET_GROUPS_TAXONOMY, taxonomy_id

DESCRIPTION_MAX = 10_000
LONG_TEXT_MAX = 5_000
NOTE_MAX = 2_000
BY_APPOINTMENT = "by appointment"

# Languages a service is commonly offered in here: the national ones and those of the larger
# immigrant communities in Slovenia and Denmark.
SERVICE_LANGUAGE_CODES = (
    "sl", "da", "en", "de", "hr", "sr", "bs", "mk", "sq", "it", "hu",
    "uk", "ru", "ar", "fa", "tr", "pl", "ro", "es", "fr", "ur",
)  # fmt: skip
DEFAULT_LANGUAGE_BY_COUNTRY = {"SI": "sl", "DK": "da"}

WEEKDAYS = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
WEEKDAY_CODES = [code for code, _label in WEEKDAYS]
ORDINALS = [
    ("1", pgettext_lazy("week of the month", "1st")),
    ("2", pgettext_lazy("week of the month", "2nd")),
    ("3", pgettext_lazy("week of the month", "3rd")),
    ("4", pgettext_lazy("week of the month", "4th")),
    ("-1", pgettext_lazy("week of the month", "last")),
]
ORDINAL_CODES = [code for code, _label in ORDINALS]

phone_validator = RegexValidator(
    r"^[0-9+()/ .-]{3,50}$", _("Enter a phone number using digits, spaces and + - ( ) / only.")
)


def service_language_choices() -> list[tuple[str, str]]:
    names = dict(global_settings.LANGUAGES)
    choices = [(code, gettext(names[code])) for code in SERVICE_LANGUAGE_CODES]
    return sorted(choices, key=lambda choice: choice[1])


class TermChoiceField(forms.ModelMultipleChoiceField):
    """Taxonomy terms by code, labelled in the page's language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.tr("name"))


class MunicipalitiesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_country_display()})"


def _terms(taxonomy_code: str) -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id(taxonomy_code)).order_by("code")


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- service ------------------------------------------------------------------------------------


# The service fields the form edits as they are (the rest are derived rows: terms, areas, phone…).
SERVICE_FIELDS = (
    "name",
    "description",
    "original_language",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "application_process",
    "fees_description",
    "email",
    "url",
    "status",
)


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name of the service"), max_length=255)
    description = forms.CharField(
        label=_("What the service offers"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=_textarea(6),
    )
    original_language = forms.ChoiceField(
        label=_("Language of the texts above"),
        choices=settings.LANGUAGES,
        help_text=_("Translations into the other languages can be added below."),
    )
    eligibility_description = forms.CharField(
        label=_("Who it is for"), max_length=LONG_TEXT_MAX, required=False, widget=_textarea()
    )
    target_groups = TermChoiceField(
        label=_("Target groups"),
        queryset=_terms(TARGET_GROUPS_TAXONOMY),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minimum_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=130, required=False)
    maximum_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=130, required=False)
    need_areas = TermChoiceField(
        label=_("Need areas"),
        queryset=_terms(NEED_AREAS_TAXONOMY),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    application_process = forms.CharField(
        label=_("How to get in"),
        max_length=LONG_TEXT_MAX,
        required=False,
        widget=_textarea(),
        help_text=_("For example: call first, come without an appointment, a referral from a doctor."),
    )
    free_of_charge = forms.BooleanField(label=_("Free of charge"), required=False)
    fees_description = forms.CharField(
        label=_("Costs"), max_length=NOTE_MAX, required=False, widget=_textarea(3)
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the service is offered in"),
        choices=service_language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False, validators=[phone_validator])
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    url = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https")
    municipalities = MunicipalitiesField(
        label=_("Municipalities served"),
        queryset=Municipality.objects.order_by("country", "name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(label=_("Status"), choices=Service.Status.choices)
    confirmed = forms.BooleanField(
        label=_("I confirm this is correct"),
        required=False,
        help_text=_("Sets “last verified” to today."),
    )

    def __init__(self, *args: Any, original_language: str, country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if country:
            # A service is offered in its organisation's country; the list stays short.
            field = cast(forms.ModelMultipleChoiceField, self.fields["municipalities"])
            field.queryset = Municipality.objects.filter(country=country).order_by("name")
        self.translation_languages = [
            (code, name) for code, name in settings.LANGUAGES if code != original_language
        ]
        for code, name in self.translation_languages:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": name}, max_length=255, required=False
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description in %(language)s") % {"language": name},
                max_length=DESCRIPTION_MAX,
                required=False,
                widget=_textarea(4),
            )

    def translation_fields(self) -> list[forms.BoundField]:
        return [
            self[f"{name}_{code}"]
            for code, _n in self.translation_languages
            for name in ("name", "description")
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The maximum age must not be below the minimum age."))
        return cleaned

    @staticmethod
    def initial_for(service: Service) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(service, name) for name in SERVICE_FIELDS}
        codes: dict[str, list[str]] = {NEED_AREA: [], TARGET_GROUP: []}
        for link_type, code in service_term_codes(service):
            codes.setdefault(link_type, []).append(code)
        initial["need_areas"] = codes[NEED_AREA]
        initial["target_groups"] = codes[TARGET_GROUP]
        initial["languages"] = list(service.languages.values_list("code", flat=True))
        phone = service.phones.order_by("number").first()
        initial["phone"] = phone.number if phone else ""
        initial["free_of_charge"] = service.cost_options.filter(option="free", amount=0).exists()
        initial["municipalities"] = list(
            service.service_areas.exclude(municipality=None).values_list("municipality__slug", flat=True)
        )
        for lang, fields in (service.translations or {}).items():
            for name in ("name", "description"):
                if name in fields:
                    initial[f"{name}_{lang}"] = fields[name]
        return initial

    def to_input(self) -> ServiceInput:
        data = self.cleaned_data
        fields = {name: data[name] for name in SERVICE_FIELDS}
        translations = {
            code: {name: data.get(f"{name}_{code}", "") for name in ("name", "description")}
            for code, _n in self.translation_languages
        }
        return ServiceInput(
            fields=fields,
            translations=translations,
            need_areas=list(data["need_areas"]),
            target_groups=list(data["target_groups"]),
            languages=list(data["languages"]),
            phone=data["phone"],
            free_of_charge=data["free_of_charge"],
            municipalities=list(data["municipalities"]),
            confirmed=data["confirmed"],
        )


def service_term_codes(service: Service) -> list[tuple[str, str]]:
    return list(
        Attribute.objects.filter(
            link_entity="service", link_id=service.pk, link_type__in=[NEED_AREA, TARGET_GROUP]
        )
        .exclude(taxonomy_term=None)
        .values_list("link_type", "taxonomy_term__code")
    )


def default_language(organization: Organization) -> str:
    return DEFAULT_LANGUAGE_BY_COUNTRY.get(organization.country, settings.LANGUAGE_CODE)


# --- opening hours ------------------------------------------------------------------------------


def _time_input() -> forms.TimeInput:
    # Browsers' time and date inputs speak ISO, whatever the page's language.
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name or obj.pk)


class ScheduleRowForm(forms.Form):
    """One time window on some days: weekly, or on some weeks of the month."""

    days = forms.MultipleChoiceField(
        label=_("Days"), choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    ordinals = forms.MultipleChoiceField(
        label=_("Only in these weeks of the month"),
        help_text=_("Leave empty for every week. Example: 1st and 3rd Wednesday."),
        choices=ORDINALS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.TimeField(label=_("Opens"), required=False, widget=_time_input())
    closes_at = forms.TimeField(label=_("Closes"), required=False, widget=_time_input())
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=_date_input())
    valid_to = forms.DateField(label=_("Valid until"), required=False, widget=_date_input())
    location = LocationChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False, empty_label=_("Any location")
    )

    def __init__(self, *args: Any, locations: QuerySet[Location] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["location"])
        field.queryset = locations if locations is not None else Location.objects.none()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("days") and "days" not in self.errors:
            self.add_error("days", _("Choose at least one day."))
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens is None and "opens_at" not in self.errors:
            self.add_error("opens_at", _("Enter the opening time."))
        if closes is None and "closes_at" not in self.errors:
            self.add_error("closes_at", _("Enter the closing time."))
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes_at", _("Closing time must be after opening time."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end of validity must not be before its start."))
        return cleaned

    def to_input(self, *, attending_type: str, notes: str) -> ScheduleInput:
        data = self.cleaned_data
        days = [code for code in WEEKDAY_CODES if code in data["days"]]
        ordinals = [code for code in ORDINAL_CODES if code in data["ordinals"]]
        if ordinals:
            freq, byday = Schedule.Freq.MONTHLY, ",".join(f"{o}{d}" for o in ordinals for d in days)
        else:
            freq, byday = Schedule.Freq.WEEKLY, ",".join(days)
        return ScheduleInput(
            freq=freq,
            byday=byday,
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            location=data["location"],
            attending_type=attending_type,
            notes=notes,
        )


ScheduleFormSet = forms.formset_factory(
    ScheduleRowForm,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=40,
    absolute_max=40,
    validate_max=True,
)


def schedule_row_initial(schedule: Schedule) -> dict[str, Any] | None:
    """The editor row for a stored schedule, or None when it is no time window (e.g. appointment only)."""
    if not (schedule.opens_at and schedule.closes_at and schedule.byday):
        return None
    days: list[str] = []
    ordinals: list[str] = []
    for part in schedule.byday.split(","):
        part = part.strip().upper()
        day, ordinal = part[-2:], part[:-2]
        if day in WEEKDAY_CODES and day not in days:
            days.append(day)
        if ordinal and ordinal.lstrip("+") in ORDINAL_CODES and ordinal.lstrip("+") not in ordinals:
            ordinals.append(ordinal.lstrip("+"))
    return {
        "days": days,
        "ordinals": ordinals if schedule.freq == Schedule.Freq.MONTHLY else [],
        "opens_at": schedule.opens_at,
        "closes_at": schedule.closes_at,
        "valid_from": schedule.valid_from,
        "valid_to": schedule.valid_to,
        "location": schedule.location_id,
    }


class HoursForm(forms.Form):
    by_appointment = forms.BooleanField(
        label=_("By appointment only"),
        required=False,
        help_text=_("People must arrange a time first, also within the hours below."),
    )
    note = forms.CharField(
        label=_("Note on opening hours"), max_length=NOTE_MAX, required=False, widget=_textarea(3)
    )

    @staticmethod
    def initial_for(schedules: list[Schedule]) -> dict[str, Any]:
        return {
            "by_appointment": any("appointment" in s.attending_type.lower() for s in schedules),
            # An imported row without times may carry its only information in the description.
            "note": next((s.notes for s in schedules if s.notes), "")
            or next((s.description for s in schedules if s.description and not s.opens_at), ""),
        }


def schedule_inputs(hours: HoursForm, rows: forms.BaseFormSet) -> list[ScheduleInput]:
    """The rows to store: each kept time window, or one row that only says "by appointment" / the note."""
    attending_type = BY_APPOINTMENT if hours.cleaned_data["by_appointment"] else ""
    note = hours.cleaned_data["note"]
    kept = [form for form in rows.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
    inputs = [
        form.to_input(attending_type=attending_type, notes=note if i == 0 else "")
        for i, form in enumerate(kept)
    ]
    if not inputs and (attending_type or note):
        inputs = [ScheduleInput(attending_type=attending_type, notes=note)]
    return inputs


class ClosureForm(forms.Form):
    start_date = forms.DateField(label=_("First closed day"), widget=_date_input())
    end_date = forms.DateField(label=_("Last closed day"), widget=_date_input())
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last closed day must not be before the first."))
        return cleaned


ClosureFormSet = forms.formset_factory(
    ClosureForm,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=100,
    absolute_max=100,
    validate_max=True,
)


def closure_inputs(rows: forms.BaseFormSet) -> list[ClosureInput]:
    return [
        ClosureInput(
            start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
        )
        for form in rows.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


# --- locations ----------------------------------------------------------------------------------


class ServicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MunicipalityField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_country_display()})"


class LocationForm(forms.Form):
    name = forms.CharField(label=_("Name of the place"), max_length=255)
    address_1 = forms.CharField(label=_("Street and number"), max_length=255)
    postal_code = forms.CharField(label=_("Postcode"), max_length=20)
    city = forms.CharField(label=_("Town"), max_length=255)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    municipality = MunicipalityField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("country", "name"),
        to_field_name="slug",
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
        error_messages={
            "min_value": _("Latitude must be between -90 and 90."),
            "max_value": _("Latitude must be between -90 and 90."),
        },
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
        error_messages={
            "min_value": _("Longitude must be between -180 and 180."),
            "max_value": _("Longitude must be between -180 and 180."),
        },
    )
    confidential = forms.BooleanField(
        label=_("Confidential address (a safe house: never show the address)"), required=False
    )
    accessibility = forms.CharField(
        label=_("Accessibility"),
        max_length=NOTE_MAX,
        required=False,
        widget=_textarea(3),
        help_text=_("For example: step-free entrance, lift, accessible toilet, induction loop."),
    )
    transportation = forms.CharField(
        label=_("How to get there"), max_length=NOTE_MAX, required=False, widget=_textarea(3)
    )
    services = ServicesField(
        label=_("Services offered here"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["services"])
        field.queryset = organization.services.order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lng is None) and not {"latitude", "longitude"} & set(self.errors):
            self.add_error(
                "longitude" if lng is None else "latitude", _("Enter both coordinates, or neither.")
            )
        return cleaned

    @staticmethod
    def initial_for(location: Location) -> dict[str, Any]:
        address = location.addresses.order_by("address_type", "id").first()
        accessibility = location.accessibility.order_by("id").first()
        return {
            "name": location.name,
            "address_1": address.address_1 if address else "",
            "postal_code": address.postal_code if address else "",
            "city": address.city if address else "",
            "country": address.country if address else "",
            "municipality": location.municipality.slug if location.municipality else None,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "confidential": location.confidential,
            "accessibility": accessibility.description if accessibility else "",
            "transportation": location.transportation,
            "services": list(location.service_at_locations.values_list("service_id", flat=True)),
        }

    def to_input(self) -> LocationInput:
        data = self.cleaned_data
        return LocationInput(
            name=data["name"],
            address_1=data["address_1"],
            postal_code=data["postal_code"],
            city=data["city"],
            country=data["country"],
            municipality=data["municipality"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            confidential=data["confidential"],
            accessibility=data["accessibility"],
            transportation=data["transportation"],
            services=list(data["services"]),
        )
