"""The template theme: the default templates, a project's overrides, and strings.

A project's `templates/` folder overrides the default theme file by file; an
override can extend the default one as `{% extends "!default/briefing.html" %}`.

Jinja, Markdown and YAML are imported where they are used: a rebuild with
nothing changed needs only default_theme_dir() and must start fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .errors import BuildError

PACKAGE_THEME = Path(__file__).parent / "templates"  # where the wheel puts the default theme
SOURCE_THEME = Path(__file__).parents[2] / "templates"  # the same folder in a source checkout


def default_theme_dir() -> Path:
    """Return the folder of the default theme."""
    return PACKAGE_THEME if PACKAGE_THEME.is_dir() else SOURCE_THEME


@dataclass
class Theme:
    """Templates and static files, looked up in the project first, then the default."""

    project_dir: Path | None
    default_dir: Path = field(default_factory=default_theme_dir)

    @property
    def search_path(self) -> list[Path]:
        dirs = [self.project_dir] if self.project_dir and self.project_dir.is_dir() else []
        return dirs + [self.default_dir]

    def find(self, name: str) -> Path:
        """Return the file that serves a theme path such as css/briefing.css."""
        for folder in self.search_path:
            path = folder / name
            if path.is_file():
                return _inside(path, folder)
        raise BuildError(f"theme file {name} not found in {', '.join(map(str, self.search_path))}")

    @cached_property
    def env(self):
        """Return the Jinja environment (a jinja2.Environment), made once per theme."""
        import jinja2
        from jinja2.sandbox import SandboxedEnvironment

        from . import fit, markdown

        loaders = [_confined_loader(d) for d in self.search_path]
        default = jinja2.PrefixLoader({"!default": _confined_loader(self.default_dir)}, delimiter="/")
        # Sandboxed: a project's override templates may not reach Python internals.
        env = SandboxedEnvironment(
            loader=jinja2.ChoiceLoader([default, *loaders]),
            autoescape=jinja2.select_autoescape(("html", "xml", "svg"), default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["md"] = markdown.render_block
        env.filters["mdi"] = markdown.render_inline
        env.filters["plain"] = markdown.plain_text
        env.filters["fit_line"] = fit.fit_line  # a footer's running title on one line
        return env

    def render(self, template: str, **context) -> str:
        """Render a template, naming the template file and line when it fails."""
        import jinja2

        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            where = f"{_shown(exc.filename or exc.name)}:{exc.lineno}: "
            raise BuildError(f"{where}template error: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise BuildError(f"{_template_location(exc)}template error: template '{exc.name}' not found") from None
        except jinja2.TemplateError as exc:
            raise BuildError(f"{_template_location(exc)}template error: {exc}") from None
        except BuildError:
            raise
        except Exception as exc:
            where = _template_location(exc)
            if not self.project_dir or not where.startswith(_shown(str(self.project_dir)) + "/"):
                raise  # a bug in emcon or its default theme: keep the traceback
            raise BuildError(f"{where}template error: {type(exc).__name__}: {exc}") from None

    def strings(self, language: str) -> dict[str, str]:
        """Return the fixed words for a language: the default file, then the project's changes."""
        merged: dict[str, str] = {}
        for folder in reversed(self.search_path):
            path = folder / "strings" / f"{language}.yaml"
            if path.is_file():
                merged.update(_read_strings(_inside(path, folder), path.stat().st_mtime_ns))
        if not merged:
            raise BuildError(f"no strings for language '{language}': add templates/strings/{language}.yaml")
        return merged


@lru_cache(maxsize=16)
def _read_strings(path: Path, mtime_ns: int) -> dict[str, str]:
    """Return one strings file, read once per build for every pack that uses it."""
    from .errors import ContentError
    from .loader import read_document

    doc, problems = read_document(path, _shown(str(path)))  # a project's override is content: path:line errors
    if doc is not None and not isinstance(doc.data, dict):
        problems.append(doc.problem((), "expected a mapping of names to text"))
    if problems:
        raise ContentError(problems)
    return doc.data


def _inside(path: Path, folder: Path) -> Path:
    """Return path, or stop the build if it is a link to a file outside folder: a theme reads only its own files."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise BuildError(f"{_shown(str(path))} is a link to {path.resolve()}, outside {_shown(str(folder))}")
    return path


def read_text(path: Path) -> str:
    """Return a theme file's text; stop the build, naming the file and line, if it is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        from .loader import not_utf8

        line, message = not_utf8(exc)
        raise BuildError(f"{_shown(str(path))}:{line}: {message}") from None


def _confined_loader(folder: Path):
    """Return a Jinja FileSystemLoader for folder that refuses links to files outside it."""
    import jinja2

    class ConfinedLoader(jinja2.FileSystemLoader):
        def get_source(self, environment, template):
            path = Path(folder, *jinja2.loaders.split_template_path(template))
            if path.is_file():
                read_text(_inside(path, folder))  # a link out, or bytes that are not UTF-8: stop, naming the file
            return super().get_source(environment, template)

    return ConfinedLoader(str(folder))


def _template_location(exc: Exception) -> str:
    """Find the template file and line in the traceback of a render error."""
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".svg", ".txt", ".css")):
            where = f"{_shown(filename)}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where


def _shown(filename: str) -> str:
    """Return a template's path as the user should see it (relative to the working folder)."""
    from .project import shown_path

    return shown_path(Path(filename))
