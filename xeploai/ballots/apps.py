from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "xeploai.ballots"
    verbose_name = _("Bỏ phiếu kín")
