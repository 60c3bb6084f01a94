"""`emcon serve`: answers on 127.0.0.1, rebuilds after a change, shows errors, stops cleanly."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import MODULE
from emcon.serve import inject

TIMEOUT = 60  # seconds any one wait may take before the test fails


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    """Return the status and text of a local URL (errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(condition, what: str):
    """Poll condition until it returns something true; fail after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            result = condition()
        except OSError:  # not listening yet
            result = None
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def server(make_project):
    """Start `emcon serve` on a free port of a tiny project; stop it after the test."""
    root = make_project()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "emcon", "serve", "--project", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield root, f"http://127.0.0.1:{port}", process
    if process.poll() is None:
        process.kill()
        process.communicate()


def status(base: str) -> dict:
    return json.loads(fetch(base + "/__emcon__/status")[1])


def test_serve_rebuilds_on_change_shows_errors_and_stops_cleanly(server):
    root, base, process = server
    page = base + "/basic/site/alpha.html"
    wait_for(lambda: fetch(page)[0] == 200 and status(base)["version"] >= 2, "the first build (HTML, then all)")
    code, text = fetch(page)
    assert "Alpha lesson" in text
    assert text.count('<script src="/__emcon__/reload.js"></script>') == 1
    assert "__emcon__" not in (root / "build/basic/site/alpha.html").read_text(encoding="utf-8")  # build/ stays clean
    assert (root / "build/basic/briefing.pdf").is_file()  # PDFs after the HTML

    module = root / "content/modules/alpha.yaml"
    module.write_text(MODULE.replace("title: Alpha lesson", "title: Alpha revised"), encoding="utf-8")
    wait_for(lambda: "Alpha revised" in fetch(page)[1], "the rebuilt page")

    module.write_text(MODULE.replace("minutes: 5\n", "minutes: five\n"), encoding="utf-8")
    error = wait_for(lambda: status(base)["error"], "the content error")
    assert "alpha.yaml:5: minutes: expected a whole number, got text ('five')" in error
    assert "Alpha revised" in fetch(page)[1]  # the last good build is still served

    module.write_text(MODULE, encoding="utf-8")
    wait_for(lambda: "Alpha lesson" in fetch(page)[1] and not status(base)["error"], "the repaired page")
    (root / "templates/strings").mkdir(parents=True)
    (root / "templates/strings/en.yaml").write_text("- a list, not names and words\n", encoding="utf-8")
    error = wait_for(lambda: status(base)["error"], "the template error")
    assert "templates/strings/en.yaml:1: expected a mapping of names to text" in error

    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    assert out.splitlines()[0] == f"serving {root / 'build'} at {base}/ (Ctrl-C to stop)"
    assert out.splitlines()[-1] == "stopped"
    assert "alpha.yaml:5: minutes: expected a whole number" in err


def test_a_page_not_built_yet_waits_with_the_reload_script(server):
    _, base, _ = server
    code, text = wait_for(lambda: fetch(base + "/nothing-here.html"), "the server")
    assert code == 404
    assert "Not built yet" in text and "/__emcon__/reload.js" in text


def test_the_server_listens_on_loopback_only(server):
    _, base, process = server
    wait_for(lambda: fetch(base + "/__emcon__/status")[0] == 200, "the server")
    listening = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
    port = base.rsplit(":", 1)[1]
    lines = [line for line in listening.splitlines() if f":{port} " in line]
    assert lines and all(f"127.0.0.1:{port}" in line for line in lines), lines


def test_inject_puts_the_script_before_the_closing_body():
    page = inject(b"<html><body><p>x</p></body></html>")
    assert page == (
        b'<html><body><p>x</p><link rel="stylesheet" href="/__emcon__/reload.css">'
        b'<script src="/__emcon__/reload.js"></script></body></html>'
    )


def test_serve_refuses_a_folder_without_content(tmp_path, run):
    result = run("serve", "--project", tmp_path, "--port", free_port())
    assert result.exit_code == 1
    assert result.output == (
        f"error: no content/ folder in {tmp_path.resolve()}, so it holds no curriculum: start one with "
        "`emcon init DIR`, or pass --project DIR naming the folder that holds content/\n"
    )
    assert not (tmp_path / "build").exists()


@pytest.fixture
def preview(tmp_path):
    """Serve a build folder holding a page, a link to an outside file and a link to an outside folder, in-process."""
    import http.server
    import threading
    from functools import partial

    from emcon.serve import BuildState, PreviewHandler

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (outside / "secret.html").write_text("<p>secret</p>")
    build = tmp_path / "build"
    (build / "basic").mkdir(parents=True)
    (build / "basic/briefing.html").write_text("<body><p>briefing</p></body>")
    (build / "basic/notes.txt").write_text("notes")
    (build / "basic/secret.txt").symlink_to(outside / "secret.txt")
    (build / "basic/secret.html").symlink_to(outside / "secret.html")
    (build / "linked").symlink_to(outside)
    handler = partial(PreviewHandler, directory=str(build), state=BuildState())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def request(port: int, path: str, host: str | None = None, method: str = "GET") -> tuple[int, str]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host} if host is not None else {}
    connection.request(method, path, headers=headers)  # a Host header given replaces the default one
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, body


def test_serve_answers_only_hosts_of_this_machine(preview):
    assert request(preview, "/basic/notes.txt", f"127.0.0.1:{preview}") == (200, "notes")
    assert request(preview, "/basic/notes.txt", f"localhost:{preview}") == (200, "notes")
    assert request(preview, "/basic/notes.txt", "LOCALHOST") == (200, "notes")
    for host in (f"attacker.example:{preview}", "attacker.example", "127.0.0.1.attacker.example", "", "[::1]:80"):
        status, body = request(preview, "/basic/notes.txt", host)
        assert status == 421 and "notes" not in body, host  # a rebound DNS name reads nothing
    assert request(preview, "/__emcon__/status", "attacker.example")[0] == 421
    assert request(preview, "/basic/notes.txt", "attacker.example", "HEAD")[0] == 421


def test_serve_serves_no_link_in_the_build(preview):
    host = f"127.0.0.1:{preview}"
    assert request(preview, "/basic/briefing.html", host)[0] == 200
    for path in ("/basic/secret.txt", "/basic/secret.html", "/linked/secret.txt", "/linked/", "/linked/secret.html"):
        status, body = request(preview, path, host)
        assert status == 404 and "secret" not in body, path
    assert request(preview, "/basic/secret.txt", host, "HEAD")[0] == 404
