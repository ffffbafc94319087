from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "xeploai.imports"
    verbose_name = _("Nhập dữ liệu")

    def ready(self) -> None:
        from xeploai.imports import checks  # noqa: F401 — registers the deployment check
