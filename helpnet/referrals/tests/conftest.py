"""Referral fixtures: a sender organisation, a receiving one with a service, a third one, a user per role."""

from typing import Any

import pytest
from django.test import Client

from helpnet.accounts.models import User
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import ReferralFactory

ROLES = {
    "sender_viewer": ("sender", Membership.Role.VIEWER),
    "sender_editor": ("sender", Membership.Role.EDITOR),
    "sender_admin": ("sender", Membership.Role.ADMIN),
    "receiver_viewer": ("receiver", Membership.Role.VIEWER),
    "receiver_editor": ("receiver", Membership.Role.EDITOR),
    "receiver_admin": ("receiver", Membership.Role.ADMIN),
    "third_editor": ("third", Membership.Role.EDITOR),
    "third_admin": ("third", Membership.Role.ADMIN),
}


class Parties:
    """Three organisations and one user per role; `referral(status)` makes a referral from sender to receiver."""

    def __init__(self) -> None:
        self.sender = OrganizationFactory(name="Sender Centre")
        self.receiver = OrganizationFactory(name="Receiver Association")
        self.third = OrganizationFactory(name="Third Club")
        self.service = ServiceFactory(organization=self.receiver, name="Debt advice")
        self.users = {}
        for name, (side, role) in ROLES.items():
            org = getattr(self, side)
            # No password: hashing one per user and test would cost minutes, and force_login needs none.
            user = User.objects.create(username=name, first_name=name.replace("_", " ").title())
            self.users[name] = MembershipFactory(organization=org, role=role, user=user).user

    def referral(self, status: str = "requested", **kwargs: Any) -> Any:
        if status == "completed":
            kwargs.setdefault("outcome", "need_met")
        return ReferralFactory(
            sender_organization=self.sender,
            sender_user=self.users["sender_editor"],
            service=self.service,
            receiving_organization=self.receiver,
            status=status,
            **kwargs,
        )

    def client(self, role: str) -> Client:
        client = Client()
        client.force_login(self.users[role])
        return client


@pytest.fixture
def parties(db: Any) -> Parties:
    return Parties()


@pytest.fixture
def english() -> Any:
    """URLs reversed to English pages, so messages compare in English (the default prefix is Slovenian).

    Used by this helper's modules with `pytestmark`; not autouse, so other modules here keep their language.
    """
    from django.utils import translation

    with translation.override("en"):
        yield
