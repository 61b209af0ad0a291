"""Forms of protégés' requests for a mentor: the request's note, a mentor's
kind word when declining, an admin's reason for not approving. Each page shows
one form per mentor or request, so each is made with its own ``auto_id``
(``for_row``) and its ids never clash."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.text import MultiLineField, SingleLineField
from mentoring.form_words import InOurWords

from .models.requests import NOTE_MAX_LENGTH
from .services.requests import ANSWER_MAX_LENGTH, KIND_WORDS

OWN_WORDS = "own"


def for_row(form_class: type[forms.Form], row_id: int, data=None) -> forms.Form:
    """``form_class`` for the row ``row_id`` of a list: its ids end in ``-<row_id>``."""
    return form_class(data, auto_id=f"id_%s-{row_id}")


class MentorRequestForm(InOurWords, forms.Form):
    note = MultiLineField(
        label=_("A short note to the mentor"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why them, and what you hope to work on. Up to 500 characters."),
    )


class DeclineForm(InOurWords, forms.Form):
    """A kind word chosen from ``KIND_WORDS``, or the mentor's own (one line)."""

    kind_word = forms.ChoiceField(
        label=_("A kind word for the protégé"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a kind word or write your own.")},
    )
    own_words = SingleLineField(
        label=_("Your own words"),
        max_length=ANSWER_MAX_LENGTH,
        required=False,
        help_text=_("If you chose to write your own."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind_word"].choices = [(str(i), word) for i, word in enumerate(KIND_WORDS)] + [
            (OWN_WORDS, _("In my own words"))
        ]

    def clean(self):
        data = super().clean()
        chosen = data.get("kind_word")
        if chosen == OWN_WORDS and not data.get("own_words", "").strip() and "own_words" not in self.errors:
            self.add_error("own_words", _("Write your kind word, or choose one above."))
        return data

    def answer(self) -> str:
        """The words the protégé reads (valid form only)."""
        chosen = self.cleaned_data["kind_word"]
        if chosen == OWN_WORDS:
            return self.cleaned_data["own_words"].strip()
        return str(KIND_WORDS[int(chosen)])


class RefuseForm(InOurWords, forms.Form):
    answer = SingleLineField(
        label=_("Why not, in a line the protégé will read"),
        max_length=ANSWER_MAX_LENGTH,
        error_messages={"required": _("Say in a line why, kindly: the protégé reads it.")},
    )
