"""Sending upward freezes the report: later downloads are byte-identical, changes are flagged."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from xeploai.audit.models import AuditEvent
from xeploai.cycles.models import Period
from xeploai.reports.formats import FORMATS
from xeploai.reports.models import ReportSnapshot
from xeploai.reports.payload import sha256, to_payload
from xeploai.reports.records import Denominator, Options
from xeploai.reports.selectors import snapshot_changed, snapshot_report
from xeploai.reports.services import snapshot_send
from xeploai.reports.tests.factories import evaluate
from xeploai.reviews.models import SubjectKind
from xeploai.reviews.stats import stats_rebuild
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(periods: tuple[Period, Period], cast: Cast) -> ReportSnapshot:
    _, now = periods
    return snapshot_send(
        actor=cast.clerk,
        unit=cast.org_a,
        period=now,
        options=Options(denominator=Denominator.RATED),
        as_of=dt.date(2026, 12, 31),
    )


def test_sending_stores_the_payload_its_hash_and_an_audit_event(
    snapshot: ReportSnapshot, cast: Cast
) -> None:
    assert snapshot.sha256 == sha256(to_payload(snapshot_report(snapshot)))
    assert snapshot.options == {"denominator": "rated", "quota_base": "tt_plus"}
    event = AuditEvent.objects.get(action="report_send")
    assert event.after is not None
    assert event.actor == cast.clerk and event.after["sha256"] == snapshot.sha256
    assert not snapshot_changed(snapshot)


def test_downloads_stay_byte_identical_after_the_numbers_change(
    client: Client, snapshot: ReportSnapshot, periods: tuple[Period, Period], cast: Cast
) -> None:
    client.force_login(cast.upper_board)
    before = {
        fmt: client.get(reverse("snapshot_download", args=[snapshot.pk, fmt])).content
        for fmt in FORMATS
    }
    _, now = periods
    evaluate(now, SubjectKind.MEMBER, cast.cell_a2, cast.org_a, {"KHTNV": 2})
    stats_rebuild(now)
    assert snapshot_changed(snapshot)
    after = {
        fmt: client.get(reverse("snapshot_download", args=[snapshot.pk, fmt])).content
        for fmt in FORMATS
    }
    assert before == after
    page = client.get(reverse("snapshot_detail", args=[snapshot.pk]))
    assert "Số liệu đã thay đổi sau khi gửi" in page.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.sha256 == sha256(to_payload(snapshot_report(snapshot)))
    assert AuditEvent.objects.filter(action="report_download").count() == 2 * len(FORMATS)


def test_an_unchanged_snapshot_is_not_flagged(
    client: Client, snapshot: ReportSnapshot, cast: Cast
) -> None:
    client.force_login(cast.clerk)
    page = client.get(reverse("snapshot_detail", args=[snapshot.pk]))
    assert "Số liệu đã thay đổi sau khi gửi" not in page.content.decode()


def test_the_send_button_posts_a_snapshot_with_the_chosen_options(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    client.force_login(cast.committee)
    url = reverse("report_send", args=[cast.org_a.code, 2026])
    response = client.post(url, {"denominator": "tt_only", "quota_base": "tt_only"})
    snapshot = ReportSnapshot.objects.get()
    assert response["Location"] == reverse("snapshot_detail", args=[snapshot.pk])
    assert snapshot.created_by == cast.committee
    assert snapshot.options == {"denominator": "tt_only", "quota_base": "tt_only"}


def test_the_inspector_may_read_snapshots_but_not_send(
    client: Client, snapshot: ReportSnapshot, cast: Cast
) -> None:
    client.force_login(cast.inspector)
    assert client.get(reverse("snapshot_list", args=[cast.org_a.code])).status_code == 200
    assert client.post(reverse("report_send", args=[cast.org_a.code, 2026])).status_code == 403


def test_a_snapshot_outside_the_subtree_does_not_exist(
    client: Client, snapshot: ReportSnapshot, cast: Cast
) -> None:
    client.force_login(cast.outsider)
    assert client.get(reverse("snapshot_detail", args=[snapshot.pk])).status_code == 404
    assert client.get(reverse("snapshot_download", args=[snapshot.pk, "pdf"])).status_code == 404
