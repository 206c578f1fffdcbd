from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "helpnet.search"
    default_auto_field = "django.db.models.BigAutoField"
