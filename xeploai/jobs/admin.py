from django.contrib import admin
from django.http import HttpRequest

from xeploai.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ("pk", "kind", "status", "input_name", "created_by", "created_at", "finished_at")
    list_filter = ("status", "kind")
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False
