from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xeploai.cycles.models import Deadline, Period
from xeploai.org.admin import AuditedAdmin
from xeploai.reviews.periods import period_open


class DeadlineInline(admin.TabularInline[Deadline, Period]):
    model = Deadline
    extra = 0


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
    list_display = ["name", "year", "kind", "ruleset", "scope_root", "status"]
    list_filter = ["kind", "ruleset", "status"]
    autocomplete_fields = ["scope_root"]
    inlines = [DeadlineInline]
    actions = ["open_periods"]

    @admin.action(
        description=gettext_lazy("Mở đợt: tạo hồ sơ đánh giá cho mọi đối tượng trong phạm vi")
    )
    def open_periods(self, request: HttpRequest, queryset: QuerySet[Period]) -> None:
        for period in queryset:
            try:
                created = period_open(actor=request.user, period=period)
            except ValidationError as error:
                self.message_user(request, f"{period}: {' '.join(error.messages)}", messages.ERROR)
                continue
            self.message_user(
                request,
                _("{period}: đã tạo {n} hồ sơ đánh giá.").format(period=period, n=created),
                messages.SUCCESS,
            )
