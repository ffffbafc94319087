"""Form widgets written in Python, the same HTML as Django's widget templates, for less CPU.

Django renders every ``<input>``, ``<textarea>``, ``<select>`` and each ``<option>`` through
the template engine (``django/forms/widgets/*.html``, an include for the attributes and one
per option): a self-review form of 33 fields spent a third of its page's CPU there (issue 19
§4, ``bench/profile_pages.py``). ``Renderer`` builds those few templates' output directly,
character for character — autoescaped as the templates escape, ``stringformat:'s'`` as
``str``, the options' line breaks as the included file leaves them — and hands every other
template (radio lists, file inputs, a value it does not know how to print the way the
template would, such as a number as an option's label) to Django's own renderer.
``xeploai/tests/test_widgets.py`` renders every form of the app and odd values both ways and
compares them.
"""

from __future__ import annotations

from typing import Any

from django.forms import Select
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

WIDGETS = "django/forms/widgets/"
INPUTS = frozenset(
    WIDGETS + name + ".html"
    for name in (
        "input", "text", "number", "hidden", "checkbox", "email", "date", "datetime", "time",
        "password", "url", "search", "tel", "color",
    )
)  # fmt: skip
OPTION = WIDGETS + "select_option.html"


class _Unprintable(Exception):
    """A value the template would print otherwise than ``str`` (localized numbers, dates)."""


def _text(value: Any) -> str:
    """``{{ value }}`` for the values the widgets carry: strings (lazy or safe) only."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return str(conditional_escape(value))
    raise _Unprintable


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: ``str``, escaped unless it was safe already."""
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + _text(name))
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>"
    )


def _option(option: dict[str, Any]) -> str:
    if option["template_name"] != OPTION:
        raise _Unprintable
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"  # the included file's final line break
    )


def _select(widget: dict[str, Any]) -> str:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


BUILDERS = {
    **dict.fromkeys(INPUTS, _input),
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}


# A field's error list: ``{{ field.errors }}`` renders it even when it is empty (most fields,
# most of the time: 35 times on a self-review page), and the template writes nothing then.
ERROR_LISTS = frozenset(
    {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}
)


class Renderer(DjangoTemplates):
    """``FORM_RENDERER``: the widgets above in Python, an empty error list as the nothing it
    renders to, everything else as Django renders it."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in ERROR_LISTS and not context.get("errors", True):
            return ""  # ul.html: ``{% if errors %}…{% endif %}`` and no line break after it
        build = BUILDERS.get(template_name)
        widget = context.get("widget") if build is not None else None
        if build is not None and isinstance(widget, dict):
            try:
                return build(widget)  # Django strips the template's output: nothing to strip
            except _Unprintable:
                pass
        return super().render(template_name, context, request)


class RememberedSelect(Select):
    """A select of fixed choices that keeps its markup: a self-review page shows a dozen
    (self-grades, task results, levels), each rebuilt option by option on every request.

    Only for a widget whose choices never change after it is built (the self-review's fields,
    built once per process: ``reviews.forms``). The markup is kept per name, value, attributes,
    language and renderer — for a value among the choices or none, so that what a request
    sends cannot grow it — and is the markup ``Select.render`` returned the first time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[tuple[Any, ...], SafeString] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> RememberedSelect:
        copied: RememberedSelect = super().__deepcopy__(memo)
        copied._kept = {}  # a copy's choices may be changed: it keeps its own markup
        return copied

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        known = value is None or (
            isinstance(value, str) and value in {str(v) for v, _label in self.choices}
        )
        if not known:
            return super().render(name, value, attrs, renderer)
        key = (name, value, *(attrs or {}).items(), get_language(), type(renderer))
        html = self._kept.get(key)
        if html is None:
            html = self._kept[key] = super().render(name, value, attrs, renderer)
        return html
