"""JSON Schema of the content files, generated from the model for editor completion."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from pydantic import TypeAdapter

from .model import GlossaryTerm, Module, Pack, Source

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = ".emcon/schema"  # inside a project, so editors find the schema offline

# kind -> (the type of one file, what the file is)
KINDS = {
    "module": (Module, "An emcon lesson module (content/modules/<id>.yaml)."),
    "pack": (Pack, "An emcon pack (content/packs/<id>.yaml)."),
    "sources": (list[Source], "The sources that emcon modules cite (content/sources.yaml)."),
    "glossary": (list[GlossaryTerm], "The glossary of an emcon curriculum (content/glossary.yaml)."),
}


def schema_for(kind: str) -> dict:
    """Return the JSON Schema of one kind of content file."""
    cls, description = KINDS[kind]
    schema = TypeAdapter(cls).json_schema()
    return {"$schema": DIALECT} | schema | {"title": f"emcon {kind}", "description": description}


def combined_schema() -> dict:
    """Return one schema that accepts any content file, each kind under $defs."""
    adapters = [(kind, "validation", TypeAdapter(cls)) for kind, (cls, _) in KINDS.items()]
    refs, shared = TypeAdapter.json_schemas(adapters, ref_template="#/$defs/{model}")
    kinds = {kind: refs[(kind, "validation")] | {"description": KINDS[kind][1]} for kind in KINDS}
    return {
        "$schema": DIALECT,
        "title": "emcon content file",
        "description": "Any content file; `emcon schema KIND` prints the schema of one kind.",
        "anyOf": [{"$ref": f"#/$defs/{kind}-file"} for kind in KINDS],
        "$defs": shared["$defs"] | {f"{kind}-file": schema for kind, schema in kinds.items()},
    }


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
