"""``{{ label|in_sentence }}``: a label (a choice's, a field's) as it reads
inside a sentence, in the reader's language: lower-cased where the language
writes it so (English, Spanish: "30 minutes, video"), as it is in German,
whose nouns keep their capital ("30 Minuten, Video"). A built-in of every
template (settings.TEMPLATES)."""

from django import template
from django.utils.translation import get_language

register = template.Library()

# Languages whose nouns keep their capital inside a sentence.
CAPITALISED_NOUNS = ("de",)


@register.filter
def in_sentence(label) -> str:
    text = str(label)
    if (get_language() or "").split("-")[0] in CAPITALISED_NOUNS:
        return text
    return text.lower()
