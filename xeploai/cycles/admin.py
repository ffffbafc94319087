from django.contrib import admin

from xeploai.cycles.models import Deadline, Period
from xeploai.org.admin import AuditedAdmin


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
    list_display = ["name", "year", "kind", "ruleset", "scope_root", "status"]
    list_filter = ["kind", "ruleset", "status"]
    autocomplete_fields = ["scope_root"]
    inlines = [DeadlineInline]
