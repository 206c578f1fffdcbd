"""Background work of monitoring, queued by the nightly job (django-tasks)."""

from django_tasks import task

from .automatic import compute_automatic_indicators
from .reminders import send_due_reminders


@task()
def send_reporting_reminders() -> str:
    return send_due_reminders()


def nightly() -> str:
    """Computed figures first (they count as reports), then the reminders in the background."""
    summary = compute_automatic_indicators()
    send_reporting_reminders.enqueue()
    return f"{summary}; reminders queued"
