"""Django's own messages that its Slovenian catalogue lacks in 5.2 (the msgid changed from %(min_length)d to
%d), marked here so `make messages` puts them in our catalogue, which Django reads first (LOCALE_PATHS)."""

from django.utils.translation import ngettext_lazy

MISSING_IN_DJANGO = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
)
