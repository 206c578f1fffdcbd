"""Forms of the public help map. They only parse the query string; nothing is saved."""

from collections.abc import Iterable, Mapping
from typing import Any, cast
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from helpnet.organizations.models import Municipality

from ..models import TaxonomyTerm
from ..queries import SearchParams

# Languages a service can be given in that the filter offers; Django knows their names in sl, da and en.
SERVICE_LANGUAGES = (
    "sl",
    "da",
    "en",
    "de",
    "hr",
    "sr",
    "bs",
    "hu",
    "it",
    "pl",
    "ro",
    "uk",
    "ru",
    "ar",
    "fa",
    "tr",
)
RADIUS_KM_CHOICES = (2, 5, 10, 25, 50)
MAX_RADIUS_KM = 500
MAX_QUERY_LENGTH = 200


def language_name(code: str) -> str:
    """A language's name in the page's language, or the code when Django does not know it."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class SearchForm(forms.Form):
    """``/<lang>/search/``: every filter is a GET parameter, so a search is a link that can be shared.

    Invalid parameters drop out of the search (Django leaves them out of ``cleaned_data``) and their
    messages show above the results, so a bad link still gives a useful page.
    """

    q = forms.CharField(
        label=_("What do you need help with?"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    need = forms.MultipleChoiceField(
        label=_("Need area"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("We do not know the need area “%(value)s”.")},
    )
    group = forms.MultipleChoiceField(
        label=_("Who it is for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("We do not know the target group “%(value)s”.")},
    )
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        required=False,
        error_messages={"invalid_choice": _("We do not know the municipality “%(value)s”.")},
    )
    language = forms.ChoiceField(
        label=_("Language spoken"),
        required=False,
        error_messages={"invalid_choice": _("We do not know the language “%(value)s”.")},
    )
    free = forms.BooleanField(label=_("Free of charge"), required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    near = forms.ChoiceField(
        label=_("Near the town"),
        required=False,
        error_messages={"invalid_choice": _("We do not know the town “%(value)s”.")},
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Latitude must be a number."),
            "min_value": _("Latitude must be between -90 and 90."),
            "max_value": _("Latitude must be between -90 and 90."),
        },
    )
    lng = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Longitude must be a number."),
            "min_value": _("Longitude must be between -180 and 180."),
            "max_value": _("Longitude must be between -180 and 180."),
        },
    )
    radius_km = forms.FloatField(
        label=_("Distance"),
        required=False,
        error_messages={"invalid": _("The distance must be a number of kilometres.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("Best match")), ("distance", _("Distance"))],
        error_messages={"invalid_choice": _("Results can be sorted by best match or by distance.")},
    )
    page = forms.IntegerField(
        label=_("Page"),
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("The page number must be a whole number."),
            "min_value": _("The page number must be 1 or more."),
        },
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        municipalities: Iterable[Municipality],
        need_terms: Iterable[TaxonomyTerm],
        group_terms: Iterable[TaxonomyTerm],
        lang: str,
    ) -> None:
        super().__init__(data)
        self.lang = lang
        self.municipalities = {m.slug: m for m in municipalities}
        towns = [(slug, m.name) for slug, m in self.municipalities.items()]
        self._choices: dict[str, list[tuple[str, str]]] = {
            "municipality": [("", str(_("All municipalities"))), *towns],
            "near": [("", str(_("Choose a town"))), *towns],
            "need": [(t.code, t.tr("name", lang)) for t in need_terms],
            "group": [(t.code, t.tr("name", lang)) for t in group_terms],
            "language": [("", str(_("Any language")))]
            + [(code, language_name(code)) for code in SERVICE_LANGUAGES],
        }
        for name, choices in self._choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = choices
        self.fields["radius_km"].widget = forms.Select(
            choices=[("", _("Any distance"))]
            + [(str(km), _("%(km)s km") % {"km": km}) for km in RADIUS_KM_CHOICES]
        )

    def clean_q(self) -> str:
        # A pasted essay is still a search: keep its beginning rather than refusing it.
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]

    def clean_radius_km(self) -> float | None:
        radius: float | None = self.cleaned_data["radius_km"]
        if radius is not None and not 0 < radius <= MAX_RADIUS_KM:
            raise ValidationError(
                _("The distance must be more than 0 and at most %(max)s km."),
                code="radius",
                params={"max": MAX_RADIUS_KM},
            )
        return radius

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None) and not self.has_error("lat") and not self.has_error("lng"):
            self.add_error(None, _("A location needs both a latitude and a longitude."))
            data.pop("lat", None)
            data.pop("lng", None)
        has_point = self.point() is not None
        if data.get("sort") == "distance" and not has_point:
            self.add_error("sort", _("To sort by distance, use your location or choose a town."))
        if data.get("radius_km") is not None and not has_point:
            self.add_error("radius_km", _("To search within a distance, use your location or choose a town."))
        return data

    def point(self) -> tuple[float, float] | None:
        """The reference point: the browser's location, else the chosen town's centre."""
        data = getattr(self, "cleaned_data", {})
        if data.get("lat") is not None and data.get("lng") is not None:
            return (data["lat"], data["lng"])
        town = self.municipalities.get(data.get("near") or "")
        return (town.latitude, town.longitude) if town else None

    def to_params(self) -> SearchParams:
        """The valid part of the request as search parameters (call after ``is_valid()``)."""
        data = self.cleaned_data
        point = self.point()
        return SearchParams(
            q=data.get("q", ""),
            need=tuple(data.get("need") or ()),
            group=tuple(data.get("group") or ()),
            municipality=data.get("municipality") or "",
            language=data.get("language") or "",
            free=bool(data.get("free")),
            open_now=bool(data.get("open_now")),
            lat=point[0] if point else None,
            lng=point[1] if point else None,
            radius_km=data.get("radius_km") if point else None,
            sort=data.get("sort") or "relevance",
            lang=self.lang,
        )

    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    def filters_in_use(self) -> int:
        """How many filter choices beyond the text are in use (said on the folded filter panel)."""
        data = getattr(self, "cleaned_data", {})
        many = len(data.get("need") or ()) + len(data.get("group") or ())
        return many + sum(1 for name in ("municipality", "language", "free", "open_now") if data.get(name))

    @cached_property
    def options(self) -> dict[str, list[dict[str, Any]]]:
        """The choices of each list field with their state, for hand-written inputs in the template.

        Rendering some sixty options through widget templates costs more than the whole search.
        """
        lists = {}
        for name in ("need", "group", "municipality", "language", "near", "radius_km", "sort"):
            field = self.fields[name]
            choices = getattr(field, "choices", None) or getattr(field.widget, "choices", [])
            value = self[name].value()
            chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value or "")}
            lists[name] = [
                {"value": str(v), "label": label, "selected": str(v) in chosen, "id": f"id_{name}_{i}"}
                for i, (v, label) in enumerate(choices)
            ]
        return lists

    def show_counts(self, facets: Mapping[str, Mapping[str, int]]) -> None:
        """Put the number of matching services next to each option the search counted."""
        for name in ("need", "group", "municipality", "language"):
            counts = facets.get(name)
            if counts:
                cast(forms.ChoiceField, self.fields[name]).choices = [
                    (value, f"{label} ({counts.get(value, 0)})" if value else label)
                    for value, label in self._choices[name]
                ]


class ShortlistForm(forms.Form):
    """Add or remove one service on the shortlist kept in the session."""

    service = forms.UUIDField(error_messages={"invalid": _("This is not a service of the help map.")})
    next = forms.CharField(required=False, max_length=2000)

    def service_id(self) -> UUID:
        service_id: UUID = self.cleaned_data["service"]
        return service_id


class PageForm(forms.Form):
    """The page number of a paged list that has no other parameters."""

    page = SearchForm.base_fields["page"]

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1


def parse_shared_ids(value: str, *, limit: int) -> list[UUID]:
    """The service ids of a shared shortlist link (``?s=<id>,<id>``): bad ones are ignored, order kept."""
    ids: list[UUID] = []
    for part in value.split(",")[: limit * 2]:
        try:
            service_id = UUID(part.strip())
        except ValueError:
            continue
        if service_id not in ids:
            ids.append(service_id)
    return ids[:limit]
