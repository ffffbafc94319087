"""The decision board's speed-ups change nothing a person sees: the rule facts are read once per
page, and the rows' selects and level badges are the markup the template loops wrote."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from xeploai.reviews import engine
from xeploai.reviews.forms import DecideForm
from xeploai.reviews.models import Evaluation, Stage
from xeploai.reviews.templatetags.board import level_badge, level_options, reason_options
from xeploai.testing import make_round

LEVELS = DecideForm.base_fields["level"].choices
REASONS = DecideForm.base_fields["not_rated_reason"].choices


def loop_markup(cell_level: str, not_rated_reason: str) -> str:
    """What board.html wrote before: the two select loops and the level include."""
    return Template(
        '{% for value, label in levels %}<option value="{{ value }}"'
        '{% if value == cell_level %} selected{% endif %}>{{ value|default:"—" }}</option>'
        '{% endfor %}|{% for value, label in reasons %}<option value="{{ value }}"'
        "{% if not cell_level and value == reason %} selected{% endif %}>{{ label }}</option>"
        '{% endfor %}|{% include "reviews/_level.html" with level=cell_level %}'
    ).render(
        Context(
            {
                "levels": LEVELS,
                "reasons": REASONS,
                "cell_level": cell_level,
                "reason": not_rated_reason,
            }
        )
    )


@pytest.mark.parametrize(
    ("cell_level", "not_rated_reason"),
    [("", ""), ("HTXSNV", ""), ("HTTNV", ""), ("KHTNV", ""), ("", "MIEN_SINH_HOAT")],
)
def test_the_row_markup_is_the_one_the_template_loops_wrote(cell_level, not_rated_reason):
    codes = tuple(value for value, _ in LEVELS)
    reasons = tuple((value, str(label)) for value, label in REASONS)
    built = (
        f"{level_options(codes, cell_level)}|"
        f"{reason_options(reasons, cell_level, not_rated_reason)}|"
        f"{level_badge(cell_level)}\n"
    )
    assert built == loop_markup(cell_level, not_rated_reason)


@pytest.mark.django_db
def test_the_board_reads_the_rule_facts_once(client, cast, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    Evaluation.objects.filter(period=round_.period).update(stage=Stage.SENT, cell_level="HTTNV")
    loads = []
    real_load = engine.Facts.load

    def counting_load(period, evaluations):
        loads.append(len(evaluations))
        return real_load(period, evaluations)

    monkeypatch.setattr(engine.Facts, "load", counting_load)
    client.force_login(cast.clerk)
    page = client.get(reverse("board", args=[cast.org_a.code]))
    assert page.status_code == 200
    assert len(loads) == 1
    html = page.content.decode()
    assert '<option value="HTTNV" selected>HTTNV</option>' in html
    assert 'class="level-HTTNV"' in html
