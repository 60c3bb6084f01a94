"""Stage 1: read YAML files into plain data, remembering the line of every value.

PyYAML's own loading loses line numbers, keeps the last of duplicate keys and
expands aliases without limit, so documents are composed into nodes and
converted here, with each of those problems reported as a Problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .errors import Problem

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

MAX_BYTES = 1_000_000  # far above any real lesson; keeps a stray dump from eating memory
MAX_NODES = 100_000  # stops alias-expansion bombs ("billion laughs") early
MAX_DEPTH = 60
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab and line ends
NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")  # not characters: XML and every export refuse them
BARE_WORD = "tag:emcon:bare-word"  # yes/no/on/off/y/n unquoted: true/false to YAML 1.1, text to YAML 1.2
BARE_WORDS = re.compile(r"^(?:yes|no|on|off|y|n)$", re.IGNORECASE)
BARE_WORD_MESSAGE = "is true/false to some YAML readers and text to others"
BARE_WORD_FIX = "write true or false, or put text in quotes"
# Keys where a bare no/off means something else than false: what to write there instead.
BARE_WORD_FIXES = {"markings": "write `none` for no markings, or a mapping with classification and distribution"}

# PyYAML's words for the end of the input, in the words of someone editing a file.
SYNTAX_WORDS = (
    ("found unexpected end of stream", "found the end of the file"),
    ("'<stream end>'", "the end of the file"),
)

PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


class ContentResolver(Resolver):
    """YAML 1.1's resolver, but only true/false are booleans; yes/no/on/off/y/n get a tag of their own.

    Editors read YAML 1.2, where `no` is text; PyYAML reads YAML 1.1, where it is false.
    A bare word that the two read differently is reported, so the editor and emcon agree.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }


ContentResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
ContentResolver.add_implicit_resolver(BARE_WORD, BARE_WORDS, list("yYnNoO"))


class _SafeLoader(yaml.SafeLoader, ContentResolver):
    """PyYAML's pure-Python loader with the content resolver."""


Loc = tuple[Any, ...]


class Unreadable:
    """Stands in for a value the loader could not read and has reported, so validation adds no second message."""

    def __repr__(self) -> str:
        return "<unreadable>"


UNREADABLE = Unreadable()


@dataclass
class Document:
    """A YAML file as data, with the line each value started on."""

    path: str  # as shown to the user, relative to the project
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    # Keys that are really the end of the value before them, cut off by a comma inside {...}:
    # loc of the key -> (the key before it, its whole text as written).
    comma_keys: dict[Loc, tuple[str, str]] = field(default_factory=dict)

    def line(self, loc: Loc = ()) -> int:
        """Return the line of the value at loc, or of its nearest parent."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1

    def problem(self, loc: Loc, message: str, severity: str = "error") -> Problem:
        """Return a Problem at the line of the value at loc."""
        return Problem(self.path, self.line(loc), message, severity)


class _Stop(Exception):
    """Conversion cannot go on (too large, too deep)."""

    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


def read_document(path: Path, shown: str, inside: Path | None = None) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file, refusing one that leads out of the folder `inside`; return its document, or why not."""
    refusal = _refusal(path, inside)
    if refusal:
        return None, [Problem(shown, 1, refusal)]
    with path.open("rb") as file:
        raw = file.read(MAX_BYTES + 1)  # never more, whatever the file holds
    if len(raw) > MAX_BYTES:
        size = path.stat().st_size
        return None, [Problem(shown, 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, *not_utf8(exc))]
    return parse_document(text.replace("\r\n", "\n"), shown)


def not_utf8(exc: UnicodeDecodeError) -> tuple[int, str]:
    """Return the line of the first byte that is not UTF-8, and the message that says so."""
    raw = exc.object
    return raw.count(b"\n", 0, exc.start) + 1, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8"


def _refusal(path: Path, inside: Path | None) -> str | None:
    """Return why path may not be read as content: a link out of the project, or not a plain file."""
    real = path.resolve()
    if inside is not None and not real.is_relative_to(inside.resolve()):
        return f"is a link to {real}, outside the project; content is read only from the project"
    if not real.is_file():  # a folder, a broken link, a pipe that would block the build
        return "is not a plain file (a folder, a broken link or a pipe?); content is read from plain YAML files"
    return None


class Refused(ValueError):
    """A file named in content or a template may not be read (a URL, a path out of its folder, not a file)."""


def confined(folder: Path, ref: str, what: str = "file") -> Path:
    """Return the plain file ref names inside folder, links resolved; raise Refused saying why not.

    Every reader of a file named by a user (figures, helpers in override templates,
    stylesheets' url()) goes through here, so none reads outside the project.
    """
    name = f"{folder.name}/"
    if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or ref.startswith(("/", "\\")):
        raise Refused(f"'{ref}' must be a path inside {name}, not a URL or absolute path")
    root = folder.resolve()
    target = (root / ref).resolve()
    if not target.is_relative_to(root):
        raise Refused(f"'{ref}' points outside {name}")
    if not target.is_file():
        raise Refused(f"{what} '{ref}' not found in {name}")
    return target


def parse_document(text: str, shown: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text; return its document, or None and why it could not be parsed."""
    try:
        loader, node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, shown)]
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        line = text.count("\n", 0, exc.position) + 1
        kind = "not a character" if NONCHARACTER.match(chr(code)) else "a control character"
        return None, [Problem(shown, line, f"character U+{code:04X} is {kind}, not text; remove it")]
    except RecursionError:
        return None, [Problem(shown, 1, f"nesting is too deep; at most {MAX_DEPTH} levels are allowed")]
    if node is None:
        return None, [Problem(shown, 1, "file is empty")]
    doc = Document(shown, None)
    problems: list[Problem] = []
    try:
        doc.data = _Converter(loader, doc, problems, text).convert(node, ())
    except _Stop as stop:
        return None, [Problem(shown, stop.line, stop.message)]
    finally:
        loader.dispose()
    return doc, problems


def _compose(text: str):
    """Return a loader and the root node of text; a syntax error is PyYAML's own, whichever parser met it."""
    if CParser is not None:
        loader = _FastLoader(text)
        try:
            return loader, loader.get_single_node()
        except yaml.MarkedYAMLError:
            pass  # libyaml words its errors differently: read again for PyYAML's message
    loader = _SafeLoader(text)
    return loader, loader.get_single_node()


class _FastLoader(Composer, CParser or object, SafeConstructor, ContentResolver):
    """libyaml's scanner and parser (about 20 times faster) under PyYAML's own composer.

    The composer stays in Python because libyaml's recursion has no limit: deep
    nesting must end in RecursionError, not a crash.
    """

    def __init__(self, text: str):
        CParser.__init__(self, text)
        SafeConstructor.__init__(self)
        ContentResolver.__init__(self)
        Composer.__init__(self)


def _syntax_problem(exc: yaml.MarkedYAMLError, shown: str) -> Problem:
    """Return PyYAML's complaint in an author's words, at the line the author must look at."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    start = exc.context_mark.line + 1 if exc.context_mark else line  # where the unclosed thing began
    problem = exc.problem or "invalid YAML"
    for words, plain in SYNTAX_WORDS:
        problem = problem.replace(words, plain)
    plain = _plain_syntax(problem, exc.context or "")
    if plain:
        return Problem(shown, start if plain[0] == "start" else line, f"YAML syntax error: {plain[1]}")
    context = f" ({exc.context}" + (f" that starts at line {start})" if start != line else ")") if exc.context else ""
    return Problem(shown, line, f"YAML syntax error: {problem}{context}")


def _plain_syntax(problem: str, context: str) -> tuple[str, str] | None:
    """Return ("start" or "here", message) for the mistakes authors make most, or None."""
    if "'\\t'" in problem:
        return "here", "a tab character; indent with spaces"
    if problem == "but found another document":
        return "here", "a second document starts here (---); a file holds one document"
    if context == "while scanning a quoted scalar" and problem == "found the end of the file":
        return "start", "the quote that opens here is never closed"
    if problem == "could not find expected ':'":
        return "start", "expected 'key: value' here; a key is followed by a colon and a space"
    if problem == "expected <block end>, but found '<scalar>'":
        return "here", 'text after the end of a value; a quote inside text ends it early, so write "it\'s"'
    if problem.startswith("expected <block end>"):
        return "here", "this line is not indented like the lines above it"
    if problem == "mapping values are not allowed here":
        return "here", "mapping values are not allowed here; text that holds ': ' must be put in quotes"
    if problem.endswith("that cannot start any token"):
        character = problem.split("character ", 1)[1].split(" that", 1)[0]
        return "here", f"text cannot start with {character}; put the text in quotes"
    return None


class _Converter:
    """Turn composed nodes into plain data, recording lines and problems."""

    def __init__(self, loader: yaml.SafeLoader, doc: Document, problems: list[Problem], text: str = ""):
        self.loader, self.doc, self.problems, self.text = loader, doc, problems, text
        self.nodes = 0

    def convert(self, node: Node, loc: Loc) -> Any:
        self._count(node, loc)
        self.doc.lines.setdefault(loc, node.start_mark.line + 1)
        if node.tag == BARE_WORD:
            fix = BARE_WORD_FIXES.get(loc[-1], BARE_WORD_FIX) if loc else BARE_WORD_FIX
            self._report(node, loc, f"'{node.value}' {BARE_WORD_MESSAGE}: {fix}")
            return UNREADABLE
        if node.tag not in PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self._report(node, loc, f"tag {tag} is not allowed; content is plain data (text, numbers, lists, mappings)")
            return UNREADABLE
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.convert(item, loc + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _count(self, node: Node, loc: Loc) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            # An alias's node carries its anchor's line; the entry being read is where it was used.
            line = self.doc.line(loc[:1]) if loc else node.start_mark.line + 1
            raise _Stop(line, f"document expands to more than {MAX_NODES:,} values (aliases repeated too often?)")
        if len(loc) > MAX_DEPTH:
            raise _Stop(node.start_mark.line + 1, f"nesting is too deep; at most {MAX_DEPTH} levels are allowed")

    def _mapping(self, node: MappingNode, loc: Loc) -> dict:
        out: dict = {}
        if node.flow_style:
            self._note_comma_keys(node, loc)
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._report(key_node, loc, "merge keys (<<) are not supported; write the keys out")
                continue
            key = self._key(key_node)
            if key is None:
                self._report(key_node, loc, "a key must be plain text")
                continue
            line = key_node.start_mark.line + 1
            if key in out:
                self._report(key_node, loc + (key,), f"duplicate key (first at line {self.doc.lines[loc + (key,)]})")
                continue
            self.doc.lines[loc + (key,)] = line
            out[key] = self.convert(value_node, loc + (key,))
        return out

    def _note_comma_keys(self, node: MappingNode, loc: Loc) -> None:
        """Note each key of {...} written without a value right after a plain value: `{title: Read, think}`."""
        for (before_key, before), (key, value) in zip(node.value, node.value[1:], strict=False):
            plain = all(isinstance(n, ScalarNode) and not n.style for n in (before, key))
            if plain and value.tag == "tag:yaml.org,2002:null" and value.start_mark.index == key.end_mark.index:
                written = " ".join(self.text[before.start_mark.index : key.end_mark.index].split())
                if written and before_key.value is not None:
                    self.doc.comma_keys[loc + (key.value,)] = (str(before_key.value), written)

    def _key(self, node: Node) -> str | None:
        """Return a key as written: every key in content is a name, so `1:` or `no:` stay text."""
        if not isinstance(node, ScalarNode) or node.tag not in PLAIN_TAGS | {BARE_WORD}:
            return None
        return node.value

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        try:
            value = self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:
            self._report(node, loc, f"cannot read {node.value!r}: {exc}")
            return UNREADABLE
        control = CONTROL.search(value) if isinstance(value, str) else None
        if control:  # an escape such as "\x08" in quotes: no reader or output format wants it
            self._report(node, loc, f"holds the control character U+{ord(control[0]):04X}, not text; remove it")
            return UNREADABLE
        odd = NONCHARACTER.search(value) if isinstance(value, str) else None
        if odd:  # "\uFFFE" in quotes: a noncharacter, which no XML export can hold
            self._report(node, loc, f"holds U+{ord(odd[0]):04X}, which is not a character, not text; remove it")
            return UNREADABLE
        return value

    def _report(self, node: Node, loc: Loc, message: str) -> None:
        where = f"{loc_text(loc)}: " if loc else ""
        self.problems.append(Problem(self.doc.path, node.start_mark.line + 1, where + message))


def loc_text(loc: Loc) -> str:
    """Return loc as the author reads it: `quiz[2].answer`, or `[3].title` in a list file."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
