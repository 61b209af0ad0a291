"""What every model admin of ours shares (Django's admin site, for staff)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models.constants import LOOKUP_SEP

# The date parts a list URL may filter on, and the values each can take:
# beyond them Django builds a datetime it cannot represent and answers 500.
DATE_PART_RANGES = {
    "year": range(1, 10000),
    "iso_year": range(1, 10000),
    "quarter": range(1, 5),
    "month": range(1, 13),
    "week": range(1, 54),
    "day": range(1, 32),
    "week_day": range(1, 8),
    "iso_week_day": range(1, 8),
    "hour": range(0, 24),
    "minute": range(0, 60),
    "second": range(0, 60),
}


class EmptyAsDefaultJSONField(forms.JSONField):
    """A JSON box left empty stores the model field's default (``[]`` or ``{}``),
    not NULL, which the column refuses (``JSONField(default=list, blank=True)``)."""

    def __init__(self, *, empty_default=None, **kwargs):
        self.empty_default = empty_default
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is None and self.empty_default is not None:
            return self.empty_default()
        return value


if TYPE_CHECKING:
    # For the type checker the mixin is a model admin (it is mixed into one).
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class SiteAdminMixin(_ModelAdmin):
    """Mixed into every ``ModelAdmin`` of ours: an empty JSON field means its
    default, and a list URL filtering on a date part out of its range (``?send_at__year=99999999999``)
    is refused as a bad request (400) instead of failing when the query is built."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField) and callable(db_field.default):
            kwargs.update(form_class=EmptyAsDefaultJSONField, empty_default=db_field.default)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def lookup_allowed(self, lookup, value, request):
        allowed = DATE_PART_RANGES.get(lookup.split(LOOKUP_SEP)[-1])
        if allowed is not None:
            try:
                if int(value) not in allowed:
                    return False
            except (TypeError, ValueError):
                return False
        return super().lookup_allowed(lookup, value, request)


class SiteModelAdmin(SiteAdminMixin, admin.ModelAdmin):
    """The base of our model admins."""
