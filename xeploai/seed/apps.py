from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedConfig(AppConfig):
    """The demo bloc (`seed-demo`) and the synthetic country (`xeploai gen`): the top of the
    layers, since they build every app's rows (docs/decisions/0006-layer-order.md)."""

    name = "xeploai.seed"
    verbose_name = _("Dữ liệu mẫu")
