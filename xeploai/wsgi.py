import os

from django.core.wsgi import get_wsgi_application

from xeploai.lib.env import exit_on_bad_setting
from xeploai.lib.settle import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
with exit_on_bad_setting():  # a mistyped variable: one line on stderr, exit status 4
    application = get_wsgi_application()


def warm_up() -> None:
    """Do at start-up what the first request would otherwise pay for: import every view,
    build the URL resolver's tables (each language's reverse table, the namespaced one the
    admin link uses, the compiled patterns, the expressions reverse() checks an address
    with), import the context processors, set up the static files' storage, compile every
    project template (a page's base and partials too, which the cached loader would only
    compile at their first render) and load the translation catalogues and formats. Then, on the database, what ``reports.warm`` says: the
    worker's connection opened and kept, PostgreSQL's first plans made, the report's
    statements prepared. Last, ``settle``: the objects start-up made kept out of the garbage
    collector's full passes."""
    import contextlib
    import datetime as dt
    import re
    from pathlib import Path

    from django.conf import settings
    from django.template import Engine
    from django.template.loader import get_template
    from django.templatetags.static import static
    from django.urls import (
        NoReverseMatch,
        Resolver404,
        get_resolver,
        get_script_prefix,
        resolve,
        reverse,
    )
    from django.utils import translation
    from django.utils.formats import date_format

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 — imports every app's views
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Báo cáo thống kê")
            date_format(dt.date(2026, 1, 1), "d/m/Y")  # the language's format modules
            resolver.reverse_dict  # noqa: B018 — reverse()'s table, built per language
            with contextlib.suppress(NoReverseMatch):  # the namespaced resolver it caches
                reverse("admin:index")
    with contextlib.suppress(Resolver404):
        resolve("/reports/-/units/")  # compiles the patterns a path is matched against
    # reverse() checks each address against its pattern with a regular expression compiled at
    # its first use (re's cache): 30 of them cost a report page's first request ≈ 20 ms
    prefix = re.escape(get_script_prefix())
    for key in list(resolver.reverse_dict):
        for _bits, pattern, _defaults, _converters in resolver.reverse_dict.getlist(key):
            re.compile(f"^{prefix}{pattern}")
    Engine.get_default().template_context_processors  # noqa: B018 — imported at first use
    static("xeploai/app.css")  # the static files' storage, set up at its first address
    folder = Path(__file__).resolve().parent / "templates"  # settings.TEMPLATES' DIRS
    for path in sorted(folder.rglob("*.html")):
        get_template(path.relative_to(folder).as_posix())
    warm_database()
    settle()  # last: what start-up built, out of the collector's full passes


def warm_database() -> None:
    """Best effort: a database not reachable or not migrated yet is the first request's to
    report, with the page it always showed."""
    from django.db import DatabaseError, connection

    from xeploai.reports.warm import warm_up as report_warm_up

    try:
        report_warm_up()
    except DatabaseError:
        connection.close()


warm_up()
