import os

from django.core.wsgi import get_wsgi_application

from xeploai.lib.env import exit_on_bad_setting

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
with exit_on_bad_setting():  # a mistyped variable: one line on stderr, exit status 4
    application = get_wsgi_application()
