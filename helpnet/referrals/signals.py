"""The seam between the referral workflow and its notifications.

STYLE prefers explicit calls to signals. Here the workflow (actions.py, "referrals" helper) and the notification
sender (notifications.py, "referrals2" helper) are written by two people in parallel, so the workflow announces
each change on this signal and the notifications connect to it; neither module imports the other.

`referral_changed` is sent in `transaction.on_commit` after every transition, message and creation, with kwargs:
- `referral_id` (UUID),
- `event_id` (ReferralEvent pk, for kind "transition" / "created") or `message_id` (for kind "message"),
- `kind`: "transition" | "message" | "created".
Receivers get ids only, never personal data.
"""

from django.dispatch import Signal

referral_changed = Signal()
