"""``{% service_staleness service as level %}`` for the public "may be out of date" notice."""

from django import template

from helpnet.directory import freshness
from helpnet.directory.models import Service

register = template.Library()


@register.simple_tag
def service_staleness(service: Service) -> str:
    return freshness.staleness(service)
