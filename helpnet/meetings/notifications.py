"""Meeting e-mails: invitations with .ics (METHOD:REQUEST), updates (SEQUENCE raised) and cancellations
(METHOD:CANCEL), reminders. Owned by the calendar work of issue 6; the meeting actions call these after commit."""

from typing import Any


def send_invitations(meeting_id: Any) -> None:
    """E-mail every invited attendee of the meeting an invitation with its .ics file."""


def notify_meeting_changed(meeting_id: Any, *, cancelled: bool = False) -> None:
    """E-mail invitees an updated .ics (or a cancellation) after the time, place or host changed."""
