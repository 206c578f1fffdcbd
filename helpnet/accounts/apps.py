from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "helpnet.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import twofactor

        def remember_need(sender: object, request: object, user: object, **kwargs: object) -> None:
            # Decided once per login and kept in the session: enforcing it then costs no query per request.
            if request is not None and hasattr(request, "session"):
                twofactor.remember_need(request, user)  # type: ignore[arg-type]

        user_logged_in.connect(remember_need, dispatch_uid="helpnet.accounts.two_factor_need", weak=False)
