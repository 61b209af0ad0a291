from django.contrib import admin

from .models import Participant, Partnership, Program, Topic


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 1


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "starts_on", "ends_on"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["admins"]
    inlines = [TopicInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "status", "capacity"]
    list_filter = ["program", "role", "status"]
    list_select_related = ["user", "program"]
    search_fields = ["user__email", "user__display_name"]
    raw_id_fields = ["user"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "program", "status", "started_on"]
    list_filter = ["program", "status"]
    list_select_related = ["program", "mentor__user", "protege__user"]
    raw_id_fields = ["mentor", "protege", "matched_by"]
