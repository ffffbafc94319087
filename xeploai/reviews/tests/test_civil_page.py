"""Civil-service ratings have a workflow (issue 15 §3): the clerk enters the agency's rating on
the unit's page or the round page (htmx, row by row), beside the level the member declared; the
rule that the party rating follows it is shown with its clause, and a decision refused for it
says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent
from xeploai.org.models import CivilServiceRating, Person
from xeploai.org.services import civil_rating_set, person_update
from xeploai.reviews import services
from xeploai.reviews.models import CommentSource, Evaluation, Stage
from xeploai.testing import Cast, Round, make_person, make_round

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
RULE = (
    "Đảng viên là cán bộ, công chức, viên chức: phải có kết quả xếp loại công chức trước khi "
    "xếp loại đảng viên (QĐ 366 Đ.3 k.4)"
)


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    person_update(actor=None, person=cast.member_a1, is_civil_servant=True)
    return round_


def fresh(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.get(pk=evaluation.pk)


def declare(evaluation: Evaluation, civil_level: str) -> None:
    Evaluation.objects.filter(pk=evaluation.pk).update(
        content={"civil_level": civil_level, "self_level": civil_level}
    )


def form_data(evaluation: Evaluation, **values: str) -> dict[str, str]:
    return {f"c{evaluation.pk}-{name}": value for name, value in values.items()}


def test_the_page_lists_civil_servants_with_their_declared_level_and_the_rule(
    client: Client, cast: Cast, round_: Round
) -> None:
    declare(round_.evaluation, "HTTNV")
    client.force_login(cast.clerk)
    page = client.get(reverse("civil_ratings", args=[cast.cell_a1.code])).content.decode()
    assert "Trần Thị Lan" in page and "Phạm Văn Hai" not in page  # only civil servants
    assert RULE in page
    assert "Nghị định 335/2025/NĐ-CP" in page  # the scale of 2026
    assert "0/1 đảng viên là CBCCVC đã có kết quả xếp loại CBCCVC" in page
    assert "chưa có — chưa xếp loại đảng viên được" in page
    # the declared level is a suggestion beside the entry, not a value already chosen
    assert 'data-value="HTTNV"' in page and "Gợi ý: mức tự nhận HTTNV" in page
    assert '<option value="HTTNV" selected>' not in page


def test_the_clerk_enters_a_rating_inline_and_only_the_row_comes_back(
    client: Client, cast: Cast, round_: Round
) -> None:
    e = round_.evaluation
    client.force_login(cast.clerk)
    response = client.post(
        reverse("civil_rating_save", args=[e.pk]),
        form_data(e, level="HTTNV", points="86.5", agency="Sở Tài chính", rated_on="2026-11-20"),
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<tr id="civil-{e.pk}"') and "<html" not in html
    assert "Đã ghi" in html and "86,5" in html and "Sở Tài chính" in html
    rating = CivilServiceRating.objects.get(person=cast.member_a1, year=2026)
    assert (rating.level, rating.points, rating.rated_on) == (
        "HTTNV",
        Decimal("86.5"),
        dt.date(2026, 11, 20),
    )
    event = AuditEvent.objects.get(action="civil_rating_set")
    assert event.actor_id == cast.clerk.pk
    # The panel's counter reloads itself on this event (_civil_panel.html).
    assert response.headers["HX-Trigger"] == "civilSaved"


def test_a_refused_rating_leaves_the_counter_alone_and_the_page_names_it(
    client: Client, cast: Cast, round_: Round
) -> None:
    e = round_.evaluation
    client.force_login(cast.clerk)
    refused = client.post(
        reverse("civil_rating_save", args=[e.pk]),
        form_data(e, level="HTXSNV", points="89"),
        headers=HTMX,
    )
    assert "HX-Trigger" not in refused.headers
    page = client.get(reverse("civil_ratings", args=[cast.cell_a1.code])).content.decode()
    assert 'id="civil-count"' in page and 'hx-trigger="civilSaved from:body"' in page
    assert "0/1 đảng viên là CBCCVC đã có kết quả" in page


def test_a_rating_above_its_points_comes_back_with_the_decree_and_is_not_written(
    client: Client, cast: Cast, round_: Round
) -> None:
    e = round_.evaluation
    client.force_login(cast.clerk)
    html = client.post(
        reverse("civil_rating_save", args=[e.pk]),
        form_data(e, level="HTXSNV", points="89"),
        headers=HTMX,
    ).content.decode()
    assert "89 điểm chỉ đạt mức HTTNV: không xếp loại HTXSNV (NĐ 335/2025/NĐ-CP)" in html
    assert not CivilServiceRating.objects.exists()


def test_without_htmx_the_form_returns_to_the_page_it_was_on(
    client: Client, cast: Cast, round_: Round
) -> None:
    e = round_.evaluation
    client.force_login(cast.committee)
    back = reverse("round_page", args=[cast.cell_a1.code])
    response = client.post(
        reverse("civil_rating_save", args=[e.pk]), {**form_data(e, level="HTNV"), "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert CivilServiceRating.objects.get(person=cast.member_a1).level == "HTNV"
    bad = client.post(
        reverse("civil_rating_save", args=[e.pk]), {**form_data(e, level=""), "next": back}
    )
    assert bad.status_code == 302
    page = client.get(back).content.decode()
    assert "Trần Thị Lan: " in page  # the error, named


def test_the_secretary_reads_the_ratings_but_may_not_enter_them(
    client: Client, cast: Cast, round_: Round
) -> None:
    e = round_.evaluation
    client.force_login(cast.secretary)
    page = client.get(reverse("civil_ratings", args=[cast.cell_a1.code])).content.decode()
    assert "Trần Thị Lan" in page and "civil-form" not in page
    response = client.post(reverse("civil_rating_save", args=[e.pk]), form_data(e, level="HTNV"))
    assert response.status_code == 403
    assert not CivilServiceRating.objects.exists()


def test_the_round_page_carries_the_entry_and_the_board_links_to_it(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.clerk)
    page = client.get(reverse("round_page", args=[cast.cell_a1.code])).content.decode()
    assert RULE in page and f'id="civil-{round_.evaluation.pk}"' in page
    assert 'class="civil-form"' in page
    board = client.get(reverse("board", args=[cast.org_a.code])).content.decode()
    assert "Xếp loại CBCCVC: 0/1 đảng viên đã có" in board
    assert reverse("civil_ratings", args=[cast.org_a.code]) in board
    # a cell without civil servants shows no panel
    other = client.get(reverse("round_page", args=[cast.cell_a2.code])).content.decode()
    assert 'id="civil"' not in other
    # nor does a grassroots organization's own round page: its board links to the list
    grassroots = client.get(reverse("round_page", args=[cast.org_a.code])).content.decode()
    assert 'id="civil"' not in grassroots


def test_a_party_rating_above_the_civil_rating_is_flagged_with_the_basis_rule(
    client: Client, cast: Cast, round_: Round
) -> None:
    civil_rating_set(actor=None, person=cast.member_a1, year=2026, level="HTNV")
    Evaluation.objects.filter(pk=round_.evaluation.pk).update(cell_level="HTTNV")
    client.force_login(cast.clerk)
    page = client.get(reverse("civil_ratings", args=[cast.cell_a1.code])).content.decode()
    assert (
        "Xếp loại cán bộ, công chức, viên chức (HTNV) là cơ sở; xếp loại đảng viên cao hơn cần "
        "giải trình (QĐ 366 Đ.3 k.4)"
    ) in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_one_or_many_civil_servants(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.clerk)
    url = reverse("civil_ratings", args=[cast.org_a.code])
    one = _queries(client, url)
    people: list[Person] = [
        make_person(cast.cell_a2, is_civil_servant=True, full_name=f"Công Chức {i}")
        for i in range(6)
    ]
    for person in people[:3]:
        civil_rating_set(actor=None, person=person, year=2026, level="HTTNV")
    _add_evaluations(round_, people)
    assert _queries(client, url) == one


def _add_evaluations(round_: Round, people: list[Person]) -> None:
    template: dict[str, Any] = {
        f.attname: getattr(round_.evaluation, f.attname)
        for f in Evaluation._meta.concrete_fields
        if f.attname not in ("id", "person_id", "unit_id", "content")
    }
    for person in people:
        Evaluation.objects.create(**{**template, "person_id": person.pk, "unit_id": person.unit_id})


def test_a_decision_refused_for_the_missing_rating_names_the_clause_then_passes(
    cast: Cast, round_: Round
) -> None:
    e = round_.evaluation
    services.review_submit(
        actor=cast.member,
        evaluation=e,
        content={
            "form": "2B-2025",
            "sections": {"qualities": {"text": "Tốt"}},
            "shortcomings": ["Chậm"],
            "score_common": 27,
            "score_tasks": 63,
            "tasks_total": 10,
            "tasks_done": 10,
            "tasks_exceeded": 2,
            "tasks_late": 0,
            "self_level": "HTTNV",
            "civil_level": "HTTNV",
        },
        expected_version=fresh(e).version,
    )
    services.comment_record(
        actor=cast.secretary,
        evaluation=fresh(e),
        source=CommentSource.RESIDENCE,
        text="Tốt",
        received_on=dt.date(2026, 11, 20),
    )
    services.proposal_record(
        actor=cast.secretary, evaluation=fresh(e), level="HTTNV", expected_version=fresh(e).version
    )
    services.file_send(actor=cast.secretary, unit=cast.cell_a1, evaluations=[fresh(e)])

    def decide() -> Evaluation:
        return services.decision_record(
            actor=cast.clerk,
            evaluation=fresh(e),
            expected_version=fresh(e).version,
            on=dt.date(2026, 12, 15),
            level="HTTNV",
        )

    with pytest.raises(ValidationError) as refused:
        decide()
    assert refused.value.messages == [RULE.replace(" (QĐ", " (chưa có kết quả) (QĐ")]
    civil_rating_set(
        actor=cast.clerk,
        person=cast.member_a1,
        year=2026,
        level="HTTNV",
        points=Decimal(80),
        rated_on=dt.date(2026, 12, 1),
    )
    assert decide().stage == Stage.DECIDED


def test_in_english_the_rule_and_the_scale_are_the_engines_english(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.clerk)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("civil_ratings", args=[cast.cell_a1.code])).content.decode()
    assert (
        "Member who is a civil servant: the civil-servant rating must exist before the party "
        "rating (QĐ 366 Đ.3 k.4)"
    ) in page
    assert "Decree 335/2025/ND-CP: KPI points out of 100" in page
    assert "0/1 civil-servant members have a civil-service rating." in page


def test_the_boards_link_counts_what_the_orms_two_counts_counted(uneven_period: Any) -> None:
    """``civil_counts`` (one plain statement) equals the two ORM counts it replaced, for every
    unit of the round — ratings of other years and of members outside the unit not counted."""
    from xeploai.org.models import OrgUnit
    from xeploai.reviews.civil import civil_counts
    from xeploai.reviews.models import SubjectKind

    period = uneven_period
    servants = Person.objects.filter(is_civil_servant=True).order_by("pk")
    for n, person in enumerate(servants[:30]):  # another year's ratings must not count
        CivilServiceRating.objects.get_or_create(
            person=person, year=period.year - 1 - n % 2, defaults={"level": "HTTNV"}
        )
    seen = set()
    for unit in OrgUnit.objects.all():
        members = Evaluation.objects.filter(
            period=period,
            kind=SubjectKind.MEMBER,
            person__is_civil_servant=True,
            unit__path__startswith=unit.path,
        )
        total = members.count()
        rated = CivilServiceRating.objects.filter(
            year=period.year, person_id__in=members.values("person_id")
        ).count()
        assert civil_counts(unit, period) == (rated, total), unit
        seen.add((rated > 0, rated < total))
    assert {(True, True), (False, False)} <= seen  # partly rated units, and empty ones
