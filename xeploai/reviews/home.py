"""The home page: for the open period, what is each of the user's roles' to do, for whom, by
which deadline, with a link (issue 15 §1).

One section per role and unit the user holds (a member's own review; a cell secretary's cell; a
clerk's or committee's deciding body; an upper board's units). Each section costs a constant
number of queries whatever the size of its unit: the round's or the board's rows are read once,
with the facts the rules need (``Facts.load``), and the progress by one grouped count. Blockers
are the rules' own findings, worded with their clause (``checks``, ``wording``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.cycles.models import Deadline, Period, PeriodKind, PeriodStatus, Step
from xeploai.org import access
from xeploai.org.models import OrgUnit, Person, Role
from xeploai.reviews import checks, selectors, subjects
from xeploai.reviews.facts import Facts, ruleset_of
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.progress import progress
from xeploai.reviews.wording import violation_message

NAMES_SHOWN = 8  # names listed in a task; the rest are counted ("và 12 người khác")
DETAILS_SHOWN = 12  # blocking reasons listed; the rest are on the board
BEFORE_REVIEW = (Stage.PENDING, Stage.DRAFT, Stage.RETURNED)
DECIDER_ROLES = (Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD)


@dataclass(frozen=True)
class Task:
    """One thing to do (``done``: a state shown for information)."""

    what: str
    url: str = ""
    action: str = ""
    who: tuple[str, ...] = ()
    more: int = 0
    due: dt.date | None = None
    late: bool = False
    details: tuple[str, ...] = ()
    more_details: int = 0
    done: bool = False
    dated: bool = False  # about a step with a deadline ("chưa đặt hạn" when none is set)


@dataclass
class Section:
    title: str
    unit: OrgUnit | None = None
    period: Period | None = None
    tasks: list[Task] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def open_tasks(self) -> int:
        return sum(1 for t in self.tasks if not t.done)


@dataclass(frozen=True)
class _Deadlines:
    due: dict[str, dt.date]
    today: dt.date

    def task(self, step: str, what: str, names: list[str], **more: Any) -> Task:
        """A task for ``names`` against ``step``'s deadline, late when it has passed."""
        due = self.due.get(step)
        return Task(
            what=what,
            who=tuple(names[:NAMES_SHOWN]),
            more=max(0, len(names) - NAMES_SHOWN),
            due=due,
            late=due is not None and self.today > due,
            dated=True,
            **more,
        )


def _deadlines(period: Period, today: dt.date) -> _Deadlines:
    # prefetched with the period (``_open_periods``), or read here once
    return _Deadlines({d.step: d.due for d in period.deadlines.all()}, today)


def _open_periods() -> list[Period]:
    """The open periods with their deadlines and scope roots (two queries)."""
    found = (
        Period.objects.filter(status=PeriodStatus.OPEN)
        .select_related("scope_root")
        .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.order_by("due")))
        .order_by()  # the few open periods sorted here (see ``member_section``)
    )
    return sorted(found, key=lambda p: (-p.year, p.pk))


def _period_of(unit: OrgUnit, periods: list[Period]) -> Period | None:
    """The latest open period covering ``unit``."""
    for period in periods:
        if unit.path.startswith(period.scope_root.path):
            return period
    return None


def _url(name: str, unit: OrgUnit, period: Period) -> str:
    """A unit page of ``period``: a quarterly round's pages are reached by ``?period=``
    (without it they show the year's round)."""
    url = reverse(name, args=[unit.code])
    return f"{url}?period={period.pk}" if period.kind == PeriodKind.QUARTER else url


def _quarter_links(unit: OrgUnit, period: Period) -> list[tuple[str, str]]:
    links = [(_("Đánh giá hằng quý"), reverse("quarters", args=[unit.code]))]
    if unit.is_cell or unit.is_grassroots:
        links.append((_("Kiểm điểm của đơn vị"), _url("round_page", unit, period)))
    if not unit.is_cell or unit.is_grassroots:
        links.append((_("Bảng quyết định"), _url("board", unit, period)))
    links.append((_("Tiến độ"), _url("progress", unit, period)))
    links.append((_("Báo cáo quý"), reverse("quarter_report", args=[unit.code, period.pk])))
    return links


def _unit_links(unit: OrgUnit) -> list[tuple[str, str]]:
    links = [(_("Trang tổ chức"), reverse("unit_detail", args=[unit.code]))]
    if unit.is_cell or unit.is_grassroots:
        links.append((_("Kiểm điểm của đơn vị"), reverse("round_page", args=[unit.code])))
    if not unit.is_cell or unit.is_grassroots:
        links.append((_("Bảng quyết định"), reverse("board", args=[unit.code])))
    links.append((_("Tiến độ"), reverse("progress", args=[unit.code])))
    links.append((_("Báo cáo"), reverse("report_detail", args=[unit.code])))
    return links


# -- the member -----------------------------------------------------------------------------


def member_section(person: Person, periods: list[Period], today: dt.date) -> Section | None:
    """The member's own review in the open period: its state, and what to do by when."""
    # the latest year's: ``periods`` come newest first (``_open_periods``); the person's few
    # rows chosen here rather than by an ORDER BY, which Django builds by comparing it with
    # every selected column (a third of the statement)
    order = {p.pk: index for index, p in enumerate(periods)}
    found = Evaluation.objects.filter(person=person, period_id__in=list(order))
    evaluation = min(
        found.select_related("unit").order_by(), key=lambda e: order[e.period_id], default=None
    )
    if evaluation is None:
        return None
    period = periods[order[evaluation.period_id]]
    evaluation.period = period
    section = Section(_("Bản kiểm điểm của tôi"), evaluation.unit, period)
    url = reverse("review_detail", args=[evaluation.pk])
    dates = _deadlines(period, today)
    if evaluation.not_rated_reason:
        section.tasks.append(
            Task(
                _("Đồng chí thuộc diện chưa xếp loại năm nay: {reason}.").format(
                    reason=evaluation.get_not_rated_reason_display()
                ),
                url,
                _("Xem"),
                done=True,
            )
        )
    elif evaluation.stage in BEFORE_REVIEW:
        what = (
            _("Sửa và nộp lại bản kiểm điểm — bí thư đã trả lại: {reason}").format(
                reason=evaluation.returned_reason
            )
            if evaluation.stage == Stage.RETURNED
            else _("Viết và nộp bản tự kiểm điểm ({stage})").format(
                stage=evaluation.get_stage_display().lower()
            )
        )
        section.tasks.append(
            dates.task(Step.SELF_REVIEW, what, [], url=url, action=_("Mở bản kiểm điểm"))
        )
    else:
        state = evaluation.get_stage_display()
        if evaluation.level:
            state = _("{stage}: {level}").format(stage=state, level=evaluation.get_level_display())
        section.tasks.append(
            Task(_("Bản kiểm điểm: {state}").format(state=state), url, _("Xem"), done=True)
        )
    section.links = [(_("Kết quả xếp loại của tôi"), reverse("my_history"))]
    return section


def quarter_member_section(person: Person, periods: list[Period], today: dt.date) -> Section | None:
    """The member's own Mẫu 05 in every open quarterly round (one query): what to write and
    submit by when, or its state (issue 18 §1)."""
    by_id = {p.pk: p for p in periods}
    evaluations = list(
        Evaluation.objects.filter(person=person, period_id__in=by_id)
        .select_related("unit")
        .order_by("pk")
    )
    if not evaluations:
        return None
    evaluations.sort(key=lambda e: (by_id[e.period_id].year, by_id[e.period_id].quarter))
    section = Section(_("Bản tự đánh giá hằng quý của tôi"), evaluations[0].unit)
    for evaluation in evaluations:
        period = evaluation.period = by_id[evaluation.period_id]
        url = reverse("review_detail", args=[evaluation.pk])
        if evaluation.stage in BEFORE_REVIEW:
            what = (
                _("{name}: sửa và nộp lại bản tự đánh giá (Mẫu 05) — đã bị trả lại: {reason}")
                if evaluation.stage == Stage.RETURNED
                else _("{name}: viết và nộp bản tự đánh giá, xếp loại (Mẫu 05)")
            ).format(name=period.name, reason=evaluation.returned_reason)
            section.tasks.append(
                _deadlines(period, today).task(
                    Step.SELF_REVIEW, what, [], url=url, action=_("Mở bản tự đánh giá")
                )
            )
            continue
        state = evaluation.get_stage_display()
        if evaluation.level:
            state = _("{stage}: {level}").format(stage=state, level=evaluation.get_level_display())
        section.tasks.append(
            Task(
                _("{name} — bản tự đánh giá: {state}").format(name=period.name, state=state),
                url,
                _("Xem"),
                done=True,
            )
        )
    section.links = [
        (_("Đánh giá hằng quý"), reverse("quarters", args=[evaluations[0].unit.code])),
        (_("Kết quả xếp loại của tôi"), reverse("my_history")),
    ]
    return section


# -- the cell secretary ---------------------------------------------------------------------


def _grouped(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(message, name) pairs → each message once with its names, the most common first."""
    by_text: dict[str, list[str]] = defaultdict(list)
    for text, name in pairs:
        by_text[text].append(name)
    return sorted(by_text.items(), key=lambda item: (-len(item[1]), item[0]))


def _comment_tasks(
    evaluations: list[Evaluation], facts: Facts, ruleset: rules.RuleSet, dates: _Deadlines, url: str
) -> list[Task]:
    """The comments the rules require and the file lacks, one task per rule and clause."""
    pairs = []
    for evaluation in evaluations:
        if evaluation.not_rated_reason or evaluation.stage in (Stage.SENT, Stage.DECIDED):
            continue
        for violation in rules.missing_comments(facts.subject(evaluation), ruleset):
            pairs.append((violation_message(violation), evaluation.subject_name))
    return [
        dates.task(
            Step.COMMENTS,
            _("Thu thập nhận xét còn thiếu — {rule}").format(rule=text),
            names,
            url=url,
            action=_("Mở trang kiểm điểm"),
        )
        for text, names in _grouped(pairs)
    ]


def secretary_section(unit: OrgUnit, period: Period, today: dt.date) -> Section:
    """What the cell must still do: reviews, comments, the ballot, proposals, the file."""
    section = Section(_("Bí thư chi bộ — {unit}").format(unit=unit.name), unit, period)
    evaluations = [row.evaluation for row in selectors.round_rows(unit, period)]
    facts = Facts.load(period, evaluations)
    dates = _deadlines(period, today)
    round_url = _url("round_page", unit, period)
    members = [e for e in evaluations if e.kind == SubjectKind.MEMBER]
    rated = [e for e in members if not e.not_rated_reason]
    late_reviews = [e.subject_name for e in rated if e.stage in BEFORE_REVIEW]
    if late_reviews:
        section.tasks.append(
            dates.task(
                Step.SELF_REVIEW,
                _("Đôn đốc đảng viên nộp bản kiểm điểm ({n}/{total} chưa nộp)").format(
                    n=len(late_reviews), total=len(rated)
                ),
                late_reviews,
                url=_url("progress", unit, period),
                action=_("Xem tiến độ, nhắc"),
            )
        )
    own = [e for e in evaluations if e.kind != SubjectKind.MEMBER and e.stage in BEFORE_REVIEW]
    for evaluation in own:
        section.tasks.append(
            dates.task(
                Step.CELL_MEETING,
                _("Viết bản kiểm điểm của tập thể: {name}").format(name=evaluation.subject_name),
                [],
                url=reverse("review_detail", args=[evaluation.pk]),
                action=_("Mở bản kiểm điểm"),
            )
        )
    section.tasks.extend(_comment_tasks(evaluations, facts, ruleset_of(period), dates, round_url))
    unvoted = [
        e.subject_name
        for e in rated
        if e.stage == Stage.SUBMITTED and not e.ballot_level and not e.cell_level
    ]
    if unvoted:
        section.tasks.append(
            dates.task(
                Step.CELL_MEETING,
                _(
                    "Họp chi bộ, bỏ phiếu kín đánh giá, xếp loại ({n} đảng viên chưa có kết quả)"
                ).format(n=len(unvoted)),
                unvoted,
                url=_url("ballot_list", unit, period),
                action=_("Phiếu biểu quyết"),
            )
        )
    to_propose = [
        e.subject_name
        for e in evaluations
        if e.stage in (Stage.SUBMITTED, *BEFORE_REVIEW)
        and (e.not_rated_reason or e.stage == Stage.SUBMITTED)
    ]
    if to_propose:
        section.tasks.append(
            dates.task(
                Step.CELL_MEETING,
                _("Ghi đề xuất mức xếp loại (hoặc lý do chưa xếp loại)"),
                to_propose,
                url=round_url,
                action=_("Mở trang kiểm điểm"),
            )
        )
    to_send = [e.subject_name for e in evaluations if e.stage == Stage.PROPOSED]
    if to_send:
        decider = evaluations[0].decider.name if evaluations else ""
        section.tasks.append(
            dates.task(
                Step.CELL_SUBMIT,
                _("Gửi hồ sơ lên {decider}").format(decider=decider),
                to_send,
                url=round_url,
                action=_("Gửi hồ sơ"),
            )
        )
    if evaluations and not section.tasks:
        decided = sum(1 for e in evaluations if e.stage == Stage.DECIDED)
        section.tasks.append(
            Task(
                _(
                    "Chi bộ đã xong phần việc của mình: {decided}/{total} đối tượng đã có quyết định."
                ).format(decided=decided, total=len(evaluations)),
                round_url,
                _("Mở trang kiểm điểm"),
                done=True,
            )
        )
    quarterly = period.kind == PeriodKind.QUARTER
    section.links = _quarter_links(unit, period) if quarterly else _unit_links(unit)
    return section


# -- the clerk, the committee, the upper board ----------------------------------------------


def _blocked(
    sent: list[Evaluation],
    evaluations: list[Evaluation],
    period: Period,
    today: dt.date,
    facts: Facts,
) -> list[str]:
    """Why files waiting cannot be decided as proposed, one line per subject and reason: the
    rules' check of the body's set (comments, ceilings, civil-service rating first, quota…)
    and the order of decisions (a cell after its members), each with its clause."""
    waiting = {e.pk for e in sent}
    lines: dict[int, list[str]] = defaultdict(list)
    for problem in checks.board_violations(evaluations, period, today, facts):
        if not problem.error:
            continue
        for pk, _name in problem.subjects:
            if pk in waiting:
                lines[pk].append(problem.message)
    ruleset = ruleset_of(period)
    for evaluation in sent:
        if evaluation.kind == SubjectKind.CELL:  # its members are among ``evaluations``
            lines[evaluation.pk].extend(checks.blockers(evaluation, evaluations, ruleset))
    names = {e.pk: e.subject_name for e in sent}
    grouped = _grouped((text, names[pk]) for pk in names for text in lines.get(pk, []))
    return [
        f"{text} — {'; '.join(who[:NAMES_SHOWN])}"
        + (
            _(" và {n} đối tượng khác").format(n=len(who) - NAMES_SHOWN)
            if len(who) > NAMES_SHOWN
            else ""
        )
        for text, who in grouped
    ]


def decider_tasks(unit: OrgUnit, period: Period, today: dt.date) -> list[Task]:
    """Files waiting for the body's decision, those blocked and why, units yet to send."""
    rows, facts = selectors.board(unit, period)
    evaluations = [row.evaluation for row in rows]
    dates = _deadlines(period, today)
    board_url = _url("board", unit, period)
    tasks: list[Task] = []
    sent = [e for e in evaluations if e.stage == Stage.SENT]
    # a quarterly round has one decision deadline, whoever decides
    one_deadline = period.kind == PeriodKind.QUARTER and Step.UPPER_DECISION not in dates.due
    upper = Step.GRASSROOTS_DECISION if one_deadline else Step.UPPER_DECISION
    if sent:
        per_unit: dict[str, int] = defaultdict(int)
        for evaluation in sent:
            per_unit[evaluation.unit.name] += 1
        sent_task = dates.task(
            Step.GRASSROOTS_DECISION if unit.is_grassroots else upper,
            _("Quyết định xếp loại {n} hồ sơ đã gửi lên").format(n=len(sent)),
            [f"{name}: {n}" for name, n in sorted(per_unit.items())],
            url=board_url,
            action=_("Mở bảng quyết định"),
        )
        tasks.append(sent_task)
        blocked = _blocked(sent, evaluations, period, today, facts)
        if blocked:
            tasks.append(
                Task(
                    _("Chưa quyết định được theo đề xuất: cần xử lý trước"),
                    board_url,
                    _("Mở bảng quyết định"),
                    details=tuple(blocked[:DETAILS_SHOWN]),
                    more_details=max(0, len(blocked) - DETAILS_SHOWN),
                    late=sent_task.late,
                    due=sent_task.due,
                )
            )
    not_sent: dict[str, int] = defaultdict(int)
    for evaluation in evaluations:
        if evaluation.stage not in (Stage.SENT, Stage.DECIDED) and evaluation.unit_id != unit.pk:
            not_sent[evaluation.unit.name] += 1
    if not_sent and subjects.straight_to_decider(period):
        # a quarterly round without the cell's step: the self-evaluations come straight here
        tasks.append(
            dates.task(
                Step.SELF_REVIEW,
                _("Chưa nộp bản tự đánh giá (Mẫu 05)"),
                [f"{name}: {n}" for name, n in sorted(not_sent.items())],
                url=_url("progress", unit, period),
                action=_("Xem tiến độ, nhắc"),
            )
        )
    elif not_sent:
        tasks.append(
            dates.task(
                # cells send to their grassroots committee; grassroots units send upward
                # once their own decisions are made
                Step.CELL_SUBMIT if unit.is_grassroots else Step.GRASSROOTS_DECISION,
                _("Đơn vị chưa gửi đủ hồ sơ"),
                [f"{name}: {n}" for name, n in sorted(not_sent.items())],
                url=_url("progress", unit, period),
                action=_("Xem tiến độ"),
            )
        )
    return tasks


def late_units_task(unit: OrgUnit, period: Period, today: dt.date) -> Task | None:
    """The units under ``unit`` with a step past its deadline (the progress page's counts)."""
    report = progress(unit, period, today)
    labels = {key: label for key, label, _due in report.steps}
    late = []
    for row in report.rows:
        steps = [
            f"{labels[key]} {row.steps[key].late}"
            for key in labels
            if key in row.steps and row.steps[key].late
        ]
        if steps:
            late.append(f"{row.unit.name} ({'; '.join(steps)})")
    if not late:
        return None
    return Task(
        _("Đơn vị trễ hạn ({n})").format(n=len(late)),
        _url("progress", unit, period),
        _("Xem tiến độ, nhắc"),
        who=tuple(late[:NAMES_SHOWN]),
        more=max(0, len(late) - NAMES_SHOWN),
        late=True,
    )


def decider_section(unit: OrgUnit, period: Period, today: dt.date, role_label: str) -> Section:
    """A deciding body's or an upper board's work in ``period``: the year's round, or a
    quarterly round (its files waiting, blockers and late units, issue 18 §1)."""
    quarterly = period.kind == PeriodKind.QUARTER
    title = f"{role_label} — {unit.name}"
    if quarterly:
        title = _("{title} — đánh giá {name}").format(title=title, name=period.name)
    section = Section(title, unit, period)
    section.tasks.extend(decider_tasks(unit, period, today))
    if not unit.is_cell:
        late = late_units_task(unit, period, today)
        if late is not None:
            section.tasks.append(late)
    if not section.tasks:
        section.tasks.append(
            Task(
                _("Không có việc đang chờ."),
                _url("progress", unit, period),
                _("Xem tiến độ"),
                done=True,
            )
        )
    section.links = _quarter_links(unit, period) if quarterly else _unit_links(unit)
    return section


# -- the page -------------------------------------------------------------------------------


def _role_sections(
    assignments: list[tuple[str, OrgUnit]], periods: list[Period], today: dt.date
) -> list[Section]:
    """The sections of the user's roles: the year's round of each unit (the latest covering
    it), then every open quarterly round covering it (a cell's secretary only when the round
    asks for the cell's ballot)."""
    yearly = [p for p in periods if p.kind != PeriodKind.QUARTER]
    quarterly = [p for p in periods if p.kind == PeriodKind.QUARTER]
    labels = dict(Role.choices)
    sections: list[Section] = []
    seen: set[tuple[str, int, int]] = set()
    for role, unit in assignments:
        year = _period_of(unit, yearly)
        rounds = [p for p in quarterly if unit.path.startswith(p.scope_root.path)]
        secretary = role == Role.CELL_SECRETARY and (unit.is_cell or unit.is_grassroots)
        for period in [year, *rounds] if year is not None else rounds:
            if secretary and (period is year or subjects.cell_step_required(period)):
                if ("cell", unit.pk, period.pk) not in seen:
                    seen.add(("cell", unit.pk, period.pk))
                    sections.append(secretary_section(unit, period, today))
            elif role in DECIDER_ROLES and ("body", unit.pk, period.pk) not in seen:
                seen.add(("body", unit.pk, period.pk))
                sections.append(decider_section(unit, period, today, str(labels[role])))
    return sections


def home_sections(user: Any, today: dt.date) -> list[Section]:
    """Every section of ``user``'s home, in the order of their roles, bottom up: the year's
    work first, then the open quarterly rounds'."""
    periods = _open_periods()
    if not periods:
        return []
    sections: list[Section] = []
    # read with the user (the auth backend's select_related): no statement of its own
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is not None:
        yearly = [p for p in periods if p.kind != PeriodKind.QUARTER]
        quarterly = [p for p in periods if p.kind == PeriodKind.QUARTER]
        own = member_section(person, yearly, today) if yearly else None
        if own is not None:
            sections.append(own)
        quarter = quarter_member_section(person, quarterly, today) if quarterly else None
        if quarter is not None:
            sections.append(quarter)
    # the roles as the request read them once (``access``), by unit path then role
    return sections + _role_sections(access.assigned(user), periods, today)
