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

        from . import fit, localize, markdown

        loaders = [_confined_loader(d) for d in self.search_path]
        default = jinja2.PrefixLoader({"!default": _confined_loader(self.default_dir)}, delimiter="/")
        # Sandboxed: a project's override templates may not reach Python internals, nor fill the memory.
        env = _limited_sandbox(SandboxedEnvironment)(
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
        # What the pack's language writes differently: {{ letter | letter }}, {{ pack.date | long_date }}, ...
        for name in ("choice_letter", "form_letter", "long_date", "number", "percent", "file_size"):
            env.filters[name] = _in_language(getattr(localize, name))
        env.filters["counted"] = localize.counted  # {{ n | counted(t.index_modules, pack.language) }}
        return env

    def render(self, template: str, **context) -> str:
        """Render a template, naming the template file and line when it fails."""
        import jinja2

        try:
            return self.env.get_template(template).render(**context)
        except RecursionError as exc:
            where = _template_location(exc)
            raise BuildError(f"{where}template error: templates include or extend each other without end") from None
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

    def strings(self, language: str) -> dict:
        """Return the fixed words for a language: the default file, then the project's changes merged key by key."""
        from .errors import ContentError

        merged: dict = {}
        for folder in reversed(self.search_path):
            path = folder / "strings" / f"{language}.yaml"
            if path.is_file():
                doc = _read_strings(_inside(path, folder), path.stat().st_mtime_ns)
                problems = _merge_strings(merged, doc.data, doc, ())
                if problems:
                    raise ContentError(problems)
        if not merged:
            raise BuildError(f"no strings for language '{language}': add templates/strings/{language}.yaml")
        if not (self.default_dir / "strings" / f"{language}.yaml").is_file():
            _require_every_word(merged, self.default_dir / "strings" / "en.yaml", self.project_dir, language)
        return merged


def _in_language(format_):
    """Return a Jinja filter that formats a value in the pack's language, or in the one given: x | number("uk")."""
    import jinja2

    @jinja2.pass_context
    def format_in(context, value, language: str | None = None) -> str:
        if language is None:
            language = context.get("language") or getattr(context.get("pack"), "language", None) or "en"
        return format_(value, language)

    return format_in


def _merge_strings(base: dict, override: dict, doc, loc: tuple) -> list:
    """Merge an override's words into base key by key; return the problems (a mapping replaced by text, or back)."""
    from .loader import loc_text

    problems = []
    for key, value in override.items():
        here = (*loc, key)
        old = base.get(key)
        if isinstance(old, dict) and not isinstance(value, dict):
            message = f"{loc_text(here)}: the default is a mapping of words, not one text; set the words under it"
            problems.append(doc.problem(here, message))
        elif isinstance(value, dict) and key in base and not isinstance(old, dict):
            problems.append(doc.problem(here, f"{loc_text(here)}: expected text, as in the default, got a mapping"))
        elif isinstance(value, dict):
            problems += _merge_strings(base.setdefault(key, {}), value, doc, here)
        else:
            base[key] = value
    return problems


def _require_every_word(merged: dict, reference: Path, project_dir: Path | None, language: str) -> None:
    """Stop the build, naming the file, when a new language leaves out words the templates use."""
    from .errors import ContentError, Problem

    english = _read_strings(reference, reference.stat().st_mtime_ns).data
    missing = [key for key in _flat_keys(english) if key not in set(_flat_keys(merged))]
    if missing and project_dir is not None:
        shown = _shown(str(project_dir / "strings" / f"{language}.yaml"))
        listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        message = f"missing {len(missing)} of the words the templates use: {listed} (the default en.yaml has them all)"
        raise ContentError([Problem(shown, 1, message)])


def _flat_keys(words: dict, prefix: str = "") -> list[str]:
    """Return every key of nested words as a dotted path: quiz.source."""
    keys = []
    for key, value in words.items():
        keys += _flat_keys(value, f"{prefix}{key}.") if isinstance(value, dict) else [f"{prefix}{key}"]
    return keys


@lru_cache(maxsize=16)
def _read_strings(path: Path, mtime_ns: int):
    """Return one strings file as a Document, read once per build for every pack that uses it."""
    from .errors import ContentError
    from .loader import read_document

    doc, problems = read_document(path, _shown(str(path)))  # a project's override is content: path:line errors
    if doc is not None and not isinstance(doc.data, dict):
        problems.append(doc.problem((), "expected a mapping of names to text"))
    if problems:
        raise ContentError(problems)
    return doc


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


MAX_TEXT = 10_000_000  # characters one expression of an override template may make: far above any page


def _limited_sandbox(base):
    """Return a sandbox class whose *, ** and % refuse to make huge values ({{ "x" * 10**10 }} would fill memory)."""
    import re

    from jinja2.exceptions import SecurityError

    def size(value) -> int:
        return len(value) if isinstance(value, str | bytes | list | tuple) else 0

    class LimitedSandbox(base):
        intercepted_binops = frozenset({"*", "**", "%"})

        def call_binop(self, context, operator, left, right):
            if operator == "*" and (size(left) * right if isinstance(right, int) else 0) > MAX_TEXT:
                raise SecurityError(f"'*' would make a value of more than {MAX_TEXT:,} characters")
            if operator == "*" and (size(right) * left if isinstance(left, int) else 0) > MAX_TEXT:
                raise SecurityError(f"'*' would make a value of more than {MAX_TEXT:,} characters")
            if operator == "**" and isinstance(right, int | float) and abs(right) > 1000:
                raise SecurityError("'**' with an exponent above 1000 is not allowed")
            if operator == "%" and isinstance(left, str):
                widths = [int(n) for n in re.findall(r"%[-+ #0]*(\d+)", left) + re.findall(r"\.(\d+)", left)]
                if any(n > MAX_TEXT for n in widths):
                    raise SecurityError(f"'%' with a width of more than {MAX_TEXT:,} characters")
            return super().call_binop(context, operator, left, right)

    return LimitedSandbox


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
