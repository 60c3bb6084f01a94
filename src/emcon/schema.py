"""JSON Schema of the content files, generated from the model for editor completion."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from pydantic import TypeAdapter

from .model import GlossaryTerm, Module, Pack, Source
from .settings import Settings

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
CONTENT_KINDS = ("module", "pack", "sources", "glossary")  # the files under content/


def schema_for(kind: str) -> dict:
    """Return the JSON Schema of one kind of content file."""
    cls, description = KINDS[kind]
    schema = plain_unions(TypeAdapter(cls).json_schema())
    return {"$schema": DIALECT} | schema | {"title": f"emcon {kind}", "description": description}


def combined_schema() -> dict:
    """Return one schema that accepts any content file, each kind under $defs."""
    adapters = [(kind, "validation", TypeAdapter(KINDS[kind][0])) for kind in CONTENT_KINDS]
    refs, shared = TypeAdapter.json_schemas(adapters, ref_template="#/$defs/{model}")
    kinds = {kind: refs[(kind, "validation")] | {"description": KINDS[kind][1]} for kind in CONTENT_KINDS}
    return plain_unions(
        {
            "$schema": DIALECT,
            "title": "emcon content file",
            "description": "Any content file; `emcon schema KIND` prints the schema of one kind.",
            "anyOf": [{"$ref": f"#/$defs/{kind}-file"} for kind in CONTENT_KINDS],
            "$defs": shared["$defs"] | {f"{kind}-file": schema for kind, schema in kinds.items()},
        }
    )


def plain_unions(schema: dict) -> dict:
    """Return the schema with each tagged union (oneOf + OpenAPI discriminator) as if/then on its tag.

    Plain JSON Schema validators, editors among them, ignore `discriminator`: a oneOf makes them report
    any mistake in a quiz item as "not valid under any of the given schemas". With if/then on `type`
    only the item's own kind applies, so the message names the key that kind misses or does not know.
    """
    defs = schema.get("$defs", {})

    def rewrite(node: object) -> object:
        if isinstance(node, list):
            return [rewrite(value) for value in node]
        if not isinstance(node, dict):
            return node
        node = {key: rewrite(value) for key, value in node.items()}
        if "discriminator" in node and "oneOf" in node:
            return _if_then(node, defs)
        return node

    return rewrite(schema)


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
