"""Demo data: indicators for the Sevnica group's plan, 2025–2026 periods, figures in several states, once."""

from typing import Any

from helpnet.directory.demo.loader import demo_id
from helpnet.monitoring import demo_data
from helpnet.monitoring.models import Indicator, Measurement, ReportingPeriod
from helpnet.monitoring.queries import indicator_figures, reporting_by_partner
from helpnet.networks.models import NetworkMember
from helpnet.networks.tests.factories import NetworkFactory
from helpnet.organizations.tests.factories import OrganizationFactory


def test_demo_skips_without_the_sevnica_group(db: Any) -> None:
    assert "skipped" in demo_data.load()
    assert not Indicator.objects.exists()


def test_demo_loads_once_with_figures_in_several_states(db: Any) -> None:
    from helpnet.planning import demo_data as planning_demo

    network = NetworkFactory(slug=demo_data.NETWORK_SLUG)
    for key in [
        "zd-sevnica",
        "kstm-sevnica",
        "ozara-sevnica",
        "csd-posavje",
        "zaupanje",
        "knof",
        "os-sevnica",
    ]:
        org = OrganizationFactory(id=demo_id("organization", key), name=key)
        NetworkMember.objects.create(network=network, organization=org)
    planning_demo.load()
    demo_data.load()
    counts = (Indicator.objects.count(), ReportingPeriod.objects.count(), Measurement.objects.count())
    demo_data.load()
    assert counts == (Indicator.objects.count(), ReportingPeriod.objects.count(), Measurement.objects.count())
    assert counts[:2] == (5, 10)
    statuses = set(Measurement.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "validated", "returned"}
    assert Indicator.objects.get(code="K1").goal is not None
    assert ReportingPeriod.objects.get(label="2025-Q4").is_locked
    assert not ReportingPeriod.objects.get(label="2026-Q3").is_locked
    rows = {row.indicator.code: row for row in indicator_figures(network)}
    assert rows["K2"].value is not None  # validated figures up to 2026-Q2
    assert rows["K1"].rag is not None
    assert reporting_by_partner(network)
