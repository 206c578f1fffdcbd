"""Accounts fixtures: English wording, and a client that logs in through the real pages."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english() -> Any:
    """These tests read the English wording (messages, pages under /en/): the Slovenian and Danish catalogues
    must not change what they check."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    # Dozens of logins per test: the slow production hasher would only measure the machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
