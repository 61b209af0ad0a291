from django.contrib import admin

from .models import Reminder, ReminderOptOut


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Failed reminders are the ones to look at: filter by state."""

    list_display = ["kind", "recipient", "partnership", "due_at", "send_at", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient__email", "last_error"]
    list_select_related = ["recipient", "partnership__mentor__user", "partnership__protege__user"]
    raw_id_fields = ["recipient", "partnership"]
    readonly_fields = ["created_at", "enqueued_at", "claimed_at", "sent_at", "attempts", "last_error"]
    date_hierarchy = "send_at"


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
