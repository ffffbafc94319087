import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from xeploai.org import services
from xeploai.org.models import Membership, MembershipKind, Person
from xeploai.testing import Cast, make_person

pytestmark = pytest.mark.django_db


def test_citizen_id_and_card_number_are_unique_when_present(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        make_person(cast.cell_a1, citizen_id=cast.member_a1.citizen_id)
    assert "citizen_id" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_person(cast.cell_a1, party_card_number=cast.member_a1.party_card_number)
    assert "party_card_number" in error.value.message_dict
    # absent identifiers never collide
    make_person(cast.cell_a1, citizen_id="", party_card_number="")
    make_person(cast.cell_a1, citizen_id="", party_card_number="")


def test_a_bad_person_is_refused_with_the_field_named_and_nothing_saved(cast: Cast) -> None:
    people, memberships = Person.objects.count(), Membership.objects.count()
    with pytest.raises(ValidationError) as error:
        make_person(
            cast.cell_a1,
            citizen_id="12345",
            admission_date=dt.date(2010, 1, 1),
            official_date=dt.date(2009, 1, 1),
        )
    assert "citizen_id" in error.value.message_dict
    assert "12 chữ số" in error.value.message_dict["citizen_id"][0]
    assert "official_date" in error.value.message_dict
    assert (Person.objects.count(), Membership.objects.count()) == (people, memberships)


def test_members_belong_to_cells_only(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        make_person(cast.org_a)
    assert "unit" in error.value.message_dict


def test_names_are_normalized_and_searchable_without_accents(cast: Cast) -> None:
    person = make_person(cast.cell_a1, full_name="  Nguyễn   Văn  Đức ")
    assert person.full_name == "Nguyễn Văn Đức"
    assert list(Person.objects.search("nguyen van duc")) == [person]
    assert list(Person.objects.search("ĐỨC")) == [person]
    assert person.party_card_number and person.citizen_id
    assert list(Person.objects.search(person.party_card_number)) == [person]
    assert list(Person.objects.search(person.citizen_id)) == [person]


def test_a_transfer_closes_the_old_membership_and_opens_one_in_the_new_cell(cast: Cast) -> None:
    person = cast.member_a1
    services.person_transfer(
        actor=None, person=person, to_unit=cast.cell_b1, on=dt.date(2026, 7, 1)
    )
    person.refresh_from_db()
    assert person.unit == cast.cell_b1
    history = list(person.memberships.order_by("start").values_list("unit__code", "end"))
    assert history == [("A1", dt.date(2026, 6, 30)), ("B1", None)]


def test_only_one_open_official_membership_per_member(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=cast.member_a1,
            unit=cast.cell_a2,
            kind=MembershipKind.OFFICIAL,
            start=dt.date(2020, 1, 1),
        )
