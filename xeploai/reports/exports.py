"""Lists that leave the system as files: final results, reward candidates, follow-up.

Unlike the report these are per-person lists, so they read evaluations — in one query each
(plus one for the five-year history), streamed with ``values_list``, never one query per row.
Every list is limited to a unit's subtree; the views check the user may read that unit.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from xeploai.cycles.models import Period, PeriodKind
from xeploai.lib.cells import append_text_row, csv_field
from xeploai.lib.xlsxprint import print_setup
from xeploai.org.models import Level, OrgUnit
from xeploai.reports.formats.ooxml import reproducible
from xeploai.reports.wording import reason_label
from xeploai.reviews.models import Evaluation, FollowUpStatus, SubjectKind

REWARD_YEARS = 5  # "5 năm liền" (rules.md §8.1)


@dataclass(frozen=True)
class Sheet:
    title: str
    header: tuple[str, ...]
    rows: Sequence[tuple[Any, ...]]


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _level_label(level: str) -> str:
    return str(Level(level).label) if level in Level.values else ""


def results(unit: OrgUnit, period: Period) -> Sheet:
    """Final results of the members in the subtree, keyed for the national member database.

    The first columns are those of the results import ("Năm", "Đối tượng", "Mã tổ chức",
    "Số CCCD", "Số thẻ đảng viên", "Họ và tên", "Mức xếp loại", "Lý do chưa xếp loại"), so a
    file exported here can be loaded elsewhere.
    """
    rows = (
        Evaluation.objects.filter(
            period=period, kind=SubjectKind.MEMBER, unit__path__startswith=unit.path
        )
        .order_by("unit__path", "person__name_folded", "person_id")
        .values_list(
            "person__citizen_id",
            "person__party_card_number",
            "person__full_name",
            "person__date_of_birth",
            "unit__code",
            "unit__name",
            "level",
            "not_rated_reason",
        )
    )
    member = str(SubjectKind.MEMBER.label)
    return Sheet(
        title=_("Kết quả xếp loại"),
        header=(
            _("Năm"),
            _("Đối tượng"),
            _("Mã tổ chức"),
            _("Số CCCD"),
            _("Số thẻ đảng viên"),
            _("Họ và tên"),
            _("Mức xếp loại"),
            _("Lý do chưa xếp loại"),
            _("Ngày sinh"),
            _("Chi bộ"),
            _("Tên mức xếp loại"),
        ),
        rows=[
            (
                period.year,
                member,
                code,
                cccd or "",
                card or "",
                name,
                level,
                reason_label(reason) if reason else ("" if level else reason_label("")),
                _date(born),
                cell,
                _level_label(level),
            )
            for cccd, card, name, born, code, cell, level, reason in rows
        ],
    )


def _history(
    key: str, keys: Iterable[Any], years: list[int], kinds: Iterable[str]
) -> dict[Any, set[int]]:
    """Years in which each subject was rated HTXSNV, in any unit (transfers included)."""
    found: dict[Any, set[int]] = defaultdict(set)
    for subject, year in (
        Evaluation.objects.filter(
            **{f"{key}__in": list(keys)},
            kind__in=list(kinds),
            level=Level.HTXSNV,
            period__kind=PeriodKind.YEAR,
            period__year__in=years,
        )
        .values_list(key, "period__year")
        .distinct()
    ):
        found[subject].add(year)
    return found


def rewards(unit: OrgUnit, period: Period) -> list[Sheet]:
    """Members and organizations rated HTXSNV this year, and those with five years in a row."""
    years = list(range(period.year - REWARD_YEARS + 1, period.year + 1))
    members = list(
        Evaluation.objects.filter(
            period=period,
            kind=SubjectKind.MEMBER,
            level=Level.HTXSNV,
            unit__path__startswith=unit.path,
        )
        .order_by("unit__path", "person__name_folded", "person_id")
        .values_list(
            "person_id",
            "person__citizen_id",
            "person__party_card_number",
            "person__full_name",
            "person__date_of_birth",
            "unit__name",
        )
    )
    member_years = _history("person_id", [m[0] for m in members], years, [SubjectKind.MEMBER])
    orgs = list(
        Evaluation.objects.filter(
            Q(kind=SubjectKind.CELL) | Q(kind=SubjectKind.GRASSROOTS),
            period=period,
            level=Level.HTXSNV,
            unit__path__startswith=unit.path,
        )
        .order_by("unit__path", "kind")
        .values_list("unit_id", "kind", "unit__code", "unit__name")
    )
    org_years = _history(
        "unit_id", [o[0] for o in orgs], years, [SubjectKind.CELL, SubjectKind.GRASSROOTS]
    )
    five = _("{n} năm liền ({first}–{last})").format(n=REWARD_YEARS, first=years[0], last=years[-1])
    this_year = _("Năm {year}").format(year=period.year)
    return [
        Sheet(
            title=_("Đảng viên HTXSNV"),
            header=(
                _("Số CCCD"),
                _("Số thẻ đảng viên"),
                _("Họ và tên"),
                _("Ngày sinh"),
                _("Chi bộ"),
                _("Số năm HTXSNV liên tục"),
                _("Đề nghị"),
            ),
            rows=[
                (
                    cccd or "",
                    card or "",
                    name,
                    _date(born),
                    cell,
                    _streak(member_years[pk], period.year),
                    five if set(years) <= member_years[pk] else this_year,
                )
                for pk, cccd, card, name, born, cell in members
            ],
        ),
        Sheet(
            title=_("Tổ chức HTXSNV"),
            header=(
                _("Mã"),
                _("Tổ chức"),
                _("Đối tượng"),
                _("Số năm HTXSNV liên tục"),
                _("Đề nghị"),
            ),
            rows=[
                (
                    code,
                    name,
                    str(SubjectKind(kind).label),
                    _streak(org_years[pk], period.year),
                    five if set(years) <= org_years[pk] else this_year,
                )
                for pk, kind, code, name in orgs
            ],
        ),
    ]


def _streak(years: set[int], last: int) -> int:
    n = 0
    while last - n in years:
        n += 1
    return n


def _shortcomings(content: Any) -> str:
    items = content.get("shortcomings", []) if isinstance(content, dict) else []
    texts = []
    for item in items if isinstance(items, list) else []:
        text = item.get("text", "") if isinstance(item, dict) else str(item)
        if text:
            texts.append(text.strip())
    return "; ".join(texts)


def follow_ups(unit: OrgUnit, period: Period) -> Sheet:
    """Members and units rated HTNV or KHTNV, their shortcomings and the follow-up plan."""
    rows = (
        Evaluation.objects.filter(
            period=period,
            level__in=[Level.HTNV, Level.KHTNV],
            unit__path__startswith=unit.path,
        )
        .order_by("kind", "unit__path", "person__name_folded", "pk")
        .values_list(
            "kind",
            "person__full_name",
            "person__party_card_number",
            "unit__code",
            "unit__name",
            "level",
            "content",
            "follow_up__plan",
            "follow_up__assignee",
            "follow_up__status",
        )
    )
    statuses = dict(FollowUpStatus.choices)
    return Sheet(
        title=_("Theo dõi khắc phục"),
        header=(
            _("Đối tượng"),
            _("Họ và tên / tổ chức"),
            _("Số thẻ đảng viên"),
            _("Mã tổ chức"),
            _("Chi bộ / tổ chức"),
            _("Mức xếp loại"),
            _("Hạn chế, khuyết điểm"),
            _("Kế hoạch khắc phục"),
            _("Người theo dõi"),
            _("Tình trạng"),
        ),
        rows=[
            (
                str(SubjectKind(kind).label),
                person or unit_name,
                card or "",
                code,
                unit_name,
                _level_label(level),
                _shortcomings(content),
                plan or "",
                assignee or "",
                str(statuses[status]) if status else _("Chưa có kế hoạch"),
            )
            for kind, person, card, code, unit_name, level, content, plan, assignee, status in rows
        ],
    )


# ---- files ----------------------------------------------------------------------------------


def character_widths(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> list[float]:
    """Column widths in characters from the heading and the first rows' texts (8–50)."""
    widths = [len(str(title)) + 2 for title in header]
    for row in itertools.islice(rows, 500):
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], len("" if value is None else str(value)) + 2)
    return [float(min(50, max(8, width))) for width in widths]


def to_xlsx(sheets: list[Sheet], period: Period) -> bytes:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        target = workbook.create_sheet(sheet.title[:31])
        print_setup(target, columns=len(sheet.header))
        for index, width in enumerate(character_widths(sheet.header, sheet.rows), start=1):
            target.column_dimensions[get_column_letter(index)].width = width
        append_text_row(target, list(sheet.header))
        for row in sheet.rows:
            append_text_row(target, list(row))
    workbook.properties.creator = "xeploai"
    out = io.BytesIO()
    workbook.save(out)
    return reproducible(out.getvalue(), period.evaluation_date)


def _csv_lines(sheets: list[Sheet]) -> Iterator[list[Any]]:
    for index, sheet in enumerate(sheets):
        if len(sheets) > 1:
            if index:
                yield []
            yield [sheet.title]
        yield list(sheet.header)
        yield from (list(row) for row in sheet.rows)


def to_csv(sheets: list[Sheet]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Vietnamese text correctly; a text
    that looks like a formula is escaped (``lib.cells.csv_field``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in _csv_lines(sheets):
        writer.writerow([csv_field(value) for value in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
