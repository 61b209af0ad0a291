"""My profile: my account (name, time zone), my reminder settings, my calendar
link and my profile in each program I am in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.forms import ProfileForm
from accounts.services import user_update_profile
from mentoring.http import HtmxHttpRequest
from partnerships.calendar import feed_url
from partnerships.selectors.calendar import calendar_feed_of
from programs.forms import ParticipantProfileForm
from programs.selectors.people import participations_of
from programs.services.profiles import participant_update_profile
from reminders.forms import ReminderPreferencesForm
from reminders.selectors import reachable_kinds, wanted_kinds
from reminders.services.preferences import reminder_preferences_set


@login_required
def profile(request: HtmxHttpRequest):
    """My account (name, time zone), my reminder settings and my profile in each
    program I am in. Each is its own form; a rejected one keeps what was typed,
    the others are untouched."""
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
                messages.success(request, "Your profile is saved.")
                return redirect("home:profile")
        elif which == "reminders":
            reminders_form = ReminderPreferencesForm(request.POST, prefix="reminders", offered=offered)
            if reminders_form.is_valid():
                wanted = reminders_form.wanted(wanted_kinds(request.user))
                reminder_preferences_set(user=request.user, wanted=wanted)
                messages.success(request, "Your reminder settings are saved.")
                return redirect(f"{request.path}#reminders")
        else:
            for i, (participant, _) in enumerate(program_forms):
                if which != str(participant.pk):
                    continue
                form = ParticipantProfileForm(request.POST, instance=participant, prefix=f"p{participant.pk}")
                if form.is_valid():
                    participant_update_profile(participant=participant, data=dict(form.cleaned_data))
                    messages.success(request, f"Your profile in {participant.program.name} is saved.")
                    return redirect(f"{request.path}#program-{participant.program.slug}")
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
