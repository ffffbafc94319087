"""Password validators as the settings use them, with their messages in Vietnamese."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, saying why in Vietnamese: Django 6 changed this error's message id and its
    Vietnamese catalogue has not followed, so the refusal came out in English."""

    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn: cần ít nhất {n} ký tự.").format(n=self.min_length)
