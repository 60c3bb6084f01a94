"""emcon.yaml: a curriculum's own audiences, markings, organisation, logo, colours and quiz-form fields.

The fixture tests/fixtures/other-subject/ is a small curriculum on food safety in community
kitchens, with its own audiences (staff, volunteer), no markings in one pack and its own in
the other, an organisation, a course number, a PNG logo, every quiz type, a figure, a quote
and an exercise. Every output it builds is read as a reader or an importer would, and must
hold no trace of the default curriculum's subject.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import flat
from emcon.cli import OUTPUT_KINDS, main
from emcon.model import Pack
from emcon.settings import Settings, pack_settings

FIXTURE = Path(__file__).parent / "fixtures" / "other-subject"
EVERY_KIND = set(OUTPUT_KINDS)
# The default curriculum's subject, audiences and markings: none may show in another curriculum's outputs.
SUBJECT_WORDS = re.compile(
    r"\b(phones?|emissions?|emit\w*|soldiers?|civilians?|leaders?|commanders?|NCOs?|military|front|frontline"
    r"|Ukrain\w*|Makiivka|Husarivka|Kyiv|Russia\w*|SIGINT|drones?|artillery|beacons?|unclassified"
    r"|distribution a)\b",
    re.IGNORECASE,
)
# The glossary's term; the quiz forms' old field (a label prints in capitals), not "unit" in running text.
CASED_WORDS = re.compile(r"\b(EMCON|Unit|UNIT)\b")


@pytest.fixture(scope="module")
def other_build(tmp_path_factory) -> Path:
    """Build the other-subject curriculum once; return its build folder."""
    project = tmp_path_factory.mktemp("other") / "project"
    shutil.copytree(FIXTURE, project)
    out = project / "build"
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def output_texts(build: Path) -> dict[str, str]:
    """Return the text of every file the build wrote, as a reader or an importer meets it."""
    texts = {}
    for path in sorted(p for p in build.rglob("*") if p.is_file()):
        name = path.relative_to(build).as_posix()
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            info = " ".join(str(v) for v in (reader.metadata or {}).values())
            texts[name] = " ".join(page.extract_text() for page in reader.pages) + " " + info
        elif path.suffix in (".zip", ".pptx"):
            with zipfile.ZipFile(path) as archive:
                parts = [archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if _is_text(n)]
            texts[name] = " ".join(re.sub(r"<[^>]+>", " ", part) for part in parts)
        elif path.suffix in (".html", ".xml", ".txt", ".json", ".gift"):
            text = path.read_text(encoding="utf-8")
            texts[name] = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)  # CSS says leader()
    return texts


def _is_text(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".html", ".txt", ".json"))


def test_the_other_curriculum_builds_every_kind_of_output(other_build):
    for pack in ("kitchen-staff", "volunteer-intro"):
        manifest = json.loads((other_build / pack / "manifest.json").read_text(encoding="utf-8"))
        kinds = {entry["kind"] for entry in manifest["outputs"]}
        expected = EVERY_KIND - ({"answer-sheet-pdf"} if pack == "volunteer-intro" else set())
        assert kinds == expected, pack


def test_no_output_shows_the_default_curriculums_subject(other_build):
    texts = output_texts(other_build)
    assert len(texts) > 40  # every PDF, page, deck, export and manifest
    found = {}
    for name, text in texts.items():
        words = sorted({m.group(0) for m in SUBJECT_WORDS.finditer(text)} | set(CASED_WORDS.findall(text)))
        if words:
            found[name] = words
    assert found == {}


def test_the_search_for_the_subject_finds_it_in_the_default_build(default_build):
    texts = output_texts(default_build / "soldier-basic")
    assert SUBJECT_WORDS.search(texts["briefing.pdf"]) and CASED_WORDS.search(texts["quiz-A.pdf"])


def test_markings_none_prints_no_banner_and_a_packs_own_marking_prints_everywhere(other_build):
    staff = flat(" ".join(p.extract_text() for p in PdfReader(other_build / "kitchen-staff/briefing.pdf").pages))
    assert "MEMBERS ONLY" not in staff and "Approved" not in staff
    briefing = PdfReader(other_build / "volunteer-intro/briefing.pdf")
    for number, page in enumerate(briefing.pages, 1):
        assert page.extract_text().count("MEMBERS ONLY") >= 2, number
    html = (other_build / "kitchen-staff/briefing.html").read_text(encoding="utf-8")
    assert 'class="banner"' not in html and 'class="marking"' not in html


def test_the_guide_asserts_no_risk_level_or_marking_the_author_did_not_write(other_build):
    """A pack with no risk level and no markings: the guide asks for the assessment and has no marking row."""
    guide = flat(" ".join(p.extract_text() for p in PdfReader(other_build / "kitchen-staff/instructor.pdf").pages))
    assert "Risk assessment level Not assessed: assess the risk before the lesson" in guide
    assert "Risk assessment level: Not assessed: assess the risk before the lesson." in guide  # the opening's brief
    assert "Classification" not in guide, guide[guide.find("Classification") - 200 :][:400]


def test_the_organisation_course_and_logo_are_on_every_cover(other_build):
    for name in ("briefing.pdf", "instructor.pdf", "slides.pdf", "quiz-A.pdf"):
        first = PdfReader(other_build / "kitchen-staff" / name).pages[0]
        assert "Riverside Community Kitchen Network" in first.extract_text(), name
        assert "KH-101" in first.extract_text(), name
        assert any(o["/Subtype"] == "/Image" for o in first["/Resources"]["/XObject"].values()), name
    html = (other_build / "kitchen-staff/briefing.html").read_text(encoding="utf-8")
    assert re.search(r'<img class="logo" src="data:image/png;base64,[^"]+" alt="Riverside Community', html)
    with zipfile.ZipFile(other_build / "kitchen-staff/slides.pptx") as deck:
        title = deck.read("ppt/slides/slide1.xml").decode()
        assert "Riverside Community Kitchen Network" in title and 'descr="Riverside Community' in title
        assert any(n.startswith("ppt/media/") for n in deck.namelist())


def test_quiz_forms_print_the_fields_emcon_yaml_declares(other_build):
    staff = flat(PdfReader(other_build / "kitchen-staff/quiz-A.pdf").pages[0].extract_text()).upper()
    assert "NAME KITCHEN DATE" in staff
    volunteers = flat(PdfReader(other_build / "volunteer-intro/quiz-A.pdf").pages[0].extract_text()).upper()
    assert "FORM A NAME DATE TIME ALLOWED" in volunteers


def test_colours_reach_the_themes_css_variables(other_build):
    html = (other_build / "kitchen-staff/briefing.html").read_text(encoding="utf-8")
    assert '<html lang="en" style="--accent: #1f6f43;">' in html


def test_audience_names_come_from_emcon_yaml(other_build):
    index = (other_build / "index.html").read_text(encoding="utf-8")
    assert "Kitchen staff · 28 min" in index and "Volunteers · 20 min" in index


# ------------------------------------------------------------------ projects without emcon.yaml


def test_a_project_without_emcon_yaml_keeps_building_with_neutral_defaults(make_project, run):
    root = make_project()
    result = run("build", "--project", root, "--only", "briefing-html", "--only", "quiz-pdf")
    assert result.exit_code == 0, result.output
    site = (root / "build/basic/site/index.html").read_text(encoding="utf-8")
    assert "<dd>soldier</dd>" in site  # the audience as written: no name declared anywhere
    assert 'class="banner"' not in site and "masthead" not in site
    form = flat(PdfReader(root / "build/basic/quiz-A.pdf").pages[0].extract_text()).upper()
    assert "NAME DATE" in form and "UNIT" not in form


def test_check_verbose_shows_the_defaults_of_a_project_without_emcon_yaml(make_project, run):
    result = run("check", "--verbose", "--project", make_project())
    assert result.exit_code == 0, result.output
    settings = [line for line in result.output.splitlines() if ": warning: " not in line]  # the minimal module's
    assert settings[:10] == [
        "settings: defaults (no emcon.yaml)",
        "  audiences: any id, shown as written (none declared)",
        "  markings: classification none; distribution none",
        "  organisation: none",
        "  course: none",
        "  logo: none",
        "  colours: accent (the theme’s), ink (the theme’s)",
        "  quiz_fields: name, date (the theme’s words)",
        "  page_size: A4",
        "  language: en",
    ]


def test_check_verbose_shows_the_settings_of_emcon_yaml(run):
    result = run("check", "--verbose", "--project", FIXTURE)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("emcon.yaml")
    assert lines[1] == "  audiences: staff (en 'Kitchen staff', uk 'Працівники кухні'), volunteer ('Volunteers')"
    assert lines[2] == "  markings: classification none; distribution none"
    assert lines[5] == "  logo: content/figures/logo.png"


# ------------------------------------------------------------------ markings and defaults, pack by pack

SETTINGS = """\
audiences:
  soldier: {en: Trainees, uk: Слухачі}
markings:
  classification: {en: INTERNAL, uk: ВНУТРІШНЄ}
  distribution: Staff only.
page_size: Letter
"""


def test_a_pack_takes_emcon_yamls_markings_and_page_size_unless_it_names_its_own(make_project, run):
    root = make_project({"emcon.yaml": SETTINGS})
    result = run("build", "--project", root, "--only", "briefing-html")
    assert result.exit_code == 0, result.output
    page = (root / "build/basic/briefing.html").read_text(encoding="utf-8")
    assert '<p class="banner" role="note">INTERNAL</p>' in page and "<p>Staff only.</p>" in page
    assert "<dd>Trainees</dd>" in page


def test_an_empty_classification_in_a_pack_removes_the_projects_banner(make_project, run):
    pack = "id: basic\ntitle: Basic pack\naudience: soldier\nminutes: 6\ndate: 2026-01-02\nmodules: [alpha]\n"
    pack += 'classification: ""\nquiz: {questions: 2, forms: 2, seed: 7, minutes: 1}\n'
    root = make_project({"emcon.yaml": SETTINGS, "content/packs/basic.yaml": pack})
    result = run("build", "--project", root, "--only", "briefing-html")
    assert result.exit_code == 0, result.output
    page = (root / "build/basic/briefing.html").read_text(encoding="utf-8")
    assert 'class="banner"' not in page and "<p>Staff only.</p>" in page


def test_texts_are_chosen_in_the_packs_language():
    settings = Settings.model_validate(
        {
            "audiences": {"staff": {"en": "Kitchen staff", "uk": "Працівники кухні"}},
            "organisation": {"en": "Riverside", "uk": "Рівер-сайд"},
            "markings": {"classification": {"en": "INTERNAL", "uk": "ВНУТРІШНЄ"}, "distribution": "Staff only."},
            "quiz_fields": {"name": {"en": "Name", "uk": "Ім'я"}, "team": "Team"},
            "language": "uk",
        }
    )
    pack = settings.apply(
        Pack.model_validate(
            {"id": "p", "title": "P", "audience": "staff", "minutes": 5, "date": "2026-01-01", "modules": ["m"]}
        )
    )
    assert (pack.language, pack.page_size, pack.classification, pack.distribution) == (
        "uk",
        "A4",
        "ВНУТРІШНЄ",
        "Staff only.",
    )
    shown = pack_settings(settings, pack, {}, has_logo=False)
    assert (shown.audience, shown.organisation, shown.fields) == (
        "Працівники кухні",
        "Рівер-сайд",
        (("name", "Ім'я"), ("team", "Team")),
    )


def test_a_text_missing_in_a_packs_language_is_a_warning_at_its_line(make_project, run):
    settings = "audiences:\n  soldier: {en: Trainees}\norganisation: {en: Riverside, uk: Рівер-сайд}\n"
    pack = "id: basic\ntitle: Basic pack\naudience: soldier\nminutes: 6\ndate: 2026-01-02\nmodules: [alpha]\n"
    pack += "language: uk\nquiz: {questions: 2, forms: 2, seed: 7, minutes: 1}\n"
    root = make_project({"emcon.yaml": settings, "content/packs/basic.yaml": pack})
    result = run("check", "--project", root)
    expected = (
        f"{root / 'emcon.yaml'}:2: warning: audiences.soldier: no 'uk' text for pack 'basic'; its English is printed"
    )
    assert expected in result.output.splitlines()
    assert "organisation" not in result.output


@pytest.mark.parametrize("kind", ["module", "pack", "sources", "glossary", "settings"])
def test_the_schemas_every_new_project_gets_speak_of_no_subject(kind):
    """`emcon init` writes the schemas into .emcon/: their examples and messages show in any author's editor."""
    from emcon.schema import schema_text

    text = schema_text(kind)
    assert not SUBJECT_WORDS.search(text), SUBJECT_WORDS.findall(text)[:10]
