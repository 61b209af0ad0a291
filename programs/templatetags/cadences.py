"""``{{ cadence|cadence_words }}``: a program's default or a person's preferred
cadence in the one set of words every page uses (``programs.rhythms.cadence_words``)."""

from django import template

from ..rhythms import Rhythm
from ..rhythms import cadence_words as words

register = template.Library()


@register.filter
def cadence_words(cadence: str) -> str:
    """ "every_n_weeks" → "Every 3 weeks"; "" for none."""
    return words(cadence or "")


@register.filter
def cadence_in_sentence(cadence: str) -> str:
    """ "every_n_weeks" → "every 3 weeks", as it reads inside a sentence (German too: "alle 3 Wochen"); "" for none."""
    return str(Rhythm.of_cadence(cadence).text) if cadence else ""
