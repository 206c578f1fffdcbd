"""Shared set-up for the notification, reminder, retention, analytics and person tests (fictional people)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.test import TestCase

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory, UserFactory
from helpnet.referrals import actions

NAME = "Zofka Kovačič-Testna"
PHONE = "+386 41 555 123"
EMAIL = "zofka.testna@example.net"
REASON = "Izgubila stanovanje, potrebuje pomoč pri iskanju zatočišča"


def person_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "person_name": NAME,
        "person_phone": PHONE,
        "person_email": EMAIL,
        "preferred_contact": "phone",
        "preferred_time": "dopoldne",
        "person_language": "sl",
        "reason": REASON,
        "legal_basis": "public_task",
        "consent_given": True,
        "consent_method": "verbal",
        "consent_scope": "Share name and phone with the receiver.",
    }
    data.update(overrides)
    return data


def member(org: Any, role: str = Membership.Role.EDITOR, **user_fields: Any) -> Any:
    return MembershipFactory(organization=org, role=role, user=UserFactory(**user_fields)).user


@contextmanager
def committed() -> Iterator[None]:
    """Run the on-commit callbacks (the notifications) at the end of the block, as a real commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def sent_referral(sender_org: Any, sender: Any, service: Any = None, **data: Any) -> Any:
    """A referral from ``sender_org`` to ``service`` (a new service of a new organisation if None), sent."""
    service = service or ServiceFactory()
    with committed():
        return actions.create_referral(
            service, sender_organization=sender_org, by=sender, data=person_data(**data), send=True
        )
