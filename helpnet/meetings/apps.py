from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "helpnet.meetings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpnet.lib import jobs

        from .jobs import queue_reminders

        jobs.register("meetings: reminders", queue_reminders)
