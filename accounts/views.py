from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse

from mentoring.http import HtmxHttpRequest
from partnerships.selectors import home_for

from .forms import ProfileForm
from .services import user_update_profile


@login_required
def home(request: HtmxHttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "accounts/home.html", home_for(request.user))


@login_required
def profile(request: HtmxHttpRequest):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})
