import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from helpnet.lib.translation import pick


class Translatable(models.Model):
    """Public text fields with per-language translations that fall back to the original."""

    original_language = models.CharField(_("language of the original text"), max_length=8, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def tr(self, field: str, lang: str | None = None) -> Any:
        return pick(
            getattr(self, field), self.translations, field, lang or translation.get_language() or "en"
        )


class Country(models.TextChoices):
    SLOVENIA = "SI", _("Slovenia")
    DENMARK = "DK", _("Denmark")


COUNTRY_TIMEZONES = {"SI": "Europe/Ljubljana", "DK": "Europe/Copenhagen"}


class Municipality(models.Model):
    """A municipality (občina / kommune): the unit of service areas and social-information points."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("official code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.CharField(_("region"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:municipality", args=[self.slug])

    @property
    def timezone(self) -> str:
        return COUNTRY_TIMEZONES[self.country]


class Organization(Translatable):
    """The HSDS organization: a provider of services and a member of networks."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        HEALTH_CENTRE = "health_centre", _("Health centre")
        PUBLIC_HEALTH = "public_health", _("Public health institute")
        SOCIAL_WORK_CENTRE = "social_work_centre", _("Social work centre")
        EMPLOYMENT_OFFICE = "employment_office", _("Employment office")
        SCHOOL = "school", _("School or kindergarten")
        YOUTH_CENTRE = "youth_centre", _("Youth centre")
        ADULT_EDUCATION = "adult_education", _("Adult education")
        POLICE = "police", _("Police")
        NGO = "ngo", _("Non-governmental organisation")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    tax_status = models.CharField(_("tax status"), max_length=255, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=255, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(_("year incorporated"), null=True, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=255, blank=True)
    logo = models.URLField(_("logo"), max_length=500, blank=True)
    uri = models.URLField(_("persistent identifier (URI)"), max_length=500, blank=True)
    parent_organization = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # Our own fields: where the organisation is and what kind it is.
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.SLOVENIA)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, related_name="organization_identifiers", on_delete=models.CASCADE
    )
    identifier_scheme = models.CharField(max_length=100, blank=True)
    identifier_type = models.CharField(max_length=255)
    identifier = models.CharField(max_length=255)

    def __str__(self) -> str:
        return f"{self.identifier_type}: {self.identifier}"


class Membership(models.Model):
    """A user's role in one organisation."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("Viewer")
        EDITOR = "editor", _("Editor")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="memberships", on_delete=models.CASCADE)
    organization = models.ForeignKey(Organization, related_name="memberships", on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in {self.Role.EDITOR, self.Role.ADMIN}
