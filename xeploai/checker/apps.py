"""The offline checker of proposals workbooks (``xeploai check FILE.xlsx``)."""

from django.apps import AppConfig


class CheckerConfig(AppConfig):
    """App config: the checker has no models, only management commands."""

    name = "xeploai.checker"
    verbose_name = "Kiểm tra bảng đề xuất xếp loại (ngoại tuyến)"
