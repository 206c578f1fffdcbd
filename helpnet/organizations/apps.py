from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "helpnet.organizations"
    default_auto_field = "django.db.models.BigAutoField"
