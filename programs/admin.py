from django import forms
from django.contrib import admin

from mentoring.admin import SiteModelAdmin

from .forms import MatchingSettingsForm
from .models import DraftMatch, Invitation, Participant, Program, Topic


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 1


class ProgramAdminForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = "__all__"  # noqa: DJ007 - the site admin edits every field of a program

    def clean_match_weights(self):
        """The same rule as the matching board's weights form (one rule, two doors)."""
        weights = self.cleaned_data["match_weights"]
        if errors := MatchingSettingsForm.stored_weights_errors(weights):
            raise forms.ValidationError(errors)
        return weights


@admin.register(Program)
class ProgramAdmin(SiteModelAdmin):
    form = ProgramAdminForm
    list_display = ["name", "slug", "starts_on", "ends_on"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["admins"]
    inlines = [TopicInline]


@admin.register(Participant)
class ParticipantAdmin(SiteModelAdmin):
    list_display = ["user", "program", "role", "status", "capacity"]
    list_filter = ["program", "role", "status"]
    list_select_related = ["user", "program"]
    search_fields = ["user__email", "user__display_name"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(SiteModelAdmin):
    list_display = [
        "email",
        "name",
        "program",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["program", "role"]
    list_select_related = ["program"]
    search_fields = ["email", "name"]
    readonly_fields = ["token_hash"]
    raw_id_fields = ["invited_by", "accepted_by"]


@admin.register(DraftMatch)
class DraftMatchAdmin(SiteModelAdmin):
    list_display = ["protege", "mentor", "program", "score"]
    list_select_related = ["program", "protege__user", "mentor__user", "protege__program", "mentor__program"]
    raw_id_fields = ["protege", "mentor"]
