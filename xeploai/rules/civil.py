"""The civil-service (CBCCVC) rating scale of each year: data, not code.

A party member who is a civil servant is rated by the agency first (366 Đ.3 k.4; the order
rule ``order.civil_service_first``); the product records that rating and checks it against the
state scale of its year:

- up to 2025, Nghị định 90/2020/NĐ-CP (amended by 48/2023): the four levels, no points;
- from 2026, Nghị định 335/2025/NĐ-CP: KPI points out of 100 (30 common + 70 task results)
  and the same four levels, by the bands ≥ 90 / 70–< 90 / 50–< 70 / < 50.

Points bound the level from above only: the decree's KHTNV cases (degradation, discipline
tied to public duty, …) and its 20 % cap on the top level may lower a level whatever the points,
but no level may be above the band of its points (``civil.level_above_points``).

>>> civil_scale_for(2026).key, civil_scale_for(2025).key
('ND335-2025', 'ND90-2020')
>>> civil_scale_for(2026).band(Decimal("89.5"))
<Level.HTTNV: 3>
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xeploai.rules.explain import Explanation
from xeploai.rules.levels import Level

MAX_POINTS = Decimal(100)


@dataclass(frozen=True, slots=True)
class CivilScale:
    """The state scale that rates civil servants for the years ``first_year``–``last_year``."""

    key: str
    title_vi: str
    title_en: str
    source: str  # the decree, as the pages cite it
    first_year: int
    last_year: int | None
    # Lowest points of each level, best first; empty: the scale has no points.
    bands: tuple[tuple[Level, Decimal], ...] = ()

    @property
    def has_points(self) -> bool:
        return bool(self.bands)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    def band(self, points: Decimal) -> Level:
        """The level the points reach (only on a scale with points)."""
        for level, lowest in self.bands:
            if points >= lowest:
                return level
        return Level.KHTNV


ND90 = CivilScale(
    key="ND90-2020",
    title_vi="Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP): bốn mức, không chấm "
    "điểm",
    title_en="Decree 90/2020/ND-CP (amended by 48/2023/ND-CP): four levels, no points",
    source="NĐ 90/2020/NĐ-CP",
    first_year=2020,
    last_year=2025,
)
ND335 = CivilScale(
    key="ND335-2025",
    title_vi="Nghị định 335/2025/NĐ-CP: chấm điểm KPI thang 100 (30 điểm chung, 70 điểm kết quả "
    "nhiệm vụ), bốn mức",
    title_en="Decree 335/2025/ND-CP: KPI points out of 100 (30 common, 70 task results), four "
    "levels",
    source="NĐ 335/2025/NĐ-CP",
    first_year=2026,
    last_year=None,
    bands=(
        (Level.HTXSNV, Decimal(90)),
        (Level.HTTNV, Decimal(70)),
        (Level.HTNV, Decimal(50)),
        (Level.KHTNV, Decimal(0)),
    ),
)
SCALES: tuple[CivilScale, ...] = (ND90, ND335)


def civil_scale_for(year: int) -> CivilScale:
    """The scale of ``year``; a year before the first scale reads by the oldest one."""
    for scale in SCALES:
        if scale.covers(year):
            return scale
    return SCALES[0]


def civil_rating_problems(
    year: int, level: Level, points: Decimal | None
) -> tuple[Explanation, ...]:
    """What is wrong with a civil-service rating of ``year`` (empty: nothing), each with the
    decree it comes from."""
    scale = civil_scale_for(year)
    clause = scale.source
    if points is None:
        return ()
    if not scale.has_points:
        return (Explanation("civil.no_points", clause, {"year": str(year)}),)
    if not Decimal(0) <= points <= MAX_POINTS:
        return (Explanation("civil.points_range", clause, {"points": points}),)
    band = scale.band(points)
    if level > band:
        return (
            Explanation(
                "civil.level_above_points",
                clause,
                {"points": points, "level": level, "band": band},
            ),
        )
    return ()
