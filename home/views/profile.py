"""My profile, in sections that each save on their own: my account (name,
time zone), my profile in each program I am in and my answers to its own
questions, my reminder settings and my calendar link.

The page is one form whose sections each have their own save button (the
button's ``form`` value names the section it saves), so whatever is typed in
the other sections is posted too. Saving one section never loses typing in
another: a section changed but not saved comes back as typed, saying it is
not saved yet. Works without JavaScript; static/js/profile.js only makes
Enter press the section's own button and warns before leaving unsaved typing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.forms import ProfileForm
from accounts.services import user_update_profile
from mentoring.http import HtmxHttpRequest
from partnerships.calendar import calendar_feed_reset, feed_url
from partnerships.selectors.calendar import calendar_feed_of
from programs.forms import ParticipantProfileForm
from programs.question_forms import AnswersForm
from programs.selectors.people import participations_of
from programs.selectors.questions import answers_of, questions_for_participants
from programs.services.answers import answers_save
from programs.services.profiles import participant_update_profile
from reminders.forms import ReminderPreferencesForm
from reminders.selectors import reachable_kinds, wanted_kinds
from reminders.services.preferences import reminder_preferences_set


def _saved_message(request: HtmxHttpRequest, section: str, text: str) -> None:
    """The saved section says so itself: its message carries the section's id,
    and base.html leaves it to the section."""
    messages.success(request, text, extra_tags=f"section:{section}")


def _as_typed(bound: forms.BaseForm, fresh: forms.BaseForm) -> forms.BaseForm | None:
    """``fresh`` (the section as saved, unbound) holding what ``bound`` was
    typed with, or None when nothing in it was changed. Unbound, so a section
    not being saved shows no errors until its own button is pressed."""
    if not bound.has_changed():
        return None
    fresh.initial.update({field.name: field.data for field in bound})
    return fresh


@login_required
def profile(request: HtmxHttpRequest) -> HttpResponse:
    """A rejected section keeps what was typed and shows its errors beside its
    fields; the other sections show what is saved, or what was typed in them
    and not saved yet (those whose hidden ``section`` input was posted)."""
    user = request.user
    offered = reachable_kinds(user)

    def account(data=None, **kw) -> ProfileForm:
        return ProfileForm(data, instance=user, **kw)

    def reminders(data=None, **kw) -> ReminderPreferencesForm:
        kw.setdefault("initial", {"kinds": wanted_kinds(user)})
        return ReminderPreferencesForm(data, prefix="reminders", offered=offered, **kw)

    def program(participant, data=None, **kw) -> ParticipantProfileForm:
        return ParticipantProfileForm(data, instance=participant, prefix=f"p{participant.pk}", **kw)

    participations = participations_of(user)
    asked = questions_for_participants(participations)
    answered = answers_of([p for p in participations if asked[p.pk]])

    def questions(participant, data=None, **kw) -> AnswersForm:
        return AnswersForm(
            asked[participant.pk],
            data=data,
            answers=answered[participant.pk],
            prefix=f"q{participant.pk}",
            **kw,
        )

    asking = [p for p in participations if asked[p.pk]]
    saved: str | None = None  # the section saved by this post
    shown: dict[str, forms.BaseForm] = {}  # by section: a refused form, or one typed and not saved
    unsaved: set[str] = set()
    if request.method == "POST":
        which, data = request.POST.get("form"), request.POST
        if which == "account":
            form = account(data)
            if form.is_valid():
                user_update_profile(user=user, **form.cleaned_data)
                # The page that says so is in the language just chosen.
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
                saved = "account"
                _saved_message(request, saved, _("Your profile is saved."))
            else:
                shown["account"] = form
        elif which == "reminders":
            form = reminders(data)
            if form.is_valid():
                reminder_preferences_set(user=user, wanted=form.wanted(wanted_kinds(user)))
                saved = "reminders"
                _saved_message(request, saved, _("Your reminder settings are saved."))
            else:
                shown["reminders"] = form
        elif which == "calendar":
            had_one = calendar_feed_of(user) is not None
            calendar_feed_reset(user=user)
            saved = "calendar"
            if had_one:
                text = _("Your calendar link is new. The old link no longer works: subscribe with this one.")
            else:
                text = _("Your calendar link is ready. Add it to your calendar app as a subscription.")
            _saved_message(request, saved, text)
        elif which and which.startswith("q"):
            for participant in asking:
                if which != f"q{participant.pk}":
                    continue
                section = f"questions-{participant.program.slug}"
                form = questions(participant, data)
                try:
                    if form.is_valid():
                        answers_save(participant=participant, cleaned=form.answers())
                        answered.update(answers_of([participant]))  # the page may show it again, as saved
                except ValidationError as error:  # a question retired while the page was open
                    form.add_error(None, error)
                if form.is_valid():
                    saved = section
                    _saved_message(
                        request,
                        section,
                        _("Your answers to %(program)s's questions are saved.")
                        % {"program": participant.program.name},
                    )
                else:
                    shown[section] = form
        else:
            for participant in participations:
                if which != str(participant.pk):
                    continue
                section = f"program-{participant.program.slug}"
                form = program(participant, data)
                if form.is_valid():
                    participant_update_profile(participant=participant, data=dict(form.cleaned_data))
                    saved = section
                    _saved_message(
                        request,
                        section,
                        _("Your profile in %(program)s is saved.") % {"program": participant.program.name},
                    )
                else:
                    shown[section] = form
        # What was typed in the other sections and not saved is shown again.
        typed = {"account": lambda: (account(data), account())}
        if offered:
            typed["reminders"] = lambda: (reminders(data), reminders())
        for participant in participations:
            typed[f"program-{participant.program.slug}"] = lambda p=participant: (
                program(p, data),
                program(p),
            )
        for participant in asking:
            typed[f"questions-{participant.program.slug}"] = lambda p=participant: (
                questions(p, data),
                questions(p),
            )
        for section in set(data.getlist("section")) & typed.keys() - {saved} - shown.keys():
            if kept := _as_typed(*typed[section]()):
                shown[section] = kept
                unsaved.add(section)
        if saved and not unsaved:
            return HttpResponseRedirect(f"{reverse('home:profile')}#{saved}")
    feed = calendar_feed_of(user)
    return render(
        request,
        "home/profile.html",
        {
            "form": shown.get("account") or account(),
            "reminders_form": shown.get("reminders") or reminders(),
            "program_forms": [
                (p, shown.get(f"program-{p.program.slug}") or program(p)) for p in participations
            ],
            "question_forms": [(p, shown.get(f"questions-{p.program.slug}") or questions(p)) for p in asking],
            "unsaved": unsaved,
            # Refused or kept unsaved: static/js/profile.js asks before leaving.
            "typed_not_saved": bool(shown),
            "calendar_url": feed_url(feed) if feed else None,
        },
    )
