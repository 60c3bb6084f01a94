"""The schema in a real editor: the YAML language server that VS Code, Neovim and Helix run.

yaml-language-server (from npm: `npm ci --prefix tests/yamlls`, as .ci/run does) is driven over
stdio with LSP JSON-RPC, as an editor drives it: initialize, the `yaml.schemas` setting (or a
`# yaml-language-server: $schema=` line), didOpen, then the diagnostics it publishes. It reads YAML
1.2, as editors do, so a bare `no` is text there. Nothing is fetched: the schema store is off.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import MODULE, REPO, line_of, needs
from emcon.schema import schema_text

SERVER = Path(__file__).parent / "yamlls" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
WAIT = 30  # seconds for one answer; the server answers in well under one


class LanguageServer:
    """One yaml-language-server process, spoken to over stdio as an editor does."""

    def __init__(self, command: list[str]):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.inbox: queue.Queue[dict] = queue.Queue()
        self.next_id = 0
        self.opened = 0
        self.settings: dict[str, dict] = {}  # by section, e.g. "yaml"; the server asks for them
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """Put each message the server sends into the inbox."""
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return  # the server ended
            self.inbox.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, message: dict) -> None:
        """Write one JSON-RPC message with its Content-Length header."""
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        """Send a notification (no answer expected)."""
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict) -> dict:
        """Send a request; return its result."""
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)["result"]

    def wait(self, wanted) -> dict:
        """Return the next message that wanted(message) accepts, answering the server's own requests meanwhile."""
        while True:
            try:
                message = self.inbox.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"yaml-language-server said nothing for {WAIT} s")
            if "method" in message and "id" in message:  # the server asks the editor
                self.send({"id": message["id"], "result": self._answer(message)})
            if wanted(message):
                return message

    def configure(self, section: str, settings: dict) -> None:
        """Change the editor's settings of a section and tell the server."""
        self.settings[section] = settings
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def _answer(self, request: dict) -> object:
        """Return the editor's answer to the server's request: the settings it asks for, else nothing."""
        if request["method"] == "workspace/configuration":
            return [self.settings.get(item.get("section"), {}) for item in request["params"]["items"]]
        return None

    def diagnostics(self, path: Path, text: str) -> list[tuple[int, str]]:
        """Open the document as an editor would; return (1-based line, message) of each diagnostic."""
        self.opened += 1  # a new name each time: the server may publish twice for one document, and once on close
        uri = path.with_name(f"{path.stem}-{self.opened}{path.suffix}").as_uri()
        self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}
        )
        opened = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        return sorted((d["range"]["start"]["line"] + 1, d["message"]) for d in opened["params"]["diagnostics"])

    def ask(self, method: str, path: Path, text: str, line: int, character: int) -> dict:
        """Open the document, ask a request at a 1-based line and 0-based character; return its result."""
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}
        )
        result = self.request(
            method, {"textDocument": {"uri": uri}, "position": {"line": line - 1, "character": character}}
        )
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        return result

    def close(self) -> None:
        """Shut the server down as an editor does, and wait for it to end."""
        self.request("shutdown", {})
        self.notify("exit", {})
        try:
            self.process.wait(timeout=WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.process.stdin.close()
            self.process.stdout.close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """Return a folder with the module and settings schemas in .emcon/schema/, as `emcon new` leaves them."""
    root = tmp_path_factory.mktemp("workspace")
    (root / ".emcon/schema").mkdir(parents=True)
    for kind in ("module", "settings"):
        (root / f".emcon/schema/{kind}.json").write_text(schema_text(kind), encoding="utf-8")
    (root / "content/modules").mkdir(parents=True)
    return root


@pytest.fixture(scope="module")
def yamlls(workspace):
    """Start one yaml-language-server for the module, with the module schema mapped to content/modules/."""
    node = shutil.which("node")
    if node is None:
        needs("node", "apt-get install nodejs npm (.ci/run does)")
    if not SERVER.is_file():
        needs(str(SERVER), "npm ci --prefix tests/yamlls (.ci/run does)")
    server = LanguageServer([node, str(SERVER), "--stdio"])
    server.request(
        "initialize",
        {"processId": None, "rootUri": workspace.as_uri(), "capabilities": {}, "workspaceFolders": None},
    )
    server.notify("initialized", {})
    schemas = {
        (workspace / ".emcon/schema/module.json").as_uri(): "content/modules/*.yaml",
        (workspace / ".emcon/schema/settings.json").as_uri(): "emcon*.yaml",
    }
    settings = {"validate": True, "schemaStore": {"enable": False}, "schemas": schemas}
    server.configure("yaml", settings)
    wait_for_schema(server, workspace / "content/modules/probe.yaml")
    yield server
    server.close()


def wait_for_schema(server: LanguageServer, probe: Path) -> None:
    """Return once the server validates against the mapped schema: it applies new settings a moment after."""
    deadline = time.monotonic() + WAIT
    while not server.diagnostics(probe, "minutes: many\n"):
        if time.monotonic() > deadline:
            pytest.fail(f"yaml-language-server did not apply the schema in {WAIT} s")
        time.sleep(0.1)


def test_a_valid_module_has_no_diagnostics(yamlls, workspace):
    assert yamlls.diagnostics(workspace / "content/modules/alpha.yaml", MODULE) == []


def test_a_missing_answer_is_named_for_its_type(yamlls, workspace):
    module = MODULE.replace(" answer: a,", "")
    diagnostics = yamlls.diagnostics(workspace / "content/modules/alpha.yaml", module)
    assert diagnostics == [(line_of(module, "  - {id: a-2"), 'Missing property "answer".')]


# A module whose quiz items are written out, one key a line, as authors write them.
BLOCK_QUIZ = (
    MODULE.split("quiz:\n")[0]
    + """\
quiz:
  - id: a-1
    type: true-false
    objective: explain-alpha
    prompt: Phones emit.
    answer: true
    source: src
  - id: a-2
    type: single
    objective: explain-alpha
    prompt: Pick one.
    choices: [Switch off, Keep on]
    answer: a
    source: src
"""
)


def quiz_item(module: str, n: int) -> int:
    """Return the line of the nth quiz item's `- id:` (1-based n)."""
    return line_of(module, f"  - id: a-{n}\n")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # YAML 1.2 reads a bare no as text; emcon check refuses it too, so editor and check agree
        (
            ("    answer: true\n", "    answer: no\n"),
            ("    answer: no", "true-false needs `answer: true` or `answer: false`"),
        ),
        (
            ("    answer: a\n", "    answer: [a, b]\n"),
            ("    answer: [a", "single-choice needs exactly one correct choice: `answer: b`"),
        ),
        (
            ("    answer: a\n", "    answer: A\n"),
            ("    answer: A", "single-choice needs exactly one correct choice: `answer: b`"),
        ),
        (("    answer: a\n", ""), ("  - id: a-2", 'Missing property "answer".')),
        (
            ("    answer: true\n", "    answer: true\n    choices: [Yes, No]\n"),
            ("    choices:", "Property choices is not allowed."),
        ),
    ],
    ids=["true-false-bare-no", "single-two-answers", "single-capital-letter", "single-no-answer", "true-false-choices"],
)
def test_a_quiz_mistake_gets_the_message_of_its_type_at_its_line(yamlls, workspace, change, expected):
    module = BLOCK_QUIZ.replace(*change)
    assert module != BLOCK_QUIZ
    where, message = expected
    diagnostics = yamlls.diagnostics(workspace / "content/modules/alpha.yaml", module)
    assert diagnostics == [(line_of(module, where), message)]


def test_an_unknown_type_names_the_types(yamlls, workspace):
    module = BLOCK_QUIZ.replace("    type: single\n", "    type: essay\n")
    diagnostics = yamlls.diagnostics(workspace / "content/modules/alpha.yaml", module)
    assert diagnostics == [
        (
            line_of(module, "type: essay"),
            'Value is not accepted. Valid values: "single", "multiple", "true-false", "short", "matching", "ordering".',
        )
    ]


def test_a_valid_module_written_out_has_no_diagnostics(yamlls, workspace):
    assert yamlls.diagnostics(workspace / "content/modules/alpha.yaml", BLOCK_QUIZ) == []


def test_the_schema_line_that_new_and_init_write_works_without_settings(yamlls, workspace):
    # outside content/modules/, which the settings map: only the file's own first line names the schema
    modeline = "# yaml-language-server: $schema=../.emcon/schema/module.json\n"
    module = modeline + BLOCK_QUIZ.replace("    answer: true\n", "    answer: no\n")
    assert yamlls.diagnostics(workspace / "drafts/alpha.yaml", module) == [
        (line_of(module, "answer: no"), "true-false needs `answer: true` or `answer: false`")
    ]
    assert yamlls.diagnostics(workspace / "drafts/alpha.yaml", module.removeprefix(modeline)) == []


def test_hover_shows_the_docstring_of_the_field(yamlls, workspace):
    hover = yamlls.ask("textDocument/hover", workspace / "content/modules/hover.yaml", BLOCK_QUIZ, 5, 2)
    assert "teaching time; the steps add up to it" in hover["contents"]["value"]  # Module.minutes' docstring


def test_completion_offers_the_keys_of_the_items_type(yamlls, workspace):
    module = BLOCK_QUIZ.replace("    answer: a\n", "    \n")
    line = line_of(module, "    \n")
    completion = yamlls.ask("textDocument/completion", workspace / "content/modules/complete.yaml", module, line, 4)
    labels = {item["label"] for item in completion["items"]}
    assert {"answer", "explanation", "points"} <= labels  # the single-choice item's keys not yet written
    assert not labels & {"pairs", "sequence"}  # never another type's


def test_the_default_settings_have_no_diagnostics(yamlls, workspace):
    text = (REPO / "emcon.yaml").read_text(encoding="utf-8")
    assert yamlls.diagnostics(workspace / "emcon.yaml", text) == []


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "audiences:\n  deployed personnel: Deployed personnel\n",
            "  deployed",
            "an id: lowercase letters, digits and hyphens, e.g. first-steps",
        ),
        # the server names the mapping only, not `none`; emcon check says both
        ("markings: no\n", "markings", 'Incorrect type. Expected "Markings | null".'),
        ("colours: {accent: blue}\n", "colours", "a colour in CSS hex: #1f4e79 or #17a"),
    ],
    ids=["audience-id-with-a-space", "markings-bare-no", "colour-by-name"],
)
def test_a_settings_mistake_is_marked_at_its_line(yamlls, workspace, text, where, message):
    assert yamlls.diagnostics(workspace / "emcon.yaml", text) == [(line_of(text, where), message)]
