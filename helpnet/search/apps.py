from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "helpnet.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpnet.lib import jobs

        from .actions import compact_index

        jobs.register("search: compact the index", compact_index)
