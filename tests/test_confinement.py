"""Content is text, never code; rendering reads only the project's and the theme's own files.

Hostile content (template syntax, raw HTML, <script>, javascript: links) must come out
as the words the author typed, in HTML and PDF alike. Every route WeasyPrint has to
read a file (img, CSS url(), @import, <link rel=attachment>, @font-face, ...) is tried
on /etc/passwd and on a secret file beside the project: the build fails with a message
naming what was refused, or the output holds nothing of those files.
"""

from __future__ import annotations

import re
import shutil
import zipfile
import zlib
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from conftest import BASE, tree_digest
from emcon.cli import main
from emcon.errors import BuildError
from emcon.pdf import RenderError, render_pdf
from emcon.theme import Theme

PASSWD_LINE = b"root:x:0:0"
SECRET = "SECRET-OUTSIDE-THE-PROJECT"
HOSTILE = {
    "template": "{{ 7*7 }} {% if true %}evaluated{% endif %} {# hidden #}",
    "html": '<b>bold</b> <img src=x onerror=alert(1)> <iframe src="file:///etc/passwd"></iframe>',
    "script": "<script>alert(1)</script>",
}
PROMPT = "Pick one <script>alert(6)</script> {{ 7*7 }} ]]>"


def hostile_module() -> str:
    """Return the base module with hostile text in many of its text fields."""
    text = (BASE / "content/modules/alpha.yaml").read_text(encoding="utf-8")
    swaps = {
        "title: Alpha lesson": f"title: 'Alpha {HOSTILE['template']}'",
        "summary: What alpha teaches.": f"summary: '{HOSTILE['html']}'",
        "      A phone talks to towers.\n": (
            "      A phone talks to towers.\n\n"
            f"      {HOSTILE['script']}\n\n"
            '      <div onclick="alert(2)">raw block</div>\n\n'
            "      [run me](javascript:alert(3)) [run me too](JaVaScRiPt:alert(4)) <javascript:alert(5)>\n"
            "      [local](file:///etc/passwd) [web](https://example.org/) ![pic](file:///etc/passwd)\n"
        ),
        "key_points: [Phones emit.]": f"key_points: ['{HOSTILE['template']}', '{HOSTILE['script']}']",
        "  - text: every time you press a button": "  - text: every time you press {{ 7*7 }} </p><script>x</script>",
        "prompt: Pick one.": f"prompt: '{PROMPT}'",
    }
    for old, new in swaps.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    """Build the hostile project's briefing (PDF and HTML), quiz page and LMS exports once."""
    project = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(BASE, project)
    (project / "content/modules/alpha.yaml").write_text(hostile_module(), encoding="utf-8")
    kinds = ["briefing-pdf", "briefing-html", "quiz-html", "moodle-xml", "qti21"]
    args = ["build", "--project", str(project), *[a for k in kinds for a in ("--only", k)]]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project / "build" / "basic"


def html_pages(build: Path) -> list[Path]:
    return sorted(p for p in build.rglob("*.html"))


def visible_text(page: Path) -> str:
    """Return the text a reader sees on an HTML page (not its stylesheets or scripts)."""
    doc = lxml.html.fromstring(page.read_bytes())
    for element in doc.xpath("//style | //script"):
        element.drop_tree()
    return doc.text_content()


@pytest.mark.parametrize("page", ["briefing.html", "site/alpha.html"])
def test_hostile_text_is_printed_literally_in_html(page, hostile_build):
    text = visible_text(hostile_build / page)
    assert "Alpha {{ 7*7 }} {% if true %}evaluated{% endif %} {# hidden #}" in text
    assert HOSTILE["html"] in text and HOSTILE["script"] in text
    assert '<div onclick="alert(2)">raw block</div>' in text
    assert "49" not in text


def test_hostile_quiz_prompt_is_text_on_the_quiz_page(hostile_build):
    assert PROMPT in visible_text(hostile_build / "quiz.html")


def test_no_script_handler_or_javascript_link_comes_from_content(hostile_build):
    for page in html_pages(hostile_build):
        doc = lxml.html.fromstring(page.read_bytes())
        for script in doc.iter("script"):  # the theme's own (the self-check quiz), never the content's
            assert "alert" not in (script.text or "") and not script.get("src"), page
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue  # a comment
            assert not [a for a in element.attrib if a.lower().startswith("on")], (page, element.tag)
            assert element.tag not in ("iframe", "object", "embed"), page
        for href in doc.xpath("//a/@href"):
            assert re.match(r"(https?:|mailto:|#|[\w./-]+$)", href) and not href.lower().startswith("javascript"), href
    briefing = lxml.html.fromstring((hostile_build / "briefing.html").read_bytes())
    assert "https://example.org/" in briefing.xpath("//a/@href")  # a web link survives: dropping is selective


def test_lms_exports_keep_hostile_text_as_text(hostile_build):
    moodle = etree.parse(str(hostile_build / "quiz.moodle.xml"))
    html = next(t for t in moodle.xpath("//questiontext/text/text()") if "Pick one" in t)
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not fragment.xpath("//script") and PROMPT in fragment.text_content()
    with zipfile.ZipFile(hostile_build / "quiz.qti21.zip") as qti:
        items = [etree.fromstring(qti.read(name)) for name in qti.namelist() if name.endswith(".xml")]
    item = next(i for i in items if "Pick one" in "".join(i.itertext()))
    assert not item.xpath("//*[local-name()='script']") and PROMPT in "".join(item.itertext())


def test_check_points_at_every_link_that_is_left_out(tmp_path):
    shutil.copytree(BASE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "content/modules/alpha.yaml").write_text(hostile_module(), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--project", str(tmp_path)])
    assert result.exit_code == 0, result.output  # warnings: the build goes on without those links
    shown = (tmp_path / "content/modules/alpha.yaml").as_posix()
    warned = [line for line in result.output.splitlines() if "is left out" in line]
    assert warned == [
        f"{shown}:14: warning: sections[0].body: link '{url}' is left out: "
        "links go to http:, https:, mailto: or #anchor addresses"
        for url in ("JaVaScRiPt:alert(4)", "file:///etc/passwd", "javascript:alert(3)", "javascript:alert(5)")
    ]


def pdf_bytes_inflated(data: bytes) -> bytes:
    """Return the PDF's bytes followed by every stream inflated, so that text can be searched."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


def test_hostile_text_is_printed_literally_in_pdf(hostile_build):
    reader = PdfReader(hostile_build / "briefing.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "{{ 7*7 }}" in text and "{% if true %}evaluated{% endif %}" in text
    assert "<script>alert(1)</script>" in text
    assert '<div onclick="alert(2)">raw block</div>' in text
    uris = [
        str(annot.get_object().get("/A", {}).get("/URI", ""))
        for page in reader.pages
        for annot in page.get("/Annots", []) or []
    ]
    assert "https://example.org/" in uris
    assert not [u for u in uris if u.lower().startswith(("javascript:", "file:"))], uris
    assert PASSWD_LINE not in pdf_bytes_inflated((hostile_build / "briefing.pdf").read_bytes())


# ---------------------------------------------------------------- WeasyPrint's routes to a file

ROUTES = {
    "img": '<img src="{url}" alt="x">',
    "css-url": '<div style="background: url({url})">x</div>',
    "css-content": "<style>p::before {{ content: url({url}) }}</style><p>x</p>",
    "list-style-image": '<ul style="list-style-image: url({url})"><li>x</li></ul>',
    "@import": '<style>@import url("{url}");</style>',
    "link-stylesheet": '<link rel="stylesheet" href="{url}">',
    "link-attachment": '<link rel="attachment" href="{url}">',
    "a-attachment": '<a rel="attachment" href="{url}">x</a>',
    "@font-face": "<style>@font-face {{ font-family: X; src: url({url}) }} p {{ font-family: X }}</style><p>x</p>",
    "object": '<object data="{url}"></object>',
    "embed": '<embed src="{url}">',
}


def page_with(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>{body}</body></html>'


@pytest.fixture
def confined_root(tmp_path) -> tuple[Path, Path, Path]:
    """Return a project folder, a secret file beside it, and a link inside it that points at the secret."""
    root = tmp_path / "project"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    link = root / "innocent.css"
    link.symlink_to(secret)
    return root, secret, link


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("target", ["passwd", "relative", "secret", "symlink", "http"])
def test_every_weasyprint_route_out_of_the_project_is_refused(route, target, confined_root):
    root, secret, link = confined_root
    url, refused = {
        "passwd": ("file:///etc/passwd", "refused to read /etc/passwd: it is outside the project"),
        "relative": ("../../../../../../../../etc/passwd", "refused to read /etc/passwd: it is outside the project"),
        "secret": (secret.as_uri(), f"refused to read {secret}: it is outside the project"),
        "symlink": (link.as_uri(), f"refused to read {secret}: it is outside the project"),
        "http": ("http://127.0.0.1:9/x.css", "refused to fetch http://127.0.0.1:9/x.css"),
    }[target]
    with pytest.raises(RenderError) as caught:
        render_pdf(page_with(ROUTES[route].format(url=url)), root.as_uri() + "/", [root])
    assert refused in str(caught.value)


def test_the_same_routes_do_read_files_inside_the_project(confined_root):
    """The refusals above are the fetcher's doing: a file inside the project is read through a route."""
    root, _, _ = confined_root
    (root / "note.txt").write_text("INSIDE-THE-PROJECT")
    data, _ = render_pdf(
        page_with(ROUTES["link-attachment"].format(url=(root / "note.txt").as_uri())), root.as_uri() + "/", [root]
    )
    assert b"INSIDE-THE-PROJECT" in pdf_bytes_inflated(data)


@pytest.mark.parametrize(
    "element",
    [
        '<iframe src="file:///etc/passwd"></iframe>',
        '<video poster="file:///etc/passwd"></video>',
        '<a href="file:///etc/passwd">link</a>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        '<image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>',
    ],
)
def test_elements_weasyprint_does_not_fetch_leave_nothing_in_the_output(element, tmp_path):
    try:
        data, _ = render_pdf(page_with(element), tmp_path.as_uri() + "/", [tmp_path])
    except RenderError:
        return  # refused: there is no output to leak into
    assert PASSWD_LINE not in pdf_bytes_inflated(data)


# ---------------------------------------------------------------- the same through a project's templates


def build_refused(project: Path, kind: str, message: str) -> None:
    """Build kind: it must fail with message, no traceback, and leave the earlier build as it was."""
    before = tree_digest(project / "build")
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--only", kind])
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert message in result.stderr, result.stderr
    assert tree_digest(project / "build") == before


CSS_ROUTES = {
    "@import": '@import url("file:///etc/passwd");\n',
    "@font-face": "@font-face { font-family: Leak; src: url(file:///etc/passwd); }\nbody { font-family: Leak; }\n",
    "url()": "body { background: url(file:///etc/passwd); }\n",
    "relative url()": "body { background: url(../../../../../../../../../etc/passwd); }\n",
}


@pytest.mark.parametrize("route", sorted(CSS_ROUTES))
def test_a_stylesheet_override_cannot_read_outside_the_project(route, project):
    (project / "templates/css").mkdir(parents=True)
    default_css = (Theme(None).find("css/briefing.css")).read_text(encoding="utf-8")
    (project / "templates/css/briefing.css").write_text(CSS_ROUTES[route] + default_css, encoding="utf-8")
    refused = "basic/briefing.pdf: PDF rendering failed: refused to read /etc/passwd: it is outside the project"
    if route == "relative url()":  # a path is checked before rendering, where it is written
        refused = (
            "templates/css/briefing.css:1: url(../../../../../../../../../etc/passwd): "
            "'css/../../../../../../../../../etc/passwd' points outside templates/; a stylesheet reads only its theme's files"
        )
    build_refused(project, "briefing-pdf", refused)


@pytest.mark.parametrize(
    "tag",
    [
        '<link rel="attachment" href="file:///etc/passwd">',
        '<img src="/etc/passwd" alt="">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
    ],
)
def test_a_template_override_cannot_read_outside_the_project(tag, project):
    (project / "templates").mkdir()
    page = '<!DOCTYPE html>\n<html lang="en"><head><title>{{ pack.title }}</title></head>\n<body><p>Hello</p>'
    (project / "templates/briefing.html").write_text(f"{page}\n{tag}\n</body></html>\n", encoding="utf-8")
    build_refused(
        project,
        "briefing-pdf",
        "basic/briefing.pdf: PDF rendering failed: refused to read /etc/passwd: it is outside the project",
    )


@pytest.mark.parametrize(
    "link, template",
    [
        ("templates/css/site.css", None),
        ("templates/briefing.html", None),
        ("templates/leak.txt", '<p>\n{% include "leak.txt" %}\n</p>\n'),
        ("templates/strings/en.yaml", None),
    ],
)
def test_a_theme_file_that_links_out_of_the_project_is_refused(link, template, project):
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to("/etc/passwd")
    if template:
        (project / "templates/briefing.html").write_text(template, encoding="utf-8")
    message = f"error: {project / link} is a link to /etc/passwd, outside {project}/templates"
    build_refused(project, "briefing-html", message)


@pytest.mark.parametrize(
    "expression, unsafe",
    [
        ("links.__init__.__globals__", "access to attribute '__init__' of 'Links' object is unsafe."),
        ("''.__class__.__mro__", "access to attribute '__class__' of 'str' object is unsafe."),
        ("pack.__class__.__subclasses__()", "access to attribute '__class__' of 'Pack' object is unsafe."),
    ],
)
def test_a_template_override_cannot_reach_python_internals(expression, unsafe, project):
    (project / "templates").mkdir()
    (project / "templates/briefing.html").write_text(f"<p>\n{{{{ {expression} }}}}\n</p>\n", encoding="utf-8")
    build_refused(project, "briefing-html", f"error: {project}/templates/briefing.html:2: template error: {unsafe}")


def readable_bytes(path: Path) -> bytes:
    """Return a file's bytes as text search needs them: PDF streams inflated, zip members unpacked."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return b"\n".join(archive.read(name) for name in archive.namelist())
    return pdf_bytes_inflated(path.read_bytes())


def test_no_passwd_line_in_any_output(hostile_build, built_base):
    files = [p for folder in (hostile_build, built_base / "build") for p in folder.rglob("*") if p.is_file()]
    assert any(zipfile.is_zipfile(p) for p in files)  # the QTI package is searched inside, not as compressed bytes
    for path in files:
        assert PASSWD_LINE not in readable_bytes(path), path


# ---------------------------------------------------------------- errors in a project's own templates


@pytest.mark.parametrize(
    "source, message",
    [
        (
            '{% extends "!default/briefing.html" %}\n{% block x %}\n{% if pack %}\n{% endblock %}\n',
            ":4: template error: Encountered unknown tag 'endblock'",
        ),
        ("<p>\n{{ pack.titel }}\n</p>\n", ":2: template error: 'emcon.model.Pack object' has no attribute 'titel'"),
        ("<p>\n\n{{ 1 / 0 }}\n</p>\n", ":3: template error: ZeroDivisionError: division by zero"),
        ('<p>\n{% include "missing.html" %}\n', ":2: template error: template 'missing.html' not found"),
    ],
)
def test_an_error_in_an_override_names_its_file_and_line(source, message, project):
    (project / "templates").mkdir()
    (project / "templates/briefing.html").write_text(source, encoding="utf-8")
    build_refused(project, "briefing-html", f"error: {project}/templates/briefing.html{message}")


def test_an_error_in_the_default_theme_is_a_bug_and_keeps_its_traceback(tmp_path):
    default = tmp_path / "default"
    default.mkdir()
    (default / "page.html").write_text("{{ 1 / 0 }}")
    with pytest.raises(ZeroDivisionError):
        Theme(tmp_path / "project-templates", default).render("page.html")
    (default / "page.html").write_text("{{ x }}")
    with pytest.raises(BuildError, match="page.html:1: template error: 'x' is undefined"):
        Theme(tmp_path / "other", default).render("page.html")
