"""compute_report: the §7.1 figures from the statistics tables, in a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xeploai.cycles.models import Period
from xeploai.org.models import ExcellenceGroup, UnitKind
from xeploai.reports import compute
from xeploai.reports.compute import QUERIES, compute_report
from xeploai.reports.records import Block, Counts, Denominator, Options, QuotaBase, change
from xeploai.reports.tests.factories import evaluate, make_period
from xeploai.reports.wording import change_text, count, pct
from xeploai.reviews.models import (
    NOT_RATED_PREFIX,
    PENDING,
    STAT_REASONS,
    Evaluation,
    PoolStat,
    SubjectKind,
)
from xeploai.reviews.stats import result_set, stats_differences, stats_rebuild
from xeploai.testing import Cast, make_unit

AS_OF = dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # nothing at all: no base, no percentage
        (
            Counts(),
            {"rated_share": None, "tt_plus_rate": None, "ht_rate": None, "xs_tt_plus": None},
        ),
        # everything excused: rated 0 %, rates without a base
        (
            Counts(total=3, not_rated=(("MOI_THANH_LAP", 3),)),
            {
                "rated_share": Decimal("0.00"),
                "tt_plus_rate": None,
                "ht_rate": None,
                "xs_tt_plus": None,
            },
        ),
        # seed 004, members
        (
            Counts(
                total=6102, not_rated=(("MOI_KET_NAP_DUOI_6T", 132),), xs=847, tt=5041, ht=67, k=15
            ),
            {
                "rated_share": Decimal("97.84"),
                "tt_plus_rate": Decimal("98.63"),
                "ht_rate": Decimal("1.12"),
                "xs_tt_plus": Decimal("14.39"),
            },
        ),
        # 3879 / 20000 = 19.395 % → 19.40 (printed "19,4%"); 3877 / 20000 = 19.385 % → 19.39
        # (half-up: banker's rounding would give 19.38); 1 / 800 = 0.125 % → 0.13
        (Counts(total=20000, xs=3879, tt=16121), {"xs_tt_plus": Decimal("19.40")}),
        (Counts(total=20000, xs=3877, tt=16123), {"xs_tt_plus": Decimal("19.39")}),
        (Counts(total=800, tt=799, k=1), {"ht_rate": Decimal("0.00"), "k_rate": Decimal("0.13")}),
        (Counts(total=3, xs=1, tt=1, ht=1), {"tt_plus_rate": Decimal("66.67")}),
    ],
)
def test_counts_give_the_rates_of_rules_7_1(
    counts: Counts, expected: dict[str, Decimal | None]
) -> None:
    actual = {
        "rated_share": counts.rated_share,
        "tt_plus_rate": counts.tt_plus_rate,
        "ht_rate": counts.ht_rate,
        "k_rate": counts.k_rate,
        "xs_tt_plus": counts.xs_share(Denominator.TT_PLUS),
    }
    assert {key: actual[key] for key in expected} == expected


def test_the_htxsnv_share_has_three_labelled_bases() -> None:
    counts = Counts(total=5970, xs=847, tt=5041, ht=67, k=15)
    assert counts.xs_share(Denominator.TT_PLUS) == Decimal("14.39")
    assert counts.xs_share(Denominator.RATED) == Decimal("14.19")
    assert counts.xs_share(Denominator.TT_ONLY) == Decimal("16.80")


@pytest.mark.parametrize(
    ("now", "before", "text"),
    [
        ("5.63", "4.00", "tăng 1,63%"),
        ("94.37", "94.67", "giảm 0,3%"),
        ("0.25", "0.41", "giảm 0,16%"),
        ("0", "0", "không thay đổi"),
        ("0.00", "1.33", "giảm 1,33%"),
        (None, "1.33", ""),  # nothing rated yet this year: no comparison
    ],
)
def test_changes_are_percentage_points_in_words(now: str | None, before: str, text: str) -> None:
    points = change(Decimal(now) if now else None, Decimal(before))
    assert change_text(points) == text


def test_numbers_are_written_the_vietnamese_way() -> None:
    assert pct(Decimal("19.40")) == "19,4%"
    assert pct(Decimal("94.37")) == "94,37%"
    assert pct(None) == "—"
    assert count(4) == "04"
    assert count(6102) == "6.102"
    assert count(0) == "0"


def test_a_block_without_a_previous_year_has_no_change() -> None:
    block = Block(kind=SubjectKind.MEMBER, current=Counts(total=1, tt=1))
    assert block.tt_plus_change is None
    assert change_text(block.tt_plus_change) == ""


def test_the_report_counts_the_whole_subtree(periods: tuple[Period, Period], cast: Cast) -> None:
    _, now = periods
    report = compute_report(cast.root, now, as_of=AS_OF)
    members = report.block(SubjectKind.MEMBER).current
    assert (members.total, members.rated, members.pending, members.not_rated_total) == (
        15,
        13,
        1,
        1,
    )
    assert (members.xs, members.tt, members.ht, members.k) == (3, 10, 0, 0)
    assert members.tt_plus_rate == Decimal("100.00")
    assert members.xs_share() == Decimal("23.08")  # 3 / 13
    grassroots = report.block(SubjectKind.GRASSROOTS).current
    assert (grassroots.total, grassroots.rated, grassroots.not_rated) == (
        3,
        2,
        (("MOI_THANH_LAP", 1),),
    )
    assert report.period.previous_year == 2025


def test_the_report_compares_with_the_previous_year(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    _, now = periods
    members = compute_report(cast.root, now, as_of=AS_OF).block(SubjectKind.MEMBER)
    assert members.previous is not None
    assert members.previous.tt_plus_rate == Decimal("86.67")  # 13 / 15
    assert members.tt_plus_change == Decimal("13.33")
    assert members.ht_change == Decimal("-13.33")
    assert members.k_change == Decimal("0.00")
    assert change_text(members.k_change) == "không thay đổi"


def test_the_drill_down_has_one_row_per_child_with_the_same_figures(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    _, now = periods
    report = compute_report(cast.root, now, as_of=AS_OF)
    rows = {row.unit.code: row for row in report.children}
    assert set(rows) == {"A", "B", "C"}
    a_members = rows["A"].block(SubjectKind.MEMBER)
    assert (a_members.current.xs, a_members.current.tt, a_members.current.total) == (3, 6, 10)
    assert a_members.previous is not None
    assert a_members.previous.ht == 2
    assert rows["C"].block(SubjectKind.GRASSROOTS).current.not_rated == (("MOI_THANH_LAP", 1),)
    assert sum(r.block(SubjectKind.MEMBER).current.total for r in report.children) == 15


def test_a_unit_sees_only_its_subtree(periods: tuple[Period, Period], cast: Cast) -> None:
    _, now = periods
    report = compute_report(cast.org_a, now, as_of=AS_OF)
    assert report.block(SubjectKind.MEMBER).current.total == 10
    assert [row.unit.code for row in report.children] == ["A1", "A2"]


def test_quota_findings_name_the_body_and_its_numbers(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    _, now = periods
    report = compute_report(cast.root, now, as_of=AS_OF)
    [finding] = report.quota_findings
    assert (finding.decider.code, finding.block, finding.xs, finding.base) == (
        "A",
        "dang_vien",
        3,
        9,
    )
    assert finding.allowed == 1 and finding.share == Decimal("33.33")
    # Cells of A: 1 HTXSNV of 2 HTTNV-or-above, but fewer than 5 all rated HTTNV+: allowed
    assert all(f.block != SubjectKind.CELL for f in report.quota_findings)


def test_the_stricter_quota_base_counts_httnv_only(cast: Cast) -> None:
    period = make_period(cast.root, 2026)
    evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTXSNV": 2, "HTTNV": 8})
    stats_rebuild(period)
    lenient = compute_report(cast.root, period, as_of=AS_OF)
    strict = compute_report(
        cast.root, period, as_of=AS_OF, options=Options(quota_base=QuotaBase.TT_ONLY)
    )
    assert lenient.quota_findings == ()  # 2 ≤ 20 % × 10
    [finding] = strict.quota_findings  # 2 > 20 % × 8 = 1,6
    assert (finding.base, finding.allowed) == (8, 1)


def test_small_units_may_have_one_htxsnv_only_when_all_are_httnv_or_above(cast: Cast) -> None:
    period = make_period(cast.root, 2026)
    evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTXSNV": 1, "HTTNV": 3})
    evaluate(
        period, SubjectKind.MEMBER, cast.cell_b1, cast.org_b, {"HTXSNV": 1, "HTTNV": 2, "HTNV": 1}
    )
    stats_rebuild(period)
    report = compute_report(cast.root, period, as_of=AS_OF)
    assert [f.decider.code for f in report.quota_findings] == ["B"]


def test_bodies_that_did_not_apply_the_three_groups_are_found(cast: Cast) -> None:
    period = make_period(cast.root, 2026)
    # A: six members all in one group
    evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTXSNV": 1, "HTTNV": 5})
    # B: 2 of 10 overall (within 20 %), but both leaders' group: 2 of 2
    evaluate(
        period,
        SubjectKind.MEMBER,
        cast.cell_b1,
        cast.org_b,
        {"HTXSNV": 2},
        group=ExcellenceGroup.LEADER,
    )
    evaluate(
        period,
        SubjectKind.MEMBER,
        cast.cell_b1,
        cast.org_b,
        {"HTTNV": 8},
        group=ExcellenceGroup.NONE,
    )
    stats_rebuild(period)
    report = compute_report(cast.root, period, as_of=AS_OF)
    assert {(f.decider.code, f.reason) for f in report.group_findings} == {
        ("A", "single_group"),
        ("B", "pooled"),
    }


def test_a_group_whose_rated_members_went_back_to_pending_is_no_group(cast: Cast) -> None:
    """Decision 0012: a pool with no rated subject takes no part in its body's quota, whether
    its row is kept at zero (the subject reopened) or gone (after a rebuild): the findings
    are the same both ways."""
    period = make_period(cast.root, 2026)
    evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTXSNV": 1, "HTTNV": 5})
    [leader] = evaluate(
        period,
        SubjectKind.MEMBER,
        cast.cell_a1,
        cast.org_a,
        {"HTTNV": 1},
        group=ExcellenceGroup.LEADER,
    )
    stats_rebuild(period)
    before = compute_report(cast.root, period, as_of=AS_OF)
    assert before.group_findings == ()  # two groups rated: the groups were applied
    leader = Evaluation.objects.select_related("unit", "decider").get(pk=leader.pk)
    result_set(leader, level="", not_rated_reason="")  # reopened: back to pending
    leader.save()
    kept = PoolStat.objects.get(period=period, decider=cast.org_a, group=ExcellenceGroup.LEADER)
    assert kept.counts() == {PENDING: 1}  # the pool's row stays, nobody rated in it
    reopened = compute_report(cast.root, period, as_of=AS_OF)
    assert [(f.decider.code, f.reason) for f in reopened.group_findings] == [("A", "single_group")]
    assert stats_differences(period) == []
    stats_rebuild(period)
    assert compute_report(cast.root, period, as_of=AS_OF) == reopened


def test_unrated_units_and_progress(periods: tuple[Period, Period], cast: Cast) -> None:
    _, now = periods
    report = compute_report(cast.root, now, as_of=dt.date(2026, 12, 1))
    assert [(u.unit.code, u.block, u.reason) for u in report.unrated_units] == [
        ("C", SubjectKind.GRASSROOTS, "MOI_THANH_LAP")
    ]
    progress = report.progress
    assert progress is not None
    assert {u.unit.code: (u.pending_lower, u.pending_upper) for u in progress.units} == {
        "A": (0, 0),
        "B": (1, 0),
        "C": (0, 0),
    }
    assert (progress.done, progress.total, progress.share) == (2, 3, Decimal("66.67"))
    assert progress.overdue == ()  # the deadline (15/12) has not passed on 1/12
    late = compute_report(cast.root, now, as_of=dt.date(2026, 12, 16)).progress
    assert late is not None
    assert [d.unit.code for d in late.overdue] == ["B"]


def test_the_target_is_more_than_90_percent(periods: tuple[Period, Period], cast: Cast) -> None:
    _, now = periods
    targets = {t.block: t for t in compute_report(cast.root, now, as_of=AS_OF).targets}
    assert targets[SubjectKind.MEMBER].met and targets[SubjectKind.GRASSROOTS].met
    rate = Counts(total=10, tt=9, ht=1).tt_plus_rate
    assert rate is not None
    assert not rate > 90


def test_an_empty_subtree_gives_empty_blocks(cast: Cast) -> None:
    period = make_period(cast.root, 2026)
    stats_rebuild(period)
    report = compute_report(cast.cell_a2, period, as_of=AS_OF)
    assert all(b.current.total == 0 and b.previous is None for b in report.blocks)
    assert report.children == () and report.quota_findings == ()


def test_the_number_of_queries_does_not_grow_with_the_tree(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    _, now = periods
    with CaptureQueriesContext(connection) as small:
        compute_report(cast.root, now, as_of=AS_OF)
    for n in range(3):
        org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root)
        for _ in range(3):
            cell = make_unit(UnitKind.CELL, org)
            evaluate(now, SubjectKind.MEMBER, cell, org, {"HTTNV": 4 + n, "HTNV": 1})
            evaluate(now, SubjectKind.CELL, cell, org, {"HTTNV": 1})
    stats_rebuild(now)
    with CaptureQueriesContext(connection) as large:
        report = compute_report(cast.root, now, as_of=AS_OF)
    assert len(report.children) == 6
    assert len(small) == len(large) == QUERIES


def test_the_not_rated_reasons_are_read_once_per_text_and_the_same_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``_read_counts`` remembers each reasons text "n1,…,n8" across reports (a bounded cache):
    a text seen before, in another row or after the cache was emptied, gives the same counts
    as the buckets counted afresh."""
    reasons = ",".join(str(i % 3) for i in range(len(STAT_REASONS)))
    expected = Counts.from_buckets(
        {
            PENDING: 1,
            "HTTNV": 2,
            **{f"{NOT_RATED_PREFIX}{r}": i % 3 for i, r in enumerate(STAT_REASONS)},
        }
    )
    rows = [
        (1, "a/", "dang_vien", 1, 0, 2, 0, 0, reasons),
        (1, "b/", "dang_vien", 1, 0, 2, 0, 0, reasons),
    ]
    monkeypatch.setattr(compute, "_NOT_RATED", {"0,0,0,0,0,0,0,9": ((("X", 9),), 9)})
    monkeypatch.setattr(compute, "_NOT_RATED_MAX", 1)  # full: emptied at the first new text
    for _ in range(2):  # the second time from the cache, emptied when full
        current, before = compute._read_counts(rows, 1)
        member = [Counts(), Counts(), Counts(), expected]  # the member block is the fourth
        assert current == {"a/": member, "b/": member}
        assert before == {}
    assert list(compute._NOT_RATED) == [reasons]
