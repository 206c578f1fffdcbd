from typing import Any

import pytest
from django.test import Client

from .factories import World, make_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Each test creates several users; the production hasher would spend seconds on their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _english() -> Any:
    """These tests read the English wording (messages, pages under /en/): the Slovenian and Danish catalogues
    must not change what they check."""
    from django.utils import translation

    with translation.override("en"):
        yield
