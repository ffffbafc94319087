"""The board words a problem from the violation's numbers — quota groups and discipline forms by
their names — and writes what it wrote when it rewrote the engine's sentence by text
substitution (``old_wording.humanize``), in both languages."""

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from xeploai import rules
from xeploai.reviews.models import Evaluation
from xeploai.reviews.tests.old_wording import humanize
from xeploai.reviews.wording import group_words, message, violation_message

DECIDER = 41
ON = dt.date(2026, 3, 2)


def violation(key: str, **numbers: Any) -> rules.Violation:
    return rules.Violation(key, "QĐ 366 Đ.11 k.4 [S000] [INF: x]", numbers, "m7")


CASES = [
    (
        "quota-member-group",
        violation(
            "quota.exceeded",
            n_xs=3,
            ratio_pct=20,
            base=10,
            allowed=2,
            group=f"u{DECIDER} / DANG_VIEN / KHONG_CHUC_VU",
        ),
    ),
    (
        "quota-cells",
        violation(
            "quota.exceeded",
            n_xs=2,
            ratio_pct=20,
            base=4,
            allowed=0,
            group=f"u{DECIDER} / CHI_BO / TAT_CA",
        ),
    ),
    (
        "quota-group-missing",
        violation(
            "quota.outstanding_unavailable",
            ruleset="124-2023",
            ratio_pct=20,
            group=f"u{DECIDER} / DANG_VIEN / CHUA_XAC_DINH",
        ),
    ),
    (
        "quota-kind-without-a-name",
        violation(
            "quota.exceeded",
            n_xs=2,
            ratio_pct=20,
            base=4,
            allowed=0,
            group=f"u{DECIDER} / CN_LDQL / TAT_CA",
        ),
    ),
    (
        "discipline-above-ceiling",
        violation(
            "khtnv.discipline",
            form=rules.DisciplineForm.CANH_CAO,
            decided_on=ON,
            decided=rules.Level.HTTNV,
            ceiling=rules.Level.KHTNV,
        ),
    ),
    (
        "leadership-member-min-form",
        violation(
            "khtnv.leadership_member_disciplined",
            form=rules.DisciplineForm.CACH_CHUC,
            decided_on=ON,
            min_form="KHIEN_TRACH",
        ),
    ),
    (
        "mitigation-self-remedied",
        violation(
            "khtnv.mitigation",
            rule="khtnv.discipline",
            circumstance="self_remedied",
            form=rules.DisciplineForm.KHAI_TRU,
        ),
    ),
    (
        "mitigation-force-majeure",
        violation(
            "khtnv.mitigation", rule="khtnv.collective_tasks_below_70", circumstance="force_majeure"
        ),
    ),
    (
        "invalid-facts",
        violation("facts.invalid", detail_vi="thiếu điểm", detail_en="no score"),
    ),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("case", "found"), CASES, ids=[case for case, _ in CASES])
def test_a_problem_reads_as_the_text_substitution_wrote_it(
    language: str, case: str, found: rules.Violation
) -> None:
    body = [Evaluation(decider_id=DECIDER)]
    with translation.override(language):
        assert violation_message(found) == humanize(message(found), body)


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("u41 / DANG_VIEN / LANH_DAO_DON_VI", "Đảng viên — lãnh đạo cơ quan, đơn vị"),
        ("u41 / TCCSD / TAT_CA", "Tổ chức cơ sở đảng TAT_CA"),
        ("u41 / CN_LDQL / TAT_CA", "u41 / CN_LDQL / TAT_CA"),
        ("KHONG_CHUC_VU", "KHONG_CHUC_VU"),
    ],
)
def test_a_quota_group_is_named_by_its_kind_and_members_group(label: str, words: str) -> None:
    with translation.override("vi"):
        assert group_words(label) == words


def test_the_words_leave_subject_names_and_clauses_alone() -> None:
    """The substitution rewrote a code wherever it stood; the numbers' names touch only them."""
    waiting = rules.undecided_first("c3", ["CANH_CAO Văn A"], rules.get_ruleset("366-2025"))
    assert waiting is not None
    with translation.override("vi"):
        assert "CANH_CAO Văn A" in violation_message(waiting)
