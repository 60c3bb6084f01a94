"""JSON Schema of the content files, generated from the model for editor completion."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from pydantic import TypeAdapter

from .model import ID_PATTERN, LANGUAGE, LETTER, SHOW_REF, WEB_ADDRESS, GlossaryTerm, Module, Pack, Source
from .settings import HEX_COLOUR, Settings

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = ".emcon/schema"  # inside a project, so editors find the schema offline

# kind -> (the type of one file, what the file is)
KINDS = {
    "module": (Module, "An emcon lesson module (content/modules/<id>.yaml)."),
    "pack": (Pack, "An emcon pack (content/packs/<id>.yaml)."),
    "sources": (list[Source], "The sources that emcon modules cite (content/sources.yaml)."),
    "glossary": (list[GlossaryTerm], "The glossary of an emcon curriculum (content/glossary.yaml)."),
    "settings": (Settings, "The settings of an emcon curriculum (emcon.yaml, beside content/)."),
}
# What a value that misses a pattern should look like: editors show this instead of the regular expression.
PATTERN_MESSAGES = {
    ID_PATTERN: "an id: lowercase letters, digits and hyphens, e.g. first-steps",
    LETTER: "a choice letter: a, b, c, ...",
    WEB_ADDRESS: "a web address: https://... (or http://...)",
    LANGUAGE: "a language code: en, uk, en-GB, ...",
    HEX_COLOUR: "a colour in CSS hex: #1f4e79 or #17a",
    SHOW_REF: "a part of the module: sections[0], case_studies[1], quotes[0], discussion[0], exercises[0], "
    "rules, key_points or objectives",
}
VALUES = ("default", "examples", "const", "enum")  # keywords whose values are data, not schemas
CONTENT_KINDS = ("module", "pack", "sources", "glossary")  # the files under content/


def schema_for(kind: str) -> dict:
    """Return the JSON Schema of one kind of content file."""
    cls, description = KINDS[kind]
    schema = plain_schema(TypeAdapter(cls).json_schema())
    return {"$schema": DIALECT} | schema | {"title": f"emcon {kind}", "description": description}


def combined_schema() -> dict:
    """Return one schema that accepts any content file, each kind under $defs."""
    adapters = [(kind, "validation", TypeAdapter(KINDS[kind][0])) for kind in CONTENT_KINDS]
    refs, shared = TypeAdapter.json_schemas(adapters, ref_template="#/$defs/{model}")
    kinds = {kind: refs[(kind, "validation")] | {"description": KINDS[kind][1]} for kind in CONTENT_KINDS}
    return plain_schema(
        {
            "$schema": DIALECT,
            "title": "emcon content file",
            "description": "Any content file; `emcon schema KIND` prints the schema of one kind.",
            "anyOf": [{"$ref": f"#/$defs/{kind}-file"} for kind in CONTENT_KINDS],
            "$defs": shared["$defs"] | {f"{kind}-file": schema for kind, schema in kinds.items()},
        }
    )


def plain_schema(schema: dict) -> dict:
    """Return pydantic's schema with what plain validators (editors among them) skip written out plainly.

    Each tagged union (oneOf + OpenAPI discriminator) becomes if/then on its tag: validators ignore
    `discriminator`, and a oneOf makes them report any mistake in a quiz item as "not valid under any of
    the given schemas"; with if/then only the item's own type applies, so the message names the key that
    type misses or does not know. A mapping whose keys are ids or languages gets the pattern in its
    `propertyNames`: `patternProperties` alone lets any other key through. An optional value (anyOf a
    type and null) becomes one schema whose type may be null, so a wrong value gets that type's message.
    """
    defs = schema.get("$defs", {})

    def rewrite(node: object) -> object:
        if isinstance(node, list):
            return [rewrite(value) for value in node]
        if not isinstance(node, dict):
            return node
        node = {key: value if key in VALUES else rewrite(value) for key, value in node.items()}
        if "discriminator" in node and "oneOf" in node:
            return _if_then(node, defs)
        if len(node.get("patternProperties", ())) == 1 and "properties" not in node:
            (pattern,) = node["patternProperties"]
            node["propertyNames"] = _explained(node.get("propertyNames", {}) | {"pattern": pattern})
        if _is_nullable(node):
            return _nullable(node)
        if "translates" in node.get("properties", {}) and "required" in node:
            return _translating(node)
        return _explained(node)

    return rewrite(schema)


def _explained(node: dict) -> dict:
    """Return node with the editors' message for its pattern, if it has one of ours."""
    if node.get("pattern") in PATTERN_MESSAGES and not {"patternErrorMessage", "errorMessage"} & node.keys():
        return node | {"patternErrorMessage": PATTERN_MESSAGES[node["pattern"]]}
    return node


def _translating(pack: dict) -> dict:
    """Return a pack's schema in which a pack that names `translates` needs only its id and language.

    Such a pack inherits every other key of the pack it translates (project.py), so requiring them
    here would mark a valid file; with `translates` absent, the pack's own keys are required as before.
    """
    required = pack["required"]
    rest = {key: value for key, value in pack.items() if key != "required"}
    return rest | {
        "if": {"required": ["translates"]},
        "then": {"required": ["id", "language"]},
        "else": {"required": required},
    }


def _is_nullable(node: dict) -> bool:
    """Tell whether node is pydantic's `X | None` for a plain type X (one that names its type, no $ref)."""
    choices = node.get("anyOf", [])
    others = [choice for choice in choices if choice != {"type": "null"}]
    return len(choices) == 2 and len(others) == 1 and isinstance(others[0].get("type"), str)


def _nullable(node: dict) -> dict:
    """Return `anyOf: [X, null]` as X whose type (and enum, if it has one) also allows null."""
    (other,) = [choice for choice in node["anyOf"] if choice != {"type": "null"}]
    rest = {key: value for key, value in node.items() if key != "anyOf"}
    merged = rest | other | {"type": [other["type"], "null"]}
    if "const" in merged:
        merged["enum"] = [merged.pop("const")]
    if "enum" in merged:
        merged["enum"] = [*merged["enum"], None]
    return merged


def _if_then(union: dict, defs: dict) -> dict:
    """Return one tagged union as an object whose tag picks the schema that applies."""
    tag = union["discriminator"]["propertyName"]
    value_of = {ref: value for value, ref in union["discriminator"]["mapping"].items()}
    mapping = {value_of[choice["$ref"]]: choice["$ref"] for choice in union["oneOf"]}  # in the model's order
    described = {value: _tag_description(ref, tag, defs) for value, ref in mapping.items()}
    kinds = "; ".join(f"{value}: {text}" for value, text in described.items())
    about = f"what kind of item this is; it decides the other keys. {kinds}"
    rest = {key: value for key, value in union.items() if key not in ("discriminator", "oneOf")}
    return rest | {
        "type": "object",
        "required": [tag],
        "properties": {tag: {"enum": list(mapping), "description": about}},
        "allOf": [
            {"if": {"properties": {tag: {"const": value}}, "required": [tag]}, "then": {"$ref": ref}}
            for value, ref in mapping.items()
        ],
    }


def _tag_description(ref: str, tag: str, defs: dict) -> str:
    """Return the description of the tag in the schema that a $ref names."""
    return defs[ref.removeprefix("#/$defs/")]["properties"][tag].get("description", "")


def schema_text(kind: str | None) -> str:
    """Return the schema of a kind (or of all) as stable, readable JSON."""
    schema = schema_for(kind) if kind else combined_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(root: Path) -> list[Path]:
    """Write every kind's schema into the project's .emcon/schema/; return the files.

    The folders must be real folders of the project (a link there is refused), and a link
    in place of a schema file is removed, never written through.
    """
    from .writer import create_file, make_folders

    folder = make_folders(root, PurePosixPath(SCHEMA_DIR))
    written = []
    for kind in KINDS:
        path = folder / f"{kind}.json"
        if os.path.lexists(path):
            os.unlink(path)  # an older schema, or a link: removing a link leaves what it points to alone
        create_file(path, schema_text(kind).encode())
        written.append(path)
    return written
