"""The learning demo loads on top of the directory and network demos, and loads again without new rows."""

from typing import Any

import pytest
from django.urls import reverse

from helpnet.accounts.models import User
from helpnet.directory.demo.loader import load_demo
from helpnet.learning import demo_data
from helpnet.learning.models import GoodPractice, Registration, TrainingEvent, TrainingNeed
from helpnet.networks import demo_data as network_demo

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (TrainingNeed, TrainingEvent, Registration, GoodPractice))


def test_learning_demo_is_idempotent_and_shows_the_seeds(client: Any) -> None:
    load_demo()
    network_demo.load()
    first = demo_data.load()
    after = counts()
    second = demo_data.load()
    assert counts() == after
    assert "0 needs, 0 events, 0 groups, 0 practices" in second and "3 practices" in first

    upcoming = TrainingEvent.objects.get(title="Komunikacijske veščine pri delu z uporabniki")
    assert upcoming.registrations.filter(status=Registration.Status.WAITING).count() == 1
    past = TrainingEvent.objects.get(title="Svetovalno delo z neprostovoljnimi uporabniki")
    assert Registration.objects.filter(event=past, feedback__isnull=False).count() == 2

    skrbnik = User.objects.get(username="skrbnik")  # admin of the health centre that coordinates LSKZ
    client.force_login(skrbnik)
    needs = client.get(reverse("learning:need_list", args=["lskz-sevnica"])).context["needs"]
    assert len({n.organization_id for n in needs}) >= 4
    in_review = client.get(reverse("learning:practice_manage_list")).context["practices"]
    assert "Družinska posvetovalnica" in [p.title for p in in_review]
    client.logout()

    published = client.get(reverse("learning:practice_list")).context["practices"]
    assert sorted(p.title for p in published) == [
        "Afklarende samtale",
        "Delavnice in posvetovalnice za krepitev zdravja v lokalnih skupnostih",
    ]


def test_without_the_network_demo_it_skips(db: Any) -> None:
    assert "skipped" in demo_data.load()
    assert counts() == (0, 0, 0, 0)
