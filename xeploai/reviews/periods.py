"""Opening a period: every subject in its scope gets its evaluation; reminders of the late."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor
from xeploai.audit.services import audit_record
from xeploai.cycles.models import Notice, Period, PeriodKind, PeriodStatus, Step
from xeploai.lib.bulk import insert_rows
from xeploai.org.models import SEGMENT, OrgUnit, Person, PersonStatus, Position, UnitKind
from xeploai.reviews import subjects
from xeploai.reviews.eligibility import member_not_rated_reason, org_not_rated_reason
from xeploai.reviews.formcodes import form_code_for, period_form_code
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.reviews.progress import late_members
from xeploai.reviews.stats import stats_rebuild

EVALUATION_FIELDS = (
    "period",
    "kind",
    "person",
    "unit",
    "decider",
    "group",
    "form_code",
    "not_rated_reason",
)


def org_subjects(units: list[OrgUnit]) -> list[tuple[str, OrgUnit]]:
    """(subject kind, unit) for every organization subject in the scope (rules.md §1.4)."""
    result: list[tuple[str, OrgUnit]] = []
    for unit in units:
        if unit.kind == UnitKind.CELL:
            result.append((SubjectKind.CELL, unit))
        elif unit.is_grassroots:
            result.append((SubjectKind.GRASSROOTS, unit))
            if unit.has_committee:
                result.append((SubjectKind.COMMITTEE, unit))
    return result


def subject_rows(period: Period, under: str) -> tuple[list[tuple[Any, ...]], dict[int, str]]:
    """The evaluations missing in ``period`` for the subjects of the subtree at ``under`` (the
    scope root's path, or a subtree inside the scope that a change of the tree brought in), as
    rows of ``EVALUATION_FIELDS``; and the path of each unit they are on."""
    on = period.evaluation_date
    root = period.scope_root.path
    above = [under[:end] for end in range(len(root), len(under), SEGMENT)]
    units = list(
        OrgUnit.objects.filter(Q(path__startswith=under) | Q(path__in=above))
        .filter(Q(dissolved__isnull=True) | Q(dissolved__gt=on))
        .filter(Q(established__isnull=True) | Q(established__lte=on))
    )
    # A unit counts only if its whole chain up to the scope root does (e.g. not yet founded).
    by_path: dict[str, OrgUnit] = {}
    for unit in sorted(units, key=lambda u: u.path):
        if unit.path == root or unit.path[:-SEGMENT] in by_path:
            by_path[unit.path] = unit
    units = [unit for unit in by_path.values() if unit.path.startswith(under)]
    # One subject, one evaluation per year (issue 16 §5): a member or an organization that a
    # reorganization brought into the scope keeps the evaluation it has in another round of
    # the same year.
    same_round = Evaluation.objects.filter(
        period__year=period.year, period__kind=period.kind, period__quarter=period.quarter
    )
    held = Q(person__unit__path__startswith=under)
    if under == root:  # the whole scope: also those of this round whose person has left it
        held |= Q(period=period)
    existing_people = set(
        same_round.filter(person__isnull=False).filter(held).values_list("person_id", flat=True)
    )
    existing_orgs = set(
        same_round.filter(person__isnull=True, unit__path__startswith=under).values_list(
            "kind", "unit_id"
        )
    )
    # rows of (period, kind, person, unit, decider, group, form, not-rated reason)
    new: list[tuple[Any, ...]] = []
    for kind, unit in org_subjects(units) if subjects.orgs_in_round(period) else ():
        if (kind, unit.pk) in existing_orgs:
            continue
        decider = (
            subjects.cell_decider(unit, by_path)
            if kind == SubjectKind.CELL
            else subjects.grassroots_decider(unit, by_path)
        )
        reason = org_not_rated_reason(unit, on, period.ruleset)
        new.append(
            (
                period.pk,
                kind,
                None,
                unit.pk,
                decider.pk,
                kind,
                form_code_for(period.ruleset, kind=kind),
                reason,
            )
        )
    cells = {u.pk: u for u in units if u.is_cell}
    positions: dict[int, list[tuple[str, dt.date, dt.date | None]]] = defaultdict(list)
    for person_id, group, start, end in Position.objects.filter(
        person__unit__in=list(cells)
    ).values_list("person_id", "group", "appointed", "ended"):
        positions[person_id].append((group, start, end))
    people = Person.objects.filter(
        unit__in=list(cells), status__in=PersonStatus.present(), admission_date__lte=on
    ).values_list("id", "unit_id", "status", "admission_date", "in_political_system")
    quarter_form = period_form_code(period)
    reasons: dict[tuple[str, dt.date], str] = {}  # the answer depends on these two facts only
    deciders: dict[int, int] = {}
    for person_id, unit_id, status, admitted, in_system in people.iterator(chunk_size=5000):
        if person_id in existing_people:
            continue
        cell = cells[unit_id]
        if unit_id not in deciders:
            deciders[unit_id] = subjects.member_decider(cell, by_path).pk
        if (status, admitted) not in reasons:
            reasons[(status, admitted)] = member_not_rated_reason(
                Person(status=status, admission_date=admitted), on, period.ruleset
            )
        group = subjects.member_group(positions.get(person_id, []), on)
        if not subjects.member_in_round(period, group):
            continue
        form = quarter_form or form_code_for(
            period.ruleset,
            kind=SubjectKind.MEMBER,
            has_post=group != "khong_chuc_vu",
            in_political_system=in_system,
        )
        new.append(
            (
                period.pk,
                SubjectKind.MEMBER,
                person_id,
                unit_id,
                deciders[unit_id],
                group,
                form,
                reasons[(status, admitted)],
            )
        )
    return new, {unit.pk: unit.path for unit in units}


@transaction.atomic
def period_open(*, actor: Actor, period: Period) -> int:
    """Create the evaluation of every subject in the period's scope; return how many were new.

    Safe to run again (after new members or units were added): existing evaluations are kept.
    """
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("Đợt đánh giá đã kết thúc, không thể mở lại."))
    new, _paths = subject_rows(period, period.scope_root.path)
    insert_rows(Evaluation, EVALUATION_FIELDS, new)
    stats_rebuild(period)
    if period.status == PeriodStatus.DRAFT:
        period.status = PeriodStatus.OPEN
        period.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="period_open",
        obj=period,
        unit_path=period.scope_root.path,
        after={"created_evaluations": len(new), "status": period.status},
    )
    return len(new)


@dataclass(frozen=True)
class Reminded:
    """Who a reminder reached and who it could not, with why (the page says it in words)."""

    late: int = 0  # members whose self-review is past its deadline
    due: dt.date | None = None  # the deadline (None: none set)
    emailed: tuple[str, ...] = ()  # on screen and by e-mail
    on_screen: tuple[str, ...] = ()  # on screen only: their account has no e-mail address
    no_account: tuple[str, ...] = ()  # not reached: no account to log in with
    inactive: tuple[str, ...] = ()  # not reached: their account is locked

    @property
    def reached(self) -> int:
        return len(self.emailed) + len(self.on_screen)


@transaction.atomic
def reminders_send(*, actor: Actor, unit: OrgUnit, period: Period, today: dt.date) -> Reminded:
    """Remind every member whose self-review is late: on screen, and by e-mail when known.
    Returns who was reached and who could not be, and why."""
    late = late_members(unit, period, today)
    due = period.deadlines.filter(step=Step.SELF_REVIEW).values_list("due", flat=True).first()
    notices: list[Notice] = []
    mails: list[tuple[str, str, str, list[str]]] = []
    reached: dict[str, list[str]] = {
        "emailed": [],
        "on_screen": [],
        "no_account": [],
        "inactive": [],
    }
    # a quarterly round's file is the self-evaluation of Mẫu 05, not the yearly self-review
    quarterly = period.kind == PeriodKind.QUARTER
    subject = (
        _("Nhắc nộp bản tự đánh giá (Mẫu 05) — {period}")
        if quarterly
        else _("Nhắc nộp bản kiểm điểm — {period}")
    ).format(period=period.name)
    for evaluation in late:
        person = evaluation.person
        if person is None:
            continue
        name = person.full_name
        if person.user is None:
            reached["no_account"].append(name)
            continue
        if not person.user.is_active:
            reached["inactive"].append(name)
            continue
        text = (
            _("Đồng chí chưa nộp bản tự đánh giá (Mẫu 05) {period}; hạn đã qua.")
            if quarterly
            else _("Đồng chí chưa nộp bản kiểm điểm {period}; hạn đã qua.")
        ).format(period=period.name)
        link = reverse("review_detail", args=[evaluation.pk])
        notices.append(Notice(user=person.user, text=text, link=link, created_at=timezone.now()))
        if person.user.email:
            reached["emailed"].append(name)
            mails.append(
                (subject, f"{text}\n{link}", settings.DEFAULT_FROM_EMAIL, [person.user.email])
            )
        else:
            reached["on_screen"].append(name)
    Notice.objects.bulk_create(notices)
    if mails:
        send_mass_mail(mails, fail_silently=False)
    audit_record(
        actor=actor,
        action="reminders_send",
        obj=period,
        unit_path=unit.path,
        after={
            "unit": unit.code,
            "late": len(late),
            "notices": len(notices),
            "emails": len(mails),
            "no_account": len(reached["no_account"]),
            "inactive": len(reached["inactive"]),
        },
    )
    return Reminded(
        late=len(late),
        due=due,
        **{key: tuple(sorted(names)) for key, names in reached.items()},
    )
