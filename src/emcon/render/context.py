"""What every renderer of a pack is given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..localize import typeset
from ..model import Curriculum, GlossaryTerm, Module, Pack, Source
from ..outputs import Links, PdfJob
from ..project import Project
from ..quiz import Form, draw_forms
from ..settings import PackSettings, pack_settings
from ..slideplan import Deck, plan_deck
from ..theme import Theme


def citation_keys(keys) -> re.Pattern:
    """Return a pattern for an author's citation like ` (nyt-ap-2023)` or ` (a-2020; b-2021)`."""
    key = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"\s*\((?:{key})(?:\s*[;,]\s*(?:{key}))*\)")


def without_citation_keys(module: Module, keys) -> Module:
    """Return the module with the source ids authors cite in running text left out (readers see titles)."""
    pattern = citation_keys(keys)

    def clean(value):
        if isinstance(value, str):
            return pattern.sub("", value) or value  # a text that is only a citation stays: fields may not be empty
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return Module.model_validate(clean(module.model_dump()))


@dataclass
class PackContext:
    """One pack with its modules, the theme, and helpers to render documents.

    A pack in another language than the content's is given the curriculum in its
    language (i18n stage): `pack`, `modules`, `terms` and `sources` are translated.
    """

    project: Project
    pack: Pack
    theme: Theme

    def __post_init__(self) -> None:
        # the pack in its language, with the language's quotation marks: «…» in Ukrainian
        self.pack = typeset(self.curriculum.packs.get(self.pack.id, self.pack), self.pack.language)

    @cached_property
    def _translation(self):
        from ..i18n.apply import translation

        return translation(self.project, self.pack.language)

    @property
    def curriculum(self) -> Curriculum:
        """Return the curriculum in the pack's language."""
        return self._translation.curriculum

    @cached_property
    def translation(self) -> dict | None:
        """Return what the guide says of a translation: language, reviewer ('' if none yet), texts left in English."""
        from ..i18n.apply import english_left

        done = self._translation
        if done.curriculum is self.project.curriculum:
            return None  # the content's own language
        untranslated = english_left(self.project, self.pack.id)
        return {"language": self.pack.language, "reviewed_by": done.reviewed_by or "", "untranslated": untranslated}

    @cached_property
    def modules(self) -> list[Module]:
        """Return the pack's modules as its audience reads them, with no citation keys in their text."""
        keys, language = self.curriculum.sources.keys(), self.pack.language
        return [typeset(without_citation_keys(m, keys), language) for m in self.curriculum.pack_modules(self.pack)]

    @cached_property
    def terms(self) -> list[GlossaryTerm]:
        """Return the glossary terms the pack's modules use, alphabetically."""
        glossary = self.curriculum.glossary
        used = {g for m in self.modules for g in m.glossary if g in glossary}
        terms = (typeset(glossary[g], self.pack.language) for g in used)
        return sorted(terms, key=lambda term: term.term.casefold())

    @cached_property
    def sources(self) -> list[Source]:
        """Return the sources the pack's modules cite, by date then title."""
        cited = set().union(*(m.cited_sources() for m in self.modules))
        sources = self.curriculum.sources
        return sorted((sources[s] for s in cited if s in sources), key=lambda s: (s.date, s.title))

    @cached_property
    def strings(self) -> dict[str, str]:
        return self.theme.strings(self.pack.language)

    @cached_property
    def settings(self) -> PackSettings:
        """Return what the pack prints from emcon.yaml: organisation, course, audience name, quiz-form fields."""
        return pack_settings(self.project.settings, self.pack, self.strings, self.project.logo is not None)

    @cached_property
    def forms(self) -> list[Form]:
        """Return the pack's quiz forms, drawn once for the handouts, the key and the instructor guide."""
        return draw_forms(self.pack, self.modules)

    @cached_property
    def deck(self) -> Deck:
        """Return the pack's slide plan, from which the slides PDF, notes pages and PowerPoint deck are laid out."""
        return plan_deck(self.pack, self.modules, self.strings, set(self.curriculum.sources), self.settings.audience)

    @cached_property
    def slide_steps(self) -> list[tuple | None]:
        """Return the learning step each slide of the deck belongs to, in deck order (render.instructor.StepKey)."""
        return [self._step_key(slide) for slide in self.deck.slides]

    def _step_key(self, slide) -> tuple | None:
        if slide.kind == "quiz" and slide.step is None:
            return ("quiz", 0)
        if slide.step is None:
            return None
        if slide.module:
            module = self.modules[slide.module - 1]
            index = next(i for i, step in enumerate(module.steps) if step is slide.step)
            return ("module", index, module.id)
        for part, steps in (("opening", self.pack.opening), ("closing", self.pack.closing)):
            for i, step in enumerate(steps):
                if step is slide.step:
                    return (part, i)
        return None

    def links(self, mode: str) -> Links:
        return Links(
            mode, self.theme, self.project.content_dir, logo_file=self.project.logo, figures=self._translation.figures
        )

    def html(self, template: str, links: Links, **more) -> str:
        """Render a template of this pack with the shared context."""
        return self.theme.render(
            template,
            pack=self.pack,
            modules=self.modules,
            terms=self.terms,
            sources=self.sources,
            t=self.strings,
            settings=self.settings,
            links=links,
            translation=self.translation,
            **more,
        )

    def pdf_job(self, template: str, **more) -> PdfJob:
        """Return the job that lays out a template for WeasyPrint; the template renders when the build needs it."""

        def render() -> tuple[str, tuple[Path, ...]]:
            links = self.links("file")
            html = self.html(template, links, target="pdf", **more)
            return html, links.pdf_files()

        roots = (self.project.root, *self.theme.search_path)
        return PdfJob(render, self.project.root.as_uri() + "/", tuple(roots))
