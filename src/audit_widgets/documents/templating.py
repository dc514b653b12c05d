"""Documents as Jinja2 templates, autoescaped, that a certification body changes (layout, logo,
wording) without Python: a template of the same name in the folder `body.yaml` names
(`templates`) is used instead of the project's own (documents/templates/), file by file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..body import load_body
from ..render.html import ERROR_COLOUR

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 21 → 二十一: how a Chinese document numbers its sections."""
    if not 0 < number < 100:
        raise ValueError(f"section number {number} out of range 1–99")
    tens, units = divmod(number, 10)
    return (("" if tens < 2 else DIGITS[tens]) + ("十" if tens else "") + (DIGITS[units] if units else "")) or DIGITS[0]


@lru_cache(maxsize=8)
def _environment(body_templates: str | None) -> Environment:
    folders = [body_templates] if body_templates else []
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader([*folders, str(DEFAULT_TEMPLATES)])]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a misspelt field in a body's template fails, never prints ""
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.do"])
    environment.filters["chinese_numeral"] = chinese_numeral
    environment.globals["error_colour"] = ERROR_COLOUR
    return environment


def _body_environment() -> tuple[Environment, dict]:
    body = load_body()
    folder = body.templates_folder()
    return _environment(str(folder) if folder else None), {"body": body}


def macro(template: str, name: str):
    """One macro of a template (e.g. the report's audit plan), to render a part on its own."""
    environment, context = _body_environment()
    return getattr(environment.get_template(template).make_module(context), name)


def render(template: str, **context) -> str:
    """The document `template` (e.g. "audit_notice.html.j2"), given the body and `context`."""
    environment, given = _body_environment()
    return environment.get_template(template).render(**given, **context)
