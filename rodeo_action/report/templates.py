"""The Jinja2 templates of what people read, ours and the user's (``report.templates``).

Templates run in Jinja2's immutable sandbox, with the escaping filters of :mod:`.escape`. A
published output must carry its hidden marker (:mod:`.markers`): a template whose output lacks it
is refused, since a publisher could then never find (and would re-post) its comment, issue or
README block.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rodeo_action.errors import InputError
from rodeo_action.report.escape import fence, html, md, md_link, plain, url

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from rodeo_action.config import Config


@dataclass(frozen=True)
class Settings:
    """What a renderer needs beyond the report; it owns the template environment, made on first use
    (one per Settings: a run makes one and passes it to every output, which shares the templates)."""

    templates: Path | None = None      # the user's folder (report.templates): its files override ours by name
    title: str | None = None           # default: "rodeo NAME"

    @classmethod
    def from_config(cls, config: Config | None) -> Settings:
        """``report.templates`` resolved against the config file's folder."""
        if config is None or not config.report.templates:
            return cls()
        folder = Path(config.report.templates)
        if not folder.is_absolute():
            folder = Path(config.source).parent / folder
        return cls(templates=folder)

    @cached_property
    def env(self) -> SandboxedEnvironment:
        from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        from rodeo_action.resources import data_dir

        user = self.templates
        if user is not None and not user.is_dir():
            raise InputError(f"report.templates: {user} is not a folder; expected a folder of *.md.j2 templates")
        loaders = [FileSystemLoader(str(user))] if user else []
        loaders.append(FileSystemLoader(str(data_dir("templates"))))
        # immutable: a template cannot even mutate the report's dicts and lists for the next output
        env = ImmutableSandboxedEnvironment(loader=ChoiceLoader(loaders), undefined=StrictUndefined,
                                            autoescape=False,
                                            keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        env.filters.update(md=md, html=html, fence=fence, url=url, plain=plain, link=md_link)
        return env


def render(settings: Settings, name: str, context: Mapping[str, Any], required: Iterable[str] = ()) -> str:
    """The template's output; each of ``required`` (hidden markers) must be in it."""
    out = "".join(generate(settings, name, context))
    where = template_file(settings, name)
    for marker in required:
        if marker not in out:
            raise InputError(f"template {where}: its output lacks the hidden marker {marker!r}; rodeo finds what "
                             "it published by that marker, so keep it in the template (ours print it with "
                             "{{ marker }} / {{ start }} / {{ end }} / {{ digest }})")
    return out


def template_file(settings: Settings, name: str) -> str:
    """Where ``name`` is read from (the user's folder or ours), for messages."""
    from jinja2 import TemplateError

    try:
        return settings.env.get_template(name).filename or name
    except TemplateError:
        return name


def generate(settings: Settings, name: str, context: Mapping[str, Any]) -> Iterator[str]:
    """The template's output piece by piece; a broken template is an InputError naming it."""
    from jinja2 import TemplateError, TemplateSyntaxError

    where = name
    try:
        template = settings.env.get_template(name)
        where = template.filename or name
        yield from template.generate(**context)
    except TemplateSyntaxError as exc:
        raise InputError(f"template {exc.filename or where}:{exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        raise InputError(f"template {where}: {exc}") from None


def is_ours(settings: Settings, name: str) -> bool:
    """Whether ``name`` is rodeo's own template (not one of the user's ``report.templates``)."""
    from rodeo_action.resources import data_dir

    return Path(template_file(settings, name)).parent == Path(data_dir("templates"))


__all__ = ["Settings", "generate", "is_ours", "render", "template_file"]
