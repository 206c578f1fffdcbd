"""Periodic jobs that `helpnet nightly` runs, registered by each app in its AppConfig.ready().

Apps below never import apps above them, so `nightly` cannot name their jobs; each app registers its own:

    from helpnet.lib import jobs
    jobs.register("referrals: reminders", send_reminders)   # a callable taking no arguments, returning a summary

Every job must be safe to run twice (the same day, or after a missed night) and must not write personal data
to its summary. Jobs run in registration order, which follows INSTALLED_APPS.
"""

from collections.abc import Callable
from dataclasses import dataclass

JobFunction = Callable[[], str | None]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFunction


_registry: dict[str, Job] = {}


def register(name: str, function: JobFunction) -> None:
    _registry[name] = Job(name, function)


def registered() -> list[Job]:
    return list(_registry.values())
