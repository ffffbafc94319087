import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from xeploai.lib.text import fold
from xeploai.org import views
from xeploai.org.models import UnitKind
from xeploai.testing import Cast, make_person, make_unit

pytestmark = pytest.mark.django_db


def test_the_unit_page_shows_breadcrumbs_and_counts(client: Client, cast: Cast) -> None:
    make_person(cast.cell_a2)
    client.force_login(cast.upper_board)
    response = client.get(reverse("unit_detail", args=[cast.org_a.code]))
    assert response.status_code == 200
    overview = response.context["o"]
    assert [u.code for u in overview.breadcrumbs] == ["ROOT"]
    assert overview.totals.cells == 2
    assert overview.totals.present == 2
    counts = {child.code: c.present for child, c in overview.children}
    assert counts == {"A1": 1, "A2": 1}
    assert "Đảng bộ Khối thử" in response.content.decode()


def test_breadcrumbs_start_at_the_users_own_scope(client: Client, cast: Cast) -> None:
    client.force_login(cast.clerk)
    response = client.get(reverse("unit_detail", args=[cast.cell_a1.code]))
    assert [u.code for u in response.context["o"].breadcrumbs] == ["A"]


def test_the_unit_page_uses_a_constant_number_of_queries(
    client: Client, cast: Cast, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(cast.upper_board)
    url = reverse("unit_detail", args=[cast.root.code])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for _ in range(6):
        org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root)
        for _ in range(3):
            cell = make_unit(UnitKind.CELL, org)
            make_person(cell)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_person_search_finds_by_name_card_and_citizen_id_within_scope(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.clerk)
    url = reverse("person_search")
    assert cast.member_a1.party_card_number and cast.member_b1.party_card_number
    assert [p.pk for p in client.get(url, {"q": "tran thi"}).context["page"]] == [cast.member_a1.pk]
    assert (
        client.get(url, {"q": cast.member_b1.party_card_number}).context["page"].paginator.count
        == 0
    )
    by_card = client.get(url, {"q": cast.member_a1.party_card_number}).context["page"]
    assert [p.pk for p in by_card] == [cast.member_a1.pk]


def test_person_search_counts_only_up_to_a_cap_and_sorts_matches_by_name(
    client: Client, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("Trần Văn Cường", "Trần Thị An", "Trần Bình"):
        make_person(cast.cell_a1, full_name=name)
    client.force_login(cast.clerk)
    url = reverse("person_search")
    found = client.get(url, {"q": "tran"})
    names = [p.full_name for p in found.context["page"]]
    assert names == sorted(names, key=fold) and len(names) == 4
    assert "4 kết quả" in found.content.decode()
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    capped = client.get(url, {"q": "tran"})
    assert capped.context["page"].paginator.count == 3  # the cap plus one: "more than"
    assert "Hơn 2 kết quả" in capped.content.decode()


def test_person_search_answers_htmx_with_the_results_fragment_only(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.clerk)
    response = client.get(reverse("person_search"), {"q": "lan"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body


def test_vietnamese_by_default_and_english_on_request(client: Client, cast: Cast) -> None:
    client.force_login(cast.clerk)
    url = reverse("person_search")
    assert "Tìm đảng viên" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Find a member" in client.get(url).content.decode()
