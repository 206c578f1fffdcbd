"""The help map: HSDS 3.1 tables with UUID ids and HSDS field names, plus a few extensions.

Extensions beyond HSDS (published in our profile): ``translations`` / ``original_language`` on
public text, ``Location.confidential`` (a safe house: never show address or coordinates),
``ServiceArea.municipality``, ``Closure`` (holidays and closures, which HSDS does not model) and
``Occurrence`` (opening times expanded from the schedules, so "open now" is a SQL filter).
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpnet.organizations.models import Municipality, Organization, Translatable


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Taxonomy(Translatable):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    uri = models.URLField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(Translatable):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.CharField(_("code"), max_length=100, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.SET_NULL
    )
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, related_name="terms", on_delete=models.CASCADE
    )
    taxonomy_text = models.CharField(_("taxonomy (free text)"), max_length=255, blank=True)
    language = models.CharField(max_length=8, blank=True)
    term_uri = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """Applies a taxonomy term (or a free value) to any HSDS object (``link_entity`` + ``link_id``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    link_id = models.UUIDField(db_index=True)
    link_entity = models.CharField(max_length=50)
    link_type = models.CharField(max_length=100, blank=True)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, null=True, blank=True, related_name="attributes", on_delete=models.CASCADE
    )
    value = models.TextField(blank=True)
    label = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["link_entity", "taxonomy_term", "link_id"], name="attribute_entity_term")
        ]

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_id} → {self.taxonomy_term_id or self.value}"


class Program(Translatable):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, related_name="programs", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"))

    def __str__(self) -> str:
        return self.name


class Service(Translatable):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, related_name="services", on_delete=models.CASCADE)
    program = models.ForeignKey(
        Program, null=True, blank=True, related_name="services", on_delete=models.SET_NULL
    )
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    application_process = models.TextField(_("how to get in"), blank=True)
    fees_description = models.TextField(_("costs"), blank=True)
    wait_time = models.CharField(_("waiting time"), max_length=255, blank=True)
    fees = models.CharField(max_length=255, blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    licenses = models.CharField(max_length=255, blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(_("last verified on"), null=True, blank=True)
    assurer_email = models.EmailField(_("verified by (e-mail)"), blank=True)
    alert = models.TextField(_("alert"), blank=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["status", "organization"], name="service_status_org")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:service_detail", args=[self.pk])

    @property
    def is_listed(self) -> bool:
        return self.status in {self.Status.ACTIVE, self.Status.TEMPORARILY_CLOSED}


class Location(Translatable):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, related_name="locations", on_delete=models.CASCADE
    )
    location_type = models.CharField(
        _("type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.URLField(max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    external_identifier = models.CharField(max_length=255, blank=True)
    external_identifier_type = models.CharField(max_length=255, blank=True)
    confidential = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_("A safe house or shelter: the address and map position are never shown publicly."),
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, related_name="locations", on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_lat_lng")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(Service, related_name="service_at_locations", on_delete=models.CASCADE)
    location = models.ForeignKey(Location, related_name="service_at_locations", on_delete=models.CASCADE)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="unique_service_location")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class Address(models.Model):
    class AddressType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    location = models.ForeignKey(Location, related_name="addresses", on_delete=models.CASCADE)
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(_("street and number"), max_length=255)
    address_2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    city = models.CharField(_("town"), max_length=255)
    region = models.CharField(_("region"), max_length=255, blank=True)
    state_province = models.CharField(_("state or province"), max_length=255, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL)

    def __str__(self) -> str:
        return f"{self.address_1}, {self.postal_code} {self.city}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, related_name="contacts", on_delete=models.CASCADE
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, related_name="contacts", on_delete=models.CASCADE
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, related_name="contacts", on_delete=models.CASCADE
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, related_name="contacts", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    department = models.CharField(_("department"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Phone(Translatable):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    location = models.ForeignKey(
        Location, null=True, blank=True, related_name="phones", on_delete=models.CASCADE
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, related_name="phones", on_delete=models.CASCADE
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, related_name="phones", on_delete=models.CASCADE
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, related_name="phones", on_delete=models.CASCADE
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, related_name="phones", on_delete=models.CASCADE
    )
    number = models.CharField(_("number"), max_length=50)
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    type = models.CharField(_("type"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(Translatable):
    """One HSDS schedule row: a weekly or monthly rule with one time window (split hours = two rows)."""

    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, related_name="schedules", on_delete=models.CASCADE
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, related_name="schedules", on_delete=models.CASCADE
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, related_name="schedules", on_delete=models.CASCADE
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    dtstart = models.DateField(_("first date"), null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(_("last date"), null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=3, blank=True)
    freq = models.CharField(_("repeats"), max_length=7, choices=Freq.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=100, blank=True)
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.URLField(max_length=500, blank=True)
    attending_type = models.CharField(_("how to attend"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self) -> str:
        return f"{self.freq} {self.byday} {self.opens_at}-{self.closes_at}"


class Closure(Translatable):
    """A day or period when a service (or a whole location) is closed. Not in HSDS; our profile adds it."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, related_name="closures", on_delete=models.CASCADE
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, related_name="closures", on_delete=models.CASCADE
    )
    start_date = models.DateField(_("first closed day"))
    end_date = models.DateField(_("last closed day"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="closure_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date}"


class Occurrence(models.Model):
    """A concrete opening or session, expanded from the schedules for the coming weeks (derived data)."""

    service = models.ForeignKey(Service, related_name="occurrences", on_delete=models.CASCADE)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE)
    schedule = models.ForeignKey(Schedule, related_name="occurrences", on_delete=models.CASCADE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["starts_at", "ends_at", "service"], name="occurrence_window"),
            models.Index(fields=["service", "starts_at"], name="occurrence_service_start"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.starts_at:%Y-%m-%d %H:%M}"


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, related_name="service_areas", on_delete=models.CASCADE
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, related_name="service_areas", on_delete=models.CASCADE
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, related_name="service_areas", on_delete=models.CASCADE
    )
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "service"], name="service_area_muni")]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, related_name="languages", on_delete=models.CASCADE
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, related_name="languages", on_delete=models.CASCADE
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, related_name="languages", on_delete=models.CASCADE
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=8, blank=True, db_index=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.code or self.name


class Accessibility(Translatable):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    location = models.ForeignKey(Location, related_name="accessibility", on_delete=models.CASCADE)
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.description[:50]


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(Service, related_name="cost_options", on_delete=models.CASCADE)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(_("option"), max_length=255, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(_("amount description"), max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.option} {self.amount} {self.currency}"


class Funding(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, related_name="funding", on_delete=models.CASCADE
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, related_name="funding", on_delete=models.CASCADE
    )
    source = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.source[:50]


class RequiredDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(Service, related_name="required_documents", on_delete=models.CASCADE)
    document = models.TextField(blank=True)
    uri = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.document[:50]


class Url(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    url = models.URLField(max_length=500)
    label = models.CharField(max_length=255, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, related_name="additional_websites", on_delete=models.CASCADE
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, related_name="additional_urls", on_delete=models.CASCADE
    )

    def __str__(self) -> str:
        return self.url


class Unit(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(max_length=255)
    scheme = models.CharField(max_length=100, blank=True)
    identifier = models.CharField(max_length=100, blank=True)
    uri = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


class ServiceCapacity(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(Service, related_name="capacities", on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, related_name="capacities", on_delete=models.PROTECT)
    available = models.DecimalField(max_digits=12, decimal_places=2)
    maximum = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    description = models.TextField(blank=True)
    updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.available} {self.unit}"


class Metadata(models.Model):
    """HSDS field-level change log: one row per changed field."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    resource_id = models.UUIDField(db_index=True)
    resource_type = models.CharField(max_length=50)
    last_action_date = models.DateTimeField()
    last_action_type = models.CharField(max_length=50)
    field_name = models.CharField(max_length=100)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(max_length=255)

    class Meta:
        ordering = ["-last_action_date"]

    def __str__(self) -> str:
        return f"{self.resource_type}.{self.field_name} @ {self.last_action_date}"


class MetaTableDescription(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=8, blank=True)
    character_set = models.CharField(max_length=50, blank=True)

    def __str__(self) -> str:
        return self.name


# --- data that stays true (issue #4): review reminders and problem reports ---------------------------


class ReviewReminder(models.Model):
    """A review reminder sent for a service, remembered so a cron run never repeats it within a period."""

    service = models.ForeignKey(Service, related_name="review_reminders", on_delete=models.CASCADE)
    sent_at = models.DateTimeField()
    # How many editors were written to; never who (no personal data kept beyond the send).
    recipient_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["service", "sent_at"], name="review_reminder_service_sent")]

    def __str__(self) -> str:
        return f"{self.service_id} reminded {self.sent_at:%Y-%m-%d}"


class ProblemReport(models.Model):
    """A member of the public's note that a service's information is wrong, for its organisation to check."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Wrong phone number")
        ADDRESS = "address", _("Wrong address")
        HOURS = "hours", _("Wrong opening hours")
        CLOSED = "closed", _("The service has closed")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(Service, related_name="problem_reports", on_delete=models.CASCADE)
    kind = models.CharField(_("what is wrong"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("details"), max_length=2000, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        indexes = [models.Index(fields=["status", "service"], name="problem_report_status_service")]
        constraints = [
            # An open report has no resolution time; a closed one always has it.
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | (~models.Q(status="open") & models.Q(resolved_at__isnull=False)),
                name="problem_report_resolved_at_matches_status",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.service_id})"
