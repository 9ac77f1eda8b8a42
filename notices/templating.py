"""The administrators' message templates: Django template syntax, but only the four variables of a
message and the ``if`` tag, rendered by an engine that loads no file and no tag library, so a
template cannot reach anything but what the message may say."""

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import TextNode, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext as _

VARIABLES = ("ticket", "status", "url", "note")
# What every message can hold at most: 2 SMS parts of 153 characters, or one WhatsApp message.
MAX_LENGTH = 306
SAMPLE = {
    "ticket": "ADU-2026-000123",
    "status": "Selesai",
    "url": "https://onegate.example/lapor/pengaduan/status/?tiket=ADU-2026-000123",
    "note": "Bantuan sudah diterima.",
}

# No loader and no library: {% include %}, {% extends %} and {% load %} have nothing to reach, and
# check_template refuses every node but text, variables and {% if %} anyway.
# The words the data migration seeded (0002_seed_templates), used if an event's row is missing.
DEFAULTS = {
    "diterima": (
        "Pengaduan Anda sudah kami terima dengan nomor tiket {{ ticket }}. "
        "Cek perkembangannya di {{ url }} dengan nomor HP ini. Balas STOP untuk berhenti menerima pesan."
    ),
    "dirujuk": (
        "Pengaduan {{ ticket }} sudah dirujuk ke layanan yang sesuai (status: {{ status }}). "
        "Cek perkembangannya di {{ url }}"
    ),
    "selesai": (
        "Pengaduan {{ ticket }} sudah selesai ditangani.{% if note %} Keterangan: {{ note }}{% endif %} Info: {{ url }}"
    ),
    "ditutup": "Pengaduan {{ ticket }} sudah ditutup.{% if note %} Alasan: {{ note }}{% endif %} Info: {{ url }}",
}
_engine = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False)
_FILTERS = {"upper", "lower", "capfirst", "default", "truncatechars"}


def _check_nodes(nodelist, problems: list) -> None:
    for node in nodelist:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, VariableNode):
            _check_expression(node.filter_expression, problems)
        elif isinstance(node, IfNode):
            for condition, nodes in node.conditions_nodelists:
                if condition is not None:
                    for var in _condition_vars(condition):
                        _check_expression(var, problems)
                _check_nodes(nodes, problems)
        else:
            problems.append(
                _("Only {%% if %%} … {%% endif %%} may be used, not %(tag)s.") % {"tag": node.token.contents}
            )


def _condition_vars(condition):
    """The variables of an {% if %} condition (TemplateLiteral leaves, through not/and/or)."""
    if hasattr(condition, "value"):  # a TemplateLiteral
        yield condition.value
        return
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if part is not None:
            yield from _condition_vars(part)


def _check_expression(expression, problems: list) -> None:
    name = getattr(expression.var, "var", None)
    if name is not None and name not in VARIABLES:
        problems.append(
            _("Unknown variable %(name)s: use %(allowed)s.")
            % {"name": name, "allowed": ", ".join("{{ " + v + " }}" for v in VARIABLES)}
        )
    for func, _args in expression.filters:
        if getattr(func, "_filter_name", "") not in _FILTERS:
            problems.append(
                _("The filter %(name)s may not be used here.") % {"name": getattr(func, "_filter_name", func.__name__)}
            )


def check_template(body: str) -> None:
    """Raise a ValidationError (on the ``body`` field) unless ``body`` is a template a message may use."""
    try:
        template = _engine.from_string(body)
    except TemplateSyntaxError as exc:
        raise ValidationError({"body": _("The template cannot be read: %(error)s") % {"error": exc}}) from exc
    problems = []
    _check_nodes(template.nodelist, problems)
    if problems:
        raise ValidationError({"body": problems})
    longest = render(body, {**SAMPLE, "note": "x" * 120})
    if len(longest) > MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("Too long: %(length)s characters with a sample note, at most %(max)s.")
                % {"length": len(longest), "max": MAX_LENGTH}
            }  # fmt: skip
        )


def render(body: str, values: dict) -> str:
    """The message text of ``body`` with ``values`` (only the four variables reach it)."""
    context = Context({name: values.get(name, "") for name in VARIABLES}, autoescape=False)
    return " ".join(_engine.from_string(body).render(context).split())
