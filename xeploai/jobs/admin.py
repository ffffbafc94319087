from django.contrib import admin

from xeploai.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "status", "input_name", "created_by", "created_at", "finished_at")
    list_filter = ("status", "kind")
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False
