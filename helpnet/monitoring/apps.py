from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "helpnet.monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpnet.lib import jobs

        from .tasks import nightly

        jobs.register("monitoring: computed indicators and reminders", nightly)
