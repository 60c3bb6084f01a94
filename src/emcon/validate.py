"""Stage 2: validate loaded documents into the typed model.

Pydantic does the checking; this module turns its errors into messages an
author can act on, pinned to the line of the offending value.
"""

from __future__ import annotations

import copy
import difflib
import functools
import re
from functools import lru_cache
from typing import Any, TypeVar, get_origin

from pydantic import BaseModel, Field, ValidationError, create_model

from . import model, settings
from .errors import Problem
from .loader import UNREADABLE, Document, Loc, loc_text

M = TypeVar("M", bound=BaseModel)

TYPE_ERRORS = ("int_", "string_type", "bool_", "list_type", "dict_type", "model_type", "date_", "model_attributes")
TYPE_NAMES = {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}


def validate_record(doc: Document, cls: type[M], loc: Loc = ()) -> tuple[M | None, list[Problem]]:
    """Validate the value at loc in doc as cls; return the record or its problems."""
    data = _at(doc.data, loc)
    if data is UNREADABLE:
        return None, []  # the loader has said why
    if not isinstance(data, dict):
        return None, [doc.problem(loc, f"expected a mapping of {_noun(cls)} fields, got {type_name(data)}")]
    try:
        return cls.model_validate(data), []
    except ValidationError as exc:
        return None, _problems(doc, loc, exc, _field_names(cls.__module__))


SALVAGE_ROUNDS = 10  # each round leaves out what failed; what still fails after these is given up


def salvage_record(doc: Document, cls: type[M], loc: Loc = ()) -> tuple[M | None, frozenset[str]]:
    """Return the record at loc with the parts that failed validation left out, and the fields that lost parts.

    A record that failed validation is still checked across records (its references, its quiz
    items), so an author sees every problem in one run. Unknown keys are dropped (nothing reads
    them: an empty set of fields means the record is whole); an item of a list that fails is left
    out, and a field that fails is emptied. A record whose id fails is given up (None).
    """
    data = copy.deepcopy(_at(doc.data, loc))
    if not isinstance(data, dict):
        return None, frozenset()
    emptied: set[str] = set()
    damaged: set[str] = set()
    for _ in range(SALVAGE_ROUNDS):
        lenient = _lenient(cls, frozenset(emptied))
        try:
            return lenient.model_validate(data), frozenset(damaged)
        except ValidationError as exc:
            failed = [(_data_loc(data, (), e["loc"]), e["type"]) for e in exc.errors(include_url=False)]
        unknown = [where for where, kind in failed if kind == "extra_forbidden" and where]
        failed = [where for where, kind in failed if kind != "extra_forbidden" or not where]
        if any(not where or where[0] == "id" or where[0] not in cls.model_fields for where in failed):
            return None, frozenset()  # the record as a whole, or its id: nothing to check it by
        damaged.update(where[0] for where in failed)
        cut = {where[0] for where in failed if not any(isinstance(part, int) for part in where)}
        drops = set()
        for where in failed:
            index = next((k for k, part in enumerate(where) if isinstance(part, int)), None)
            if index is not None and where[0] not in cut:
                drops.add((where[:index], where[index]))
        for where in unknown:  # first: leaving out a key moves no list item
            _remove(data, where[:-1], where[-1])
        for container, index in sorted(drops, key=lambda drop: -drop[1]):
            _remove(data, container, index)
        for name in cut:
            data.pop(name, None)
            if cls.model_fields[name].is_required():
                emptied.add(name)
    return None, frozenset()


def _remove(data: Any, container: Loc, key: Any) -> None:
    """Remove data[container][key], if it is still there."""
    try:
        del _at(data, container)[key]
    except (KeyError, IndexError, TypeError):
        pass


@lru_cache(maxsize=64)
def _lenient(cls: type[M], emptied: frozenset[str]) -> type[M]:
    """Return cls, or a subclass in which the required fields named are optional and empty."""
    if not emptied:
        return cls
    fields: dict[str, Any] = {}
    for name in emptied:
        kind = get_origin(cls.model_fields[name].annotation) or cls.model_fields[name].annotation
        empty = list if kind is list else dict if kind is dict else lambda: None
        fields[name] = (Any, Field(default_factory=empty))
    return create_model(f"Salvaged{cls.__name__}", __base__=cls, **fields)


def _problems(doc: Document, base: Loc, exc: ValidationError, names: frozenset[str]) -> list[Problem]:
    errors = [e for e in exc.errors(include_url=False) if e.get("input") is not UNREADABLE]
    found = [(_data_loc(doc.data, base, e["loc"]) + _tag_key(e), e) for e in errors]
    typos = _typos(found)
    seen: set[tuple[Loc, str]] = set()
    problems = []
    for loc, error in found:
        if loc in typos.values():
            continue  # the missing key is reported with its misspelling
        if error["type"] == "extra_forbidden" and loc in doc.comma_keys:
            what = _comma_key(str(loc[-1]), *doc.comma_keys[loc])
        elif loc in typos:
            what = f"unknown key '{loc[-1]}' (did you mean '{typos[loc][-1]}'?)"
        elif error["type"] == "extra_forbidden" and loc[-1] in names:
            what = _misplaced_key(str(loc[-1]), _at(doc.data, loc[:-1]))
        else:
            what = describe(error, names)
        message = f"{_path_text(loc[len(base) :], base)}: {what}"
        if (loc, message) not in seen:
            seen.add((loc, message))
            problems.append(doc.problem(loc, message))
    return problems


def _tag_key(error: dict) -> Loc:
    """Point an unknown quiz item type at its `type` key rather than at the item."""
    return ("type",) if error["type"] == "union_tag_invalid" else ()


def _typos(found: list[tuple[Loc, dict]]) -> dict[Loc, Loc]:
    """Pair each unknown key with a missing key of the same mapping it likely misspells."""
    missing = [loc for loc, e in found if e["type"] == "missing"]
    typos = {}
    for loc, error in found:
        if error["type"] == "extra_forbidden":
            siblings = [m[-1] for m in missing if m[:-1] == loc[:-1] and m not in typos.values()]
            close = difflib.get_close_matches(str(loc[-1]), siblings, n=1, cutoff=0.6)
            if close:
                typos[loc] = loc[:-1] + (close[0],)
    return typos


def _data_loc(data: Any, base: Loc, pydantic_loc: Loc) -> Loc:
    """Map pydantic's loc onto the data, dropping union tags it inserts."""
    loc = list(base)
    node = _at(data, base)
    for n, part in enumerate(pydantic_loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict) and n == len(pydantic_loc) - 1:
            pass  # a missing key: still name it
        else:
            continue  # a union tag pydantic inserted, such as 'single'
        loc.append(part)
    return tuple(loc)


def _path_text(loc: Loc, base: Loc) -> str:
    """Return loc as `quiz[2].answer` (list records as `[3].title`)."""
    return loc_text(base[-1:] + loc) or "(top level)"


def describe(error: dict, names: frozenset[str] | None = None) -> str:
    """Return a plain-language message for one pydantic error."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    key = next((p for p in reversed(error["loc"]) if isinstance(p, str)), "")
    if kind == "missing":
        return "missing required key"
    if kind == "extra_forbidden":
        return _unknown_key(str(key), names or _field_names(model.__name__))
    if kind == "literal_error":
        return f"{value!r} is not one of {ctx['expected']}{_did_you_mean(value, ctx['expected'])}"
    if kind == "union_tag_invalid":
        return f"{ctx['tag']!r} is not one of {ctx['expected_tags']}{_did_you_mean(ctx['tag'], ctx['expected_tags'])}"
    if kind == "union_tag_not_found":
        return "missing required key 'type'"
    if kind == "string_pattern_mismatch":
        return _pattern_message(value, ctx["pattern"])
    if kind in ("string_too_short", "too_short"):
        return _too_short(value, ctx)
    if kind in ("string_too_long", "too_long"):
        return f"is too long: at most {ctx['max_length']} {'characters' if kind.startswith('string') else 'items'}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = "at least" if kind.startswith("greater") else "at most"
        return f"must be {bound} {ctx.get('ge', ctx.get('le'))}, got {value!r}"
    if kind.startswith(TYPE_ERRORS):
        return f"expected {_expected(kind)}, got {type_name(value)}{_quote_hint(kind, value)}"
    if kind == "string_unicode":
        return "holds a character that is not text (a lone surrogate such as \\uD800); remove it"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def _did_you_mean(value: Any, expected: str) -> str:
    """Return ' (did you mean ...?)' for a likely misspelling of one of the quoted choices in expected."""
    close = difflib.get_close_matches(str(value), re.findall(r"'([^']*)'", expected), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown_key(key: str, names: frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(names), n=1, cutoff=0.7)
    return f"unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")


def _comma_key(key: str, before: str, written: str) -> str:
    """Return the message for a key that is the end of the text before it, cut off by a comma inside {...}."""
    quoted = '"' + written.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (
        f"unknown key '{key}': the text of '{before}' holds a comma, and inside {{...}} a comma ends the text; "
        f"put the text in quotes: {before}: {quoted}"
    )


def _misplaced_key(key: str, record: Any) -> str:
    """Return the message for a key other records have but this one does not (no "did you mean" itself)."""
    kind = record.get("type") if isinstance(record, dict) else None
    if isinstance(kind, str):
        return f"unknown key '{key}': a {kind} item has no '{key}'"
    return f"unknown key '{key}': other records have it, this one does not"


@functools.cache
def _field_names(module: str) -> frozenset[str]:
    """Return the keys the records of one model module know: content (model.py) or emcon.yaml (settings.py)."""
    names: set[str] = set()
    source = settings if module == settings.__name__ else model
    for value in vars(source).values():
        if isinstance(value, type) and issubclass(value, model.Strict) and value.__module__ == source.__name__:
            names.update(value.model_fields)
    return frozenset(names)


def _pattern_message(value: Any, pattern: str) -> str:
    if pattern == model.ID_PATTERN:
        return f"{value!r} is not a valid id: use lowercase letters, digits and hyphens"
    if pattern == model.WEB_ADDRESS:
        return f"{value!r} is not a web address: write it as https://... (or http://...)"
    if pattern == model.LETTER:
        return f"{value!r} is not a choice letter (a, b, c, ...)"
    if pattern == settings.HEX_COLOUR:
        return f"{value!r} is not a colour: write it in CSS hex, as #1f4e79 or #17a"
    if pattern == model.LANGUAGE:
        return f"{value!r} is not a language code: write it as en, uk or en-GB"
    return f"{value!r} does not match the expected form {pattern}"


def _too_short(value: Any, ctx: dict) -> str:
    if isinstance(value, str):
        return "must not be empty"
    return f"needs at least {ctx['min_length']} item{'s' if ctx['min_length'] != 1 else ''}, has {len(value)}"


def _expected(kind: str) -> str:
    for prefix, words in (
        ("int_", "a whole number"),
        ("string_type", "text"),
        ("bool_", "true or false"),
        ("list_type", "a list"),
        ("dict_type", "a mapping"),
        ("model_", "a mapping"),
        ("date_", "a date like 2026-11-22"),
    ):
        if kind.startswith(prefix):
            return words
    return "another value"


def _quote_hint(kind: str, value: Any) -> str:
    if kind == "string_type" and isinstance(value, (int, float, bool)):
        return " (put it in quotes to make it text)"
    return ""


def type_name(value: Any) -> str:
    """Return what a value is, in an author's words: text ('six'), a list, nothing."""
    if value is None:
        return "nothing"
    if isinstance(value, str) and len(value) <= 40:
        return f"text ({value!r})"
    name = TYPE_NAMES.get(type(value))
    return f"{name} ({value!r})" if name in ("a number", "true/false") else (name or type(value).__name__)


def _noun(cls: type) -> str:
    return {"GlossaryTerm": "glossary term"}.get(cls.__name__, cls.__name__.lower())


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data
