from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "xeploai.reviews"
    verbose_name = _("Kiểm điểm và xếp loại")

    def ready(self) -> None:
        # the statistics and deciding bodies follow every change of the tree (decision 0007)
        from xeploai.org.tree import tree_follower_register
        from xeploai.reviews.tree import figures_follow

        tree_follower_register(figures_follow)
