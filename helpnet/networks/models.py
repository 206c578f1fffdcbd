"""Partnership networks: who belongs, who represents whom, and the working groups (partnership.md §7.1).

People are accounts.User rows: a representative without a password is a contact who cannot sign in.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpnet.organizations.models import Country, Municipality, Organization, Translatable


class Network(Translatable):
    """A regional, local or thematic partnership; a region may contain local groups."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional network")
        LOCAL = "local", _("Local group")
        THEMATIC = "thematic", _("Thematic network")

    class QuorumRule(models.TextChoices):
        MAJORITY = "majority", _("More than half of the voting members")
        FIXED = "fixed", _("A fixed number of members")
        PERCENT = "percent", _("A share of the voting members (%)")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")

    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LOCAL)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        related_name="children",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.SLOVENIA)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities covered"), related_name="networks", blank=True
    )
    area_name = models.CharField(_("area"), max_length=255, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    description = models.TextField(_("description"), blank=True)
    coordinator_organization = models.ForeignKey(
        Organization,
        verbose_name=_("coordinating organisation"),
        related_name="coordinated_networks",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    quorum_rule = models.CharField(
        _("quorum rule"), max_length=10, choices=QuorumRule.choices, default=QuorumRule.MAJORITY
    )
    quorum_value = models.PositiveSmallIntegerField(_("quorum number or percentage"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # The quorum rule needs its number: at least one member, or a share between 1 and 100 %.
            models.CheckConstraint(
                condition=Q(quorum_rule="majority")
                | Q(quorum_rule="fixed", quorum_value__gte=1)
                | Q(quorum_rule="percent", quorum_value__gte=1, quorum_value__lte=100),
                name="network_quorum_value_fits_rule",
            ),
            # Deeper cycles are refused by actions.save_network; a row pointing at itself by the database.
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="network_not_own_parent"),
        ]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", args=[self.slug])

    @property
    def timezone(self) -> str:
        from helpnet.organizations.models import COUNTRY_TIMEZONES

        return COUNTRY_TIMEZONES[self.country]


class NetworkMember(models.Model):
    """An organisation's membership of a network."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")
        OBSERVER = "observer", _("Observer")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    network = models.ForeignKey(Network, related_name="members", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        related_name="network_memberships",
        on_delete=models.CASCADE,
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    has_voting_right = models.BooleanField(_("has a vote"), default=True)
    hosts_meetings = models.BooleanField(_("willing to host meetings"), default=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "organization"], name="unique_network_member"),
        ]
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")

    def __str__(self) -> str:
        return f"{self.organization} @ {self.network}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Representative(models.Model):
    """A person appointed by a member organisation: one active primary, any number of deputies."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Representative")
        DEPUTY = "deputy", _("Deputy")

    member = models.ForeignKey(NetworkMember, related_name="representatives", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        related_name="representations",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PRIMARY)
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "kind", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(kind="primary", ended_on__isnull=True),
                name="one_active_primary_representative",
            ),
            models.UniqueConstraint(
                fields=["member", "user"],
                condition=Q(ended_on__isnull=True),
                name="one_active_appointment_per_person",
            ),
        ]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()}, {self.member.organization})"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class WorkingGroup(models.Model):
    """A narrower group of a network: per population (children and youth, adults, elderly) or theme."""

    class Kind(models.TextChoices):
        POPULATION = "population", _("Population group")
        THEMATIC = "thematic", _("Thematic group")
        TASK_FORCE = "task_force", _("Task force")

    class Population(models.TextChoices):
        CHILDREN_YOUTH = "children_youth", _("Children and youth")
        ADULTS = "adults", _("Adults")
        ELDERLY = "elderly", _("Older people")
        OTHER = "other", _("Other")

    network = models.ForeignKey(Network, related_name="working_groups", on_delete=models.CASCADE)
    slug = models.SlugField(_("short name in the address"), max_length=80)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.POPULATION)
    population = models.CharField(_("population"), max_length=20, choices=Population.choices, blank=True)
    mandate = models.TextField(_("mandate"), blank=True)
    lead_organization = models.ForeignKey(
        Organization,
        verbose_name=_("lead organisation"),
        related_name="led_working_groups",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    convenor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("convenor"),
        related_name="convened_working_groups",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="unique_working_group_slug"),
        ]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:working_group", args=[self.network.slug, self.slug])


class WorkingGroupMember(models.Model):
    """A person in a working group, acting on behalf of a member organisation."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")

    working_group = models.ForeignKey(WorkingGroup, related_name="participants", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        related_name="working_group_memberships",
        on_delete=models.CASCADE,
    )
    on_behalf_of = models.ForeignKey(
        Organization,
        verbose_name=_("on behalf of"),
        related_name="working_group_participants",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["working_group", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "user"],
                condition=Q(end_date__isnull=True),
                name="one_active_working_group_membership",
            ),
        ]
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.working_group}"
