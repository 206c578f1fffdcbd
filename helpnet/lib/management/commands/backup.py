from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpnet.lib.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump) and uploaded files into one "
        ".tar.gz with a manifest and checksums. Safe while the app runs. Cron: 0 3 * * * helpnet backup "
        "/var/backups/helpnet"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            help="An archive file name, or a directory for a dated name (default: var/backups/).",
        )
        parser.add_argument("--database", default="default", help="The DATABASES alias to back up.")

    def handle(self, *args: Any, **options: Any) -> None:
        destination = Path(options["destination"] or Path(settings.VAR_DIR) / "backups")
        if not options["destination"]:
            destination.mkdir(parents=True, exist_ok=True)
        try:
            path, manifest = create_backup(destination, alias=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup of the {manifest.engine} database ({len(manifest.migrations)} migrations, "
            f"{len(manifest.files) - 1} media files) written to {path}"
        )
