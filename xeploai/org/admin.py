"""Back office for administrators: Vietnamese labels come from the models' verbose names.

Saves go through the services so that paths, memberships and the audit trail stay right.
"""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from xeploai.audit.services import audit_record, snapshot
from xeploai.lib.text import validate_name
from xeploai.org import services
from xeploai.org.counts import member_count_move, member_counts_rebuild
from xeploai.org.models import (
    CivilServiceRating,
    Discipline,
    Membership,
    OrgUnit,
    Person,
    Position,
    RoleAssignment,
)


class CheckedNamesAdmin(admin.ModelAdmin[Any]):
    """The name fields refuse what the imports refuse (``lib.text.text_refusal``): a name that
    begins like a spreadsheet formula or holds an invisible or look-alike character."""

    checked_names: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.checked_names:
            field.validators.append(validate_name)
        return field


@admin.register(OrgUnit)
class OrgUnitAdmin(CheckedNamesAdmin):
    checked_names = ("name",)
    list_display = ["code", "name", "kind", "org_type", "parent", "established", "dissolved"]
    list_filter = ["kind", "org_type"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        fields = {name: getattr(obj, name) for name in services.UNIT_FIELDS}
        if not change:
            created = services.unit_create(actor=request.user, parent=obj.parent, **fields)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        if "parent" in form.changed_data:
            services.unit_move(actor=request.user, unit=obj, new_parent=obj.parent)
        services.unit_update(actor=request.user, unit=obj, **fields)
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():  # a deleted cell leaves its ancestors' counts
            super().delete_model(request, obj)
            member_counts_rebuild()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            member_counts_rebuild()


class AuditedAdmin(CheckedNamesAdmin):
    """Plain back-office records: saved as they are, with an audit event each time."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"admin_{'update' if change else 'create'}",
            obj=obj,
            before=before,
            after=snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = snapshot(obj)
        audit_record(actor=request.user, action="admin_delete", obj=obj, before=before)
        super().delete_model(request, obj)


class MembershipInline(admin.TabularInline[Membership, Person]):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


class PositionInline(admin.TabularInline[Position, Person]):
    model = Position
    extra = 0
    exclude = ["unit"]


class DisciplineInline(admin.TabularInline[Discipline, Person]):
    model = Discipline
    extra = 0
    exclude = ["violation_unit", "note"]


class CivilServiceRatingInline(admin.TabularInline[CivilServiceRating, Person]):
    model = CivilServiceRating
    extra = 0


def _count_key(person: Person) -> tuple[str, str]:
    return (OrgUnit.objects.values_list("path", flat=True).get(pk=person.unit_id), person.status)


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    """Saved as it is (the unit and status fields are the back office's correction tool), with
    the member counts moved in the same transaction (the admin wraps each save in one)."""

    checked_names = ("full_name",)
    list_display = ["full_name", "date_of_birth", "party_card_number", "unit", "status"]
    list_filter = ["status", "gender", "is_civil_servant"]
    search_fields = ["full_name", "name_folded", "party_card_number", "citizen_id"]
    autocomplete_fields = ["unit", "user"]
    inlines = [MembershipInline, PositionInline, DisciplineInline, CivilServiceRatingInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            old = _count_key(Person.objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            member_count_move(old=old, new=_count_key(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            old = _count_key(obj)
            super().delete_model(request, obj)
            member_count_move(old=old, new=None)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            member_counts_rebuild()


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["person", "unit", "kind", "start", "end"]
    list_filter = ["kind"]
    autocomplete_fields = ["person", "unit"]
    search_fields = ["person__full_name", "unit__name"]


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ["person", "title", "group", "is_head", "appointed", "ended"]
    list_filter = ["group", "is_head"]
    autocomplete_fields = ["person", "unit"]
    search_fields = ["person__full_name", "title"]


@admin.register(Discipline)
class DisciplineAdmin(AuditedAdmin):
    list_display = ["person", "form", "decision_date", "related_to_public_duty"]
    list_filter = ["form"]
    autocomplete_fields = ["person", "violation_unit"]
    search_fields = ["person__full_name"]


@admin.register(CivilServiceRating)
class CivilServiceRatingAdmin(AuditedAdmin):
    list_display = ["person", "year", "level", "points", "agency"]
    list_filter = ["year", "level"]
    autocomplete_fields = ["person"]
    search_fields = ["person__full_name"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "unit"]
    search_fields = ["user__username", "unit__name", "unit__code"]
