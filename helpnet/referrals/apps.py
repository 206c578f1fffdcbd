from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "helpnet.referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # referrals2: notifications listen to the workflow's signal (the seam between the two, see signals.py),
        # and the nightly jobs (reminders, digest, retention) are registered with `helpnet nightly`.
        from . import jobs, signals, tasks

        signals.referral_changed.connect(tasks.on_referral_changed, dispatch_uid="referrals-notifications")
        jobs.register_all()
