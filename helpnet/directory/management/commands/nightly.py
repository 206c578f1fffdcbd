from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from helpnet.directory.indexing import unindex_expired
from helpnet.lib import jobs


class Command(BaseCommand):
    help = (
        "The nightly jobs, in order: rebuild opening times for the coming weeks, hide services whose "
        "confirmation ran out, send review reminders, then the jobs the other apps register (referral "
        "reminders, meeting reminders, reporting reminders, retention). Safe to run twice. "
        "Cron: 15 2 * * * helpnet nightly"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("refresh_occurrences", stdout=self.stdout, stderr=self.stderr)
        hidden = unindex_expired()
        self.stdout.write(f"Services no longer listed because nobody confirmed them: {hidden}.")
        call_command("send_review_reminders", stdout=self.stdout, stderr=self.stderr)
        for job in jobs.registered():
            summary = job.run()
            self.stdout.write(f"{job.name}: {summary or 'done'}")
