from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xeploai.lib.numbers import vn_megabytes

KIND_CHOICES = [
    ("people", _("Danh sách đảng viên")),
    ("units", _("Danh sách tổ chức đảng")),
    ("results", _("Kết quả xếp loại các năm")),
    ("civil", _("Kết quả xếp loại CBCCVC (danh sách của cơ quan)")),
    ("restructure", _("Danh sách sắp xếp tổ chức")),
]
MODE_CHOICES = [
    ("dry_run", _("Chạy thử: kiểm tra và cho biết sẽ thay đổi gì, không ghi")),
    ("apply", _("Nhập: ghi vào cơ sở dữ liệu nếu tệp không có lỗi nào")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("Tệp .xlsx hoặc .csv theo mẫu"))
    mode = forms.ChoiceField(
        label=_("Cách chạy"), choices=MODE_CHOICES, initial="dry_run", widget=forms.RadioSelect
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn: tối đa {limit} MB.").format(
                    limit=vn_megabytes(settings.UPLOAD_MAX_BYTES)
                )
            )
        return upload
