"""Background e-mails of the learning app (django-tasks; the database backend in production)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Registration


@task()
def send_registration_email(registration_id: int, kind: str) -> None:
    """Tell the person about their place: `kind` is "registered" (a place or the waiting list) or "promoted".

    The e-mail names only the event and links to it, in the person's language.
    """
    registration = (
        Registration.objects.select_related("event", "event__network", "user")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.user.email:
        return
    if registration.status == Registration.Status.CANCELLED:
        return
    user, event = registration.user, registration.event
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        if kind == "promoted":
            subject = _("A place is free for you: %(title)s") % {"title": event.title}
        elif registration.status == Registration.Status.WAITING:
            subject = _("You are on the waiting list: %(title)s") % {"title": event.title}
        else:
            subject = _("You are registered: %(title)s") % {"title": event.title}
        context = {
            "event": event,
            "kind": kind,
            "waiting": registration.status == Registration.Status.WAITING,
            "url": settings.HELPNET_BASE_URL.rstrip("/") + event.get_absolute_url(),
            "ics_url": settings.HELPNET_BASE_URL.rstrip("/") + event.get_absolute_url() + "event.ics",
        }
        body = render_to_string("learning/email/registration.txt", context)
    send_mail(subject, body, None, [user.email])
