import django_stubs_ext
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Django's generic classes (ModelAdmin[M], Paginator[T]) subscriptable at run time, as typed.
# Here, where django.setup() starts loading the apps (before any models, admin or views module),
# not in the settings: ``xeploai import KIND FILE`` reads the settings before it starts reading
# its file, and django_stubs_ext imports Django's ORM, forms and admin (a quarter of a second).
django_stubs_ext.monkeypatch()


class AuditConfig(AppConfig):
    name = "xeploai.audit"
    verbose_name = _("Nhật ký thay đổi")
