"""Every page's top bar (base.html's ``<header class="topbar">``), written in Python.

The template (``templates/_topbar.html``, kept as the reference: tests/test_topbar.py holds
this module to it for every role and language) reversed eleven addresses and translated a dozen
words on every page, ≈ 1.5 ms of a report page's CPU. Here the words are translated once per
process and language and the addresses reversed once per process (and script prefix); only
what belongs to the request is read per request: the user and the unit its links open on, the
CSRF token (the page's one value: the context's lazy token, read once per page), the address
the language form returns to.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape
from typing import Any

from django.conf import settings
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# every word of the bar, by the key the markup below uses
WORDS = {
    "menu": "Menu",
    "main": "Chức năng chính",
    "my_review": "Bản kiểm điểm của tôi",
    "my_history": "Kết quả xếp loại của tôi",
    "units": "Tổ chức",
    "round": "Kiểm điểm",
    "board": "Quyết định",
    "progress": "Tiến độ",
    "quarters": "Đánh giá quý",
    "search": "Tìm đảng viên",
    "reports": "Báo cáo",
    "imports": "Nhập dữ liệu",
    "admin": "Quản trị",
    "password": "Đổi mật khẩu",
    "logout": "Đăng xuất",
}
LINKS = (
    "home",
    "my_review",
    "my_history",
    "unit_list",
    "person_search",
    "report_home",
    "import_home",
    "admin:index",
    "set_language",
    "password_change",
    "logout",
)
UNIT_LINKS = ("round_page", "board", "progress", "quarters")
CURRENT = (" current", 'aria-current="true"')  # the chosen language's button


@functools.cache
def _words(language: str | None) -> dict[str, str]:
    """The bar's words in ``language``, escaped as ``{% translate %}`` escapes them."""
    return {key: escape(gettext(source)) for key, source in WORDS.items()}


@functools.cache
def _links(prefix: str, urlconf: Any) -> dict[str, str]:
    """The addresses without a unit, escaped as ``{% url %}`` escapes them."""
    return {name: escape(reverse(name, urlconf=urlconf)) for name in LINKS}


@functools.lru_cache(maxsize=4096)
def _unit_links(prefix: str, urlconf: Any, code: str) -> dict[str, str]:
    return {name: escape(reverse(name, urlconf=urlconf, args=[code])) for name in UNIT_LINKS}


def csrf_input(context: Context) -> str:
    """``{% csrf_token %}`` (``CsrfTokenNode``): the context's token, the same in every form."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 — Django's marker, no secret
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


def _nav(
    user: Any, context: Context, w: dict[str, str], links: dict[str, str], can_import: Any
) -> str:
    """The ``<nav>`` of a signed-in user: its own pages, its unit's, the administration."""
    person = ""
    if context.get("nav_person"):
        person = (
            f'<a href="{links["my_review"]}">{w["my_review"]}</a>'
            f'<a href="{links["my_history"]}">{w["my_history"]}</a>'
        )
    unit_part = ""
    unit = context.get("nav_unit")
    if unit:
        at = _unit_links(get_script_prefix(), get_urlconf(), unit.code)
        cell, grassroots = unit.is_cell, unit.is_grassroots
        round_ = f'<a href="{at["round_page"]}">{w["round"]}</a>' if cell or grassroots else ""
        board = f'<a href="{at["board"]}">{w["board"]}</a>' if not cell or grassroots else ""
        imports = f'<a href="{links["import_home"]}">{w["imports"]}</a>' if can_import(user) else ""
        unit_part = (
            f'\n    <a href="{links["unit_list"]}">{w["units"]}</a>\n'
            f"    {round_}\n    {board}\n"
            f'    <a href="{at["progress"]}">{w["progress"]}</a>\n'
            f'    <a href="{at["quarters"]}">{w["quarters"]}</a>\n'
            f'    <a href="{links["person_search"]}">{w["search"]}</a>\n'
            f'    <a href="{links["report_home"]}">{w["reports"]}</a>\n'
            f"    {imports}\n    "
        )
    admin = f'<a href="{links["admin:index"]}">{w["admin"]}</a>' if user.is_staff else ""
    return (
        f'\n  <nav class="mainnav" aria-label="{w["main"]}">\n'
        f"    {person}\n    {unit_part}\n    \n    {admin}\n  </nav>\n  "
    )


def topbar(context: Context, can_import: Callable[[Any], bool]) -> SafeString:
    """``templates/_topbar.html`` for the page being rendered (``can_import``: whether the user
    may import somewhere, asked only for a user with a unit, as the template asked it)."""
    language = translation.get_language()
    w = _words(language)
    links = _links(get_script_prefix(), get_urlconf())
    user: Any = context.get("user")
    signed_in = user is not None and user.is_authenticated
    csrf = csrf_input(context)
    request = context.get("request")
    back = escape(request.get_full_path()) if request is not None else ""
    buttons = "".join(
        f'\n        <button type="submit" name="language" value="{escape(code)}" '
        f'class="linklike{CURRENT[0] if code == language else ""}" '
        f"{CURRENT[1] if code == language else ''}>{escape(code.upper())}</button>\n      "
        for code, _name in settings.LANGUAGES
    )
    account = ""
    if signed_in:
        name = escape(str(user.get_full_name() or user.username))
        account = (
            f'\n      <span class="username">{name}</span>\n'
            f'      <a href="{links["password_change"]}">{w["password"]}</a>\n'
            f'      <form action="{links["logout"]}" method="post">{csrf}'
            f'<button type="submit" class="linklike">{w["logout"]}</button></form>\n    '
        )
    html = (
        '<header class="topbar">\n'
        f'  <a class="brand" href="{links["home"]}">xeploai</a>\n'
        '  <button type="button" class="menutoggle" aria-expanded="false" '
        f'aria-controls="topmenu">{w["menu"]}</button>\n'
        '  <div class="topmenu" id="topmenu">\n'
        f"  {_nav(user, context, w, links, can_import) if signed_in else ''}\n"
        '  <div class="userbox">\n'
        f'    <form action="{links["set_language"]}" method="post" class="langform">\n'
        f"      {csrf}\n"
        f'      <input name="next" type="hidden" value="{back}">\n'
        f"      \n      {buttons}\n"
        "    </form>\n"
        f"    {account}\n"
        "  </div>\n  </div>\n</header>"
    )
    return mark_safe(html)  # noqa: S308 — every text above is escaped
