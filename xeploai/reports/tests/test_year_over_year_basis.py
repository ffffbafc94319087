"""Year over year on today's tree (issue 16 §3): a merged unit compares with the sum of its
predecessors' figures of last year and says so on the page, in every export and the JSON; a
split unit's results are followed where the subjects can be, else "—" with the reason."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org.models import Level, OrgUnit, UnitKind
from xeploai.org.reorg import SplitPart, unit_merge, unit_split
from xeploai.reports.compute import QUERIES, compute_report
from xeploai.reports.formats import render
from xeploai.reports.payload import dumps, from_payload, to_payload
from xeploai.reports.records import Report
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.stats import result_set
from xeploai.testing import Cast, make_person, make_unit, open_year

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 7, 1)
AS_OF = dt.date(2026, 12, 31)
MERGED = "so với tổng số của các đơn vị trước sáp nhập"


@pytest.fixture
def last_year(cast: Cast) -> Cast:
    """2025 decided on the old tree: A with cells A1 (1+2 members) and A2 (3), B with B1
    (1+1); every member HTTNV except one HTXSNV in B1, every organization HTTNV."""
    for cell, n in ((cast.cell_a1, 2), (cast.cell_a2, 3), (cast.cell_b1, 1)):
        for _ in range(n):
            make_person(cell)
    old = open_year(cast.root, 2025)
    for evaluation in Evaluation.objects.filter(period=old, not_rated_reason=""):
        level = Level.HTXSNV if evaluation.person_id == cast.member_b1.pk else Level.HTTNV
        result_set(evaluation, level=level, not_rated_reason="")
        evaluation.stage = Stage.DECIDED
        evaluation.save()
    Period.objects.filter(pk=old.pk).update(status=PeriodStatus.CLOSED)
    return cast


def _merge(cast: Cast) -> tuple[OrgUnit, Period]:
    new = make_unit(
        UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AB", name="Đảng bộ AB", established=ON
    )
    unit_merge(actor=None, sources=[cast.org_a, cast.org_b], target=new, on=ON)
    return OrgUnit.objects.get(pk=new.pk), open_year(cast.root, 2026)


def test_a_merged_committee_compares_with_the_sum_of_its_predecessors(last_year: Cast) -> None:
    new, now = _merge(last_year)
    report = compute_report(new, now, as_of=AS_OF)
    members = report.block(SubjectKind.MEMBER)
    assert members.previous is not None
    assert (members.previous.total, members.previous.tt, members.previous.xs) == (8, 7, 1)
    grassroots = report.block(SubjectKind.GRASSROOTS)
    assert grassroots.previous is not None and grassroots.previous.total == 2  # A and B
    assert report.basis is not None
    assert [r.code for r in report.basis.merged] == ["A", "B"]
    # the root's report: the new committee's row says the same
    root = compute_report(last_year.root, now, as_of=AS_OF)
    row = next(c for c in root.children if c.unit.code == "AB")
    assert row.basis is not None and [r.code for r in row.basis.merged] == ["A", "B"]
    assert row.block(SubjectKind.MEMBER).previous.total == 8  # type: ignore[union-attr]
    # the root's own totals are unchanged by the merger: nothing is counted twice
    assert root.block(SubjectKind.MEMBER).previous.total == 8  # type: ignore[union-attr]
    assert root.basis is None


def test_the_basis_is_said_on_the_page_in_every_export_and_in_the_json(
    last_year: Cast, client: Client
) -> None:
    new, now = _merge(last_year)
    report = compute_report(new, now, as_of=AS_OF)
    payload = to_payload(report)
    assert payload["basis"]["text"].startswith(MERGED)
    assert [u["code"] for u in payload["basis"]["merged"]] == ["A", "B"]
    again: Report = from_payload(json.loads(dumps(payload)))
    assert again == report
    for name in ("html", "json", "xlsx", "docx", "pdf"):
        data = render(report, name)
        assert MERGED in _text(name, data), name
    client.force_login(last_year.upper_board)
    page = client.get(reverse("report_detail", args=["AB"])).content.decode()
    assert MERGED in page and "Đảng bộ A (A)" in page


def _text(name: str, data: bytes) -> str:
    if name in ("html", "json"):
        return json.loads(data)["basis"]["text"] if name == "json" else data.decode()
    if name in ("xlsx", "docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(
                html.unescape(archive.read(part).decode())
                for part in archive.namelist()
                if part.endswith(".xml")
            )
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_split_follows_cells_by_lineage_and_says_what_cannot_be_followed(
    last_year: Cast,
) -> None:
    east = make_unit(UnitKind.GRASSROOTS_COMMITTEE, last_year.root, code="AE", established=ON)
    west = make_unit(UnitKind.GRASSROOTS_COMMITTEE, last_year.root, code="AW", established=ON)
    unit_split(
        actor=None,
        source=last_year.org_a,
        parts=[SplitPart(east, (last_year.cell_a1,)), SplitPart(west, (last_year.cell_a2,))],
        on=ON,
    )
    now = open_year(last_year.root, 2026)
    report = compute_report(OrgUnit.objects.get(pk=east.pk), now, as_of=AS_OF)
    # the members moved with their cell: followed
    assert report.block(SubjectKind.MEMBER).previous.total == 3  # type: ignore[union-attr]
    # A's own evaluation of last year belongs to neither part: "—" and why
    assert report.block(SubjectKind.GRASSROOTS).previous is None
    assert report.basis is not None and [r.code for r in report.basis.split] == ["A"]
    assert SubjectKind.GRASSROOTS in report.basis.unfollowed
    text = to_payload(report)["basis"]["text"]
    assert "không so sánh được với năm trước" in text and "Đảng bộ A (A)" in text


def test_the_basis_costs_no_query_more(last_year: Cast) -> None:
    _new, now = _merge(last_year)
    for code in ("ROOT", "AB", "A1"):
        unit = OrgUnit.objects.get(code=code)
        with CaptureQueriesContext(connection) as queries:
            compute_report(unit, now, as_of=AS_OF)
        assert len(queries) == QUERIES


def test_merged_commune_committees_are_named_though_their_units_came_over(cast: Cast) -> None:
    """Two cấp trên cơ sở committees (no evaluation of their own) merged: their grassroots
    organizations moved with their results, and the report still says what it compares with."""
    from xeploai.org.services import unit_move

    old = []
    for code, org in (("X1", cast.org_a), ("X2", cast.org_b)):
        commune = make_unit(UnitKind.UPPER, cast.root, code=code, name=f"Đảng bộ xã {code}")
        unit_move(actor=None, unit=org, new_parent=commune)
        old.append(commune)
    make_person(cast.cell_a2)
    previous = open_year(cast.root, 2025)
    Period.objects.filter(pk=previous.pk).update(status=PeriodStatus.CLOSED)
    new = make_unit(UnitKind.UPPER, cast.root, code="XN", name="Đảng bộ xã Mới", established=ON)
    unit_merge(actor=None, sources=old, target=new, on=ON)
    now = open_year(cast.root, 2026)
    report = compute_report(cast.root, now, as_of=AS_OF)
    row = next(c for c in report.children if c.unit.code == "XN")
    assert row.basis is not None and [r.code for r in row.basis.merged] == ["X1", "X2"]
    assert row.block(SubjectKind.MEMBER).previous.total == 3  # type: ignore[union-attr]
    assert row.block(SubjectKind.GRASSROOTS).previous.total == 2  # type: ignore[union-attr]
