"""Running a secret ballot: create, key the paper tally twice, print codes, vote, close.

Secrecy: codes are random, printed once and stored only as SHA-256 hashes in a shuffled order.
While the ballot is open a vote updates its code's row (no insert, no time, no user); on
PostgreSQL that update is a new row version whose ``xmin``/``ctid`` follow the order of voting.
So the close writes every code row of the ballot afresh — all in the one closing transaction,
in a random order — deletes the rows the votes wrote, and then VACUUMs the table so that the
replaced row versions are gone too: afterwards no row version, place, id or dump order follows
the voting. Nothing here writes who voted, and the audit events of this module carry counts,
never codes or choices (docs/security.md, "Ballot secrecy").
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.audit.actor import Actor, actor_person
from xeploai.audit.services import audit_record
from xeploai.ballots import checks
from xeploai.ballots.models import (
    Ballot,
    BallotCode,
    BallotMode,
    BallotStatus,
    BallotSubject,
    PaperEntry,
    Tally,
)
from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit, Person, PersonStatus
from xeploai.reviews import services as review_services
from xeploai.reviews.facts import ruleset_of
from xeploai.reviews.models import Evaluation

LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
COUNT_FIELDS = ("issued", "returned", "valid")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 10  # 32^10 ≈ 10^15 codes


def full_members(unit: OrgUnit) -> int:
    """Full (official) members active in the cell: probationary members do not vote."""
    return Person.objects.filter(
        unit=unit, status=PersonStatus.ACTIVE, official_date__isnull=False
    ).count()


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(("xeploai-ballot:" + normalize_code(code)).encode()).hexdigest()


class NeedsConfirmation(ValidationError):
    """The ballot can be held, but the secretary must first read these warnings and confirm
    (``ballot_create(confirmed=True)``)."""

    def __init__(self, warnings: tuple[str, ...]) -> None:
        super().__init__(list(warnings), code="needs_confirmation")
        self.warnings = warnings


@transaction.atomic
def ballot_create(
    *,
    actor: Actor,
    period: Period,
    unit: OrgUnit,
    mode: str,
    title: str,
    present: int,
    evaluations: list[Evaluation],
    confirmed: bool = False,
) -> Ballot:
    """Create a ballot. Refused when the full members present are short of the rule set's
    quorum (it would be void); raises :class:`NeedsConfirmation` with the warnings of
    ``checks.guard`` (reviews not submitted, an earlier ballot of the same subjects) unless
    ``confirmed``."""
    members = full_members(unit)
    if present < 1 or present > members:
        raise ValidationError(
            {
                "present": _(
                    "Số có mặt phải từ 1 đến {n} (số đảng viên chính thức của chi bộ)."
                ).format(n=members)
            }
        )
    if not evaluations:
        raise ValidationError(_("Chưa chọn đối tượng nào để biểu quyết."))
    guard = checks.guard(
        period=period, unit=unit, present=present, members=members, evaluations=evaluations
    )
    if guard.void:
        raise ValidationError({"present": guard.void})
    if guard.warnings and not confirmed:
        raise NeedsConfirmation(guard.warnings)
    ballot = Ballot(
        period=period,
        unit=unit,
        mode=mode,
        title=title,
        full_members=members,
        present=present,
        created_by=actor_person(actor),
        created_at=timezone.now(),
    )
    # its period, cell and author are rows this request has just read: not looked up again
    ballot.full_clean(exclude=["period", "unit", "created_by"])
    ballot.save()
    BallotSubject.objects.bulk_create(
        [BallotSubject(ballot=ballot, evaluation=e, position=i) for i, e in enumerate(evaluations)]
    )
    audit_record(
        actor=actor,
        action="ballot_create",
        obj=ballot,
        unit_path=unit.path,
        after={
            "mode": mode,
            "present": present,
            "full_members": members,
            "subjects": len(evaluations),
            "warnings_confirmed": list(guard.warnings),
        },
    )
    return ballot


def _subject_ids(ballot: Ballot) -> list[int]:
    """The ballot's subjects in their order (by position: the model's ordering would join the
    ballot only to sort by its date, the same for every row)."""
    return list(ballot.subjects.order_by("position").values_list("evaluation_id", flat=True))


def subject_names(ballot: Ballot) -> dict[int, str]:
    """The ballot's subjects in their order: evaluation id → the subject's name, read as
    values (the evaluations with their person and unit as model instances — the review's
    whole content among them — cost the ballot's pages more than the rest of their reads)."""
    rows = ballot.subjects.order_by("position").values_list(
        "evaluation_id",
        "evaluation__kind",
        "evaluation__person__full_name",
        "evaluation__unit__name",
    )
    return {pk: Evaluation.name_of(kind, person, unit) for pk, kind, person, unit in rows}


PaperData = dict[str, dict[str, Any]]
"""One keying of the paper count: ``{"counts": {"issued", "returned", "valid"}, "votes":
{evaluation id: {level: votes}}}`` — the ballot papers counted once for the ballot, the votes
per subject (a paper may leave a subject blank: its votes add up to at most the valid papers)."""


def _count_errors(ballot: Ballot, counts: dict[str, int]) -> list[str]:
    what = _("Số phiếu của cuộc bỏ phiếu")
    if any(counts.get(f, 0) < 0 for f in COUNT_FIELDS):
        return [_("{name}: số phiếu không được âm.").format(name=what)]
    issued, returned, valid = (counts.get(f, 0) for f in COUNT_FIELDS)
    errors = []
    if issued > ballot.present:
        errors.append(
            _("{name}: số phiếu phát ra ({a}) lớn hơn số có mặt ({b}).").format(
                name=what, a=issued, b=ballot.present
            )
        )
    if returned > issued:
        errors.append(
            _("{name}: số phiếu thu vào ({a}) lớn hơn số phát ra ({b}).").format(
                name=what, a=returned, b=issued
            )
        )
    if valid > returned:
        errors.append(
            _("{name}: số phiếu hợp lệ ({a}) lớn hơn số thu vào ({b}).").format(
                name=what, a=valid, b=returned
            )
        )
    return errors


def validate_paper_data(ballot: Ballot, data: PaperData) -> list[str]:
    """Check one keying: whole numbers, valid ≤ returned ≤ issued ≤ present for the ballot, and
    for each subject its votes ≤ the valid papers."""
    counts = data.get("counts") or {}
    errors = _count_errors(ballot, counts)
    valid = counts.get("valid", 0)
    votes_by_subject = data.get("votes") or {}
    for evaluation_id, name in subject_names(ballot).items():
        row = votes_by_subject.get(str(evaluation_id))
        if row is None:
            errors.append(_("{name}: thiếu số liệu.").format(name=name))
            continue
        if any(row.get(level, 0) < 0 for level in LEVELS):
            errors.append(_("{name}: số phiếu không được âm.").format(name=name))
        votes = sum(row.get(level, 0) for level in LEVELS)
        if votes > valid:
            errors.append(
                _("{name}: tổng số phiếu theo các mức ({a}) lớn hơn số phiếu hợp lệ ({b}).").format(
                    name=name, a=votes, b=valid
                )
            )
    return errors


def _two_keyers_required() -> bool:
    return not settings.BALLOT_ONE_KEYER


@transaction.atomic
def paper_entry_save(*, actor: Actor, ballot: Ballot, entry_no: int, data: PaperData) -> PaperEntry:
    """Save keying ``entry_no`` (1 or 2). The two keyings are by two different accounts unless
    ``XEPLOAI_BALLOT_ONE_KEYER`` allows one person (a one-person office)."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    if ballot.mode != BallotMode.PAPER or not ballot.is_open:
        raise ValidationError(_("Cuộc bỏ phiếu đã kết thúc hoặc không phải phiếu giấy."))
    user = actor_person(actor)
    other = ballot.entries.filter(entry_no=3 - entry_no, superseded=False).first()
    if other is not None and other.entered_by_id == user.pk and _two_keyers_required():
        raise ValidationError(
            _(
                "Lần nhập {other} do chính đồng chí nhập; lần nhập {n} phải do một người khác "
                "nhập độc lập."
            ).format(other=3 - entry_no, n=entry_no)
        )
    errors = validate_paper_data(ballot, data)
    if errors:
        raise ValidationError(errors)
    ballot.entries.filter(entry_no=entry_no, superseded=False).update(superseded=True)
    entry = PaperEntry.objects.create(
        ballot=ballot,
        entry_no=entry_no,
        data=data,
        entered_by=user,
        entered_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="paper_entry_save",
        obj=ballot,
        unit_path=ballot.unit.path,
        after={"entry_no": entry_no},
    )
    return entry


Mismatch = tuple[int | None, str, int, int]
"""(evaluation id — ``None`` for the ballot's own counts —, field, entry 1, entry 2)."""


def current_keyings(ballot: Ballot) -> dict[int, PaperData]:
    """The ballot's current keyings: entry number → what it holds."""
    # ordered as the model orders them, without the join its "ballot" ordering makes
    current = ballot.entries.filter(superseded=False).order_by("entered_at", "pk")
    return dict(current.values_list("entry_no", "data"))


def paper_mismatches(
    ballot: Ballot,
    current: dict[int, PaperData] | None = None,
    subject_ids: list[int] | None = None,
) -> list[Mismatch] | None:
    """The cells where the two current keyings differ; None while one of them is missing.
    ``current`` (``current_keyings``) and ``subject_ids`` (the subjects in their order): when
    the caller holds them already, else read here."""
    if current is None:
        current = current_keyings(ballot)
    if set(current) != {1, 2}:
        return None
    result: list[Mismatch] = []
    one, two = current[1].get("counts", {}), current[2].get("counts", {})
    for field in COUNT_FIELDS:
        if one.get(field, 0) != two.get(field, 0):
            result.append((None, field, one.get(field, 0), two.get(field, 0)))
    for evaluation_id in _subject_ids(ballot) if subject_ids is None else subject_ids:
        key = str(evaluation_id)
        one = current[1].get("votes", {}).get(key, {})
        two = current[2].get("votes", {}).get(key, {})
        for field in LEVELS:
            if one.get(field, 0) != two.get(field, 0):
                result.append((evaluation_id, field, one.get(field, 0), two.get(field, 0)))
    return result


def _paper_rows(data: PaperData) -> dict[int, dict[str, int]]:
    """One accepted keying as the tally's rows: each subject's votes with the ballot's counts."""
    counts = {f: int(data["counts"].get(f, 0)) for f in COUNT_FIELDS}
    return {
        int(key): {**{level: int(row.get(level, 0)) for level in LEVELS}, **counts}
        for key, row in data["votes"].items()
    }


def _record_tallies(actor: Actor, ballot: Ballot, rows: dict[int, dict[str, int]]) -> list[Tally]:
    ruleset = ruleset_of(ballot.period)
    tallies = []
    results: dict[int, tuple[str, str]] = {}
    for evaluation_id, row in rows.items():
        count = rules.BallotCount(
            votes={rules.Level[level]: row.get(level, 0) for level in LEVELS},
            present=ballot.present,
            full_members=ballot.full_members,
            invalid=row["returned"] - row["valid"],
        )
        result = rules.tally(count, ruleset, subject=str(evaluation_id))
        explanation = " ".join(e.message_vi for e in result.explanations)
        level = result.level.name if result.level else ""
        tallies.append(
            Tally(
                ballot=ballot,
                evaluation_id=evaluation_id,
                votes={level_: row.get(level_, 0) for level_ in LEVELS},
                issued=row["issued"],
                returned=row["returned"],
                valid=row["valid"],
                level=level,
                explanation=explanation,
            )
        )
        if level:
            results[evaluation_id] = (
                level,
                _("Bỏ phiếu kín: {votes}").format(
                    votes=", ".join(f"{k} {row.get(k, 0)}" for k in LEVELS)
                ),
            )
    review_services.ballot_results_record(actor=actor, results=results)
    Tally.objects.bulk_create(tallies)
    return tallies


@transaction.atomic
def paper_accept(*, actor: Actor, ballot: Ballot) -> list[Tally]:
    """Accept the paper tally: only when both keyings exist and agree field by field."""
    ballot = (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("period", "unit")
        .get(pk=ballot.pk)
    )
    if not ballot.is_open:
        raise ValidationError(_("Kết quả đã được chấp nhận trước đó."))
    # the current keyings read once: compared, then who keyed them, then the first's counts
    current = {
        entry.entry_no: entry
        for entry in ballot.entries.filter(superseded=False).order_by("entered_at", "pk")
    }
    mismatches = paper_mismatches(ballot, {n: entry.data for n, entry in current.items()})
    if mismatches is None:
        raise ValidationError(_("Cần nhập kết quả kiểm phiếu đủ hai lần độc lập."))
    if mismatches:
        raise ValidationError(
            _("Hai lần nhập chưa khớp ở {n} ô; hãy kiểm tra lại phiếu và nhập lại.").format(
                n=len(mismatches)
            )
        )
    if current[1].entered_by_id == current[2].entered_by_id and _two_keyers_required():
        raise ValidationError(
            _("Hai lần nhập do cùng một người nhập; cần một người khác nhập lại một lần.")
        )
    rows = _paper_rows(current[1].data)
    tallies = _record_tallies(actor, ballot, rows)
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = timezone.now()
    ballot.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="paper_accept",
        obj=ballot,
        unit_path=ballot.unit.path,
        after={"subjects": len(tallies)},
    )
    return tallies


@transaction.atomic
def codes_issue(*, actor: Actor, ballot: Ballot) -> list[str]:
    """Create one code per full member present. Returns the plain codes — the only time they
    exist outside the printed slips; a second call is refused."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.mode != BallotMode.ROOM or not ballot.is_open:
        raise ValidationError(_("Cuộc bỏ phiếu đã kết thúc hoặc không phải bỏ phiếu tại chỗ."))
    if ballot.codes_issued:
        raise ValidationError(
            _(
                "Mã đã được in một lần; không thể in lại. Nếu in hỏng và chưa ai bỏ phiếu, hãy "
                "dùng “Cấp lại mã” (mã cũ bị hủy)."
            )
        )
    _needed, void = checks.quorum(ballot.period, ballot.present, ballot.full_members)
    if void:  # a ballot created before the check: its result would be void
        raise ValidationError(void)
    codes = _codes_new(ballot)
    ballot.codes_issued = len(codes)
    ballot.save(update_fields=["codes_issued"])
    audit_record(
        actor=actor,
        action="codes_issue",
        obj=ballot,
        unit_path=ballot.unit.path,
        after={"codes": len(codes)},
    )
    return codes


def _codes_new(ballot: Ballot) -> list[str]:
    codes = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        for _ in range(ballot.present)
    ]
    rows = [BallotCode(ballot=ballot, code_hash=code_hash(code)) for code in codes]
    secrets.SystemRandom().shuffle(rows)
    BallotCode.objects.bulk_create(rows)
    return codes


@transaction.atomic
def codes_reissue(*, actor: Actor, ballot: Ballot, reason: str) -> list[str]:
    """The slips did not print (a jammed printer, a closed tab): void every code printed and
    issue a fresh set — only while no vote was cast with the old ones, so no ballot is lost and
    no old code can still vote. Audited with the reason and the number voided."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    if ballot.mode != BallotMode.ROOM or not ballot.is_open:
        raise ValidationError(_("Cuộc bỏ phiếu đã kết thúc hoặc không phải bỏ phiếu tại chỗ."))
    if not ballot.codes_issued:
        raise ValidationError(_("Chưa in mã bỏ phiếu."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do cấp lại mã (ví dụ: máy in bị kẹt).")})
    cast = ballot.codes.filter(choices__isnull=False).count()
    if cast:
        raise ValidationError(
            _(
                "Đã có {n} phiếu được gửi bằng mã đã in; không thể cấp lại mã. Hãy kết thúc "
                "cuộc bỏ phiếu này hoặc tổ chức cuộc khác."
            ).format(n=cast)
        )
    voided = ballot.codes.all().delete()[0]
    codes = _codes_new(ballot)
    before = {"codes": ballot.codes_issued, "reissued": ballot.codes_reissued}
    ballot.codes_issued = len(codes)
    ballot.codes_reissued += 1
    ballot.save(update_fields=["codes_issued", "codes_reissued"])
    audit_record(
        actor=actor,
        action="codes_reissue",
        obj=ballot,
        unit_path=ballot.unit.path,
        before=before,
        after={"codes": len(codes), "voided": voided, "reissued": ballot.codes_reissued},
        note=reason,
    )
    return codes


def find_code(code: str) -> BallotCode | None:
    return (
        BallotCode.objects.select_related("ballot", "ballot__unit")
        .filter(code_hash=code_hash(code))
        .first()
    )


@transaction.atomic
def vote_cast(*, code: str, choices: dict[str, str]) -> BallotCode:
    """Cast the ballot of ``code``: one choice (a level or blank) per subject. No user, no time."""
    found = find_code(code)
    if found is None:
        raise ValidationError(_("Mã không đúng."))
    # The ballot's lock orders a vote and the close: a vote waits for a close under way (and
    # then finds it closed), a close waits for the votes in flight (and counts them).
    ballot = Ballot.objects.select_for_update().get(pk=found.ballot_id)
    if not ballot.is_open:
        raise ValidationError(_("Cuộc bỏ phiếu đã kết thúc."))
    row = BallotCode.objects.get(code_hash=found.code_hash)
    if row.choices is not None:
        raise ValidationError(_("Mã này đã được dùng để bỏ phiếu."))
    subjects = {str(i) for i in _subject_ids(ballot)}
    if set(choices) != subjects or any(v not in ("", *LEVELS) for v in choices.values()):
        raise ValidationError(_("Phiếu không hợp lệ."))
    row.choices = choices
    row.save(update_fields=["choices"])
    return row


def ballot_digest(ballot: Ballot) -> str:
    """SHA-256 over the sorted (code hash, choices) pairs: printed in the minutes, so anyone with
    the published list can check that the set of ballots was not changed."""
    lines = sorted(
        f"{h}:{','.join(f'{k}={v}' for k, v in sorted((c or {}).items()))}"
        for h, c in ballot.codes.values_list("code_hash", "choices")
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _codes_rewrite(ballot: Ballot) -> None:
    """Replace the ballot's code rows by fresh ones, inserted in a random order by the closing
    transaction: their ``xmin`` is the same for all, their ``ctid``, ids and dump order follow
    the shuffle, not the voting. The replaced row versions go with the VACUUM after the commit."""
    kept = list(ballot.codes.values_list("code_hash", "choices"))
    ballot.codes.all().delete()
    rows = [BallotCode(ballot=ballot, code_hash=h, choices=c) for h, c in kept]
    secrets.SystemRandom().shuffle(rows)
    BallotCode.objects.bulk_create(rows)
    transaction.on_commit(_codes_vacuum, robust=True)


def _codes_vacuum() -> None:
    """VACUUM the code table on PostgreSQL (outside any transaction, so after the commit): the
    dead row versions the votes and the close left behind — each with the ``xmin`` of one vote —
    are removed from the table and its index. Only our own table. SKIP_LOCKED: a close never
    waits for another close's VACUUM (the next one, or autovacuum, takes what that one left);
    a dead version still visible to a transaction older than the close (a backup running, say)
    also stays until then."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM (SKIP_LOCKED, INDEX_CLEANUP ON) "{BallotCode._meta.db_table}"')


@transaction.atomic
def room_close(*, actor: Actor, ballot: Ballot) -> list[Tally]:
    """Close an in-room ballot: count, propose levels, publish, fix the digest."""
    ballot = (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("period", "unit")
        .get(pk=ballot.pk)
    )
    if ballot.mode != BallotMode.ROOM or not ballot.is_open:
        raise ValidationError(_("Cuộc bỏ phiếu đã kết thúc hoặc không phải bỏ phiếu tại chỗ."))
    if not ballot.codes_issued:
        raise ValidationError(_("Chưa in mã bỏ phiếu."))
    cast = [c for c in ballot.codes.values_list("choices", flat=True) if c is not None]
    rows: dict[int, dict[str, int]] = {}
    for evaluation_id in _subject_ids(ballot):
        votes = dict.fromkeys(LEVELS, 0)
        for choice in cast:
            value = choice.get(str(evaluation_id), "")
            if value in votes:
                votes[value] += 1
        valid = sum(votes.values())
        rows[evaluation_id] = {
            **votes,
            "issued": ballot.codes_issued,
            "returned": len(cast),
            "valid": valid,
        }
    tallies = _record_tallies(actor, ballot, rows)
    _codes_rewrite(ballot)
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = timezone.now()
    ballot.digest = ballot_digest(ballot)
    ballot.save(update_fields=["status", "closed_at", "digest"])
    audit_record(
        actor=actor,
        action="room_close",
        obj=ballot,
        unit_path=ballot.unit.path,
        after={"cast": len(cast), "codes": ballot.codes_issued, "digest": ballot.digest},
    )
    return tallies
