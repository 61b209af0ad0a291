"""Bounds on everything a person types, in one place, by feature:

- ``dates``: every typed date or time inside a window that makes sense and
  inside the stored range (``BoundedDateField``, ``BoundedDateTimeField``,
  ``stored_in_range``);
- ``text``: lengths that fit the page and no control or format characters
  (``SingleLineField``, ``MultiLineField``, their model fields, ``text_within``,
  ``single_line_in_database``);
- ``calls``: a call lasts 15 to 120 minutes (``CallMinutesField``,
  ``call_minutes_in_range``);
- ``repair``: bringing rows stored before the bounds inside them, for the
  migrations that add the constraints.

Code imports from those modules. This package re-exports exactly the names
the migrations reference (``mentoring.bounds.SingleLineCharField`` and the
like, and what their ``RunPython`` steps import), which must stay importable
from here as long as those migrations exist; the three model fields also
name themselves ``mentoring.bounds.<Field>`` in new migrations.
"""

from .calls import CALL_MINUTES, CallMinutesField
from .repair import repair_rows, settle_deferred_checks
from .text import MultiLineTextField, SingleLineCharField

__all__ = [
    "CALL_MINUTES",
    "CallMinutesField",
    "MultiLineTextField",
    "SingleLineCharField",
    "repair_rows",
    "settle_deferred_checks",
]
