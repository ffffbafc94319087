"""Who may see and do what: every object fetch in a view goes through here.

A role assignment on a unit covers that unit's whole subtree. Outside it, objects do not exist
for the user (404); inside it, a user who may only read gets 403 on actions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xeploai.lib.fixedsql import Columns, Statement
from xeploai.org.models import READER_ROLES, OrgUnit, Person, Role, RoleAssignment

_CACHE = "_xeploai_assignments"
_UNITS = "_xeploai_assigned_units"


def _assignments(user: Any) -> list[tuple[str, str]]:
    """(role, unit path) pairs of the user, read once per request (with the units, which
    ``default_unit`` then needs not read again)."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        units: dict[str, OrgUnit] = {}
        cached = []
        if getattr(user, "is_authenticated", False):
            for role, unit in _role_read()(user.pk):
                units[unit.path] = unit
                cached.append((role, unit.path))
        setattr(user, _CACHE, cached)
        setattr(user, _UNITS, units)
    return cached


class _RoleRead:
    """``RoleAssignment.objects.filter(user=…).select_related("unit")`` as one statement written
    once per process (``xeploai.lib.fixedsql``): every page reads the user's roles."""

    def __init__(self) -> None:
        self.assignment = Columns(RoleAssignment, "ra")
        self.unit = Columns(OrgUnit, "u")
        self.role_index = self.assignment.names.index("role")
        self.statement = Statement(RoleAssignment, self._build)

    def _build(self, connection: Any) -> str:
        return (
            f"SELECT {self.assignment.sql(connection)}, {self.unit.sql(connection)} "  # noqa: S608 — names
            f"FROM {self.assignment.table(connection)} INNER JOIN {self.unit.table(connection)} "
            f"ON {self.assignment.column(connection, 'unit')} = {self.unit.column(connection, 'id')} "
            f"WHERE {self.assignment.column(connection, 'user')} = %s"
        )

    def __call__(self, user_pk: Any) -> list[tuple[str, OrgUnit]]:
        connection, rows = self.statement.rows([user_pk])
        width = len(self.assignment)
        return [(row[self.role_index], self.unit.instance(connection, row[width:])) for row in rows]


@functools.cache
def _role_read() -> _RoleRead:
    return _RoleRead()


class _UnitRead:
    """``OrgUnit.objects.filter(code=…).select_related("parent").first()`` (the code is unique)
    as one statement written once per process: every unit's page opens with it."""

    def __init__(self) -> None:
        self.unit = Columns(OrgUnit, "u")
        self.parent = Columns(OrgUnit, "p")
        self.parent_id = self.unit.names.index("parent_id")
        self.statement = Statement(OrgUnit, self._build)

    def _build(self, connection: Any) -> str:
        return (
            f"SELECT {self.unit.sql(connection)}, {self.parent.sql(connection)} "  # noqa: S608 — names
            f"FROM {self.unit.table(connection)} LEFT OUTER JOIN {self.parent.table(connection)} "
            f"ON {self.unit.column(connection, 'parent')} = {self.parent.column(connection, 'id')} "
            f"WHERE {self.unit.column(connection, 'code')} = %s"
        )

    def __call__(self, code: str) -> OrgUnit | None:
        connection, rows = self.statement.rows([code])
        if not rows:
            return None
        row, width = rows[0], len(self.unit)
        unit: OrgUnit = self.unit.instance(connection, row[:width])
        parent = None
        if row[self.parent_id] is not None:
            parent = self.parent.instance(connection, row[width:])
        OrgUnit._meta.get_field("parent").set_cached_value(unit, parent)
        return unit


@functools.cache
def _unit_read() -> _UnitRead:
    return _UnitRead()


class _RootRead:
    """``OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()``: where a global
    administrator's screens open, read on every page's navigation, as one fixed statement."""

    def __init__(self) -> None:
        self.unit = Columns(OrgUnit, "u")
        self.statement = Statement(OrgUnit, self._build)

    def _build(self, connection: Any) -> str:
        column = functools.partial(self.unit.column, connection)
        return (
            f"SELECT {self.unit.sql(connection)} FROM {self.unit.table(connection)} "  # noqa: S608
            f"WHERE {column('parent')} IS NULL ORDER BY {column('path')} ASC LIMIT 1"
        )

    def __call__(self) -> OrgUnit | None:
        connection, rows = self.statement.rows([])
        return self.unit.instance(connection, rows[0]) if rows else None


@functools.cache
def _root_read() -> _RootRead:
    return _RootRead()


def assigned(user: Any) -> list[tuple[str, OrgUnit]]:
    """(role, unit) of each of the user's assignments, by the unit's path then the role —
    from the per-request read above (the home page's sections need no statement of their
    own)."""
    pairs = _assignments(user)
    units: dict[str, OrgUnit] = getattr(user, _UNITS)
    return sorted(((role, units[path]) for role, path in pairs), key=lambda p: (p[1].path, p[0]))


def forget(user: Any) -> None:
    """Drop the per-request cache (after role changes in the same request or test)."""
    for name in (_CACHE, _UNITS):
        if hasattr(user, name):
            delattr(user, name)


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop every path already covered by a shorter one."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def is_global_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def scope_paths(user: Any, roles: Iterable[str] = READER_ROLES) -> list[str]:
    """Roots of the subtrees where ``user`` holds one of ``roles``; [""] means everything."""
    if is_global_admin(user):
        return [""]
    wanted = set(roles)
    return _minimal(path for role, path in _assignments(user) if role in wanted)


def roles_at(user: Any, unit: OrgUnit) -> set[str]:
    """The roles ``user`` holds over ``unit`` (on it or on one of its ancestors)."""
    if is_global_admin(user):
        return {Role.ADMIN}
    return {role for role, path in _assignments(user) if unit.path.startswith(path)}


def can_read_unit(user: Any, unit: OrgUnit) -> bool:
    return any(unit.path.startswith(path) for path in scope_paths(user))


def visible_units(user: Any) -> Any:
    return OrgUnit.objects.in_any_subtree(scope_paths(user))


def visible_people(user: Any) -> Any:
    return Person.objects.in_any_subtree(scope_paths(user))


def get_unit(user: Any, code: str) -> OrgUnit:
    """The unit with ``code`` if the user may read it, else 404 (never 403: no existence leak)."""
    unit = _unit_read()(code)
    if unit is None or not can_read_unit(user, unit):
        raise Http404
    return unit


def get_person(user: Any, pk: int) -> Person:
    """A person the user may read: anyone in their subtree, or themselves. Else 404."""
    person = Person.objects.filter(pk=pk).select_related("unit").first()
    if person is None:
        raise Http404
    if person.user_id is not None and person.user_id == getattr(user, "pk", None):
        return person
    if not can_read_unit(user, person.unit):
        raise Http404
    return person


def require_role(user: Any, unit: OrgUnit, roles: Iterable[str]) -> None:
    """403 unless the user holds one of ``roles`` over ``unit`` (call after a scoped fetch)."""
    held = roles_at(user, unit)
    if Role.ADMIN in held or held & set(roles):
        return
    raise PermissionDenied


def default_unit(user: Any) -> OrgUnit | None:
    """Where the user's screens open: the highest unit of their widest reading role."""
    paths = scope_paths(user)
    if not paths:
        return None
    if paths == [""]:
        return _root_read()()
    assigned: dict[str, OrgUnit] = getattr(user, _UNITS, {})
    unit = assigned.get(paths[0])  # read with the roles (``scope_paths`` keeps their paths)
    return unit if unit is not None else OrgUnit.objects.filter(path=paths[0]).first()
