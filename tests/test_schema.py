"""The JSON Schema that `emcon schema` prints: documented from the model, and plain enough for any validator.

A Draft 2020-12 validator (jsonschema) stands in for the editor here; tests/test_schema_editor.py runs
the editor's own YAML language server.
"""

from __future__ import annotations

import json

import jsonschema
import pydantic
import pytest
import yaml

from conftest import MODULE, PACK, REPO
from emcon.loader import parse_document
from emcon.model import Module
from emcon.schema import KINDS, combined_schema, schema_for

SCHEMAS = {kind: schema_for(kind) for kind in KINDS} | {"any": combined_schema()}


def walk(node: object, where: str = "#"):
    """Yield (JSON pointer, schema) for every schema object inside node, node included."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{where}/{i}")


def properties(schema: dict):
    """Yield (JSON pointer, schema) of every property a content file can have."""
    for where, node in walk(schema):
        if where.endswith("/if"):
            continue  # the condition of an if/then names the tag only to test it; the tag is documented beside it
        for name, value in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", value


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_property_has_a_description(kind):
    undocumented = [where for where, value in properties(SCHEMAS[kind]) if not value.get("description")]
    assert undocumented == [], "add a docstring under each of these fields in src/emcon/model.py"


def test_the_walk_finds_every_property():
    found = [where for where, _ in properties(SCHEMAS["module"])]
    assert len(found) > 100  # the module alone has over a hundred, so an empty walk cannot pass
    assert "#/properties/quiz/items/properties/type" in found
    assert "#/$defs/SingleChoice/properties/answer" in found


def test_descriptions_come_from_the_model():
    field = Module.model_fields["minutes"]
    assert SCHEMAS["module"]["properties"]["minutes"]["description"] == field.description
    assert field.description == "teaching time; the steps add up to it"  # the docstring under the field
    kinds = SCHEMAS["module"]["properties"]["quiz"]["items"]["properties"]["type"]["description"]
    assert " single: one correct choice; " in kinds  # SingleChoice.type's docstring


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_example_is_valid_where_it_stands(kind):
    schema = SCHEMAS[kind]
    examples = [(where, node) for where, node in walk(schema) if "examples" in node]
    assert examples or kind == "any"
    for where, node in examples:
        validator = jsonschema.Draft202012Validator(
            {"$defs": schema.get("$defs", {})} | {k: v for k, v in node.items() if k != "examples"}
        )
        for example in node["examples"]:
            assert validator.is_valid(example), f"{where}: example {example!r} does not fit"


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_no_openapi_discriminator_is_left(kind):
    # plain validators ignore `discriminator`, and a oneOf reports "not valid under any of the given schemas"
    nodes = [where for where, node in walk(SCHEMAS[kind]) if "discriminator" in node or "oneOf" in node]
    assert nodes == []


# ---------------------------------------------------------------- quiz items, one mistake at a time

BASE = yaml.safe_load(MODULE)
TRUE_FALSE, SINGLE = BASE["quiz"]


def without(item: dict, *keys: str) -> dict:
    return {k: v for k, v in item.items() if k not in keys}


MISTAKES = {
    "single-without-answer": (without(SINGLE, "answer"), [("$.quiz[0]", "'answer' is a required property")]),
    "single-two-answers": (
        dict(SINGLE, answer=["a", "b"]),
        [("$.quiz[0].answer", "['a', 'b'] is not of type 'string'")],
    ),
    "single-capital-letter": (dict(SINGLE, answer="A"), [("$.quiz[0].answer", "'A' does not match '^[a-z]$'")]),
    "single-answers-misspelt": (
        without(SINGLE, "answer") | {"answers": "a"},
        [
            ("$.quiz[0]", "'answer' is a required property"),
            ("$.quiz[0]", "Additional properties are not allowed ('answers' was unexpected)"),
        ],
    ),
    "true-false-bare-no": (dict(TRUE_FALSE, answer="no"), [("$.quiz[0].answer", "'no' is not of type 'boolean'")]),
    "true-false-with-choices": (
        dict(TRUE_FALSE, choices=["Yes", "No"]),
        [("$.quiz[0]", "Additional properties are not allowed ('choices' was unexpected)")],
    ),
    "multiple-one-letter": (
        dict(SINGLE, type="multiple", answer="a"),
        [("$.quiz[0].answer", "'a' is not of type 'array'")],
    ),
    "matching-with-choices": (
        without(SINGLE, "answer") | {"type": "matching"},
        [
            ("$.quiz[0]", "'pairs' is a required property"),
            ("$.quiz[0]", "Additional properties are not allowed ('choices' was unexpected)"),
        ],
    ),
    "ordering-of-one": (
        without(TRUE_FALSE, "answer") | {"type": "ordering", "sequence": ["only"]},
        [("$.quiz[0].sequence", "['only'] is too short")],
    ),
    "unknown-type": (
        dict(SINGLE, type="essay"),
        [
            (
                "$.quiz[0].type",
                "'essay' is not one of ['single', 'multiple', 'true-false', 'short', 'matching', 'ordering']",
            )
        ],
    ),
    "no-type": (without(SINGLE, "type"), [("$.quiz[0]", "'type' is a required property")]),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_a_quiz_mistake_gets_the_message_of_its_own_type(name):
    item, expected = MISTAKES[name]
    validator = jsonschema.Draft202012Validator(schema_for("module"))
    errors = sorted((error.json_path, error.message) for error in validator.iter_errors(dict(BASE, quiz=[item])))
    assert errors == sorted(expected)


@pytest.mark.parametrize("name", MISTAKES)
def test_check_refuses_each_quiz_mistake_too(name):
    # emcon check stays the authority: the schema never flags what the model accepts
    item, _ = MISTAKES[name]
    with pytest.raises(pydantic.ValidationError):
        Module.model_validate(dict(BASE, quiz=[item]))


def test_every_quiz_type_of_the_docs_is_valid():
    validator = jsonschema.Draft202012Validator(schema_for("module"))
    items = [
        TRUE_FALSE,
        SINGLE,
        dict(SINGLE, type="multiple", answer=["a", "b"]),
        without(TRUE_FALSE, "answer") | {"type": "short", "answer": ["off"]},
        without(TRUE_FALSE, "answer") | {"type": "matching", "pairs": [{"left": "a", "right": "b"}]},
        without(TRUE_FALSE, "answer") | {"type": "ordering", "sequence": ["first", "second"]},
        dict(SINGLE, choices=["Switch off", {"text": "Keep on", "pin": True}]),
    ]
    assert list(validator.iter_errors(dict(BASE, quiz=items))) == []
    Module.model_validate(dict(BASE, quiz=items))


# ---------------------------------------------------------------- emcon.yaml and keys


SETTINGS_MISTAKES = {
    "audience-id-with-a-space": (
        {"audiences": {"deployed personnel": "Deployed personnel"}},
        [("$.audiences", "'deployed personnel' does not match '^[a-z0-9][a-z0-9-]*$'")],
    ),
    "colour-by-name": (
        {"colours": {"accent": "blue"}},
        [("$.colours.accent", "'blue' does not match '^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$'")],
    ),
    "course-as-number": ({"course": 104}, [("$.course", "104 is not of type 'string', 'null'")]),
    "page-size-unknown": ({"page_size": "A5"}, [("$.page_size", "'A5' is not one of ['A4', 'Letter']")]),
}


@pytest.mark.parametrize("name", SETTINGS_MISTAKES)
def test_a_settings_mistake_gets_a_plain_message(name):
    data, expected = SETTINGS_MISTAKES[name]
    validator = jsonschema.Draft202012Validator(schema_for("settings"))
    assert sorted((e.json_path, e.message) for e in validator.iter_errors(data)) == expected


def test_the_default_and_the_fixture_settings_are_valid():
    validator = jsonschema.Draft202012Validator(schema_for("settings"))
    for path in (REPO / "emcon.yaml", REPO / "tests/fixtures/other-subject/emcon.yaml"):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))) == [], path


def test_an_optional_value_keeps_its_own_message():
    # `X | None` is one schema whose type may be null, not anyOf ("not valid under any of the given schemas")
    validator = jsonschema.Draft202012Validator(schema_for("pack"))
    pack = yaml.safe_load(PACK) | {"date": "2026-01-02", "subtitle": "", "page_size": "A5"}
    assert sorted(e.message for e in validator.iter_errors(pack)) == [
        "'' should be non-empty",
        "'A5' is not one of ['A4', 'Letter', None]",
    ]


def test_editors_get_words_not_a_regular_expression():
    module = SCHEMAS["module"]
    assert module["properties"]["id"]["patternErrorMessage"] == (
        "an id: lowercase letters, digits and hyphens, e.g. first-steps"
    )
    patterns = [node for _, node in walk(module) if "pattern" in node]
    assert patterns and all({"patternErrorMessage", "errorMessage"} & node.keys() for node in patterns)


def test_a_translating_pack_needs_only_its_id_and_language():
    validator = jsonschema.Draft202012Validator(schema_for("pack"))
    assert list(validator.iter_errors({"id": "basic-uk", "translates": "basic", "language": "uk"})) == []
    assert [e.message for e in validator.iter_errors({"id": "basic-uk", "translates": "basic"})] == [
        "'language' is a required property"
    ]
    assert "'title' is a required property" in [e.message for e in validator.iter_errors({"id": "basic"})]


def files_of(project):
    """Yield (file, kind) for every file of a project that a schema describes."""
    content = project / "content"
    yield from ((path, "module") for path in sorted(content.glob("modules/*.yaml")))
    yield from ((path, "pack") for path in sorted(content.glob("packs/*.yaml")))
    yield from ((content / name, name.removesuffix(".yaml")) for name in ("sources.yaml", "glossary.yaml"))
    if (project / "emcon.yaml").is_file():
        yield project / "emcon.yaml", "settings"


@pytest.mark.parametrize(
    "project",
    [REPO, REPO / "tests/fixtures/other-subject", REPO / "tests/bad/_base", REPO / "src/emcon/skeletons/init"],
    ids=["default", "other-subject", "bad-base", "init"],
)
def test_every_file_of_a_valid_project_is_valid(project):
    files = list(files_of(project))
    assert len(files) >= 4
    for path, kind in files:
        document, problems = parse_document(path.read_text(encoding="utf-8"), path.name)  # as check reads it
        assert problems == [], path
        data = json.loads(json.dumps(document.data, default=str))
        errors = [
            f"{e.json_path}: {e.message}" for e in jsonschema.Draft202012Validator(SCHEMAS[kind]).iter_errors(data)
        ]
        assert errors == [], path


def test_a_field_the_translation_sets_is_not_offered_to_authors():
    """Quote.original comes from a pack's catalog, never from a module: the editor must not suggest it."""
    quote = schema_for("module")["$defs"]["Quote"]
    assert "original" not in quote["properties"] and quote["additionalProperties"] is False
