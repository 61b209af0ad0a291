from django.contrib import admin

from mentoring.admin import SiteModelAdmin

from .models import Partnership

# Agreements, call notes and goals are deliberately not in the site admin:
# what a pair writes stays between the pair.


@admin.register(Partnership)
class PartnershipAdmin(SiteModelAdmin):
    list_display = ["__str__", "program", "status", "started_on"]
    list_filter = ["program", "status"]
    list_select_related = ["program", "mentor__user", "protege__user"]
    raw_id_fields = ["mentor", "protege", "matched_by"]
