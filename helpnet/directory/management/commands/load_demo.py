from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Load the demo data (placeholder until the demo data lands) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Load only when the database has no services."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("No demo data yet.")
