from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from mentoring.admin import SiteModelAdmin

from .models import Reminder, ReminderOptOut


@admin.register(Reminder)
class ReminderAdmin(SiteModelAdmin):
    """Failed reminders, and those perhaps sent (unknown), are the ones to look at: filter by state."""

    list_display = ["kind", "recipient", "partnership", "due_at", "send_at", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient__email", "last_error"]
    list_select_related = ["recipient", "partnership__mentor__user", "partnership__protege__user"]
    raw_id_fields = ["recipient", "partnership"]
    readonly_fields = ["created_at", "enqueued_at", "claimed_at", "sent_at", "attempts", "last_error"]
    date_hierarchy = "send_at"
    actions = ["send_again"]

    @admin.action(description=gettext_lazy("Send again (failed, or perhaps sent)"))
    def send_again(self, request, queryset):
        """A person's decision, never the worker's: a reminder whose outcome is
        unknown may already have arrived. Back to pending with all its tries;
        the next scan enqueues it, and sending checks it is still due."""
        count = queryset.filter(state__in=[Reminder.State.FAILED, Reminder.State.UNKNOWN]).update(
            state=Reminder.State.PENDING,
            attempts=0,
            enqueued_at=None,
            claimed_at=None,
            send_at=timezone.now(),
        )
        self.message_user(
            request,
            ngettext("%d reminder will be sent again.", "%d reminders will be sent again.", count) % count,
        )


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(SiteModelAdmin):
    list_display = ["user", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
