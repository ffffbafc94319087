"""``RememberedSelect`` writes what ``Select`` writes, from the first rendering of the same
name, value, attributes, language and renderer on: every value of its choices, none, a value
it does not offer, both languages, both renderers, errors' attributes."""

from __future__ import annotations

import copy
from itertools import product

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.translation import gettext_lazy

from xeploai.lib.widgets import RememberedSelect, Renderer

CHOICES = [
    ("", "—"),
    ("XS", gettext_lazy("Xuất sắc")),
    ("TOT", gettext_lazy("Tốt")),
    ("a<b>", 'Hoàn thành <tốt> & "đủ"'),
]
VALUES = [None, "", "XS", "TOT", "a<b>", "KHÔNG CÓ", '"><script>', 5]
ATTRS = [None, {"id": "id_grade"}, {"id": "id_grade", "aria-invalid": "true"}]


def test_it_writes_what_select_writes_every_time() -> None:
    kept = RememberedSelect(choices=CHOICES)
    plain = forms.Select(choices=CHOICES)
    compared = 0
    for _round in range(2):  # the second round from what it kept
        for language, renderer, value, attrs in product(
            ("vi", "en"), (Renderer(), DjangoTemplates()), VALUES, ATTRS
        ):
            with translation.override(language):
                expected = plain.render("grade", value, attrs, renderer)
                assert kept.render("grade", value, attrs, renderer) == expected
                compared += 1
    assert compared == 2 * 2 * 2 * len(VALUES) * len(ATTRS)
    with translation.override("en"):
        assert "Excellent" in kept.render("grade", "XS", None, Renderer())
    # what was sent and is not among the choices is not kept: a request cannot grow it
    assert not any("KHÔNG CÓ" in key or '"><script>' in key for key in kept._kept)


def test_a_copy_keeps_its_own_markup() -> None:
    kept = RememberedSelect(choices=CHOICES)
    kept.render("grade", "XS", None, Renderer())
    other = copy.deepcopy(kept)
    other.choices = [("", "—"), ("XS", "Khác")]
    assert "Khác" in other.render("grade", "XS", None, Renderer())
    assert "Khác" not in kept.render("grade", "XS", None, Renderer())
