from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

from helpnet.accounts.demo import give_demo_devices
from helpnet.directory.demo.loader import DEMO_PASSWORD, demo_logins, load_demo
from helpnet.directory.models import Service

DEMO_URL = "http://127.0.0.1:8000/sl/"


class Command(BaseCommand):
    help = "Load the demo organisations, services and users (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Load only when the database has no services."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Service.objects.exists():
            self.stdout.write("Services already exist; demo data not loaded.")
        else:
            result = load_demo()
            self.stdout.write(
                f"Demo data loaded: {result.organizations} organisations, {result.services} services "
                f"({result.listed_services} public), {result.users_created} new users."
            )
            # The apps above the directory (networks, meetings, referrals, planning, learning) add their own
            # demo data from `<app>/demo_data.py`: a function load() -> str (a one-line summary),
            # idempotent, run in INSTALLED_APPS order.
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo_data"
                if config.name.startswith("helpnet.") and find_spec(module_name):
                    summary = str(import_module(module_name).load())
                    label = f"{config.label}: "
                    self.stdout.write(summary if summary.startswith(label) else label + summary)
        # Every demo user exists now: each gets a demo authenticator device (the second login step); also
        # in a demo database made before two-factor login.
        self.stdout.write(give_demo_devices())
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in demo_logins():
            where = f" @ {login.organization}" if login.organization else ""
            self.stdout.write(f"  {login.username:<10} {login.role}{where}")
        self.stdout.write(
            "Second step of the login: the code page of this demo installation (DEBUG on) shows the "
            "current code of each demo account; type it in."
        )
        self.stdout.write(f"Open {DEMO_URL}")
