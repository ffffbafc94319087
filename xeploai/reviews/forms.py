"""Django forms of the round: the self-review built from the form definitions, and the rest."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xeploai.lib.text import nfc
from xeploai.lib.widgets import RememberedSelect
from xeploai.org.models import Level
from xeploai.reviews.formdefs import FORMS, FormDef
from xeploai.reviews.models import CommentSource, FollowUpStatus, NotRatedReason

GRADES = [
    ("", "—"),
    ("XS", _("Xuất sắc")),
    ("TOT", _("Tốt")),
    ("TB", _("Trung bình")),
    ("KEM", _("Kém")),
]
LEVELS = [("", "—"), *Level.choices]
FIX_STATUS = [
    ("", "—"),
    ("da_khac_phuc", _("Đã khắc phục")),
    ("dang_khac_phuc", _("Đang khắc phục")),
    ("chua_khac_phuc", _("Chưa khắc phục")),
]
TEXT_LIMIT = 20_000
TASK_RESULTS = [
    ("", "—"),
    ("vuot_muc", _("Hoàn thành vượt mức")),
    ("dung_han", _("Hoàn thành đúng tiến độ")),
    ("cham", _("Hoàn thành nhưng chậm tiến độ")),
    ("chua_xong", _("Chưa hoàn thành")),
]
DONE_RESULTS = ("vuot_muc", "dung_han", "cham")


class NfcCharField(forms.CharField):
    """Vietnamese text is stored composed (NFC), whatever the keyboard sent."""

    def to_python(self, value: Any) -> str:
        return nfc(super().to_python(value) or "")


def _quarter_title(title: str, quarter: int, year: int) -> str:
    """Mẫu 05 is headed "Quý, Năm": a quarter round's form says which quarter and year."""
    if not quarter:
        return title
    when = _("Quý {q} năm {year}").format(q=quarter, year=year)
    if "Quý, Năm" in title:
        return title.replace("Quý, Năm", when, 1)
    return f"{title} — {when}"


# The self-review's fields, built once per process for each form definition and variant (a
# form of 33 fields cost ~3 ms to build on every request: issue 19 §4). The forms share them:
# Django reads a field and its widget when it cleans and renders, never writes them (it
# deep-copies ``base_fields`` only because a form may change its own), and these forms do not
# change theirs. Keyed by the language too: some labels are worded when built. Their selects
# keep their markup (``RememberedSelect``: the choices never change).
_BUILT: dict[tuple[Any, ...], dict[str, forms.Field]] = {}


def _built(build: Callable[..., dict[str, forms.Field]], definition: FormDef, *variant: Any) -> Any:
    """``build(definition, *variant)``, kept for the next form of the same definition (a
    definition not among ``FORMS``, as a test's own, is built each time)."""
    if FORMS.get(definition.code) is not definition:
        return build(definition, *variant)
    key = (build.__name__, definition.code, *variant, get_language())
    fields = _BUILT.get(key)
    if fields is None:
        fields = _BUILT[key] = build(definition, *variant)
    return fields


def _section_fields(definition: FormDef) -> dict[str, forms.Field]:
    """The self-review's text and self-grade of each section of the form."""
    fields: dict[str, forms.Field] = {}
    for section in definition.sections:
        fields[f"text_{section.key}"] = NfcCharField(
            label=section.label,
            required=False,
            max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        if section.graded and not definition.scored:
            fields[f"grade_{section.key}"] = forms.ChoiceField(
                label=_("Tự đánh giá mức độ"),
                choices=GRADES,
                required=False,
                widget=RememberedSelect,
            )
    return fields


def _task_fields(
    definition: FormDef, task_rows: int, quarter: int, civil_servant: bool
) -> dict[str, forms.Field]:
    """The fields after last year's shortcomings: the scores, the task list and counts, the
    self-proposed levels."""
    fields: dict[str, forms.Field] = {}
    if definition.scored:
        fields["score_common"] = forms.DecimalField(
            label=_("Nhóm tiêu chí chung (tối đa 30 điểm)"),
            required=False,
            min_value=Decimal(0),
            max_value=Decimal(30),
            decimal_places=1,
        )
        fields["score_tasks"] = forms.DecimalField(
            label=_("Nhóm tiêu chí về kết quả thực hiện nhiệm vụ (tối đa 70 điểm)"),
            required=False,
            min_value=Decimal(0),
            max_value=Decimal(70),
            decimal_places=1,
        )
        fields["annex"] = NfcCharField(
            label=_("Phụ lục: sản phẩm, tiến độ, chất lượng các nhiệm vụ được giao"),
            required=False,
            max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
    for index in range(task_rows):
        fields[f"task_{index}"] = NfcCharField(
            label=_("Nhiệm vụ {n}").format(n=index + 1), required=False, max_length=500
        )
        fields[f"product_{index}"] = NfcCharField(
            label=_("Sản phẩm, kết quả cụ thể"), required=False, max_length=1000
        )
        fields[f"result_{index}"] = forms.ChoiceField(
            label=_("Mức độ hoàn thành"),
            choices=TASK_RESULTS,
            required=False,
            widget=RememberedSelect,
        )
    if not definition.collective:
        for name, label in (
            (
                "tasks_total",
                _("Số nhiệm vụ được giao trong quý")
                if quarter
                else _("Số nhiệm vụ được giao trong năm"),
            ),
            ("tasks_done", _("Số nhiệm vụ hoàn thành")),
            ("tasks_exceeded", _("trong đó hoàn thành vượt mức")),
            ("tasks_late", _("Số nhiệm vụ chậm tiến độ")),
        ):
            fields[name] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=10_000
            )
    if civil_servant:
        fields["civil_level"] = forms.ChoiceField(
            label=_("Tự nhận mức xếp loại cán bộ, công chức, viên chức"),
            choices=LEVELS,
            required=False,
            widget=RememberedSelect,
        )
    fields["self_level"] = forms.ChoiceField(
        label=_("Tự nhận mức xếp loại chất lượng"),
        choices=LEVELS,
        required=False,
        widget=RememberedSelect,
    )
    return fields


class SelfReviewForm(forms.Form):
    """One form for every variant: the fields come from the form definition."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        definition: FormDef,
        previous_items: list[str],
        civil_servant: bool,
        task_rows: int = 5,
        quarter: int = 0,
        year: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.quarter = quarter
        # Mẫu 05 is "Quý, Năm": a quarter round's form says which quarter, and counts its tasks
        # "trong quý" (issue 18 §1)
        self.title = _quarter_title(str(definition.title), quarter, year)
        self.previous_items = previous_items
        self.task_rows = 0 if definition.collective else task_rows
        self.fields.update(_built(_section_fields, definition))
        for index, item in enumerate(previous_items):  # the member's own: built each time
            self.fields[f"prev_{index}"] = forms.ChoiceField(
                label=item, choices=FIX_STATUS, required=False
            )
        self.fields.update(_built(_task_fields, definition, self.task_rows, quarter, civil_servant))

    def tasks(self) -> list[dict[str, str]]:
        """The filled rows of the task list (the annex of task products)."""
        data = self.cleaned_data
        return [
            {
                "task": data.get(f"task_{i}", ""),
                "product": data.get(f"product_{i}", ""),
                "result": data.get(f"result_{i}", ""),
            }
            for i in range(self.task_rows)
            if data.get(f"task_{i}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(self.task_rows):
            if data.get(f"task_{index}") and not data.get(f"result_{index}"):
                self.add_error(f"result_{index}", _("Cần chọn mức độ hoàn thành của nhiệm vụ."))
            if not data.get(f"task_{index}") and (
                data.get(f"product_{index}") or data.get(f"result_{index}")
            ):
                self.add_error(f"task_{index}", _("Cần ghi tên nhiệm vụ."))
        rows = self.tasks() if not self.errors else []
        if rows:  # the counts come from the list when there is one
            data["tasks_total"] = len(rows)
            data["tasks_done"] = sum(1 for r in rows if r["result"] in DONE_RESULTS)
            data["tasks_exceeded"] = sum(1 for r in rows if r["result"] == "vuot_muc")
            data["tasks_late"] = sum(1 for r in rows if r["result"] == "cham")
        total, done = data.get("tasks_total"), data.get("tasks_done")
        exceeded, late = data.get("tasks_exceeded"), data.get("tasks_late")
        if total is not None and done is not None and done > total:
            self.add_error(
                "tasks_done", _("Số nhiệm vụ hoàn thành không thể lớn hơn số được giao.")
            )
        if done is not None and exceeded is not None and exceeded > done:
            self.add_error("tasks_exceeded", _("Số vượt mức không thể lớn hơn số hoàn thành."))
        if total is not None and late is not None and late > total:
            self.add_error("tasks_late", _("Số chậm tiến độ không thể lớn hơn số được giao."))
        return data

    def require_complete(self) -> None:
        """On submit, everything the rules read must be there (errors name each field)."""
        for section in () if self.definition.scored else self.definition.graded_sections:
            if section.key == "previous" and not self.previous_items:
                continue
            if not self.cleaned_data.get(f"grade_{section.key}"):
                self.add_error(f"grade_{section.key}", _("Cần tự đánh giá mức độ trước khi nộp."))
        if self.definition.scored:
            for name in ("score_common", "score_tasks"):
                if self.cleaned_data.get(name) is None:
                    self.add_error(name, _("Cần chấm điểm trước khi nộp."))
        for index in range(len(self.previous_items)):
            if not self.cleaned_data.get(f"prev_{index}"):
                self.add_error(f"prev_{index}", _("Cần cho biết kết quả khắc phục."))
        if not self.cleaned_data.get("self_level"):
            self.add_error("self_level", _("Cần tự nhận mức xếp loại trước khi nộp."))

    def content(self) -> dict[str, Any]:
        """The cleaned data as the JSON stored on the evaluation."""
        data = self.cleaned_data
        content: dict[str, Any] = {"form": self.definition.code, "sections": {}}
        for section in self.definition.sections:
            entry: dict[str, Any] = {"text": data.get(f"text_{section.key}", "")}
            if section.graded and not self.definition.scored:
                entry["grade"] = data.get(f"grade_{section.key}", "")
            content["sections"][section.key] = entry
        content["shortcomings"] = [
            line.strip(" -•\t")
            for line in data.get("text_shortcomings", "").splitlines()
            if line.strip(" -•\t")
        ]
        content["previous"] = [
            {"text": item, "status": data.get(f"prev_{index}", "")}
            for index, item in enumerate(self.previous_items)
        ]
        for name in ("score_common", "score_tasks"):
            if data.get(name) is not None:
                content[name] = float(data[name])
        for name in ("annex", "civil_level"):
            if data.get(name):
                content[name] = data[name]
        for name in ("tasks_total", "tasks_done", "tasks_exceeded", "tasks_late"):
            if data.get(name) is not None:
                content[name] = data[name]
        if self.task_rows:
            content["tasks"] = self.tasks()
        content["self_level"] = data.get("self_level", "")
        return content

    @staticmethod
    def initial_from(content: dict[str, Any], version: int) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": version}
        for key, entry in content.get("sections", {}).items():
            initial[f"text_{key}"] = entry.get("text", "")
            initial[f"grade_{key}"] = entry.get("grade", "")
        for index, item in enumerate(content.get("previous", [])):
            initial[f"prev_{index}"] = item.get("status", "")
        for index, row in enumerate(content.get("tasks", [])):
            initial[f"task_{index}"] = row.get("task", "")
            initial[f"product_{index}"] = row.get("product", "")
            initial[f"result_{index}"] = row.get("result", "")
        for name in (
            "score_common",
            "score_tasks",
            "annex",
            "civil_level",
            "self_level",
            "tasks_total",
            "tasks_done",
            "tasks_exceeded",
            "tasks_late",
        ):
            if name in content:
                initial[name] = content[name]
        return initial


def review_form_parts(form: SelfReviewForm) -> dict[str, list[Any]]:
    """The form's fields as the page's loops take them (``{% review_sections %}``, ``{%
    review_tasks %}``): per section its text and self-grade, last year's shortcomings, the
    task rows."""
    return {
        "rows": [
            (
                section,
                form[f"text_{section.key}"],
                form[f"grade_{section.key}"] if f"grade_{section.key}" in form.fields else None,
            )
            for section in form.definition.sections
        ],
        "previous": [form[f"prev_{i}"] for i in range(len(form.previous_items))],
        "tasks": [
            (form[f"task_{i}"], form[f"product_{i}"], form[f"result_{i}"])
            for i in range(form.task_rows)
        ],
    }


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = NfcCharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    source = forms.ChoiceField(label=_("Nguồn nhận xét"), choices=CommentSource.choices)
    author = NfcCharField(label=_("Nơi, người nhận xét"), max_length=200, required=False)
    text = NfcCharField(
        label=_("Nội dung nhận xét"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scan = forms.FileField(label=_("Bản quét (PDF, ảnh)"), required=False)
    received_on = forms.DateField(
        label=_("Ngày nhận"), widget=forms.DateInput(attrs={"type": "date"})
    )

    ALLOWED = (".pdf", ".jpg", ".jpeg", ".png")
    MAX_BYTES = 10 * 1024 * 1024

    def clean_scan(self) -> Any:
        scan = self.cleaned_data.get("scan")
        if scan:
            if not scan.name.lower().endswith(self.ALLOWED):
                raise ValidationError(_("Chỉ nhận tệp PDF, JPG hoặc PNG."))
            if scan.size > self.MAX_BYTES:
                raise ValidationError(_("Tệp quá lớn (tối đa 10 MB)."))
        return scan

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("scan"):
            raise ValidationError(_("Cần nhập nội dung nhận xét hoặc tải lên bản quét."))
        return data


class ProposeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Mức đề xuất"), choices=LEVELS, required=False)
    not_rated_reason = forms.ChoiceField(
        label=_("Hoặc: chưa xếp loại vì"),
        choices=[("", "—"), *NotRatedReason.choices],
        required=False,
    )
    reason = NfcCharField(
        label=_("Lý do, căn cứ"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("level")) == bool(data.get("not_rated_reason")):
            raise ValidationError(_("Chọn một mức xếp loại, hoặc một lý do chưa xếp loại."))
        return data


class DecideForm(ProposeForm):
    override = forms.BooleanField(
        label=_("Cấp có thẩm quyền quyết định khác gợi ý của quy tắc (ghi rõ lý do)"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("override") and not data.get("reason"):
            self.add_error("reason", _("Cần ghi rõ lý do khi quyết định khác gợi ý của quy tắc."))
        return data


class FollowUpForm(forms.Form):
    plan = NfcCharField(
        label=_("Kế hoạch giúp đỡ, khắc phục"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assignee = NfcCharField(
        label=_("Người được phân công theo dõi"), max_length=200, required=False
    )
    status = forms.ChoiceField(label=_("Tình trạng"), choices=FollowUpStatus.choices)
