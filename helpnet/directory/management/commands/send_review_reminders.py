"""Cron: e-mail editors the services they should confirm. Safe to run as often as you like."""

from typing import Any

from django.core.management.base import BaseCommand

from helpnet.directory.freshness import send_review_reminders


class Command(BaseCommand):
    help = "E-mail each organisation's editors the services not verified within HELPNET_REVIEW_MONTHS."

    def handle(self, *args: Any, **options: Any) -> None:
        emails, services = send_review_reminders()
        self.stdout.write(f"Sent {emails} review reminder e-mails covering {services} services.")
