from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "helpnet.referrals"
    default_auto_field = "django.db.models.BigAutoField"
