"""Surveys in the site administration, with their questions. Responses and
answers are private and never listed here."""

from django.contrib import admin

from mentoring.admin import SiteModelAdmin

from .models import Survey, SurveyQuestion


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ["position", "kind", "text", "choices", "required"]


@admin.register(Survey)
class SurveyAdmin(SiteModelAdmin):
    list_display = ["title", "program", "kind", "audience", "opened_on", "paused_at"]
    list_filter = ["kind", "audience"]
    list_select_related = ["program"]
    search_fields = ["title", "program__name"]
    raw_id_fields = ["program", "created_by"]
    inlines = [SurveyQuestionInline]
