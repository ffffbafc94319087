"""``decision_problems`` reads one subject (and a cell's members) in full and the rest of the
deciding body from its evaluations' rows: it must refuse exactly what the check of the whole
body, every subject read in full, refuses — the same messages, clauses and numbers."""

import datetime as dt

import pytest

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.reviews import checks
from xeploai.reviews.facts import POOL_FIELDS, Facts, row_identity, ruleset_of, subject_id
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.reviews.tests.old_wording import humanize
from xeploai.reviews.wording import message
from xeploai.rules.check import OTHER_SUBJECT_FACTS
from xeploai.rules.quota import quota_group

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 20)


def whole_body_problems(
    evaluation: Evaluation, *, level: str, not_rated_reason: str, on: dt.date, override_reason: str
) -> list[str]:
    """What ``decision_problems`` answered when it read every subject of the deciding body in
    full and checked them all with ``rules.check_decisions``."""
    period = evaluation.period
    ruleset = ruleset_of(period)
    peers = list(
        Evaluation.objects.filter(period=evaluation.period_id, decider=evaluation.decider_id)
        .select_related("unit", "person", "period")
        .order_by("pk")
    )
    problems = checks.blockers(evaluation, peers, ruleset)
    facts = Facts.load(period, peers)
    target_id = subject_id(evaluation)
    decisions = []
    target_decision = None
    for peer in peers:
        if peer.pk == evaluation.pk:
            target_decision = facts.decision(
                peer,
                level=level,
                not_rated_reason=not_rated_reason,
                override_reason=override_reason,
            )
            decisions.append(target_decision)
        elif peer.level:
            decisions.append(facts.decision(peer))
        elif peer.cell_level and not peer.not_rated_reason:
            provisional = "HTTNV" if peer.cell_level == "HTXSNV" else peer.cell_level
            decisions.append(facts.decision(peer, level=provisional))
    report = rules.check_decisions(decisions, ruleset, on, year=period.year)
    assert target_decision is not None
    target_group = quota_group(target_decision, ruleset).label if level else None
    for violation in report.violations:
        about_target = violation.subject == target_id or (
            violation.key == "quota.exceeded"
            and level == "HTXSNV"
            and violation.numbers.get("group") == target_group
        )
        if not about_target or violation.severity == rules.Severity.INFO:
            continue
        if violation.severity == rules.Severity.ERROR or not override_reason:
            problems.append(humanize(message(violation), peers))
    return problems


def bodies(period: Period) -> list[int]:
    """The deciding bodies with the most subjects: a grassroots committee's (members and
    cells) and the upper level's (organizations and committee collectives)."""
    by_decider: dict[int, list[int]] = {}
    for pk, decider in Evaluation.objects.filter(period=period).values_list("pk", "decider"):
        by_decider.setdefault(decider, []).append(pk)
    ranked = sorted(by_decider, key=lambda d: -len(by_decider[d]))
    upper = Evaluation.objects.filter(period=period, kind=SubjectKind.GRASSROOTS).first()
    assert upper is not None
    return [*ranked[:2], upper.decider_id]


def test_the_rows_give_the_facts_the_full_subject_has(uneven_period: Period) -> None:
    period = uneven_period
    evaluations = list(
        Evaluation.objects.filter(period=period).select_related("unit", "person", "period")
    )
    facts = Facts.load(period, evaluations)
    rows = {row["pk"]: row for row in Evaluation.objects.filter(period=period).values(*POOL_FIELDS)}
    for evaluation in evaluations:
        full = facts.subject(evaluation)
        light = rules.Subject(**row_identity(rows[evaluation.pk]))
        for name in OTHER_SUBJECT_FACTS:
            assert getattr(light, name) == getattr(full, name), (evaluation.pk, name)


def test_a_decision_is_refused_for_what_the_whole_body_check_refuses(uneven_period: Period) -> None:
    period = uneven_period
    choices = [("HTXSNV", "", ""), ("HTXSNV", "", "BTV"), ("HTTNV", "", ""), ("KHTNV", "", "")]
    choices.append(("", "MIEN_SINH_HOAT", ""))
    seen: set[str] = set()
    for decider in bodies(period):
        pool = list(
            Evaluation.objects.filter(period=period, decider=decider)
            .select_related("period", "unit", "decider", "person")
            .order_by("pk")
        )
        members = [e for e in pool if e.kind == SubjectKind.MEMBER]
        # every organization and collective (their checks read others in full), some members
        for evaluation in [e for e in pool if e.kind != SubjectKind.MEMBER] + members[::9]:
            for level, reason, override in choices:
                expected = whole_body_problems(
                    evaluation,
                    level=level,
                    not_rated_reason=reason,
                    on=ON,
                    override_reason=override,
                )
                assert (
                    checks.decision_problems(
                        evaluation,
                        level=level,
                        not_rated_reason=reason,
                        on=ON,
                        override_reason=override,
                    )
                    == expected
                )
                seen.update(problem.split(":")[0].split(" (")[0][:25] for problem in expected)
    # the comparison met the cases that matter: quotas, ordering, ceilings, invalid facts
    for start in ("Đảng viên m", "Chưa thể quyết định", "Dữ liệu không hợp lệ", "Tổng điểm"):
        assert any(s.startswith(start) for s in seen), (start, sorted(seen))
    assert any("HTXSNV > 20%" in s for s in seen), sorted(seen)
