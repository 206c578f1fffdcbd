"""Form-level size limits for model text fields that have none of their own.

A model TextField (and a JSONField) is unbounded; giving it a model max_length would mean a migration in
every app. A ModelForm instead names its limits in ``Meta.formfield_callback = max_lengths(...)``: the field
keeps its label, help text and the Meta's widget, and an over-long value gets Django's usual, translated
max_length error.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

# Sizes shared by the staff forms (characters).
NOTE_MAX = 10_000  # a note, a comment, an answer
TEXT_MAX = 20_000  # a description, a mandate, a summary
LONG_TEXT_MAX = 50_000  # minutes of a meeting, evidence


class BoundedJSONField(forms.JSONField):
    """JSON typed as text, refused over max_length characters of that text (a CharField's validator would
    measure the parsed value: the number of keys of a dictionary)."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def clean(self, value: Any) -> Any:
        if isinstance(value, str) and self.max_length is not None:
            MaxLengthValidator(self.max_length)(value)
        return super().clean(value)


def max_lengths(**limits: int) -> Callable[..., forms.Field | None]:
    """A ModelForm ``Meta.formfield_callback`` giving the named model fields a form max_length."""

    def formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
        if db_field.name in limits:
            kwargs["max_length"] = limits[db_field.name]
            if isinstance(db_field, models.JSONField):
                kwargs["form_class"] = BoundedJSONField
        return db_field.formfield(**kwargs)

    return formfield
