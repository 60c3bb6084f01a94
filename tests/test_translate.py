"""The translation workflow: extract a template, create and merge a language's catalog."""

import re
from pathlib import Path

import pytest

from conftest import MODULE, TOWERS_SVG, line_of
from emcon.i18n.catalog import read_catalog


@pytest.fixture(autouse=True)
def in_project(tmp_path, monkeypatch):
    """Run in the project's folder, so paths print as an author types them."""
    monkeypatch.chdir(tmp_path)


def extract(run, root: Path) -> str:
    result = run("translate", "extract", "--project", root)
    assert result.exit_code == 0, result.output
    return (root / "content/locale/messages.pot").read_text(encoding="utf-8")


def update(run, root: Path, language: str = "uk"):
    result = run("translate", "update", "--project", root, language)
    assert result.exit_code == 0, result.output
    return result.output


def entry(catalog_text: str, context: str) -> str:
    """Return the whole entry of a context in a PO file's text (comments to msgstr)."""
    for block in catalog_text.split("\n\n"):
        if f'msgctxt "{context}"' in block:
            return block
    raise AssertionError(f"no entry {context}")


def translate(root: Path, context: str, text: str, language: str = "uk") -> None:
    """Fill one entry of a catalog, as a translator's tool would."""
    from emcon.i18n.catalog import catalog_bytes

    path = root / f"content/locale/{language}.po"
    catalog, problems = read_catalog(root / "content", path.name, str(path))
    assert problems == []
    message = next(m for m in catalog if m.context == context)
    message.string = text
    message.flags.discard("fuzzy")
    path.write_bytes(catalog_bytes(catalog))


def test_extract_writes_one_entry_per_text_with_context_comment_and_line(make_project, run):
    root = make_project()
    pot = extract(run, root)
    contexts = re.findall(r'^msgctxt "(.*)"$', pot, re.M)
    assert contexts[:8] == [
        "modules/alpha.yaml:title",
        "modules/alpha.yaml:summary",
        "modules/alpha.yaml:objectives[0].action",
        "modules/alpha.yaml:objectives[0].condition",
        "modules/alpha.yaml:objectives[0].standard",
        "modules/alpha.yaml:sections[0].heading",
        "modules/alpha.yaml:sections[0].body",
        "modules/alpha.yaml:key_points[0]",
    ]
    assert "modules/alpha.yaml:quiz[1].choices[1].text" in contexts  # a choice written as plain text
    assert "packs/basic.yaml:title" in contexts and "glossary.yaml:[0].definition" in contexts
    assert "sources.yaml:[0].reliability" in contexts and "sources.yaml:[0].title" not in contexts
    # structure is never text: ids, answers, references, methods, audiences
    assert not [c for c in contexts if re.search(r"\.(id|answer|source|objective|method|bloom)$|objectives\[\d+\]$", c)]
    assert entry(pot, "modules/alpha.yaml:quotes[0].text") == (
        "#. verbatim quote (Someone): translate faithfully; the original is printed\n"
        "#. beside it\n"
        f"#: content/modules/alpha.yaml:{line_of(MODULE, 'every time you press')}\n"
        'msgctxt "modules/alpha.yaml:quotes[0].text"\n'
        'msgid "every time you press a button"\n'
        'msgstr ""'
    )
    assert entry(pot, "modules/alpha.yaml:quiz[1].choices[0].text").startswith(
        "#. quiz choice: keep it as short as the others\n"
    )


def test_extract_takes_the_words_inside_svg_figures(make_project, run):
    svg = TOWERS_SVG
    root = make_project({"content/figures/towers.svg": svg})
    pot = extract(run, root)
    assert entry(pot, "figures/towers.svg:text[1]").endswith(
        '#: content/figures/towers.svg:4\nmsgctxt "figures/towers.svg:text[1]"\nmsgid "right tower"\nmsgstr ""'
    )
    assert 'msgctxt "figures/towers.svg:title[0]"\nmsgid "Two towers"' in pot


def test_extract_is_deterministic_and_dateless(make_project, run):
    root = make_project()
    first = extract(run, root)
    assert extract(run, root) == first
    assert "Creation-Date" not in first and "Generated-By" not in first


def test_a_percent_in_prose_is_not_flagged_as_a_format_string(make_project, run):
    """Babel would flag '80% of' as python-format ('% o'), and Poedit would then demand it in the translation."""
    root = make_project({"content/modules/alpha.yaml": MODULE.replace("minutes: 5\n", "minutes: 5\n", 1)})
    module = (root / "content/modules/alpha.yaml").read_text(encoding="utf-8")
    assert "every time you press a button" in module
    (root / "content/modules/alpha.yaml").write_text(
        module.replace("every time you press a button", "80% of the time you press a button"), encoding="utf-8"
    )
    pot = extract(run, root)
    assert "80% of the time" in pot and "python-format" not in pot
    update(run, root)
    assert "python-format" not in (root / "content/locale/uk.po").read_text(encoding="utf-8")


def test_extract_refuses_content_with_errors(make_project, run):
    root = make_project({"content/modules/alpha.yaml": MODULE.replace("minutes: 5\n", "minutes: five\n", 1)})
    result = run("translate", "extract", "--project", root)
    assert result.exit_code == 1
    assert not (root / "content/locale/messages.pot").exists()


def test_update_creates_a_catalog_with_language_plurals_and_an_empty_reviewer(make_project, run):
    root = make_project()
    extract(run, root)
    assert update(run, root) == "created content/locale/uk.po: 0 translated, 0 fuzzy, 24 untranslated, 0 obsolete\n"
    po = (root / "content/locale/uk.po").read_text(encoding="utf-8")
    assert '"Language: uk\\n"' in po
    assert '"Plural-Forms: nplurals=3; plural=n % 10 == 1' in po
    assert po.split("\n\n")[0].endswith('"X-Reviewed-By: \\n"')
    catalog, _ = read_catalog(root / "content", "uk.po", "uk.po")
    assert catalog.reviewed_by == ""


def test_a_planted_link_is_never_written_through(make_project, run, tmp_path_factory):
    """A shipped project's links in content/locale/ must not let `translate` write a user's own files."""
    victim = tmp_path_factory.mktemp("home") / "notes.txt"
    victim.write_text("mine", encoding="utf-8")
    root = make_project()
    locale = root / "content/locale"
    locale.mkdir()
    (locale / ".messages.pot.tmp").symlink_to(victim)  # the temporary file's name, planted
    (locale / "uk.po").symlink_to(victim)
    extract(run, root)
    result = run("translate", "update", "--project", root, "uk")
    assert victim.read_text(encoding="utf-8") == "mine"
    assert result.output == "content/locale/uk.po:1: 'locale/uk.po' points outside content/\n1 error, 0 warnings\n"
    assert result.exit_code == 1


def test_a_locale_folder_that_is_a_link_is_refused(make_project, run, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    root = make_project()
    (root / "content/locale").symlink_to(elsewhere, target_is_directory=True)
    result = run("translate", "extract", "--project", root)
    assert result.exit_code == 1
    assert result.output.endswith("messages.pot: a link or something not a folder is in the way\n")
    assert list(elsewhere.iterdir()) == []


def test_a_changed_english_text_keeps_its_translation_as_fuzzy(make_project, run):
    root = make_project()
    extract(run, root)
    update(run, root)
    translate(root, "modules/alpha.yaml:key_points[0]", "Телефони випромінюють.")
    translate(root, "modules/alpha.yaml:rules.dont[0]", "Не збирайтеся там, де є зв'язок.")
    changed = MODULE.replace("key_points: [Phones emit.]", "key_points: [Phones always emit.]")
    changed = changed.replace("  dont: [Gather at signal spots.]\n", "  dont: [Gather.]\n")
    (root / "content/modules/alpha.yaml").write_text(changed, encoding="utf-8")
    extract(run, root)
    assert update(run, root) == "updated content/locale/uk.po: 0 translated, 2 fuzzy, 22 untranslated, 0 obsolete\n"
    po = (root / "content/locale/uk.po").read_text(encoding="utf-8")
    assert entry(po, "modules/alpha.yaml:key_points[0]").endswith(
        "#, fuzzy\n"
        '#| msgid "Phones emit."\n'
        'msgctxt "modules/alpha.yaml:key_points[0]"\n'
        'msgid "Phones always emit."\n'
        'msgstr "Телефони випромінюють."'
    )


def test_a_removed_text_keeps_its_translation_as_obsolete(make_project, run):
    root = make_project()
    extract(run, root)
    update(run, root)
    translate(root, "modules/alpha.yaml:quotes[0].speaker", "Хтось")
    (root / "content/modules/alpha.yaml").write_text(
        MODULE.replace("    speaker: Someone\n", "    speaker: Someone\n    role: Officer\n"), encoding="utf-8"
    )
    extract(run, root)
    assert "1 translated" in update(run, root)
    text = MODULE.split("quotes:")[0] + "steps:" + MODULE.split("steps:")[1]
    (root / "content/modules/alpha.yaml").write_text(text, encoding="utf-8")
    extract(run, root)
    assert update(run, root).endswith("0 translated, 0 fuzzy, 22 untranslated, 1 obsolete\n")
    po = (root / "content/locale/uk.po").read_text(encoding="utf-8")
    assert po.endswith('#~ msgctxt "modules/alpha.yaml:quotes[0].speaker"\n#~ msgid "Someone"\n#~ msgstr "Хтось"\n\n')


def test_update_without_a_template_says_run_extract(make_project, run):
    root = make_project()
    result = run("translate", "update", "--project", root, "uk")
    assert result.exit_code == 1
    assert result.output == "error: content/locale/messages.pot not found: run `emcon translate extract` first\n"


def test_update_refuses_a_language_code_it_cannot_use(make_project, run):
    root = make_project()
    extract(run, root)
    result = run("translate", "update", "--project", root, "Ukrainian")
    assert result.exit_code == 1
    assert result.output == "error: 'Ukrainian' is not a language code like 'uk' or 'pt-BR' (as a pack's `language`)\n"


def test_a_po_syntax_error_is_reported_at_its_line(make_project, run):
    root = make_project()
    extract(run, root)
    update(run, root)
    path = root / "content/locale/uk.po"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('msgid "Phones emit."\nmsgstr ""', 'msgid "Phones emit."\nmsgstr "Телефони\nвипромінюють"', 1)
    path.write_text(broken, encoding="utf-8")
    result = run("translate", "update", "--project", root, "uk")
    assert result.exit_code == 1
    line = line_of(broken, 'msgstr "Телефони')
    assert result.output.startswith(f"content/locale/uk.po:{line + 1}: PO syntax error: ")
    assert "Traceback" not in result.output
