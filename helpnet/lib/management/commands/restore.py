from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from helpnet.lib.backup import BackupError, restore_backup, table_count, unpacked


class Command(BaseCommand):
    help = (
        "Restore a backup made by `helpnet backup`. Refuses a damaged archive, one of another engine or one "
        "made by newer code, and asks before replacing a database that has tables. Stop the app servers and "
        "the task worker first; run `helpnet migrate` afterwards when the backup is older than the code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.gz written by `helpnet backup`.")
        parser.add_argument("--database", default="default", help="The DATABASES alias to restore into.")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead (e.g. a scratch database for a restore drill).",
        )
        parser.add_argument(
            "--yes", "--force", action="store_true", dest="yes", help="Overwrite a non-empty database."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        database: Mapping[str, Any]
        if options["database_url"]:
            database = dj_database_url.parse(options["database_url"])
        else:
            database = connections[options["database"]].settings_dict
            connections[options["database"]].close()
        overwrite = options["yes"]
        try:
            if not overwrite and table_count(database):
                with unpacked(archive) as (_folder, manifest):
                    pass  # a damaged archive is refused before anyone is asked
                overwrite = self._confirm(database["NAME"], manifest.created_at, options)
            manifest = restore_backup(archive, database, overwrite=overwrite)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the {manifest.engine} backup of {manifest.created_at} "
            f"(helpnet {manifest.helpnet_version}) into {database['NAME']}. "
            "Run `helpnet migrate` if this code is newer than the backup."
        )

    def _confirm(self, name: str, created_at: str, options: dict[str, Any]) -> bool:
        if not options.get("interactive", True) or not self.stdin_isatty():
            return False  # restore_backup then refuses with the message that names --yes
        answer = input(
            f"The database {name} has tables; replace its contents with the backup of {created_at}? "
            "Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled.")
        return True

    @staticmethod
    def stdin_isatty() -> bool:
        import sys

        return sys.stdin.isatty()
