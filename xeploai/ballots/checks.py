"""What to say before a ballot is held (issue 15 §4): asked when the secretary creates it and
again on its page until the codes are printed, so nobody learns at the close that it was void.

* the quorum — the rule set's (``rules.quorum_short``, > 50 % of the full members by default):
  a ballot short of it would be void, so it is refused, with the clause;
* members whose review is not submitted (the cell: its own report not written) — a warning the
  secretary confirms: the proposal from the ballot waits for the review anyway;
* an accepted ballot (or one still open) of this period that already covers a chosen subject —
  a warning: the new result replaces the old one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.ballots.models import Ballot, BallotStatus, BallotSubject
from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.reviews.facts import ruleset_of
from xeploai.reviews.models import Evaluation, SubjectKind


@dataclass(frozen=True)
class Guard:
    """The answers for one ballot: ``void`` (a refusal, with its clause) and ``warnings``
    (each a sentence naming whom it concerns)."""

    needed: int
    void: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.void and not self.warnings


def quorum(period: Period, present: int, members: int) -> tuple[int, str]:
    """(the fewest present for a valid ballot, why ``present`` is short of it or "")."""
    ruleset = ruleset_of(period)
    short = rules.quorum_short(present, members, ruleset)
    needed = rules.quorum_needed(members, ruleset)
    if short is None:
        return needed, ""
    return needed, _("{why} (cần ít nhất {n} người có mặt; {clause}).").format(
        why=short.message_vi, n=needed, clause=short.clause
    )


def _names(evaluations: list[Evaluation]) -> str:
    names = [e.subject_name for e in evaluations]
    shown = ", ".join(names[:8])
    return shown + (_(" và {n} đối tượng khác").format(n=len(names) - 8) if len(names) > 8 else "")


def _unsubmitted(evaluations: list[Evaluation]) -> list[str]:
    members = [e for e in evaluations if e.kind == SubjectKind.MEMBER and not e.reviewed]
    others = [e for e in evaluations if e.kind != SubjectKind.MEMBER and not e.reviewed]
    warnings = []
    if members:
        warnings.append(
            _(
                "{n} đảng viên chưa nộp bản kiểm điểm: {names}. Kết quả bỏ phiếu của họ chỉ "
                "được đề xuất sau khi bản kiểm điểm được nộp."
            ).format(n=len(members), names=_names(members))
        )
    if others:
        warnings.append(
            _("Chưa có báo cáo kiểm điểm của tập thể: {names}.").format(names=_names(others))
        )
    return warnings


def _earlier(
    period: Period, unit: OrgUnit, evaluations: list[Evaluation], exclude: int | None
) -> list[str]:
    chosen = {e.pk: e for e in evaluations}
    rows = BallotSubject.objects.filter(
        ballot__period=period, ballot__unit=unit, evaluation_id__in=list(chosen)
    )
    if exclude is not None:
        rows = rows.exclude(ballot_id=exclude)
    covered: dict[int, list[Evaluation]] = {}
    for ballot_id, evaluation_id in rows.values_list("ballot_id", "evaluation_id"):
        covered.setdefault(ballot_id, []).append(chosen[evaluation_id])
    warnings = []
    for ballot in Ballot.objects.filter(pk__in=list(covered)).order_by("created_at", "pk"):
        subjects = covered[ballot.pk]
        if ballot.status == BallotStatus.CLOSED:
            text = _(
                "Đã có cuộc bỏ phiếu được chấp nhận “{title}” ({when}) cho {n} đối tượng: "
                "{names}. Kết quả mới sẽ thay kết quả cũ."
            )
        else:
            text = _(
                "Cuộc bỏ phiếu “{title}” ({when}) cho {n} đối tượng vẫn đang mở: {names}. "
                "Hãy kết thúc hoặc bỏ qua cuộc đó để tránh hai kết quả."
            )
        warnings.append(
            text.format(
                title=ballot.title,
                when=timezone.localtime(ballot.created_at).strftime("%d/%m/%Y"),
                n=len(subjects),
                names=_names(subjects),
            )
        )
    return warnings


def guard(
    *,
    period: Period,
    unit: OrgUnit,
    present: int,
    members: int,
    evaluations: list[Evaluation],
    exclude: int | None = None,
) -> Guard:
    """Everything to say before this ballot's codes are printed (``exclude``: the ballot itself,
    when asked again on its page)."""
    needed, void = quorum(period, present, members)
    warnings = (*_unsubmitted(evaluations), *_earlier(period, unit, evaluations, exclude))
    return Guard(needed=needed, void=void, warnings=warnings)


def guard_of(ballot: Ballot) -> Guard:
    """The same questions for an open ballot, asked on its page before the codes are printed."""
    evaluations = [
        s.evaluation
        for s in ballot.subjects.select_related("evaluation__person", "evaluation__unit")
    ]
    return guard(
        period=ballot.period,
        unit=ballot.unit,
        present=ballot.present,
        members=ballot.full_members,
        evaluations=evaluations,
        exclude=ballot.pk,
    )
