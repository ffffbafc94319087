from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "xeploai.cycles"
    verbose_name = _("Đợt đánh giá")
