from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "helpnet.lib"
    label = "helpnet_lib"
