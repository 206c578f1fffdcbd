import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from helpnet.directory import indexing


class Command(BaseCommand):
    help = "Rebuild the search index from the listed services (in one transaction)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            count = indexing.reindex_all()
        self.stdout.write(f"Indexed {count} services in {time.perf_counter() - started:.1f} s.")
