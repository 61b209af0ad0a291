"""My profile, in sections that each save on their own: my account (name,
time zone), my profile in each program I am in, my reminder settings and my
calendar link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.forms import ProfileForm
from accounts.services import user_update_profile
from mentoring.http import HtmxHttpRequest
from partnerships.calendar import calendar_feed_reset, feed_url
from partnerships.selectors.calendar import calendar_feed_of
from programs.forms import ParticipantProfileForm
from programs.selectors.people import participations_of
from programs.services.profiles import participant_update_profile
from reminders.forms import ReminderPreferencesForm
from reminders.selectors import reachable_kinds, wanted_kinds
from reminders.services.preferences import reminder_preferences_set


def _saved(request: HtmxHttpRequest, section: str, text: str) -> HttpResponseRedirect:
    """Back to the section that was saved, which says so itself (its message
    carries the section's id, and base.html leaves it to the section)."""
    messages.success(request, text, extra_tags=f"section:{section}")
    return HttpResponseRedirect(f"{reverse('home:profile')}#{section}")


@login_required
def profile(request: HtmxHttpRequest):
    """Each section is its own form, posted here with a hidden ``form`` naming
    it: ``account``, ``reminders``, ``calendar`` or a participant's id. A
    rejected section keeps what was typed and shows its errors beside its
    fields; the other sections show what is saved."""
    participations = participations_of(request.user)
    account_form = ProfileForm(instance=request.user)
    offered = reachable_kinds(request.user)
    reminders_form = ReminderPreferencesForm(
        initial={"kinds": wanted_kinds(request.user)}, prefix="reminders", offered=offered
    )
    program_forms = [(p, ParticipantProfileForm(instance=p, prefix=f"p{p.pk}")) for p in participations]

    if request.method == "POST":
        which = request.POST.get("form")
        if which == "account":
            account_form = ProfileForm(request.POST, instance=request.user)
            if account_form.is_valid():
                user_update_profile(user=request.user, **account_form.cleaned_data)
                return _saved(request, "account", _("Your profile is saved."))
        elif which == "reminders":
            reminders_form = ReminderPreferencesForm(request.POST, prefix="reminders", offered=offered)
            if reminders_form.is_valid():
                wanted = reminders_form.wanted(wanted_kinds(request.user))
                reminder_preferences_set(user=request.user, wanted=wanted)
                return _saved(request, "reminders", _("Your reminder settings are saved."))
        elif which == "calendar":
            had_one = calendar_feed_of(request.user) is not None
            calendar_feed_reset(user=request.user)
            if had_one:
                text = _("Your calendar link is new. The old link no longer works: subscribe with this one.")
            else:
                text = _("Your calendar link is ready. Add it to your calendar app as a subscription.")
            return _saved(request, "calendar", text)
        else:
            for i, (participant, _form) in enumerate(program_forms):
                if which != str(participant.pk):
                    continue
                form = ParticipantProfileForm(request.POST, instance=participant, prefix=f"p{participant.pk}")
                if form.is_valid():
                    participant_update_profile(participant=participant, data=dict(form.cleaned_data))
                    return _saved(
                        request,
                        f"program-{participant.program.slug}",
                        _("Your profile in %(program)s is saved.") % {"program": participant.program.name},
                    )
                program_forms[i] = (participant, form)
    feed = calendar_feed_of(request.user)
    return render(
        request,
        "home/profile.html",
        {
            "form": account_form,
            "reminders_form": reminders_form,
            "program_forms": program_forms,
            "calendar_url": feed_url(feed) if feed else None,
        },
    )
