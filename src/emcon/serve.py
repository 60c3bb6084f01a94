"""`emcon serve`: build, serve build/ on 127.0.0.1, rebuild on every change, reload the page.

The server injects a small script into the HTML it serves (never into build/):
the script asks /__emcon__/status for the build's version and reloads the page
when it changes, or shows the content errors of a failed rebuild over the page.
"""

from __future__ import annotations

import json
import queue
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import click
import watchfiles

from .build import build
from .errors import BuildError, ContentError, NoCurriculum, errors_in, problem_report
from .project import CONTENT, load_project

HOST = "127.0.0.1"  # a preview for the author alone: never reachable from the network
ALLOWED_HOSTS = {"127.0.0.1", "localhost"}  # the Host header of a page the author opened; a rebound DNS name is not
LIVE = files("emcon") / "live"
PREFIX = "/__emcon__/"
INJECTED = f'<link rel="stylesheet" href="{PREFIX}reload.css"><script src="{PREFIX}reload.js"></script>'


@dataclass
class BuildState:
    """What the open pages poll: a version that changes with every rebuild, and the last error."""

    version: int = 0
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, error: str = "") -> None:
        """Record a finished rebuild (or its error), so pages reload or show it."""
        with self.lock:
            self.version += 1
            self.error = error

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"version": self.version, "error": self.error}).encode()


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serve build/ with the reload script injected into HTML pages."""

    def __init__(self, *args, state: BuildState, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def do_HEAD(self) -> None:
        if self._refused():
            return None
        target = Path(self.translate_path(self.path))
        if not self._real(target):
            return self.send_error(404)
        return super().do_HEAD()

    def do_GET(self) -> None:
        if self._refused():
            return None
        route = self.path.split("?", 1)[0]
        if route == PREFIX + "status":
            return self._send(200, "application/json", self.state.as_json())
        if route.startswith(PREFIX):
            return self._send_live(route.removeprefix(PREFIX))
        target = Path(self.translate_path(self.path))
        if not self._real(target):
            return self.send_error(404)
        if target.is_dir() and route.endswith("/"):
            target = target / "index.html"
        if target.suffix == ".html":
            return self._send_page(target)
        return super().do_GET()

    def _refused(self) -> bool:
        """Answer only requests addressed to this machine by name (no DNS rebinding): Host localhost or 127.0.0.1."""
        try:
            name = urlsplit("//" + (self.headers.get("Host") or "").strip()).hostname
        except ValueError:
            name = None
        if name in ALLOWED_HOSTS:
            return False
        self.send_error(421, "Misdirected Request: open the preview at http://127.0.0.1 or http://localhost")
        return True

    def _real(self, target: Path) -> bool:
        """Tell whether target is the build folder or lies in it through real folders and files (no link)."""
        root = Path(self.directory)
        try:
            parts = target.relative_to(root).parts
        except ValueError:
            return False
        path = root
        for part in parts:
            path = path / part
            if path.is_symlink():
                return False
        return True

    def _send_page(self, target: Path) -> None:
        if target.is_file() and not target.is_symlink():
            self._send(200, "text/html; charset=utf-8", inject(target.read_bytes()))
        else:
            self._send(404, "text/html; charset=utf-8", inject((LIVE / "waiting.html").read_bytes()))

    def _send_live(self, name: str) -> None:
        types = {"reload.js": "text/javascript; charset=utf-8", "reload.css": "text/css; charset=utf-8"}
        if name in types:
            self._send(200, types[name], (LIVE / name).read_bytes())
        else:
            self.send_error(404)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal reports rebuilds, not every request


def inject(page: bytes) -> bytes:
    """Return an HTML page with the reload script and error styles before </body>."""
    tag = INJECTED.encode()
    at = page.rfind(b"</body>")
    return page[:at] + tag + page[at:] if at != -1 else page + tag


def serve(root: Path, port: int, html_kinds: set[str]) -> None:
    """Serve root's build on 127.0.0.1:port until Ctrl-C or SIGTERM, rebuilding on change."""
    if not (root / CONTENT).is_dir():
        raise NoCurriculum(root.resolve())  # says which folder holds no content/ and what to do
    out = root / "build"
    state = BuildState()
    server = _start_server(out, port, state)
    click.echo(f"serving {out} at http://{HOST}:{port}/ (Ctrl-C to stop)")
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop on SIGTERM as on Ctrl-C
    changes: queue.Queue[set[str]] = queue.Queue()
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(root, changes, stop), name="emcon-watch", daemon=True)
    watcher.start()  # before the first build, so edits made during it are not missed
    try:
        rebuild(root, out, html_kinds, state)
        while True:
            changed = _drain(changes)
            shown = sorted(_shown(root, p) for p in changed if Path(p).exists())  # not editors' vanished temp files
            click.echo(f"changed: {', '.join(shown) or 'files removed'}")
            rebuild(root, out, html_kinds, state)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        watcher.join(timeout=5)
    click.echo("stopped")


class InputFilter(watchfiles.DefaultFilter):
    """Let through changes under content/ and templates/ and to emcon.yaml, but not editors' swap files."""

    def __init__(self, root: Path):
        super().__init__()
        self.folders = [root / "content", root / "templates", root / "emcon.yaml"]

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return super().__call__(change, path) and any(Path(path).is_relative_to(f) for f in self.folders)


def _watch(root: Path, changes: queue.Queue, stop: threading.Event) -> None:
    """Put the paths of every batch of changes under content/ and templates/ on the queue."""
    # The whole project is watched, so that a templates/ folder made later is seen too.
    for batch in watchfiles.watch(root, watch_filter=InputFilter(root), stop_event=stop, raise_interrupt=False):
        changes.put({path for _, path in batch})


def _drain(changes: queue.Queue) -> set[str]:
    """Wait for changes; return them with any others already waiting (one rebuild for all)."""
    changed = changes.get()
    while not changes.empty():
        changed |= changes.get_nowait()
    return changed


def _start_server(out: Path, port: int, state: BuildState) -> ThreadingHTTPServer:
    handler = partial(PreviewHandler, directory=str(out), state=state)
    try:
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {HOST}:{port} ({exc.strerror}); pass another --port") from None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="emcon-serve", daemon=True).start()
    return server


def _shown(root: Path, path: str) -> str:
    return Path(path).relative_to(root).as_posix() if Path(path).is_relative_to(root) else path


def rebuild(root: Path, out: Path, html_kinds: set[str], state: BuildState) -> None:
    """Load and check the content, build the HTML, then everything; publish the outcome."""
    try:
        project, problems = load_project(root)
        if project is None or errors_in(problems):
            return _fail(state, problem_report(problems))
        if problems:  # warnings: the author should see them, the preview goes on
            click.echo(problem_report(problems), err=True)
        for kinds, what in ((html_kinds, "HTML"), (None, "everything")):
            started = time.perf_counter()
            build(project, out, only=kinds)
            state.publish()
            click.echo(f"built {what} in {time.perf_counter() - started:.1f}s")
    except ContentError as exc:  # such as a broken strings file in templates/
        _fail(state, problem_report(exc.problems))
    except BuildError as exc:
        _fail(state, f"error: {exc.message}")
    except Exception:  # a bug: keep its traceback, and keep serving
        _fail(state, traceback.format_exc())


def _fail(state: BuildState, report: str) -> None:
    click.echo(report, err=True)
    click.echo("the last good build is still served; fix the problem and save", err=True)
    state.publish(report)
