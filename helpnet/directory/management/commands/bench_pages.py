import os
import subprocess
import sys
import time
import warnings
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client, override_settings

from helpnet.directory import indexing
from helpnet.directory.demo import bench
from helpnet.directory.demo.generate import generate_services
from helpnet.directory.models import Service


class Command(BaseCommand):
    help = (
        "Measure server time of the results page and the service page with N generated services "
        "(a fresh SQLite file under var/ unless --use-current-db)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=10_000, help="How many services to generate.")
        parser.add_argument("--requests", type=int, default=200, help="Measured requests per page.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--use-current-db",
            action="store_true",
            help="Generate into and measure the configured database (adds N services to it).",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Reuse the benchmark file from an earlier run instead of generating again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["use_current_db"]:
            self._run(options)
            return
        # A separate process, so that the fresh file is the only database it ever connects to.
        path = settings.VAR_DIR / f"bench-{options['services']}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        reuse = options["reuse"] and path.exists()
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        argv = [
            sys.executable,
            "-m",
            "helpnet",
            "bench_pages",
            "--use-current-db",
            "--skip-checks",
            f"--services={options['services']}",
            f"--requests={options['requests']}",
            f"--seed={options['seed']}",
            *(["--reuse"] if reuse else []),
        ]
        self.stdout.write(f"Benchmark database: {path}")
        self.stdout.flush()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
        if subprocess.run(argv, env=env, check=False).returncode:  # noqa: S603 (our own command)
            raise CommandError("The benchmark run failed.")

    def _run(self, options: dict[str, Any]) -> None:
        n, requests, seed = options["services"], options["requests"], options["seed"]
        call_command("migrate", verbosity=0, interactive=False)
        if not options["reuse"]:
            start = time.perf_counter()
            generate_services(n, seed=seed)
            self.stdout.write(f"Generated {n} services in {time.perf_counter() - start:.1f} s.")
            start = time.perf_counter()
            indexed = indexing.reindex_all()
            self.stdout.write(f"Indexed {indexed} services in {time.perf_counter() - start:.1f} s.")
        total = Service.objects.count()
        # WhiteNoise warns once that collectstatic has not run; irrelevant to the timings.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        client = Client(HTTP_HOST="127.0.0.1")
        # Production settings for the measurement: no query log, no debug pages.
        with override_settings(DEBUG=False):
            results = bench.measure("results page", client, bench.search_urls(requests, seed=seed))
            detail = bench.measure("service page", client, bench.service_urls(requests, seed=seed))
        self.stdout.write(f"Machine: {bench.machine()}")
        self.stdout.write(f"Services in the database: {total}")
        for timing in (results, detail):
            self.stdout.write(timing.line())
