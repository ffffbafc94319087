"""The per-request reads written once per process (lib/fixedsql.py) give what the ORM gives,
and keep every session's security property: each request reads the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models import Model
from django.http import Http404
from django.test import Client
from django.utils import timezone

from xeploai.cycles.context import unread
from xeploai.cycles.models import Notice
from xeploai.lib.auth import read_user
from xeploai.lib.sessions import SessionStore
from xeploai.org import access
from xeploai.org.models import OrgUnit, Person, Role, RoleAssignment, UnitKind
from xeploai.org.selectors import breadcrumbs
from xeploai.testing import Cast, make_unit

HOSTILE = "Lê <b>\"Ánh\"</b> & 'Đạt' <script>"


def _values(instance: Model) -> dict[str, Any]:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def _same(ours: Model, theirs: Model) -> None:
    assert type(ours) is type(theirs)
    assert _values(ours) == _values(theirs)
    for name, value in _values(ours).items():  # the types too: 1 == True, "2026-…" ≠ datetime
        assert type(value) is type(_values(theirs)[name]), name
    assert ours._state.adding is False and ours._state.db == theirs._state.db


@pytest.mark.django_db
def test_the_user_read_is_the_orms_with_its_person(cast: Cast) -> None:
    user = get_user_model().objects.get(pk=cast.member.pk)
    user.first_name, user.last_login = HOSTILE, timezone.now()
    user.save()
    Person.objects.filter(pk=cast.member_a1.pk).update(full_name=HOSTILE)
    ours = read_user(cast.member.pk)
    theirs = get_user_model().objects.select_related("person").get(pk=cast.member.pk)
    _same(ours, theirs)
    _same(ours.person, theirs.person)
    assert ours.person.user is ours  # person.user cached, as select_related does


@pytest.mark.django_db(databases=["default"])
def test_a_user_without_a_person_has_none_cached_and_no_query(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    ours = read_user(cast.clerk.pk)
    _same(ours, get_user_model().objects.get(pk=cast.clerk.pk))
    with django_assert_num_queries(0), pytest.raises(Person.DoesNotExist):
        ours.person  # noqa: B018 — the relation was read with the user: no person
    assert read_user(10**9) is None


@pytest.mark.django_db
def test_the_roles_read_is_the_orms(cast: Cast) -> None:
    RoleAssignment.objects.create(user=cast.member, role=Role.CLERK, unit=cast.org_a)
    user = get_user_model().objects.get(pk=cast.member.pk)
    ours = access.assigned(user)
    theirs = sorted(
        ((a.role, a.unit) for a in RoleAssignment.objects.filter(user=user).select_related("unit")),
        key=lambda p: (p[1].path, p[0]),
    )
    assert [role for role, _unit in ours] == [role for role, _unit in theirs]
    for (_r, mine), (_s, orms) in zip(ours, theirs, strict=True):
        _same(mine, orms)


@pytest.mark.django_db
def test_the_unread_notices_read_is_the_orms(cast: Cast) -> None:
    now = timezone.now()
    for i in range(7):
        Notice.objects.create(
            user=cast.member,
            text=f"{HOSTILE} {i}",
            link=f"/x/{i}/?a=1&b=<2>",
            created_at=now - dt.timedelta(minutes=i),
            read_at=now if i == 1 else None,
        )
    Notice.objects.create(user=cast.clerk, text="not theirs", created_at=now)
    ours = unread(cast.member)
    theirs = list(Notice.objects.filter(user=cast.member, read_at__isnull=True)[:5])
    assert [n.pk for n in ours] == [n.pk for n in theirs] and len(ours) == 5
    for mine, orms in zip(ours, theirs, strict=True):
        _same(mine, orms)


def _logged_in(cast: Cast) -> tuple[Client, str]:
    client = Client()
    client.force_login(cast.member)
    return client, client.cookies["sessionid"].value


def _worker(cookie: str) -> Client:
    """Another browser tab or worker process holding the same cookie: nothing shared but it."""
    other = Client()
    other.cookies["sessionid"] = cookie
    return other


@pytest.mark.django_db
def test_a_logout_is_refused_by_every_worker_holding_the_cookie(cast: Cast) -> None:
    client, cookie = _logged_in(cast)
    other = _worker(cookie)
    assert other.get("/me/").status_code == 200
    client.post("/logout/")
    assert not Session.objects.filter(session_key=cookie).exists()
    refused = _worker(cookie).get("/me/")
    assert refused.status_code == 302 and refused["Location"].startswith("/login/")
    assert other.get("/me/").status_code == 302  # the tab that had read it before too


@pytest.mark.django_db
def test_an_expired_session_is_refused_and_its_key_dropped(cast: Cast) -> None:
    _client, cookie = _logged_in(cast)
    Session.objects.filter(session_key=cookie).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _worker(cookie).get("/me/").status_code == 302
    store = SessionStore(cookie)
    assert store.load() == {} and store.session_key is None


@pytest.mark.django_db
def test_a_deactivated_account_or_a_changed_password_ends_the_session(cast: Cast) -> None:
    _client, cookie = _logged_in(cast)
    get_user_model().objects.filter(pk=cast.member.pk).update(is_active=False)
    assert _worker(cookie).get("/me/").status_code == 302
    get_user_model().objects.filter(pk=cast.member.pk).update(is_active=True)
    assert _worker(cookie).get("/me/").status_code == 200
    user = get_user_model().objects.get(pk=cast.member.pk)
    user.set_password("another-password-1")
    user.save()
    assert _worker(cookie).get("/me/").status_code == 302  # the session's hash no longer holds


@pytest.mark.django_db
def test_a_role_taken_away_is_seen_by_the_next_request(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.clerk)
    assert client.get(f"/units/{cast.org_a.code}/").status_code == 200
    RoleAssignment.objects.filter(user=cast.clerk).delete()
    assert client.get(f"/units/{cast.org_a.code}/").status_code == 404


@pytest.mark.django_db
def test_a_new_notice_shows_on_the_next_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.member)
    assert "msg-warning" not in client.get("/me/").content.decode()
    Notice.objects.create(user=cast.member, text=HOSTILE, link="/me/", created_at=timezone.now())
    page = client.get("/me/").content.decode()
    assert "Lê &lt;b&gt;&quot;Ánh&quot;&lt;/b&gt; &amp; &#x27;Đạt&#x27; &lt;script&gt;" in page


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ROOT", "A1", "C"])
def test_the_unit_read_is_the_orms_with_its_parent(
    cast: Cast, code: str, django_assert_num_queries: Any
) -> None:
    OrgUnit.objects.filter(code="A").update(name=HOSTILE)
    ours = access.get_unit(cast.admin, code)
    theirs = OrgUnit.objects.filter(code=code).select_related("parent").get()
    _same(ours, theirs)
    with django_assert_num_queries(0):  # the parent was read with it, or is known to be none
        parent = ours.parent
    if theirs.parent is None or parent is None:
        assert parent is None and theirs.parent is None
    else:
        _same(parent, theirs.parent)
    with pytest.raises(Http404):
        access.get_unit(cast.outsider, code)  # outside the user's subtree: as if it did not exist
    with pytest.raises(Http404):
        access.get_unit(cast.admin, code + "X")


@pytest.mark.django_db
def test_a_global_administrators_screens_open_on_the_first_root(cast: Cast) -> None:
    make_unit(UnitKind.UPPER, code="AAA", name=HOSTILE)  # a second root, after ROOT by path
    theirs = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    ours = access.default_unit(cast.admin)
    assert ours is not None and theirs is not None and ours.code == "ROOT"
    _same(ours, theirs)


@pytest.mark.django_db
def test_the_breadcrumbs_read_is_the_orms(cast: Cast, django_assert_num_queries: Any) -> None:
    OrgUnit.objects.filter(code="A").update(name=HOSTILE)
    cell = OrgUnit.objects.get(code="A1")
    for visible_from in ("", cast.org_a.path, cell.path):
        paths = [p for p in cell.ancestor_paths() if p.startswith(visible_from)]
        theirs = list(OrgUnit.objects.filter(path__in=paths).order_by("path"))
        ours = breadcrumbs(cell, visible_from)
        assert [u.code for u in ours] == [u.code for u in theirs]
        for mine, orms in zip(ours, theirs, strict=True):
            _same(mine, orms)
    assert [u.code for u in breadcrumbs(cell)] == ["ROOT", "A"]
    root = OrgUnit.objects.get(code="ROOT")
    with django_assert_num_queries(0):  # the root has no ancestors: nothing is asked
        assert breadcrumbs(root) == []
