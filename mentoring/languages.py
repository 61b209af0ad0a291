"""The languages the product speaks (``settings.LANGUAGES``: British English,
the source, then Spanish and German) and which of them serves a person."""

from django.utils import translation


def supported(tag: str | None) -> str | None:
    """The code in ``settings.LANGUAGES`` that serves the BCP 47 ``tag``
    ("de-AT" → "de", "en-US" → "en-gb", "ES" → "es"), or None when none does
    (an empty tag, "fr", a malformed one)."""
    if not tag:
        return None
    try:
        return translation.get_supported_language_variant(tag.strip().lower().replace("_", "-"))
    except LookupError:
        return None


def language_of(person) -> str:
    """The language to write to ``person`` (a user) in: their profile's when
    the site speaks it, else the active one."""
    return supported(person.language) or translation.get_language()
