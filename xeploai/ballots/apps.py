from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "xeploai.ballots"
    verbose_name = _("Bỏ phiếu kín")

    def ready(self) -> None:
        # a cell's ballots follow its evaluations to another round (decision 0008)
        from xeploai.ballots.follow import ballots_follow
        from xeploai.reviews.rounds import round_follower_register

        round_follower_register(ballots_follow)
