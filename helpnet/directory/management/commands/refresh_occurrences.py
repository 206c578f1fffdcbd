from typing import Any

from django.core.management.base import BaseCommand

from helpnet.directory.schedules import OCCURRENCE_DAYS, refresh_all_occurrences


class Command(BaseCommand):
    help = (
        "Rebuild the opening times of every service for the coming weeks (nightly cron; safe to run twice)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = refresh_all_occurrences()
        self.stdout.write(f"{total} occurrences for the next {OCCURRENCE_DAYS} days.")
