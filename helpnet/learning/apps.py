from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "helpnet.learning"
    default_auto_field = "django.db.models.BigAutoField"
