"""Property: whatever YAML an author writes, loading and validation answer with Problems, never an exception.

Hypothesis feeds the loader and validator arbitrary text, arbitrary data dumped as
YAML, and mutations of a valid module. Runs are derandomized (the same examples
in every run, in CI too) and small enough to take seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASE
from emcon.errors import Problem
from emcon.loader import parse_document
from emcon.model import Module
from emcon.project import load_project

MODULE_PATH = "content/modules/alpha.yaml"
VALID_MODULE = (BASE / MODULE_PATH).read_text(encoding="utf-8")

fuzz = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pieces of YAML syntax, so that generated text reaches the parser's corners, not only the scanner's.
FRAGMENTS = [
    "id: alpha",
    "\n",
    "  ",
    " ",
    "- ",
    ": ",
    ":",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "<<: ",
    "? ",
    "!!python/object/apply:os.system ",
    "!include ",
    "!!str ",
    "!!binary ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "#",
    "\t",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "\x00",
    "\x85",
    "\u2028",
    "\ufeff",
    "é",
    "ї",
    "😀",
    "\\",
    "%",
    "@",
    "`",
    "1",
    "-1",
    "0x1F",
    "1e400",
    ".inf",
    "true",
    "No",
    "null",
    "~",
    "2026-13-45",
    "2026-01-02",
    "minutes",
    "quiz",
    "type: single",
    "answer: z",
    "objectives",
    "sections",
    "title",
]
yamlish = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)

FIELD_NAMES = sorted(Module.model_fields) + ["type", "id", "answer", "choices", "text", "source", "do", "dont"]
scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30) | st.dates().map(str)
)
data = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)


def assert_only_problems(result) -> None:
    """load_project's or parse_document's answer holds Problems that point at a file and line."""
    _, problems = result
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.line >= 1 and problem.path and problem.message
        assert "Traceback" not in problem.message


def load_with_module(project: Path, text: str | bytes, relpath: str = MODULE_PATH):
    """Replace the project's module (or another content file) with text; return what load_project answers.

    The file is put back afterwards, so that every example starts from the valid base project.
    """
    path = project / relpath
    original = path.read_bytes()
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    try:
        return load_project(project)
    finally:
        path.write_bytes(original)


@pytest.fixture
def project(tmp_path) -> Path:
    """Return a copy of the small valid project; every example rewrites its module."""
    import shutil

    shutil.copytree(BASE, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_the_base_module_is_valid(project):
    loaded, problems = load_project(project)
    assert loaded is not None and not [p for p in problems if p.severity == "error"]


@fuzz
@given(text=st.text(max_size=200) | yamlish)
def test_arbitrary_text_gives_problems_not_exceptions(text):
    assert_only_problems(parse_document(text, "x.yaml"))


@fuzz
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_give_problems_not_exceptions(project, raw):
    assert_only_problems(load_with_module(project, raw))


@fuzz
@given(text=yamlish)
def test_arbitrary_yaml_as_a_module_gives_problems_not_exceptions(project, text):
    assert_only_problems(load_with_module(project, text))


CONTENT_FILES = [MODULE_PATH, "content/packs/basic.yaml", "content/sources.yaml", "content/glossary.yaml"]


@fuzz
@given(value=data, relpath=st.sampled_from(CONTENT_FILES))
def test_arbitrary_data_in_any_content_file_gives_problems_not_exceptions(project, value, relpath):
    assert_only_problems(load_with_module(project, yaml.safe_dump(value, allow_unicode=True), relpath))


@fuzz
@given(st.data())
def test_mutated_pack_sources_or_glossary_give_problems_not_exceptions(project, data_):
    relpath = data_.draw(st.sampled_from(CONTENT_FILES[1:]), label="file")
    record = yaml.safe_load((BASE / relpath).read_text(encoding="utf-8"))
    path = data_.draw(st.sampled_from(paths_in(record)), label="path")
    action = data_.draw(st.sampled_from(["delete", "replace", "unicode"]), label="action")
    new = data_.draw(data, label="new value")
    text = yaml.safe_dump(mutate(record, path, action, new), allow_unicode=True)
    assert_only_problems(load_with_module(project, text, relpath))


def paths_in(value, here=()) -> list[tuple]:
    """Return the path of every value inside value (mapping keys and list indexes)."""
    found = [here]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        found += paths_in(inner, here + (key,))
    return found


def mutate(module: dict, path: tuple, action: str, new) -> dict:
    """Return module with the value at path deleted, replaced, or given unicode."""
    if not path:
        return new if action == "replace" else module
    parent = module
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "replace":
        parent[key] = new
    elif action == "unicode" and isinstance(parent[key], str):
        parent[key] = parent[key][:3] + "\u202e\u0000ї😀\ud800"[: len(parent[key]) % 6] + parent[key][3:]
    return module


@fuzz
@given(st.data())
def test_mutated_module_gives_problems_not_exceptions(project, data_):
    module = yaml.safe_load(VALID_MODULE)
    path = data_.draw(st.sampled_from(paths_in(module)), label="path")
    action = data_.draw(st.sampled_from(["delete", "replace", "unicode"]), label="action")
    new = data_.draw(data, label="new value")
    text = yaml.safe_dump(mutate(module, path, action, new), allow_unicode=True)
    assert_only_problems(load_with_module(project, text))


@fuzz
@given(st.data())
def test_module_with_duplicated_or_dropped_lines_gives_problems_not_exceptions(project, data_):
    lines = VALID_MODULE.splitlines(keepends=True)
    at = data_.draw(st.integers(0, len(lines) - 1), label="line")
    action = data_.draw(st.sampled_from(["duplicate", "drop", "indent", "dedent"]), label="action")
    if action == "duplicate":  # a duplicate key, or a second list item
        lines.insert(at, lines[at])
    elif action == "drop":
        del lines[at]
    elif action == "indent":
        lines[at] = "  " + lines[at]
    else:
        lines[at] = lines[at].lstrip(" ")
    assert_only_problems(load_with_module(project, "".join(lines)))


def test_a_duplicated_key_line_is_found(project):
    """The line-level mutation above really makes duplicate keys (the fuzzing is not vacuous)."""
    text = VALID_MODULE.replace("minutes: 5\n", "minutes: 5\nminutes: 5\n", 1)
    _, problems = load_with_module(project, text)
    assert [str(p) for p in problems if "duplicate" in p.message] == [
        f"{(project / MODULE_PATH).as_posix()}:6: minutes: duplicate key (first at line 5)"
    ]


# Pieces of Markdown and HTML that try to become code.
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:x)",
    "[x](data:text/html,<script>)",
    "[x](vbscript:x)",
    "<javascript:alert(1)>",
    "[x](https://example.org)",
    "![x](file:///etc/passwd)",
    "[x]: javascript:alert(1)\n\n[x]",
    "&lt;script&gt;",
    "&#106;avascript:",
    "`<b>`",
    "*",
    "_",
    "\n\n",
    "    ",
    "> ",
    "- ",
    "1. ",
    "<",
    ">",
    '"',
    "'",
    "{{ 7*7 }}",
    "{% if 1 %}x{% endif %}",
]
text_chars = st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\t\n")  # what the loader lets in
markup = st.lists(st.sampled_from(MARKUP) | st.text(text_chars, max_size=5), max_size=12).map("".join)


@fuzz
@given(text=markup)
def test_markdown_never_lets_code_through(text):
    import lxml.html

    from emcon.markdown import render_block, render_inline

    for html in (render_block(text), render_inline(text)):
        if not html.strip():
            continue
        doc = lxml.html.fragment_fromstring(str(html), create_parent="div")
        assert not doc.xpath("//script | //img | //iframe | //object | //embed | //style")
        assert not [a for e in doc.iter() if isinstance(e.tag, str) for a in e.attrib if a.lower().startswith("on")]
        for href in doc.xpath("//a/@href"):
            assert href.lower().startswith(("http:", "https:", "mailto:", "#")), href
