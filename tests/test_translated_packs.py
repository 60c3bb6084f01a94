"""A pack in another language: built from the catalog's texts, never its structure; what is left English is said."""

import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import FEW_ITEMS, MODULE, QUIZ_LINE, TOWERS_SVG, line_of
from emcon.i18n.apply import translate
from emcon.project import load_project

UK_PACK = "id: basic-uk\ntranslates: basic\nlanguage: uk\n"


@pytest.fixture(autouse=True)
def in_project(tmp_path, monkeypatch):
    """Run in the project's folder, so paths print as an author types them."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def uk_project(make_project, run):
    """Return a project with a Ukrainian pack that translates the basic one, and its empty catalog."""
    root = make_project({"content/packs/basic-uk.yaml": UK_PACK})
    for command in (("extract",), ("update", "uk")):
        result = run("translate", *command, "--project", root)
        assert result.exit_code == 0, result.output
    return root


def fill(root: Path, translations: dict[str, str] | None = None, every=None) -> str:
    """Translate entries of uk.po with Babel, as a translator's tool would; return the file's text."""
    path = root / "content/locale/uk.po"
    with path.open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if message.id and every:
            message.string = every(message.id)
        if message.context in (translations or {}):
            message.string = translations[message.context]
        message.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, catalog, include_previous=True)
    path.write_bytes(out.getvalue())
    return out.getvalue().decode()


def po_line(po: str, context: str) -> int:
    """Return the line of an entry's msgid, where check reports it."""
    return line_of(po, f'msgctxt "{context}"') + 1


def test_round_trip_one_translated_string_shows_in_the_pdf(uk_project, run):
    from pypdf import PdfReader

    fill(uk_project, {"modules/alpha.yaml:sections[0].heading": "Чому телефон видає вас"})
    result = run("build", "--project", uk_project, "basic-uk", "--only", "briefing-pdf")
    assert result.exit_code == 0, result.output
    assert (
        "content/packs/basic-uk.yaml:3: warning: language: 23 texts shown in English, untranslated or fuzzy in "
        "content/locale/uk.po (`emcon check` lists them)"
    ) in result.output.splitlines()
    pdf = PdfReader(uk_project / "build/basic-uk/briefing.pdf")
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Чому телефон видає вас" in text
    assert "Basic pack" in text  # the pack's title is inherited, and untranslated: English


def test_everything_translated_passes_strict_and_a_changed_english_text_is_fuzzy_and_fails_it(uk_project, run):
    fill(uk_project, every=lambda english: f"УКР {english}")
    few = f"content/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}\n"  # the minimal module's own warning
    result = run("check", "--project", uk_project)
    assert result.output == (
        few + "note: quotes were not checked against their sources (pass --sources DIR)\n"
        "1 module, 2 packs: 0 errors, 1 warning\n"
    )
    (uk_project / "content/modules/alpha.yaml").write_text(
        MODULE.replace("key_points: [Phones emit.]", "key_points: [Phones always emit.]"), encoding="utf-8"
    )
    result = run("check", "--strict", "--project", uk_project)
    assert result.exit_code == 1
    line = line_of(MODULE, "key_points:")
    assert result.output == (
        f"content/modules/alpha.yaml:{line}: warning: key_points[0]: not in content/locale/uk.po as it is now "
        "written, so it is shown in English; run `emcon translate extract && emcon translate update uk`\n"
        + few
        + "0 errors, 2 warnings (--strict: a warning fails the check)\n"
    )
    for command in (("extract",), ("update", "uk")):
        run("translate", *command, "--project", uk_project)
    po = (uk_project / "content/locale/uk.po").read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "Phones emit."\nmsgctxt "modules/alpha.yaml:key_points[0]"' in po
    result = run("check", "--strict", "--project", uk_project)
    assert result.exit_code == 1
    assert result.output == (
        f"content/locale/uk.po:{po_line(po, 'modules/alpha.yaml:key_points[0]')}: warning: "
        "modules/alpha.yaml:key_points[0]: fuzzy (its English changed since it was translated), "
        "so it is shown in English in basic-uk\n" + few + "0 errors, 2 warnings (--strict: a warning fails the check)\n"
    )
    assert run("check", "--project", uk_project).exit_code == 0  # a warning, not an error, without --strict


def test_a_catalog_changes_texts_only_never_answers_ids_or_sources(uk_project):
    po = fill(uk_project, {"modules/alpha.yaml:quiz[1].choices[0].text": "Вимкнути"})
    # entries a hand could add for structure: an answer, an id, a source
    forged = "".join(
        f'\nmsgctxt "modules/alpha.yaml:{field}"\nmsgid "{english}"\nmsgstr "{other}"\n'
        for field, english, other in (
            ("quiz[1].answer", "a", "b"),
            ("quiz[1].id", "a-2", "x-2"),
            ("quiz[1].source", "src", "x"),
        )
    )
    (uk_project / "content/locale/uk.po").write_text(po + forged, encoding="utf-8")
    project, problems = load_project(uk_project)
    assert [p for p in problems if p.severity == "error"] == []
    item = translate(project, "uk", project.catalogs["uk"]).curriculum.modules["alpha"].quiz[1]
    assert [c.text for c in item.choices] == ["Вимкнути", "Keep on"]
    assert (item.answer, item.id, item.source) == ("a", "a-2", "src")
    assert item.correct == ["a"]  # the translated choice is still the right one


def test_a_translated_quote_keeps_its_english_as_original(uk_project):
    fill(uk_project, {"modules/alpha.yaml:quotes[0].text": "щоразу, як ви натискаєте кнопку"})
    project, _ = load_project(uk_project)
    quote = translate(project, "uk", project.catalogs["uk"]).curriculum.modules["alpha"].quotes[0]
    assert (quote.text, quote.original) == ("щоразу, як ви натискаєте кнопку", "every time you press a button")
    assert project.curriculum.modules["alpha"].quotes[0].original is None


@pytest.mark.parametrize(
    ("english_field", "translation", "what"),
    [
        ("quiz[0].explanation", "Так.", "citation keys (none) differ from the English's (src)"),
        ("sections[0].body", "Телефон говорить з 3 вежами.", "numbers (3) differ from the English's (none)"),
    ],
)
def test_a_translation_that_changes_structure_is_an_error_at_its_line(
    uk_project, run, english_field, translation, what
):
    context = f"modules/alpha.yaml:{english_field}"
    po = fill(uk_project, {context: translation})
    result = run("check", "--project", uk_project)
    assert result.exit_code == 1
    assert (
        f"content/locale/uk.po:{po_line(po, context)}: {context}: the translation's {what}; keep them as they are"
    ) in result.output.splitlines()


def test_a_translation_that_drops_emphasis_or_a_link_is_an_error(make_project, run):
    text = MODULE.replace("A phone talks to towers.", "A phone **always** talks to [towers](https://example.org/t).")
    root = make_project({"content/modules/alpha.yaml": text, "content/packs/basic-uk.yaml": UK_PACK})
    for command in (("extract",), ("update", "uk")):
        run("translate", *command, "--project", root)
    body = "modules/alpha.yaml:sections[0].body"
    po = fill(root, {body: "Телефон **завжди** говорить з вежами."})
    result = run("check", "--project", root)
    assert (
        f"content/locale/uk.po:{po_line(po, body)}: {body}: the translation's links (none) differ from the English's "
        "(https://example.org/t); keep them as they are"
    ) in result.output.splitlines()
    po = fill(root, {body: "Телефон завжди говорить з [вежами](https://example.org/t)."})
    result = run("check", "--project", root)
    assert (
        f"content/locale/uk.po:{po_line(po, body)}: {body}: the translation's Markdown emphasis differs from the "
        "English's (2 ** and 0 single *); keep the same words emphasized"
    ) in result.output.splitlines()


def test_a_po_syntax_error_is_a_check_error_at_its_line(uk_project, run):
    path = uk_project / "content/locale/uk.po"
    po = path.read_text(encoding="utf-8").replace(
        'msgid "Phones emit."\nmsgstr ""', 'msgid "Phones emit."\nmsgstr "Телефони\nвипромінюють"'
    )
    path.write_text(po, encoding="utf-8")
    result = run("check", "--project", uk_project)
    assert result.exit_code == 1
    assert result.output == (
        f"content/locale/uk.po:{line_of(po, 'випромінюють')}: PO syntax error: unknown or misformatted keyword: "
        'випромінюють" (a line of text is written in "quotes"; a line break inside a text is \\n)\n'
        f"content/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}\n"
        "1 error, 1 warning\n"
    )


def test_a_pack_without_its_catalog_warns_at_its_language(make_project, run):
    root = make_project({"content/packs/basic-uk.yaml": UK_PACK})
    result = run("check", "--project", root)
    assert result.exit_code == 0
    assert (
        "content/packs/basic-uk.yaml:3: warning: language: no catalog content/locale/uk.po, so every text is shown "
        "in English; run `emcon translate extract && emcon translate update uk`"
    ) in result.output.splitlines()


def test_a_pack_translates_a_pack_that_exists(make_project, run):
    root = make_project({"content/packs/basic-uk.yaml": UK_PACK.replace("translates: basic", "translates: basik")})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert (
        "content/packs/basic-uk.yaml:2: translates: 'basik' is not a pack (did you mean 'basic'?); "
        "name a pack written in full"
    ) in result.output.splitlines()


def test_a_translating_pack_inherits_all_but_id_and_language_and_keeps_what_it_sets(make_project):
    root = make_project({"content/packs/basic-uk.yaml": UK_PACK + "title: Базовий курс\n"})
    project, problems = load_project(root)
    assert [p for p in problems if p.severity == "error"] == []
    uk, basic = project.curriculum.packs["basic-uk"], project.curriculum.packs["basic"]
    assert (uk.id, uk.language, uk.title) == ("basic-uk", "uk", "Базовий курс")
    assert (uk.modules, uk.minutes, uk.quiz, uk.date) == (basic.modules, basic.minutes, basic.quiz, basic.date)


def test_a_catalog_edit_rebuilds_the_packs_in_its_language_only(uk_project):
    from emcon.build import _pack_key

    def keys():
        project, _ = load_project(uk_project)
        return {p: _pack_key(project, p, None) for p in ("basic", "basic-uk")}

    before = keys()
    fill(uk_project, {"modules/alpha.yaml:title": "Альфа"})
    after = keys()
    assert after["basic"] == before["basic"]
    assert after["basic-uk"] != before["basic-uk"]


def test_the_render_context_has_the_translated_pack_and_who_reviewed_it(uk_project):
    from emcon.render.context import PackContext
    from emcon.theme import Theme

    def context(pack: str) -> PackContext:
        project, _ = load_project(uk_project)
        return PackContext(project, project.curriculum.packs[pack], Theme(uk_project / "templates"))

    assert context("basic").translation is None
    assert context("basic-uk").translation == {"language": "uk", "reviewed_by": "", "untranslated": 24}
    po = fill(uk_project, {"packs/basic.yaml:title": "Базовий курс"})
    path = uk_project / "content/locale/uk.po"
    path.write_text(
        po.replace('"Language: uk\\n"', '"Language: uk\\n"\n"X-Reviewed-By: Оксана Коваль\\n"'), encoding="utf-8"
    )
    ctx = context("basic-uk")
    assert ctx.translation == {"language": "uk", "reviewed_by": "Оксана Коваль", "untranslated": 23}
    assert (ctx.pack.id, ctx.pack.title, ctx.pack.language) == ("basic-uk", "Базовий курс", "uk")


def test_a_figure_is_drawn_with_its_words_translated(make_project, run):
    svg = TOWERS_SVG
    module = MODULE.replace(
        "    body: |\n      A phone talks to towers.\n",
        "    figure: {file: figures/towers.svg, caption: Towers., alt: Two towers.}\n"
        "    body: |\n      A phone talks to towers.\n",
    )
    root = make_project(
        {
            "content/figures/towers.svg": svg,
            "content/modules/alpha.yaml": module,
            "content/packs/basic-uk.yaml": UK_PACK,
        }
    )
    for command in (("extract",), ("update", "uk")):
        run("translate", *command, "--project", root)
    fill(root, {"figures/towers.svg:text[1]": "права вежа"})
    project, _ = load_project(root)
    done = translate(project, "uk", project.catalogs["uk"])
    figure = done.figures["figures/towers.svg"].decode()
    assert '<text x="5" y="1">права вежа</text>' in figure and '<text x="1" y="1">left tower</text>' in figure
    assert {"figures/towers.svg:text[0]", "figures/towers.svg:title[0]"} <= done.fallbacks
    assert "figures/towers.svg:text[1]" not in done.fallbacks
    result = run("build", "--project", root, "basic-uk", "--only", "briefing-html")
    assert result.exit_code == 0, result.output
    html = (root / "build/basic-uk/briefing.html").read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64," in html  # the translated figure travels inside the page


def test_a_translated_pack_draws_the_same_forms_as_the_pack_it_translates(make_project):
    from conftest import PACK
    from emcon.quiz import draw_forms

    items = "".join(
        f"  - {{id: b-{n}, type: single, objective: explain-alpha, prompt: Pick {n}., "
        f"choices: [Yes {n}, No {n}, Maybe {n}], answer: a, source: src}}\n"
        for n in range(8)
    )
    root = make_project(
        {
            "content/modules/alpha.yaml": MODULE + items,
            "content/packs/basic.yaml": PACK.replace("questions: 2", "questions: 6"),
            "content/packs/basic-uk.yaml": UK_PACK,
        }
    )
    project, _ = load_project(root)
    cur = project.curriculum

    def forms(pack):
        return [
            (f.letter, [(q.item.id, q.answer) for q in f.questions]) for f in draw_forms(pack, cur.pack_modules(pack))
        ]

    assert forms(cur.packs["basic-uk"]) == forms(cur.packs["basic"])
    other = cur.packs["basic-uk"].model_copy(update={"translates": None})  # any other pack draws its own
    assert forms(other) != forms(cur.packs["basic"])
