import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from helpnet.directory.hsds.importer import import_hsds


class Command(BaseCommand):
    help = (
        "Import Open Referral HSDS 3.1 data: a JSON array or object of nested services, NDJSON, tabular JSON, "
        "or a Tabular Data Package (folder or zip of CSVs with datapackage.json). Upserts by id; all or "
        "nothing unless --skip-invalid."
    )

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report the changes, write nothing."
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid records and report the others."
        )
        parser.add_argument(
            "--defer-derived",
            action="store_true",
            help="On big imports leave opening times and the search index to refresh_occurrences and reindex.",
        )
        parser.add_argument(
            "--progress-every", type=int, default=10_000, help="Report progress every N records (to stderr)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = import_hsds(
            options["path"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            progress=lambda line: print(line, file=sys.stderr, flush=True),
            progress_every=max(options["progress_every"], 1),
            defer_derived=options["defer_derived"],
        )
        for note in report.source.notes:
            self.stdout.write(_("Note: %(note)s") % {"note": note})
        for problem in report.warnings:
            self.stdout.write(_("Warning: %(problem)s") % {"problem": problem})
        for problem in report.errors:
            self.stderr.write(_("Error: %(problem)s") % {"problem": problem})
        hidden = report.error_count - len(report.errors)
        if hidden:
            self.stderr.write(_("… and %(count)s more errors.") % {"count": hidden})
        self.stdout.write(report.summary())
        if report.failed:
            raise CommandError(_("Nothing was imported."), returncode=1)
