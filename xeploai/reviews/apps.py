from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "xeploai.reviews"
    verbose_name = _("Kiểm điểm và xếp loại")
