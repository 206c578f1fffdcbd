"""Queued meeting e-mails (django-tasks): the database backend in production (``helpnet db_worker``), the
immediate backend in tests. Arguments are ids only, so the queue never holds personal data."""

from django_tasks import task

from . import notifications


@task()
def send_invitations_task(meeting_id: int) -> int:
    return notifications.deliver_invitations(meeting_id)


@task()
def notify_meeting_changed_task(meeting_id: int, cancelled: bool = False) -> int:
    return notifications.deliver_meeting_changed(meeting_id, cancelled=cancelled)


@task()
def send_reminders_task() -> str:
    from .jobs import send_reminders

    return send_reminders()
