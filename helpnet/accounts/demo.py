"""Demo accounts get a second factor too, so a new developer can log in after `make run`.

load_demo calls give_demo_devices() after every app has made its demo users (the directory's and the
networks' people, all with an e-mail address at DEMO_EMAIL_DOMAIN). The code page shows such a device's
current code only when DEBUG is on (twofactor.demo_code): never in production.
"""

from helpnet.accounts.models import User

from . import actions

DEMO_EMAIL_DOMAIN = "@helpnet-demo.example"


def give_demo_devices() -> str:
    users = User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN, is_active=True).order_by("pk")
    given = sum(actions.give_demo_device(user) for user in users)
    return f"accounts: {given} demo accounts got an authenticator device (two-factor login)"
