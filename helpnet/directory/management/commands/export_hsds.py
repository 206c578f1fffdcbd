"""helpnet export_hsds --format json|ndjson|datapackage OUT — a lossless HSDS 3.1 export (see hsds/README.md)."""

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from helpnet.directory.hsds import export


class Command(BaseCommand):
    help = "Export every service, organisation and taxonomy as HSDS 3.1 (json, ndjson or a data package)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "ndjson", "datapackage"], default="json")
        parser.add_argument(
            "out", help="File to write ('-' = standard output); for datapackage a folder or a .zip file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, out = options["format"], options["out"]
        if fmt == "datapackage":
            if out == "-":
                raise CommandError("A data package needs a folder or a .zip path, not standard output.")
            counts = export.write_datapackage(Path(out))
        else:
            profile_url = settings.HELPNET_BASE_URL.rstrip("/") + reverse("hsds:profile")
            if out == "-":
                counts = self._write(fmt, sys.stdout, profile_url)
            else:
                with open(out, "w", encoding="utf-8") as stream:
                    counts = self._write(fmt, stream, profile_url)
        summary = ", ".join(f"{n} {table}" for table, n in sorted(counts.items()) if n)
        self.stderr.write(f"Exported {summary or 'nothing'} to {out}.")

    def _write(self, fmt: str, stream: Any, profile_url: str) -> Any:
        if fmt == "json":
            return export.write_json(stream, profile_url=profile_url)
        return export.write_ndjson(stream)
