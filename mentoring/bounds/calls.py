"""Bounds on a call's length: 15 to 120 minutes wherever it is typed
(``CallMinutesField``, ``call_minutes_in_range``)."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# A call lasts from 15 to 120 minutes (the program's default, the agreement's
# call, a logged call): shorter is no conversation, longer no mentoring call.
CALL_MINUTES = (15, 120)


CALL_MINUTES_MESSAGE = format_lazy(
    _("Choose a call length from {low} to {high} minutes."), low=CALL_MINUTES[0], high=CALL_MINUTES[1]
)


class CallMinutesFormField(forms.IntegerField):
    """A call length in whole minutes inside ``CALL_MINUTES``; its input carries
    the same min and max, and every refusal names the range."""

    def __init__(self, **kwargs):
        kwargs.update(min_value=CALL_MINUTES[0], max_value=CALL_MINUTES[1])
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        kwargs["error_messages"] = {
            "required": format_lazy(
                _("Enter the call length in minutes, from {low} to {high}."),
                low=CALL_MINUTES[0],
                high=CALL_MINUTES[1],
            ),
            "invalid": CALL_MINUTES_MESSAGE,
            "min_value": CALL_MINUTES_MESSAGE,
            "max_value": CALL_MINUTES_MESSAGE,
            **(kwargs.get("error_messages") or {}),
        }
        super().__init__(**kwargs)


class CallMinutesField(models.PositiveSmallIntegerField):
    """A model's call length in minutes, inside ``CALL_MINUTES`` in its forms and
    ``full_clean``; ``call_minutes_in_range`` holds it in the database."""

    default_validators = [MinValueValidator(CALL_MINUTES[0]), MaxValueValidator(CALL_MINUTES[1])]

    def deconstruct(self):
        # Migrations name it where it is imported from (mentoring/bounds/__init__.py).
        name, _path, args, kwargs = super().deconstruct()
        return name, "mentoring.bounds.CallMinutesField", args, kwargs

    def formfield(self, **kwargs):
        # Past PositiveSmallIntegerField's own min_value=0, which the input would show.
        return models.Field.formfield(self, **{"form_class": CallMinutesFormField, **kwargs})


def call_minutes_in_range(field: str, *, name: str) -> models.CheckConstraint:
    """A check constraint holding the call length ``field`` inside ``CALL_MINUTES``."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": CALL_MINUTES[0], f"{field}__lte": CALL_MINUTES[1]}),
        name=name,
        violation_error_message=CALL_MINUTES_MESSAGE,
    )
