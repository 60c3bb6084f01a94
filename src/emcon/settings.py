"""The project's settings: `emcon.yaml` at the curriculum's root.

Everything that makes a curriculum its own and is not a lesson: who it is for
(audiences), how its pages are marked, who issues it (organisation, course
number, logo, colours), what a learner writes at the top of a quiz form, and the
default page size and language of its packs. Like the content model, this
module knows no files: the project loads emcon.yaml and validates it here.
A project without emcon.yaml gets `Settings()`: neutral defaults, no markings,
and any audience id it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, TypeVar

from pydantic import BeforeValidator, Field, StringConstraints

from .model import Id, Language, Line, MarkingLine, Pack, PageSize, Strict

SETTINGS_FILE = "emcon.yaml"
M = TypeVar("M", bound=Strict)
HEX_COLOUR = r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
Colour = Annotated[str, StringConstraints(pattern=HEX_COLOUR)]
# Text a reader sees: one text for every language, or a text per language ({en: ..., uk: ...}).
LocalText = Line | dict[Language, Line]
LocalMarking = MarkingLine | dict[Language, MarkingLine]


class Markings(Strict):
    """The classification banner and the distribution statement a pack prints, unless it names its own."""

    classification: LocalMarking = Field("", examples=["OFFICIAL", {"en": "INTERNAL", "uk": "ВНУТРІШНЄ"}])
    """the banner at the top and bottom of every page, by language; empty: no banner"""
    distribution: LocalMarking = Field("", examples=["Approved for public release."])
    """who may receive the material, on covers and title slides, by language; empty: none"""


# What an author may write: the mapping, `none`, or nothing (`markings:`); the schema offers the same.
MarkingsLike = Markings | Literal["none"] | None


def _none_is_empty(value: object) -> object:
    # `markings: none` (or an empty `markings:`) prints no banner and no distribution statement.
    if value is None or value == "none":
        return {}
    if isinstance(value, str):
        raise ValueError(f"{value!r}: write `none` for no markings, or a mapping with classification and distribution")
    return value


class Colours(Strict):
    """Colours of the printed and web documents, as CSS hex (#1f4e79 or #17a), set as the theme's CSS variables."""

    accent: Colour | None = Field(None, examples=["#1f4e79"])
    """--accent: rules under titles and the masthead, the marking's frame; absent: the theme's (black)"""
    ink: Colour | None = Field(None, examples=["#111111"])
    """--ink: body text; keep it dark for contrast. Absent: the theme's (black)"""


class Settings(Strict):
    """emcon.yaml: a curriculum's audiences, markings, branding and defaults (all optional)."""

    audiences: dict[Id, LocalText] = Field(
        {}, examples=[{"staff": "Staff", "contractor": {"en": "Contractors", "uk": "Підрядники"}}]
    )
    """the audiences packs and modules are written for: id and the name readers see (one text, or one per
    language). Once declared, every audience a pack or module names must be one of them. Absent: any id,
    shown as written"""
    markings: Annotated[Markings, BeforeValidator(_none_is_empty, json_schema_input_type=MarkingsLike)] = Field(
        Markings(), examples=["none", {"classification": "OFFICIAL", "distribution": "Internal use only."}]
    )
    """the classification banner and distribution statement of every pack that names none; `none`: no markings"""
    organisation: LocalText | None = Field(
        None, examples=["Northwind Training Centre", {"en": "Civil Defence School", "uk": "Школа цивільного захисту"}]
    )
    """the issuing organisation (one text, or one per language), on covers, title slides and quiz forms"""
    course: Line | None = Field(None, examples=["OPS-104"])
    """the course number, on covers, title slides and quiz forms"""
    logo: Line | None = Field(None, examples=["content/figures/logo.svg"])
    """an SVG or PNG file inside the project (a path from the folder of emcon.yaml), on covers, title slides
    and quiz forms; an SVG must be only a picture, as figures are"""
    colours: Colours = Colours()
    """colours of the documents, set as the theme's CSS variables"""
    quiz_fields: dict[Id, LocalText] = Field(
        {}, examples=[{"name": "Name", "team": {"en": "Team", "uk": "Команда"}, "date": "Date"}]
    )
    """what a learner writes at the top of a quiz form: id and label (one text, or one per language), in
    order. A pack's quiz.fields picks some of them by id. Absent: name and date, in the theme's words"""
    page_size: PageSize = "A4"
    """the page size of packs that name none (A4 or Letter)"""
    language: Language = Field("en", examples=["en", "uk"])
    """the language of packs that name none"""

    def text(self, value: str | dict[str, str] | None, language: str) -> str:
        """Return the text of value in language: its own, else its base language's, else English, else the first."""
        return local_text(value, language)

    def audience_name(self, ident: str, language: str, words: dict | None = None) -> str:
        """Return how readers see an audience: its declared name, the theme's word for it, or the id as written."""
        if ident in self.audiences:
            return local_text(self.audiences[ident], language)
        named = (words or {}).get("audiences")  # a project's strings file may still name its audiences
        if isinstance(named, dict) and isinstance(named.get(ident), str):
            return named[ident]
        return ident

    def field_label(self, ident: str, language: str, words: dict | None = None) -> str:
        """Return the label of a quiz-form field: declared, else the theme's word, else the id capitalised."""
        if ident in self.quiz_fields:
            return local_text(self.quiz_fields[ident], language)
        named = ((words or {}).get("quiz") or {}).get("fields") or {}
        if isinstance(named.get(ident), str):
            return named[ident]
        return ident.replace("-", " ").capitalize()

    def default_fields(self) -> list[str]:
        """Return the ids of the fields a quiz form prints when its pack names none."""
        return list(self.quiz_fields) or list(NEUTRAL_FIELDS)

    def apply(self, pack: Pack) -> Pack:
        """Return the pack with every setting it leaves out taken from these settings."""
        language = pack.language or self.language
        fields = {} if pack.quiz.fields is not None else {"fields": self.default_fields()}
        filled = {
            "language": language,
            "page_size": pack.page_size or self.page_size,
            "classification": local_text(self.markings.classification, language),
            "distribution": local_text(self.markings.distribution, language),
        }
        filled = {key: value for key, value in filled.items() if getattr(pack, key) is None}
        return _filled(pack, filled | {"quiz": _filled(pack.quiz, fields)})


def _filled(record: M, values: dict) -> M:
    """Return a copy of record with values filled in that still count as unset.

    What the author wrote stays apart from what the settings fill in (`model_fields_set`):
    the translation stage extracts only the former.
    """
    copy = record.model_copy(update=values)
    object.__setattr__(copy, "__pydantic_fields_set__", set(record.model_fields_set))
    return copy


NEUTRAL_FIELDS = ("name", "date")  # the theme's strings name them in every language


def local_text(value: str | dict[str, str] | None, language: str) -> str:
    """Return the text of a string-or-per-language value in language ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for key in (language, language.split("-")[0], "en"):
        if key in value:
            return value[key]
    return next(iter(value.values()), "")


@dataclass(frozen=True)
class PackSettings:
    """The settings as one pack's templates print them: texts in the pack's language."""

    organisation: str
    course: str
    audience: str  # the display name of the pack's audience
    fields: tuple[tuple[str, str], ...]  # (id, label) of each quiz-form field
    style: str  # CSS custom properties for the root element: --accent, --ink
    has_logo: bool


def pack_settings(settings: Settings, pack: Pack, words: dict, has_logo: bool) -> PackSettings:
    """Return what a pack's documents print from the settings."""
    language = pack.language or settings.language
    fields = tuple((f, settings.field_label(f, language, words)) for f in pack.quiz.fields or settings.default_fields())
    colours = settings.colours
    return PackSettings(
        organisation=local_text(settings.organisation, language),
        course=settings.course or "",
        audience=settings.audience_name(pack.audience, language, words),
        fields=fields,
        style=" ".join(f"--{name}: {value};" for name, value in colours.model_dump(exclude_none=True).items()),
        has_logo=has_logo,
    )


def settings_lines(settings: Settings, source: str | None) -> list[str]:
    """Return the settings in effect as `emcon check --verbose` prints them, defaults included."""
    none = "none"
    audiences = ", ".join(f"{k} ({_shown(v)})" for k, v in settings.audiences.items())
    fields = ", ".join(f"{k} ({_shown(v)})" for k, v in settings.quiz_fields.items())
    marks = settings.markings
    colours = ", ".join(f"{k} {v or '(the theme’s)'}" for k, v in settings.colours.model_dump().items())
    return [
        f"settings: {source}" if source else f"settings: defaults (no {SETTINGS_FILE})",
        f"  audiences: {audiences or 'any id, shown as written (none declared)'}",
        f"  markings: classification {_shown(marks.classification) or none}; "
        f"distribution {_shown(marks.distribution) or none}",
        f"  organisation: {_shown(settings.organisation) or none}",
        f"  course: {settings.course or none}",
        f"  logo: {settings.logo or none}",
        f"  colours: {colours}",
        f"  quiz_fields: {fields or 'name, date (the theme’s words)'}",
        f"  page_size: {settings.page_size}",
        f"  language: {settings.language}",
    ]


def _shown(value: str | dict[str, str] | None) -> str:
    """Return a string-or-per-language value as 'text' or en 'text', uk 'text'."""
    if not value:
        return ""
    if isinstance(value, str):
        return repr(value)
    return ", ".join(f"{lang} {text!r}" for lang, text in value.items())
