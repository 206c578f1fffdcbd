from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english() -> Any:
    """These tests read the English wording (messages, pages under /en/): the Slovenian and Danish catalogues
    must not change what they check."""
    from django.utils import translation

    with translation.override("en"):
        yield
