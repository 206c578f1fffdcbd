"""Factories for monitoring: indicators, reporting periods and measurements."""

from datetime import date
from decimal import Decimal

import factory

from helpnet.monitoring.models import Indicator, Measurement, ReportingPeriod
from helpnet.networks.tests.factories import NetworkFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    network = factory.SubFactory(NetworkFactory)
    code = factory.Sequence(lambda n: f"I{n}")
    name = factory.Sequence(lambda n: f"Workshop participants {n}")
    kind = Indicator.Kind.PERFORMANCE
    unit = Indicator.Unit.COUNT
    direction = Indicator.Direction.INCREASE
    frequency = "quarterly"
    baseline_value = Decimal(40)
    baseline_date = date(2024, 12, 31)
    target_value = Decimal(100)
    target_date = date(2026, 12, 31)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    network = factory.SubFactory(NetworkFactory)
    frequency = "quarterly"
    label = factory.Sequence(lambda n: f"P{n}")
    start = date(2025, 1, 1)
    end = date(2025, 3, 31)
    due_date = date(2025, 4, 15)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.SubFactory(PeriodFactory, network=factory.SelfAttribute("..indicator.network"))
    value = Decimal(10)
    status = Measurement.Status.DRAFT
