"""Override templates, stylesheets and strings: a project's theme files cannot read out, blow up, or half-apply."""

from __future__ import annotations

import re

from conftest import tree_digest
from test_bad_input import assert_refused, error_lines, run_in


def test_a_strings_override_of_one_word_merges_into_the_default(project):
    strings = project / "templates/strings"
    strings.mkdir(parents=True)
    (strings / "en.yaml").write_text("audiences:\n  soldier: Troopers\nquiz:\n  source: Where from\n", encoding="utf-8")
    result = run_in(project, "build", "--only", "briefing-html")
    assert result.exit_code == 0, result.output
    page = (project / "build/basic/site/index.html").read_text(encoding="utf-8")
    assert "Troopers" in page


def test_a_new_language_that_leaves_out_words_is_named_with_its_file(project):
    strings = project / "templates/strings"
    strings.mkdir(parents=True)
    (strings / "fr.yaml").write_text("contents: Sommaire\n", encoding="utf-8")
    pack = project / "content/packs/basic.yaml"
    pack.write_text(pack.read_text() + "language: fr\n")
    before = tree_digest(project / "build")
    result = run_in(project, "build", "--only", "briefing-html")
    assert_refused(result, project / "build", before)
    [line] = error_lines(result)
    assert re.fullmatch(
        r"templates/strings/fr\.yaml:1: missing \d+ of the words the templates use: module, objectives, [a-z_, ]+"
        r" and \d+ more \(the default en\.yaml has them all\)",
        line,
    ), line


def test_a_stylesheet_url_out_of_the_theme_stops_the_build_with_its_file_and_line(project):
    css = project / "templates/css"
    css.mkdir(parents=True)
    (css / "briefing.css").write_text("p { color: red; }\nbody { background: url(/proc/self/mem); }\n")
    before = tree_digest(project / "build")
    result = run_in(project, "build", "--only", "briefing-pdf")
    assert_refused(result, project / "build", before)
    assert error_lines(result) == [
        "error: templates/css/briefing.css:2: url(/proc/self/mem): '/proc/self/mem' must be a path inside "
        "templates/, not a URL or absolute path; a stylesheet reads only its theme's files"
    ]
    (css / "briefing.css").write_text("body { background: url(../../../../../../../proc/self/mem); }\n")
    result = run_in(project, "build", "--only", "briefing-pdf")
    assert_refused(result, project / "build", before)
    assert error_lines(result) == [
        "error: templates/css/briefing.css:1: url(../../../../../../../proc/self/mem): "
        "'css/../../../../../../../proc/self/mem' points outside templates/; a stylesheet reads only its theme's files"
    ]


def test_sandbox_limits_sizes_but_not_ordinary_arithmetic():
    from emcon.theme import Theme

    env = Theme(None).env
    assert env.from_string("{{ 'ab' * 3 }} {{ 3 * 'ab' }} {{ 7 % 3 }} {{ 2 ** 10 }} {{ '%5s' % 'x' }}").render() == (
        "ababab ababab 1 1024     x"
    )
    for source, message in (
        ("{{ 'x' * 10**10 }}", "'*' would make a value of more than 10,000,000 characters"),
        ("{{ [1] * 10**10 }}", "'*' would make a value of more than 10,000,000 characters"),
        ("{{ 2 ** 100000 }}", "'**' with an exponent above 1000 is not allowed"),
        ("{{ '%99999999999s' % 'x' }}", "'%' with a width of more than 10,000,000 characters"),
    ):
        try:
            env.from_string(source).render()
        except Exception as exc:  # noqa: BLE001 - the exact message is the assertion
            assert str(exc) == message, source
        else:
            raise AssertionError(f"{source} rendered")
