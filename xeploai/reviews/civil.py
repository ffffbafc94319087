"""The round's civil-servant members and their civil-service (CBCCVC) rating for the year.

A member who is a civil servant is rated by the agency first; the party rating follows it (366
Đ.3 k.4, ``order.civil_service_first``). The clerk enters the agency's rating here, beside the
level the member declared in the self-review (a suggestion, never copied on its own), and
reads the rule with its clause where it applies. Two queries whatever the unit's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.org import access as org_access
from xeploai.org.models import CivilServiceRating, Level, OrgUnit, Person, Role
from xeploai.reviews.facts import ruleset_of
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.reviews.wording import message

# Who enters the agency's rating: the grassroots committee's office (and the committee).
CIVIL_WRITERS = (Role.CLERK, Role.COMMITTEE)


def can_write(user: Any, unit: OrgUnit) -> bool:
    """True when ``user`` may enter civil-service ratings over ``unit``."""
    return bool(org_access.roles_at(user, unit) & {*CIVIL_WRITERS, Role.ADMIN})


class CivilRatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Mức xếp loại"), choices=[("", "—"), *((c, c) for c in Level.values)]
    )
    points = forms.DecimalField(
        label=_("Điểm"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    agency = forms.CharField(label=_("Cơ quan xếp loại"), required=False, max_length=255)
    rated_on = forms.DateField(
        label=_("Ngày xếp loại"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@dataclass
class CivilRow:
    evaluation: Evaluation
    rating: CivilServiceRating | None
    bound: CivilRatingForm | None = None  # the form as posted (with its errors), else none
    saved: bool = False

    @cached_property
    def form(self) -> CivilRatingForm:
        """The entry's form: as posted, else this year's rating in it — built only when a page
        shows the entry (the round page of a secretary, who enters none, never builds it)."""
        if self.bound is not None:
            return self.bound
        return rating_form(self.evaluation, self.rating)

    @property
    def declared(self) -> str:
        """The civil-service level the member declared in the self-review (part VII.1)."""
        level = (self.evaluation.content or {}).get("civil_level", "")
        return level if level in Level.values else ""

    @property
    def points_text(self) -> str:
        """The points the Vietnamese way ("86,5"), or "" without points."""
        points = self.rating.points if self.rating is not None else None
        return rules.format_number(points) if points is not None else ""

    @property
    def party_level(self) -> str:
        e = self.evaluation
        return e.level or e.cell_level or ""

    @property
    def basis_note(self) -> str:
        """The rule's words when the party level (decided or proposed) is above the civil-service
        rating, which is its basis (366 Đ.3 k.4: a higher party rating needs a justification)."""
        party, rating = self.party_level, self.rating
        if not party or rating is None or rules.Level[party] <= rules.Level[rating.level]:
            return ""
        ruleset = ruleset_of(self.evaluation.period)
        key = (
            "cap.civil_service"
            if ruleset.settings.civil_service_link is rules.CivilServiceLink.HARD
            else "cap.civil_service_basis"
        )
        numbers: dict[str, Any] = {"cs_level": rules.Level[rating.level]}
        if key == "cap.civil_service":
            numbers["level"] = rules.Level[rating.level]
        return message(rules.Explanation(key, ruleset.clause(key), numbers))


def _plain(points: Decimal | None) -> Decimal | None:
    """86.50 → 86.5 and 100.00 → 100 (not 1E+2) for the number field."""
    if points is None:
        return None
    return points.quantize(Decimal(1)) if points == points.to_integral() else points.normalize()


def rating_form(evaluation: Evaluation, rating: CivilServiceRating | None) -> CivilRatingForm:
    initial: dict[str, Any] = {}
    if rating is not None:
        initial = {
            "level": rating.level,
            "points": _plain(rating.points),
            "agency": rating.agency,
            "rated_on": rating.rated_on,
        }
    return CivilRatingForm(initial=initial, prefix=f"c{evaluation.pk}")


def civil_rows(
    unit: OrgUnit, period: Period, in_hand: list[Evaluation] | None = None
) -> list[CivilRow]:
    """The civil-servant members of ``unit``'s subtree in ``period``, with this year's rating.

    ``in_hand``: the evaluations of a cell's round page (the cell's every evaluation in the
    period with its person, unit and period, ordered by kind, name and id): its civil servants
    are taken from them, in the order the query gives, without reading them again."""
    if in_hand is not None and unit.is_cell:
        evaluations = [
            e
            for e in in_hand
            if e.kind == SubjectKind.MEMBER and e.person is not None and e.person.is_civil_servant
        ]
    else:
        evaluations = list(
            Evaluation.objects.filter(
                period=period,
                kind=SubjectKind.MEMBER,
                person__is_civil_servant=True,
                unit__path__startswith=unit.path,
            )
            .select_related("person", "unit", "period")
            .order_by("unit__path", "person__name_folded", "pk")
        )
    ratings = {
        r.person_id: r
        for r in CivilServiceRating.objects.filter(
            year=period.year, person_id__in=[e.person_id for e in evaluations]
        )
    }
    rows = []
    for evaluation in evaluations:
        rating = ratings.get(evaluation.person_id or 0)
        rows.append(CivilRow(evaluation, rating))
    return rows


def civil_rule(period: Period) -> str:
    """The ordering rule as the engine words it, with the clause of the period's rule set."""
    ruleset = ruleset_of(period)
    key = "order.civil_service_first"
    explanation = rules.Explanation(key, ruleset.clause(key), {"detail_vi": "", "detail_en": ""})
    return message(explanation)


def civil_scale(period: Period) -> str:
    """The civil-service scale of the period's year (rules/civil.py)."""
    scale = rules.civil_scale_for(period.year)
    return scale.title_en if get_language() == "en" else scale.title_vi


def civil_counts(unit: OrgUnit, period: Period) -> tuple[int, int]:
    """(rated, total): the civil-servant members of the round in ``unit``'s subtree, and those
    of them with a rating of the year — one plain statement (the board's link; the ORM's two
    counts cost more to build than to run). One evaluation a member and a round, one rating a
    person and a year (constraints): each member counts once."""
    member, person, rating = Evaluation._meta, Person._meta, CivilServiceRating._meta
    quote = connection.ops.quote_name

    def column(meta: Any, name: str) -> str:
        return quote(meta.get_field(name).column)

    sql = (
        f"SELECT COUNT(*), COUNT(r.{column(rating, 'id')}) "  # noqa: S608 — names from _meta
        f"FROM {quote(member.db_table)} e "
        f"JOIN {quote(person.db_table)} p ON p.{column(person, 'id')} = e.{column(member, 'person')} "
        f"JOIN {quote(OrgUnit._meta.db_table)} u ON u.{column(OrgUnit._meta, 'id')} "
        f"= e.{column(member, 'unit')} "
        f"LEFT JOIN {quote(rating.db_table)} r ON r.{column(rating, 'person')} "
        f"= e.{column(member, 'person')} AND r.{column(rating, 'year')} = %s "
        f"WHERE e.{column(member, 'period')} = %s AND e.{column(member, 'kind')} = %s "
        f"AND p.{column(person, 'is_civil_servant')} = %s "
        f"AND u.{column(OrgUnit._meta, 'path')} LIKE %s"
    )
    # Paths are base-36 digits and "/": nothing to escape for LIKE.
    params: list[Any] = [period.year, period.pk, str(SubjectKind.MEMBER), True, unit.path + "%"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        total, rated = cursor.fetchone()
    return int(rated), int(total)
