"""The templates' ``date`` filter, in the reader's language: Django's, with
the format translated first (``mentoring.dates.local_format``), so that
``{{ day|date:"j F Y" }}`` reads "1 December 2026", "1. Dezember 2026" or
"1 de diciembre de 2026". A built-in of every template (settings.TEMPLATES)."""

from django import template
from django.template import defaultfilters

from mentoring.dates import local_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    return defaultfilters.date(value, local_format(arg) if arg else arg)
