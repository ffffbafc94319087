import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from xeploai.cycles.models import Period, PeriodKind, PeriodStatus
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_period_and_opens_it_from_the_back_office(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.admin)
    response = client.post(
        reverse("admin:cycles_period_add"),
        {
            "name": "Kiểm điểm năm 2026",
            "year": 2026,
            "kind": PeriodKind.YEAR,
            "quarter": 0,
            "ruleset": "366-2025",
            "scope_root": cast.root.pk,
            "evaluation_date": "2026-12-10",
            "status": PeriodStatus.DRAFT,
            "small_unit_exception": "on",
            "deadlines-TOTAL_FORMS": 1,
            "deadlines-INITIAL_FORMS": 0,
            "deadlines-0-step": "tu_kiem_diem",
            "deadlines-0-due": "2026-11-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    period = Period.objects.get(year=2026, kind="nam")
    assert period.deadlines.get().due == dt.date(2026, 11, 30)
    response = client.post(
        reverse("admin:cycles_period_changelist"),
        {"action": "open_periods", "_selected_action": [period.pk]},
        follow=True,
    )
    assert "đã tạo" in response.content.decode()
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
    assert Evaluation.objects.filter(period=period, person=cast.member_a1).exists()
