"""Background work of the referrals app (django-tasks: the database queue in production, at once in tests).

The workflow announces each change on `signals.referral_changed` after commit; `on_referral_changed` queues
the e-mails here, so a slow mail server never slows down the person who acted. Task arguments are ids only.
"""

from typing import Any

from django_tasks import task

from . import notifications


@task()
def notify_referral_change(
    referral_id: str, kind: str, event_id: int | None = None, message_id: int | None = None
) -> int:
    return notifications.notify_referral_change(
        referral_id, kind=kind, event_id=event_id, message_id=message_id
    )


def on_referral_changed(
    sender: Any,
    *,
    referral_id: Any,
    kind: str,
    event_id: int | None = None,
    message_id: int | None = None,
    **kwargs: Any,
) -> None:
    """Receiver of `referral_changed` (connected in apps.py): queue the notification e-mails."""
    notify_referral_change.enqueue(str(referral_id), kind, event_id=event_id, message_id=message_id)
